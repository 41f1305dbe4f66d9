"""Feedback on the portal (R-FB-1, R-FB-2, R-SEC-2, R-AG-3), in Chromium
against the live server with the demo data:

- a visitor sends feedback about the Gia Nghĩa one-stop desk with her
  name and phone, a PDF and her consent to publication; the errors keep
  what she typed; her text is shown escaped; she gets a tracking code and
  a PIN, and follows it with the PIN;
- the desk's officer answers it through RPC; the provincial office writes
  the reviewed question and answer without her personal data and
  publishes it: the Q&A finds it typed without diacritics, and shows
  nothing personal;
- not satisfied, she reopens it once: it escalates to the city's People's
  Committee (the superior agency), and cannot be reopened again;
- the form's sendings are limited per address (429 after the fifth within
  the hour).
"""
import shutil

from tests.portal_fixtures import Client, check_page

DEMO_PASSWORD = 'dvc@2026'
DESK = 'Bộ phận Một cửa UBND thành phố Gia Nghĩa'
CITY = 'Ủy ban nhân dân thành phố Gia Nghĩa'
PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
SENDER = 'Nguyễn Thị Bích'
PHONE = '0912 888 777'


def text(page, selector):
    return page.inner_text(selector).replace('\u00a0', ' ')


def snap(page, tmp_path, name):
    "A screenshot in tmp_path, copied to /tmp/feedback-<name>.png."
    path = tmp_path / f'feedback-{name}.png'
    page.screenshot(path=str(path), full_page=True)
    shutil.copy(path, f'/tmp/feedback-{name}.png')


def rpc(portal, session, method, *args):
    answer = portal.rpc(f'model.gov.feedback.{method}', [*args, {}], session)
    assert 'error' not in answer, answer
    return answer['result']


def test_citizen_feedback_answered_published_and_escalated(
        desktop, portal, tmp_path):
    "R-FB-1, R-FB-2, R-SEC-2, R-AG-3: sent on the portal with a file, answered by the desk, published with the reviewed text only, reopened once and escalated to the superior agency"
    page = desktop
    page.goto('/phan-anh')
    # Missing content: the page says so and keeps what she typed.
    page.fill('#f-sender_name', SENDER)
    page.fill('#f-sender_phone', PHONE)
    page.fill('#f-title', 'Chờ <b>lâu</b> tại quầy')
    page.click('#feedback-form button[type=submit]')
    page.wait_for_selector('#error-summary')
    assert page.input_value('#f-sender_name') == SENDER
    assert page.input_value('#f-title') == 'Chờ <b>lâu</b> tại quầy'
    assert 'Vui lòng nhập nội dung' in text(page, '#error-summary')
    snap(page, tmp_path, 'form-errors')
    check_page(page, 'feedback-form-errors')

    page.select_option('#f-subject_agency', label=DESK)
    page.fill('#f-content', 'Tôi chờ hai giờ. <script>alert(1)</script>')
    page.set_input_files('#f-files', files=[{'name': 'phieu-hen.pdf',
                'mimeType': 'application/pdf', 'buffer': PDF}])
    page.check('#f-consent')
    page.click('#feedback-form button[type=submit]')
    code = text(page, '#feedback-code').strip()
    pin = text(page, '#feedback-pin').strip()
    assert code.startswith('PA-') and len(pin) == 6
    assert DESK in text(page, '#feedback-agency')
    snap(page, tmp_path, 'sent')
    check_page(page, 'feedback-sent')

    # A stranger with the code sees nothing but the PIN form.
    page.goto(f'/phan-anh/{code}')
    assert not page.locator('#feedback-content').count()
    page.fill('#pin', '000000' if pin != '000000' else '111111')
    page.locator('#pin').press('Enter')
    page.wait_for_selector('#pin-error')
    page.fill('#pin', pin)
    page.locator('#pin').press('Enter')
    page.wait_for_selector('#feedback-content')
    # Her HTML is text, not markup.
    assert '<script>alert(1)</script>' in text(page, '#feedback-content')
    assert text(page, '#feedback-state') == 'Đã phân công'

    # The desk's officer answers through RPC.
    officer, _ = portal.login('motcua', DEMO_PASSWORD)
    ids = rpc(portal, officer, 'search', [('code', '=', code)])
    assert len(ids) == 1
    rpc(portal, officer, 'write', ids,
        {'answer': 'Bộ phận Một cửa đã bố trí thêm một quầy buổi sáng.'})
    rpc(portal, officer, 'answer_button', ids)
    # The provincial office reviews and publishes it.
    office, _ = portal.login('quantri', DEMO_PASSWORD)
    rpc(portal, office, 'write', ids, {
            'published_question': 'Phải chờ lâu tại quầy một cửa thành '
            'phố Gia Nghĩa thì phản ánh ở đâu?',
            'published_answer': 'Bộ phận Một cửa đã bố trí thêm một quầy '
            'buổi sáng để giảm thời gian chờ.'})
    rpc(portal, office, 'publish', ids)

    page.goto('/hoi-dap?q=cho+lau+tai+quay')
    assert '1 câu hỏi' in text(page, '#qa-count')
    page.click('#qa-results a')
    page.wait_for_selector('#qa-answer')
    body = text(page, 'main')
    assert 'thêm một quầy buổi sáng' in body
    for private in (SENDER, '0912', 'alert', code, 'Tôi chờ hai giờ'):
        assert private not in body, private
    snap(page, tmp_path, 'qa-item')
    check_page(page, 'feedback-qa-item')
    page.goto('/hoi-dap')
    snap(page, tmp_path, 'qa-list')
    check_page(page, 'feedback-qa-list')

    # Not satisfied: she reopens it once, with the PIN.
    page.goto(f'/phan-anh/{code}')
    page.fill('#pin', pin)
    page.locator('#pin').press('Enter')
    page.wait_for_selector('#feedback-answer')
    assert text(page, '#feedback-state') == 'Đã trả lời'
    snap(page, tmp_path, 'answered')
    check_page(page, 'feedback-answered')
    page.fill('#f-reason', 'Hôm nay vẫn phải chờ lâu.')
    page.click('#reopen-form button[type=submit]')
    page.wait_for_selector('.notice.ok')
    assert text(page, '#feedback-state') == 'Đã chuyển cấp trên'
    assert CITY in text(page, '#feedback-agency')
    assert not page.locator('#reopen-form').count()
    history = text(page, '#feedback-history')
    assert 'Chưa hài lòng' in history and 'Hôm nay vẫn phải chờ lâu.' in history
    assert 'motcua' not in history
    snap(page, tmp_path, 'escalated')
    # Once only: a second "Chưa hài lòng" is refused, in Vietnamese.
    client = Client(portal)
    status, _, body = client.post(f'/phan-anh/{code}/chua-hai-long',
        {'pin': pin, 'reason': 'Lần nữa'}, form_path=f'/phan-anh/{code}')
    assert status == 400 and 'Không thể đề nghị xem xét lại' in body
    facts = rpc(portal, office, 'read', ids, ['state', 'escalated'])[0]
    assert (facts['state'], facts['escalated']) == ('escalated', True)


def test_feedback_form_rate_limited_per_address(portal):
    "R-FB-1, R-SEC-1: the sixth feedback within the hour from one address is refused with 429 and a Vietnamese message"
    client = Client(portal, source='127.0.0.77')
    data = {'kind': 'recommendation', 'sender_name': 'Lê Văn Kiểm',
        'sender_email': 'kiem@example.com', 'title': 'Giờ làm việc',
        'content': 'Đề nghị làm việc sáng thứ Bảy.'}
    for _ in range(5):
        status, _, body = client.post('/phan-anh', data)
        assert status == 200 and 'feedback-code' in body, body[-500:]
    status, headers, body = client.post('/phan-anh', data)
    assert status == 429
    assert 'quá nhiều phản ánh' in body
    assert 'Traceback' not in body


def test_her_feedback_in_her_account(portal):
    "R-FB-1, R-AG-3: signed in, the demo citizen finds her feedback in her account and on her dossier's page, with the link to complain about it; another citizen's code shows her nothing"
    office, _ = portal.login('quantri', DEMO_PASSWORD)
    ids = rpc(portal, office, 'search',
        [('sender_email', '=', 'lan.nguyen@example.com')])
    assert len(ids) == 2
    rows = rpc(portal, office, 'read', ids, ['code', 'dossier.code', 'state'])
    assert {r['state'] for r in rows} == {'escalated'}
    lan = Client(portal)
    status, _, _ = lan.post('/dang-nhap', {
            'email': 'lan.nguyen@example.com', 'password': DEMO_PASSWORD})
    assert status == 303
    status, _, body = lan.get('/phan-anh/cua-toi')
    assert status == 200 and all(r['code'] in body for r in rows)
    code = rows[0]['dossier.']['code']
    status, _, body = lan.get(f'/ho-so/{code}')
    assert status == 200 and 'id="feedback"' in body
    assert rows[0]['code'] in body and f'/phan-anh?ho-so={code}' in body
    status, _, body = lan.get(f'/phan-anh/{rows[0]["code"]}')
    assert 'id="feedback-content"' in body
    stranger = Client(portal)
    status, _, body = stranger.get(f'/phan-anh/{rows[0]["code"]}')
    assert status == 200 and 'id="feedback-content"' not in body
