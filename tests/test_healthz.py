"""/healthz tells a health checker whether the server can serve (R-OPS-1,
R-OPS-3): the database, trytond's queue, the cron heartbeat; 503 with
Retry-After when the database is unreachable (gov_server/health.py).

The test server, like `make run`, runs no trytond-cron: the tests that need
cron "on time" move the crons' next call into the future through the back
office's RPC (as an operator could) and put it back afterwards."""
import configparser
import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from gov_server.settings import ADMIN_PASSWORD, VAR
from tests.conftest import ROOT, LiveServer, _free_port
from tests.portal_fixtures import request

# Queues a task in the live server's database without running it (no
# trytond-worker there), prints its id, deletes it when told on stdin.
PUSH_TASK = '''
import datetime as dt, sys
from trytond import config
config.set('queue', 'worker', 'True')  # queued only: nothing runs it here
from trytond.pool import Pool
from trytond.transaction import Transaction
database, minutes = sys.argv[1], int(sys.argv[2])
Pool.start()
Pool(database).init()
with Transaction().start(database, 0):
    Queue = Pool().get('ir.queue')
    task_id = Queue.push('gov.notification', {'model': 'gov.notification',
            'method': 'retry_failed', 'instances': [], 'args': [],
            'kwargs': {}},
        scheduled_at=dt.datetime.now() - dt.timedelta(minutes=minutes))
print(task_id, flush=True)
sys.stdin.readline()
with Transaction().start(database, 0):
    Queue = Pool().get('ir.queue')
    Queue.delete([Queue(task_id)])
print('deleted', flush=True)
'''


def healthz(server, host=None):
    headers = {'Host': host} if host else {}
    status, headers, body = request(server, 'GET', '/healthz',
        headers=headers)
    return status, headers, body


def answer(server):
    status, headers, body = healthz(server)
    assert status == 200, body
    assert headers['Content-Type'] == 'application/json'
    return json.loads(body)


def wait_for(server, predicate, timeout=10):
    "The first answer (fresh at most 1 s ago) that satisfies predicate."
    deadline = time.monotonic() + timeout
    while True:
        result = answer(server)
        if predicate(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def rpc_datetime(value):
    return None if value is None else {'__class__': 'datetime',
        'year': value.year, 'month': value.month, 'day': value.day,
        'hour': value.hour, 'minute': value.minute, 'second': value.second,
        'microsecond': 0}


@pytest.fixture
def crons(server):
    """Set the crons' next call through RPC as the administrator:
    set(next_call, ids=None); the calls as they were are put back."""
    session, _ = server.login('admin', ADMIN_PASSWORD)

    def call(method, *params):
        result = server.rpc(f'model.ir.cron.{method}', [*params, {}],
            session=session)
        assert 'result' in result, result
        return result['result']
    original = call('search_read', [('active', '=', True)], 0, None, None,
        ['next_call'])

    def set_(next_call, ids=None):
        call('write', ids or [c['id'] for c in original],
            {'next_call': rpc_datetime(next_call)})
    set_.ids = [c['id'] for c in original]
    yield set_
    for cron in original:
        next_call = cron['next_call']
        if isinstance(next_call, dict):
            next_call = dt.datetime(next_call['year'], next_call['month'],
                next_call['day'], next_call['hour'], next_call['minute'],
                next_call['second'])
        set_(next_call, [cron['id']])


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def test_healthz_ok_and_not_rate_limited(server, crons):
    """R-OPS-1: a running server answers ok, in JSON, with its database,
    queue and cron heartbeat and nothing else; a health checker polling it
    fast is never refused; an unknown host is refused as for any page."""
    crons(utcnow() + dt.timedelta(hours=1))
    result = wait_for(server, lambda r: r['status'] == 'ok')
    assert result['status'] == 'ok', result
    assert result['database'] == 'ok'
    assert set(result) == {'status', 'database', 'queue', 'cron'}
    assert set(result['queue']) == {'depth', 'oldest_seconds'}
    assert set(result['cron']) == {'last_run', 'next_call', 'late'}
    assert result['queue']['oldest_seconds'] == 0
    assert result['cron']['late'] is False
    status, headers, _ = healthz(server)
    assert headers['Cache-Control'] == 'no-store'
    # The portal's limits (login, lookups …) never apply to /healthz.
    statuses = {healthz(server)[0] for _ in range(60)}
    assert statuses == {200}
    status, _, _ = healthz(server, host='evil.example')
    assert status == 400


def test_healthz_queue_depth_and_waiting_task(server, crons):
    """R-OPS-1, R-OPS-3: a task queued and not done shows in the queue's
    depth and age; one waiting longer than 15 minutes (no trytond-worker)
    makes the status degraded; done, the queue is as before."""
    crons(utcnow() + dt.timedelta(hours=1))
    before = wait_for(server, lambda r: r['status'] == 'ok')
    assert before['status'] == 'ok', before
    depth = before['queue']['depth']
    push = subprocess.Popen([sys.executable, '-c', PUSH_TASK,
            server.database, '20'], env=server.env, cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        task_id = int(push.stdout.readline())
        assert task_id > 0
        queued = wait_for(server,
            lambda r: r['queue']['depth'] == depth + 1)
        assert queued['queue']['depth'] == depth + 1, queued
        assert queued['queue']['oldest_seconds'] >= 20 * 60
        assert queued['status'] == 'degraded'
        assert queued['database'] == 'ok'
        push.stdin.write('\n')
        push.stdin.flush()
        assert push.stdout.readline().strip() == 'deleted'
    finally:
        push.stdin.close()
        push.wait(30)
    after = wait_for(server, lambda r: r['queue']['depth'] == depth)
    assert after['queue']['depth'] == depth
    assert after['status'] == 'ok', after


def test_healthz_cron_late(server, crons):
    """R-OPS-1: a cron due for more than 15 minutes (trytond-cron not
    running) is reported late: status degraded, still HTTP 200."""
    crons(utcnow() + dt.timedelta(hours=1))
    assert wait_for(server,
        lambda r: r['status'] == 'ok')['cron']['late'] is False
    due = utcnow() - dt.timedelta(hours=2)
    crons(due, crons.ids[:1])
    result = wait_for(server, lambda r: r['cron']['late'])
    assert result['cron']['late'] is True, result
    assert result['status'] == 'degraded'
    assert result['cron']['next_call'] == due.replace(
        microsecond=0).isoformat() + 'Z'
    # 14 minutes late: within the tolerance.
    crons(utcnow() - dt.timedelta(minutes=14), crons.ids[:1])
    result = wait_for(server, lambda r: not r['cron']['late'])
    assert result['cron']['late'] is False
    assert result['status'] == 'ok'


def start_server(tmp, database, uri=None, setup=True):
    """The development server as `make run` starts it, on a free port, with
    its own database (no demo data, no sandboxes): (process, LiveServer)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / 'config' / 'trytond.conf', encoding='utf-8')
    parser.set('database', 'path', str(tmp))
    parser.set('web', 'root', str(ROOT / 'var' / 'sao'))
    parser.set('gov', 'database', database)
    parser.remove_option('gov', 'sandboxes')
    parser.remove_option('gov', 'dev_mailbox')
    if uri:
        parser.set('database', 'uri', uri)
    conf = tmp / 'trytond.conf'
    with open(conf, 'w', encoding='utf-8') as f:
        parser.write(f)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith(('TRYTOND_', 'DB_'))}
    env['TRYTOND_CONFIG'] = str(conf)
    if setup:
        subprocess.run([sys.executable, '-m', 'gov_server.setup_db',
                '--no-demo'], env=env, check=True, cwd=ROOT,
            stdout=subprocess.DEVNULL)
    else:
        # No pool loaded at start (it would wait for the database).
        env['TRYTOND_DATABASE_NAMES'] = ''
    port = _free_port()
    log = open(tmp / 'server.log', 'wb')
    process = subprocess.Popen(
        [sys.executable, '-m', 'gov_server.run', '--port', str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    url = f'http://127.0.0.1:{port}'
    for _ in range(240):
        assert process.poll() is None, (tmp / 'server.log').read_text()
        try:
            urllib.request.urlopen(url + '/healthz', timeout=5)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.25)
    return process, LiveServer(url, database, env)


def stop_server(process):
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    process.log.close()


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    """A server of its own: the shared test server's demo data leaves
    notifications queued that nothing sends (no trytond-worker in tests),
    which /healthz rightly reports once they have waited 15 minutes."""
    tmp = tmp_path_factory.mktemp('healthz')
    postgresql = os.environ.get('GOV_TEST_BACKEND') == 'postgresql'
    # PostgreSQL: named after the test run's database, which the test
    # command's cleanup drops with it.
    database = (os.environ['DB_NAME'] + '_healthz' if postgresql
        else 'healthz')
    process, live = start_server(tmp, database,
        uri=os.environ['TRYTOND_DATABASE_URI'] if postgresql else None)
    try:
        yield live
    finally:
        stop_server(process)
        if postgresql:
            subprocess.run(['dropdb', '-h', '/var/run/postgresql',
                    '--if-exists', database], check=False)
            # gov_server.setup_db's record of the modules it set up.
            (VAR / f'{database}.modules').unlink(missing_ok=True)


@pytest.fixture
def server_without_database(tmp_path):
    """The development server configured with a PostgreSQL server that is
    not there: a closed port on this machine."""
    closed = _free_port()  # bound, then released: nobody listens there
    process, live = start_server(tmp_path, 'dvc_absent',
        uri=f'postgresql://dvc@127.0.0.1:{closed}/', setup=False)
    try:
        yield live
    finally:
        stop_server(process)


def test_healthz_database_unreachable(server_without_database):
    """R-OPS-1: the database unreachable, /healthz answers at once 503 with
    Retry-After and a JSON status "down" — no error text (it would name
    the database server)."""
    started = time.monotonic()
    status, headers, body = request(server_without_database, 'GET',
        '/healthz')
    assert time.monotonic() - started < 5
    assert status == 503, body
    assert int(headers['Retry-After']) > 0
    assert headers['Content-Type'] == 'application/json'
    result = json.loads(body)
    assert result == {'status': 'down', 'database': 'unreachable',
        'queue': None, 'cron': None}
    assert '127.0.0.1' not in body and 'dvc_absent' not in body
