"""GET /healthz: is this server able to serve, for a health checker (R-OPS-1).

    {"status": "ok" | "degraded" | "down",
     "database": "ok" | "unreachable",
     "queue": {"depth": N, "oldest_seconds": S},
     "cron": {"last_run": ISO-8601 | null, "next_call": ISO-8601 | null,
              "late": bool}}

- database: one trivial query on the portal's database (`[gov] database`);
  unreachable → "down", HTTP 503 with Retry-After (a load balancer takes
  the instance out, a supervisor's check restarts it).
- queue: trytond's ir.queue tasks waiting for trytond-worker (e-mail,
  SMS …: not taken yet), and how long the oldest due one has waited. A
  task taken by a worker that was then killed stays taken and unfinished
  in ir.queue for good (trytond never takes it again; its notification is
  sent again by the retry cron): it is not waiting, and not counted.
- cron: the end of the last ir.cron run (ir.cron.log) and the earliest due
  call; late when an active cron has been due for more than
  `[gov] health_cron_late_minutes` (15): trytond-cron is not running.
- status: "degraded" (still HTTP 200: the site serves) when cron is late or
  the oldest queued task has waited more than
  `[gov] health_queue_late_minutes` (15): trytond-worker is not running.

Cheap and harmless: no Pool, no ORM, no trytond transaction; its own
connection per process (made on first use, after gunicorn forked), in
autocommit — each SELECT its own snapshot, nothing left open, nothing
locked — with short connect, statement and lock timeouts. At most one check
a second per process, whatever the rate of requests: a flood of /healthz
costs no more queries. Nothing of a person is read or answered, and no
error text (it could name the database server) leaves the process: the
cause is logged.
"""
import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import time

from trytond import config

logger = logging.getLogger(__name__)

PATH = '/healthz'
RETRY_AFTER = 30  # seconds, in the 503's Retry-After
CONNECT_TIMEOUT = 3  # seconds
STATEMENT_TIMEOUT = 2000  # milliseconds
LOCK_TIMEOUT = 1000  # milliseconds
CACHE_SECONDS = 1.0

QUEUE_SQL = ('SELECT COUNT(*), MIN(COALESCE(scheduled_at, enqueued_at)) '
    'FROM ir_queue WHERE finished_at IS NULL AND dequeued_at IS NULL')
DUE_SQL = ('SELECT MIN(COALESCE(next_call, create_date)) FROM ir_cron '
    'WHERE active')
# The newest log row by its key: no scan of the (indexless) ended column.
LAST_RUN_SQL = 'SELECT ended FROM ir_cron_log ORDER BY id DESC LIMIT 1'


def _minutes(option):
    return config.getint('gov', option, default=15)


def _utcnow():
    "Naive UTC, as trytond stores its timestamps."
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _timestamp(value):
    "A timestamp column's value: a datetime (PostgreSQL) or text (SQLite)."
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _iso(value):
    return value.isoformat(timespec='seconds') + 'Z' if value else None


class _Connection:
    """One connection per process to the portal's database, reopened after
    a fork (gunicorn's preload) or a failure."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection = None
        self.pid = None

    def _open(self, name):
        uri = config.get('database', 'uri')
        if uri.startswith('sqlite'):
            path = os.path.join(config.get('database', 'path'),
                name + '.sqlite')
            if not os.path.isfile(path):
                raise sqlite3.OperationalError('no database file')
            # Read-only: never takes SQLite's write lock.
            return sqlite3.connect(f'file:{path}?mode=ro', uri=True,
                timeout=STATEMENT_TIMEOUT / 1000, check_same_thread=False,
                isolation_level=None)
        import psycopg
        from trytond.backend.postgresql.database import Database
        conninfo = Database._connection_params(name)['conninfo']
        return psycopg.connect(conninfo, autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name='dvc-healthz',
            options=f'-c statement_timeout={STATEMENT_TIMEOUT} '
            f'-c lock_timeout={LOCK_TIMEOUT} '
            '-c default_transaction_read_only=on')

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:
                pass
        self.connection = None

    def query(self, name, queries):
        "The first row of each query; one reconnection on failure."
        for attempt in (1, 2):
            try:
                if self.connection is None or self.pid != os.getpid():
                    # After a fork the parent's connection is not ours to
                    # close: forget it.
                    self.connection = None
                    self.connection = self._open(name)
                    self.pid = os.getpid()
                rows = []
                for sql in queries:
                    cursor = self.connection.cursor()
                    try:
                        cursor.execute(sql)
                        rows.append(cursor.fetchone())
                    finally:
                        cursor.close()
                return rows
            except Exception:
                self.close()
                if attempt == 2:
                    raise


_connection = _Connection()
_cache = {'at': None, 'result': None}


def check():
    "(HTTP status, answer) of the portal's database, fresh at most 1 s ago."
    with _connection.lock:
        now = time.monotonic()
        if _cache['at'] is not None and now - _cache['at'] < CACHE_SECONDS:
            return _cache['result']
        result = _check()
        _cache['at'], _cache['result'] = time.monotonic(), result
        return result


def _check():
    name = config.get('gov', 'database', default='dvc')
    try:
        one, queue, due, last_run = _connection.query(
            name, ['SELECT 1', QUEUE_SQL, DUE_SQL, LAST_RUN_SQL])
    except Exception as error:
        logger.warning('health check: database "%s" unreachable: %s',
            name, error)
        return 503, {
            'status': 'down',
            'database': 'unreachable',
            'queue': None,
            'cron': None,
            }
    now = _utcnow()
    depth, oldest = queue[0] or 0, _timestamp(queue[1])
    oldest_seconds = max(0, int((now - oldest).total_seconds())
        ) if oldest else 0
    next_call = _timestamp(due[0])
    late = bool(next_call and now - next_call > dt.timedelta(
            minutes=_minutes('health_cron_late_minutes')))
    queue_late = oldest_seconds > 60 * _minutes('health_queue_late_minutes')
    return 200, {
        'status': 'degraded' if late or queue_late else 'ok',
        'database': 'ok',
        'queue': {'depth': depth, 'oldest_seconds': oldest_seconds},
        'cron': {
            'last_run': _iso(_timestamp(last_run[0]) if last_run else None),
            'next_call': _iso(next_call),
            'late': late,
            },
        }


def application(environ, start_response):
    if environ.get('REQUEST_METHOD') not in ('GET', 'HEAD'):
        start_response('405 Method Not Allowed', [
                ('Allow', 'GET, HEAD'), ('Content-Length', '0')])
        return [b'']
    code, answer = check()
    body = json.dumps(answer).encode()
    headers = [
        ('Content-Type', 'application/json'),
        ('Content-Length', str(len(body))),
        ('Cache-Control', 'no-store'),
        ]
    if code == 503:
        headers.append(('Retry-After', str(RETRY_AFTER)))
        status = '503 Service Unavailable'
    else:
        status = '200 OK'
    start_response(status, headers)
    return [b''] if environ['REQUEST_METHOD'] == 'HEAD' else [body]
