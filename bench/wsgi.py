"""The bench's WSGI application: the project's own (gov_server.wsgi) with
two bench-only additions, so that production code carries neither.

- GET /__bench__/empty: an empty route registered on trytond's
  application, reached through the same gunicorn worker, the same
  dispatcher (gov_server.wsgi) and trytond's routing, without any
  database work: the raw limit of the server stack.
- GET /__bench__/transaction: the floor of any page that keeps the
  per-address lookup limit: a database transaction that records one
  lookup attempt (gov.portal.lookup.attempt.hit, as the lookup does) and
  commits, with an empty answer — no dossier read, no page, no QR code.
- X-Bench-Queries response header: the number of SQL statements the
  request ran, counted server-side by wrapping the execute() of trytond's
  psycopg cursor (trytond.backend.postgresql.database.LoggingCursor) with a
  per-thread counter. Cache-invalidation listener threads are not counted.
- X-Bench-Time: the milliseconds the worker spent on the request (its whole
  answer produced, a streamed one included), to tell the server's work from
  the queueing the clients see.

    gunicorn -c config/gunicorn.conf.py bench.wsgi:application
"""
import threading
import time

from trytond.backend.postgresql import database as _pg

from gov_server.wsgi import application as _application
from trytond.protocols.wrappers import Response, with_transaction
from trytond.wsgi import app as _tryton_app

from gov_agency.portal import portal_route

EMPTY_PATH = '/__bench__/empty'
TRANSACTION_PATH = '/__bench__/transaction'
HEADER = 'X-Bench-Queries'
TIME_HEADER = 'X-Bench-Time'

_counter = threading.local()
_execute = _pg.LoggingCursor.execute


def _counting_execute(self, query, params=None, **kwargs):
    _counter.n = getattr(_counter, 'n', 0) + 1
    return _execute(self, query, params, **kwargs)


_pg.LoggingCursor.execute = _counting_execute


@_tryton_app.route(EMPTY_PATH, methods={'GET'})
def _empty(request):
    return Response(b'', content_type='text/plain')


@portal_route(TRANSACTION_PATH, methods={'GET'})
@with_transaction(readonly=False)
def _transaction(request, pool):
    Attempt = pool.get('gov.portal.lookup.attempt')
    status = 200 if Attempt.hit(request.remote_addr or '') else 429
    return Response(b'', status=status, content_type='text/plain')


def application(environ, start_response):
    """The project's application, its whole answer produced before it is
    sent (the time measured includes encoding a streamed body)."""
    _counter.n = 0
    started = time.perf_counter()
    captured = {}

    def capture(status, headers, exc_info=None):
        captured['start'] = (status, list(headers), exc_info)
        return captured.setdefault('written', []).append

    result = _application(environ, capture)
    try:
        body = b''.join(captured.get('written', [])) + b''.join(result)
    finally:
        close = getattr(result, 'close', None)
        if close is not None:
            close()
    status, headers, exc_info = captured['start']
    headers = [(k, v) for k, v in headers if k.lower() != 'content-length']
    headers += [('Content-Length', str(len(body))), (HEADER, str(_counter.n)),
        (TIME_HEADER, '%.3f' % ((time.perf_counter() - started) * 1000))]
    start_response(status, headers, exc_info)
    return [body]
