# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The SMS operator's delivery reports, server to server (no session, no
CSRF), R-NOT-1:

``POST /sms/delivery``
    JSON ``{"event_id", "client_message_id", "message_id", "status"
    ("delivered" | "failed"), "at", "error"}`` with ``X-Signature``, the
    HMAC-SHA256 hex of the raw body with ``[gov_sms] secret``
    (gateway.py). Answers JSON:

    - 403 ``forbidden`` when the signature is missing or wrong (logged,
      nothing changed); 400 ``malformed``; 413 over 16 KB;
    - 404 ``unknown_message`` for a client message id of no notification;
    - 200 ``applied`` or ``duplicate`` (the event id was applied before:
      nothing changes), with the notification's delivery.

Only the ``operator`` gateway signs and reports; under any other
``[gov] sms_gateway`` the route answers 404 ``not_configured``."""
import json
import logging

from trytond.protocols.wrappers import Response, with_transaction

from gov_agency.portal import portal_route

from .gateway import (
    DELIVERY_PATH, GatewayError, OperatorSMSGateway, SignatureError,
    get_gateway)

logger = logging.getLogger(__name__)

MAX_BODY = 16 * 1024


def json_response(status, **values):
    response = Response(json.dumps(values, ensure_ascii=False),
        status=status, content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def _gateway():
    "The configured SMS gateway when it takes delivery reports, else None."
    try:
        gateway = get_gateway('sms')
    except GatewayError:
        return None
    return gateway if isinstance(gateway, OperatorSMSGateway) else None


@portal_route(DELIVERY_PATH, methods={'POST'})
def delivery(request, pool):
    "A signed delivery report of the SMS operator."
    gateway = _gateway()
    if gateway is None:
        return json_response(404, result='not_configured',
            message='no SMS operator reports here')
    if (request.content_length or 0) > MAX_BODY:
        return json_response(413, result='too_large',
            message='request too large')
    # Read once: the transaction may be retried with the same body.
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY:
        return json_response(413, result='too_large',
            message='request too large')
    try:
        report = gateway.verify_report(body, request.headers)
    except SignatureError as error:
        logger.warning('SMS delivery report refused from %s: %s',
            request.remote_addr, error)
        return json_response(403, result='forbidden',
            message='invalid signature')
    except GatewayError as error:
        logger.warning('malformed SMS delivery report from %s: %s',
            request.remote_addr, error)
        return json_response(400, result='malformed', message=str(error))
    return _apply(request, pool, report)


@with_transaction()
def _apply(request, pool, report):
    Notification = pool.get('gov.notification')
    result = Notification.delivery_report(report)
    if result is None:
        logger.warning('SMS delivery report for unknown message %r',
            report['client_message_id'])
        return json_response(404, result='unknown_message',
            client_message_id=report['client_message_id'])
    notification = Notification.find_by_message_key(
        report['client_message_id'])
    return json_response(200, result=result,
        client_message_id=report['client_message_id'],
        delivery=notification.delivery, state=notification.state)
