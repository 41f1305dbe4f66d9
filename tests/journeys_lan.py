"""Chị Lan's steps (tests/test_journeys.py): the birth registration on her
phone, and the officers who resolve it in sao."""
import datetime as dt
import re

from tests.journeys_helpers import (
    DATE, WARD, Sao, fact, leader_signs_the_result, local, mail_text,
    new_page, page_qr_codes,
    parse_date, pdf_scan, png_photo, text, vietnam_today)


BIRTH = '1.001193'       # Đăng ký khai sinh, commune level (data/)


LAN = {
    'email': 'chi.lan.journey@example.com',
    'name': 'Nguyễn Thị Lan',
    'id_number': '067195008686',
    'phone': '0912000111',
    'address': 'Tổ 3, phường Nghĩa Đức, thành phố Gia Nghĩa, Đắk Nông',
    'password': 'Lan-khai-sinh-2026',
    }


BABY = {
    'name': 'Nguyễn Minh An',
    'place': 'Bệnh viện đa khoa tỉnh Đắk Nông',
    }


def lan_finds_the_procedure(page, shot):
    "Home → search without diacritics → the first hit → its page."
    page.goto('/')
    main = page.locator('main')
    # One search box for procedures, one for a dossier's code: nothing
    # else competes for attention.
    assert main.locator('form').count() == 2
    assert main.locator('input:visible').count() == 2
    shot(page, 'home')
    page.fill('#q', 'khai sinh')
    page.locator('#q').press('Enter')
    page.wait_for_url('**/thu-tuc?q=khai+sinh')
    first = page.locator('ul.results > li').first
    assert first.locator('h3').inner_text() == 'Đăng ký khai sinh'
    hit = text(first.inner_text())
    assert 'Mã: 1.001193' in hit and 'UBND cấp xã' in hit
    assert 'Thời hạn: Ngay trong ngày' in hit      # the time
    assert 'Lệ phí: Không thu' in hit             # free on time
    assert 'Nơi tiếp nhận: Ủy ban nhân dân' in hit  # who handles it
    shot(page, 'search-khai-sinh')
    first.locator('h3 a').click()
    page.wait_for_url(f'**/thu-tuc/{BIRTH}')
    body = text(page.inner_text('main'))
    for expected in ('Thời hạn giải quyết', 'Ngay trong ngày tiếp nhận',
            'Lệ phí, phí', 'Không thu', 'Thành phần hồ sơ',
            'Giấy chứng sinh (bản chính)', 'Bắt buộc', 'Nếu có',
            'Nơi tiếp nhận, giải quyết', WARD):
        assert expected in body, expected
    shot(page, 'procedure-page')


def lan_registers_and_lands_on_the_form(page, server, shot):
    """"Nộp hồ sơ" as a stranger → sign-in says why → register → the
    e-mail of the sink → verified → signed in → the form, pre-filled."""
    page.click('text=Nộp hồ sơ trực tuyến')
    page.wait_for_url('**/dang-nhap?next=**')
    assert 'Đăng ký khai sinh' in page.inner_text('#login-reason')
    shot(page, 'sign-in-why')
    page.click('#register-link')
    page.wait_for_url('**/dang-ky?next=**')
    page.fill('#f-email', LAN['email'])
    page.fill('#f-full_name', LAN['name'])
    page.fill('#f-identification_number', LAN['id_number'])
    page.fill('#f-phone', LAN['phone'])
    page.fill('#f-address', LAN['address'])
    page.fill('#f-password', LAN['password'])
    page.fill('#f-password_confirm', LAN['password'])
    page.check('#f-consent')
    shot(page, 'register')
    page.click('main button[type=submit]')
    page.wait_for_selector('text=Kiểm tra hộp thư của bạn')
    shot(page, 'check-your-mailbox')
    message = server.mails.wait_for(LAN['email'], 'Xác thực')
    link = re.search(r'https?://\S+/xac-thuc-email\?\S+',
        mail_text(message)).group(0)
    page.goto(local(link))
    page.click('button:has-text("Xác thực e-mail")')
    page.wait_for_selector('text=E-mail đã được xác thực')
    page.click('main a:has-text("Đăng nhập")')
    page.wait_for_url('**/dang-nhap?next=**')
    page.fill('#f-email', LAN['email'])
    page.fill('#f-password', LAN['password'])
    page.click('main button[type=submit]')
    page.wait_for_url(f'**/nop-ho-so/{BIRTH}')
    # Her name, ID number, phone and address pre-fill the form (R-SUB-8).
    assert page.input_value('#f-applicant_name') == LAN['name']
    assert page.input_value('#f-applicant_id_number') == LAN['id_number']
    assert page.input_value('#f-applicant_phone') == LAN['phone']
    assert page.input_value('#f-applicant_address') == LAN['address']
    shot(page, 'form-prefilled')


def lan_fills_and_submits(page, shot):
    """The baby's details, a wrong date first (the error next to the
    field, nothing lost), the hospital's birth certificate photographed,
    the declaration, submitted."""
    page.select_option('#f-agency', label=WARD)
    page.fill('#f-f_ho_ten', BABY['name'])
    page.fill('#f-f_ngay_sinh', '31/11/2026')   # a day that does not exist
    page.select_option('#f-f_gioi_tinh', label='Nam')
    page.fill('#f-f_noi_sinh', BABY['place'])
    page.fill('#f-f_dan_toc', 'Kinh')
    page.fill('#f-f_quoc_tich', 'Việt Nam')
    page.fill('#f-f_ho_ten_me', LAN['name'])
    page.select_option('#f-f_quan_he', label='Mẹ')
    certificate = page.locator('.field', has=page.locator(
            'label', has_text='Giấy chứng sinh')).locator('input[type=file]')
    certificate.set_input_files(files=[{'name': 'giay-chung-sinh.png',
                'mimeType': 'image/png',
                'buffer': png_photo('GIAY CHUNG SINH - BV DK DAK NONG')}])
    identity = page.locator('.field', has=page.locator(
            'label', has_text='Giấy tờ tùy thân')).locator('input[type=file]')
    identity.set_input_files(files=[{'name': 'can-cuoc.pdf',
                'mimeType': 'application/pdf',
                'buffer': pdf_scan('CAN CUOC - NGUYEN THI LAN')}])
    page.check('#f-declaration')
    shot(page, 'form-filled-wrong-date')
    page.click('button[value=submit]')
    page.wait_for_selector('#error-summary')
    # The error is next to the field, in Vietnamese, and says the day
    # does not exist (not that the format is wrong).
    error = text(page.inner_text('#e-f_ngay_sinh'))
    assert 'không có ngày 31/11/2026' in error, error
    # Nothing typed is lost; the file is kept.
    assert page.input_value('#f-f_ho_ten') == BABY['name']
    assert page.input_value('#f-f_noi_sinh') == BABY['place']
    assert page.input_value('#f-f_ngay_sinh') == '31/11/2026'
    assert 'giay-chung-sinh.png' in page.inner_text('main')
    shot(page, 'date-error-nothing-lost')
    born = vietnam_today() - dt.timedelta(days=3)
    page.fill('#f-f_ngay_sinh', born.strftime('%d/%m/%Y'))
    if not page.is_checked('#f-declaration'):
        page.check('#f-declaration')
    page.click('button[value=submit]')
    page.wait_for_url('**/da-nop')


def lan_reads_the_confirmation(page, server, shot):
    "Code, PIN, receipt link, QR, expected dates; the e-mail says it too."
    code = page.inner_text('#dossier-code').strip()
    pin = page.inner_text('#dossier-pin').strip()
    assert re.fullmatch(r'000\.01\.21\.H16-\d{6}-\d{4}', code), code
    assert re.fullmatch(r'\d{6,}', pin), pin
    check = text(page.inner_text('#check-date'))
    assert re.search(r'trong 1 ngày làm việc, chậm nhất ngày '
        r'\d\d/\d\d/\d{4}', check), check
    assert DATE.fullmatch(page.inner_text('#due-date').strip())
    assert page.locator('a', has_text='Xem giấy biên nhận').get_attribute(
        'href') == f'/ho-so/{code}/bien-nhan'
    (qr,) = [t for t in page_qr_codes(page, 'main img') if '/tra-cuu/' in t]
    assert qr.endswith(f'/tra-cuu/{code}') or f'/tra-cuu/{code}?' in qr, qr
    shot(page, 'confirmation')
    message = server.mails.wait_for(LAN['email'], f'{code}: ')
    mail = mail_text(message)
    assert code in mail
    assert parse_date(check).strftime('%d/%m/%Y') in mail, mail
    # R-NOT-2's SMS goes through the fake gateway of `make run` (kept in
    # the server's memory): the notification record says it was sent.
    return code


def desk_receives(browser, server, shot, code):
    """motcua (the desk serving the ward) sees it among the new dossiers
    and receives it with sao's button; the SMS and e-mail of the
    reception are listed on the dossier. The due date shown."""
    sao = Sao(browser, server, 'motcua', shot)
    try:
        # Told by sao's bell: the new dossier, by its code.
        sao.page.locator('#user-preferences > a').click()
        bell = sao.page.locator('.notification-menu .notification-label')
        bell.first.wait_for()
        assert f'Hồ sơ mới {code}' in bell.all_inner_texts()
        sao.shot('desk-bell-new-dossier')
        sao.page.keyboard.press('Escape')
        sao.open_dossiers()
        assert sao.domain_tab('Hồ sơ mới') >= 1
        assert code in sao.column('Mã hồ sơ')
        sao.shot('desk-new-dossiers')
        sao.open(code)
        assert sao.value('state') == 'Đã nộp'
        assert sao.value('applicant_name') == LAN['name']
        sao.shot('desk-opens-dossier')
        sao.button('Tiếp nhận')
        sao.wait_value('state', 'Đã tiếp nhận')
        due = sao.value('due_date')
        assert DATE.fullmatch(due), due
        sao.notebook('Đang xử lý')
        # Received, the dossier waits at the specialist unit's step.
        assert 'Phòng Tài nguyên và Môi trường' in sao.value('current_unit')
        sao.shot('desk-received-steps')
        sao.notebook('Thông báo')
        notifications = sao.rows()
        assert any('Tin nhắn SMS' in row and 'Đã gửi' in row
            and LAN['phone'] in row for row in notifications), notifications
        assert any('Thư điện tử' in row and 'Đã gửi' in row
            for row in notifications), notifications
        sao.shot('desk-notifications-sent')
        assert sao.errors == []
        return due
    finally:
        sao.close()


def lan_sees_received(page, server, shot, code, due):
    "Her follow page and the public lookup say received, with the date."
    page.goto(f'/ho-so/{code}')
    assert page.inner_text('#dossier-state') == 'Đã tiếp nhận, hồ sơ hợp lệ'
    assert page.inner_text('#due-date') == due
    assert DATE.fullmatch(page.inner_text('#received-date'))
    shot(page, 'follow-received')
    stranger = new_page(page.context.browser, server, 360, phone=True)
    try:
        stranger.goto('/')
        stranger.fill('#ma', code)
        stranger.locator('#ma').press('Enter')
        stranger.wait_for_selector('text=Kết quả tra cứu')
        assert fact(stranger, 'Tình trạng') == 'Đã tiếp nhận, hồ sơ hợp lệ'
        assert fact(stranger, 'Ngày hẹn trả kết quả') == due
        assert fact(stranger, 'Ngày nhận hồ sơ') == page.inner_text(
            '#received-date')
        # A stranger without the PIN reads a masked name.
        assert LAN['name'] not in stranger.inner_text('main')
        assert fact(stranger, 'Người nộp hồ sơ').startswith('Nguyễn T')
        shot(stranger, 'public-lookup-received')
    finally:
        stranger.context.close()


def officers_resolve(browser, server, shot, code):
    """chuyenvien starts processing and forwards with his opinion and a
    draft; lanhdao reads the opinion and approves (signs); the result is
    ready; motcua returns it."""
    sao = Sao(browser, server, 'chuyenvien', shot)
    try:
        sao.open_dossiers()
        sao.domain_tab('Đang xử lý')
        sao.open(code)
        sao.button('Bắt đầu xử lý')
        sao.wait_value('state', 'Đang xử lý')
        sao.button('Chuyển bước tiếp')
        dialog = sao.dialog()
        dialog.get_by_text('Bước tiếp theo:').wait_for()
        sao.type_in(dialog.locator('textarea'),
            'Hồ sơ đầy đủ, hợp lệ. Kính trình lãnh đạo ký Giấy khai sinh.')
        dialog.locator('input[type=file]').set_input_files(files=[{
                    'name': 'du-thao-giay-khai-sinh.pdf',
                    'mimeType': 'application/pdf',
                    'buffer': pdf_scan('DU THAO GIAY KHAI SINH')}])
        sao.shot('specialist-forwards-with-opinion')
        sao.dialog_button('Chuyển bước tiếp')
        sao.wait_dialog_closed()
        sao.notebook('Đang xử lý')
        assert 'ký duyệt' in sao.value('current_step')
        sao.shot('specialist-forwarded')
        assert sao.errors == []
    finally:
        sao.close()
    sao = Sao(browser, server, 'lanhdao', shot)
    try:
        sao.open_dossiers()
        sao.domain_tab('Đang xử lý')
        sao.open(code)
        sao.notebook('Đang xử lý')
        assert 'Kính trình lãnh đạo ký' in sao.value('previous_opinion')
        assert 'du-thao-giay-khai-sinh.pdf' in sao.page.inner_text('body')
        sao.shot('leader-reads-opinion')
        leader_signs_the_result(sao, code, 'giay-khai-sinh.pdf',
            'Giay khai sinh cua Nguyen Minh An')
        sao.button('Phê duyệt')
        sao.wait_value('state', 'Có kết quả')
        sao.shot('leader-approved-result-ready')
        assert sao.errors == []
    finally:
        sao.close()
    sao = Sao(browser, server, 'motcua', shot)
    try:
        sao.open_dossiers()
        assert sao.domain_tab('Có kết quả') >= 1
        sao.open(code)
        sao.button('Đã trả kết quả')
        sao.wait_value('state', 'Đã trả kết quả')
        sao.notebook('Lịch sử xử lý')
        history = text(sao.page.locator('.form:visible, form:visible')
            .last.inner_text())
        for who in ('Nguyễn Thị Hoa', 'Lê Văn Minh', 'Hoàng Văn Bình'):
            assert who in history, who
        sao.shot('desk-returned-history')
        assert sao.errors == []
    finally:
        sao.close()


def lan_sees_done(page, server, shot, code):
    "The result notification by e-mail; the follow page says returned."
    message = server.mails.wait_for(LAN['email'], f'{code}: đã có kết quả')
    assert code in mail_text(message)
    page.goto(f'/ho-so/{code}')
    assert page.inner_text('#dossier-state') == 'Đã trả kết quả'
    timeline = text(page.inner_text('.timeline'))
    for event in ('Nộp hồ sơ trực tuyến', 'Tiếp nhận hồ sơ',
            'Chuyển bước xử lý', 'Có kết quả', 'Trả kết quả'):
        assert event in timeline, event
    assert fact(page, 'Kết quả giải quyết') in ('Trước hạn', 'Đúng hạn')
    shot(page, 'follow-done')
