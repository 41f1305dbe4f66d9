""""Dữ liệu của tôi" against the live server (R-SEC-5, R-SEC-2):

- Chị Lan registers (her consent to the registration text stored) and
  submits a birth registration (her consent to the submission text stored
  with the dossier), over HTTP as a browser posts the forms;
- in Chromium she opens "Dữ liệu của tôi" from her account, sees her
  consents and her dossier, downloads the JSON and the PDF (read back with
  pypdf: her name and the dossier code are in it) — the page passes
  axe-core at phone and desktop widths;
- another citizen, signed in from another session, with guessed ids in
  the path and the query, gets only her own data; a stranger is sent to
  sign in;
- Lan asks to close her account: the request waits for the provincial
  office.
"""
import io
import json
import re

from tests.portal_fixtures import Client, check_page, shot
from tests.test_portal_attacks import submit_dossier

LAN = ('lan.du.lieu@example.com', 'Nguyễn Thị Lan', '067195001234')
BINH = ('binh.du.lieu@example.com', 'Đỗ Thị Bình', '066190002223')
accounts = {}


def citizens(portal):
    if not accounts:
        accounts['lan'] = Client(portal).register(*LAN)
        accounts['binh'] = Client(portal).register(*BINH)
    return accounts['lan'], accounts['binh']


def submitted(client):
    (status, headers, body), _ = submit_dossier(client)
    assert status == 303, body
    return re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)


def test_consents_and_my_data_downloaded(portal, desktop):
    "R-SEC-5, R-SEC-2, R-A11Y-1: consents stored at registration and submission with their version; Dữ liệu của tôi shows and downloads them with the dossier as JSON and PDF"
    from pypdf import PdfReader
    lan, _ = citizens(portal)
    code = submitted(lan)
    status, headers, body = lan.get('/tai-khoan/du-lieu.json')
    assert status == 200
    assert headers['Content-Type'].startswith('application/json')
    data = json.loads(body)
    assert data['profile'][0]['email'] == LAN[0]
    assert data['profile'][0]['full_name'] == LAN[1]
    consents = {c['purpose']: c for c in data['consents']}
    assert set(consents) == {'registration', 'submission'}
    assert consents['submission']['dossier'] == code
    for consent in consents.values():
        assert consent['version'] and 'Nghị định 13/2023/NĐ-CP' in (
            consent['text'])
        assert consent['ip_address'] == '127.0.0.1'
    dossier, = [d for d in data['dossiers'] if d['code'] == code]
    assert dossier['form_data']['child_name'] == 'Trần Gia Hân'
    assert any(text == 'Trần Gia Hân' for _, text in dossier['form'])
    assert all(re.fullmatch(r'[0-9a-f]{64}', d['sha256'])
        for d in dossier['documents'])
    for key in ['notifications', 'payments', 'ratings', 'feedback',
            'closure_requests']:
        assert key in data, key

    status, headers, body = lan.get('/tai-khoan/du-lieu.pdf')
    assert status == 200 and headers['Content-Type'] == 'application/pdf'
    text = '\n'.join(p.extract_text()
        for p in PdfReader(io.BytesIO(body)).pages)
    assert LAN[1] in text and code in text

    page = desktop
    page.context.add_cookies([{'name': name, 'value': value,
                'url': portal.url} for name, value in lan.cookies.items()])
    page.goto('/tai-khoan')
    page.click('#my-data-link a')
    page.wait_for_url('**/tai-khoan/du-lieu')
    dossiers = page.inner_text('#dossiers')
    assert code in dossiers and 'Trần Gia Hân' in dossiers
    assert 'child_name' not in dossiers  # under the form's labels
    assert 'Nộp hồ sơ' in page.inner_text('#consents')
    shot(page, 'my-data')
    check_page(page, 'my-data')
    with page.expect_download() as download:
        page.click('a[href="/tai-khoan/du-lieu.pdf"]')
    assert download.value.suggested_filename.endswith('.pdf')


def test_another_citizen_never_gets_her_data(portal):
    "R-SEC-2, R-SEC-5: another session with guessed ids gets its own data only; a stranger is sent to sign in"
    lan, binh = citizens(portal)
    code = submitted(lan)
    lan_id = re.search(r'du-lieu-ca-nhan-(\d+)', lan.request(
            'GET', '/tai-khoan/du-lieu.json')[1][
            'Content-Disposition']).group(1)
    for path in ['/tai-khoan/du-lieu', '/tai-khoan/du-lieu.json',
            f'/tai-khoan/du-lieu.json?web_user={lan_id}&id={lan_id}',
            f'/tai-khoan/du-lieu.pdf?user={lan_id}']:
        status, _, body = binh.get(path)
        assert status == 200, path
        text = body if isinstance(body, str) else body.decode('latin-1')
        assert code not in text and LAN[0] not in text, path
    for path in [f'/tai-khoan/du-lieu/{lan_id}',
            f'/tai-khoan/du-lieu/{lan_id}.json',
            f'/tai-khoan/du-lieu/{lan_id}/pdf']:
        status, _, _ = binh.get(path)
        assert status == 404, path
    stranger = Client(portal)
    for path in ['/tai-khoan/du-lieu.json', '/tai-khoan/du-lieu.pdf',
            '/tai-khoan/du-lieu']:
        status, headers, _ = stranger.get(path)
        assert status == 302 and '/dang-nhap' in headers['Location'], path


def test_closure_request_waits_for_the_provincial_office(portal):
    "R-SEC-5: she asks to close her account once; the request waits"
    _, binh = citizens(portal)
    status, _, body = binh.post('/tai-khoan/du-lieu',
        {'reason': 'Không dùng nữa'})
    assert status == 400 and 'ô xác nhận' in body
    status, _, body = binh.post('/tai-khoan/du-lieu',
        {'reason': 'Không dùng nữa', 'confirm': '1'})
    assert status == 200 and 'id="closure-pending"' in body
    data = json.loads(binh.get('/tai-khoan/du-lieu.json')[2])
    request, = data['closure_requests']
    assert request['state'] == 'requested'
    assert request['reason'] == 'Không dùng nữa'
