"""The SMS notifications and the lookup by SMS over real HTTP (R-NOT-1,
R-LOOK-1): the live server of tests/conftest.py, the sandbox SMS operator
(gov_server/sandbox_sms.py) that conftest starts with the others and that
the server's configuration points at (``[gov] sms_gateway = operator``,
``[gov_sms]``).

The notifications are made and sent in another process with the server's
configuration, as the queued task does it (``Notification.send``) — one
process for the module, its pool loaded once (`Worker`): the
HTTP adapter signs each message, retries a 503 and carries the same client
message id at every attempt; the sandbox posts its signed delivery report
to the live server's ``/sms/delivery``. The tests read the sandbox's
``GET /messages`` and the database, and replay or forge reports.
"""
import configparser
import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from gov_agency import signed_http
from tests.conftest import ROOT
from tests.portal_seed import start_pool

PERMIT = 'TEST.XD.01'
CITY = '000.00.21.H16'
DELIVERY = '/sms/delivery'


# The pool of the live server's database, in the step's process.
_start = start_pool


def seed(database):
    "The test procedures (tests/portal_seed.py)."
    from tests.portal_seed import seed
    seed(database)
    print('{}')


def submitted(database, url, phone):
    """A new postal dossier of the test permit with the phone, submitted:
    its SMS notification is queued. Prints {code, notification}."""
    pool = _start(database, url)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Dossier = pool.get('gov.dossier')
        Agency = pool.get('gov.agency')
        Procedure = pool.get('gov.procedure')
        city, = Agency.search([('code', '=', CITY)])
        permit, = Procedure.search([('code', '=', PERMIT)])
        dossier, = Dossier.create([{
                    'procedure': permit.id, 'agency': city.id,
                    'channel': 'postal',
                    'applicant_name': 'Hoàng Thị Lan',
                    'applicant_id_number': '067190004444',
                    'applicant_phone': phone,
                    'applicant_address': 'Thôn 3, xã Đắk Nia, Gia Nghĩa',
                    }])
        Dossier.submit([dossier])
        dossier = Dossier(dossier.id)
        sms, = [n for n in dossier.notifications if n.channel == 'sms']
        assert sms.state == 'queued', sms.state
        print(json.dumps({'code': dossier.code, 'notification': sms.id}))
        Transaction().commit()


def send(database, url, notification_id, again=''):
    """Notification.send, as the queued task (or the cron, `again`: the
    notification set back to failed first, as if the operator's answer had
    been lost). Prints the notification."""
    pool = _start(database, url)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Notification = pool.get('gov.notification')
        notification = Notification(int(notification_id))
        if again:
            Notification.write([notification], {'state': 'failed'})
        Notification.send([Notification(notification.id)])
        Transaction().commit()
    inspect(database, notification_id)


def inspect(database, notification_id):
    "Prints what the database holds of the notification."
    pool = _start(database)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        n = pool.get('gov.notification')(int(notification_id))
        print(json.dumps({'state': n.state, 'gateway': n.gateway,
                    'attempts': n.attempts, 'reference': n.reference,
                    'key': n.message_key, 'recipient': n.recipient,
                    'body': n.body, 'error': n.error,
                    'delivery': n.delivery,
                    'delivery_date': str(n.delivery_date),
                    'events': n.delivery_events}, ensure_ascii=False))


def serve():
    """The worker's loop: a JSON line [function, args] in, the last line the
    function printed (or its error) out."""
    import contextlib
    import io
    import traceback
    for line in sys.stdin:
        name, args = json.loads(line)
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                globals()[name](*args)
            answer = {'result': printed.getvalue().strip().splitlines()[-1]}
        except Exception:
            answer = {'error': traceback.format_exc()[-3000:]}
        sys.stdout.write(json.dumps(answer) + '\n')
        sys.stdout.flush()


class Worker:
    """One process with the live server's configuration running this
    module's steps on request: starting trytond's pool for each step would
    cost seconds each."""

    def __init__(self, server):
        self.process = subprocess.Popen([sys.executable, '-c',
                'from tests.test_sms_operator import serve; serve()'],
            env=server.env, cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def call(self, function, *args):
        self.process.stdin.write(
            json.dumps([function, [str(a) for a in args]]) + '\n')
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, 'the worker process ended'
        answer = json.loads(line)
        assert 'error' in answer or answer['result'], answer
        assert 'error' not in answer, answer['error']
        return json.loads(answer['result'])

    def stop(self):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


_workers = {}


def run(server, function, *args):
    return _workers[server.database].call(function, *args)


def post(url, body, headers=None):
    request = urllib.request.Request(url, data=body, method='POST',
        headers={'Content-Type': 'application/json', **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b'{}')
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b'{}')


def sandbox(server):
    return server.sandboxes['sms']


def control(server, **settings):
    status, answer = post(sandbox(server) + '/control',
        json.dumps(settings).encode())
    assert status == 200, answer
    return answer


def messages(server, phone):
    with urllib.request.urlopen(f'{sandbox(server)}/messages?to={phone}',
            timeout=10) as response:
        return json.loads(response.read())['messages']


def secret(server):
    "The operator's secret, as the live server's configuration has it."
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(server.env['TRYTOND_CONFIG'], encoding='utf-8')
    assert parser.get('gov', 'sms_gateway') == 'operator'
    return parser.get('gov_sms', 'secret')


def wait_delivery(server, phone, notification_id, timeout=20):
    """The notification once the sandbox's delivery report to the phone
    got the platform's answer."""
    deadline = time.monotonic() + timeout
    while not any(m['reports'] for m in messages(server, phone)):
        assert time.monotonic() < deadline, messages(server, phone)
        time.sleep(0.1)
    return run(server, 'inspect', server.database, notification_id)


def new_phone():
    return '0912' + ''.join(secrets.choice('0123456789') for _ in range(6))


@pytest.fixture(scope='module')
def seeded(live_server):
    worker = _workers[live_server.database] = Worker(live_server)
    try:
        run(live_server, 'seed', live_server.database)
        yield live_server
    finally:
        worker.stop()
        del _workers[live_server.database]


@pytest.fixture
def notification(seeded):
    "(phone, {code, notification}) of a dossier just submitted."
    phone = new_phone()
    return phone, run(seeded, 'submitted', seeded.database, seeded.url,
        phone)


def test_sms_notification_reaches_the_operator_once_signed(
        live_server, notification):
    """R-NOT-1: the SMS of a submitted dossier reaches the operator
    (sandbox) once, signed (the sandbox refuses unsigned messages: 401),
    with its client message id; the operator's message id is kept; its
    delivery report marks the notification delivered; sent again (the
    cron after a lost answer), the same id is answered with the same
    message and nothing is delivered twice"""
    server, (phone, made) = live_server, notification
    facts = run(server, 'send', server.database, server.url,
        made['notification'])
    assert (facts['state'], facts['gateway'], facts['attempts']) == (
        'sent', 'operator', 1), facts
    sent, = messages(server, phone)
    assert sent['client_message_id'] == facts['key']
    assert facts['key'].startswith(f"dvc-{made['notification']}-")
    assert sent['message_id'] == facts['reference']
    assert sent['text'] == facts['body'] and made['code'] in sent['text']
    assert (sent['sender'], sent['requests']) == ('DVC-DAKNONG', 1)

    facts = wait_delivery(server, phone, made['notification'])
    assert facts['delivery'] == 'delivered', facts
    report, = messages(server, phone)[0]['reports']
    assert report['callback']['status'] == 200
    assert report['callback']['answer']['result'] == 'applied'
    assert facts['events'] == report['report']['event_id']

    again = run(server, 'send', server.database, server.url,
        made['notification'], 'again')
    assert (again['state'], again['reference']) == ('sent',
        facts['reference'])
    sent, = messages(server, phone)
    assert sent['requests'] == 2 and len(sent['reports']) == 1

    # Unsigned, or signed with another key: the operator refuses it.
    body = json.dumps({'to': phone, 'text': 'giả mạo',
            'client_message_id': 'forged-1'}).encode()
    status, _ = post(sandbox(server) + '/messages', body,
        {'Idempotency-Key': 'forged-1',
            'X-Signature': signed_http.sign('not-the-secret', body)})
    assert status == 401
    assert len(messages(server, phone)) == 1


def test_503_then_success_delivers_once(live_server, notification):
    """R-NOT-1: the operator answers 503 twice (overloaded), then accepts:
    the adapter retries with backoff, the same client message id, and the
    message is delivered exactly once; every attempt failing leaves the
    notification failed for the cron, whose retry is the same message"""
    server, (phone, made) = live_server, notification
    control(server, fail_next=2)
    facts = run(server, 'send', server.database, server.url,
        made['notification'])
    assert (facts['state'], facts['attempts']) == ('sent', 1), facts
    sent, = messages(server, phone)
    assert (sent['client_message_id'], sent['requests']) == (
        facts['key'], 1)
    assert control(server)['fail_next'] == 0
    facts = wait_delivery(server, phone, made['notification'])
    assert facts['delivery'] == 'delivered', facts
    assert len(messages(server, phone)[0]['reports']) == 1

    # Down for longer than the adapter's attempts (3): failed, retried
    # later by the cron with the same key.
    phone, other = new_phone(), None
    other = run(server, 'submitted', server.database, server.url, phone)
    control(server, fail_next=3)
    facts = run(server, 'send', server.database, server.url,
        other['notification'])
    assert (facts['state'], facts['attempts']) == ('failed', 1), facts
    assert 'HTTP 503' in facts['error']
    assert messages(server, phone) == []
    facts = run(server, 'send', server.database, server.url,
        other['notification'])
    assert (facts['state'], facts['attempts']) == ('sent', 2), facts
    sent, = messages(server, phone)
    assert sent['client_message_id'] == facts['key']


def test_delivery_report_replayed_or_forged(live_server, notification):
    """R-NOT-1, R-SEC-2: a delivery report is applied once per event id —
    replayed, 200 duplicate and nothing changes; one with a bad signature
    (or none) is refused with 403 and changes nothing; a report of a
    message of no notification is 404"""
    server, (phone, made) = live_server, notification
    run(server, 'send', server.database, server.url, made['notification'])
    facts = wait_delivery(server, phone, made['notification'])
    assert facts['delivery'] == 'delivered', facts
    report = messages(server, phone)[0]['reports'][0]['report']
    key = secret(server)

    body = json.dumps(report, ensure_ascii=False).encode()
    status, answer = post(server.url + DELIVERY, body,
        {'X-Signature': signed_http.sign(key, body)})
    assert (status, answer['result'], answer['delivery']) == (
        200, 'duplicate', 'delivered'), answer
    assert run(server, 'inspect', server.database,
        made['notification']) == facts

    # A "failed" report under a new event id, forged or unsigned.
    forged = json.dumps(dict(report, event_id='DLRFORGED01',
            status='failed', error='x')).encode()
    for headers in ({'X-Signature': signed_http.sign('wrong', forged)},
            {'X-Signature': signed_http.sign(key, body)}, {}):
        status, answer = post(server.url + DELIVERY, forged, headers)
        assert (status, answer['result']) == (403, 'forbidden'), answer
    assert run(server, 'inspect', server.database,
        made['notification']) == facts

    unknown = json.dumps(dict(report, event_id='DLRUNKNOWN1',
            client_message_id='dvc-999999999-20200101000000')).encode()
    status, answer = post(server.url + DELIVERY, unknown,
        {'X-Signature': signed_http.sign(key, unknown)})
    assert (status, answer['result']) == (404, 'unknown_message')


def test_failed_delivery_report(live_server, notification):
    """R-NOT-1: a report that the handset could not be reached marks the
    notification not delivered, with the operator's reason"""
    server, (phone, made) = live_server, notification
    control(server, report='failed')
    try:
        run(server, 'send', server.database, server.url,
            made['notification'])
        facts = wait_delivery(server, phone, made['notification'])
    finally:
        control(server, report='delivered')
    assert (facts['state'], facts['delivery']) == ('sent', 'failed'), facts
    assert 'subscriber unreachable' in facts['error']


def test_inbound_sms_through_the_sandbox_answers_the_lookup(
        live_server, notification):
    """R-LOOK-1: an SMS texted to the sandbox operator is forwarded,
    signed as the real operator signs it, to /sms/inbound; the platform's
    answer (code, state, no name) comes back and its reply is sent to the
    citizen's phone"""
    server, (_, made) = live_server, notification
    control(server, inbound_url=server.url + '/sms/inbound')
    phone = new_phone()
    status, answer = post(sandbox(server) + '/inbound', json.dumps({
                'from': phone, 'text': f"tra cứu {made['code']}"}).encode())
    assert status == 200, answer
    assert answer['status'] == 200, answer
    platform = answer['answer']
    assert (platform['result'], platform['to']) == ('lookup', phone)
    assert platform['reply'].startswith(f"Hồ sơ {made['code']}: ")
    assert 'Lan' not in platform['reply']
    reply, = messages(server, phone)
    assert (reply['kind'], reply['text']) == ('reply', platform['reply'])

    status, answer = post(sandbox(server) + '/inbound', json.dumps({
                'from': phone, 'text': 'xin chào'}).encode())
    assert (status, answer['answer']['result']) == (200, 'usage'), answer
