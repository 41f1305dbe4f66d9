"""Fixtures shared by the cross-module tests: a real running server.

The server is started exactly as `make run` starts it (gov_server.setup_db,
then gov_server.run), on a free port, with its own throw-away database: a
SQLite file in a temporary folder, or — in the PostgreSQL pass of the test
command (GOV_TEST_BACKEND=postgresql) — a new PostgreSQL database dropped
afterwards.

The sandboxes (gov_server.sandboxes: the payment platform, the postal
operator) are started by the test process itself, before the server, and
the server's configuration points at them (`[gov_fee]`, `[gov_postal]`);
`live_server.sandboxes` is {name: URL}. They stop with the server; parcels
move only when a test says so (no auto_advance).
"""
import configparser
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from gov_server import sandboxes

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class MailSink:
    """A local SMTP server that keeps every message the live server sends
    (e-mail verification, password reset, notifications)."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        self.messages = []
        self.port = _free_port()
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy
        self.messages.append(email.message_from_bytes(
                envelope.content, policy=policy.default))
        return '250 OK'

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def wait_for(self, to, subject_contains='', timeout=20):
        "The last message sent to `to` whose subject contains the text."
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.messages):
                if (to.lower() in str(message['To']).lower()
                        and subject_contains in str(message['Subject'])):
                    return message
            time.sleep(0.1)
        raise AssertionError(f'no e-mail to {to} ({subject_contains!r})')


class LiveServer:
    def __init__(self, url, database, env, mails=None):
        self.url = url
        self.database = database
        self.env = env
        self.mails = mails

    def get(self, path, **headers):
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def rpc(self, method, params, session=None, database=True):
        path = f'/admin/{self.database}/rpc/' if database else '/admin/rpc/'
        headers = {'Content-Type': 'application/json'}
        if session:
            import base64
            token = base64.b64encode(session.encode()).decode()
            headers['Authorization'] = f'Session {token}'
        data = json.dumps({'id': 1, 'method': method, 'params': params})
        request = urllib.request.Request(
            self.url + path, data=data.encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def login(self, login, password):
        result = self.rpc('common.db.login', [login, {'password': password}, 'vi'])
        user_id, token, _ = result['result']
        return f'{login}:{user_id}:{token}', user_id


@pytest.fixture(scope='session')
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('server')
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / 'config' / 'trytond.conf', encoding='utf-8')
    backend = os.environ.get('GOV_TEST_BACKEND', 'sqlite')
    database = 'live_' + uuid.uuid4().hex[:8]
    parser.set('database', 'path', str(tmp))
    parser.set('web', 'root', str(ROOT / 'var' / 'sao'))
    parser.set('gov', 'database', database)
    # E-mails go to a local sink the tests read (no mail leaves the machine).
    mails = MailSink()
    mails.start()
    if not parser.has_section('email'):
        parser.add_section('email')
    parser.set('email', 'uri', f'smtp://127.0.0.1:{mails.port}')
    parser.set('email', 'from', 'no-reply@dichvucong.example')
    # The sink replaces make run's development mailbox.
    parser.remove_option('gov', 'dev_mailbox')
    # The sandboxes run here, not in the server (make run's [gov]
    # sandboxes), so that the tests know them; the server is configured
    # with them before it starts.
    parser.remove_option('gov', 'sandboxes')
    # The public statistics are counted afresh: each test adds dossiers a
    # cached answer would not show.
    if not parser.has_section('gov_report'):
        parser.add_section('gov_report')
    parser.set('gov_report', 'public_cache_minutes', '0')
    if parser.has_section('gov_postal'):
        parser.remove_option('gov_postal', 'auto_advance')
    # The SMS operator's webhook (gov_portal routes_sms.py): the tests sign
    # its inbound messages with this secret; the number is published.
    parser.set('gov', 'sms_inbound_secret', uuid.uuid4().hex)
    parser.set('gov', 'sms_lookup_number', '8136')
    sandbox_log = open(tmp / 'sandboxes.log', 'wb')
    sandbox_urls = sandboxes.start_all(parser, log=sandbox_log)
    sandboxes.apply(parser)
    if backend == 'postgresql':
        parser.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    conf = tmp / 'trytond.conf'
    with open(conf, 'w', encoding='utf-8') as f:
        parser.write(f)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith(('TRYTOND_', 'DB_'))}
    env['TRYTOND_CONFIG'] = str(conf)
    subprocess.run([PYTHON, '-m', 'gov_server.setup_db'], env=env,
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(tmp / 'server.log', 'wb')
    process = subprocess.Popen(
        [PYTHON, '-m', 'gov_server.run', '--port', str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    server = LiveServer(url, database, env, mails)
    server.sandboxes = sandbox_urls
    try:
        for _ in range(120):
            if process.poll() is not None:
                raise RuntimeError((tmp / 'server.log').read_text())
            try:
                urllib.request.urlopen(url + '/', timeout=2).read()
                break
            except OSError:
                time.sleep(0.25)
        else:
            raise RuntimeError('server did not start')
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        mails.stop()
        sandboxes.stop_all()
        sandbox_log.close()
        if backend == 'postgresql':
            subprocess.run(['dropdb', '-h', '/var/run/postgresql',
                    '--if-exists', database], check=False)


# The portal's fixtures (live server with the test procedures, Chromium):
# defined once here so that session-scoped ones are shared by every module.
from tests.portal_fixtures import browser, desktop, phone, portal  # noqa: E402,F401,I001


def pytest_collection_modifyitems(items):
    """The benchmark smoke test (PostgreSQL pass) adds 1,000 generated
    dossiers to the live server's database: it runs last, so that the
    tests of the demo data as shipped (journeys, consistency) see it as
    shipped on both databases."""
    items.sort(key=lambda item: item.nodeid.startswith('tests/bench/'))
