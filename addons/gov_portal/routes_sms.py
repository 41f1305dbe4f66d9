# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The SMS operator's webhook of the lookup by SMS (R-LOOK-1, Điều 15.3),
server to server, no session and no CSRF:

``POST /sms/inbound``
    body: JSON ``{"from": "0912345678", "text": "TRACUU <code>",
    "id": "<operator's message id, optional>"}`` or the same fields
    form-encoded; headers ``X-SMS-Timestamp`` and ``X-SMS-Signature``
    (sms_inbound.py). Answers JSON, never an HTML page nor a trace:

    - 503 ``not_configured`` without ``[gov] sms_inbound_secret``;
    - 401 ``unauthorized`` without timestamp or signature, 403
      ``forbidden`` when forged or older than 5 minutes (logged, nothing
      counted);
    - 413 over 4 KB, 400 ``malformed`` without a Vietnamese phone number
      in ``from`` or without ``text``;
    - 200 ``{"result": "lookup" | "not_found" | "usage" | "limited",
      "to", "reply", "reply_unaccented", "id", "sent"}``: the operator
      sends ``reply`` (or ``reply_unaccented`` for GSM-7 only contracts)
      back to ``to``. With ``[gov] sms_inbound_send = True`` the platform
      also sends it itself through its outbound SMS gateway (gov_dossier
      gateway.py), after the transaction; ``sent`` says whether the
      gateway accepted it.

The number and the guide are published on the lookup page and the
embeddable widget (templates/sms_help.html, Điều 15.4)."""
import json
import logging
import urllib.parse

from trytond import config
from trytond.protocols.wrappers import Response, with_transaction
from trytond.transaction import Transaction

from gov_agency.l10n import normalize_phone
from gov_agency.portal import portal_route
from gov_dossier.gateway import get_gateway, unaccent

from . import sms_inbound
from .web import ENV

logger = logging.getLogger(__name__)

INBOUND_PATH = '/sms/inbound'

ENV.globals['sms_lookup_number'] = sms_inbound.lookup_number
ENV.globals['sms_lookup_limit'] = sms_inbound.lookup_limit


def json_response(status, **values):
    response = Response(json.dumps(values, ensure_ascii=False),
        status=status, content_type='application/json; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def read_message(request, body):
    "(phone, text, id) of the body; ValueError when malformed."
    if 'json' in (request.mimetype or ''):
        try:
            data = json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError('invalid JSON') from error
        if not isinstance(data, dict):
            raise ValueError('not a JSON object')
    else:
        try:
            data = dict(urllib.parse.parse_qsl(body.decode('utf-8'),
                    keep_blank_values=True))
        except UnicodeDecodeError as error:
            raise ValueError('not UTF-8') from error
    phone = normalize_phone(str(data.get('from') or ''))
    text = data.get('text')
    if not phone:
        raise ValueError('no Vietnamese phone number in "from"')
    if not isinstance(text, str):
        raise ValueError('no "text"')
    message_id = data.get('id')
    return phone, text[:500], (str(message_id)[:100] if message_id else None)


def send_enabled():
    return config.getboolean('gov', 'sms_inbound_send', default=False)


@with_transaction(readonly=False)
def _answer(request, pool, phone, text):
    with Transaction().set_context(language='vi'):
        return sms_inbound.answer(pool, phone, text)


def _send(phone, reply):
    "Send the reply through the outbound gateway: whether it was accepted."
    try:
        get_gateway('sms').send(phone, None, reply)
    except Exception:
        logger.exception('SMS lookup reply not sent')
        return False
    return True


@portal_route(INBOUND_PATH, methods={'POST'})
def inbound(request, pool):
    "An inbound SMS of the lookup number, signed by the operator."
    try:
        return _inbound(request, pool)
    except Exception:
        logger.exception('SMS inbound webhook failed')
        return json_response(500, result='error', message='internal error')


def _inbound(request, pool):
    key = sms_inbound.secret()
    if not key:
        logger.warning('SMS inbound refused: [gov] sms_inbound_secret unset')
        return json_response(503, result='not_configured',
            message='the SMS lookup is not configured')
    if (request.content_length or 0) > sms_inbound.MAX_BODY:
        return json_response(413, result='too_large',
            message='request too large')
    body = request.get_data(cache=True)
    if len(body) > sms_inbound.MAX_BODY:
        return json_response(413, result='too_large',
            message='request too large')
    try:
        sms_inbound.verify(key, request.headers.get('X-SMS-Timestamp'),
            request.headers.get('X-SMS-Signature'), body)
    except sms_inbound.SignatureError as error:
        logger.warning('SMS inbound refused from %s: %s',
            request.remote_addr, error.reason)
        return json_response(error.status,
            result='unauthorized' if error.status == 401 else 'forbidden',
            message=error.reason)
    try:
        phone, text, message_id = read_message(request, body)
    except ValueError as error:
        return json_response(400, result='malformed', message=str(error))
    kind, reply = _answer(request, pool, phone, text)
    sent = _send(phone, reply) if send_enabled() else False
    return json_response(200, result=kind, to=phone, reply=reply,
        reply_unaccented=unaccent(reply), id=message_id, sent=sent)
