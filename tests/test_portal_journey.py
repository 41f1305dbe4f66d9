"""Chị Lan's journey end to end in headless Chromium against the real
server (JOURNEYS.md): register, verify the e-mail, log in, find the
procedure, submit with a wrong then a right value and two files, see the
code; an officer receives it over RPC; she sees the change; the public
lookup masks her name until the PIN is typed; the kiosk finds it.

R-AG-4, R-CAT-2, R-SUB-1, R-SUB-4, R-SUB-7, R-SUB-8, R-LOOK-1, R-LOOK-2,
R-LOOK-3, R-NOT-2, R-L10N-1, R-A11Y-1."""
import re


from tests.portal_fixtures import check_page
from tests.portal_seed import BIRTH

PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
PNG = (b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00'
    b'\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f'
    b'\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82')
EMAIL = 'chi.lan@example.com'
PASSWORD = 'Lan-khai-sinh-2026'
ID_NUMBER = '066190001234'
NAME = 'Nguyễn Thị Lan'

state = {}


def register_and_log_in(page, portal, email, name, id_number, password):
    "Register, verify the e-mail from the SMTP sink and log in."
    page.goto('/dang-ky')
    page.fill('#f-email', email)
    page.fill('#f-full_name', name)
    page.fill('#f-identification_number', id_number)
    page.fill('#f-phone', '0912345678')
    page.fill('#f-address', 'Tổ 1, phường Nghĩa Đức, thành phố Gia Nghĩa')
    page.fill('#f-password', password)
    page.fill('#f-password_confirm', password)
    page.check('#f-consent')
    page.click('button[type=submit] >> text=Đăng ký')
    page.wait_for_selector('text=Kiểm tra hộp thư của bạn')
    message = portal.mails.wait_for(email, 'Xác thực')
    text = message.get_body(preferencelist=('plain',)).get_content()
    link = re.search(r'http://\S+/xac-thuc-email\?token=\w+', text).group(0)
    page.goto(link.replace(re.match(r'http://[^/]+', link).group(0), ''))
    page.click('button:has-text("Xác thực e-mail")')
    page.wait_for_selector('text=E-mail đã được xác thực')
    page.goto('/dang-nhap')
    page.fill('#f-email', email)
    page.fill('#f-password', password)
    page.click('main button[type=submit]')
    page.wait_for_url('**/ho-so')


def test_1_register_verify_log_in(phone, portal):
    "R-AG-4, R-SUB-8: register with ID number, verify e-mail, log in"
    page = phone
    page.goto('/dang-ky')
    # A wrong ID number is explained next to its field; values are kept.
    page.fill('#f-email', EMAIL)
    page.fill('#f-full_name', NAME)
    page.fill('#f-identification_number', '12345')
    page.click('main button[type=submit]')
    assert 'gồm đúng 12 chữ số' in page.inner_text('#e-identification_number')
    assert page.input_value('#f-full_name') == NAME
    check_page(page, 'register-errors')
    # Logging in before verifying is refused.
    register_and_log_in(page, portal, EMAIL, NAME, ID_NUMBER, PASSWORD)
    check_page(page, 'my-dossiers-empty')
    page.goto('/tai-khoan')
    assert page.input_value('#f-identification_number') == ID_NUMBER
    check_page(page, 'profile')
    state['cookies'] = page.context.cookies()


def test_2_search_and_submit(phone, portal):
    "R-CAT-2, R-SUB-1, R-SUB-4, R-SUB-8: search, eForm errors, submit"
    page = phone
    page.context.add_cookies(state['cookies'])
    page.goto('/')
    page.fill('#q', 'khai sinh')
    page.click('form[role=search] button')
    page.wait_for_url('**/thu-tuc?q=*')
    page.click(f'a[href="/thu-tuc/{BIRTH}"]')
    check_page(page, 'procedure-birth')
    page.click('text=Nộp hồ sơ trực tuyến')
    page.wait_for_url(f'**/nop-ho-so/{BIRTH}')
    # The profile pre-fills the applicant (R-SUB-8).
    assert page.input_value('#f-applicant_name') == NAME
    assert page.input_value('#f-applicant_id_number') == ID_NUMBER
    check_page(page, 'submit-form')
    page.select_option('#f-agency', label='Bộ phận Một cửa UBND thành phố Gia Nghĩa')
    page.fill('#f-f_child_name', 'Nguyễn Minh An')
    page.fill('#f-f_child_birth_date', '31/02/2026')  # no such day
    page.select_option('#f-f_child_sex', 'female')
    page.fill('#f-f_birth_place', 'Bệnh viện đa khoa tỉnh Đắk Nông')
    page.check('#f-declaration')  # R-SUB-9
    components = page.query_selector_all('input[type=file]')
    components[0].set_input_files(files=[{'name': 'to-khai.pdf',
                'mimeType': 'application/pdf', 'buffer': PDF}])
    components[1].set_input_files(files=[{'name': 'giay-chung-sinh.png',
                'mimeType': 'image/png', 'buffer': PNG}])
    page.click('button[value=submit]')
    page.wait_for_selector('#error-summary')
    error = page.inner_text('#e-f_child_birth_date')
    assert 'Ngày sinh của trẻ' in error, error
    # Nothing typed is lost; the files are kept with the draft.
    assert page.input_value('#f-f_child_name') == 'Nguyễn Minh An'
    assert page.input_value('#f-f_birth_place') == \
        'Bệnh viện đa khoa tỉnh Đắk Nông'
    assert page.input_value('#f-f_child_sex') == 'female'
    assert 'to-khai.pdf' in page.inner_text('main')
    assert 'giay-chung-sinh.png' in page.inner_text('main')
    check_page(page, 'submit-errors')
    page.fill('#f-f_child_birth_date', '05/01/2026')
    page.dblclick('button[value=submit]')  # a double click: one dossier
    page.wait_for_url('**/da-nop')
    code = page.inner_text('#dossier-code').strip()
    pin = page.inner_text('#dossier-pin').strip()
    assert re.match(r'^000\.30\.21\.H16-\d{6}-\d{4}$', code), code
    assert re.match(r'^\d{6}$', pin)
    check_page(page, 'submitted')
    page.goto('/ho-so')
    assert page.locator('.results > li').count() == 1
    check_page(page, 'my-dossiers')
    page.goto(f'/ho-so/{code}/bien-nhan')
    assert code in page.inner_text('main')
    check_page(page, 'receipt')
    state.update(code=code, pin=pin)


def test_3_officer_receives_citizen_follows(phone, portal):
    "R-LOOK-3, R-NOT-2: an officer receives over RPC; the citizen sees it"
    code = state['code']
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    assert len(ids) == 1
    result = portal.rpc('model.gov.dossier.receive', [ids, {}],
        session=session)
    assert 'error' not in result, result
    page = phone
    page.context.add_cookies(state['cookies'])
    page.goto(f'/ho-so/{code}')
    assert page.inner_text('#dossier-state') == 'Đã tiếp nhận, hồ sơ hợp lệ'
    timeline = page.inner_text('.timeline')
    assert 'Nộp hồ sơ trực tuyến' in timeline
    assert 'Tiếp nhận hồ sơ' in timeline
    assert re.search(r'\d\d/\d\d/\d{4}', page.inner_text('main'))
    check_page(page, 'dossier-received')
    page.goto('/thong-bao')
    check_page(page, 'inbox')
    admin, _ = portal.login('admin', 'admin@2026')
    if 'result' in portal.rpc('model.gov.notification.search',
            [[], 0, 1, None, {}], session=admin):
        # The portal inbox shows the "received" notification (R-NOT-2).
        assert code in page.inner_text('#inbox')


def test_4_lookup_masks_name_until_pin(desktop, portal):
    "R-LOOK-1, R-LOOK-2: masked name; the PIN shows it; same shape"
    page = desktop
    code, pin = state['code'], state['pin']
    page.goto('/')
    page.fill('#ma', code)
    page.click('#ma ~ button')
    page.wait_for_url('**/tra-cuu?ma=*')
    text = page.inner_text('main')
    assert 'Nguyễn T** L**' in text and NAME not in text
    assert 'Bộ phận Một cửa UBND thành phố Gia Nghĩa' in text
    assert 'Đã tiếp nhận' in text
    assert re.search(r'Ngày hẹn trả kết quả\s+\d\d/\d\d/\d{4}', text)
    check_page(page, 'lookup-masked')
    page.fill('#pin', '000000' if pin != '000000' else '111111')
    with page.expect_navigation():
        page.click('form[method=post] button[type=submit]')
    assert 'Mã hồ sơ hoặc mã PIN không đúng' in page.inner_text('main')
    page.fill('#pin', pin)
    with page.expect_navigation():
        page.click('form[method=post] button[type=submit]')
    assert NAME in page.inner_text('main')
    check_page(page, 'lookup-full')
    # The QR link of the receipt shows the full name too.
    img = page.get_attribute('.qr img', 'src')
    assert img.startswith('data:image/png;base64,')


def test_5_kiosk_finds_it_and_clears(desktop, portal):
    "R-LOOK-1: the kiosk's keypad finds the dossier; idle → cleared"
    page = desktop
    page.clock.install()
    page.goto('/kiosk')
    code = state['code']
    for char in code:
        if char in '0123456789.-H':
            page.click(f'.keypad button[data-key="{char}"]')
        else:
            page.type('#ma', char)
    assert page.input_value('#ma') == code
    page.click('.kiosk .actions button[type=submit]')
    page.wait_for_url('**/kiosk?ma=*')
    assert 'Nguyễn T** L**' in page.inner_text('#kiosk-result')
    check_page(page, 'kiosk-result')
    page.clock.fast_forward(61000)
    page.wait_for_url(re.compile(r'.*/kiosk$'))
    assert page.input_value('#ma') == ''
