"""The fault drills themselves (gov_server.drills runs them on a `make
prod` stack): a worker killed during submissions (kill-worker), the
database connections cut (db-cut) and overload, with the helpers they
share with the recovery drills of gov_server.drill_recovery (citizens
who submit, the dossiers stored, the answers of a load and how they are
judged). Each takes the Stack, the scale's numbers and an Outcome that
it fills with its figures and the problems found."""
import asyncio
import hashlib
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import quote

from bench.load import forwarded_for, http, percentile
from bench.run import SUBMIT_PROCEDURE, form_values, multipart, pdf_file

from gov_server.drills import busiest, children, serving, wait_for
from gov_server.settings import ROOT

# ----------------------------------------------------------- kill-worker

FILES = 3
FILE_STORED = 'file_stored'  # gov_signature's history event per file


def create_citizens(stack, count):
    """Portal accounts with a verified e-mail and an open session:
    [(web user id, session key, personal id number)]."""
    tag = secrets.token_hex(4)
    base = random.randrange(1, 900000 - count)
    citizens = []
    with stack.connect() as conn:
        for i in range(count):
            number = '067190%06d' % (base + i)
            user_id, = conn.execute("""
                INSERT INTO web_user (active, email, email_valid, full_name,
                    identification_number, phone, address, create_date,
                    create_uid)
                VALUES (TRUE, %s, TRUE, 'Trần Thị Bình', %s, '0912345678',
                    'Gia Nghĩa, Đắk Nông', now() AT TIME ZONE 'UTC', 0)
                RETURNING id""", (f'diendap.{tag}.{i}@example.vn',
                    number)).fetchone()
            key = secrets.token_hex(32)
            conn.execute("""
                INSERT INTO web_user_session (key, "user", create_date,
                    create_uid) VALUES (%s, %s, now() AT TIME ZONE 'UTC', 0)
                """, (key, user_id))
            citizens.append((user_id, key, number))
    return citizens


class Citizen:
    "One citizen's browser: her cookies, her form, what she saw."

    def __init__(self, index, user_id, key, number, port, values,
            components, file_kb):
        self.index, self.user_id, self.number = index, user_id, number
        self.port = port
        self.cookie = (f'dvc_session={key}; '
            f'dvc_browser={secrets.token_hex(16)}')
        self.address = forwarded_for(random.Random(index))
        self.values = values
        self.files = {f'c{component}': (f'giay-to-{n}.pdf',
                pdf_file(file_kb * 1024, index * 10 + n))
            for n, component in enumerate(components[:FILES], 1)}
        self.form = None  # (body, content type) once the page was read
        self.code = None
        self.seen = []  # what each attempt showed her

    def headers(self, **more):
        return {'Cookie': self.cookie, 'X-Forwarded-For': self.address,
            **more}

    def read_form(self, path):
        page = http(self.port, 'GET', path, self.headers(), timeout=60)
        if page.status != 200:
            raise RuntimeError(f'form page {page.status}')
        html = page.text()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
        token = re.search(r'name="submission" value="([^"]+)"', html)
        fields = dict(self.values, csrf_token=csrf.group(1),
            submission=token.group(1), action='submit',
            applicant_name='Trần Thị Bình',
            applicant_id_number=self.number, applicant_phone='0912345678',
            applicant_email='', applicant_address='Gia Nghĩa',
            declaration='1')
        agency = re.search(r'name="agency"[^>]*>\s*(?:<option[^>]*'
            r'value="")?[^<]*(?:</option>)?\s*<option[^>]*value="(\d+)"',
            html)
        if agency:
            fields['agency'] = agency.group(1)
        self.form = multipart(fields, self.files)

    def submit(self, path, on_post=None):
        """Send the form (the one read before, as a browser resends it,
        else a fresh one): True when the server confirmed it."""
        try:
            if self.form is None:
                self.read_form(path)
            body, content_type = self.form
            if on_post:
                on_post()
            answer = http(self.port, 'POST', path,
                self.headers(**{'Content-Type': content_type}), body,
                timeout=120)
        except Exception as error:  # noqa: BLE001 — what she saw
            self.seen.append(f'{type(error).__name__}')
            return False
        location = answer.headers.get('location', '')
        if answer.status == 303 and location.endswith('/da-nop'):
            self.code = location.split('/')[2]
            self.seen.append('ok')
            return True
        self.seen.append(f'HTTP {answer.status}')
        return False


def stored_dossiers(stack, user_ids):
    """{web user: [dossier facts]} of the citizens, each with whether it
    is complete: code, submitted, 3 component files present in the
    filestore with the SHA-256 of the document and of its history row,
    a history row of the submission."""
    with stack.connect() as conn:
        dossiers = conn.execute("""
            SELECT id, code, state, web_user FROM gov_dossier
            WHERE web_user = ANY(%s)""", (user_ids,)).fetchall()
        ids = [d[0] for d in dossiers]
        documents = conn.execute("""
            SELECT dossier, kind, file_id, sha256 FROM gov_dossier_document
            WHERE dossier = ANY(%s)""", (ids,)).fetchall()
        history = conn.execute("""
            SELECT dossier, event, reason FROM gov_dossier_history
            WHERE dossier = ANY(%s)""", (ids,)).fetchall()
    by_user = {u: [] for u in user_ids}
    for id_, code, state, user in dossiers:
        docs = [d for d in documents if d[0] == id_]
        rows = [h for h in history if h[0] == id_]
        problems = []
        if not code or state == 'draft':
            problems.append(f'state {state}, code {code}')
        components = [d for d in docs if d[1] == 'component']
        if len(components) != FILES:
            problems.append(f'{len(components)} documents')
        for _, _, file_id, digest in components:
            path = stack.filestore / file_id[0:2] / file_id[2:4] / file_id
            try:
                actual = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                problems.append(f'file {file_id} missing')
                continue
            if actual != digest:
                problems.append(f'file {file_id}: SHA-256 differs')
            if not any(h[1] == FILE_STORED and digest in (h[2] or '')
                    for h in rows):
                problems.append(f'no history row with the SHA-256 of '
                    f'{file_id}')
        if not any(h[1] != FILE_STORED for h in rows):
            problems.append('no history of the submission')
        by_user[user].append({'id': id_, 'code': code, 'state': state,
                'problems': problems})
    return by_user


def orphan_files(stack):
    """Files in the database's filestore that no record references: the
    values of every *file_id / *_id text column (the Binary fields' file
    ids), and those waiting in ir.filestore.queue."""
    present = {p.name for p in stack.filestore.rglob('*') if p.is_file()}
    if not present:
        return set()
    referenced = set()
    with stack.connect() as conn:
        columns = conn.execute("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name LIKE '%%id'
                AND data_type IN ('character varying', 'text')""").fetchall()
        for table, column in columns:
            referenced.update(v for v, in conn.execute(
                    f'SELECT DISTINCT "{column}" FROM "{table}" '
                    f'WHERE "{column}" IS NOT NULL'))
    return present - referenced


SWEEP = """
import sys, time
from gov_server import configure
configure()
from trytond.pool import Pool
from trytond.transaction import Transaction
from gov_agency.filestore_sweep import GRACE
database = sys.argv[1]
Pool.start()
pool = Pool(database)
with Transaction().start(database, 0, readonly=True):
    pool.init()
with Transaction().start(database, 0):
    print(pool.get('ir.filestore.queue').sweep_orphans(
        now=time.time() + GRACE.total_seconds() + 60))
"""


def sweep_orphans(stack):
    """The daily job that removes files written by transactions that
    rolled back (gov_agency/filestore_sweep.py), run as if its grace
    period were over: how many files it removed."""
    result = subprocess.run([sys.executable, '-c', SWEEP, stack.database],
        env={**stack.env(), 'TRYTOND_CONFIG': str(stack.dir / 'trytond.conf')},
        cwd=ROOT, capture_output=True, text=True, check=True)
    return int(result.stdout.strip().splitlines()[-1])


def drill_kill_worker(stack, scale, outcome):
    "SIGKILL of a busy gunicorn worker while citizens submit (see drills)."
    count = scale['citizens']
    path = f'/nop-ho-so/{SUBMIT_PROCEDURE}'
    values, components = form_values(stack.conninfo, SUBMIT_PROCEDURE)
    if len(components) < FILES:
        raise RuntimeError(f'{SUBMIT_PROCEDURE}: fewer than 3 components')
    accounts = create_citizens(stack, count)
    citizens = [Citizen(i, *account, stack.ports[i % 2], values, components,
            scale['file_kb']) for i, account in enumerate(accounts)]
    orphans_before = len(orphan_files(stack))

    # The kill: once a third of the forms are on their way, a web-1 worker
    # serving one of them (holding its connection; the one that used the
    # most CPU if both are) gets SIGKILL. A submission takes a tenth of a
    # second of CPU, so the worker is chosen while it serves, not by CPU
    # alone (which may have found an idle one).
    posted, kill = Counter(), {}
    lock = threading.Lock()
    armed = threading.Event()

    def on_post():
        with lock:
            posted['n'] += 1
            if posted['n'] >= max(2, count // 3):
                armed.set()

    def killer():
        if not armed.wait(120):
            return
        master, port = stack.pid('web-1'), stack.ports[0]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = children(master)
            busy = [pid for pid in workers if serving(pid, port)]
            if busy:
                pid, ticks = busiest(busy, window=0.02)
                if serving(pid, port):
                    break
            time.sleep(0.005)
        else:
            return
        stack.kill_time = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        kill.update(master=master, pid=pid, ticks=ticks, workers=workers)
        # Its master forks a new worker (gunicorn's arbiter).
        if wait_for(lambda: pid not in children(master)
                and len(children(master)) == len(workers), 30, step=0.05):
            kill['replaced'] = time.monotonic() - stack.kill_time

    barrier = threading.Barrier(count)

    def first_attempt(citizen):
        barrier.wait()
        citizen.submit(path, on_post)
    threads = [threading.Thread(target=first_attempt, args=(c,))
        for c in citizens]
    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    armed.set()
    kill_thread.join()
    if not outcome.check(kill, 'no worker was killed'):
        return

    # The master replaced its worker.
    outcome.check('replaced' in kill and wait_for(stack.healthy, 30),
        'the killed worker was not replaced')
    outcome.figures['worker_replaced_s'] = round(kill.get('replaced', -1), 2)

    # What the database holds before anyone sends her form again.
    ok = [c for c in citizens if c.code]
    failed = [c for c in citizens if not c.code]
    stored = stored_dossiers(stack, [c.user_id for c in citizens])
    half_saved = answer_lost = 0
    for citizen in ok:
        dossiers = stored[citizen.user_id]
        outcome.check(len(dossiers) == 1 and dossiers[0]['code']
            == citizen.code and not dossiers[0]['problems'],
            f'confirmed {citizen.code}: {dossiers}')
    for citizen in failed:
        dossiers = stored[citizen.user_id]
        if any(d['problems'] for d in dossiers) or len(dossiers) > 1:
            half_saved += 1
        elif dossiers:
            # Committed, then the answer was lost with the worker: her
            # form sent again finds it (its token), nothing is doubled.
            answer_lost += 1
    orphans_after_kill = orphan_files(stack)

    # Those who saw an error send their form again (as the browser does).
    for citizen in failed:
        for attempt in range(3):
            if citizen.submit(path):
                break
            citizen.form = None  # a fresh page, as after a reload
            time.sleep(1)
    stored = stored_dossiers(stack, [c.user_id for c in citizens])
    for citizen in citizens:
        dossiers = stored[citizen.user_id]
        if not outcome.check(len(dossiers) == 1 and dossiers[0]['code']
                == citizen.code and not dossiers[0]['problems'],
                f'citizen {citizen.index} ({citizen.seen}): {dossiers}'):
            half_saved += any(d['problems'] for d in dossiers)
    # A worker killed between a file's write and its transaction's commit
    # leaves the file without a record: the daily job removes it.
    orphans_left = orphan_files(stack)
    swept = sweep_orphans(stack) if orphans_left else 0
    orphans = orphan_files(stack)
    outcome.figures.update({
            'citizens': count,
            'ok': len(ok),
            'failed_then_resubmitted': sum(1 for c in failed if c.code),
            'failed': len(failed),
            'answer_lost_but_saved': answer_lost,
            'half_saved': half_saved,
            'orphan_files': len(orphans),
            'orphan_files_at_kill': len(orphans_after_kill),
            'orphan_files_swept': swept,
            'killed_worker_cpu_ticks': kill['ticks'],
            })
    outcome.check(len(failed) >= 1,
        'the kill interrupted no submission: nothing was proven')
    outcome.check(half_saved == 0, f'{half_saved} half-saved')
    outcome.check(not orphans and orphans_before == 0
        and swept == len(orphans_left),
        f'{len(orphans)} orphan files after the sweep: {sorted(orphans)[:3]}')
    outcome.check(all(c.code for c in failed),
        'not every citizen could submit again: '
        + str([c.seen for c in failed if not c.code][:3]))


DRILLS = {
    'kill-worker': drill_kill_worker,
    }


# --------------------------------------------------------------- db-cut

BUSY_TITLE = 'Hệ thống đang bận'  # error.html's 503 title
TRACEBACK = re.compile(rb'Traceback \(most recent call last\)|File "/')


def published_codes(stack, limit=10):
    with stack.connect() as conn:
        return [c for c, in conn.execute(
                "SELECT code FROM gov_procedure WHERE state = 'published' "
                "ORDER BY code LIMIT %s", (limit,))]


def portal_paths(stack):
    codes = published_codes(stack)
    return (['/', '/thu-tuc', '/tra-cuu', '/thu-tuc?q=khai+sinh']
        + [f'/thu-tuc/{quote(c)}' for c in codes])


class Answers:
    "Every answer of a load: (time, status, problem or None, latency)."

    def __init__(self):
        self.rows = []
        self.lock = threading.Lock()

    def add(self, status, problem, latency, at=None):
        with self.lock:
            self.rows.append((at or time.monotonic(), status, problem,
                    latency))

    def statuses(self):
        return Counter(r[1] for r in self.rows)

    def problems(self):
        return Counter(r[2] for r in self.rows if r[2])


def judge(answer, allowed=(503,)):
    """None when the answer is acceptable under a fault: a 2xx/3xx, or an
    allowed refusal with Retry-After and the Vietnamese page; else why
    not."""
    if TRACEBACK.search(answer.body):
        return 'stack trace'
    if answer.status < 400:
        return None
    if answer.status not in allowed:
        return f'HTTP {answer.status}'
    if 'retry-after' not in answer.headers:
        return f'HTTP {answer.status} without Retry-After'
    if answer.status == 503 and BUSY_TITLE not in answer.text():
        return 'HTTP 503 without the Vietnamese page'
    return None


def terminate_backends(stack):
    "pg_terminate_backend of every connection to the drill's database."
    with stack.connect(autocommit=True) as conn:
        return conn.execute("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
            FROM pg_stat_activity
            WHERE datname = current_database()
                AND pid <> pg_backend_pid()""").fetchone()[0]


def drill_db_cut(stack, scale, outcome):
    "Connections cut under load (see drills)."
    paths = portal_paths(stack)
    answers, stop = Answers(), threading.Event()

    def client(index):
        rnd = random.Random(index)
        headers = {'X-Forwarded-For': forwarded_for(rnd)}
        while not stop.is_set():
            port = stack.ports[rnd.randrange(2)]
            t0 = time.monotonic()
            try:
                answer = http(port, 'GET', rnd.choice(paths), headers,
                    timeout=30)
            except Exception as error:  # noqa: BLE001
                answers.add(None, f'no answer ({type(error).__name__})',
                    time.monotonic() - t0)
                continue
            answers.add(answer.status, judge(answer), time.monotonic() - t0)

    threads = [threading.Thread(target=client, args=(i,), daemon=True)
        for i in range(scale['page_clients'])]
    for thread in threads:
        thread.start()
    cuts, terminated = [], 0
    time.sleep(3)
    for _ in range(3):
        cuts.append(time.monotonic())
        terminated += terminate_backends(stack)
        time.sleep(4)
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()
    rows = sorted(answers.rows)
    # Recovery: from each cut to the last failed answer before the next.
    recoveries = []
    for n, cut in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else float('inf')
        failed = [r[0] for r in rows if cut <= r[0] < end
            and (r[1] is None or r[1] >= 300)]
        recoveries.append(max(failed) - cut if failed else 0.0)
    last = cuts[-1] + max(recoveries[-1], 0)
    after = [r for r in rows if r[0] > last]
    healthy = wait_for(stack.healthy, 30)
    statuses = answers.statuses()
    problems = answers.problems()
    outcome.figures.update({
            'requests': len(rows),
            'connections_terminated': terminated,
            'non_2xx': sum(n for s, n in statuses.items()
                if s is None or s >= 300),
            'http_503': statuses.get(503, 0),
            'http_500': statuses.get(500, 0),
            'tracebacks': problems.get('stack trace', 0),
            'recovery_s': round(max(recoveries), 2),
            })
    outcome.check(terminated > 0, 'no connection was terminated')
    outcome.check(not problems, f'unacceptable answers: {dict(problems)}')
    outcome.check(max(recoveries) < 10, 'no recovery within 10 s')
    outcome.check(after and all(r[1] and r[1] < 300 for r in after),
        'failures after the recovery')
    outcome.check(healthy, '/healthz not 200 after the drill')


# ------------------------------------------------------------- overload

async def _request(port, path, headers, timeout):
    "One GET over asyncio: (status, headers, body)."
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection('127.0.0.1', port), timeout)
    try:
        lines = [f'GET {path} HTTP/1.1', f'Host: 127.0.0.1:{port}',
            'Connection: close'] + [f'{k}: {v}' for k, v in headers.items()]
        writer.write(('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1'))
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b'\r\n\r\n')
    head_lines = head.split(b'\r\n')
    status = int(head_lines[0].split(b' ', 2)[1])
    parsed = {}
    for line in head_lines[1:]:
        key, _, value = line.partition(b':')
        parsed[key.strip().lower().decode('latin-1')] = value.strip(
            ).decode('latin-1')
    return status, parsed, body


class _Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def text(self):
        return self.body.decode('utf-8', 'replace')


async def open_loop(ports, paths, rate, seconds, in_flight, timeout=30):
    """Requests started at `rate` a second whatever the answers (an open
    loop), at most `in_flight` at once (those over are counted as not
    sent); the Answers."""
    answers = Answers()
    skipped = 0
    running = set()
    rnd = random.Random(7)
    begin = loop_time = asyncio.get_running_loop().time()

    async def one(port, path, headers):
        t0 = time.monotonic()
        try:
            answer = _Answer(*await _request(port, path, headers, timeout))
        except Exception as error:  # noqa: BLE001
            answers.add(None, f'no answer ({type(error).__name__})',
                time.monotonic() - t0)
            return
        answers.add(answer.status, judge(answer, (429, 503)),
            time.monotonic() - t0)

    n = 0
    while loop_time - begin < seconds:
        if len(running) >= in_flight:
            skipped += 1
        else:
            task = asyncio.create_task(one(rnd.choice(ports),
                    rnd.choice(paths), {'X-Forwarded-For':
                        forwarded_for(rnd)}))
            running.add(task)
            task.add_done_callback(running.discard)
        n += 1
        loop_time = begin + n / rate
        await asyncio.sleep(max(0, loop_time
                - asyncio.get_running_loop().time()))
    if running:
        await asyncio.wait(running)
    return answers, n, skipped


def capacity(stack, paths, clients=4, seconds=5):
    "Requests a second of the paths with a few closed-loop clients."
    done, stop = Counter(), threading.Event()

    def client(index):
        rnd = random.Random(index)
        while not stop.is_set():
            http(stack.ports[index % 2], 'GET', rnd.choice(paths),
                {'X-Forwarded-For': forwarded_for(rnd)}, timeout=30)
            if not stop.is_set():
                done[index] += 1
    threads = [threading.Thread(target=client, args=(i,))
        for i in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    elapsed = time.monotonic() - begin
    for thread in threads:
        thread.join()
    return sum(done.values()) / elapsed


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own: the caller's thread may already
    run an event loop (the tests' browser does)."""
    result = {}

    def target():
        try:
            result['value'] = asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001 (raised below)
            result['error'] = error
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if 'error' in result:
        raise result['error']
    return result['value']


def drill_overload(stack, scale, outcome):
    "Five times the capacity of a catalogue page (see drills)."
    codes = published_codes(stack, 20)
    paths = [f'/thu-tuc/{quote(c)}' for c in codes]
    capacity(stack, paths, seconds=3)  # every worker renders them once
    rate = capacity(stack, paths)
    answers, offered, skipped = run_in_own_loop(open_loop(stack.ports,
            paths, 5 * rate, scale['overload_seconds'], scale['in_flight']))
    statuses = answers.statuses()
    problems = answers.problems()
    ok = sorted(r[3] for r in answers.rows if r[1] and r[1] < 300)
    healthy = wait_for(stack.healthy, 30)
    outcome.figures.update({
            'capacity_rps': round(rate, 1),
            'offered_rps': round(5 * rate, 1),
            'offered': offered,
            'sent': offered - skipped,
            'not_sent_client_cap': skipped,
            'in_flight_cap': scale['in_flight'],
            'http_2xx': len(ok),
            'http_429': statuses.get(429, 0),
            'http_503': statuses.get(503, 0),
            'http_500': statuses.get(500, 0),
            'no_answer': sum(n for p, n in problems.items()
                if p.startswith('no answer')),
            'p95_ok_ms': round(percentile(ok, 95) * 1000) if ok else None,
            'served_rps': round(len(ok) / scale['overload_seconds'], 1),
            })
    outcome.check(not problems, f'unacceptable answers: {dict(problems)}')
    outcome.check(ok, 'nothing was served')
    outcome.check(healthy, '/healthz not 200 after the drill')


DRILLS.update({
    'db-cut': drill_db_cut,
    'overload': drill_overload,
    })
