"""Chị Lan submits her newborn's birth registration and follows it (issue
12, citizen side), against the live server with the test birth procedure
(tests/portal_seed.py BIRTH, shaped as the demo's 1.001193: the eForm
replaces the paper declaration online, copies paid per copy):

- the "Tờ khai" the eForm replaces is not asked for online (R-SUB-4);
- the fee total follows the copies asked for, computed by the model
  (R-FEE-1);
- 31/11/2026 is told the day does not exist (R-CAT-4);
- the declaration of Điều 27 is required and stored (R-SUB-9);
- the confirmation shows when the check happens and the appointment date,
  the model's (R-NOT-1, R-PROC-2);
- the follow page shows what she declared and her files, a pending
  supplement at the top, and the lookup's dates (R-LOOK-2, R-LOOK-3);
- the lookup takes the code in any case, with spaces (R-LOOK-1).
"""
import re
import secrets
from urllib.parse import quote

from tests.portal_fixtures import Client, check_page, csrf_token
from tests.portal_seed import BIRTH
from tests.test_portal_attacks import PDF, PNG, desk_agency, form_values

NAME = 'Lò Thị Lan'
ID_NUMBER = '066195008801'
EMAIL = 'lan.theodoi@example.com'
CHILD = 'Lò Minh Khang'
state = {}


def citizen(portal):
    if 'client' not in state:
        state['client'] = Client(portal).register(EMAIL, NAME, ID_NUMBER)
    return state['client']


def signed_in(page, portal):
    "The browser page with the citizen's session (and its CSRF cookie)."
    page.context.add_cookies([{'name': k, 'value': v, 'url': portal.url}
            for k, v in citizen(portal).cookies.items()])
    return page


def components(page_html):
    "{component name: input name} of the submit form."
    return dict((name.strip(), field) for field, name in re.findall(
            r'<label for="f-(c\d+)">([^<*]+)', page_html))


def post(client, extra=None, files=None):
    "Send the birth form as the browser would; (status, headers, page)."
    _, _, page = client.get(f'/nop-ho-so/{BIRTH}')
    names = components(page)
    data = form_values({'csrf_token': csrf_token(page),
            'submission': secrets.token_hex(16), 'agency': desk_agency(client),
            'applicant_name': NAME, 'applicant_id_number': ID_NUMBER,
            'f_child_name': CHILD, **(extra or {})})
    if files is None:
        files = {names['Giấy chứng sinh']: ('chung-sinh.png', PNG)}
    return client.request('POST', f'/nop-ho-so/{BIRTH}', data=data,
        files={k: v for k, v in files.items()})


def code_of(headers):
    return re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)


def officer(portal, method, code, *args):
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    assert len(ids) == 1, code
    result = portal.rpc(f'model.gov.dossier.{method}',
        [ids, *args, {}], session=session)
    assert 'error' not in result, result


def admin_read(portal, code, names):
    session, _ = portal.login('admin', 'admin@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    record, = portal.rpc('model.gov.dossier.read', [ids, names, {}],
        session=session)['result']
    return record


def text(page, selector):
    "The text of an element, its non-breaking spaces as spaces."
    return page.inner_text(selector).replace('\u00a0', ' ')


def fact(html, label):
    "The value next to a label of a facts list."
    match = re.search(rf'<dt>{re.escape(label)}</dt><dd[^>]*>(.*?)</dd>',
        html, re.S)
    return re.sub(r'<[^>]+>', '', match.group(1)).strip() if match else None


def test_1_form_declaration_fees_and_date(phone, portal):
    """R-SUB-4, R-FEE-1, R-CAT-4, R-SUB-9, R-L10N-1, R-A11Y-1: the tờ khai
    is not asked for online, the total follows the copies (as the server
    computes it), 31/11/2026 is a day that does not exist, the declaration
    must be ticked; the errors keep what she typed"""
    page = signed_in(phone, portal)
    page.goto(f'/nop-ho-so/{BIRTH}')
    declaration = page.locator('label[for^="f-c"]',
        has_text='Tờ khai đăng ký khai sinh')
    assert 'Không cần tải lên' in declaration.inner_text()
    assert declaration.locator('.req').count() == 0
    assert page.locator('label[for^="f-c"]', has_text='Giấy chứng sinh'
        ).locator('.req').count() == 1
    assert 'Thông tin tờ khai' in page.inner_text('main')
    # The fee: nothing while no copy is asked for, then 2 × 8.000 đ.
    assert page.inner_text('#fee-total') == 'Không thu'
    page.select_option('#f-agency',
        label='Bộ phận Một cửa UBND thành phố Gia Nghĩa')
    page.fill('#f-f_copies', '2')
    page.wait_for_function(
        "document.getElementById('fee-total').textContent === '16.000\u00a0đ'")
    assert '8.000 đ × 2 = 16.000 đ' in text(page, '#fees')
    # The model's answer, also without the page's script.
    response = page.request.get(f'/nop-ho-so/{BIRTH}/le-phi?f_copies=3')
    assert response.json()['total'] == '24.000\u00a0đ'
    # The declaration of Điều 27, a required box.
    box = page.locator('#f-declaration')
    assert box.get_attribute('required') is not None
    sentence = page.inner_text('label[for="f-declaration"]')
    assert sentence.startswith('Tôi xin cam đoan') and 'Điều 27' in sentence
    check_page(page, 'submit-birth-fees')

    page.fill('#f-f_child_name', CHILD)
    page.fill('#f-f_child_birth_date', '31/11/2026')
    page.select_option('#f-f_child_sex', 'male')
    page.fill('#f-f_birth_place', 'Bệnh viện đa khoa tỉnh Đắk Nông')
    birth_certificate = page.locator('.field', has=page.locator(
            'label', has_text='Giấy chứng sinh')).locator('input[type=file]')
    birth_certificate.set_input_files(files=[{'name': 'chung-sinh.png',
                'mimeType': 'image/png', 'buffer': PNG}])
    page.click('button[value=submit]')
    page.wait_for_selector('#error-summary')
    error = page.inner_text('#e-f_child_birth_date')
    assert 'không có ngày 31/11/2026' in error, error
    assert 'tháng 11 năm 2026 chỉ có 30 ngày' in error, error
    assert 'ngày/tháng/năm' not in error, error
    assert 'cam đoan' in page.inner_text('#e-declaration')
    # No error for the tờ khai: the eForm is the declaration.
    assert page.locator('.field.has-error input[type=file]').count() == 0
    # Nothing typed is lost; the total is the server's for 2 copies.
    assert page.input_value('#f-f_child_name') == CHILD
    assert page.input_value('#f-f_child_birth_date') == '31/11/2026'
    assert page.input_value('#f-f_copies') == '2'
    assert text(page, '#fee-total') == '16.000 đ'
    assert 'chung-sinh.png' in page.inner_text('main')
    check_page(page, 'submit-birth-errors')

    page.fill('#f-f_child_birth_date', '05/01/2026')
    page.check('#f-declaration')
    page.click('button[value=submit]')
    page.wait_for_url('**/da-nop')
    code = page.inner_text('#dossier-code').strip()
    state['code'] = code
    state['check'] = page.inner_text('#check-date')
    state['due'] = page.inner_text('#due-date')
    assert re.search(r'trong 1 ngày làm việc, chậm nhất ngày '
        r'\d\d/\d\d/\d{4}', state['check']), state['check']
    assert re.fullmatch(r'\d\d/\d\d/\d{4}', state['due'])
    assert 'dự kiến, nếu hồ sơ đầy đủ, hợp lệ' in page.inner_text('main')
    check_page(page, 'submitted-birth')


def test_2_declaration_stored_and_dates_are_the_models(portal):
    """R-SUB-9, R-NOT-1, R-PROC-2, R-FEE-1: the declaration is stored with
    the dossier (text, who, when); the check date is the notification's,
    the appointment shown is the due date the reception gives; the receipt
    charges the 2 copies"""
    code = state['code']
    client = citizen(portal)
    record = admin_read(portal, code, ['declaration', 'declaration_text',
            'declared_by', 'declared_date', 'submitted_date', 'web_user',
            'form_data'])
    assert record['declaration'] == 'gov_dossier.msg_declaration_accurate'
    assert record['declaration_text'].startswith('Tôi xin cam đoan')
    assert record['declared_by'] == record['web_user']
    assert record['declared_date'] and record['submitted_date']
    assert record['form_data']['copies'] == 2
    # The "received" notification names the same check date.
    _, _, inbox = client.get('/thong-bao')
    check_date = re.search(r'\d\d/\d\d/\d{4}', state['check']).group(0)
    assert f'dự kiến trước ngày {check_date}' in inbox
    # Before reception the receipt page charges the copies asked for.
    _, _, receipt = client.get(f'/ho-so/{code}/bien-nhan')
    assert '16.000 đ' in receipt
    # Received by the desk: its due date is the one promised.
    officer(portal, 'receive', code)
    due = admin_read(portal, code, ['due_date'])['due_date']
    assert '%02d/%02d/%04d' % (due['day'], due['month'], due['year']) \
        == state['due'], (due, state['due'])


def test_3_follow_page_declared_values_files_and_lookup_dates(desktop,
        portal):
    """R-LOOK-2, R-LOOK-3, R-CAT-4: the follow page shows the eForm values
    under their labels and her files, and the received and due dates of
    the public lookup"""
    code = state['code']
    page = signed_in(desktop, portal)
    page.goto(f'/ho-so/{code}')
    declared = page.inner_text('#declared')
    for text in ('Họ, chữ đệm, tên của trẻ', CHILD, 'Ngày sinh của trẻ',
            '05/01/2026', 'Số bản sao yêu cầu', 'Nơi sinh',
            'Đã cam đoan thông tin kê khai là chính xác'):
        assert text in declared, text
    assert 'chung-sinh.png' in page.inner_text('main')
    received = page.inner_text('#received-date')
    due = page.inner_text('#due-date')
    assert re.fullmatch(r'\d\d/\d\d/\d{4}', received)
    assert due == state['due']
    check_page(page, 'follow-birth')
    stranger = Client(portal, source='127.0.0.71')
    _, _, lookup = stranger.get(f'/tra-cuu?ma={code}')
    assert fact(lookup, 'Ngày nhận hồ sơ') == received
    assert fact(lookup, 'Ngày hẹn trả kết quả') == due

    # Waiting for reception, too: the submission is the received date on
    # both pages, not "—" on one of them.
    status, headers, _ = post(citizen(portal), extra={
            'f_child_birth_date': '06/01/2026'})
    assert status == 303
    other = code_of(headers)
    _, _, mine = citizen(portal).get(f'/ho-so/{other}')
    _, _, lookup = stranger.get(f'/tra-cuu?ma={other}')
    assert fact(mine, 'Ngày nhận hồ sơ') == fact(lookup, 'Ngày nhận hồ sơ')
    assert re.fullmatch(r'\d\d/\d\d/\d{4}', fact(mine, 'Ngày nhận hồ sơ'))
    assert fact(mine, 'Ngày hẹn trả kết quả') == fact(
        lookup, 'Ngày hẹn trả kết quả') == '—'
    state['other'] = other


def test_4_supplement_request_on_top(phone, portal):
    """R-SUB-4, R-LOOK-3, R-NOT-1: a pending supplement request, with its
    upload form, is the first thing of the follow page"""
    code = state['other']
    _, _, page_html = citizen(portal).get(f'/nop-ho-so/{BIRTH}')
    component = components(page_html)['Giấy chứng sinh'][1:]
    officer(portal, 'request_supplement', code,
        'Ảnh giấy chứng sinh bị mờ, vui lòng chụp lại.', [int(component)])
    page = signed_in(phone, portal)
    page.goto(f'/ho-so/{code}')
    sections = page.evaluate(
        "[...document.querySelectorAll('main section')].map(s => s.id)")
    assert sections[0] == 'supplement', sections
    top = page.inner_text('#supplement')
    assert 'Ảnh giấy chứng sinh bị mờ' in top
    assert page.locator(f'#supplement input[name="s{component}"]').count()
    check_page(page, 'follow-supplement')
    page.locator(f'#f-s{component}').set_input_files(files=[{
                'name': 'chung-sinh-moi.pdf', 'mimeType': 'application/pdf',
                'buffer': PDF}])
    page.click('#supplement button[type=submit]')
    page.wait_for_selector('text=Đã gửi hồ sơ bổ sung')
    assert page.locator('#supplement').count() == 0


def test_5_lookup_any_case_and_spaces(portal):
    "R-LOOK-1: ' 000.30.21.h16-… ' in small letters finds the dossier"
    code = state['code']
    visitor = Client(portal, source='127.0.0.72')
    for typed in (f'  {code.lower()}  ', code.lower(), f' {code} '):
        status, _, page = visitor.get('/tra-cuu?ma=' + quote(typed))
        assert status == 200
        assert 'Kết quả tra cứu' in page, typed
        assert fact(page, 'Mã hồ sơ') == code, typed
    status, _, page = visitor.get('/kiosk?ma=' + quote(f' {code.lower()}'))
    assert fact(page, 'Mã hồ sơ') == code
    status, _, page = visitor.get(f'/tra-cuu/{quote(code.lower())}')
    assert fact(page, 'Mã hồ sơ') == code


def test_6_declaration_refused_without_the_box_nothing_lost(portal):
    """R-SUB-9, R-SUB-1: without the box ticked the form comes back with
    the error next to it, what was typed kept in the draft; ticked, the
    same draft is submitted"""
    client = citizen(portal)
    status, _, page = post(client, extra={'declaration': '',
            'f_child_name': 'Lò Minh Châu', 'f_copies': '1'})
    assert status == 400
    assert re.search(r'id="e-declaration">[^<]*cam đoan', page)
    assert 'value="Lò Minh Châu"' in page
    assert '8.000\u00a0đ × 1 = 8.000\u00a0đ' in page
    draft = re.search(r'name="draft" value="(\d+)"', page).group(1)
    _, _, mine = client.get('/ho-so')
    assert f'?nhap={draft}' in mine  # kept as a draft, not submitted
    data = form_values({'csrf_token': csrf_token(page), 'draft': draft,
            'submission': re.search(r'name="submission" value="(\w+)"',
                page).group(1), 'agency': desk_agency(client),
            'applicant_name': NAME, 'applicant_id_number': ID_NUMBER,
            'f_child_name': 'Lò Minh Châu', 'f_copies': '1'})
    status, headers, _ = client.request('POST', f'/nop-ho-so/{BIRTH}',
        data=data, files={})
    assert status == 303, status
    record = admin_read(portal, code_of(headers), ['declaration', 'state'])
    assert record == {'id': record['id'],
        'declaration': 'gov_dossier.msg_declaration_accurate',
        'state': 'submitted'}
