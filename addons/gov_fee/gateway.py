# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The online payment platform that collects fees, behind one interface.

A gateway does two things and never touches the database:

``create_order(order_id, amount, description, return_url, notify_url)``
    registers a payment order of `amount` whole đồng with the platform and
    returns the URL of the platform's payment page, where the citizen's
    browser is sent. `order_id` is ours (gov.fee.payment's), unique per
    payment; the platform later sends the citizen back to `return_url`
    and, server to server, the outcome to `notify_url`. Raises
    `PaymentGatewayError` when the platform does not accept the order.

``verify_notification(body, headers)``
    checks that a notification received on `notify_url` (the raw request
    body, bytes, and its headers) really comes from the platform and
    returns ``dict(order_id, amount, currency, reference, status)`` with
    status ``paid``, ``cancelled`` or ``failed``. Raises `SignatureError`
    for a missing or forged signature, `PaymentGatewayError` for a signed
    but malformed notification. The caller (gov.fee.payment) then calls
    ``confirm(payment, amount, currency, reference)`` for ``paid`` — which
    compares the amount and currency with the order's and marks a
    difference as a mismatch — or ``fail`` otherwise. The citizen's return
    to `return_url` proves nothing (anyone can type that URL): only a
    verified notification changes a payment.

The gateway is chosen in the trytond configuration, section ``[gov_fee]``:

``gateway``
    - ``http`` (default): `HTTPPaymentGateway`, the generic adapter below.
    - ``fake``: `FakePaymentGateway`, keeps the orders in memory and signs
      notifications itself; nothing leaves the machine. For tests of the
      payment workflow that run no platform.

Settings of ``http`` (all in ``[gov_fee]``):

``payment_url``   the platform's endpoint that creates orders (required),
                  e.g. ``https://pay.example.gov.vn/api/orders``; during
                  development the sandbox started by gov_server.sandboxes
                  (``<sandbox URL>/orders``)
``merchant_id``   our merchant code at the platform (required)
``secret``        the shared secret of the HMAC signatures (required)
``timeout``       seconds per HTTP attempt (10)
``attempts``      HTTP attempts to create an order (3): connection errors,
                  timeouts and 5xx answers are retried, 4xx are not
``backoff``       seconds before the first retry (0.5), doubled each time

The protocol of ``http``:

- create an order: ``POST <payment_url>`` with the JSON body
  ``{"merchant_id", "order_id", "amount" (integer, đồng), "currency":
  "VND", "description", "return_url", "notify_url"}``, the headers
  ``Idempotency-Key: <order_id>`` (a retried POST never creates a second
  order: the platform answers the first order's result again) and
  ``X-Signature: <HMAC-SHA256 of the body, hex>``; the answer is
  ``{"redirect_url": …}`` with a 2xx status;
- notification: ``POST <notify_url>`` with the JSON body ``{"order_id",
  "amount", "currency", "reference", "status"}`` and ``X-Signature``, the
  HMAC-SHA256 (hex) of the raw body with the shared secret, compared in
  constant time (`hmac.compare_digest`).

gov_server/sandbox_payment.py plays that platform over real HTTP.

A real provider — the national Public Service Portal's payment platform,
VNPay, a bank's or a wallet's gateway — has its own message format; its
adapter is a `PaymentGateway` subclass registered with
``register_gateway('name', Class)`` and selected by ``[gov_fee] gateway``.
What it has to map:

- order → the provider's "create payment" call, or a payment URL the
  adapter builds and signs itself when the provider has no such call (the
  redirect URL then carries the order in its signed query string);
  `order_id` → the merchant's transaction reference (unique, often limited
  in length and characters); `amount` → the provider's amount, in the
  provider's unit (some count in hundredths of a đồng); `description` →
  the order information, often unaccented ASCII only; `return_url` → the
  return URL; `notify_url` → the server-to-server callback (IPN) URL,
  which some providers only take once, in the merchant's settings;
  the merchant code, terminal code, API keys → ``[gov_fee]`` options of
  that adapter;
- idempotency → what the provider offers (an idempotency header, or the
  uniqueness of the transaction reference: a second order with the same
  reference is refused, and the adapter must then read the first one);
- signature → the provider's scheme (HMAC-SHA256/SHA512 over the raw body
  or over the sorted parameters, an RSA or certificate signature), always
  over what was received, compared in constant time; a failed check raises
  `SignatureError`;
- notification → ``dict(order_id, amount, currency, reference, status)``:
  the provider's result and transaction-status codes → ``paid``,
  ``cancelled`` (the citizen gave up) or ``failed``; its transaction
  number → `reference`; its amount back to whole đồng;
- the answer the provider expects to its callback (some want a JSON
  acknowledgement with their own codes, and resend until they get it) —
  the route that receives the notification writes it;
- a status query (for an order whose notification never came), when the
  provider has one, for the reconciliation of pending payments.
"""
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import trytond.config as config

logger = logging.getLogger(__name__)

__all__ = [
    'PaymentGatewayError', 'SignatureError', 'PaymentGateway',
    'HTTPPaymentGateway', 'FakePaymentGateway', 'register_gateway',
    'get_gateway', 'sign', 'STATUSES']

SECTION = 'gov_fee'
SIGNATURE_HEADER = 'X-Signature'
STATUSES = ('paid', 'cancelled', 'failed')
ORDER_ID = re.compile(r'[A-Za-z0-9._:-]{1,64}')


class PaymentGatewayError(Exception):
    "The platform did not accept the order, or sent an unusable answer."


class SignatureError(PaymentGatewayError):
    "A notification's signature is missing or does not match."


def sign(secret, body):
    "HMAC-SHA256 of body (bytes) with secret, as lowercase hex."
    if isinstance(secret, str):
        secret = secret.encode('utf-8')
    return hmac.new(secret, bytes(body), hashlib.sha256).hexdigest()


def _header(headers, name):
    "A header's value, the name compared case-insensitively (or None)."
    if headers is None:
        return None
    items = headers.items() if hasattr(headers, 'items') else headers
    name = name.lower()
    for key, value in items:
        if key.lower() == name:
            return value
    return None


def _whole_dong(amount):
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)):
        raise ValueError(
            f"the amount must be whole đồng (int or Decimal), not {amount!r}")
    if isinstance(amount, Decimal):
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise ValueError(f"the amount {amount} is not whole đồng")
        amount = int(amount)
    if amount <= 0:
        raise ValueError(f"the amount must be positive, not {amount}")
    return amount


def _check_order_id(order_id):
    if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        raise ValueError(
            "the order id must be 1 to 64 letters, digits or . _ : -, "
            f"not {order_id!r}")
    return order_id


def _check_url(url, what):
    parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in {'http', 'https'} or not parts.netloc:
        raise ValueError(f"the {what} must be an http(s) URL, not {url!r}")
    return url


class PaymentGateway:
    "An online payment platform."
    name = None

    def create_order(self, order_id, amount, description, return_url,
            notify_url):
        "Register the order; return the URL of the platform's payment page."
        raise NotImplementedError

    def verify_notification(self, body, headers):
        """The verified notification as dict(order_id, amount, currency,
        reference, status); SignatureError when it is not authentic."""
        raise NotImplementedError


class _SignedNotifications:
    "Notifications signed with HMAC-SHA256 of the raw body (X-Signature)."

    def secret(self):
        raise NotImplementedError

    def verify_notification(self, body, headers):
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError("verify the raw body (bytes), not a decoded one")
        secret = self.secret()
        given = _header(headers, SIGNATURE_HEADER)
        if not given:
            raise SignatureError(
                f"the notification has no {SIGNATURE_HEADER} header")
        expected = sign(secret, body).encode('ascii')
        given = given.strip().lower().encode('ascii', 'replace')
        if not hmac.compare_digest(expected, given):
            raise SignatureError(
                "the notification's signature does not match its body")
        return self._read_notification(body)

    @staticmethod
    def _read_notification(body):
        try:
            data = json.loads(bytes(body).decode('utf-8'))
        except (UnicodeDecodeError, ValueError) as error:
            raise PaymentGatewayError(
                f"the notification is not JSON: {error}")
        if not isinstance(data, dict):
            raise PaymentGatewayError("the notification is not a JSON object")
        missing = [k for k in ('order_id', 'amount', 'currency', 'reference',
                'status') if k not in data]
        if missing:
            raise PaymentGatewayError(
                f"the notification lacks {', '.join(missing)}")
        order_id, amount = data['order_id'], data['amount']
        currency, reference = data['currency'], data['reference']
        status = data['status']
        if (not isinstance(order_id, str) or not isinstance(currency, str)
                or not isinstance(reference, (str, type(None)))):
            raise PaymentGatewayError(
                "the notification's order_id, currency and reference must "
                "be strings")
        if (isinstance(amount, bool) or not isinstance(amount, int)
                or amount < 0):
            raise PaymentGatewayError(
                f"the notification's amount {amount!r} is not whole đồng")
        if status not in STATUSES:
            raise PaymentGatewayError(
                f"unknown payment status {status!r} in the notification")
        return {
            'order_id': order_id,
            'amount': amount,
            'currency': currency,
            'reference': reference or '',
            'status': status,
            }


class HTTPPaymentGateway(_SignedNotifications, PaymentGateway):
    """The generic adapter: JSON orders over HTTP, HMAC-SHA256 signatures
    (protocol in the module's docstring).

    The settings come from ``[gov_fee]``; keyword arguments given to the
    constructor take precedence (payment_url, merchant_id, secret,
    timeout, attempts, backoff)."""
    name = 'http'

    def __init__(self, **settings):
        self.settings = settings

    def option(self, name, default=None):
        value = self.settings.get(name)
        if value is None:
            value = config.get(SECTION, name, default=default)
        return value

    def required(self, name):
        value = self.option(name)
        if not value:
            raise PaymentGatewayError(
                f"[{SECTION}] {name} is not configured")
        return value

    def secret(self):
        return self.required('secret')

    def request(self, order_id, amount, description, return_url, notify_url):
        "The urllib request creating the order (split out to be testable)."
        url = self.required('payment_url')
        body = json.dumps({
                'merchant_id': self.required('merchant_id'),
                'order_id': _check_order_id(order_id),
                'amount': _whole_dong(amount),
                'currency': 'VND',
                'description': str(description or ''),
                'return_url': _check_url(return_url, 'return URL'),
                'notify_url': _check_url(notify_url, 'notification URL'),
                }, ensure_ascii=False, separators=(',', ':')).encode('utf-8')
        headers = {
            'Content-Type': 'application/json; charset=utf-8',
            'Accept': 'application/json',
            'Idempotency-Key': order_id,
            SIGNATURE_HEADER: sign(self.secret(), body),
            }
        return urllib.request.Request(
            url, data=body, headers=headers, method='POST')

    def create_order(self, order_id, amount, description, return_url,
            notify_url):
        request = self.request(
            order_id, amount, description, return_url, notify_url)
        timeout = float(self.option('timeout', 10))
        attempts = max(1, int(self.option('attempts', 3)))
        delay = float(self.option('backoff', 0.5))
        for attempt in range(1, attempts + 1):
            try:
                with urllib.request.urlopen(
                        request, timeout=timeout) as response:
                    status = response.status
                    answer = response.read(65536)
                break
            except urllib.error.HTTPError as error:
                text = error.read(2048).decode('utf-8', 'replace')
                error.close()
                if error.code < 500 or attempt == attempts:
                    raise PaymentGatewayError(
                        f"HTTP {error.code} from the payment platform for "
                        f"order {order_id}: {text[:500]}")
                reason = f"HTTP {error.code}"
            except (urllib.error.URLError, OSError) as error:
                # Refused, reset, timed out: the order may or may not have
                # been created; the Idempotency-Key makes the retry safe.
                if attempt == attempts:
                    raise PaymentGatewayError(
                        f"payment platform unreachable for order "
                        f"{order_id} after {attempts} attempts: {error}")
                reason = str(getattr(error, 'reason', error))
            logger.warning(
                "payment platform: attempt %d/%d for order %s failed (%s); "
                "retrying in %.1f s", attempt, attempts, order_id, reason,
                delay)
            time.sleep(delay)
            delay *= 2
        if not 200 <= status < 300:
            raise PaymentGatewayError(
                f"HTTP {status} from the payment platform for order "
                f"{order_id}")
        try:
            redirect_url = json.loads(answer.decode('utf-8'))['redirect_url']
            return _check_url(redirect_url, 'redirect URL')
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise PaymentGatewayError(
                "the payment platform's answer has no valid redirect_url: "
                f"{answer[:500]!r}")


class FakePaymentGateway(_SignedNotifications, PaymentGateway):
    """Keeps the orders in memory (tests of the payment workflow).

    `orders` maps order_id → the order's dict; `notification()` makes the
    signed notification the platform would send, to feed to the
    notification route or to `verify_notification`. Signed with
    ``[gov_fee] secret`` when set, else with `default_secret`."""
    name = 'fake'
    orders = {}
    default_secret = 'fake-payment-secret'
    base_url = 'http://payment.invalid/pay/'

    def secret(self):
        return config.get(SECTION, 'secret', default=None) or (
            self.default_secret)

    def create_order(self, order_id, amount, description, return_url,
            notify_url):
        order = {
            'order_id': _check_order_id(order_id),
            'amount': _whole_dong(amount),
            'currency': 'VND',
            'description': str(description or ''),
            'return_url': _check_url(return_url, 'return URL'),
            'notify_url': _check_url(notify_url, 'notification URL'),
            }
        previous = self.orders.setdefault(order_id, order)
        if previous != order:
            raise PaymentGatewayError(
                f"order {order_id} exists with other values")
        logger.warning("fake payment gateway: order %s kept, not sent "
            "(set [gov_fee] gateway = http for a real platform)", order_id)
        return self.base_url + urllib.parse.quote(order_id)

    def notification(self, order_id, status='paid', amount=None,
            currency='VND', reference=None):
        "(body, headers) of a signed notification for the order."
        if amount is None:
            amount = self.orders[order_id]['amount']
        body = json.dumps({
                'order_id': order_id,
                'amount': amount,
                'currency': currency,
                'reference': reference or f'FAKE-{order_id}',
                'status': status,
                }).encode('utf-8')
        return body, {SIGNATURE_HEADER: sign(self.secret(), body),
            'Content-Type': 'application/json'}


_GATEWAYS = {
    'http': HTTPPaymentGateway,
    'fake': FakePaymentGateway,
    }
DEFAULT = 'http'


def register_gateway(name, gateway_class):
    "Make a gateway available as [gov_fee] gateway = <name>."
    _GATEWAYS[name] = gateway_class


def get_gateway():
    "The configured payment gateway ([gov_fee] gateway)."
    name = config.get(SECTION, 'gateway', default=DEFAULT)
    try:
        return _GATEWAYS[name]()
    except KeyError:
        raise PaymentGatewayError(
            f"unknown payment gateway {name!r} ([{SECTION}] gateway)")
