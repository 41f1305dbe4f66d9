"""Demo feedback (gov_feedback, R-FB-1, R-FB-2): feedback, recommendations
and complaints in every state, on every channel, two items published in
the Q&A (/hoi-dap) and one complaint escalated to the superior agency.

Idempotent: nothing is done when the database already has a feedback.
Everything here is GIẢ ĐỊNH (assumed for the demo): senders, texts and
answers. The demo citizen Lan's complaint is about one of her own demo
dossiers (data_dossiers.py); the officers who answer are the demo users
(motcua, truongphong, lanhdao, quantri) when they exist."""
import datetime as dt

CITY = '000.00.21.H16'        # UBND thành phố Gia Nghĩa
DESK = '000.30.21.H16'        # its one-stop desk
UNIT = '000.31.21.H16'        # its specialised unit (demo)

QA = [
    # sender, procedure (a word of its name), title, content, question,
    # answer
    ("Nguyễn Văn Tài", "xây dựng", "Hỏi thời hạn cấp giấy phép xây dựng",
        "Tôi là Nguyễn Văn Tài, số điện thoại 0903111222, nhà ở phường "
        "Nghĩa Tân. Xin hỏi xin giấy phép xây dựng nhà ở riêng lẻ mất bao "
        "lâu?",
        "Thời hạn cấp giấy phép xây dựng nhà ở riêng lẻ là bao lâu?",
        "Theo Luật Xây dựng, cơ quan cấp phép giải quyết trong 15 ngày kể "
        "từ ngày nhận đủ hồ sơ hợp lệ. Ông/bà có thể theo dõi tiến độ bằng "
        "mã hồ sơ trên Cổng dịch vụ công."),
    ("Phạm Thị Hương", "khai sinh", "Nộp bản sao giấy tờ khi đăng ký khai sinh",
        "Em là Phạm Thị Hương (huong.pham@example.com). Khi đăng ký khai "
        "sinh trực tuyến có cần nộp bản sao chứng thực không ạ?",
        "Đăng ký khai sinh trực tuyến có cần nộp bản sao chứng thực "
        "không?",
        "Không. Khi nộp trực tuyến, người dân tải lên bản chụp hoặc bản "
        "quét giấy tờ; bản chính được đối chiếu khi nhận kết quả."),
    ]


def load_demo_feedback(pool):
    from trytond.transaction import Transaction
    Feedback = pool.get('gov.feedback')
    if Feedback.search([], limit=1):
        return 'feedback exists: nothing done'
    Agency = pool.get('gov.agency')
    User = pool.get('res.user')
    WebUser = pool.get('web.user')
    Dossier = pool.get('gov.dossier')
    Calendar = pool.get('gov.calendar')
    Procedure = pool.get('gov.procedure')
    agencies = {a.code: a for a in Agency.search([
                ('code', 'in', [CITY, DESK, UNIT])])}
    city = agencies.get(CITY)
    desk = agencies.get(DESK) or city
    unit = agencies.get(UNIT) or desk
    if not desk:
        return 'agencies missing: nothing done'
    users = {u.login: u.id for u in User.search([
                ('login', 'in', ['motcua', 'truongphong', 'lanhdao',
                        'quantri'])])}
    transaction = Transaction()

    def acting(login):
        return transaction.set_user(users.get(login, 0))

    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    today = Calendar.to_local(now).date()

    def days_ago(n):
        day = today
        for _ in range(n):
            day -= dt.timedelta(days=1)
            while not Calendar.is_working_day(day):
                day -= dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(2, 30))  # 9:30 local

    def make(received, **values):
        values.setdefault('channel', 'phone')
        values.setdefault('kind', 'feedback')
        values['received_date'] = days_ago(received)
        feedback, = Feedback.create([values])
        return feedback

    created = []
    # Received: nobody decided its agency yet (the provincial office will).
    created.append(make(0, channel='email', kind='recommendation',
            sender_name="Hoàng Minh Đức", sender_email='duc.hm@example.com',
            title="Đề nghị mở thêm quầy tiếp nhận buổi chiều thứ Bảy",
            content="Nhiều người đi làm không thể đến trong giờ hành chính."))
    # Assigned to the desk: on time, and one due soon.
    created.append(make(1, channel='in_person', subject_agency=desk.id,
            sender_name="Y Kông Êban", sender_phone='0914555666',
            title="Hướng dẫn viên tại quầy chưa nhiệt tình",
            content="Tôi được hướng dẫn ba lần mới đủ hồ sơ."))
    created.append(make(8, channel='letter', subject_agency=unit.id,
            sender_name="Lê Văn Sơn", sender_phone='0935123123',
            title="Chưa nhận được văn bản trả lời về đo đạc thửa đất",
            content="Đơn gửi qua bưu điện từ tháng trước."))
    # Answered and closed, two of them published in the Q&A.
    published = []
    for sender, words, title, content, question, answer in QA:
        procedures = Procedure.search_catalogue(words, limit=1)
        feedback = make(6, channel='portal' if published else 'email',
            subject_agency=unit.id, publication_consent=True,
            procedure=procedures[0].id if procedures else None,
            agency=unit.id,
            sender_name=sender, sender_email='hoidap@example.com',
            title=title, content=content)
        with acting('truongphong'):
            Feedback.do_answer([feedback], answer)
            Feedback.write([feedback], {'published_question': question,
                    'published_answer': answer})
            Feedback.publish([feedback])
        published.append(feedback)
    created.extend(published)
    with acting('truongphong'):
        Feedback.close([published[0]])
    # Closed out of scope.
    other = make(4, channel='phone', sender_name="Đinh Văn Lực",
        sender_phone='0977000111', subject_agency=desk.id,
        title="Tranh chấp ranh giới đất với hàng xóm",
        content="Đề nghị cơ quan xử lý tranh chấp đất đai.")
    with acting('motcua'):
        Feedback.do_close_out_of_scope([other],
            "Tranh chấp đất đai do UBND cấp xã hòa giải theo Luật Đất đai, "
            "không thuộc phạm vi phản ánh về thủ tục hành chính.")
    created.append(other)
    # Lan's complaints about her own dossier: one escalated by the daily
    # job (unanswered past its deadline), one answered then reopened.
    lan = WebUser.search([('email', '=', 'lan.nguyen@example.com')],
        limit=1)
    dossiers = Dossier.search([
            ('web_user', 'in', [u.id for u in lan]),
            ('code', '!=', None),
            ], order=[('id', 'ASC')], limit=1) if lan else []
    if dossiers:
        lan, = lan
        dossier, = dossiers
        late = make(14, channel='portal', kind='complaint', web_user=lan.id,
            sender_name=lan.party.name, sender_email=lan.email,
            dossier=dossier.id, title="Hồ sơ quá hạn chưa có kết quả",
            content="Đã quá ngày hẹn trả mà tôi chưa nhận được kết quả.")
        Feedback.escalate_overdue()
        created.append(late)
        answered = make(5, channel='portal', kind='complaint',
            web_user=lan.id, sender_name=lan.party.name,
            sender_email=lan.email, dossier=dossier.id,
            title="Bị yêu cầu nộp giấy tờ không có trong danh mục",
            content="Cán bộ yêu cầu thêm bản sao sổ hộ khẩu.")
        with acting('motcua'):
            Feedback.do_answer([answered],
                "Bộ phận Một cửa đã rà soát: không yêu cầu sổ hộ khẩu. Xin "
                "lỗi bà về sự bất tiện.")
        Feedback.portal_reopen(Feedback(answered.id), web_user=lan,
            reason="Cán bộ vẫn yêu cầu khi tôi đến nộp bản giấy.")
        created.append(answered)
    states = sorted({Feedback(f.id).state for f in created})
    return (f'{len(created)} feedback ({", ".join(states)}), '
        f'{len(published)} published in the Q&A')
