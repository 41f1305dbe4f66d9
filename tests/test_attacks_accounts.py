"""What a stranger tries against citizen accounts and official mail must
fail (R-AG-4, R-SEC-1, R-SEC-2, R-NOT-2): a forged Host header, a stolen
session after a password reset, probing /dang-ky for accounts, dossier
mail to an address typed on a form; mail that cannot be sent is said so;
outgoing mail of `make run` is kept in the development mailbox."""
import re
import secrets
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from contextlib import contextmanager

import pytest

from pathlib import Path

from tests.portal_fixtures import Client, csrf_token
from tests.portal_seed import BIRTH

ROOT = Path(__file__).resolve().parent.parent
PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
PASSWORD = 'Mat-khau-2026'
RESET_SUBJECT = 'Đặt lại mật khẩu'


def to(portal, email):
    "The messages sent so far to email."
    return [m for m in portal.mails.messages
        if email.lower() in str(m['To']).lower()]


def text(message):
    return message.get_body(preferencelist=('plain',)).get_content()


def clear_mail_dates(portal, email):
    """As if the last account e-mail to email were long ago (instead of
    waiting [gov] account_mail_interval)."""
    subprocess.run([sys.executable, '-c', '''
import sys
from gov_server import configure
configure()
from trytond.pool import Pool
from trytond.transaction import Transaction
Pool.start()
pool = Pool(sys.argv[1])
pool.init()
with Transaction().start(sys.argv[1], 0):
    WebUser = pool.get('web.user')
    WebUser.write(WebUser.search([('email', '=', sys.argv[2])]),
        {'mail_dates': None})
''', portal.database, email], env=portal.env, cwd=ROOT, check=True)


def forgot(client, email, headers=None):
    "POST /quen-mat-khau (CSRF token from a clean GET) with extra headers."
    _, _, page = client.get('/quen-mat-khau')
    return client.request('POST', '/quen-mat-khau', data={
            'email': email, 'csrf_token': csrf_token(page)},
        headers=headers)


# ------------------------------------------------------ forged Host header

def test_forged_host_refused_and_links_from_portal_url(portal):
    """R-SEC-1, R-AG-4: a request for another host is refused before
    anything happens; mailed links use the configured address whatever
    Host or X-Forwarded-Host says; a new request sends the valid link
    again instead of leaving the owner without one"""
    email = 'host.doc@example.com'
    Client(portal).register(email, 'Đỗ Văn Hòa', '066085001234')
    port = urllib.parse.urlsplit(portal.url).port
    stranger = Client(portal)
    for host in ('evil.example', f'evil.example:{port}',
            'dichvucong.daknong.gov.vn.evil.example'):
        before = len(to(portal, email))
        status, _, page = forgot(stranger, email, {'Host': host})
        assert status == 400, host
        assert 'evil' not in page
        status, _, _ = stranger.request('GET', '/', headers={'Host': host})
        assert status == 400
        assert len(to(portal, email)) == before, 'nothing sent'
    # sao's JSON-RPC as well.
    status, _, _ = stranger.request('POST', f'/admin/{portal.database}/rpc/',
        headers={'Host': 'evil.example', 'Content-Type': 'application/json'})
    assert status == 400

    # A trusted name (localhost, in development) and a forged proxy
    # header: the link is still the configured address, 127.0.0.1.
    status, _, page = forgot(stranger, email, {
            'Host': f'localhost:{port}',
            'X-Forwarded-Host': 'evil.example'})
    assert status == 200 and 'Kiểm tra hộp thư' in page
    message = portal.mails.wait_for(email, RESET_SUBJECT)
    link = re.search(r'http\S+/dat-lai-mat-khau\?\S+', text(message)).group(0)
    assert link.startswith(portal.url + '/dat-lai-mat-khau?'), link
    assert 'evil' not in message.as_string()
    token = re.search(r'token=(\w+)', link).group(1)

    # Asked again at once: the same page, no flood of mails.
    count = len(to(portal, email))
    _, _, again = forgot(stranger, email)
    assert 'Kiểm tra hộp thư' in again
    assert len(to(portal, email)) == count
    # Asked again later: the link still valid is sent again.
    clear_mail_dates(portal, email)
    _, _, again = forgot(Client(portal), email)
    assert len(to(portal, email)) == count + 1
    resent = text(to(portal, email)[-1])
    assert f'{portal.url}/dat-lai-mat-khau?token={token}' in resent


def test_production_needs_portal_url(tmp_path):
    """R-SEC-1: the WSGI application refuses to start without
    [gov] portal_url (links would have no trustworthy address)"""
    conf = tmp_path / 'trytond.conf'
    content = (ROOT / 'config' / 'trytond-postgresql.conf').read_text()
    conf.write_text(re.sub(r'(?m)^portal_url\s*=.*$', '', content))
    env = {'TRYTOND_CONFIG': str(conf), 'PATH': '/usr/bin:/bin'}
    result = subprocess.run([sys.executable, '-c', 'import gov_server.wsgi'],
        env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert '[gov] portal_url is not set' in result.stderr


def test_trusted_hosts_and_public_url():
    """R-SEC-1: the trusted hosts come from portal_url and [gov]
    trusted_hosts; loopback names only when portal_url is unset or
    itself a loopback address"""
    from gov_agency.public import public_url, trusted_hosts
    with gov_config(portal_url='https://dichvucong.daknong.gov.vn/',
            trusted_hosts='noibo.daknong.gov.vn, .dvc.vn'):
        assert public_url() == 'https://dichvucong.daknong.gov.vn'
        assert trusted_hosts() == [
            'noibo.daknong.gov.vn', '.dvc.vn', 'dichvucong.daknong.gov.vn']
    with gov_config(portal_url='http://127.0.0.1:8000'):
        assert {'localhost', '127.0.0.1', '::1'} <= set(trusted_hosts())
    with gov_config():
        assert public_url() == 'http://127.0.0.1:8000'
        assert 'localhost' in trusted_hosts()


@contextmanager
def gov_config(**values):
    from trytond import config
    parser = config._config
    if not parser.has_section('gov'):
        parser.add_section('gov')
    saved = dict(parser.items('gov'))
    for name in ('portal_url', 'trusted_hosts'):
        parser.remove_option('gov', name)
    for name, value in values.items():
        parser.set('gov', name, value)
    config._cache_clear()  # config.get() caches its answers
    try:
        yield
    finally:
        for name in list(dict(parser.items('gov'))):
            parser.remove_option('gov', name)
        for name, value in saved.items():
            parser.set('gov', name, value)
        config._cache_clear()


# ------------------------------------------------------------- sessions

def test_password_reset_ends_every_session(portal):
    """R-AG-4, R-SEC-1: after a password reset, the sessions opened with
    the old password (a thief's copy of the cookie too) are signed out"""
    email = 'phien.cu@example.com'
    owner = Client(portal).register(email, 'Phan Thị Mai', '066185002345')
    thief = Client(portal)
    thief.cookies = dict(owner.cookies)
    assert owner.get('/ho-so')[0] == 200 and thief.get('/ho-so')[0] == 200
    _, _, page = Client(portal).post('/quen-mat-khau', {'email': email})
    link = re.search(r'/dat-lai-mat-khau\?\S+',
        text(portal.mails.wait_for(email, RESET_SUBJECT))).group(0)
    token = re.search(r'token=(\w+)', link).group(1)
    _, _, page = Client(portal).post('/dat-lai-mat-khau', {
            'email': email, 'token': token, 'password': 'Moi-mat-khau-7',
            'password_confirm': 'Moi-mat-khau-7'}, form_path=link)
    assert 'Đã đặt mật khẩu mới' in page
    for client in (owner, thief):
        status, headers, _ = client.get('/ho-so')
        assert status == 302 and '/dang-nhap' in headers['Location']
    status, _, _ = Client(portal).post('/dang-nhap', {
            'email': email, 'password': 'Moi-mat-khau-7'})
    assert status == 303


def rpc_status(server, method, params, session):
    try:
        result = server.rpc(method, params, session=session)
    except urllib.error.HTTPError as error:
        return error.code
    return 'error' if 'error' in result else 200


def test_back_office_password_change_ends_sessions(live_server):
    """R-AG-4, R-SEC-1: an officer's sessions end when the password is
    changed by the officer or by an administrator (trytond's ir.session)"""
    server = live_server
    admin, _ = server.login('admin', 'admin@2026')
    login = 'canbo.phien.' + secrets.token_hex(3)
    server.rpc('model.res.user.create', [[{'login': login,
                    'name': 'Cán bộ thử phiên', 'password': 'Tam-thoi-2026!'}],
            {}], session=admin)
    first = server.rpc('common.db.login', [login, {
                'password': 'Tam-thoi-2026!',
                'new_password': 'Rieng-2026-abc'}, 'vi'])['result']
    first = f'{login}:{first[0]}:{first[1]}'
    second, user_id = server.login(login, 'Rieng-2026-abc')
    prefs = ('model.res.user.get_preferences', [True, {}])
    assert rpc_status(server, *prefs, first) == 200
    assert rpc_status(server, *prefs, second) == 200
    # The officer changes it: the other session ends.
    assert rpc_status(server, 'model.res.user.set_preferences',
        [{'password': 'Khac-2026-xyz'}, {}], first) == 200
    assert rpc_status(server, *prefs, second) in {401, 403}
    # An administrator changes it: the officer's new session ends.
    third, _ = server.login(login, 'Khac-2026-xyz')
    assert rpc_status(server, *prefs, third) == 200
    server.rpc('model.res.user.write', [[user_id],
            {'password': 'Quan-tri-2026-q'}, {}], session=admin)
    assert rpc_status(server, *prefs, third) in {401, 403}


# ---------------------------------------------------- registering twice

def normalized(page):
    return re.sub(r'value="[0-9a-f]{64}"', 'value=""', page)


def register_form(client, email, name, id_number, password):
    _, _, page = client.get('/dang-ky')
    return client.request('POST', '/dang-ky', data={
            'csrf_token': csrf_token(page), 'email': email,
            'full_name': name, 'identification_number': id_number,
            'phone': '0987654321', 'address': 'Gia Nghĩa',
            'password': password, 'password_confirm': password,
            'consent': '1'})


def test_register_twice_same_answer_and_owner_told(portal):
    """R-SEC-2, R-AG-4: /dang-ky answers the same whether or not the
    address has an account; the owner is told by e-mail, and the account
    stays theirs"""
    email = 'trung.lap@example.com'
    status1, _, page1 = register_form(Client(portal), email,
        'Võ Thị Lan', '066190003456', PASSWORD)
    assert 'Xác thực' in str(
        portal.mails.wait_for(email, 'Xác thực')['Subject'])
    status2, _, page2 = register_form(Client(portal), email,
        'Kẻ Lạ', '066090004567', 'Mat-khau-cua-ke-la')
    assert status1 == status2 == 200
    assert normalized(page1) == normalized(page2)
    assert 'Kiểm tra hộp thư' in page2 and email in page2
    notice = portal.mails.wait_for(email, 'Đăng ký tài khoản')
    body = text(notice)
    assert 'đã có tài khoản' in body
    assert portal.url + '/quen-mat-khau' in body
    # No second account: the stranger's password opens nothing.
    status, _, page = Client(portal).post('/dang-nhap', {
            'email': email, 'password': 'Mat-khau-cua-ke-la'})
    assert status == 200 and 'không đúng' in page


# ------------------------------------------------------- dossier mail

def submit_dossier(client, applicant_email):
    "Submit the test birth registration; return the dossier's code."
    _, _, page = client.get(f'/nop-ho-so/{BIRTH}')
    agency = re.search(r'<option value="(\d+)"[^>]*>Bộ phận Một cửa',
        page).group(1)
    first, second = re.findall(r'name="(c\d+)"', page)[:2]
    status, headers, body = client.request('POST', f'/nop-ho-so/{BIRTH}',
        data={'csrf_token': csrf_token(page),
            'submission': secrets.token_hex(16), 'agency': agency,
            'applicant_name': 'Trần Văn Bảo',
            'applicant_id_number': '066090001111', 'applicant_phone': '',
            'applicant_email': applicant_email, 'applicant_address': '',
            'f_child_name': 'Trần Gia Hân', 'f_child_birth_date': '02/02/2026',
            'f_child_sex': 'female', 'f_birth_place': 'Gia Nghĩa',
            'action': 'submit', 'declaration': '1'},
        files={first: ('to-khai.pdf', PDF), second: ('chung-sinh.png', PNG)})
    assert status == 303, body
    return re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)


def test_dossier_mail_only_to_verified_address(portal):
    """R-SEC-2, R-NOT-2: an online dossier's e-mail (with the QR token)
    goes to the account's verified address, never to the address typed
    on the form"""
    email = 'da.xac.thuc@example.com'
    stranger = 'nguoi.la.' + secrets.token_hex(3) + '@example.net'
    citizen = Client(portal).register(email, 'Trần Văn Bảo', '066090001111')
    code = submit_dossier(citizen, stranger)
    message = portal.mails.wait_for(email, code)
    body = text(message)
    assert re.search(re.escape(portal.url) + r'/tra-cuu/\S+\?t=\S+', body)
    time.sleep(1)  # anything else sent by the same task has arrived
    assert to(portal, stranger) == []


# ------------------------------------------------------ mail that fails

def test_failed_mail_said_and_sent_again(portal):
    """R-AG-4, R-NOT-2: when the mail server is down, the page says the
    mail was not sent (never "sent") and its button sends it again"""
    email = 'may.chu.thu@example.com'
    client = Client(portal)
    with mail_server_down(portal):
        status, _, page = register_form(client, email, 'Lê Văn Tùng',
            '066087005678', PASSWORD)
    assert status == 200
    assert 'Chưa gửi được thư' in page and 'Kiểm tra hộp thư' not in page
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*class="card',
        page).group(1)
    assert action == '/dang-ky/gui-lai'
    status, _, page = client.request('POST', action, data={
            'email': email, 'csrf_token': csrf_token(page)})
    assert 'Kiểm tra hộp thư' in page
    message = portal.mails.wait_for(email, 'Xác thực')
    assert portal.url + '/xac-thuc-email?token=' in text(message)


@contextmanager
def mail_server_down(portal):
    "The live server's SMTP server is unreachable inside the block."
    from aiosmtpd.controller import Controller
    sink = portal.mails
    sink.controller.stop()
    try:
        yield
    finally:
        sink.controller = Controller(sink, hostname='127.0.0.1',
            port=sink.port)
        sink.controller.start()


# ------------------------------------------------------ how mail looks

def test_subject_and_sender_keep_their_spaces(portal):
    """R-L10N-1, R-NOT-2: the bytes sent decode to the Vietnamese subject
    with its spaces, from the portal's name (not "root")"""
    email = 'tieu.de@example.com'
    Client(portal).register(email, 'Hà Thị Thu', '066186006789')
    message = portal.mails.wait_for(email, 'Xác thực')
    assert str(message['Subject']) == (
        'Xác thực địa chỉ e-mail — Cổng dịch vụ công tỉnh Đắk Nông')
    sender = message['From'].addresses[0]
    assert sender.display_name == 'Cổng dịch vụ công tỉnh Đắk Nông'
    assert sender.addr_spec == 'no-reply@dichvucong.example'


def test_long_subject_survives_folding():
    """R-NOT-2: a dossier notification's long subject, folded over several
    lines, decodes with every space (the "Cổngdịch" bug)"""
    import email
    import email.header
    from email import policy

    from gov_agency.public import make_message
    subject = ('Hồ sơ 000.30.21.H16-250303-0001: Bộ phận Một cửa UBND '
        'thành phố Gia Nghĩa đã nhận được hồ sơ — Cổng dịch vụ công')
    raw = make_message('lan@example.vn', subject, 'Nội dung').as_bytes()
    assert max(len(line) for line in raw.split(b'\n')) <= 78
    for parsing in (policy.default, policy.compat32):
        parsed = email.message_from_bytes(raw, policy=parsing)
        value = parsed['Subject']
        if parsing is policy.compat32:
            value = email.header.make_header(
                email.header.decode_header(value))
        assert str(value) == subject


# ------------------------------------------------ development mailbox

def test_development_mailbox_keeps_and_shows_mail(tmp_path):
    """R-NOT-2: make run's mailbox writes each message to an .eml file and
    its page lists and shows them, links clickable"""
    from werkzeug.test import Client as WSGIClient

    from gov_agency.public import make_message
    from gov_server import devmail
    uri = devmail.start(tmp_path)
    try:
        port = int(uri.rsplit(':', 1)[1])
        with smtplib.SMTP('127.0.0.1', port) as smtp:
            smtp.send_message(make_message('an@example.vn',
                    'Đặt lại mật khẩu — Cổng dịch vụ công tỉnh Đắk Nông',
                    'Mở liên kết:\nhttp://127.0.0.1:8000/dat-lai-mat-khau'
                    '?token=abc'))
        files = list(tmp_path.glob('*.eml'))
        assert len(files) == 1
        web = WSGIClient(devmail.application)
        page = web.get(devmail.PATH).get_data(as_text=True)
        assert 'Hộp thư thử nghiệm' in page
        assert 'Đặt lại mật khẩu — Cổng dịch vụ công tỉnh Đắk Nông' in page
        page = web.get(f'{devmail.PATH}/{files[0].name}').get_data(
            as_text=True)
        assert ('<a href="http://127.0.0.1:8000/dat-lai-mat-khau?token=abc">'
            in page)
        assert web.get(f'{devmail.PATH}/../trytond.conf').status_code == 404
    finally:
        devmail.stop()


def test_development_mailbox_absent_elsewhere(portal):
    """R-SEC-2: the mailbox page does not exist when the mailbox is off
    (the tests' server, every production server)"""
    status, _, _ = Client(portal).get('/hop-thu-thu-nghiem')
    assert status == 404


@pytest.fixture(autouse=True)
def _no_leftover_mailbox():
    yield
    from gov_server import devmail
    devmail.stop()
