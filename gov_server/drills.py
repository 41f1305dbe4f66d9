"""Fault drills of the production stack (R-OPS-1: an outage must lose no
submitted data; Điều 4.6, 28.3 of Nghị định 61/2018 as amended).

    python -m gov_server.drills [--only NAME] [--database NAME]
        [--scale small|full] [--keep]          (make drill-faults ARGS="…")

Each drill starts nothing of its own: one `make prod` stack
(gov_server/prod.py: two gunicorn instances, trytond-cron, trytond-worker
under supervisor) is started on a throw-away PostgreSQL database (created,
set up without demo data, dropped at the end unless --keep) — on a
PostgreSQL cluster of its own (gov_server.pg_cluster: initdb in a
temporary folder, removed at the end) unless --database-uri names one —
the drills run against it one after the other, and each prints one line:

    PASS|FAIL <drill>: <figures>

- kill-worker: N citizens (small 20, full 100) submit a dossier with 3
  files at once; mid-way one busy gunicorn worker gets SIGKILL (its master
  replaces it). Checked in the database: each submission the citizen saw
  succeed is complete (code, 3 documents whose files are in the filestore
  with the SHA-256 written in the history, history rows); each one she saw
  fail left nothing behind, or — the answer lost after the commit — the
  complete dossier her resent form finds again (the form's token,
  gov_portal Submission); no file in the filestore is referenced by no
  record; the citizens who saw an error send their form again and succeed.
- db-cut: clients load portal pages while every PostgreSQL connection of
  the drill's database is terminated (pg_terminate_backend, three times;
  never a cluster restart). Every answer is a 2xx or the Vietnamese 503
  page with Retry-After, no stack trace, and the portal answers again by
  itself within seconds.
- overload: the capacity of a catalogue page with a few clients, then five
  times that rate (open loop) for about 10 s: only 2xx, 429 or 503 with
  Retry-After, never a 500; p95 of the answered ones.
- worker-sending: N citizens (small 6, full 50) submit a dossier; their
  receipts — an e-mail and an SMS each, one queued task a message — go to
  the partners the stack is pointed at (Partners: the sandbox SMS operator
  and a mail sink, on this machine). The operator accepts the N/2-th SMS
  but holds its answer, and the trytond-worker process sending it gets
  SIGKILL (its main process ends with the broken pool, supervisor starts
  it again). The new worker sends the rest; the retry job ("Retry Failed
  Notifications", run as if its 15 minutes had passed) sends the one in
  flight again with the same client message id. Checked: every message
  reached its partner, the SMS operator delivered each once (the repeat
  under the same key answered with the same message id), no e-mail twice,
  none lost, none left queued or failed.
- pg-restart (private cluster only): clients load pages and N citizens
  (small 6, full 30) send their forms as PostgreSQL is stopped (pg_ctl -m
  fast), kept down 3 s and started again. Every answer is a 2xx or the
  Vietnamese 503 page, the portal serves again within seconds of the
  database without restarting gunicorn, no dossier is half-saved and the
  refused citizens submit again; their receipts reach the partners once.
- pitr (private cluster only): WAL archiving turned on, a base backup
  (pg_basebackup), dossiers submitted, a marked moment, more dossiers;
  the base backup restored to the mark in a second data directory
  (gov_server.pitr): the dossiers before the mark are there, those after
  are not.

The exit status is 0 when every drill passed. gov_server.drill_checks has
the drills themselves (database checks, load generators) up to overload,
gov_server.drill_recovery those from worker-sending on (the notification
partners, PostgreSQL restarted, point-in-time recovery)."""
import argparse
import getpass
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from gov_server import pg_cluster, prod
from gov_server.settings import ROOT, VAR

SCALES = {
    'small': {'citizens': 20, 'file_kb': 300, 'page_clients': 6,
        'overload_seconds': 10, 'in_flight': 20, 'notified': 6,
        'restart_citizens': 6, 'db_down_seconds': 3,
        'pitr_citizens': 3},
    'full': {'citizens': 100, 'file_kb': 1024, 'page_clients': 16,
        'overload_seconds': 10, 'in_flight': 100, 'notified': 50,
        'restart_citizens': 30, 'db_down_seconds': 3,
        'pitr_citizens': 10},
    }
CLAMD_SOCKET = '/var/run/clamav/clamd.ctl'
# Drills that restart or restore the database server: on the stack's own
# cluster only (gov_server.pg_cluster).
PRIVATE_CLUSTER = ('pg-restart', 'pitr')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def default_uri():
    return (os.environ.get('TRYTOND_DATABASE__URI')
        or os.environ.get('TRYTOND_DATABASE_URI')
        or f'postgresql://{getpass.getuser()}@/?host=/var/run/postgresql')


class Stack:
    """`make prod` on a database of its own, in its own directory; its
    programs, their process ids and the database as the drills need
    them."""

    def __init__(self, database, directory, uri=None, workers=2,
            cluster=None):
        self.database = database
        self.dir = Path(directory).resolve()
        self.uri = uri or (cluster.uri if cluster else default_uri())
        self.workers = workers
        self.ports = [free_port(), free_port()]
        self.conninfo = make_conninfo(self.uri, dbname=database)
        self.filestore = self.dir / 'filestore' / database
        self.started = None
        self.partners = None  # drill_recovery.Partners, once started
        # gov_server.pg_cluster.Cluster when the database server is the
        # stack's own (pg-restart may restart it), else None.
        self.cluster = cluster

    def env(self):
        # The generated configuration is the only one: no test's or
        # developer's TRYTOND_* setting may leak into the stack.
        env = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'DB_'))}
        if not os.path.exists(CLAMD_SOCKET):
            # No ClamAV on this machine: the stand-in scanner (scan.py);
            # the drills measure the stack, not the scanner.
            env['TRYTOND_GOV__MALWARE_SCANNER'] = 'eicar'
        if self.partners:
            env.update(self.partners.env())
        return env

    def run(self, *args, check=True):
        return subprocess.run(
            [sys.executable, '-m', 'gov_server.prod', *args,
                '--dir', str(self.dir)],
            env=self.env(), cwd=ROOT, check=check, capture_output=True,
            text=True)

    def start(self):
        from gov_server.drill_recovery import Partners
        began = time.monotonic()
        # The stack's e-mail and SMS go to partners on this machine.
        self.partners = Partners()
        result = self.run('start', '--database', self.database,
            '--database-uri', self.uri,
            '--ports', ','.join(map(str, self.ports)),
            '--workers', str(self.workers), '--wait', '120',
            *self.partners.settings(), check=False)
        if result.returncode:
            raise RuntimeError('the stack did not start:\n'
                + result.stdout[-3000:] + result.stderr[-3000:])
        self.started = time.monotonic() - began
        return self

    def stop(self, drop=True):
        self.run('stop', check=False)
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if drop:
            subprocess.run(['dropdb', '--if-exists', '--force',
                    self.database], env={**os.environ, **self._pg_env()},
                check=False, capture_output=True)
            (VAR / f'{self.database}.modules').unlink(missing_ok=True)
        if self.partners:
            self.partners.stop()

    def _pg_env(self):
        "libpq's variables for dropdb, from the URI."
        from psycopg.conninfo import conninfo_to_dict
        params = conninfo_to_dict(self.conninfo)
        names = {'host': 'PGHOST', 'port': 'PGPORT', 'user': 'PGUSER',
            'password': 'PGPASSWORD'}
        return {names[k]: str(v) for k, v in params.items() if k in names}

    def processes(self):
        "The live processes of this stack (DVC_PROD_DIR in their env)."
        found = []
        marker = f'DVC_PROD_DIR={self.dir}'.encode()
        for entry in Path('/proc').iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if marker in (entry / 'environ').read_bytes().split(b'\0') \
                        and process_state(int(entry.name)) != 'Z':
                    found.append(int(entry.name))
            except OSError:
                continue
        return found

    def pid(self, program):
        "The process id supervisor gives for dvc:<program>, or 0."
        out = prod.supervisorctl(prod.load_state(self.dir), 'pid',
            f'dvc:{program}', capture_output=True, text=True).stdout.strip()
        return int(out) if out.isdigit() else 0

    def connect(self, **kwargs):
        return psycopg.connect(self.conninfo, **kwargs)

    def healthy(self):
        return all(prod.health(port, timeout=3)[0] == 200
            for port in self.ports)


def process_state(pid):
    "R, S, D, Z … of a process (its /proc stat), None when it is gone."
    try:
        return Path(f'/proc/{pid}/stat').read_text().rsplit(
            ')', 1)[1].split()[0]
    except OSError:
        return None


def children(pid):
    try:
        return [int(p) for p in Path(f'/proc/{pid}/task/{pid}/children'
                ).read_text().split()]
    except OSError:
        return []


def cpu_ticks(pid):
    try:
        fields = Path(f'/proc/{pid}/stat').read_text().rsplit(
            ')', 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def serving(pid, port):
    """Whether the process holds an open connection accepted on the local
    port, i.e. it is serving a request (gunicorn's sync workers close the
    connection with the answer)."""
    try:
        inodes = {os.readlink(fd.path)[8:-1]
            for fd in os.scandir(f'/proc/{pid}/fd')
            if os.readlink(fd.path).startswith('socket:[')}
    except OSError:
        return False
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(':', 1)[1], 16)
            if (local_port == port and fields[3] == '01'  # ESTABLISHED
                    and fields[9] in inodes):
                return True
    return False


def busiest(pids, window=0.15):
    "The process that used the most CPU during the window (serving)."
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(window)
    used = {pid: cpu_ticks(pid) - before[pid] for pid in pids}
    pid = max(pids, key=lambda p: used[p])
    return pid, used[pid]


def wait_for(predicate, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class Outcome:
    "What one drill found: passed, its figures, why it failed."

    def __init__(self, name):
        self.name = name
        self.figures = {}
        self.problems = []

    def check(self, condition, problem):
        if not condition:
            self.problems.append(problem)
        return condition

    @property
    def passed(self):
        return not self.problems

    def line(self):
        figures = ', '.join(f'{k}={v}' for k, v in self.figures.items())
        line = f"{'PASS' if self.passed else 'FAIL'} {self.name}: {figures}"
        if self.problems:
            line += ' — ' + '; '.join(self.problems[:5])
        return line

    def as_dict(self):
        return {'drill': self.name, 'passed': self.passed,
            'figures': self.figures, 'problems': self.problems}


def all_drills():
    "Every drill by name, in the order they run."
    from gov_server import drill_checks, drill_recovery
    return {**drill_checks.DRILLS, **drill_recovery.DRILLS}


def drill_names():
    return list(all_drills())


def run_drills(stack, names, scale, report=print):
    "Run the named drills on the started stack; their Outcomes."
    drills = all_drills()
    outcomes = []
    for name in names:
        outcome = Outcome(name)
        began = time.monotonic()
        try:
            drills[name](stack, SCALES[scale], outcome)
        except Exception as error:  # noqa: BLE001 — a drill that broke fails
            outcome.problems.append(
                f'drill stopped: {type(error).__name__}: {error}')
        outcome.figures['seconds'] = round(time.monotonic() - began, 1)
        report(outcome.line())
        outcomes.append(outcome)
    return outcomes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', action='append', choices=drill_names(),
        help='run this drill only (repeat for several)')
    parser.add_argument('--database', default='dvc_drill',
        help='the throw-away database (created, then dropped)')
    parser.add_argument('--database-uri', default=None)
    parser.add_argument('--scale', choices=sorted(SCALES), default='small')
    parser.add_argument('--dir', default=None,
        help='the stack\'s state, logs and filestore (var/drills/<db>)')
    parser.add_argument('--keep', action='store_true',
        help='keep the database and the directory')
    parser.add_argument('--json', default=None,
        help='also write the outcomes to this file')
    args = parser.parse_args(argv)
    names = list(args.only or drill_names())
    directory = Path(args.dir or VAR / 'drills' / args.database)
    # The stack's own PostgreSQL cluster, which pg-restart may restart;
    # on a cluster given by --database-uri those drills are left out.
    cluster, why = None, pg_cluster.unavailable()
    if args.database_uri:
        why = 'a database URI was given (the cluster may be shared)'
    elif not why:
        try:
            cluster = pg_cluster.Cluster.create()
        except (subprocess.CalledProcessError, OSError) as error:
            why = f'no cluster of its own: {error} {error.stderr or ""}' \
                if isinstance(error, subprocess.CalledProcessError) \
                else f'no cluster of its own: {error}'
        else:
            print(f'private PostgreSQL cluster: {cluster.uri} '
                f'({cluster.dir})', flush=True)
    if cluster is None:
        for name in [n for n in names if n in PRIVATE_CLUSTER]:
            names.remove(name)
            print(f'SKIP {name}: {why}', flush=True)
    stack = Stack(args.database, directory, args.database_uri,
        cluster=cluster)
    outcomes = []
    try:
        stack.start()
        print(f'stack started in {stack.started:.0f} s on ports '
            f'{stack.ports} (database {args.database})', flush=True)
        outcomes = run_drills(stack, names, args.scale,
            report=lambda line: print(line, flush=True))
    finally:
        stack.stop(drop=not args.keep)
        if cluster and not args.keep:
            cluster.destroy()
        elif cluster:
            print(f'kept: {cluster.uri} ({cluster.dir}); stop it with '
                f'pg_ctl stop -D {cluster.data}')
    if args.json:
        Path(args.json).write_text(json.dumps(
                [o.as_dict() for o in outcomes], indent=2,
                ensure_ascii=False))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == '__main__':
    sys.exit(main())
