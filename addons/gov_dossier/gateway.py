# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Gateways that carry notifications out of the system (R-NOT-2).

A gateway sends one message to one recipient and either returns (the message
was accepted; it may return the operator's reference) or raises
`GatewayError` (or any exception) — the notification then stays "failed" and
is retried (see notification.py). Gateways never touch the database.

Channels and the gateway used for each, chosen in the trytond configuration:

``email``
    Tryton's own SMTP settings: ``[email] uri`` (e.g.
    ``smtp://user:password@mail.example.gov.vn:587`` or ``smtps://…``, with
    ``smtp+tls://`` for STARTTLS) and ``[email] from``; the message is
    built by gov_agency.public.make_message (the portal's name as sender).

``sms``
    ``[gov] sms_gateway``:

    - ``fake`` (default): keeps the messages in memory
      (`FakeSMSGateway.outbox`) and logs a warning for each; nothing leaves
      the machine. For development, demos and tests.
    - ``http``: `HTTPSMSGateway`, a generic adapter for an operator's HTTP
      API (brandname SMS of Viettel, VNPT, MobiFone … or an aggregator).
      Options, all in ``[gov]``:

      ``sms_http_url``         the API endpoint (required)
      ``sms_http_method``      POST (default) or GET
      ``sms_http_format``      ``json`` (default) or ``form`` (urlencoded;
                               always used for GET, as the query string)
      ``sms_http_to_field``    name of the recipient field (``to``)
      ``sms_http_text_field``  name of the text field (``text``)
      ``sms_http_sender_field`` name of the sender field (``from``)
      ``sms_http_sender``      the registered brandname (omitted if empty)
      ``sms_http_extra``       extra fixed fields, ``key=value&key=value``
      ``sms_http_username`` / ``sms_http_password``  HTTP basic auth
      ``sms_http_token``       sent as ``Authorization: Bearer <token>``
      ``sms_http_phone_format`` ``national`` (0912345678, default) or
                               ``international`` (84912345678)
      ``sms_http_unaccent``    ``True`` to strip Vietnamese diacritics (many
                               brandname contracts only allow GSM-7 text)
      ``sms_http_success``     a regular expression the response body must
                               match (for APIs that answer 200 with an error
                               code in the body); empty = any 2xx
      ``sms_http_timeout``     seconds (10)

    Example for an operator whose API takes
    ``POST {"phone": …, "message": …, "brandname": …}`` with a token::

        [gov]
        sms_gateway = http
        sms_http_url = https://sms.operator.example/api/send
        sms_http_to_field = phone
        sms_http_text_field = message
        sms_http_sender_field = brandname
        sms_http_sender = DVC-DAKNONG
        sms_http_token = …
        sms_http_success = "code"\\s*:\\s*"?(0|200)"?

    - ``operator``: `OperatorSMSGateway`, the signed protocol below (an
      operator's API, or its adapter, that signs, deduplicates and reports
      delivery). Options, all in ``[gov_sms]``:

      ``url``          the operator's API base (required): messages are
                       sent to ``<url>/messages``; during development the
                       sandbox started by gov_server.sandboxes
      ``secret``       the shared secret of the HMAC signatures (required)
      ``sender``       the registered brandname (``DVC-DAKNONG``)
      ``callback_url`` where the operator posts delivery reports (default
                       ``<[gov] portal_url>/sms/delivery``)
      ``unaccent``     ``True`` to strip Vietnamese diacritics
      ``timeout``      seconds per HTTP attempt (10)
      ``attempts``     HTTP attempts per sending (3): connection errors,
                       timeouts and 5xx answers are retried, 4xx are not
      ``backoff``      seconds before the first retry (0.5), doubled each
                       time

      The protocol (R-NOT-1):

      - send: ``POST <url>/messages``, JSON ``{"to" (0912345678), "text",
        "sender", "client_message_id", "callback_url"}``, headers
        ``Idempotency-Key: <client_message_id>`` and ``X-Signature`` (the
        HMAC-SHA256 hex of the body with the secret, gov_agency
        signed_http). The client message id of a notification is derived
        from it (`Notification.message_key`): every attempt, by the retries
        here or by the cron, carries the same id and the operator delivers
        the message once. The answer (2xx) is ``{"message_id", …}``: the
        operator's id, kept as the notification's *Gateway Reference*;
      - delivery report: the operator posts ``{"event_id",
        "client_message_id", "message_id", "status" ("delivered" or
        "failed"), "at", "error"}`` to ``callback_url``, signed the same
        way; ``/sms/delivery`` (routes_sms.py) verifies the signature
        (403 otherwise) and applies each event id once.

``portal``
    Nothing to send: the notification record itself is the citizen's portal
    inbox.

Other electronic channels (Zalo, a mobile app push …) are added with
`register_gateway('zalo', 'oa', ZaloGateway)` from another module, a
channel selection entry on ``gov.notification`` and the configuration key
``[gov] <channel>_gateway``.
"""
import base64
import json
import logging
import re
import smtplib
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid

import trytond.config as config

from gov_agency import signed_http
from gov_agency.l10n import normalize_phone

logger = logging.getLogger(__name__)

__all__ = [
    'GatewayError', 'SignatureError', 'Gateway', 'EmailGateway',
    'FakeSMSGateway', 'HTTPSMSGateway', 'OperatorSMSGateway',
    'register_gateway', 'get_gateway', 'normalize_phone', 'unaccent']

DELIVERY_PATH = '/sms/delivery'
REPORT_STATUSES = ('delivered', 'failed')


class GatewayError(Exception):
    "The gateway did not accept the message."


class SignatureError(GatewayError):
    "A delivery report's signature is missing or does not match."


class Gateway:
    """Send one message to one recipient.

    A gateway whose `idempotent` is true takes the keyword `key`: the same
    key on a later attempt never delivers the message twice."""
    name = None
    channel = None
    idempotent = False

    def send(self, recipient, subject, body):
        """Send the message; return the gateway's reference (or None).
        Raise an exception when the message was not accepted."""
        raise NotImplementedError


class EmailGateway(Gateway):
    """E-mail through Tryton's SMTP settings ([email] uri and from). The
    key is the Message-ID: a message sent again after a lost answer or a
    killed worker is the same message to the mail servers and clients that
    drop duplicates by it."""
    name = 'smtp'
    channel = 'email'
    idempotent = True

    def send(self, recipient, subject, body, key=None):
        from trytond.sendmail import get_smtp_server

        from gov_agency.public import mail_domain, make_message
        msg = make_message(recipient, subject, body)
        if key:
            del msg['Message-ID']
            msg['Message-ID'] = f'<{key}@{mail_domain()}>'
        server = get_smtp_server(strict=True)
        if server is None:
            raise GatewayError("no SMTP server")
        try:
            refused = server.send_message(msg)
        finally:
            try:
                server.quit()
            except smtplib.SMTPException:
                pass
        if refused:
            raise GatewayError(f"recipient refused: {refused}")
        return msg['Message-ID']


class FakeSMSGateway(Gateway):
    """Keeps SMS in memory instead of sending them (development, tests).

    `outbox` lists (phone, text) in sending order. Tests make it fail by
    setting `failure` to an exception (instance or class), raised for every
    message until it is set back to None."""
    name = 'fake'
    channel = 'sms'
    outbox = []
    failure = None

    def send(self, recipient, subject, body):
        if self.failure is not None:
            raise self.failure
        phone = normalize_phone(recipient)
        if not phone:
            raise GatewayError(f"invalid phone number: {recipient!r}")
        self.outbox.append((phone, body))
        logger.warning(
            "fake SMS gateway: message to %s kept, not sent "
            "(set [gov] sms_gateway = http for a real operator)", phone)
        return f'fake-{len(self.outbox)}'


class HTTPSMSGateway(Gateway):
    "A configurable adapter for an SMS operator's HTTP API."
    name = 'http'
    channel = 'sms'

    def option(self, name, default=None):
        return config.get('gov', 'sms_http_' + name, default=default)

    def request(self, recipient, body):
        "The urllib request for a message (split out to be testable)."
        url = self.option('url')
        if not url:
            raise GatewayError("[gov] sms_http_url is not configured")
        phone = normalize_phone(recipient)
        if not phone:
            raise GatewayError(f"invalid phone number: {recipient!r}")
        if self.option('phone_format', 'national') == 'international':
            phone = '84' + phone[1:]
        if str(self.option('unaccent', 'False')).lower() in {
                '1', 'true', 'yes', 'on'}:
            body = unaccent(body)
        fields = {
            self.option('to_field', 'to'): phone,
            self.option('text_field', 'text'): body,
            }
        sender = self.option('sender')
        if sender:
            fields[self.option('sender_field', 'from')] = sender
        extra = self.option('extra')
        if extra:
            fields.update(urllib.parse.parse_qsl(extra))
        method = (self.option('method', 'POST') or 'POST').upper()
        headers = {'Accept': 'application/json, text/plain, */*'}
        data = None
        if method == 'GET':
            separator = '&' if '?' in url else '?'
            url += separator + urllib.parse.urlencode(fields)
        elif self.option('format', 'json') == 'form':
            data = urllib.parse.urlencode(fields).encode('utf-8')
            headers['Content-Type'] = (
                'application/x-www-form-urlencoded; charset=utf-8')
        else:
            data = json.dumps(fields, ensure_ascii=False).encode('utf-8')
            headers['Content-Type'] = 'application/json; charset=utf-8'
        username = self.option('username')
        if username:
            token = base64.b64encode(
                f'{username}:{self.option("password", "")}'.encode()
                ).decode('ascii')
            headers['Authorization'] = f'Basic {token}'
        token = self.option('token')
        if token:
            headers['Authorization'] = f'Bearer {token}'
        return urllib.request.Request(
            url, data=data, headers=headers, method=method)

    def send(self, recipient, subject, body):
        request = self.request(recipient, body)
        timeout = float(self.option('timeout', 10))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
                answer = response.read(65536).decode('utf-8', 'replace')
        except urllib.error.HTTPError as error:
            answer = error.read(2048).decode('utf-8', 'replace')
            raise GatewayError(
                f"HTTP {error.code} from the SMS gateway: {answer[:500]}")
        except (urllib.error.URLError, OSError) as error:
            raise GatewayError(f"SMS gateway unreachable: {error}")
        if not 200 <= status < 300:
            raise GatewayError(
                f"HTTP {status} from the SMS gateway: {answer[:500]}")
        success = self.option('success')
        if success and not re.search(success, answer):
            raise GatewayError(
                f"the SMS gateway refused the message: {answer[:500]}")
        return answer[:200]


class OperatorSMSGateway(
        signed_http.Signed, signed_http.Configured, Gateway):
    """The SMS operator's signed API (protocol in the module's docstring):
    sends with an idempotency key, retries, and verifies the operator's
    delivery reports. Settings from ``[gov_sms]``; keyword arguments of
    the constructor take precedence."""
    name = 'operator'
    channel = 'sms'
    idempotent = True
    section = 'gov_sms'
    error = GatewayError
    signature_error = SignatureError

    def secret(self):
        return self.required('secret')

    def callback_url(self):
        url = self.option('callback_url')
        if not url:
            from gov_agency.public import public_url
            url = public_url() + DELIVERY_PATH
        return signed_http.check_url(url, 'delivery report URL')

    def request(self, recipient, body, key):
        "The signed urllib request of one message (split out to be tested)."
        phone = normalize_phone(recipient)
        if not phone:
            raise GatewayError(f"invalid phone number: {recipient!r}")
        if str(self.option('unaccent', 'False')).lower() in {
                '1', 'true', 'yes', 'on'}:
            body = unaccent(body)
        url = self.required('url').rstrip('/') + '/messages'
        return signed_http.signed_request(url, self.secret(), {
                'to': phone,
                'text': body,
                'sender': self.option('sender', 'DVC-DAKNONG'),
                'client_message_id': key,
                'callback_url': self.callback_url(),
                }, key=key)

    def send(self, recipient, subject, body, key=None):
        # Without a key (the SMS lookup's reply), one of its own: the
        # retries below still carry the same one.
        key = signed_http.check_key(
            key or 'dvc-' + uuid.uuid4().hex, 'client message id')
        request = self.request(recipient, body, key)
        status, _, answer = signed_http.send(request, **self.retries(),
            error=GatewayError, party='SMS operator',
            subject=f'message {key}')
        if not 200 <= status < 300:
            raise GatewayError(
                f"HTTP {status} from the SMS operator for message {key}")
        data = signed_http.read_object(answer, GatewayError,
            "SMS operator's answer")
        message_id = data.get('message_id')
        if not isinstance(message_id, str) or not message_id:
            raise GatewayError(
                f"the SMS operator's answer has no message_id: {data!r}")
        return message_id

    def verify_report(self, body, headers):
        """The verified delivery report as dict(event_id,
        client_message_id, message_id, status, at, error);
        SignatureError when it is not authentic, GatewayError when it is
        signed but malformed."""
        data = self.verified(body, headers, 'delivery report')
        for name in ('event_id', 'client_message_id'):
            value = data.get(name)
            if not isinstance(value, str) or not signed_http.KEY.fullmatch(
                    value):
                raise GatewayError(f"the delivery report's {name} is "
                    f"missing or invalid: {value!r}")
        if data.get('status') not in REPORT_STATUSES:
            raise GatewayError(
                f"unknown delivery status {data.get('status')!r}")
        return {
            'event_id': data['event_id'],
            'client_message_id': data['client_message_id'],
            'message_id': str(data.get('message_id') or '')[:200],
            'status': data['status'],
            'at': str(data.get('at') or '')[:40],
            'error': str(data.get('error') or '')[:500],
            }


_GATEWAYS = {
    ('email', 'smtp'): EmailGateway,
    ('sms', 'fake'): FakeSMSGateway,
    ('sms', 'http'): HTTPSMSGateway,
    ('sms', 'operator'): OperatorSMSGateway,
    }
_DEFAULTS = {
    'email': 'smtp',
    'sms': 'fake',
    }


def register_gateway(channel, name, gateway_class, default=False):
    "Make a gateway available as [gov] <channel>_gateway = <name>."
    _GATEWAYS[(channel, name)] = gateway_class
    if default or channel not in _DEFAULTS:
        _DEFAULTS[channel] = name


def get_gateway(channel):
    "The configured gateway of the channel (None for the portal inbox)."
    if channel == 'portal':
        return None
    name = config.get(
        'gov', f'{channel}_gateway', default=_DEFAULTS.get(channel))
    try:
        return _GATEWAYS[(channel, name)]()
    except KeyError:
        raise GatewayError(
            f"unknown gateway {name!r} for the {channel} channel "
            f"([gov] {channel}_gateway)")


def unaccent(text):
    "Vietnamese text without diacritics (đ → d), for GSM-7 SMS."
    text = text.replace('đ', 'd').replace('Đ', 'D')
    decomposed = unicodedata.normalize('NFD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c))
