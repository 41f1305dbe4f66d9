"""A sandbox payment platform: plays the online payment of fees over real
HTTP on this machine, so that development and tests run the whole payment
journey without a real provider.

    python -m gov_server.sandbox_payment --port P --secret S [--host H]

(the secret may come from the environment variable GOV_SANDBOX_SECRET
instead, which keeps it out of the process list). It speaks the protocol
of gov_fee.gateway.HTTPPaymentGateway:

``POST /orders``
    JSON ``{merchant_id, order_id, amount, currency, description,
    return_url, notify_url}``, headers ``Idempotency-Key`` (required) and
    ``X-Signature`` (HMAC-SHA256 hex of the body; checked). Answers 201
    ``{"redirect_url": "http://<host>/pay/<order_id>"}``; the same request
    again with the same key answers 200 with the same body; another body
    under a used key, or a used order id under another key: 409.
``GET /pay/<order_id>``
    the citizen's bank page (in Vietnamese): the merchant, the amount
    ("1.234.567 đ"), the description and three buttons — Thanh toán (pay),
    Hủy (cancel), Giao dịch lỗi (a failed transaction).
``POST /pay/<order_id>``
    (the buttons, form field ``action`` = paid | cancelled | failed)
    settles the order, sends the signed notification ``{order_id, amount,
    currency, reference, status}`` to notify_url server to server
    (``X-Signature`` = HMAC-SHA256 hex of the raw body; retried a few
    times when it fails), then redirects the browser (303) to
    ``return_url?order_id=…&status=…``. A settled order is not changed
    again; its notification is sent again if it never got through.
``GET /orders/<order_id>``
    the order's state as JSON (status, reference, notification attempts)
    for tests and for a developer's curiosity.
``GET /health``
    ``{"status": "ok"}``.

Everything is kept in memory and lost when the process stops. Nothing
here imports Tryton: it is the third party, not part of the platform.
gov_server.sandboxes starts it.
"""
import hashlib
import hmac
import html
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from gov_server.sandbox_common import parse_arguments

logger = logging.getLogger('gov_server.sandbox_payment')

STATUSES = ('paid', 'cancelled', 'failed')
ORDER_FIELDS = ('merchant_id', 'order_id', 'amount', 'currency',
    'description', 'return_url', 'notify_url')
NOTIFY_ATTEMPTS = 4
NOTIFY_BACKOFF = 0.2
NOTIFY_TIMEOUT = 5


def sign(secret, body):
    return hmac.new(secret.encode('utf-8'), body, hashlib.sha256).hexdigest()


def format_amount(amount):
    "1234567 → '1.234.567 đ' (Vietnamese grouping)."
    return f'{amount:,}'.replace(',', '.') + ' đ'


def _json(data, status=200):
    return Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json; charset=utf-8')


def _error(status, message):
    return _json({'error': message}, status=status)


PAGE = '''<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #eef2f6;
  margin: 0; padding: 2em 1em; color: #1d2733; }}
main {{ max-width: 28em; margin: auto; background: #fff; padding: 1.5em;
  border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
.sandbox {{ background: #fff3cd; padding: .5em; border-radius: 4px;
  font-size: .9em; }}
dt {{ color: #5b6770; font-size: .9em; margin-top: .8em; }}
dd {{ margin: 0; font-size: 1.05em; }}
.amount {{ font-size: 1.6em; font-weight: bold; white-space: nowrap; }}
form {{ display: flex; gap: .5em; margin-top: 1.5em; flex-wrap: wrap; }}
button {{ flex: 1; padding: .8em; font-size: 1em; border: 0;
  border-radius: 4px; cursor: pointer; color: #fff; }}
.paid {{ background: #0a7d32; }} .cancelled {{ background: #6c757d; }}
.failed {{ background: #b02a37; }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="sandbox">Môi trường thử nghiệm: không có tiền thật nào được
chuyển.</p>
{content}
</main>
</body>
</html>
'''

STATUS_LABELS = {
    'pending': 'Chờ thanh toán',
    'paid': 'Đã thanh toán',
    'cancelled': 'Đã hủy',
    'failed': 'Giao dịch lỗi',
    }


class Sandbox:
    "The WSGI application with its in-memory orders."

    def __init__(self, secret):
        if not secret:
            raise ValueError("the sandbox needs the shared secret")
        self.secret = secret
        self.orders = {}
        self.keys = {}
        self.lock = threading.Lock()
        self.url_map = Map([
                Rule('/health', endpoint='health', methods=['GET']),
                Rule('/orders', endpoint='create', methods=['POST']),
                Rule('/orders/<order_id>', endpoint='show',
                    methods=['GET']),
                Rule('/pay/<order_id>', endpoint='page', methods=['GET']),
                Rule('/pay/<order_id>', endpoint='settle',
                    methods=['POST']),
                ])

    def __call__(self, environ, start_response):
        request = Request(environ)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, values = adapter.match()
            response = getattr(self, endpoint)(request, **values)
        except HTTPException as error:
            response = error
        return response(environ, start_response)

    def health(self, request):
        return _json({'status': 'ok'})

    # ----------------------------------------------------------- orders
    def create(self, request):
        body = request.get_data(cache=False)
        key = request.headers.get('Idempotency-Key', '').strip()
        if not key:
            return _error(400, 'the Idempotency-Key header is required')
        signature = request.headers.get('X-Signature', '').strip().lower()
        if not hmac.compare_digest(
                sign(self.secret, body).encode(),
                signature.encode('ascii', 'replace')):
            return _error(401, 'missing or wrong X-Signature')
        try:
            order = json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            return _error(400, 'the body is not JSON')
        problem = self.check_order(order)
        if problem:
            return _error(400, problem)
        order = {k: order[k] for k in ORDER_FIELDS}
        redirect_url = (request.host_url
            + 'pay/' + urllib.parse.quote(order['order_id'], safe=''))
        with self.lock:
            known = self.keys.get(key)
            if known is not None:
                if self.orders[known]['request'] != order:
                    return _error(409, 'this Idempotency-Key was used for '
                        'another order')
                return _json({'redirect_url': redirect_url})
            if order['order_id'] in self.orders:
                return _error(409, 'this order_id exists under another '
                    'Idempotency-Key')
            self.keys[key] = order['order_id']
            self.orders[order['order_id']] = {
                'request': order,
                'status': 'pending',
                'reference': None,
                'notified': False,
                'notify_attempts': 0,
                }
        logger.info('order %s: %s for %s', order['order_id'],
            format_amount(order['amount']), order['merchant_id'])
        return _json({'redirect_url': redirect_url}, status=201)

    @staticmethod
    def check_order(order):
        if not isinstance(order, dict):
            return 'the body is not a JSON object'
        missing = [k for k in ORDER_FIELDS if k not in order]
        if missing:
            return 'missing: ' + ', '.join(missing)
        amount = order['amount']
        if isinstance(amount, bool) or not isinstance(amount, int) or (
                amount <= 0):
            return 'amount must be a positive whole number of đồng'
        if order['currency'] != 'VND':
            return 'only VND is accepted'
        for name in ('merchant_id', 'order_id', 'description'):
            if not isinstance(order[name], str):
                return f'{name} must be a string'
        if not order['order_id'] or '/' in order['order_id']:
            return 'order_id must be a non-empty string without /'
        for name in ('return_url', 'notify_url'):
            url = order[name]
            if (not isinstance(url, str)
                    or urllib.parse.urlsplit(url).scheme
                    not in {'http', 'https'}):
                return f'{name} must be an http(s) URL'
        return None

    def get(self, order_id):
        try:
            return self.orders[order_id]
        except KeyError:
            raise NotFound(f'no order {order_id}')

    def show(self, request, order_id):
        order = self.get(order_id)
        return _json({
                'order_id': order_id,
                'amount': order['request']['amount'],
                'status': order['status'],
                'reference': order['reference'],
                'notified': order['notified'],
                'notify_attempts': order['notify_attempts'],
                })

    # ---------------------------------------------------------- the page
    def page(self, request, order_id):
        order = self.get(order_id)
        data = order['request']
        e = html.escape
        content = (
            '<dl>'
            f'<dt>Đơn vị thụ hưởng</dt><dd>{e(data["merchant_id"])}</dd>'
            f'<dt>Mã đơn hàng</dt><dd>{e(order_id)}</dd>'
            f'<dt>Nội dung</dt><dd>{e(data["description"])}</dd>'
            f'<dt>Số tiền</dt><dd class="amount">'
            f'{e(format_amount(data["amount"]))}</dd>'
            f'<dt>Trạng thái</dt><dd>{STATUS_LABELS[order["status"]]}</dd>'
            '</dl>')
        if order['status'] == 'pending':
            content += (
                f'<form method="post" action="/pay/'
                f'{e(urllib.parse.quote(order_id, safe=""))}">'
                '<button class="paid" name="action" value="paid">'
                'Thanh toán</button>'
                '<button class="cancelled" name="action" value="cancelled">'
                'Hủy</button>'
                '<button class="failed" name="action" value="failed">'
                'Giao dịch lỗi</button>'
                '</form>')
        else:
            content += (f'<p><a href="{e(self.return_url(order))}">'
                'Quay lại trang dịch vụ công</a></p>')
        return Response(
            PAGE.format(title='Cổng thanh toán thử nghiệm', content=content),
            content_type='text/html; charset=utf-8')

    def settle(self, request, order_id):
        action = request.form.get('action')
        if action not in STATUSES:
            return _error(400, 'action must be paid, cancelled or failed')
        with self.lock:
            order = self.get(order_id)
            if order['status'] == 'pending':
                order['status'] = action
                order['reference'] = 'SBX' + secrets.token_hex(6).upper()
                logger.info('order %s: %s (%s)', order_id, action,
                    order['reference'])
        if not order['notified']:
            self.notify(order)
        return Response(status=303,
            headers={'Location': self.return_url(order)})

    @staticmethod
    def return_url(order):
        url = order['request']['return_url']
        query = urllib.parse.urlencode({
                'order_id': order['request']['order_id'],
                'status': order['status'],
                })
        return url + ('&' if '?' in url else '?') + query

    # ----------------------------------------------------- notification
    def notification(self, order):
        "The raw body and headers of the order's notification."
        data = order['request']
        body = json.dumps({
                'order_id': data['order_id'],
                'amount': data['amount'],
                'currency': data['currency'],
                'reference': order['reference'],
                'status': order['status'],
                }, ensure_ascii=False).encode('utf-8')
        return body, {
            'Content-Type': 'application/json; charset=utf-8',
            'X-Signature': sign(self.secret, body),
            }

    def notify(self, order):
        """Send the notification to notify_url, retrying with a growing
        pause; True when a 2xx answer came back."""
        body, headers = self.notification(order)
        url = order['request']['notify_url']
        delay = NOTIFY_BACKOFF
        for attempt in range(1, NOTIFY_ATTEMPTS + 1):
            order['notify_attempts'] += 1
            request = urllib.request.Request(
                url, data=body, headers=headers, method='POST')
            try:
                with urllib.request.urlopen(
                        request, timeout=NOTIFY_TIMEOUT) as response:
                    response.read(4096)
                order['notified'] = True
                logger.info('order %s: notification delivered (attempt %d)',
                    order['request']['order_id'], attempt)
                return True
            except (urllib.error.URLError, OSError) as error:
                logger.warning(
                    'order %s: notification attempt %d/%d to %s failed: %s',
                    order['request']['order_id'], attempt, NOTIFY_ATTEMPTS,
                    url, error)
            if attempt < NOTIFY_ATTEMPTS:
                time.sleep(delay)
                delay *= 2
        return False


def main(argv=None):
    args = parse_arguments('sandbox_payment', __doc__.splitlines()[0],
        8765, argv)
    if not args.verbose:
        logging.getLogger('werkzeug').setLevel(logging.WARNING)

    from werkzeug.serving import make_server
    server = make_server(args.host, args.port, Sandbox(args.secret),
        threaded=True)
    logger.info('listening on http://%s:%d', args.host, server.server_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == '__main__':
    main()
