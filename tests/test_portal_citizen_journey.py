"""Chị Lan's rough edges of issue 12, in headless Chromium against the
server as `make run` starts it, on the procedure as shipped in data/ (birth
registration, 1.001193), not on test-made data:

- "Nộp hồ sơ" as a stranger → the sign-in page says why → she registers
  (the way back is kept through the e-mail) → signs in → the form;
- the procedure page marks required and optional documents and offers
  the blank form, a real PDF;
- the receipt page has a print button and prints clean;
- the inbox link counts the unread notifications, and the count falls
  when she reads them.
"""
import csv
import re
import subprocess
from urllib.parse import unquote

from tests.portal_fixtures import (
    ROOT, SCREENSHOTS, Client, check_page, csrf_token, shot)

BIRTH = '1.001193'  # Đăng ký khai sinh, data/procedures.csv
FORM = f'/nop-ho-so/{BIRTH}'
WARD = 'Ủy ban nhân dân phường Nghĩa Đức'
EMAIL = 'lan.khaisinh@example.com'
NAME = 'Trần Thị Lan'
ID_NUMBER = '066195007777'
PASSWORD = 'Lan-khai-sinh-2026'
PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'

state = {}


def shipped_components(code):
    "The components of a procedure in data/, as (name, mandatory)."
    with open(ROOT / 'data' / 'procedure_components.csv',
            encoding='utf-8', newline='') as f:
        lines = [line for line in f if not line.startswith('#')]
    return [(r['name'], r['mandatory'].strip() == '1')
        for r in csv.DictReader(lines) if r['procedure'] == code]


def local(url):
    "The path and query of a link in an e-mail (the portal's own address)."
    return re.sub(r'^https?://[^/]+', '', url)


def test_1_stranger_submit_link_register_and_land_on_form(phone, portal):
    """R-AG-4, R-SUB-8, R-L10N-1, R-A11Y-1: "Nộp hồ sơ" as a stranger →
    the sign-in page says why; the register link, the verification e-mail
    and its page keep the way back; signing in lands on the form"""
    page = phone
    page.goto(f'/thu-tuc/{BIRTH}')
    page.click('text=Nộp hồ sơ trực tuyến')
    page.wait_for_url('**/dang-nhap?next=**')
    assert unquote(page.url).endswith(f'next={FORM}')
    reason = page.inner_text('#login-reason')
    assert 'Đăng nhập để nộp hồ sơ “Đăng ký khai sinh” trực tuyến' in reason
    assert 'trở lại biểu mẫu' in reason
    check_page(page, 'citizen-login-reason')

    # No account yet: the register link keeps where she was going.
    page.click('#register-link')
    page.wait_for_url('**/dang-ky?next=**')
    assert 'Đăng ký khai sinh' in page.inner_text('#register-reason')
    page.fill('#f-email', EMAIL)
    page.fill('#f-full_name', NAME)
    page.fill('#f-identification_number', ID_NUMBER)
    page.fill('#f-phone', '0912345678')
    page.fill('#f-address', 'Tổ 1, phường Nghĩa Đức, thành phố Gia Nghĩa')
    page.fill('#f-password', PASSWORD)
    page.fill('#f-password_confirm', PASSWORD)
    page.check('#f-consent')
    check_page(page, 'citizen-register-reason')
    page.click('main button[type=submit]')
    page.wait_for_selector('text=Kiểm tra hộp thư của bạn')
    assert unquote(page.get_attribute('main a.button', 'href')) == \
        f'/dang-nhap?next={FORM}'

    # The e-mail's link, its page and the page after it keep the way back.
    message = portal.mails.wait_for(EMAIL, 'Xác thực')
    text = message.get_body(preferencelist=('plain',)).get_content()
    link = re.search(r'https?://\S+/xac-thuc-email\?\S+', text).group(0)
    assert 'next=' in link
    page.goto(local(link))
    page.click('button:has-text("Xác thực e-mail")')
    page.wait_for_selector('text=E-mail đã được xác thực')
    page.click('main a:has-text("Đăng nhập")')
    page.wait_for_url('**/dang-nhap?next=**')
    assert 'Đăng ký khai sinh' in page.inner_text('#login-reason')
    page.fill('#f-email', EMAIL)
    page.fill('#f-password', PASSWORD)
    page.click('main button[type=submit]')
    page.wait_for_url(f'**{FORM}')
    # The form of the procedure, pre-filled from her profile.
    assert 'Đăng ký khai sinh' in page.inner_text('h1')
    assert page.input_value('#f-applicant_name') == NAME
    assert page.input_value('#f-applicant_id_number') == ID_NUMBER
    state['cookies'] = page.context.cookies()


def test_2_sign_in_from_submit_returns_to_form(desktop, portal):
    """R-AG-4, R-SEC-1: with an account, "Nộp hồ sơ" → sign in → the form;
    a `next` leading off the site is never followed"""
    email, password = 'co.tai.khoan@example.com', 'Mat-khau-2026'
    Client(portal).register(email, 'Lò Văn Tâm', '066090008888', password)
    page = desktop
    page.goto(f'/thu-tuc/{BIRTH}')
    page.click('text=Nộp hồ sơ trực tuyến')
    page.wait_for_url('**/dang-nhap?next=**')
    assert 'Đăng ký khai sinh' in page.inner_text('#login-reason')
    page.fill('#f-email', email)
    page.fill('#f-password', password)
    page.click('main button[type=submit]')
    page.wait_for_url(f'**{FORM}')
    assert page.input_value('#f-applicant_name') == 'Lò Văn Tâm'

    # Off-site or account-page `next`: back to "my dossiers", no reason.
    for target in ('https://evil.example/', '//evil.example/x',
            '/\\evil.example', '/dang-nhap'):
        visitor = Client(portal)
        status, _, body = visitor.get(
            '/dang-nhap?next=' + target.replace('/', '%2F'))
        assert 'login-reason' not in body and 'name="next"' not in body
        assert 'href="/dang-ky"' in body  # the register link too
        status, headers, _ = visitor.request('POST', '/dang-nhap', {
                'email': email, 'password': password, 'next': target,
                'csrf_token': csrf_token(body)})
        assert status == 303 and headers['Location'].endswith('/ho-so'), (
            target, headers['Location'])


def test_3_procedure_page_required_optional_and_template(phone, portal):
    """R-CAT-1, R-CAT-2, R-A11Y-1: each document says "Bắt buộc" or "Nếu
    có" as the data says; the tờ khai's blank form downloads as a PDF"""
    page = phone
    page.goto(f'/thu-tuc/{BIRTH}')
    rows = page.locator('#component-list tbody tr')
    expected = shipped_components(BIRTH)
    assert rows.count() == len(expected)
    for index, (name, mandatory) in enumerate(expected):
        row = rows.nth(index)
        assert name in row.inner_text()
        badge = row.locator('.badge')
        word, kind = ('Bắt buộc', 'required') if mandatory else (
            'Nếu có', 'optional')
        assert badge.inner_text() == word, name
        assert kind in badge.get_attribute('class').split(), name
    link = page.locator('a.template-link')
    assert link.count() >= 1
    assert 'Tờ khai đăng ký khai sinh' in link.first.inner_text()
    assert '(PDF)' in link.first.inner_text()
    check_page(page, 'citizen-procedure-components')
    with page.expect_download() as info:
        link.first.click()
    download = info.value
    assert download.suggested_filename == 'to-khai-dang-ky-khai-sinh.pdf'
    data = open(download.path(), 'rb').read()
    assert data.startswith(b'%PDF-') and b'%%EOF' in data[-1024:]
    response = page.request.get(link.first.get_attribute('href'))
    assert response.headers['content-type'] == 'application/pdf'
    assert response.headers['x-content-type-options'] == 'nosniff'
    assert response.body() == data
    # It is the birth declaration, one A4 page, and says it is a demo.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / 'citizen-template.pdf'
    pdf.write_bytes(data)
    text = subprocess.run(['pdftotext', str(pdf), '-'], capture_output=True,
        text=True, check=True).stdout
    assert 'TỜ KHAI ĐĂNG KÝ KHAI SINH' in text
    assert 'Mẫu minh họa' in text
    assert 'Họ, chữ đệm, tên người mẹ' in text
    info = subprocess.run(['pdfinfo', str(pdf)], capture_output=True,
        text=True, check=True).stdout
    assert re.search(r'Pages:\s+1\b', info) and 'A4' in info
    subprocess.run(['pdftoppm', '-r', '60', '-png', '-singlefile', str(pdf),
            str(SCREENSHOTS / 'citizen-template')], check=True)


def submit_birth(page):
    "Fill the shipped birth form with valid values and submit it."
    page.goto(FORM)
    page.select_option('#f-agency', label=WARD)
    page.fill('#f-f_ho_ten', 'Trần Minh Khang')
    page.fill('#f-f_ngay_sinh', '05/01/2026')
    page.select_option('#f-f_gioi_tinh', index=1)
    page.fill('#f-f_noi_sinh', 'Bệnh viện đa khoa tỉnh Đắk Nông')
    page.fill('#f-f_dan_toc', 'Kinh')
    page.fill('#f-f_quoc_tich', 'Việt Nam')
    page.fill('#f-f_ho_ten_me', NAME)
    page.select_option('#f-f_quan_he', index=1)
    # A file for every required document, whatever the data says today.
    inputs = page.locator('.field:has(label .req) input[type=file]')
    for index in range(inputs.count()):
        inputs.nth(index).set_input_files(files=[{
                    'name': f'giay-to-{index}.pdf',
                    'mimeType': 'application/pdf', 'buffer': PDF}])
    # Declarations asked before submitting (R-SUB-9), if any.
    boxes = page.locator('#submit-form input[type=checkbox][required]')
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.click('button[value=submit]')
    page.wait_for_url('**/da-nop')
    return page.inner_text('#dossier-code').strip()


def test_4_receipt_has_a_print_button_and_prints_clean(phone, portal):
    """R-SUB-5, R-PROC-5, R-A11Y-1: the receipt page has a print / PDF
    button; printed, it keeps the dossier's facts without the site's menu"""
    page = phone
    page.context.add_cookies(state['cookies'])
    code = submit_birth(page)
    state['code'] = code
    page.click('text=Xem giấy biên nhận')
    page.wait_for_url(f'**/ho-so/{code}/bien-nhan')
    button = page.locator('button[data-print]')
    assert button.is_visible()
    assert button.inner_text() == 'In hoặc lưu PDF'
    check_page(page, 'citizen-receipt')
    # The button opens the browser's print dialog.
    page.evaluate('window.print = () => { window.printed = true; }')
    button.click()
    assert page.evaluate('window.printed === true')
    # Printed: no header, menu, footer nor buttons; the facts and QR stay.
    page.emulate_media(media='print')
    for hidden in ('.site-header', '.site-footer', '.actions', '.skip'):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator('.print-only').is_visible()
    assert code in page.inner_text('main')
    assert page.locator('.qr img').is_visible()
    shot(page, 'citizen-receipt-print')
    pdf = SCREENSHOTS / 'citizen-receipt-print.pdf'
    page.pdf(path=str(pdf), format='A4')  # what "Save as PDF" gives
    page.emulate_media(media='screen')
    info = subprocess.run(['pdfinfo', str(pdf)], capture_output=True,
        text=True, check=True).stdout
    assert re.search(r'Pages:\s+1\b', info), info
    text = subprocess.run(['pdftotext', str(pdf), '-'], capture_output=True,
        text=True, check=True).stdout
    assert code in text and 'Giấy xác nhận nộp hồ sơ trực tuyến' in text
    assert 'Đăng xuất' not in text and 'In hoặc lưu PDF' not in text
    subprocess.run(['pdftoppm', '-r', '60', '-png', '-singlefile', str(pdf),
            str(SCREENSHOTS / 'citizen-receipt-print-pdf')], check=True)


def unread_badge(page):
    badge = page.locator('.site-nav a[href="/thong-bao"] #unread-count')
    return badge.inner_text() if badge.count() else None


def test_5_unread_count_on_every_page_falls_when_read(desktop, portal):
    """R-NOT-2, R-A11Y-1: the inbox link shows the unread notifications on
    every page (number, and words for screen readers); reading them takes
    the number away"""
    page = desktop
    page.context.add_cookies(state['cookies'])
    page.goto('/ho-so')
    count = unread_badge(page)
    # Submitting told her the agency got the dossier (R-NOT-1).
    assert count and int(count) >= 1, count
    for path in ('/', '/thu-tuc', f'/thu-tuc/{BIRTH}', f'/ho-so/{state["code"]}',
            '/tai-khoan'):
        page.goto(path)
        assert unread_badge(page) == count, path
    name = page.locator('.site-nav a[href="/thong-bao"]').inner_text()
    assert f'{count} chưa đọc' in name
    page.goto('/thong-bao')
    assert page.locator('#inbox .badge:has-text("Mới")').count() == int(count)
    check_page(page, 'citizen-inbox-unread')
    page.click('text=Đánh dấu tất cả là đã đọc')
    page.wait_for_selector('text=Đã đánh dấu tất cả là đã đọc')
    assert unread_badge(page) is None
    assert 'chưa đọc' not in page.locator(
        '.site-nav a[href="/thong-bao"]').inner_text()
    page.goto('/ho-so')
    assert unread_badge(page) is None
    check_page(page, 'citizen-inbox-read')
    # The English page says it in English.
    page.goto(f'/ngon-ngu/en?next=/thu-tuc/{BIRTH}')
    assert 'Required' in page.inner_text('#component-list')
