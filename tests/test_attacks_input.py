"""What a citizen or a stranger types or uploads is bounded and cleaned,
and downloads keep their Vietnamese names (R-SEC-1, R-SEC-2, R-LOOK-1,
R-LOOK-2, R-SUB-1, R-SUB-7).

Rows are counted in the live server's database before and after each
refused request: a refused form stores nothing, not even a draft."""
import configparser
import os
import re
import secrets
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.portal_fixtures import Client, csrf_token
from tests.portal_seed import BIRTH
from tests.test_portal_attacks import PDF, PNG, desk_agency, form_values

TABLES = ('gov_dossier', 'gov_portal_submission', 'gov_dossier_document')
NAME = 'Đỗ Thị Xuân'
ID_NUMBER = '066192007777'
accounts = {}


@pytest.fixture(scope='module')
def citizen(portal):
    if not accounts:
        accounts['x'] = Client(portal).register(
            'xuan.input@example.com', NAME, ID_NUMBER)
    return accounts['x']


def count_rows(server):
    "The number of rows of each table of TABLES in the server's database."
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(server.env['TRYTOND_CONFIG'], encoding='utf-8')
    uri = parser.get('database', 'uri')
    if uri.startswith('postgresql'):
        import psycopg
        connection = psycopg.connect(uri.replace('postgresql://', 'postgresql://', 1),
            dbname=server.database)
    else:
        path = Path(parser.get('database', 'path')) / f'{server.database}.sqlite'
        connection = sqlite3.connect(str(path), timeout=30)
    try:
        cursor = connection.cursor()
        counts = {}
        for table in TABLES:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts
    finally:
        connection.close()


def post_form(client, extra=None, files=None):
    "Send the birth registration form; return (status, headers, page)."
    _, _, page = client.get(f'/nop-ho-so/{BIRTH}')
    components = re.findall(r'name="(c\d+)"', page)
    data = form_values({'csrf_token': csrf_token(page),
            'submission': secrets.token_hex(16),
            'applicant_name': NAME, 'applicant_id_number': ID_NUMBER,
            'agency': desk_agency(client), **(extra or {})})
    if files is None:
        files = {components[0]: ('to-khai.pdf', PDF),
            components[1]: ('chung-sinh.png', PNG)}
    return client.request('POST', f'/nop-ho-so/{BIRTH}', data=data,
        files=files)


def field_errors(page):
    return dict(re.findall(
            r'<p class="error-text" id="e-([\w]+)">([^<]+)</p>', page))


def submitted_code(headers):
    return re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)


def test_vietnamese_file_names_download_and_tricks_removed(citizen, portal):
    """R-SEC-1, R-SUB-7: a file named in Vietnamese downloads with an RFC
    6266 header; NUL and the right-to-left override are removed from
    uploaded names"""
    _, _, page = citizen.get(f'/nop-ho-so/{BIRTH}')
    first, second = re.findall(r'name="(c\d+)"', page)[:2]
    status, headers, _ = post_form(citizen, files={
            first: ('Giấy chứng sinh.pdf', PDF),
            # Shown as "anhgnp.pdf" reversed: "anh" + "fdp.gnp" → spoofed.
            second: ('anh\u202egnp.pdf\x00.png', PNG)})
    assert status == 303, status
    code = submitted_code(headers)
    status, _, page = citizen.get(f'/ho-so/{code}')
    assert status == 200
    assert '\u202e' not in page and '\x00' not in page
    assert 'anhgnp.pdf.png' in page
    links = dict((name, url) for url, name in re.findall(
            rf'href="(/ho-so/{re.escape(code)}/tep/\d+)"[^>]*>([^<]+)<',
            page))
    assert 'Giấy chứng sinh.pdf' in links, links
    status, headers, content = citizen.get(links['Giấy chứng sinh.pdf'])
    assert status == 200 and content == PDF
    disposition = headers['Content-Disposition']
    assert disposition == ('attachment; filename="Giay chung sinh.pdf"; '
        "filename*=UTF-8''" + quote('Giấy chứng sinh.pdf', safe=''))
    status, headers, content = citizen.get(links['anhgnp.pdf.png'])
    assert status == 200 and content == PNG
    assert "filename*=UTF-8''anhgnp.pdf.png" in headers['Content-Disposition']
    # The blank forms of the catalogue use the same header.
    _, _, page = citizen.get(f'/thu-tuc/{BIRTH}')
    template = re.search(rf'/thu-tuc/{re.escape(BIRTH)}/mau/\d+', page).group(0)
    status, headers, _ = citizen.get(template)
    assert status == 200
    assert "filename*=UTF-8''to-khai-khai-sinh.pdf" in headers[
        'Content-Disposition']


def test_files_of_several_megabytes_come_back_whole(citizen, portal):
    """R-SUB-4, R-SUB-7: files larger than the form parser's spooling
    threshold (500 kB), read with the form's body at once and parsed in
    memory, are stored and downloaded byte for byte"""
    _, _, page = citizen.get(f'/nop-ho-so/{BIRTH}')
    first, second = re.findall(r'name="(c\d+)"', page)[:2]
    pdf = PDF + os.urandom(3 * 1024 * 1024)
    png = PNG + os.urandom(1536 * 1024)
    status, headers, _ = post_form(citizen, files={
            first: ('to-khai.pdf', pdf), second: ('chung-sinh.png', png)})
    assert status == 303, status
    code = submitted_code(headers)
    _, _, page = citizen.get(f'/ho-so/{code}')
    links = dict((name, url) for url, name in re.findall(
            rf'href="(/ho-so/{re.escape(code)}/tep/\d+)"[^>]*>([^<]+)<',
            page))
    for name, content in [('to-khai.pdf', pdf), ('chung-sinh.png', png)]:
        status, _, downloaded = citizen.get(links[name])
        assert status == 200
        assert downloaded == content, name


def admin_read(portal, code, names):
    session, _ = portal.login('admin', 'admin@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    (record,) = portal.rpc('model.gov.dossier.read', [ids, names, {}],
        session=session)['result']
    return record


def test_wrong_pins_from_many_addresses_lock_the_dossier(citizen, portal):
    """R-LOOK-1, R-SEC-1: 5 wrong PINs from 5 addresses lock the PIN check
    of that dossier (even the right PIN); the QR link, the owner and other
    dossiers are not affected"""
    codes = []
    for _ in range(2):
        status, headers, _ = post_form(citizen)
        assert status == 303
        codes.append(submitted_code(headers))
    code, other = codes
    pin = admin_read(portal, code, ['pin'])['pin']
    wrong = '000000' if pin != '000000' else '111111'
    for i in range(5):
        visitor = Client(portal, source=f'127.0.0.{31 + i}')
        status, _, page = visitor.post('/tra-cuu', {'ma': code, 'pin': wrong},
            form_path=f'/tra-cuu?ma={code}')
        assert status == 200
        assert NAME not in page
        if i < 4:
            assert 'Mã hồ sơ hoặc mã PIN không đúng' in page
    assert 'tạm khóa' in page and '15 phút' in page
    # The right PIN, from yet another address, is refused while locked.
    visitor = Client(portal, source='127.0.0.36')
    status, _, page = visitor.post('/tra-cuu', {'ma': code, 'pin': pin},
        form_path=f'/tra-cuu?ma={code}')
    assert status == 200
    assert NAME not in page and 'tạm khóa' in page
    assert 'Đỗ T** X**' in page  # the lookup itself still answers
    # Another dossier's PIN works; the QR link and the owner still see.
    other_pin = admin_read(portal, other, ['pin'])['pin']
    status, _, page = visitor.post('/tra-cuu', {'ma': other, 'pin': other_pin},
        form_path=f'/tra-cuu?ma={other}')
    assert NAME in page
    token = admin_read(portal, code, ['qr_token'])['qr_token']
    _, _, page = visitor.get(f'/tra-cuu/{code}?t={token}')
    assert NAME in page
    _, _, page = citizen.get(f'/tra-cuu?ma={code}')
    assert NAME in page


def test_lookup_without_pin_shows_no_officer_text(citizen, portal):
    """R-LOOK-2, R-SEC-2: a stranger reads the components to supplement
    (Điều 16.2), never the words the officer typed; the PIN shows them"""
    status, headers, page = post_form(citizen)
    assert status == 303
    code = submitted_code(headers)
    _, _, page = citizen.get(f'/nop-ho-so/{BIRTH}')
    component = int(re.findall(r'name="c(\d+)"', page)[1])
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    reason = 'Chị Xuân gọi 0912 000 111 gặp anh Tùng phòng Tư pháp'
    result = portal.rpc('model.gov.dossier.request_supplement',
        [ids, reason, [component], {}], session=session)
    assert 'error' not in result, result
    stranger = Client(portal, source='127.0.0.41')
    for path in (f'/tra-cuu?ma={code}', f'/tra-cuu/{code}', f'/kiosk?ma={code}'):
        status, _, page = stranger.get(path)
        assert status == 200, path
        assert 'Cần bổ sung, sửa đổi hồ sơ' in page, path
        assert 'Giấy chứng sinh' in page, path  # the component ticked
        assert '0912' not in page and 'anh Tùng' not in page, path
        assert NAME not in page, path
    pin = admin_read(portal, code, ['pin'])['pin']
    _, _, page = stranger.post('/tra-cuu', {'ma': code, 'pin': pin},
        form_path=f'/tra-cuu?ma={code}')
    assert 'anh Tùng' in page and NAME in page


@pytest.mark.parametrize('extra, field, words', [
        ({'applicant_address': 'Thôn 1 ' * 1500}, 'applicant_address',
            'tối đa 1000'),
        ({'applicant_name': 'Đỗ ' * 200}, 'applicant_name', 'tối đa 255'),
        ({'f_birth_place': 'x' * 600}, 'f_birth_place', 'tối đa 500'),
        ({'f_copies': '-5'}, 'f_copies', 'từ 0 đến'),
        ({'f_copies': '1' + '0' * 40}, 'f_copies', 'từ 0 đến'),
        ({'f_child_birth_date': '01/01/2999'}, 'f_child_birth_date',
            '01/01/1900'),
        ({'f_child_birth_date': '01/01/0001'}, 'f_child_birth_date',
            '01/01/1900'),
        ({'applicant_email': 'xuan@example.com\r\nBcc: x@example.com'},
            'applicant_email', 'một dòng'),
        ({'applicant_name': 'Đỗ Thị\x00 Xuân'}, 'applicant_name',
            'ký tự điều khiển'),
        ({'applicant_address': 'x' * 3000, 'action': 'draft'},
            'applicant_address', 'tối đa 1000'),
        ])
def test_out_of_bounds_refused_and_nothing_stored(citizen, portal, extra,
        field, words):
    """R-SEC-1, R-SUB-1: a value too long, out of range or with control
    characters (CR/LF in the e-mail) gets a field error, not a 500, what
    was typed comes back, and no dossier, draft or file is stored"""
    before = count_rows(portal)
    status, _, page = post_form(citizen, extra=dict(
            extra, f_child_name='Đỗ Minh Khang'))
    assert status == 400, (status, page[:300])
    errors = field_errors(page)
    assert field in errors, errors
    assert words in errors[field], errors[field]
    # What was typed is shown again.
    assert 'value="Đỗ Minh Khang"' in page
    assert count_rows(portal) == before


def test_huge_address_is_not_stored(citizen, portal):
    "R-SEC-1: a 1 MB address is refused without a 500, nothing stored"
    before = count_rows(portal)
    status, _, _ = post_form(citizen, extra={
            'applicant_address': 'Gia Nghĩa ' * 110000})
    assert status in {400, 413}
    assert count_rows(portal) == before


def test_within_bounds_still_accepted(citizen, portal):
    "R-SUB-1: values at the bounds are accepted and stored"
    before = count_rows(portal)
    status, headers, _ = post_form(citizen, extra={
            'applicant_address': 'Tổ 1\r\n' + 'x' * 990,
            'applicant_email': 'xuan@example.com', 'f_copies': '3',
            'f_child_birth_date': '01/01/1900'})
    assert status == 303, status
    after = count_rows(portal)
    assert after['gov_dossier'] == before['gov_dossier'] + 1


def test_profile_out_of_bounds_is_a_field_error(citizen, portal):
    """R-SEC-1, R-SUB-8: an oversize or spoofing profile value is said next
    to its field, not a 500, and is not stored"""
    base = {'full_name': NAME, 'identification_number': ID_NUMBER,
        'phone': '0987654321', 'address': 'Gia Nghĩa'}
    for field, value in [('address', 'Tổ 1 ' * 2000),
            ('full_name', 'Đỗ Thị \u202eXuân')]:
        status, _, page = citizen.post('/tai-khoan', {**base, field: value})
        assert status == 200, page
        assert field in field_errors(page), field_errors(page)
        _, _, page = citizen.get('/tai-khoan')
        assert value not in page
