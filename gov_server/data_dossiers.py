"""Demo dossiers (issue #4): about thirty dossiers in every state, at several
agencies and through the three channels, so that the back office's inbox,
filters and deadlines and the portal's lookup have something to show.

Idempotent: nothing is done when the database already has a dossier. The
dossiers are dated in the last weeks before today (working days, office
hours, Asia/Ho_Chi_Minh) and moved through the real transitions, as the
demo officers (motcua, chuyenvien, truongphong, lanhdao) when they exist,
so that codes, due dates, steps, history and timeliness are the system's
own. The applicants are fictitious; their identification numbers only have
the right shape.

Fees (gov_fee): the fee lines are the procedures' own, copied by the
workflow. A dossier is returned ('done') only once its fees are paid: the
one-stop officer (motcua) records the cash taken at the desk
(gov.fee.payment.record, method desk) — at reception for the dossiers
marked `paid: 'reception'` in PLAN (the desk takes the fee with the
paper dossier), otherwise when the result is handed over. The other
fee-bearing dossiers are left due; a dossier rejected after its fee was
paid gets its refund proposed, and the accountant (ketoan) approves one
(`refund: 'approved'`).
"""
import datetime as dt
from decimal import Decimal

from gov_server.settings import DEMO_PASSWORD

DESK = '000.30.21.H16'        # Bộ phận Một cửa UBND thành phố Gia Nghĩa
COMMUNE = '000.01.21.H16'     # UBND phường Nghĩa Đức
LAND_OFFICE = '000.01.08.H16'  # Văn phòng Đăng ký đất đai tỉnh
TAX_DEPARTMENT = '000.00.05.H16'  # Sở Tài chính (cooperating agency)

CITIZENS = [
    # e-mail, full name, identification number, phone
    ('lan.nguyen@example.com', "Nguyễn Thị Lan", '067195001234',
        '0912345678'),
    ('tuan.tran@example.com', "Trần Văn Tuấn", '067080004321',
        '0987654321'),
    ('hong.le@example.com', "Lê Thị Hồng", '067301002468', '0905111222'),
    ]
APPLICANTS = [
    ("Phạm Văn Nam", '067085013579'), ("Hoàng Thị Mai", '067192024680'),
    ("Vũ Đức Anh", '067203011223'), ("Đặng Thị Thu", '066188033445'),
    ("Bùi Văn Hùng", '067075055667'), ("Đỗ Thị Hạnh", '068190077889'),
    ("Ngô Văn Phúc", '067099099001'), ("H'Bia Niê", '066197012121'),
    ("Y Kông Êban", '066084034343'),
    ]
ORGANISATIONS = [
    ("Công ty TNHH Xây dựng Gia Nghĩa", '0100109106', "Lê Văn Minh"),
    ("Hộ kinh doanh Cà phê Đắk Nông", '0100109106-001', "Trần Thị Hoa"),
    ]
# (procedure code, receiving agency, channel, state reached, started
# working days ago, options). Options: paid = 'reception' (the fee is
# paid at the desk when the dossier is received), refund = 'approved' (the
# refund of a rejected dossier is approved by the accountant).
PLAN = [
    ('1.009974', DESK, 'online', 'draft', 0, {}),
    ('2.000720', DESK, 'online', 'draft', 0, {'organisation': 1}),
    ('1.009974', DESK, 'online', 'submitted', 0, {}),
    ('2.000720', DESK, 'online', 'submitted', 1, {'organisation': 1}),
    ('1.000804', DESK, 'postal', 'submitted', 1, {}),
    ('1.001193', COMMUNE, 'online', 'submitted', 0, {}),
    ('H16.TAM.007', DESK, 'online', 'submitted', 2, {}),
    ('1.009974', DESK, 'online', 'supplement', 3,
        {'reason': "Bản vẽ thiết kế chưa có chữ ký của chủ đầu tư; bổ "
            "sung bản vẽ đã ký."}),
    ('2.000620', DESK, 'online', 'supplement', 4,
        {'reason': "Ảnh chụp giấy tờ bị mờ, không đọc được số."}),
    ('1.004873', COMMUNE, 'online', 'supplement', 2,
        {'reason': "Thiếu tờ khai theo mẫu."}),
    ('1.009974', DESK, 'desk', 'received', 0, {}),
    ('2.000720', DESK, 'online', 'received', 1, {}),
    # The paper originals on their way from the post office to the desk.
    ('H16.TAM.015', DESK, 'postal', 'received', 2, {'post': 'picked_up'}),
    ('1.013831', LAND_OFFICE, 'desk', 'received', 1, {}),
    ('1.009974', DESK, 'online', 'processing', 3, {}),
    ('1.009974', DESK, 'desk', 'processing', 9,
        {'paid': 'reception'}),  # due about now
    ('2.000620', DESK, 'online', 'processing', 12, {}),  # overdue
    ('H16.TAM.024', DESK, 'desk', 'processing', 5, {'forward': True}),
    ('1.009974', DESK, 'online', 'processing', 4,
        {'transfer': "Đề nghị xác nhận nghĩa vụ tài chính."}),
    ('H16.TAM.023', DESK, 'desk', 'suspended', 6,
        {'reason': "Chờ kết quả đo đạc, xác minh thực địa."}),
    ('2.000720', DESK, 'online', 'result_ready', 5, {}),
    ('1.000804', DESK, 'desk', 'result_ready', 8, {}),
    ('H16.TAM.007', DESK, 'desk', 'result_ready', 1, {}),
    # Results returned by post (gov_postal): not yet handed to the post
    # (two days after the result: late), then a shipment in each state.
    ('1.000804', DESK, 'postal', 'result_ready', 9, {'ready_ago': 2}),
    ('2.000620', DESK, 'postal', 'result_ready', 8, {'post': 'requested'}),
    ('1.009974', DESK, 'postal', 'result_ready', 9, {'post': 'in_transit'}),
    ('H16.TAM.007', DESK, 'postal', 'result_ready', 7, {'post': 'failed'}),
    ('2.000720', DESK, 'postal', 'result_ready', 10, {'post': 'returned'}),
    ('1.000804', DESK, 'postal', 'result_ready', 12, {'post': 'lost'}),
    ('2.000720', DESK, 'online', 'done', 10, {'early': True}),
    ('1.009974', DESK, 'desk', 'done', 20,
        {'paid': 'reception'}),  # on the due date
    ('2.000620', DESK, 'postal', 'done', 18, {'late': 2}),
    ('1.001193', COMMUNE, 'online', 'done', 6, {}),
    ('H16.TAM.015', DESK, 'online', 'done', 11, {'early': True}),
    ('2.000720', DESK, 'desk', 'rejected', 3,
        {'reason': "Ngành nghề đăng ký thuộc danh mục cấm kinh doanh.",
            'paid': 'reception'}),
    ('1.009974', DESK, 'desk', 'rejected', 7,
        {'reason': "Thửa đất thuộc hành lang bảo vệ công trình thủy lợi, "
            "không đủ điều kiện cấp phép xây dựng.", 'paid': 'reception',
            'refund': 'approved'}),
    ('1.009974', DESK, 'online', 'withdrawn', 4,
        {'reason': "Người nộp không còn nhu cầu xây dựng."}),
    ]
PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n'
    b'trailer<</Root 1 0 R>>\n%%EOF\n')


def _form_value(form_field, applicant_name):
    choices = form_field.choices() if form_field.type_ == 'selection' else []
    return {
        'char': applicant_name if 'ten' in form_field.name else "Theo hồ sơ",
        'integer': 1,
        'numeric': Decimal(100),
        'float': 100.0,
        'date': dt.date(1990, 1, 1),
        'selection': choices[0][0] if choices else None,
        'boolean': True,
        }.get(form_field.type_)


def _working_days_back(Calendar, today, days):
    "The working day that is `days` working days before today."
    day = today
    while not Calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    count = 0
    while count < days:
        day -= dt.timedelta(days=1)
        if Calendar.is_working_day(day):
            count += 1
    return day


def _utc(day, hour, minute=0):
    "A local time of the province as the naive UTC datetime Tryton stores."
    return dt.datetime.combine(day, dt.time(hour, minute)) - dt.timedelta(
        hours=7)


def _citizens(pool):
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    profile = 'full_name' in WebUser._fields
    result = []
    for email, name, number, phone in CITIZENS:
        users = WebUser.search([('email', '=', email)])
        if users:
            result.append(users[0])
            continue
        party = Party(name=name)
        party.save()
        user = WebUser(email=email, party=party, email_valid=True)
        if profile:
            user.full_name = name
            user.identification_number = number
            user.phone = phone
        user.password = DEMO_PASSWORD
        user.save()
        result.append(user)
    return result


def load_demo_dossiers(pool):
    from trytond.transaction import Transaction
    Dossier = pool.get('gov.dossier')
    if Dossier.search([], limit=1):
        return 'dossiers exist: nothing done'
    Procedure = pool.get('gov.procedure')
    Agency = pool.get('gov.agency')
    User = pool.get('res.user')
    Calendar = pool.get('gov.calendar')
    Document = pool.get('gov.dossier.document')

    procedures = {p.code: p for p in Procedure.search([
                ('state', '=', 'published')])}
    agencies = {a.code: a for a in Agency.search([])}
    users = {u.login: u.id for u in User.search([
                ('login', 'in', ['motcua', 'chuyenvien', 'truongphong',
                        'lanhdao', 'ketoan'])])}
    citizens = _citizens(pool)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    today = Calendar.to_local(now).date()
    transaction = Transaction()

    def acting(login):
        return transaction.set_user(users.get(login, 0))

    created, skipped = 0, 0
    for index, (code, agency_code, channel, state, ago, options) in (
            enumerate(PLAN)):
        procedure = procedures.get(code)
        agency = agencies.get(agency_code)
        if not procedure or not agency:
            skipped += 1
            continue
        day = _working_days_back(Calendar, today, ago)
        start = _utc(day, 8 + index % 6, (index * 7) % 60)
        if start > now:
            start = now - dt.timedelta(minutes=30)
        organisation = options.get('organisation')
        values = {
            'procedure': procedure.id,
            'agency': agency.id,
            'channel': channel,
            'notes': "Hồ sơ trình diễn (dữ liệu giả định).",
            }
        if organisation:
            name, tax_code, representative = ORGANISATIONS[organisation - 1]
            values.update(applicant_kind='organisation',
                applicant_name=name, applicant_tax_code=tax_code,
                submitter_name=representative)
            person = representative
        elif channel == 'online' and index % 3 != 2:
            citizen = citizens[index % len(citizens)]
            name, number = CITIZENS[index % len(CITIZENS)][1:3]
            values.update(web_user=citizen.id, applicant=citizen.party.id,
                applicant_name=name, applicant_id_number=number,
                applicant_email=citizen.email)
            person = name
        else:
            name, number = APPLICANTS[index % len(APPLICANTS)]
            values.update(applicant_name=name, applicant_id_number=number,
                applicant_phone='0905%06d' % (index * 7919 % 10 ** 6))
            if channel == 'postal':
                # Where the post returns the result (GIẢ ĐỊNH).
                values['applicant_address'] = (
                    f"Tổ {index % 9 + 1}, phường Nghĩa Thành, "
                    "thành phố Gia Nghĩa, tỉnh Đắk Nông")
            person = name
        values['form_data'] = {f.name: _form_value(f, person)
            for f in procedure.form_fields
            if _form_value(f, person) is not None}
        dossier, = Dossier.create([values])
        Document.create([{
                    'dossier': dossier.id,
                    'component': component.id,
                    'name': 'thanh_phan_%s.pdf' % component.sequence,
                    'data': PDF,
                    } for component in procedure.components
                if component.mandatory or index % 2])
        created += 1
        if state == 'draft':
            continue
        _advance(pool, dossier, state, channel, start, now, options,
            acting, agencies)
    _drop_stale_notices(transaction, Dossier)
    _receipts_in_time_order(pool)
    return f'{created} demo dossiers ({skipped} skipped: procedure or ' \
        'agency missing)'


def _receipts_in_time_order(pool):
    """The history is played dossier by dossier, not in time order: the
    receipt numbers each agency's book gave the demo's payments are handed
    out again in the order the payments were made, so that the book reads
    as a cashier's would (the same numbers, none added or skipped)."""
    Payment = pool.get('gov.fee.payment')
    payments = Payment.search([('state', '=', 'paid')])
    by_agency = {}
    for payment in payments:
        by_agency.setdefault(payment.agency.id, []).append(payment)
    moves = []
    for records in by_agency.values():
        numbers = sorted(p.receipt_number for p in records)
        records.sort(key=lambda p: (p.paid_date, p.id))
        moves.extend((p, n) for p, n in zip(records, numbers)
            if p.receipt_number != n)
    if not moves:
        return
    # Through free numbers first: receipt numbers are unique.
    for step in range(2):
        args = []
        for payment, number in moves:
            args.extend(([payment], {
                        'receipt_number': number + ('~' if not step else ''),
                        }))
        Payment.write(*args)


def _drop_stale_notices(transaction, Dossier):
    """Officers are told when a dossier arrives (saved with the
    transaction): the demo's history is played in one go, so only the
    notices of dossiers still waiting for the desk are kept."""
    import json
    waiting = {d.id for d in Dossier.search([('state', '=', 'submitted')])}
    transaction.user_notifications[:] = [n
        for n in transaction.user_notifications
        if n.model != 'gov.dossier'
        or set(json.loads(n.records or '[]')) & waiting]


def _advance(pool, dossier, state, channel, start, now, options, acting,
        agencies):
    Dossier = pool.get('gov.dossier')
    Calendar = pool.get('gov.calendar')

    def later(moment, hours):
        "hours later, but never in the future"
        return min(moment + dt.timedelta(hours=hours),
            now - dt.timedelta(minutes=1))

    today = Calendar.to_local(now).date()

    moment = start
    reason = options.get('reason')
    if channel == 'desk':
        with acting('motcua'):
            Dossier.receive([dossier], at=moment)
            if options.get('paid') == 'reception':
                moment = later(moment, 0.2)
                _pay_at_desk(pool, dossier, moment)
    else:
        Dossier.submit([dossier], at=moment)
        if state == 'submitted':
            return
        if state == 'supplement':
            with acting('motcua'):
                Dossier.request_supplement([Dossier(dossier.id)],
                    reason=reason, components=[
                        c.id for c in dossier.procedure.components[:1]],
                    at=later(moment, 3))
            return
        if state == 'withdrawn':
            dossier = Dossier(dossier.id)
            if dossier.web_user:
                Dossier.portal_withdraw([dossier], dossier.web_user,
                    reason, at=later(moment, 2))
            else:
                with acting('motcua'):
                    Dossier.withdraw([dossier], reason=reason,
                        at=later(moment, 2))
            return
        moment = later(moment, 2)
        with acting('motcua'):
            if state == 'rejected':
                Dossier.reject([Dossier(dossier.id)], reason=reason,
                    at=moment)
                return
            Dossier.receive([Dossier(dossier.id)], at=moment)
    dossier = Dossier(dossier.id)
    if state == 'rejected':
        with acting('motcua'):
            Dossier.reject([dossier], reason=reason, at=later(moment, 1))
        if options.get('refund') == 'approved':
            Refund = pool.get('gov.fee.refund')
            with acting('ketoan'):
                Refund.approve(Refund.search([
                            ('dossier', '=', dossier.id),
                            ('state', '=', 'draft')]))
        return
    if state == 'withdrawn':
        with acting('motcua'):
            Dossier.withdraw([dossier], reason=reason, at=later(moment, 1))
        return
    if state == 'received':
        if options.get('post') and hasattr(dossier, 'shipments'):
            # The post office sends the paper originals on (gov_postal).
            from gov_server.data_postal import ship
            ship(pool, dossier, 'pickup', options['post'], moment,
                later(moment, 3))
        return
    moment = later(moment, 1)
    with acting('chuyenvien'):
        Dossier.process([Dossier(dossier.id)], at=moment)
    if options.get('transfer'):
        tax = agencies.get(TAX_DEPARTMENT)
        if tax:
            with acting('chuyenvien'):
                Dossier.transfer([Dossier(dossier.id)], agency=tax.id,
                    days=3, reason=options['transfer'], at=later(moment, 2))
        return
    if options.get('forward'):
        with acting('chuyenvien'):
            _forward_once(Dossier, Dossier(dossier.id), later(moment, 20))
        return
    if state == 'suspended':
        with acting('truongphong'):
            Dossier.suspend([Dossier(dossier.id)], reason=reason,
                at=later(moment, 24))
        return
    if state == 'processing':
        return
    # result_ready and done: the result is ready some days later.
    dossier = Dossier(dossier.id)
    due = dossier.due_date
    if options.get('early'):
        ready_day = Calendar.add_working_days(dossier.received_date, 1)
    elif options.get('late'):
        ready_day = Calendar.add_working_days(due, options['late'])
    elif state == 'done':
        ready_day = due
    elif options.get('ready_ago'):
        ready_day = _working_days_back(Calendar, today, options['ready_ago'])
    else:
        ready_day = today
    ready_day = min(ready_day, today)
    ready = min(max(_utc(ready_day, 10), later(moment, 1)),
        now - dt.timedelta(minutes=1))
    with acting('truongphong'):
        for _ in range(len(dossier.steps)):
            dossier = Dossier(dossier.id)
            if dossier.state != 'processing':
                break
            if dossier.has_next_step or (
                    dossier.current_step_kind == 'transfer'):
                if dossier.current_step_kind == 'approve':
                    Dossier.approve([dossier], at=ready)
                else:
                    Dossier.forward([dossier], at=ready)
            else:
                Dossier.result_ready([dossier], at=ready)
    dossier = Dossier(dossier.id)
    by_post = getattr(dossier, 'returned_by_post', lambda: False)()
    if state == 'done':
        returned = later(ready, 4)
        with acting('motcua'):
            # The fees still due are paid when the result is handed over.
            _pay_at_desk(pool, dossier, later(ready, 3.9))
            if by_post:
                # Done when the post delivers it (gov_postal).
                from gov_server.data_postal import ship
                ship(pool, dossier, 'result', 'delivered', later(ready, 1),
                    returned)
            else:
                Dossier.done([Dossier(dossier.id)], at=returned)
    elif by_post and options.get('post'):
        from gov_server.data_postal import ship
        with acting('motcua'):
            ship(pool, dossier, 'result', options['post'], later(ready, 1),
                now - dt.timedelta(minutes=5))


def _pay_at_desk(pool, dossier, at):
    """The one-stop officer records the cash paid at the desk for what the
    dossier still owes, if anything."""
    Dossier = pool.get('gov.dossier')
    Payment = pool.get('gov.fee.payment')
    dossier = Dossier(dossier.id)
    due = Dossier.get_fee_amounts([dossier])[dossier.id]['due']
    if due > 0:
        Payment.record(dossier, 'desk', due,
            payer_name=dossier.submitter_name or dossier.applicant_name,
            at=at)


def _forward_once(Dossier, dossier, at):
    if dossier.has_next_step and dossier.current_step_kind != 'approve':
        Dossier.forward([dossier], at=at)
