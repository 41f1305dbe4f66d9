"""The recovery drills (gov_server.drills runs them after those of
gov_server.drill_checks, on the same `make prod` stack): trytond-worker
killed while it sends (worker-sending), PostgreSQL stopped and started
again under load (pg-restart) and a point-in-time recovery (pitr). Here
too are what only they need: the stack's notification partners on this
machine (the sandbox SMS operator and a mail sink, Partners), the retry
job run as if time had passed and the check that each e-mail and SMS
reached its partner once. Each drill takes the Stack, the scale's
numbers and an Outcome that it fills with its figures and the problems
found."""
import email
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import psycopg
from psycopg.conninfo import make_conninfo

from bench.load import forwarded_for, http
from bench.run import SUBMIT_PROCEDURE, form_values

from gov_server import prod
from gov_server.drill_checks import (
    Answers, Citizen, create_citizens, judge, portal_paths, stored_dossiers)
from gov_server.drills import children, wait_for
from gov_server.settings import ROOT

DRILLS = {}


# ------------------------------------------------------ worker-sending

class MailSink:
    """An SMTP server on this machine that keeps what it is given (the
    stack's mail relay in the drills): [(Message-ID, recipients)]."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        from gov_server.drills import free_port
        self.received = []
        self.lock = threading.Lock()
        port = free_port()
        self.controller = Controller(self, hostname='127.0.0.1', port=port)
        self.controller.start()
        self.uri = f'smtp://127.0.0.1:{port}'

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content or envelope.content)
        with self.lock:
            self.received.append(
                (message['Message-ID'], tuple(envelope.rcpt_tos)))
        return '250 OK'

    def stop(self):
        self.controller.stop()


class Hold:
    """Keeps the answer to the nth new SMS of a notification after
    `after_id` at the operator: the message is accepted (and counts as
    delivered), the sender waits for the answer until `release`."""

    def __init__(self, after_id, nth):
        self.after_id, self.nth = after_id, nth
        self.seen = 0
        self.key = self.client = None
        self.held, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()

    def take(self, key, client):
        match = re.fullmatch(r'dvc-(\d+)-\d{14}', key or '')
        with self.lock:
            if self.key or not match or int(match[1]) <= self.after_id:
                return False
            self.seen += 1
            if self.seen < self.nth:
                return False
            self.key, self.client = key, client
        self.held.set()
        return True


def _sms_handler():
    from gov_server import sandbox_sms

    class Handler(sandbox_sms.Handler):
        "The sandbox operator's routes; POST /messages may be held."

        def do_POST(self):
            hold = self.server.hold
            if hold is None or self.path.split('?')[0] != '/messages':
                return super().do_POST()
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(min(length, sandbox_sms.MAX_BODY))
            status, answer = self.server.operator.send(body, self.headers)
            if status == 201 and hold.take(
                    answer['client_message_id'], self.client_address):
                # Accepted, delivered: the sender never hears it.
                hold.release.wait(60)
            try:
                self.answer(status, answer)
            except OSError:
                pass  # the sender is gone
    return Handler


class Partners:
    """The third parties of the stack's notifications, on this machine:
    the sandbox SMS operator (gov_server.sandbox_sms's Operator, in a
    thread of the drills' process: it dedupes by client message id) and
    a mail sink. `settings()` and `env()` point the stack at them."""

    def __init__(self):
        from gov_server.sandbox_common import SandboxServer
        from gov_server.sandbox_sms import Operator
        self.secret = secrets.token_hex(16)
        self.operator = Operator(self.secret)
        self.sms = SandboxServer(('127.0.0.1', 0), _sms_handler(),
            operator=self.operator, hold=None)
        threading.Thread(target=self.sms.serve_forever, daemon=True).start()
        self.mail = MailSink()

    def settings(self):
        "prod start's options (the configuration file has its own)."
        return ['--set', 'gov.sms_gateway=operator']

    def env(self):
        return {
            'TRYTOND_GOV_SMS__URL':
            'http://127.0.0.1:%d' % self.sms.server_address[1],
            'TRYTOND_GOV_SMS__SECRET': self.secret,
            'TRYTOND_EMAIL__URI': self.mail.uri,
            }

    def stop(self):
        self.sms.hold = None
        self.sms.shutdown()
        self.sms.server_close()
        self.mail.stop()


def socket_owner(pids, local_port, remote_port):
    """The process of pids that holds the TCP connection from local_port
    to remote_port on 127.0.0.1, or None."""
    inodes = set()
    for line in open('/proc/net/tcp').read().splitlines()[1:]:
        fields = line.split()
        if (int(fields[1].split(':')[1], 16) == local_port
                and int(fields[2].split(':')[1], 16) == remote_port):
            inodes.add(f'socket:[{fields[9]}]')
    for pid in pids:
        try:
            for fd in os.listdir(f'/proc/{pid}/fd'):
                try:
                    if os.readlink(f'/proc/{pid}/fd/{fd}') in inodes:
                        return pid
                except OSError:
                    continue
        except OSError:
            continue
    return None


RETRY = """
import datetime as dt, sys
from gov_server import configure
configure()
from trytond.pool import Pool
from trytond.transaction import Transaction
database, minutes = sys.argv[1], int(sys.argv[2])
Pool.start()
pool = Pool(database)
with Transaction().start(database, 0, readonly=True):
    pool.init()
if sys.stdin.readline().strip() != 'run':  # loaded beforehand
    sys.exit(0)
with Transaction().start(database, 0):
    Notification = pool.get('gov.notification')
    module = sys.modules[next(k.__module__ for k in Notification.__mro__
            if k.__module__.endswith('gov_dossier.notification'))]
    now, later = module.utcnow, dt.timedelta(minutes=minutes)
    search = Notification.search
    def search_now(*args, **kwargs):
        # The clock goes back to now for the sending itself.
        module.utcnow = now
        return search(*args, **kwargs)
    module.utcnow = lambda: now() + later
    Notification.search = search_now
    print(' '.join(str(n.id) for n in Notification.retry_failed()))
"""


class RetryJob:
    """The cron "Retry Failed Notifications" run as if `minutes` had
    passed (it leaves a queued message alone for 15 minutes: its task may
    be under way), in a process that loads the pool at once and runs the
    job when `run()` is called: the ids it sent again."""

    def __init__(self, stack, minutes=16):
        self.process = subprocess.Popen(
            [sys.executable, '-c', RETRY, stack.database, str(minutes)],
            env={**stack.env(),
                'TRYTOND_CONFIG': str(stack.dir / 'trytond.conf')},
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)

    def run(self):
        out, err = self.process.communicate('run\n', timeout=180)
        if self.process.returncode:
            raise RuntimeError('the retry job failed: ' + err[-2000:])
        lines = out.strip().splitlines()
        return [int(i) for i in lines[-1].split()] if lines else []


def pending_tasks(stack):
    "Notification tasks of ir.queue not taken yet or not finished."
    with stack.connect() as conn:
        return conn.execute("""
            SELECT count(*) FILTER (WHERE dequeued_at IS NULL),
                count(*) FILTER (WHERE dequeued_at IS NOT NULL
                    AND finished_at IS NULL)
            FROM ir_queue WHERE name = 'gov_notification'""").fetchone()


def outgoing(stack, after_id):
    "The e-mail and SMS notifications after after_id: {id: row}."
    with stack.connect() as conn:
        rows = conn.execute("""
            SELECT id, channel, state, attempts, reference,
                to_char(create_date, 'YYYYMMDDHH24MISS')
            FROM gov_notification
            WHERE id > %s AND channel IN ('email', 'sms')""",
            (after_id,)).fetchall()
    return {r[0]: {'channel': r[1], 'state': r[2], 'attempts': r[3],
            'reference': r[4], 'key': f'dvc-{r[0]}-{r[5]}'} for r in rows}


def drill_worker_sending(stack, scale, outcome):
    "SIGKILL of trytond-worker while it sends an SMS (see drills)."
    partners = stack.partners
    count = scale['notified']
    path = f'/nop-ho-so/{SUBMIT_PROCEDURE}'
    # The messages of the drills before are sent first.
    wait_for(lambda: pending_tasks(stack)[0] == 0, 60, step=0.5)
    with stack.connect() as conn:
        after_id, = conn.execute(
            'SELECT COALESCE(max(id), 0) FROM gov_notification').fetchone()
    values, components = form_values(stack.conninfo, SUBMIT_PROCEDURE)
    accounts = create_citizens(stack, count)
    citizens = [Citizen(i, *account, stack.ports[i % 2], values, components,
            4) for i, account in enumerate(accounts)]
    hold = Hold(after_id, max(1, count // 2))
    operator = partners.operator
    operator.report = 'none'  # no delivery report settles it: the retry
    partners.sms.hold = hold
    worker = stack.pid('worker')
    kill = {}

    def killer():
        "SIGKILL of the process sending the held SMS, once it is held."
        if not hold.held.wait(90):
            return
        tree = [worker] + children(worker)
        kill['tree'] = tree
        sender = socket_owner(tree, hold.client[1],
            partners.sms.server_address[1])
        if sender:
            kill.update(sender=sender, at=time.monotonic())
            os.kill(sender, signal.SIGKILL)
        hold.release.set()
    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    try:
        threads = [threading.Thread(target=c.submit, args=(path,))
            for c in citizens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcome.check(all(c.code for c in citizens),
            'submissions failed: ' + str([c.seen for c in citizens
                    if not c.code][:3]))
        hold.held.wait(60)
    finally:
        hold.held.set()
        kill_thread.join()
        hold.release.set()
        partners.sms.hold = None
    if not outcome.check('sender' in kill,
            f'no process of the worker {kill.get("tree")} was sending'):
        operator.report = 'delivered'
        return
    killed = kill['at']
    # The worker's pool is broken: its main process ends, supervisor
    # starts the program again.
    retry = RetryJob(stack)  # loads while the worker starts again
    restarted = wait_for(lambda: stack.pid('worker') not in (0, worker),
        30, step=0.1)
    restart_s = time.monotonic() - killed
    outcome.check(restarted, 'supervisor did not start the worker again')
    expected = 2 * count  # a receipt by e-mail and by SMS each
    wait_for(lambda: len(outgoing(stack, after_id)) == expected
        and pending_tasks(stack)[0] == 0 and sum(
            n['state'] == 'sent' for n in outgoing(stack, after_id).values()
            ) >= expected - 1, 60, step=0.3)
    drained_s = time.monotonic() - killed
    before_retry = outgoing(stack, after_id)
    in_flight = [i for i, n in before_retry.items() if n['state'] != 'sent']
    resent = [i for i in retry.run() if i > after_id]
    operator.report = 'delivered'
    partner_figures = check_partners(stack, after_id, outcome)
    # The interrupted task stays taken and unfinished in ir.queue: not a
    # task waiting for the worker (else /healthz degraded in 15 minutes).
    _, health = prod.health(stack.ports[0])
    depth = (health or {}).get('queue', {}).get('depth')
    outcome.check(depth == 0, f'/healthz queue depth {depth}, not 0')
    outcome.figures.update({
            'healthz_queue_depth': depth,
            'in_flight_at_kill': len(in_flight),
            'resent_same_key': len(resent),
            **partner_figures,
            'tasks_interrupted': pending_tasks(stack)[1],
            'worker_restart_s': round(restart_s, 1),
            'drained_s': round(drained_s, 1),
            })
    outcome.check(partner_figures['messages'] == expected,
        f"{partner_figures['messages']} e-mails and SMS, not {expected}")
    keys = {n['key']: i for i, n in before_retry.items()}
    outcome.check(in_flight == [keys.get(hold.key)],
        f'in flight at the kill: {in_flight}, held {hold.key}')
    outcome.check(resent == in_flight,
        f'the retry job sent {resent}, not {in_flight}')
    # The operator got the held SMS twice and delivered it once.
    outcome.check(partner_figures['sms_requests']
        >= partner_figures['sms'] + len(resent),
        'the held SMS was not sent again')


def check_partners(stack, after_id, outcome):
    """The e-mail and SMS notifications after after_id against what the
    partners got: each one sent and at its partner once — the SMS
    operator delivers one message per client message id whatever the
    repeats, the mail sink has one copy per Message-ID — the operator's
    message id kept as its reference, nothing under a key of no
    notification. Adds the problems to outcome; the figures."""
    partners = stack.partners
    notifications = outgoing(stack, after_id)
    keys = {n['key']: i for i, n in notifications.items()}
    ours = re.compile(r'dvc-(\d+)-\d{14}')

    def drill_key(key):
        match = ours.fullmatch(key or '')
        return match and int(match[1]) > after_id
    with partners.operator.lock:
        sms = [dict(m) for m in partners.operator.messages
            if drill_key(m['client_message_id'])]
    with partners.mail.lock:
        mails = Counter(mid.strip('<>').split('@')[0]
            for mid, _ in partners.mail.received
            if mid and drill_key(mid.strip('<>').split('@')[0]))
    deliveries = Counter(m['client_message_id'] for m in sms)
    by_key = {m['client_message_id']: m for m in sms}
    lost = stuck = 0
    for id_, n in notifications.items():
        if n['state'] != 'sent':
            stuck += 1
        if n['channel'] == 'sms':
            record = by_key.get(n['key'])
            if record is None:
                lost += 1
            elif record['message_id'] != n['reference']:
                outcome.problems.append(f"SMS {n['key']}: reference "
                    f"{n['reference']}, the operator's is "
                    f"{record['message_id']}")
        elif n['key'] not in mails:
            lost += 1
    stray = sorted(set(deliveries) - set(keys) | set(mails) - set(keys))
    twice_sms = sum(n > 1 for n in deliveries.values())
    twice_mail = sum(n > 1 for n in mails.values())
    outcome.check(lost == 0 and stuck == 0, f'{lost} lost, {stuck} stuck')
    outcome.check(not stray, f'messages under unknown keys: {stray[:3]}')
    outcome.check(not twice_sms, f'{twice_sms} SMS delivered twice')
    outcome.check(not twice_mail, f'{twice_mail} e-mails sent twice')
    return {
        'messages': len(notifications),
        'sms': sum(n['channel'] == 'sms' for n in notifications.values()),
        'email': sum(n['channel'] == 'email'
            for n in notifications.values()),
        'sms_requests': sum(m['requests'] for m in sms),
        'sms_delivered_twice': twice_sms,
        'email_copies_twice': twice_mail,
        'lost': lost,
        'stuck': stuck,
        }


DRILLS['worker-sending'] = drill_worker_sending


# ----------------------------------------------------------- pg-restart

def load_pages(stack, clients, answers, stop):
    "Threads loading portal pages until stop is set; the threads."
    paths = portal_paths(stack)

    def client(index):
        rnd = random.Random(100 + index)
        headers = {'X-Forwarded-For': forwarded_for(rnd)}
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                answer = http(stack.ports[rnd.randrange(2)], 'GET',
                    rnd.choice(paths), headers, timeout=30)
            except Exception as error:  # noqa: BLE001
                answers.add(None, f'no answer ({type(error).__name__})',
                    time.monotonic() - t0)
                time.sleep(0.1)
                continue
            answers.add(answer.status, judge(answer), time.monotonic() - t0)
    threads = [threading.Thread(target=client, args=(i,), daemon=True)
        for i in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def drill_pg_restart(stack, scale, outcome):
    """PostgreSQL stopped for a few seconds and started again under load,
    on the stack's private cluster (see drills)."""
    cluster = stack.cluster
    if not outcome.check(cluster is not None,
            'the stack is not on a private cluster (gov_server.pg_cluster)'):
        return
    count = scale['restart_citizens']
    path = f'/nop-ho-so/{SUBMIT_PROCEDURE}'
    values, components = form_values(stack.conninfo, SUBMIT_PROCEDURE)
    citizens = [Citizen(i, *account, stack.ports[i % 2], values, components,
            scale['file_kb'] // 10 or 1) for i, account in enumerate(
            create_citizens(stack, count))]
    for citizen in citizens:
        citizen.read_form(path)
    masters = {p: stack.pid(p) for p in ('web-1', 'web-2')}
    worker = stack.pid('worker')
    with stack.connect() as conn:
        after_id, = conn.execute(
            'SELECT COALESCE(max(id), 0) FROM gov_notification').fetchone()
    answers, stop = Answers(), threading.Event()
    threads = load_pages(stack, scale['page_clients'], answers, stop)
    time.sleep(1.5)
    # The citizens send their forms as the server goes down.
    senders = [threading.Thread(target=c.submit, args=(path,))
        for c in citizens]
    for thread in senders:
        thread.start()
    time.sleep(0.3)
    down = time.monotonic()
    cluster.stop('fast')
    time.sleep(scale['db_down_seconds'])
    cluster.start()
    up = time.monotonic()
    for thread in senders:
        thread.join()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()
    retry = RetryJob(stack)  # loads while the rest is checked
    rows = sorted(answers.rows)
    failed = [r[0] for r in rows if r[0] >= down
        and (r[1] is None or r[1] >= 300)]
    recovery = max(0.0, max(failed) - up) if failed else 0.0
    after = [r for r in rows if r[0] > (max(failed) if failed else up)]
    healthy = wait_for(stack.healthy, 30)
    statuses, problems = answers.statuses(), answers.problems()

    # Submissions: complete or absent; those who saw an error send again.
    ok = [c for c in citizens if c.code]
    refused = [c for c in citizens if not c.code]
    stored = stored_dossiers(stack, [c.user_id for c in citizens])
    half_saved = sum(1 for c in citizens for d in stored[c.user_id]
        if d['problems'])
    for citizen in refused:
        for attempt in range(3):
            if citizen.submit(path):
                break
            citizen.form = None
            time.sleep(1)
    stored = stored_dossiers(stack, [c.user_id for c in citizens])
    for citizen in citizens:
        dossiers = stored[citizen.user_id]
        outcome.check(len(dossiers) == 1 and dossiers[0]['code']
            == citizen.code and not dossiers[0]['problems'],
            f'citizen {citizen.index} ({citizen.seen}): {dossiers}')
    # Their receipts: each at its partner once, none lost. The worker's
    # connections were cut too: it must go on sending by itself (started
    # again by supervisor, gov_server/worker.py); at most the message in
    # flight at the stop waits for the retry job.
    expected = 2 * len(citizens)

    def drained():
        notifications = outgoing(stack, after_id)
        return (len(notifications) == expected
            and pending_tasks(stack)[0] == 0
            and sum(n['state'] != 'sent'
                for n in notifications.values()) <= 1)
    # 60 s: the worker started again loads its pool first; with the
    # CI's two test lanes on two cores, the receipts once took more than
    # 30 s (0.3 s on a quiet machine: receipts_sent_after_s). The retry
    # job it must not need runs every 15 minutes.
    started = time.monotonic()
    worker_sent = wait_for(drained, 60, step=0.3)
    drained_after = time.monotonic() - started
    resent = [i for i in retry.run() if i > after_id]
    partners = check_partners(stack, after_id, outcome)
    outcome.figures.update({
            'requests': len(rows),
            'db_down_s': round(up - down, 1),
            'http_503': statuses.get(503, 0),
            'http_500': statuses.get(500, 0),
            'no_answer': sum(n for p, n in problems.items()
                if p.startswith('no answer')),
            'tracebacks': problems.get('stack trace', 0),
            'recovery_after_up_s': round(recovery, 2),
            'submissions': count,
            'submitted_ok': len(ok),
            'refused_then_resubmitted': sum(1 for c in refused if c.code),
            'half_saved': half_saved,
            'notifications_resent': len(resent),
            'receipts_sent_after_s': round(drained_after, 1),
            **partners,
            'web_masters_restarted': sum(stack.pid(p) != pid
                for p, pid in masters.items()),
            'worker_restarted': stack.pid('worker') != worker,
            })
    outcome.check(worker_sent and len(resent) <= 1, 'trytond-worker did '
        f'not send the receipts after the restart ({len(resent)} left to '
        'the retry job)')
    outcome.check(not problems, f'unacceptable answers: {dict(problems)}')
    outcome.check(statuses.get(503, 0) or refused, 'no 503 while the '
        'database was down: nothing was proven')
    outcome.check(recovery < 10, f'served again {recovery:.1f} s after '
        'the database was up')
    outcome.check(after and all(r[1] and r[1] < 300 for r in after),
        'failures after the recovery')
    outcome.check(half_saved == 0, f'{half_saved} half-saved')
    outcome.check(all(c.code for c in citizens),
        'not every citizen could submit again')
    outcome.check(outcome.figures['web_masters_restarted'] == 0,
        'a gunicorn instance was restarted: the application did not '
        'recover by itself')
    outcome.check(healthy, '/healthz not 200 after the drill')


DRILLS['pg-restart'] = drill_pg_restart


# ----------------------------------------------------------------- pitr

def submit_dossiers(stack, count, start=0):
    "count citizens submit a dossier (small files): the Citizens."
    path = f'/nop-ho-so/{SUBMIT_PROCEDURE}'
    values, components = form_values(stack.conninfo, SUBMIT_PROCEDURE)
    citizens = [Citizen(start + i, *account, stack.ports[i % 2], values,
            components, 4) for i, account in enumerate(
            create_citizens(stack, count))]
    threads = [threading.Thread(target=c.submit, args=(path,))
        for c in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return citizens


def drill_pitr(stack, scale, outcome):
    """WAL archiving, a base backup, dossiers before and after a marked
    moment, a restore to that moment into a second data directory (see
    drills and gov_server.pitr)."""
    from gov_server import pitr
    from gov_server.pg_cluster import free_port
    cluster = stack.cluster
    if not outcome.check(cluster is not None,
            'the stack is not on a private cluster (gov_server.pg_cluster)'):
        return
    admin = make_admin_conninfo(stack)
    pitr.start_archiving(admin, cluster.archive_dir)
    began = time.monotonic()
    base = cluster.dir / 'base'
    cluster.command('pg_basebackup', *pitr.base_backup_args(base,
            '127.0.0.1', cluster.port, cluster.user))
    backup_s = time.monotonic() - began
    base_mb = sum(f.stat().st_size for f in base.rglob('*') if f.is_file())
    count = scale['pitr_citizens']
    before = submit_dossiers(stack, count)
    with stack.connect() as conn:
        mark, = conn.execute('SELECT clock_timestamp()').fetchone()
        kept, = conn.execute('SELECT count(*) FROM gov_dossier').fetchone()
    time.sleep(0.2)
    after = submit_dossiers(stack, count, start=count)
    outcome.check(all(c.code for c in before + after),
        'submissions failed: ' + str([c.seen for c in before + after
                if not c.code][:3]))
    segment = pitr.switch_and_wait(admin)
    segments = len(list(cluster.archive_dir.iterdir()))

    began = time.monotonic()
    data = cluster.dir / 'restored'
    port = free_port()
    pitr.prepare_restore(base, cluster.archive_dir, mark.isoformat(), data,
        port, move=True)
    cluster.pg_ctl('start', data=data)
    restored = make_conninfo_port(stack.conninfo, port)
    try:
        # Hot standby answers while it replays: until the promotion.
        promoted = pitr.wait_promoted(restored)
        restore_s = time.monotonic() - began
        with psycopg.connect(restored) as conn:
            codes = {c for c, in conn.execute(
                    'SELECT code FROM gov_dossier WHERE code IS NOT NULL')}
            total, = conn.execute(
                'SELECT count(*) FROM gov_dossier').fetchone()
            in_recovery, = conn.execute(
                'SELECT pg_is_in_recovery()').fetchone()
    finally:
        cluster.command('pg_ctl', 'stop', '-D', data, '-m', 'immediate',
            '-w', check=False)
        shutil.rmtree(data, ignore_errors=True)
    present = sum(c.code in codes for c in before)
    absent = sum(c.code not in codes for c in after)
    outcome.figures.update({
            'base_backup_s': round(backup_s, 1),
            'base_backup_mb': round(base_mb / 2**20),
            'wal_segments_archived': segments,
            'last_segment': segment,
            'restore_s': round(restore_s, 1),
            'before_mark_present': f'{present}/{count}',
            'after_mark_absent': f'{absent}/{count}',
            'dossiers_restored': total,
            })
    outcome.check(present == count, f'{count - present} dossiers from '
        'before the mark missing')
    outcome.check(absent == count, f'{count - absent} dossiers from after '
        'the mark restored')
    outcome.check(total == kept, f'{total} dossiers restored, {kept} '
        'at the mark')
    outcome.check(promoted and not in_recovery,
        'the restored cluster was not promoted')


def make_admin_conninfo(stack):
    "The stack's server, database postgres (the cluster's superuser)."
    return make_conninfo(stack.conninfo, dbname='postgres')


def make_conninfo_port(conninfo, port):
    return make_conninfo(conninfo, port=str(port))


DRILLS['pitr'] = drill_pitr
