"""`make prod` runs the real production stack, keeps it running and loses
nothing when it is broken (R-OPS-1, R-OPS-3; Điều 4.6, 28.3): one stack
for the module — gov_server.prod start on a fresh PostgreSQL database, two
gunicorn instances, trytond-cron and trytond-worker under supervisor — its
start is the slow part. First the fault drills of gov_server.drills at
small scale (a worker killed during submissions, the database connections
cut, overload, trytond-worker killed while it sends, PostgreSQL restarted,
a point-in-time recovery), then a gunicorn master and a worker killed are
started again, and stop leaves no process behind.

PostgreSQL only (the production stack does not run on SQLite). The stack
runs on a PostgreSQL cluster of its own (gov_server.pg_cluster, in a
temporary folder, removed at the end) so that the drills may restart and
restore it: the test run's cluster is shared. Where none can be made, the
stack runs on the test run's cluster, in a database named after the test
run's (the test command's cleanup drops it), and the drills that restart
or restore the server are skipped."""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gov_server import pg_cluster, prod
from gov_server.drills import SCALES, Outcome, Stack, all_drills
from tests.conftest import ROOT

postgresql_only = pytest.mark.skipif(
    os.environ.get('GOV_TEST_BACKEND') != 'postgresql',
    reason='the production stack runs on PostgreSQL only '
    '(scripts/test.sh postgresql)')

PROGRAMS = ('dvc:web-1', 'dvc:web-2', 'dvc:cron', 'dvc:worker')
NO_CLUSTER = []  # why the private cluster could not be made
SCALE = SCALES['small']


def health(port):
    try:
        with urllib.request.urlopen(
                f'http://127.0.0.1:{port}/healthz', timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None
    except OSError:
        return None, None


def wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def stack_processes(directory):
    """The live (not zombie) processes of this stack: supervisord and its
    programs, which all carry DVC_PROD_DIR in their environment."""
    found = {}
    marker = f'DVC_PROD_DIR={directory}'.encode()
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / 'environ').read_bytes().split(b'\0'):
                continue
            # A zombie (state Z) no longer runs: only its parent's reaping
            # is left, which this container's first process may not do.
            state = (entry / 'stat').read_text().rsplit(')', 1)[1].split()[0]
            if state != 'Z':
                found[int(entry.name)] = (entry / 'cmdline').read_bytes(
                    ).replace(b'\0', b' ').decode()
        except OSError:
            continue
    return found


def children(pid):
    return [int(p) for p in Path(f'/proc/{pid}/task/{pid}/children'
            ).read_text().split()]


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    "One stack for every test of the module."
    if os.environ.get('GOV_TEST_BACKEND') != 'postgresql':
        pytest.skip('the production stack runs on PostgreSQL only')
    cluster = None
    if not pg_cluster.unavailable():
        try:
            cluster = pg_cluster.Cluster.create()
        except (subprocess.CalledProcessError, OSError) as error:
            # The drills that need it are skipped with this reason.
            NO_CLUSTER.append(f'{error}: '
                f'{getattr(error, "stderr", "") or ""}'[:500])
    stack = Stack(os.environ['DB_NAME'] + '_prod',
        tmp_path_factory.mktemp('stack') / 'prod',
        uri=None if cluster else os.environ['TRYTOND_DATABASE_URI'],
        cluster=cluster)
    try:
        yield stack.start()
    finally:
        stack.stop(drop=True)
        for pid in stack_processes(stack.dir):
            os.kill(pid, signal.SIGKILL)
        if cluster:
            cluster.destroy()


def private_cluster(stack):
    if stack.cluster is None:
        pytest.skip('no PostgreSQL cluster of its own: '
            + (pg_cluster.unavailable() or ' '.join(NO_CLUSTER)))


def run(stack, name):
    outcome = Outcome(name)
    all_drills()[name](stack, SCALE, outcome)
    print(outcome.line())
    return outcome


@postgresql_only
def test_kill_worker_during_submissions_loses_nothing(stack):
    """R-OPS-1: a gunicorn worker killed (SIGKILL) while 20 citizens submit
    dossiers with 3 files: every confirmed submission is complete in the
    database (code, 3 files in the filestore matching the SHA-256 of the
    history, history rows), the interrupted ones left nothing half-saved
    and no orphan file, and each citizen who saw an error submits again
    successfully; the master replaced its worker."""
    outcome = run(stack, 'kill-worker')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['half_saved'] == 0 and figures['orphan_files'] == 0
    assert figures['failed'] >= 1
    assert figures['failed_then_resubmitted'] == figures['failed']
    assert figures['ok'] + figures['failed'] == SCALE['citizens']


@postgresql_only
def test_database_connections_cut_gives_503_and_recovers(stack):
    """R-OPS-1: every PostgreSQL connection of the application terminated
    three times under load: no HTTP 500 and no stack trace, only the
    Vietnamese 503 page with Retry-After, and the portal serves again by
    itself within seconds."""
    outcome = run(stack, 'db-cut')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['connections_terminated'] > 0
    assert figures['http_500'] == 0 and figures['tracebacks'] == 0
    assert figures['non_2xx'] == figures['http_503']
    assert figures['recovery_s'] < 10


@postgresql_only
def test_overload_never_answers_500(stack):
    """R-OPS-1: five times the measured capacity of a catalogue page for
    10 s: only 2xx, 429 or 503 with Retry-After, never a 500, and the
    stack is healthy afterwards."""
    outcome = run(stack, 'overload')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['http_500'] == 0 and figures['no_answer'] == 0
    assert figures['http_2xx'] > 0


@postgresql_only
def test_worker_killed_while_sending_loses_no_message(stack):
    """R-OPS-1 (R-NOT-1): trytond-worker's process killed (SIGKILL) while
    it sends the receipts of 6 dossiers (an e-mail and an SMS each, one
    queued task a message), the SMS operator having accepted the message
    in flight: supervisor starts the worker again, it sends the rest, the
    retry job sends the one in flight again under the same client message
    id and the operator does not deliver it twice. Every message reached
    its partner once, none lost, none left queued or failed."""
    outcome = run(stack, 'worker-sending')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['messages'] == 2 * SCALE['notified']
    assert figures['in_flight_at_kill'] == 1
    assert figures['resent_same_key'] == 1
    assert figures['sms_requests'] == figures['sms'] + 1
    assert figures['lost'] == figures['stuck'] == 0
    assert figures['sms_delivered_twice'] == 0
    assert figures['email_copies_twice'] == 0


@postgresql_only
def test_postgresql_restart_gives_503_and_recovers(stack):
    """R-OPS-1: PostgreSQL stopped for 3 s and started again (the stack's
    own cluster) while clients load pages and 6 citizens send their
    forms: only 2xx or the Vietnamese 503 page with Retry-After, never a
    500 or a stack trace; the portal serves again within seconds without
    gunicorn being restarted; no dossier is half-saved and every refused
    citizen submits again; trytond-worker goes on sending by itself
    (gov_server.worker) and their receipts reach the partners once."""
    private_cluster(stack)
    outcome = run(stack, 'pg-restart')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['http_503'] + figures['submissions'] \
        - figures['submitted_ok'] > 0
    assert figures['http_500'] == 0
    assert figures['tracebacks'] == 0 and figures['half_saved'] == 0
    assert figures['web_masters_restarted'] == 0
    assert figures['notifications_resent'] <= 1
    assert figures['recovery_after_up_s'] < 10
    assert figures['lost'] == figures['stuck'] == 0


@postgresql_only
def test_point_in_time_recovery(stack):
    """R-OPS-1, R-OPS-3: with WAL archiving and a base backup, the
    cluster restored to a marked moment (gov_server.pitr) has the dossiers
    submitted before it and none of those submitted after."""
    private_cluster(stack)
    outcome = run(stack, 'pitr')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    count = SCALE['pitr_citizens']
    assert figures['before_mark_present'] == f'{count}/{count}'
    assert figures['after_mark_absent'] == f'{count}/{count}'


@postgresql_only
def test_prod_stack_runs_restarts_and_stops(stack):
    """R-OPS-1: make prod's stack answers ok through both gunicorn
    instances; a gunicorn master killed (SIGKILL) is started again by
    supervisor while the other instance serves, a worker killed is
    replaced; R-OPS-3: every program logs JSON lines in var/prod/log;
    make prod-stop leaves no process running. Last in the module: the
    drills above ran on this stack."""
    for port in stack.ports:
        status, answer = health(port)
        assert status == 200 and answer['database'] == 'ok', answer
        assert answer['status'] == 'ok', answer
    status = stack.run('status', check=False)
    assert status.returncode == 0, status.stdout + status.stderr
    for program in PROGRAMS:
        assert f'{program}' in status.stdout
    assert status.stdout.count('RUNNING') == 4, status.stdout
    assert len(stack_processes(stack.dir)) >= 5  # supervisord + programs

    state = prod.load_state(stack.dir)

    def pid(program):
        out = prod.supervisorctl(state, 'pid', program,
            capture_output=True, text=True).stdout.strip()
        return int(out) if out.isdigit() else 0

    # A gunicorn master killed: its worker goes with it, the other
    # instance keeps serving, supervisor starts the instance again.
    master = pid('dvc:web-1')
    workers = children(master)
    assert master and workers
    killed = time.monotonic()
    os.kill(master, signal.SIGKILL)
    assert health(stack.ports[1])[0] == 200
    assert wait(lambda: pid('dvc:web-1') not in (0, master), 30)
    assert wait(lambda: health(stack.ports[0])[0] == 200, 30)
    restart = time.monotonic() - killed
    assert wait(lambda: not any(Path(f'/proc/{w}').exists()
            and 'Z' not in Path(f'/proc/{w}/stat').read_text().rsplit(
                ')', 1)[1].split()[0] for w in workers), 10), workers
    # A worker killed: its master replaces it.
    master2 = pid('dvc:web-2')
    before = children(master2)
    worker = before[0]
    os.kill(worker, signal.SIGKILL)
    assert wait(lambda: worker not in children(master2)
        and len(children(master2)) == len(before), 20)
    assert wait(lambda: health(stack.ports[1])[0] == 200, 20)
    assert pid('dvc:web-2') == master2

    # Structured logs: JSON lines of each program.
    log = stack.dir / 'log'
    for name in ('web-1', 'web-2', 'cron', 'worker'):
        lines = [line for line in (log / f'{name}.log').read_text(
                ).splitlines() if line.startswith('{')]
        assert lines, name
        entries = [json.loads(line) for line in lines]
        assert {'time', 'level', 'logger', 'message'} <= set(entries[-1])
    access = [json.loads(line) for line in (log / 'web-2.log').read_text(
            ).splitlines() if '"gunicorn.access"' in line]
    assert any(e['http']['path'] == '/healthz' and e['http']['status']
        == '200' for e in access)

    result = stack.run('stop', check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert stack_processes(stack.dir) == {}
    assert stack.run('status', check=False).returncode == 3
    for port in stack.ports:
        assert health(port) == (None, None)
    print(f'prod stack: started in {stack.started:.1f} s (database set '
        f'up included), web-1 back {restart:.1f} s after SIGKILL')


@pytest.mark.skipif(not shutil.which('nginx'), reason='nginx not installed')
def test_nginx_sample_is_valid(tmp_path):
    "R-OPS-1: config/nginx.conf.sample passes `nginx -t`."
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    import datetime as dt
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(
                x509.oid.NameOID.COMMON_NAME, 'dichvucong.example.gov.vn')])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256()))
    (tmp_path / 'cert.pem').write_bytes(
        cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / 'key.pem').write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    sample = (ROOT / 'config' / 'nginx.conf.sample').read_text().replace(
        '/etc/ssl/dvc/fullchain.pem', str(tmp_path / 'cert.pem')).replace(
        '/etc/ssl/dvc/privkey.pem', str(tmp_path / 'key.pem'))
    (tmp_path / 'dvc.conf').write_text(sample)
    (tmp_path / 'nginx.conf').write_text(
        f'pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n'
        'events {}\nhttp {\n'
        f'    access_log {tmp_path}/access.log;\n'
        + ''.join(f'    {kind}_temp_path {tmp_path}/{kind};\n' for kind in (
                'client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi')) +
        f'    include {tmp_path}/dvc.conf;\n}}\n')
    result = subprocess.run(['nginx', '-t', '-p', str(tmp_path), '-c',
            str(tmp_path / 'nginx.conf')], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
