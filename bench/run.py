"""Benchmarks of issue #7 (and of the reports, issue #17: bench/reports.py),
with each figure as a ratio to the raw limits of the same machine measured
in the same run.

    make bench                          # 200,000 dossiers
    make bench ARGS="--dossiers 2000000"
    python -m bench --help

What happens:
1. the bench database (default dvc_bench) is created or updated with
   python -m gov_server.setup_db --no-demo and a configuration generated
   from config/trytond-postgresql.conf (bench/config.py); the demo officers
   are added (bench/prepare.py);
2. unless it already holds exactly --dossiers generated dossiers, it is
   emptied and filled by bench/generate.py;
3. gunicorn starts with config/gunicorn.conf.py (several sync workers,
   [cache] clean_timeout = 0) serving bench.wsgi:application — the
   project's WSGI application plus an empty route and a per-request SQL
   counter;
4. each benchmark runs for --duration seconds after --warmup seconds with
   its clients (threads of this process, 127.0.0.1 only), with the raw
   limits: the empty route and the rate-limited transaction floor (same
   clients as the lookup), and the lookup's indexed query through
   psycopg 3; the CPU time gunicorn's workers and PostgreSQL spent during
   each HTTP benchmark is divided by its operations (bench/cpu.py);
5. a table goes to stdout and everything to bench-results/*.json.

No figure is ever compared with an absolute time to pass or fail: the
targets of the issue are reported as met / not met for this machine.
"""
import argparse
import datetime as dt
import gzip
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg

from bench import catalogue, cpu, load, reports
from bench.load import forwarded_for
from bench.config import DEFAULT_DATABASE, ROOT, filestore_root, write_config
from bench.generate import (
    conninfo_for, generate, generated_count, reset)
from bench.queries import LOOKUP_SQL, STATISTICS_SQL, half_year

RESULTS = ROOT / 'bench-results'
PYTHON = sys.executable
SUBMIT_PROCEDURE = '1.001193'  # Đăng ký khai sinh: three mandatory files
OFFICER = ('lanhdao', 'dvc@2026')  # leader of UBND TP Gia Nghĩa
# (name, clients, description)
BENCHMARKS = [
    ('empty', 20, 'raw limit: empty route of the same server stack'),
    ('transaction', 20, 'floor of a rate-limited page: a transaction that '
        'records one lookup attempt and commits, empty answer'),
    ('lookup', 20, 'public lookup by code (/tra-cuu)'),
    ('catalogue', 20, 'catalogue search page (/thu-tuc?q=…, with and '
        'without diacritics, one in four with a filter)'),
    ('procedure', 20, 'procedure page (/thu-tuc/<code>) of the published '
        'procedures'),
    # One officer per worker, loading the inbox back to back (no think
    # time): the server busy, not queueing (--clients inbox=10 to queue).
    ('inbox', 4, "officer's inbox: overdue dossiers of the agency (RPC "
        "search + count + read of the list view, 80 rows)"),
    ('submission', 10, 'online submission with three 1 MB files'),
    ('statistics', 1, 'six-monthly statistics of the whole province (SQL)'),
    # Issue #17 (bench/reports.py).
    ('statistics_page', 20, 'public statistics page (/thong-ke), figures '
        'cached by the page'),
    ('figures', 1, "province's six-monthly statistics through "
        'figures.compute, per agency and total, each of both six months '
        '(closed months extracted)'),
    ('annual_xlsx', 1, "province's annual statutory report as XLSX"),
    ('sql', 1, 'raw limit: the indexed query behind the lookup (psycopg 3)'),
    ]
# Measured in every run, whatever --only says.
RAW_LIMITS = {'empty', 'transaction'}
# Measured one run after the other, not against the server's clients.
ONE_AT_A_TIME = {'statistics', 'figures', 'annual_xlsx'}
TARGETS = {
    'lookup': 'p95 ≤ 50 ms and throughput ≥ 50 % of the empty route',
    'catalogue': 'p95 ≤ 100 ms and throughput ≥ 25 % of the empty route',
    'procedure': 'p95 ≤ 100 ms and throughput ≥ 25 % of the empty route',
    'inbox': 'p95 ≤ 200 ms',
    'submission': 'p95 ≤ 1 s',
    'statistics': '≤ 5 s',
    'statistics_page': 'p95 ≤ 100 ms',
    'figures': '≤ 1 s (today\'s raw query: 1.1 s at 2 million)',
    'annual_xlsx': '≤ 10 s',
    }


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ----------------------------------------------------------------- setup

def setup_database(database, config, uri):
    env = dict(os.environ, TRYTOND_CONFIG=str(config))
    log(f'>> database {database}: create or update (gov_server.setup_db)')
    subprocess.run([PYTHON, '-m', 'gov_server.setup_db', '--no-demo',
            '--database', database], env=env, cwd=ROOT, check=True,
        stdout=sys.stderr)
    subprocess.run([PYTHON, '-m', 'bench.prepare', database], env=env,
        cwd=ROOT, check=True, stdout=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    "gunicorn serving bench.wsgi:application with the project's config."

    def __init__(self, config, database, workers=None, log_dir=None):
        self.config, self.database = config, database
        self.workers = workers
        self.port = free_port()
        self.log_dir = Path(log_dir or RESULTS)
        self.process = None

    def start(self, timeout=180):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, TRYTOND_CONFIG=str(self.config),
            TRYTOND_DATABASE_NAMES=self.database)
        cmd = [PYTHON, '-m', 'gunicorn', '-c',
            str(ROOT / 'config' / 'gunicorn.conf.py'),
            '--bind', f'127.0.0.1:{self.port}',
            '--access-logfile', str(self.log_dir / 'access.log'),
            '--error-logfile', str(self.log_dir / 'server.log')]
        if self.workers:
            cmd += ['--workers', str(self.workers)]
        cmd.append('bench.wsgi:application')
        self.output = open(self.log_dir / 'stderr.log', 'wb')
        self.process = subprocess.Popen(cmd, env=env, cwd=ROOT,
            stdout=self.output, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('gunicorn stopped; see '
                    f'{self.log_dir / "server.log"}')
            try:
                if load.http(self.port, 'GET', '/__bench__/empty',
                        timeout=5).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError('gunicorn did not answer')

    def worker_count(self):
        "The workers configured (--workers, else config/gunicorn.conf.py)."
        if self.workers:
            return self.workers
        import runpy
        return runpy.run_path(
            str(ROOT / 'config' / 'gunicorn.conf.py')).get('workers', 1)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, 'output', None):
            self.output.close()


# ------------------------------------------------------------- samples

def samples(conninfo, count=5000):
    "Codes to look up (non-draft dossiers), chosen at random."
    with psycopg.connect(conninfo) as conn:
        total = conn.execute("SELECT count(*) FROM gov_dossier").fetchone()[0]
        percent = min(100.0, max(0.01, count * 300.0 / max(total, 1)))
        codes = [c for c, in conn.execute(
                f"SELECT code FROM gov_dossier TABLESAMPLE SYSTEM ({percent})"
                " WHERE code IS NOT NULL AND state <> 'draft'")]
        if len(codes) < 50:
            codes = [c for c, in conn.execute(
                    "SELECT code FROM gov_dossier WHERE code IS NOT NULL "
                    "AND state <> 'draft' ORDER BY random() LIMIT %s",
                    (count,))]
        random.Random(1).shuffle(codes)
        return codes[:count]


def dataset(conninfo):
    with psycopg.connect(conninfo) as conn:
        def count(table):
            return conn.execute(
                f"SELECT count(*) FROM {table}").fetchone()[0] \
                if conn.execute("SELECT to_regclass(%s)",
                    (table,)).fetchone()[0] else None
        return {
            'dossiers': count('gov_dossier'),
            'steps': count('gov_dossier_step'),
            'history': count('gov_dossier_history'),
            'notifications': count('gov_notification'),
            'ratings': count('gov_rating'),
            'involved_agencies': count('"gov_dossier-gov_agency"'),
            'web_users': count('web_user'),
            'database_size': conn.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))"
                ).fetchone()[0],
            }


# ------------------------------------------------------------ clients

def empty_client(ctx):
    def make(i):
        def call():
            r = load.http(ctx['port'], 'GET', '/__bench__/empty')
            return ((r.status == 200) or f'status {r.status}', r.queries,
                None, r.server_ms)
        return call
    return make


def transaction_client(ctx):
    def make(i):
        rnd = random.Random(400 + i)

        def call():
            r = load.http(ctx['port'], 'GET', '/__bench__/transaction',
                {'X-Forwarded-For': forwarded_for(rnd)})
            return ((r.status == 200) or f'status {r.status}', r.queries,
                None, r.server_ms)
        return call
    return make


def lookup_client(ctx):
    codes = ctx['codes']

    def make(i):
        rnd = random.Random(100 + i)

        def call():
            code = rnd.choice(codes)
            r = load.http(ctx['port'], 'GET', '/tra-cuu?ma=' + quote(code),
                {'X-Forwarded-For': forwarded_for(rnd)})
            if r.status != 200:
                return f'status {r.status}', r.queries
            if b'id="result-title"' not in r.body:
                return 'not found', r.queries
            return True, r.queries, None, r.server_ms
        return call
    return make


class Rpc:
    "A sao-like JSON-RPC client (one officer session)."

    def __init__(self, port, database):
        self.port, self.database = port, database
        self.path = f'/admin/{database}/rpc/'
        self.session = None
        self.context = {}
        self.id = 0
        self.server_ms = 0.0

    def call(self, method, params):
        self.id += 1
        # As sao in a browser: the answer may come gzipped.
        headers = {'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip'}
        if self.session:
            import base64
            headers['Authorization'] = 'Session ' + base64.b64encode(
                self.session.encode()).decode()
        body = json.dumps({'id': self.id, 'method': method,
                'params': params}).encode()
        r = load.http(self.port, 'POST', self.path, headers, body)
        if r.status != 200:
            raise RuntimeError(f'{method}: status {r.status}')
        content = r.body
        if content[:2] == b'\x1f\x8b':
            content = gzip.decompress(content)
        data = json.loads(content)
        if data.get('error'):
            raise RuntimeError(f'{method}: {data["error"]}'[:300])
        self.server_ms += r.server_ms or 0
        return data['result'], r.queries or 0

    def login(self, login, password):
        (user_id, token, *_), _ = self.call('common.db.login',
            [login, {'password': password}, 'vi'])
        self.session = f'{login}:{user_id}:{token}'
        self.context, _ = self.call('model.res.user.get_preferences',
            [True, {}])
        return self


def list_view_fields(rpc, model):
    """The fields sao reads for a list view: the view's fields, rec_name of
    the many2one, the labels of eager selections, then rec_name,
    _timestamp, _write, _delete."""
    view, _ = rpc.call(f'model.{model}.fields_view_get',
        [None, 'tree', rpc.context])
    names = []
    for name, field in view['fields'].items():
        names.append(name)
        if field['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(name + '.rec_name')
        elif field['type'] in {'selection', 'multiselection'} and (
                field.get('loading', 'lazy') == 'eager'):
            names.append(name + ':string')
    if 'rec_name' not in names:
        names.append('rec_name')
    return names + ['_timestamp', '_write', '_delete']


def inbox_client(ctx):
    login, password = ctx.get('officer', OFFICER)
    probe = Rpc(ctx['port'], ctx['database']).login(login, password)
    fields = list_view_fields(probe, 'gov.dossier')
    order = [['due_date', 'ASC NULLS LAST'], ['received_date', 'ASC'],
        ['id', 'ASC']]
    domain = [['deadline_status', '=', 'overdue']]
    rows = {}

    def make(i):
        rpc = Rpc(ctx['port'], ctx['database']).login(login, password)

        def call():
            rpc.server_ms = 0.0
            ids, q1 = rpc.call('model.gov.dossier.search',
                [domain, 0, 80, order, rpc.context])
            queries = q1
            if len(ids) == 80:
                _, q2 = rpc.call('model.gov.dossier.search_count',
                    [domain, 0, 1000, rpc.context])
                queries += q2
            records, q3 = rpc.call('model.gov.dossier.read',
                [ids, fields, rpc.context])
            rows['rows'] = len(records)
            return (len(records) == len(ids), queries + q3, None,
                rpc.server_ms)
        return call
    make.rows = rows
    make.fields = fields
    return make


PDF_HEAD = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'


def pdf_file(size, seed):
    "A PDF-typed file of `size` bytes with incompressible content."
    body = random.Random(seed).randbytes(size - len(PDF_HEAD) - 6)
    return PDF_HEAD + body + b'\n%%EOF'


def form_values(conninfo, procedure_code):
    "Valid eForm answers and the mandatory components of the procedure."
    with psycopg.connect(conninfo) as conn:
        fields = conn.execute("""
            SELECT ff.name, ff.type_, ff.selection FROM gov_procedure_form_field ff
            JOIN gov_procedure p ON p.id = ff.procedure
            WHERE p.code = %s ORDER BY ff.sequence""",
            (procedure_code,)).fetchall()
        components = [c for c, in conn.execute("""
            SELECT c.id FROM gov_procedure_component c
            JOIN gov_procedure p ON p.id = c.procedure
            WHERE p.code = %s AND c.mandatory ORDER BY c.sequence, c.id""",
            (procedure_code,))]
    values = {}
    for name, type_, selection in fields:
        if type_ == 'selection':
            first = (selection or '').strip().splitlines()[:1]
            value = first[0].split(':', 1)[0].strip() if first else ''
        elif type_ == 'date':
            value = '17/05/2024'
        elif type_ in {'integer', 'numeric', 'float'}:
            value = '1'
        elif type_ == 'boolean':
            value = '1'
        else:
            value = 'Nguyễn Minh Khôi'
        values[f'f_{name}'] = value
    return values, components


def citizen_sessions(conninfo, count):
    "Portal accounts with an open session, for the submission clients."
    tag = secrets.token_hex(4)
    sessions = []
    with psycopg.connect(conninfo) as conn:
        for i in range(count):
            user_id, = conn.execute("""
                INSERT INTO web_user (active, email, email_valid, full_name,
                    identification_number, phone, address, create_date,
                    create_uid)
                VALUES (TRUE, %s, TRUE, %s, %s, '0912345678',
                    'Gia Nghĩa, Đắk Nông', now() AT TIME ZONE 'UTC', 0)
                RETURNING id""", (f'bench.nop{i}.{tag}@example.vn',
                    'Trần Thị Bình', '067190%06d' % (i + 1))).fetchone()
            key = secrets.token_hex(32)
            conn.execute("""
                INSERT INTO web_user_session (key, "user", create_date,
                    create_uid) VALUES (%s, %s, now() AT TIME ZONE 'UTC', 0)
                """, (key, user_id))
            sessions.append(key)
    return sessions


def multipart(fields, files):
    boundary = 'bench' + secrets.token_hex(8)
    chunks = []
    for key, value in fields.items():
        chunks.append((f'--{boundary}\r\nContent-Disposition: form-data; '
                f'name="{key}"\r\n\r\n{value}\r\n').encode())
    for key, (filename, content) in files.items():
        chunks.append((f'--{boundary}\r\nContent-Disposition: form-data; '
                f'name="{key}"; filename="{filename}"\r\nContent-Type: '
                'application/pdf\r\n\r\n').encode() + content + b'\r\n')
    chunks.append(f'--{boundary}--\r\n'.encode())
    return b''.join(chunks), f'multipart/form-data; boundary={boundary}'


def submission_client(ctx):
    values, components = form_values(ctx['conninfo'], SUBMIT_PROCEDURE)
    if len(components) < 3:
        raise RuntimeError(f'{SUBMIT_PROCEDURE} needs 3 mandatory components')
    sessions = citizen_sessions(ctx['conninfo'], ctx['clients'])
    files_by_client = {}
    path = f'/nop-ho-so/{SUBMIT_PROCEDURE}'

    def make(i):
        cookies = {'dvc_session': sessions[i],
            'dvc_browser': secrets.token_hex(16)}
        cookie = '; '.join(f'{k}={v}' for k, v in cookies.items())
        files = files_by_client.setdefault(i, {
                f'c{component}': (f'tep-{n}.pdf',
                    pdf_file(1024 * 1024, i * 10 + n))
                for n, component in enumerate(components[:3], 1)})
        rnd = random.Random(300 + i)

        def call():
            # The form (not measured): its CSRF and submission tokens.
            page = load.http(ctx['port'], 'GET', path, {'Cookie': cookie})
            if page.status != 200:
                return f'form status {page.status}', None
            html = page.text()
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
            token = re.search(r'name="submission" value="([^"]+)"', html)
            agency = re.search(r'name="agency"[^>]*>\s*(?:<option[^>]*'
                r'value="")?[^<]*(?:</option>)?\s*<option[^>]*value="(\d+)"',
                html)
            fields = dict(values, csrf_token=csrf.group(1),
                submission=token.group(1), action='submit',
                applicant_name='Trần Thị Bình',
                applicant_id_number='067190%06d' % (i + 1),
                applicant_phone='0912345678',
                applicant_email='', applicant_address='Gia Nghĩa',
                declaration='1')
            if agency:
                fields['agency'] = agency.group(1)
            body, content_type = multipart(fields, files)
            t0 = time.perf_counter()
            r = load.http(ctx['port'], 'POST', path, {'Cookie': cookie,
                    'Content-Type': content_type,
                    'X-Forwarded-For': forwarded_for(rnd)}, body)
            latency = time.perf_counter() - t0
            location = r.headers.get('location', '')
            if not (r.status == 303 and location.endswith('/da-nop')):
                detail = re.findall(r'class="error-text"[^>]*>([^<]+)<',
                    r.text())[:2]
                return f'status {r.status} {detail}', r.queries
            # Only the POST is measured.
            return True, r.queries, latency, r.server_ms
        return call
    return make


# ----------------------------------------------------------- SQL limits

def run_sql_limit(conninfo, codes, duration):
    "The lookup's indexed query through psycopg 3, one connection."
    result = load.Result('sql', 1)
    rnd = random.Random(5)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for code in codes[:50]:  # warm the plan and the cache
            conn.execute(LOOKUP_SQL, (code,)).fetchone()
        begin = time.perf_counter()
        deadline = begin + duration
        while True:
            t0 = time.perf_counter()
            if t0 >= deadline:
                break
            row = conn.execute(LOOKUP_SQL, (rnd.choice(codes),)).fetchone()
            result.add(time.perf_counter() - t0, 1)
            if row is None:
                result.error('not found')
        result.elapsed = time.perf_counter() - begin
    return result


def run_statistics(conninfo, repeat):
    result = load.Result('statistics', 1)
    params = half_year((dt.datetime.utcnow() + dt.timedelta(hours=7)).date())
    rows = None
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(STATISTICS_SQL, params).fetchall()  # warm
        begin = time.perf_counter()
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = conn.execute(STATISTICS_SQL, params).fetchall()
            result.add(time.perf_counter() - t0, 1)
        result.elapsed = time.perf_counter() - begin
    total = rows[-1] if rows else None
    return result, {'period': [str(params['start']), str(params['end'])],
        'agencies': len(rows or []) - 1,
        'province_total': list(total) if total else None}


# -------------------------------------------------------------- report

def machine():
    info = {'python': platform.python_version(),
        'platform': platform.platform(), 'cores': os.cpu_count()}
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                info['cpu'] = line.split(':', 1)[1].strip()
                break
        for line in Path('/proc/meminfo').read_text().splitlines():
            if line.startswith('MemTotal'):
                info['memory_gb'] = round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    try:
        from importlib.metadata import version
        info['trytond'] = version('trytond')
        info['gunicorn'] = version('gunicorn')
        info['psycopg'] = version('psycopg')
    except Exception:  # noqa: BLE001
        pass
    return info


def ratios(figures):
    empty = figures.get('empty', {})
    sql = figures.get('sql', {})
    floor = figures.get('transaction', {})
    for name, fig in figures.items():
        if name in {'empty', 'sql'} or not fig.get('requests'):
            continue
        if (empty.get('throughput') and fig.get('throughput') is not None
                and name not in ONE_AT_A_TIME):
            fig['throughput_vs_empty'] = round(
                fig['throughput'] / empty['throughput'], 4)
        if name == 'lookup' and floor.get('throughput') and fig.get(
                'throughput') is not None:
            fig['throughput_vs_transaction'] = round(
                fig['throughput'] / floor['throughput'], 4)
        if sql.get('p50_ms') and fig.get('p50_ms') is not None:
            fig['p50_vs_sql'] = round(fig['p50_ms'] / sql['p50_ms'], 1)
            fig['p95_vs_sql'] = round(fig['p95_ms'] / sql['p50_ms'], 1)
        if empty.get('p50_ms') and name not in ONE_AT_A_TIME:
            fig['p50_vs_empty'] = round(fig['p50_ms'] / empty['p50_ms'], 1)
    if sql.get('p50_ms') and empty.get('p50_ms'):
        empty['p50_vs_sql'] = round(empty['p50_ms'] / sql['p50_ms'], 1)
    # The figures of the reports against today's raw statistics query.
    raw = figures.get('statistics', {})
    fig = figures.get('figures', {})
    if raw.get('p50_ms') and fig.get('p50_ms'):
        fig['p50_vs_raw_statistics'] = round(
            fig['p50_ms'] / raw['p50_ms'], 2)


def targets(figures):
    out = {}
    lookup = figures.get('lookup', {})
    if lookup.get('p95_ms') is not None:
        out['lookup'] = (lookup['p95_ms'] <= 50
            and (lookup.get('throughput_vs_empty') or 0) >= 0.5)
    for name in ['catalogue', 'procedure']:
        fig = figures.get(name, {})
        if fig.get('p95_ms') is not None:
            out[name] = (fig['p95_ms'] <= 100
                and (fig.get('throughput_vs_empty') or 0) >= 0.25)
    for name, limit in [('inbox', 200), ('submission', 1000),
            ('statistics', 5000), ('statistics_page', 100),
            ('figures', 1000), ('annual_xlsx', 10000)]:
        fig = figures.get(name, {})
        if fig.get('p95_ms') is not None:
            out[name] = fig['p95_ms'] <= limit
    return out


def table(report):
    figures = report['figures']
    head = (f"{'benchmark':<11} {'clients':>7} {'req/s':>9} {'p50 ms':>9} "
        f"{'p95 ms':>9} {'work ms':>8} {'CPU ms':>7} {'PG ms':>6} "
        f"{'SQL/req':>8} {'req/s ÷ empty':>14} {'p50 ÷ SQL':>10} "
        f"{'target':>8}")
    lines = [head, '-' * len(head)]
    for name, _, _ in BENCHMARKS:
        fig = figures.get(name)
        if not fig:
            continue
        met = report['targets'].get(name)
        target = '' if met is None else ('met' if met else 'NOT met')

        def num(value, fmt):
            return format(value, fmt) if value is not None else '—'
        lines.append(
            f"{name[:11]:<11} {fig['clients']:>7} "
            f"{num(fig.get('throughput'), ',.1f'):>9} "
            f"{num(fig.get('p50_ms'), ',.2f'):>9} "
            f"{num(fig.get('p95_ms'), ',.2f'):>9} "
            f"{num(fig.get('server_ms_p50'), ',.2f'):>8} "
            f"{num(fig.get('worker_cpu_ms'), ',.2f'):>7} "
            f"{num(fig.get('postgres_cpu_ms'), ',.2f'):>6} "
            f"{num(fig.get('queries_mean'), '.1f'):>8} "
            f"{num(fig.get('throughput_vs_empty'), '.3f'):>14} "
            f"{num(fig.get('p50_vs_sql'), ',.1f'):>10} {target:>8}")
        if fig.get('errors'):
            lines.append(f"{'':<11} errors: {fig['error_kinds']}")
    return '\n'.join(lines)


# ---------------------------------------------------------------- main

def parse(argv):
    parser = argparse.ArgumentParser(
        prog='python -m bench', description=__doc__.splitlines()[0])
    parser.add_argument('--dossiers', type=int, default=200000)
    parser.add_argument('--database', default=DEFAULT_DATABASE)
    parser.add_argument('--uri', default=None, help='PostgreSQL server URI '
        '(default: the local socket as the current user, or '
        'BENCH_DATABASE_URI)')
    parser.add_argument('--duration', type=float, default=15,
        help='seconds measured per HTTP benchmark (default 15)')
    parser.add_argument('--warmup', type=float, default=2)
    parser.add_argument('--workers', type=int, default=None,
        help='gunicorn workers (default: config/gunicorn.conf.py)')
    parser.add_argument('--jobs', type=int, default=2,
        help='connections of the data generator (default 2)')
    parser.add_argument('--regenerate', action='store_true',
        help='empty and fill the bench database even when it already '
        'holds --dossiers generated dossiers')
    parser.add_argument('--append', action='store_true',
        help='add --dossiers to whatever the database holds (never '
        'empties it; for an existing database, e.g. the test server\'s)')
    parser.add_argument('--filestore', default=None,
        help='where the server stores the uploaded files (default '
        'var/bench/filestore; the database\'s folder is emptied with it)')
    parser.add_argument('--no-setup', action='store_true',
        help='do not run gov_server.setup_db (the schema exists)')
    parser.add_argument('--only', default=None,
        help='comma-separated benchmarks (raw limits always run)')
    parser.add_argument('--clients', default=None,
        help='override clients, e.g. inbox=1,lookup=5 (the issue\'s '
        'figures use the defaults)')
    parser.add_argument('--repeat', type=int, default=5,
        help='runs of the statistics query (default 5)')
    parser.add_argument('--output', default=None,
        help='JSON file (default bench-results/bench-<time>.json); the '
        'run\'s server configuration and logs go beside it, in run-<time>/')
    parser.add_argument('--no-progress', action='store_true')
    parser.add_argument('--extract', action='store_true',
        help='run the monthly extraction of the reports even when the '
        'data is reused (it runs after every generation)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    started = time.monotonic()
    stamp = dt.datetime.now().strftime('%Y%m%d-%H%M%S')
    output = Path(args.output) if args.output else (
        RESULTS / f'bench-{stamp}.json')
    # The server's configuration and logs of this run, beside its report.
    run_dir = output.parent / f'run-{stamp}'
    run_dir.mkdir(parents=True, exist_ok=True)
    config = write_config(args.database, uri=args.uri,
        path=run_dir / 'trytond.conf', filestore=args.filestore)
    conninfo = conninfo_for(args.database, args.uri)
    report = {'started': stamp, 'args': vars(args), 'machine': machine()}

    if not args.no_setup:
        setup_database(args.database, config, args.uri)
    generation = None
    if args.append:
        log(f'>> generating {args.dossiers:,} more dossiers')
        generation = generate(conninfo, args.dossiers, jobs=args.jobs,
            progress=not args.no_progress, log=log)
    else:
        have = generated_count(conninfo)
        if have != args.dossiers or args.regenerate:
            log(f'>> generating {args.dossiers:,} dossiers '
                f'(database had {have:,} generated)')
            reset(conninfo)
            # The files of the submissions of earlier runs went with them.
            shutil.rmtree(filestore_root(args.filestore) / args.database,
                ignore_errors=True)
            generation = generate(conninfo, args.dossiers, jobs=args.jobs,
                progress=not args.no_progress, log=log)
        else:
            log(f'>> reusing the {have:,} generated dossiers '
                '(--regenerate to start again)')
    if generation:
        log(f"   generated in {generation['seconds']} s "
            f"({generation['rate']:,} dossiers/s)")
    report['generation'] = generation
    if generation or args.extract:
        # The monthly and nightly crons of gov_report: closed months and
        # the past days of the open ones read their facts.
        log('>> monthly extraction of the closed months and count of the '
            'past days (gov_report)')
        report['extraction'] = reports.run_child('extract', config,
            args.database, 0, log=log)
        log(f"   {report['extraction']}")
    report['dataset'] = dataset(conninfo)
    codes = samples(conninfo)
    if not codes:
        raise SystemExit('no dossier to look up')

    only = set(args.only.split(',')) if args.only else None
    figures = {}
    extra = {}
    server = Server(config, args.database, workers=args.workers,
        log_dir=run_dir)
    log(f'>> gunicorn on 127.0.0.1:{server.port}')
    server.start()
    try:
        report['server'] = {'workers': server.worker_count(),
            'config': str(config)}
        ctx = {'port': server.port, 'database': args.database,
            'conninfo': conninfo, 'codes': codes}
        # Every worker renders each page once before anything is measured.
        for _ in range(3 * max(report['server']['workers'], 1)):
            load.http(server.port, 'GET', '/tra-cuu?ma=' + quote(codes[0]))
            load.http(server.port, 'GET', '/thu-tuc?q=khai+sinh')
        clients_of = {name: clients for name, clients, _ in BENCHMARKS}
        for item in filter(None, (args.clients or '').split(',')):
            name, _, value = item.partition('=')
            clients_of[name.strip()] = int(value)
        plan = [('empty', empty_client),
            ('transaction', transaction_client), ('lookup', lookup_client),
            ('catalogue', catalogue.catalogue_client),
            ('procedure', catalogue.procedure_client),
            ('inbox', inbox_client),
            ('submission', submission_client),
            ('statistics_page', reports.statistics_page_client)]
        warmed = False
        for name, factory in plan:
            if only and name not in only and name not in RAW_LIMITS:
                continue
            clients = clients_of[name]
            ctx['clients'] = clients
            log(f'>> {name}: {clients} clients, {args.duration:g} s')
            if name == 'statistics_page':
                log('   every worker computes the figures first')
                reports.warm_statistics_page(server.port,
                    report['server']['workers'])
            if name in {'catalogue', 'procedure'} and not warmed:
                log('   every worker renders the catalogue first')
                catalogue.warm(ctx, report['server']['workers'])
                warmed = True
            make = factory(ctx)
            before = cpu.sample(server.process.pid)
            result = load.run(name, make, clients, args.duration,
                warmup=args.warmup)
            figures[name] = result.summary()
            figures[name].update(cpu.per_operation(
                    before, cpu.sample(server.process.pid), result.calls))
            if name == 'inbox':
                extra['inbox'] = {'rows': make.rows.get('rows'),
                    'fields': make.fields}
            log(f"   {figures[name]['throughput']} req/s, p95 "
                f"{figures[name]['p95_ms']} ms, "
                f"{figures[name]['queries_mean']} queries/req, "
                f"{figures[name]['errors']} errors")
    finally:
        server.stop()
    if not only or 'statistics' in only or 'figures' in only:
        log(f'>> statistics: {args.repeat} runs')
        result, extra['statistics'] = run_statistics(conninfo, args.repeat)
        figures['statistics'] = result.summary()
    for name in ['figures', 'annual_xlsx']:
        if only and name not in only:
            continue
        log(f'>> {name}: {args.repeat} runs')
        answer = reports.run_child(name, config, args.database,
            args.repeat, log=log)
        extra[name] = answer
        if answer and answer.get('timings'):
            figures[name] = reports.timed_result(
                name, answer['timings']).summary()
    log('>> raw SQL limit: the lookup query through psycopg 3')
    figures['sql'] = run_sql_limit(conninfo, codes,
        max(1.0, min(args.duration, 10))).summary()
    ratios(figures)
    report['figures'] = figures
    report['details'] = extra
    report['targets'] = targets(figures)
    report['target_text'] = TARGETS
    report['seconds'] = round(time.monotonic() - started, 1)
    text = json.dumps(report, indent=2, default=str, ensure_ascii=False)
    output.write_text(text, encoding='utf-8')
    (output.parent / 'latest.json').write_text(text, encoding='utf-8')
    print()
    print(f"Dataset: {report['dataset']['dossiers']:,} dossiers, "
        f"{report['dataset']['steps']:,} steps, "
        f"{report['dataset']['history']:,} history rows, "
        f"{report['dataset']['notifications'] or 0:,} notifications, "
        f"{report['dataset'].get('ratings') or 0:,} ratings "
        f"({report['dataset']['database_size']}); "
        f"{report['server']['workers']} gunicorn workers on "
        f"{report['machine'].get('cores')} cores")
    print(table(report))
    print(f'Raw limits: empty route {figures["empty"]["throughput"]} req/s '
        f'(p50 {figures["empty"]["p50_ms"]} ms); indexed lookup query '
        f'p50 {figures["sql"]["p50_ms"]} ms through psycopg 3.')
    lookup = figures.get('lookup', {})
    if lookup.get('throughput_vs_transaction') is not None:
        print(f'Lookup throughput ÷ rate-limited transaction floor '
            f'({figures["transaction"]["throughput"]} req/s): '
            f'{lookup["throughput_vs_transaction"]:.3f}.')
    for line in reports.ratio_lines(figures):
        print(line)
    print(f'Results: {output}')
    return report
