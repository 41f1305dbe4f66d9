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
import json
import logging
import urllib.parse
from decimal import Decimal

import trytond.config as config

from gov_agency import signed_http
from gov_agency.signed_http import sign

logger = logging.getLogger(__name__)

__all__ = [
    'PaymentGatewayError', 'SignatureError', 'PaymentGateway',
    'HTTPPaymentGateway', 'FakePaymentGateway', 'register_gateway',
    'get_gateway', 'sign', 'STATUSES']

SECTION = 'gov_fee'
STATUSES = ('paid', 'cancelled', 'failed')


class PaymentGatewayError(Exception):
    "The platform did not accept the order, or sent an unusable answer."


class SignatureError(PaymentGatewayError):
    "A notification's signature is missing or does not match."


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
    return signed_http.check_key(order_id, 'order id')


_check_url = signed_http.check_url


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


class _SignedNotifications(signed_http.Signed):
    "Notifications signed with HMAC-SHA256 of the raw body (X-Signature)."
    error = PaymentGatewayError
    signature_error = SignatureError

    def verify_notification(self, body, headers):
        return self._read_notification(
            self.verified(body, headers, 'notification'))

    @staticmethod
    def _read_notification(data):
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


class HTTPPaymentGateway(
        _SignedNotifications, signed_http.Configured, PaymentGateway):
    """The generic adapter: JSON orders over HTTP, HMAC-SHA256 signatures
    (protocol in the module's docstring).

    The settings come from ``[gov_fee]``; keyword arguments given to the
    constructor take precedence (payment_url, merchant_id, secret,
    timeout, attempts, backoff)."""
    name = 'http'
    section = SECTION

    def secret(self):
        return self.required('secret')

    def request(self, order_id, amount, description, return_url, notify_url):
        "The urllib request creating the order (split out to be testable)."
        url = self.required('payment_url')
        return signed_http.signed_request(url, self.secret(), {
                'merchant_id': self.required('merchant_id'),
                'order_id': _check_order_id(order_id),
                'amount': _whole_dong(amount),
                'currency': 'VND',
                'description': str(description or ''),
                'return_url': _check_url(return_url, 'return URL'),
                'notify_url': _check_url(notify_url, 'notification URL'),
                }, key=order_id)

    def create_order(self, order_id, amount, description, return_url,
            notify_url):
        request = self.request(
            order_id, amount, description, return_url, notify_url)
        status, _, answer = signed_http.send(request, **self.retries(),
            error=PaymentGatewayError, party='payment platform',
            subject=f'order {order_id}')
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
        return signed_http.signed_json(self.secret(), {
                'order_id': order_id,
                'amount': amount,
                'currency': currency,
                'reference': reference or f'FAKE-{order_id}',
                'status': status,
                })


_GATEWAYS = signed_http.Adapters(SECTION, 'gateway', 'http',
    PaymentGatewayError, 'payment gateway',
    http=HTTPPaymentGateway, fake=FakePaymentGateway)


def register_gateway(name, gateway_class):
    "Make a gateway available as [gov_fee] gateway = <name>."
    _GATEWAYS.register(name, gateway_class)


def get_gateway():
    "The configured payment gateway ([gov_fee] gateway)."
    return _GATEWAYS.get()
