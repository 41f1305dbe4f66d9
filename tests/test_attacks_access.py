"""Every demo staff role tries, over JSON-RPC, what the security issue
reported (R-AG-3, R-AG-4, R-SEC-1, R-SEC-2): read the citizens' accounts
and their secrets, take an account over through a password reset, change
the applicants (parties), reach the files and notes of another agency's
dossiers, read colleagues' secrets. Each attempt must be refused and, read
afterwards as the administrator, the database must be unchanged.
"""
import configparser
import json
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import PYTHON, ROOT, _free_port
from tests.portal_fixtures import Client

ROLES = ['quantri', 'motcua', 'chuyenvien', 'truongphong', 'lanhdao',
    'buudien', 'sotttt', 'kiemtra']
DEMO_PASSWORD = 'dvc@2026'
LAND_OFFICE = '000.01.08.H16'  # a provincial unit: no demo officer's agency
CITIZEN = 'lan.nguyen@example.com'
WEB_USER_SECRETS = ['password_hash', 'email_token', 'reset_password_token']
WEB_USER_PERSONAL = ['email', 'full_name', 'identification_number', 'phone',
    'address']
PDF = {'__class__': 'bytes', 'base64': 'JVBERi0xLjQK'}


def call(server, session, model, method, *args):
    """('ok', result) or ('error', message) of a JSON-RPC call; an HTTP
    refusal is an error too."""
    try:
        answer = server.rpc(f'model.{model}.{method}', [*args, {}], session)
    except urllib.error.HTTPError as error:
        return 'error', error.code
    if 'error' in answer:
        return 'error', answer['error']
    return 'ok', answer['result']


def refused(server, session, model, method, *args):
    status, result = call(server, session, model, method, *args)
    return status == 'error'


def ok(server, session, model, method, *args):
    status, result = call(server, session, model, method, *args)
    assert status == 'ok', (model, method, result)
    return result


@pytest.fixture(scope='module')
def sessions(live_server):
    result = {'admin': live_server.login('admin', 'admin@2026')[0]}
    for login in ROLES:
        result[login] = live_server.login(login, DEMO_PASSWORD)[0]
    return result


def snapshot(server, admin, model, domain, fields):
    "What the administrator reads: the proof that nothing was stored."
    return sorted(map(json.dumps, ok(server, admin, model, 'search_read',
                domain, 0, None, [('id', 'ASC')], fields)))


def test_staff_cannot_read_citizen_accounts(live_server, sessions):
    """R-SEC-2, R-AG-4, R-AG-3: no staff role reads, searches, exports or
    changes web.user — personal data and secrets — directly or through a
    dossier; only the Tryton administrator does"""
    server, admin = live_server, sessions['admin']
    citizen, = ok(server, admin, 'web.user', 'search',
        [('email', '=', CITIZEN)])
    secret = ok(server, admin, 'web.user', 'read', [citizen],
        WEB_USER_SECRETS + WEB_USER_PERSONAL)[0]
    assert secret['password_hash'] and secret['identification_number']
    before = snapshot(server, admin, 'web.user', [],
        WEB_USER_SECRETS + WEB_USER_PERSONAL)
    through_dossiers = set()
    for login in ROLES:
        session = sessions[login]
        # Every way in to the account: by id, by search, by count, by export.
        for fields in [['email'], WEB_USER_SECRETS, WEB_USER_PERSONAL]:
            assert refused(server, session, 'web.user', 'read', [citizen],
                fields), (login, fields)
            assert refused(server, session, 'web.user', 'search_read', [],
                0, None, None, fields), (login, fields)
        assert refused(server, session, 'web.user', 'search', []), login
        assert refused(server, session, 'web.user', 'search_count', [])
        assert refused(server, session, 'web.user', 'export_data',
            [citizen], ['reset_password_token']), login
        # A prefix search would guess a token one character at a time.
        assert refused(server, session, 'web.user', 'search',
            [('reset_password_token', 'like', '%')]), login
        # Through the dossiers of citizens the officer may read.
        status, dossiers = call(server, session, 'gov.dossier', 'search',
            [('web_user', '!=', None)], 0, 5)
        if status == 'ok' and dossiers:
            through_dossiers.add(login)
            for field in ['web_user.email', 'web_user.password_hash',
                    'web_user.reset_password_token']:
                assert refused(server, session, 'gov.dossier', 'read',
                    dossiers, [field]), (login, field)
            assert refused(server, session, 'gov.dossier', 'export_data',
                dossiers, ['web_user/reset_password_token']), login
            assert refused(server, session, 'gov.dossier', 'search',
                [('web_user.reset_password_token', 'like', 'a%')]), login
        # Nor changes it: e-mail, password, new account.
        assert refused(server, session, 'web.user', 'write', [citizen],
            {'email': f'{login}@attacker.example'}), login
        assert refused(server, session, 'web.user', 'write', [citizen],
            {'password': 'Chiem-tai-khoan-1'}), login
        assert refused(server, session, 'web.user', 'create',
            [{'email': f'{login}.fake@attacker.example'}]), login
    assert {'motcua', 'kiemtra', 'quantri'} <= through_dossiers
    assert snapshot(server, admin, 'web.user', [],
        WEB_USER_SECRETS + WEB_USER_PERSONAL) == before


def test_reset_token_cannot_be_read_to_take_over_an_account(
        live_server, sessions):
    """R-AG-4, R-SEC-1, R-SEC-2: the takeover of the issue — a reset asked
    for a citizen on /quen-mat-khau, her token read over RPC by an officer,
    a new password set on /dat-lai-mat-khau — stops at the second step"""
    server, admin = live_server, sessions['admin']
    email = 'nan.nhan@example.com'
    Client(server).register(email, 'Hà Thị Nhàn', '066185003333',
        password='Mat-khau-cu-2026')
    victim, = ok(server, admin, 'web.user', 'search',
        [('email', '=', email)])
    _, _, page = Client(server).post('/quen-mat-khau', {'email': email})
    assert 'hướng dẫn' in page
    mail = server.mails.wait_for(email, 'Đặt lại mật khẩu')
    token = re.search(r'token=(\w+)',
        mail.get_body(preferencelist=('plain',)).get_content()).group(1)
    stored = ok(server, admin, 'web.user', 'read', [victim],
        ['reset_password_token', 'password_hash'])[0]
    assert stored['reset_password_token'] == token
    for login in ROLES:
        session = sessions[login]
        for method, args in [
                ('read', [[victim], ['reset_password_token']]),
                ('search_read', [[('email', '=', email)], 0, None, None,
                        ['reset_password_token']]),
                ('search', [[('reset_password_token', '=', token)]]),
                ('search', [[('reset_password_token', 'like',
                                token[0] + '%')]]),
                ('search_count', [[('email', '=', email)]]),
                ]:
            status, result = call(server, session, 'web.user', method, *args)
            assert status == 'error', (login, method, result)
            assert token not in json.dumps(result)
    # Without the token, the attacker cannot set a password.
    attacker = Client(server)
    _, _, page = attacker.post('/dat-lai-mat-khau', {'email': email,
            'token': token[:-1] + ('0' if token[-1] != '0' else '1'),
            'password': 'Chiem-tai-khoan-9',
            'password_confirm': 'Chiem-tai-khoan-9'},
        form_path=f'/dat-lai-mat-khau?email={email}')
    assert 'Đã đặt mật khẩu mới' not in page
    status, _, page = attacker.post('/dang-nhap', {
            'email': email, 'password': 'Chiem-tai-khoan-9'})
    assert status == 200 and 'không đúng' in page
    # The account and its pending reset are as they were.
    assert ok(server, admin, 'web.user', 'read', [victim],
        ['reset_password_token', 'password_hash'])[0] == stored
    status, _, _ = Client(server).post('/dang-nhap', {
            'email': email, 'password': 'Mat-khau-cu-2026'})
    assert status == 303


def party_state(server, admin):
    return {
        'party.party': snapshot(server, admin, 'party.party', [],
            ['name', 'active']),
        'party.identifier': snapshot(server, admin, 'party.identifier', [],
            ['party', 'type', 'code']),
        'party.contact_mechanism': snapshot(server, admin,
            'party.contact_mechanism', [], ['party', 'type', 'value']),
        'party.address': snapshot(server, admin, 'party.address', [],
            ['party', 'street']),
        }


def test_staff_cannot_change_parties(live_server, sessions):
    """R-AG-3, R-SEC-1: no staff role — the read-only auditor, postal staff,
    the ICT administrator included — creates, renames or deletes a party
    or adds an identification number, a contact or an address"""
    server, admin = live_server, sessions['admin']
    citizen, = ok(server, admin, 'web.user', 'search',
        [('email', '=', CITIZEN)])
    party = ok(server, admin, 'web.user', 'read', [citizen],
        ['party'])[0]['party']
    before = party_state(server, admin)
    for login in ROLES:
        session = sessions[login]
        attempts = [
            ('party.party', 'create', [{'name': "Công ty Ma"}]),
            ('party.party', 'create', [{'name': "Người giả",
                        'identifiers': [('create', [{'type': 'vn_cccd',
                                        'code': '067195009999'}])]}]),
            ('party.party', 'write', [party], {'name': "Tên bị đổi"}),
            ('party.party', 'write', [party], {'active': False}),
            ('party.party', 'delete', [party]),
            ('party.identifier', 'create', [{'party': party,
                        'type': 'vn_cccd', 'code': '067195009999'}]),
            ('party.contact_mechanism', 'create', [{'party': party,
                        'type': 'email', 'value': 'ke-gian@example.com'}]),
            ('party.address', 'create', [{'party': party,
                        'street': "Địa chỉ giả"}]),
            ]
        for model, method, *args in attempts:
            status, result = call(server, session, model, method, *args)
            assert status == 'error', (login, model, method, result)
    assert party_state(server, admin) == before


def test_staff_read_only_the_applicants_of_their_dossiers(
        live_server, sessions):
    """R-AG-3, R-SEC-2: an officer who enters dossiers reads the parties of
    the dossiers they may read, no other; roles that do not enter dossiers
    read none; the auditor and the provincial administrator read all"""
    server, admin = live_server, sessions['admin']
    everybody = set(ok(server, admin, 'party.party', 'search', []))
    assert len(everybody) > 3
    for login in ['motcua', 'buudien']:
        session = sessions[login]
        dossiers = ok(server, session, 'gov.dossier', 'search', [])
        applicants = {r['applicant'] for r in ok(server, session,
                'gov.dossier', 'read', dossiers, ['applicant'])} - {None}
        assert set(ok(server, session, 'party.party', 'search', [])
            ) == applicants, login
        other = min(everybody - applicants)
        assert refused(server, session, 'party.party', 'read', [other],
            ['name']), login
        status, found = call(server, session, 'party.identifier', 'search',
            [('party', '=', other)])
        assert status == 'error' or found == [], login
        assert refused(server, session, 'party.party', 'export_data',
            [other], ['name']), login
    for login in ['chuyenvien', 'truongphong', 'lanhdao', 'sotttt']:
        assert refused(server, sessions[login], 'party.party', 'search',
            []), login
        assert refused(server, sessions[login], 'party.party', 'read',
            [min(everybody)], ['name']), login
    for login in ['kiemtra', 'quantri']:
        assert set(ok(server, sessions[login], 'party.party', 'search',
                [])) == everybody, login


AS_ROOT = """
import sys
from gov_server import configure
configure()
from trytond.pool import Pool
from trytond.transaction import Transaction
database, resource = sys.argv[1:3]
Pool.start()
pool = Pool(database)
pool.init()
with Transaction().start(database, 0) as transaction:
    attachment, = pool.get('ir.attachment').create([{'resource': resource,
                'name': 'so-do.pdf', 'type': 'data', 'data': b'%PDF-1.4'}])
    note, = pool.get('ir.note').create([{'resource': resource,
                'message': 'Ghi chú nội bộ của văn phòng đất đai'}])
    transaction.commit()
print(attachment.id, note.id)
"""


def resource_state(server, admin, resource):
    return {model: snapshot(server, admin, model,
            [('resource', '=', resource)], fields)
        for model, fields in [('ir.attachment', ['name', 'description']),
            ('ir.note', ['message'])]}


def test_files_and_notes_of_another_agency_refused(live_server, sessions):
    """R-AG-3, R-SEC-1, R-SEC-2: an officer neither reads, changes, deletes
    nor adds files and notes on a dossier of an agency they do not serve;
    the auditor and the provincial administrator read them, add none"""
    server, admin = live_server, sessions['admin']
    dossier, = ok(server, admin, 'gov.dossier', 'search',
        [('agency.code', '=', LAND_OFFICE)], 0, 1)
    resource = f'gov.dossier,{dossier}'
    # Filed by the land office itself (no demo account works there).
    attachment, note = map(int, subprocess.run(
            [PYTHON, '-c', AS_ROOT, server.database, resource],
            env=server.env, cwd=ROOT, check=True, capture_output=True,
            text=True).stdout.split()[-2:])
    before = resource_state(server, admin, resource)
    for login in ROLES:
        session = sessions[login]
        readable = call(server, session, 'gov.dossier', 'read', [dossier],
            ['id'])[0] == 'ok'
        assert readable == (login in {'kiemtra', 'quantri'}), login
        for model, record, values in [
                ('ir.attachment', attachment, {'name': 'thay-the.pdf'}),
                ('ir.note', note, {'message': "Sửa ghi chú"})]:
            if not readable:
                assert refused(server, session, model, 'read', [record],
                    ['name' if model == 'ir.attachment' else 'message'])
                status, found = call(server, session, model, 'search',
                    [('resource', '=', resource)])
                assert status == 'error' or record not in found, login
            assert refused(server, session, model, 'write', [record],
                values), (login, model)
            assert refused(server, session, model, 'delete', [record]), (
                login, model)
        assert refused(server, session, 'ir.attachment', 'create',
            [{'resource': resource, 'name': 'gia-mao.pdf', 'type': 'data',
                    'data': PDF}]), login
        assert refused(server, session, 'ir.note', 'create',
            [{'resource': resource, 'message': "Ghi chú giả"}]), login
    assert resource_state(server, admin, resource) == before


def test_staff_cannot_read_secrets_of_other_staff(live_server, sessions):
    """R-AG-4, R-SEC-2: colleagues' names are readable, their password
    hash and the temporary password of a reset are not, and nobody but
    the administrator changes an account"""
    server, admin = live_server, sessions['admin']
    user, = ok(server, admin, 'res.user', 'create', [{'login': 'thuky',
                'name': "Thư ký Sở", 'email': 'thuky@dichvucong.example',
                'password': 'Tam-thoi-2026x'}])
    ok(server, admin, 'res.user', 'reset_password', [user])
    secret = ok(server, admin, 'res.user', 'read', [user],
        ['password_reset', 'password_hash'])[0]
    assert secret['password_reset']
    fields = ['login', 'name', 'password_reset', 'password_reset_expire',
        'groups']
    before = snapshot(server, admin, 'res.user', [('id', '=', user)], fields)
    for login in ROLES:
        session = sessions[login]
        assert ok(server, session, 'res.user', 'read', [user],
            ['name'])[0]['name'] == "Thư ký Sở"
        for field in ['password_reset', 'password_hash',
                'password_reset_expire']:
            status, result = call(server, session, 'res.user', 'read',
                [user], [field])
            assert status == 'error', (login, field, result)
            assert secret['password_reset'] not in json.dumps(result)
            assert refused(server, session, 'res.user', 'search',
                [(field, '!=', None)]), (login, field)
        assert refused(server, session, 'res.user', 'search_read',
            [('id', '=', user)], 0, None, None, ['password_reset'])
        assert refused(server, session, 'res.user', 'export_data', [user],
            ['password_reset'])
        assert refused(server, session, 'res.user', 'write', [user],
            {'password': 'Chiem-tai-khoan-1'}), login
        assert refused(server, session, 'res.user', 'write', [user],
            {'login': f'{login}2'}), login
    assert snapshot(server, admin, 'res.user', [('id', '=', user)],
        fields) == before


def test_back_office_headers(live_server):
    """R-SEC-1: the back office (sao and JSON-RPC) is never framed by
    another site, and its files are not sniffed into another type"""
    expected = {'X-Frame-Options': 'DENY',
        'Content-Security-Policy': "frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff'}
    for path, kind in [('/admin/', 'text/html'),
            ('/admin/dist/tryton-sao.js', 'javascript'),
            ('/admin/dist/tryton-sao.css', 'text/css'),
            ('/admin/custom.js', 'javascript')]:
        status, headers, _ = live_server.get(path)
        assert status == 200, path
        assert kind in headers['Content-Type'], (path, headers)
        for name, value in expected.items():
            assert headers.get(name) == value, (path, name, headers)
    request = urllib.request.Request(f'{live_server.url}/admin/rpc/',
        data=json.dumps({'id': 1, 'method': 'common.server.version',
                'params': []}).encode(),
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        for name, value in expected.items():
            assert response.headers.get(name) == value, name


@pytest.fixture(scope='module')
def production_server(live_server, tmp_path_factory):
    """The live database served a second time with the database list of
    the production configuration (config/trytond-postgresql.conf)."""
    production = configparser.ConfigParser(interpolation=None)
    production.read(ROOT / 'config' / 'trytond-postgresql.conf',
        encoding='utf-8')
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(live_server.env['TRYTOND_CONFIG'], encoding='utf-8')
    parser.set('database', 'list', production.get('database', 'list'))
    tmp = tmp_path_factory.mktemp('production')
    conf = tmp / 'trytond.conf'
    with open(conf, 'w', encoding='utf-8') as f:
        parser.write(f)
    env = dict(live_server.env, TRYTOND_CONFIG=str(conf))
    port = _free_port()
    log = open(tmp / 'server.log', 'wb')
    process = subprocess.Popen(
        [PYTHON, '-m', 'gov_server.run', '--port', str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            if process.poll() is not None:
                raise RuntimeError((tmp / 'server.log').read_text())
            try:
                urllib.request.urlopen(url + '/admin/', timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        else:
            raise RuntimeError('server did not start')
        yield type(live_server)(url, live_server.database, env)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_production_lists_no_database(production_server, browser):
    """R-SEC-1: with the production configuration common.db.list is
    refused to anyone; officers still log in, sao takes the database from
    the address (/admin/#<database>)"""
    server = production_server
    with pytest.raises(urllib.error.HTTPError) as error:
        server.rpc('common.db.list', [], database=False)
    assert error.value.code == 403
    session, user_id = server.login('motcua', DEMO_PASSWORD)
    assert user_id and ok(server, session, 'gov.dossier', 'search', [])
    context = browser.new_context(base_url=server.url)
    try:
        page = context.new_page()
        page.goto(f'/admin/#{server.database}')
        page.wait_for_function(
            """db => [...document.querySelectorAll(
                '.modal-dialog select, .modal-dialog input')].some(
                e => e.offsetParent !== null && e.value === db)""",
            arg=server.database, timeout=20000)
    finally:
        context.close()


def test_development_keeps_its_database_list(live_server):
    """R-SEC-1: the production setting is the documented one; `make run`
    (config/trytond.conf, on 127.0.0.1) keeps sao's list of databases"""
    production = configparser.ConfigParser(interpolation=None)
    production.read(ROOT / 'config' / 'trytond-postgresql.conf',
        encoding='utf-8')
    assert not production.getboolean('database', 'list')
    assert 'list = False' in (ROOT / 'README.md').read_text(encoding='utf-8')
    answer = live_server.rpc('common.db.list', [], database=False)
    assert live_server.database in answer['result']
