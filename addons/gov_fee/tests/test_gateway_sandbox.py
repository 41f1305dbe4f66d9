# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The HTTP payment gateway against the sandbox payment platform, over real
HTTP on 127.0.0.1 (no database).

The sandbox runs as its own process, started by gov_server.sandboxes as
`make run` starts it; the platform's server-to-server notifications are
received by a small HTTP server of the test, the citizen's clicks are
plain HTTP requests."""
import http.client
import json
import socket
import threading
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trytond.config as config

from gov_server import sandboxes

from ..gateway import (
    FakePaymentGateway, HTTPPaymentGateway, PaymentGatewayError,
    SignatureError, get_gateway, sign)

SECRET = 'test-shared-secret'
MERCHANT = 'DVC-DAKNONG-TEST'
DESCRIPTION = 'Lệ phí cấp giấy phép xây dựng — hồ sơ 000.00.00.H16-260101-0001'

_started = False


def setUpModule():
    global _started
    _started = 'payment' not in sandboxes.urls()
    sandboxes.start_all(
        {'gov_fee': {'secret': SECRET, 'merchant_id': MERCHANT}},
        names=['payment'])


def tearDownModule():
    if _started:
        sandboxes.stop_all()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Recorder(ThreadingHTTPServer):
    """A local HTTP server that keeps every request (method, path, headers,
    body) and answers `statuses` in turn, then `status`."""
    daemon_threads = True

    def __init__(self, status=200, statuses=(), answer=b'{"ok": true}'):
        super().__init__(('127.0.0.1', 0), _Handler)
        self.requests = []
        self.status = status
        self.statuses = list(statuses)
        self.answer = answer
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever,
            kwargs={'poll_interval': 0.05}, daemon=True)

    @property
    def url(self):
        return f'http://127.0.0.1:{self.server_address[1]}'

    def next_status(self):
        with self.lock:
            return self.statuses.pop(0) if self.statuses else self.status

    def posts(self, path):
        return [r for r in self.requests
            if r['method'] == 'POST' and r['path'] == path]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):

    def _record(self, method):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        self.server.requests.append({
                'method': method,
                'path': self.path.split('?')[0],
                'query': urllib.parse.parse_qs(
                    urllib.parse.urlsplit(self.path).query),
                'headers': dict(self.headers.items()),
                'body': body,
                })
        status = self.server.next_status()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(self.server.answer)))
        self.end_headers()
        self.wfile.write(self.server.answer)

    def do_POST(self):
        self._record('POST')

    def do_GET(self):
        self._record('GET')

    def log_message(self, *args):
        pass


def _settings():
    return sandboxes.settings()['gov_fee']


def _gateway(**overrides):
    settings = _settings()
    options = dict(payment_url=settings['payment_url'],
        merchant_id=settings['merchant_id'], secret=settings['secret'],
        timeout=5, backoff=0.01)
    options.update(overrides)
    return HTTPPaymentGateway(**options)


def _order_id():
    return 'FEE-' + uuid.uuid4().hex[:12].upper()


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return (response.status, response.headers.get('Content-Type'),
            response.read().decode('utf-8'))


def _click(redirect_url, action):
    """The citizen presses a button of the pay page: (status, Location),
    the redirect not followed."""
    parts = urllib.parse.urlsplit(redirect_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port,
        timeout=30)
    try:
        connection.request('POST', parts.path,
            body=urllib.parse.urlencode({'action': action}),
            headers={'Content-Type': 'application/x-www-form-urlencoded'})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader('Location')
    finally:
        connection.close()


class SandboxPaymentTestCase(unittest.TestCase):

    def setUp(self):
        self.merchant = Recorder()
        self.merchant.__enter__()
        self.addCleanup(self.merchant.__exit__)
        self.gateway = _gateway()

    def create(self, amount=1234567, order_id=None, gateway=None):
        order_id = order_id or _order_id()
        redirect_url = (gateway or self.gateway).create_order(
            order_id, amount, DESCRIPTION,
            self.merchant.url + '/return?from=sandbox',
            self.merchant.url + '/notify')
        return order_id, redirect_url

    def test_health(self):
        status, content_type, text = _get(sandboxes.urls()['payment']
            + '/health')
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(text), {'status': 'ok'})

    def test_paid(self):
        "Order, the bank page, payment, signed notification, return."
        order_id, redirect_url = self.create()
        self.assertEqual(redirect_url,
            sandboxes.urls()['payment'] + '/pay/' + order_id)

        status, content_type, page = _get(redirect_url)
        self.assertEqual(status, 200)
        self.assertTrue(content_type.startswith('text/html'))
        self.assertIn('lang="vi"', page)
        self.assertIn('1.234.567 đ', page)
        self.assertIn(DESCRIPTION, page)
        self.assertIn(MERCHANT, page)
        for label in ['>Thanh toán<', '>Hủy<', '>Giao dịch lỗi<']:
            self.assertIn(label, page)

        status, location = _click(redirect_url, 'paid')
        self.assertEqual(status, 303)
        parts = urllib.parse.urlsplit(location)
        self.assertEqual(f'{parts.scheme}://{parts.netloc}{parts.path}',
            self.merchant.url + '/return')
        self.assertEqual(urllib.parse.parse_qs(parts.query), {
                'from': ['sandbox'], 'order_id': [order_id],
                'status': ['paid']})

        # The notification came server to server before the redirect.
        [notification] = self.merchant.posts('/notify')
        self.assertTrue(notification['headers']['Content-Type'].startswith(
                'application/json'))
        result = self.gateway.verify_notification(
            notification['body'], notification['headers'])
        reference = result.pop('reference')
        self.assertRegex(reference, r'^SBX[0-9A-F]{12}$')
        self.assertEqual(result, {
                'order_id': order_id, 'amount': 1234567, 'currency': 'VND',
                'status': 'paid'})

        # The browser follows the redirect back to the portal.
        status, _, _ = _get(location)
        self.assertEqual(status, 200)

        # A settled order stays settled; no second notification.
        status, _, page = _get(redirect_url)
        self.assertIn('Đã thanh toán', page)
        self.assertNotIn('>Thanh toán<', page)
        status, location = _click(redirect_url, 'failed')
        self.assertEqual(status, 303)
        self.assertIn('status=paid', location)
        self.assertEqual(len(self.merchant.posts('/notify')), 1)

    def test_cancelled_and_failed(self):
        for action in ['cancelled', 'failed']:
            with self.subTest(action=action):
                order_id, redirect_url = self.create(amount=50000)
                status, location = _click(redirect_url, action)
                self.assertEqual(status, 303)
                self.assertIn(f'status={action}', location)
                notification = self.merchant.posts('/notify')[-1]
                result = self.gateway.verify_notification(
                    notification['body'], notification['headers'])
                self.assertEqual((result['order_id'], result['status'],
                        result['amount']), (order_id, action, 50000))

    def test_unknown_action(self):
        order_id, redirect_url = self.create()
        status, _ = _click(redirect_url, 'refund')
        self.assertEqual(status, 400)
        self.assertEqual(self.merchant.posts('/notify'), [])

    def test_forged_and_missing_signature(self):
        order_id, redirect_url = self.create(amount=200000)
        _click(redirect_url, 'paid')
        [notification] = self.merchant.posts('/notify')
        body, headers = notification['body'], notification['headers']
        self.gateway.verify_notification(body, headers)

        # The amount changed, the signature kept.
        forged = body.replace(b'200000', b'2000')
        self.assertNotEqual(forged, body)
        with self.assertRaises(SignatureError):
            self.gateway.verify_notification(forged, headers)
        # Signed with another secret.
        with self.assertRaises(SignatureError):
            self.gateway.verify_notification(body, {
                    'X-Signature': sign('not-the-secret', body)})
        # Not hex, not ASCII.
        for value in ['zz', 'é' * 64, '']:
            with self.assertRaises(SignatureError):
                self.gateway.verify_notification(
                    body, {'X-Signature': value})
        # No signature at all.
        without = {k: v for k, v in headers.items()
            if k.lower() != 'x-signature'}
        with self.assertRaisesRegex(SignatureError, 'no X-Signature'):
            self.gateway.verify_notification(body, without)
        with self.assertRaises(SignatureError):
            self.gateway.verify_notification(body, None)
        # The header's name is case-insensitive, as in HTTP; pairs work.
        signature = headers['X-Signature']
        self.gateway.verify_notification(body, {'x-signature': signature})
        self.gateway.verify_notification(body,
            [('X-SIGNATURE', signature.upper())])

    def test_signed_but_malformed(self):
        for body in [b'not json', b'[]', b'{"order_id": "X"}',
                json.dumps({'order_id': 'X', 'amount': 1.5,
                        'currency': 'VND', 'reference': 'R',
                        'status': 'paid'}).encode(),
                json.dumps({'order_id': 'X', 'amount': 1,
                        'currency': 'VND', 'reference': 'R',
                        'status': 'refunded'}).encode()]:
            with self.subTest(body=body), \
                    self.assertRaises(PaymentGatewayError) as caught:
                self.gateway.verify_notification(body,
                    {'X-Signature': sign(_settings()['secret'], body)})
            self.assertNotIsInstance(caught.exception, SignatureError)

    def test_idempotency(self):
        "The same order again: the same redirect; other values: refused."
        order_id, redirect_url = self.create()
        self.assertEqual(self.create(order_id=order_id)[1], redirect_url)
        with self.assertRaisesRegex(PaymentGatewayError, 'HTTP 409'):
            self.create(order_id=order_id, amount=1)

    def test_idempotency_key_raw(self):
        "The platform's side of idempotency, with hand-made requests."
        url = _settings()['payment_url']
        order_id = _order_id()
        body = json.dumps({
                'merchant_id': MERCHANT, 'order_id': order_id,
                'amount': 10000, 'currency': 'VND', 'description': 'x',
                'return_url': self.merchant.url + '/return',
                'notify_url': self.merchant.url + '/notify'}).encode()

        def post(headers, data=body):
            request = urllib.request.Request(url, data=data, method='POST',
                headers=dict({'Content-Type': 'application/json'},
                    **headers))
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())

        signature = sign(_settings()['secret'], body)
        self.assertEqual(post({'X-Signature': signature})[0], 400)
        self.assertEqual(post({'Idempotency-Key': order_id})[0], 401)
        self.assertEqual(post({'Idempotency-Key': order_id,
                    'X-Signature': sign('wrong', body)})[0], 401)
        first = post({'Idempotency-Key': order_id, 'X-Signature': signature})
        again = post({'Idempotency-Key': order_id, 'X-Signature': signature})
        self.assertEqual(first[0], 201)
        self.assertEqual(again, (200, first[1]))
        # The same order under another key is not a second order.
        self.assertEqual(post({'Idempotency-Key': 'other-' + order_id,
                    'X-Signature': signature})[0], 409)

    def test_notification_retried(self):
        "The merchant's server fails twice: the sandbox tries again."
        self.merchant.statuses = [500, 503]
        order_id, redirect_url = self.create(amount=30000)
        status, _ = _click(redirect_url, 'paid')
        self.assertEqual(status, 303)
        posts = self.merchant.posts('/notify')
        self.assertEqual(len(posts), 3)
        self.assertEqual(len({p['body'] for p in posts}), 1)
        self.assertEqual(self.gateway.verify_notification(
                posts[-1]['body'], posts[-1]['headers'])['status'], 'paid')
        _, _, state = _get(sandboxes.urls()['payment']
            + '/orders/' + order_id)
        state = json.loads(state)
        self.assertEqual((state['status'], state['notified'],
                state['notify_attempts']), ('paid', True, 3))

    def test_refused_inputs(self):
        for kwargs, message in [
                (dict(amount=0), 'positive'),
                (dict(amount=1.5), 'whole'),
                (dict(order_id='bad/id'), 'order id'),
                (dict(order_id='x' * 65), 'order id'),
                ]:
            with self.subTest(**kwargs), \
                    self.assertRaisesRegex(ValueError, message):
                self.create(**kwargs)
        with self.assertRaisesRegex(ValueError, 'return URL'):
            self.gateway.create_order(_order_id(), 1000, 'x',
                'javascript:alert(1)', self.merchant.url + '/notify')

    def test_configured_gateway(self):
        "[gov_fee] settings from sandboxes.apply() select the HTTP adapter."
        with _configured_from_sandboxes():
            gateway = get_gateway()
            self.assertIsInstance(gateway, HTTPPaymentGateway)
            order_id, redirect_url = self.create(gateway=gateway)
            self.assertTrue(redirect_url.endswith('/pay/' + order_id))

    def test_not_configured(self):
        gateway = HTTPPaymentGateway(payment_url=_settings()['payment_url'],
            merchant_id=MERCHANT)
        with _without_section('gov_fee'), \
                self.assertRaisesRegex(PaymentGatewayError, 'secret'):
            self.create(gateway=gateway)


class RetryTestCase(unittest.TestCase):
    "The gateway's retries, against a local server that fails on purpose."

    def test_5xx_retried_with_the_same_key(self):
        answer = json.dumps(
            {'redirect_url': 'http://127.0.0.1/pay/FEE-1'}).encode()
        with Recorder(status=201, statuses=[503, 502],
                answer=answer) as platform:
            gateway = HTTPPaymentGateway(payment_url=platform.url + '/orders',
                merchant_id=MERCHANT, secret=SECRET, attempts=3,
                backoff=0.01, timeout=5)
            self.assertEqual(gateway.create_order('FEE-1', 1000, 'x',
                    'http://127.0.0.1/return', 'http://127.0.0.1/notify'),
                'http://127.0.0.1/pay/FEE-1')
            posts = platform.posts('/orders')
            self.assertEqual(len(posts), 3)
            self.assertEqual({p['headers']['Idempotency-Key']
                    for p in posts}, {'FEE-1'})
            self.assertEqual(len({p['body'] for p in posts}), 1)
            self.assertEqual(posts[0]['headers']['X-Signature'],
                sign(SECRET, posts[0]['body']))
            self.assertEqual(json.loads(posts[0]['body']), {
                    'merchant_id': MERCHANT, 'order_id': 'FEE-1',
                    'amount': 1000, 'currency': 'VND', 'description': 'x',
                    'return_url': 'http://127.0.0.1/return',
                    'notify_url': 'http://127.0.0.1/notify'})

    def test_5xx_bounded(self):
        with Recorder(status=500) as platform:
            gateway = HTTPPaymentGateway(payment_url=platform.url + '/orders',
                merchant_id=MERCHANT, secret=SECRET, attempts=3,
                backoff=0.01)
            with self.assertRaisesRegex(PaymentGatewayError, 'HTTP 500'):
                gateway.create_order('FEE-2', 1000, 'x',
                    'http://127.0.0.1/return', 'http://127.0.0.1/notify')
            self.assertEqual(len(platform.posts('/orders')), 3)

    def test_4xx_not_retried(self):
        with Recorder(status=400) as platform:
            gateway = HTTPPaymentGateway(payment_url=platform.url + '/orders',
                merchant_id=MERCHANT, secret=SECRET, attempts=3,
                backoff=0.01)
            with self.assertRaisesRegex(PaymentGatewayError, 'HTTP 400'):
                gateway.create_order('FEE-3', 1000, 'x',
                    'http://127.0.0.1/return', 'http://127.0.0.1/notify')
            self.assertEqual(len(platform.posts('/orders')), 1)

    def test_unreachable(self):
        gateway = HTTPPaymentGateway(
            payment_url=f'http://127.0.0.1:{_free_port()}/orders',
            merchant_id=MERCHANT, secret=SECRET, attempts=2, backoff=0.01)
        with self.assertRaisesRegex(PaymentGatewayError,
                'unreachable .* after 2 attempts'):
            gateway.create_order('FEE-4', 1000, 'x',
                'http://127.0.0.1/return', 'http://127.0.0.1/notify')

    def test_answer_without_redirect(self):
        with Recorder(status=200, answer=b'{"url": "x"}') as platform:
            gateway = HTTPPaymentGateway(payment_url=platform.url + '/orders',
                merchant_id=MERCHANT, secret=SECRET)
            with self.assertRaisesRegex(PaymentGatewayError, 'redirect_url'):
                gateway.create_order('FEE-5', 1000, 'x',
                    'http://127.0.0.1/return', 'http://127.0.0.1/notify')


class FakeGatewayTestCase(unittest.TestCase):
    "The in-memory gateway for tests of the payment workflow."

    def test_order_and_notification(self):
        with _without_section('gov_fee'):
            config.add_section('gov_fee')
            config.set('gov_fee', 'gateway', 'fake')
            gateway = get_gateway()
        self.assertIsInstance(gateway, FakePaymentGateway)
        order_id = _order_id()
        url = gateway.create_order(order_id, 25000, 'x',
            'http://127.0.0.1/return', 'http://127.0.0.1/notify')
        self.assertTrue(url.endswith(order_id))
        body, headers = gateway.notification(order_id, 'paid')
        self.assertEqual(gateway.verify_notification(body, headers), {
                'order_id': order_id, 'amount': 25000, 'currency': 'VND',
                'reference': 'FAKE-' + order_id, 'status': 'paid'})
        with self.assertRaises(SignatureError):
            gateway.verify_notification(body.replace(b'25000', b'2500'),
                headers)
        with self.assertRaises(PaymentGatewayError):
            gateway.create_order(order_id, 1, 'x',
                'http://127.0.0.1/return', 'http://127.0.0.1/notify')


@contextmanager
def _configured_from_sandboxes():
    "trytond.config's [gov_fee] as sandboxes.apply() sets it, then restored."
    with _without_section('gov_fee'):
        sandboxes.apply(config)
        yield


@contextmanager
def _without_section(section):
    "The section emptied for the block, then restored as it was."
    saved = ({k: config.get(section, k) for k in config.options(section)}
        if config.has_section(section) else None)
    if saved is not None:
        config.remove_section(section)
    config._cache_clear()
    try:
        yield
    finally:
        if config.has_section(section):
            config.remove_section(section)
        if saved is not None:
            config.add_section(section)
            for key, value in saved.items():
                config.set(section, key, value)
        config._cache_clear()
