# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public API's one route, /api/v1/… (R-OPS-2): the answer is made in a
read-only transaction (api.dispatch), then the call is logged in a second,
writable one (gov.api.call) — so a call that failed is logged as well, and
an API call never holds a write lock while it reads."""
import logging
import time

from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction

from gov_agency.portal import portal_route

from . import api

logger = logging.getLogger(__name__)

METHODS = {'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'}
DOCS_CSP = ("default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _activated(pool):
    "Whether gov_api is activated in the database (code loads for all)."
    try:
        pool.get('gov.api.client')
    except KeyError:
        return False
    return True


@portal_route(api.PREFIX, methods=METHODS)
@portal_route(api.PREFIX + '/', methods=METHODS)
@portal_route(api.PREFIX + '/<path:rest>', methods=METHODS)
def endpoint(request, pool, rest=None):
    started = time.monotonic()
    try:
        with Transaction().start(pool.database_name, 0, readonly=True,
                context={'language': 'vi'}):
            if not _activated(pool):
                return Response('{}', status=404,
                    content_type='application/json')
            answer = api.dispatch(request)
    except Exception:
        logger.exception('API call %s %s failed', request.method,
            request.path)
        with Transaction().start(pool.database_name, 0, readonly=True,
                context={'language': 'vi'}):
            answer = api.internal_error()
    duration = (time.monotonic() - started) * 1000
    try:
        with Transaction().start(pool.database_name, 0,
                context={'language': 'vi'}) as transaction:
            pool.get('gov.api.call').record(answer.client,
                answer.key_prefix, request.method, request.full_path
                .rstrip('?'), answer.status, duration,
                request.remote_addr)
            transaction.commit()
    except Exception:
        logger.exception('API call not logged')
    return response(request, answer)


def response(request, answer):
    content_type = ('text/html' if answer.html else 'application/json') \
        + '; charset=utf-8'
    body = answer.content() if request.method != 'HEAD' else ''
    result = Response(body, status=answer.status, content_type=content_type)
    result.headers['Cache-Control'] = 'no-store'
    result.headers['X-Content-Type-Options'] = 'nosniff'
    result.headers['X-Frame-Options'] = 'DENY'
    if answer.html:
        result.headers['Content-Security-Policy'] = DOCS_CSP
    for name, value in answer.headers.items():
        result.headers[name] = value
    return result
