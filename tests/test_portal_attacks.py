"""What a stranger tries on the portal must fail (R-AG-3, R-SEC-1,
R-SEC-2, R-SUB-7, R-LOOK-1, R-LOOK-2)."""
import re
import secrets

import pytest

from tests.portal_fixtures import Client, csrf_token
from tests.portal_seed import BIRTH

PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64

accounts = {}


def form_values(extra=None):
    values = {
        'applicant_name': 'Trần Văn Bảo', 'applicant_id_number': '066090001111',
        'applicant_phone': '', 'applicant_email': '', 'applicant_address': '',
        'f_child_name': 'Trần Gia Hân', 'f_child_birth_date': '02/02/2026',
        'f_child_sex': 'female', 'f_birth_place': 'Gia Nghĩa',
        'action': 'submit',
        # The declaration that the information is accurate (R-SUB-9).
        'declaration': '1',
        }
    values.update(extra or {})
    return values


def desk_agency(client):
    _, _, body = client.get(f'/nop-ho-so/{BIRTH}')
    return re.search(r'<option value="(\d+)"[^>]*>Bộ phận Một cửa', body
        ).group(1)


def submit_dossier(client, token=None, files=None, extra=None):
    _, _, page = client.get(f'/nop-ho-so/{BIRTH}')
    data = form_values({'csrf_token': csrf_token(page),
            'submission': token or secrets.token_hex(16),
            'agency': desk_agency(client), **(extra or {})})
    components = re.findall(r'name="(c\d+)"', page)
    if files is None:
        files = {components[0]: ('to-khai.pdf', PDF),
            components[1]: ('chung-sinh.png', PNG)}
    return client.request('POST', f'/nop-ho-so/{BIRTH}', data=data,
        files=files), components


@pytest.fixture(scope='module')
def citizens(portal):
    if not accounts:
        accounts['a'] = Client(portal).register(
            'a.attack@example.com', 'Trần Văn Bảo', '066090001111')
        accounts['b'] = Client(portal).register(
            'b.attack@example.com', 'Lê Thị Cúc', '066190002222')
    return accounts['a'], accounts['b']


def test_double_submit_creates_one_dossier(citizens):
    "R-SUB-1: the same form sent twice gives one dossier"
    a, _ = citizens
    token = secrets.token_hex(16)
    (status1, headers1, _), _ = submit_dossier(a, token)
    (status2, headers2, _), _ = submit_dossier(a, token)
    assert status1 == status2 == 303
    assert headers1['Location'] == headers2['Location']
    assert headers1['Location'].endswith('/da-nop')


def test_other_citizen_gets_404(citizens):
    "R-AG-3, R-SEC-2: B cannot open A's dossier, file, receipt"
    a, b = citizens
    (status, headers, _), _ = submit_dossier(a)
    code = re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)
    status, _, body = a.get(f'/ho-so/{code}')
    assert status == 200
    file_url = re.search(rf'/ho-so/{re.escape(code)}/tep/\d+', body).group(0)
    status, _, content = a.get(file_url)
    assert status == 200 and content == PDF
    for path in (f'/ho-so/{code}', file_url, f'/ho-so/{code}/bien-nhan',
            f'/ho-so/{code}/da-nop'):
        status, _, body = b.get(path)
        assert status == 404, path
        assert 'Trần Văn Bảo' not in body
    status, _, _ = b.post(f'/ho-so/{code}/rut', {'reason': 'x'},
        form_path='/ho-so')
    assert status == 404
    # Without an account: to the login page.
    status, headers, _ = Client(a.server).get(f'/ho-so/{code}')
    assert status == 302 and '/dang-nhap' in headers['Location']
    # A's dossier was not withdrawn by B.
    status, _, body = a.get(f'/ho-so/{code}')
    assert 'Đã nộp, chờ tiếp nhận' in body


def test_oversized_and_disguised_uploads_refused(citizens):
    "R-SUB-7: too large, a program renamed .pdf, a PNG named .pdf"
    a, _ = citizens
    _, _, page = a.get(f'/nop-ho-so/{BIRTH}')
    first, second = re.findall(r'name="(c\d+)"', page)[:2]
    big = b'%PDF-1.4\n' + b'0' * (10 * 1024 * 1024 + 10)
    (status, _, body), _ = submit_dossier(a, files={
            first: ('to-khai.pdf', big),
            second: ('chung-sinh.pdf', b'MZ\x90\x00' + b'\x00' * 100)})
    assert status == 400
    errors = dict(re.findall(
            r'<p class="error-text" id="e-(c\d+)">([^<]+)</p>', body))
    assert 'MB' in errors[first], errors
    assert errors[second] and 'chung-sinh.pdf' in errors[second], errors
    (status, _, body), _ = submit_dossier(a, files={
            first: ('to-khai.pdf', PDF), second: ('anh.pdf', PNG)})
    assert status == 400
    errors = dict(re.findall(
            r'<p class="error-text" id="e-(c\d+)">([^<]+)</p>', body))
    assert 'anh.pdf' in errors[second]


def test_request_too_large_is_413(portal):
    "R-SUB-7: a body over the limit is refused before it is read"
    import http.client
    import urllib.parse
    parts = urllib.parse.urlsplit(portal.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port,
        timeout=30)
    connection.putrequest('POST', f'/nop-ho-so/{BIRTH}')
    connection.putheader('Content-Type',
        'multipart/form-data; boundary=xyz')
    connection.putheader('Content-Length', str(200 * 1024 * 1024))
    connection.endheaders()
    connection.send(b'--xyz\r\n')
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 413
    assert 'quá lớn' in body


def test_lookup_same_shape_for_unknown_code(citizens):
    """R-LOOK-1, R-LOOK-2: known and unknown codes: same status and page.
    The time is not padded: the page says whether the code was found."""
    a, _ = citizens
    _, _, body = a.get('/ho-so')
    code = re.search(r'<span class="code">([^<]+)</span>', body).group(1)
    visitor = Client(a.server, source='127.0.0.11')
    for name, value in (('known', code), ('unknown', code[:-4] + '9999')):
        status, _, page = visitor.get(f'/tra-cuu?ma={value}')
        assert status == 200
        assert 'name="pin"' in page  # the PIN form, both times
        if name == 'known':
            assert 'Trần V** B**' in page and 'Trần Văn Bảo' not in page
            # The date it was sent or received, dd/mm/yyyy (R-L10N-1).
            assert re.search(r'<dd>\d{2}/\d{2}/\d{4}</dd>', page)
    # A wrong PIN and an unknown code get the same message.
    for value in (code, code[:-4] + '9999'):
        status, _, page = visitor.post('/tra-cuu',
            {'ma': value, 'pin': '12345x'}, form_path=f'/tra-cuu?ma={value}')
        assert status == 200
        assert 'Mã hồ sơ hoặc mã PIN không đúng' in page


def first_dossier(citizen, portal):
    """The code of the citizen's first dossier listed, and its QR token and
    PIN as an administrator reads them."""
    _, _, body = citizen.get('/ho-so')
    code = re.search(r'<span class="code">([^<]+)</span>', body).group(1)
    session, _ = portal.login('admin', 'admin@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    (record,) = portal.rpc('model.gov.dossier.read',
        [ids, ['qr_token', 'pin'], {}], session=session)['result']
    return code, record


def test_qr_link_shows_full_name_only_with_its_token(citizens, portal):
    "R-LOOK-1: the receipt's QR link (with token) shows the full name"
    a, _ = citizens
    code, record = first_dossier(a, portal)
    token = record['qr_token']
    visitor = Client(portal, source='127.0.0.12')
    _, _, page = visitor.get(f'/tra-cuu/{code}?t={token}')
    assert 'Trần Văn Bảo' in page
    _, _, page = visitor.get(f'/tra-cuu/{code}?t=' + 'x' * 22)
    assert 'Trần Văn Bảo' not in page and 'Trần V** B**' in page



def qr_texts(page):
    "The texts of the QR codes of a portal page (PNG data URIs), decoded."
    import base64
    import io

    import zxingcpp
    from PIL import Image
    texts = []
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', page):
        image = Image.open(io.BytesIO(base64.b64decode(data))).convert('L')
        texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def test_lookup_qr_carries_token_only_to_whom_may_read_the_name(
        citizens, portal):
    """R-LOOK-2, R-SEC-2: the lookup page's QR code is the dossier's lookup
    link; a stranger's has no token (the token shows the full name), the
    PIN holder's has it."""
    a, _ = citizens
    code, record = first_dossier(a, portal)
    stranger = Client(portal, source='127.0.0.13')
    _, _, page = stranger.get(f'/tra-cuu?ma={code}')
    (text,) = qr_texts(page)
    assert text.endswith(f'/tra-cuu/{code}')
    assert record['qr_token'] not in page
    # Following the stranger's QR code shows the masked name only.
    _, _, page = stranger.get(text[text.index('/tra-cuu/'):])
    assert 'Trần V** B**' in page and 'Trần Văn Bảo' not in page
    # With the PIN: the QR code of the receipt, token included.
    status, _, page = stranger.post('/tra-cuu',
        {'ma': code, 'pin': record['pin']}, form_path=f'/tra-cuu?ma={code}')
    assert status == 200 and 'Trần Văn Bảo' in page
    (text,) = qr_texts(page)
    assert text.endswith(f'/tra-cuu/{code}?t={record["qr_token"]}')