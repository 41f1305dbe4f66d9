# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The HTTP carrier against the sandbox postal operator, over real HTTP on
127.0.0.1 (no database).

The sandbox runs as its own process, started by gov_server.sandboxes as
`make run` starts it; the operator's signed event callbacks are received
by a small HTTP server of the test and checked with `verify_event` (R-SEC);
`track` is the polling fallback (R-POST-3)."""
import datetime as dt
import json
import threading
import unittest
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager

import trytond.config as config

from gov_fee.tests.test_gateway_sandbox import (
    Recorder, _free_port, _without_section)
from gov_postal.carrier import (
    CarrierError, FakeCarrier, HTTPCarrier, SignatureError, get_carrier,
    sign)
from gov_server import sandbox_postal, sandboxes
from gov_server.sandbox_common import SandboxServer

SECRET = 'test-postal-secret'
CUSTOMER = 'DVC-DAKNONG-TEST'
CITIZEN = {'name': 'Nguyễn Thị Hoa',
    'address': 'Số 12 đường Lê Duẩn, phường Nghĩa Trung, Gia Nghĩa',
    'phone': '0912345678'}
AGENCY = {'name': 'Bộ phận Một cửa UBND tỉnh Đắk Nông',
    'address': 'Đường 23/3, phường Nghĩa Trung, Gia Nghĩa',
    'phone': '02613544123'}
CALLBACK = '/postal/callback'


_started = False


def setUpModule():
    global _started
    _started = 'postal' not in sandboxes.urls()
    sandboxes.start_all(
        {'gov_postal': {'secret': SECRET, 'customer_code': CUSTOMER}},
        names=['postal'])


def tearDownModule():
    if _started:
        sandboxes.stop_all()


def _settings():
    return sandboxes.settings()['gov_postal']


def _carrier(**overrides):
    "The HTTP carrier configured as sandboxes.settings() says."
    return HTTPCarrier(**{**_settings(), 'timeout': 5, 'backoff': 0.01,
            **overrides})


def _shipment_id():
    return 'SHP-' + uuid.uuid4().hex[:12].upper()


def _post(url, data, headers=None):
    "(status, JSON answer) of a POST of raw bytes."
    request = urllib.request.Request(url, data=data, method='POST',
        headers=dict({'Content-Type': 'application/json'}, **(headers or {})))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _control(tracking_number, **event):
    "The sandbox's control endpoint: the operator records an event."
    return _post(f"{_settings()['carrier_url']}/shipments/{tracking_number}"
        "/events", json.dumps(event).encode())


class SandboxCarrierTestCase(unittest.TestCase):

    def setUp(self):
        self.platform = Recorder()
        self.platform.__enter__()
        self.addCleanup(self.platform.__exit__)
        self.carrier = _carrier()

    def create(self, shipment_id=None, service='pickup', cod_amount=0,
            carrier=None, **kwargs):
        shipment_id = shipment_id or _shipment_id()
        arguments = dict(sender=CITIZEN, recipient=AGENCY,
            callback_url=self.platform.url + CALLBACK)
        arguments.update(kwargs)
        result = (carrier or self.carrier).create_shipment(shipment_id,
            service, cod_amount=cod_amount, **arguments)
        return shipment_id, result['tracking_number']

    def callbacks(self):
        return self.platform.posts(CALLBACK)

    def test_health(self):
        with urllib.request.urlopen(sandboxes.urls()['postal'] + '/health',
                timeout=10) as response:
            self.assertEqual(json.loads(response.read()), {'status': 'ok'})

    def test_create_idempotent(self):
        "A retried booking (same shipment id) is the same parcel."
        shipment_id, tracking_number = self.create(service='result',
            cod_amount=35000)
        self.assertRegex(tracking_number, r'^EB\d{9}VN$')
        self.assertEqual(self.create(shipment_id, service='result',
                cod_amount=35000)[1], tracking_number)
        self.assertNotEqual(self.create()[1], tracking_number)
        with self.assertRaisesRegex(CarrierError, 'HTTP 409'):
            self.create(shipment_id, service='result', cod_amount=1)

    def test_forged_request_refused(self):
        "The sandbox checks X-Signature of a booking (R-SEC)."
        with self.assertRaisesRegex(CarrierError, 'HTTP 401'):
            self.create(carrier=_carrier(secret='not-the-secret'))
        with self.assertRaisesRegex(CarrierError, 'HTTP 403'):
            self.create(carrier=_carrier(customer_code='SOMEONE-ELSE'))
        body = json.dumps({'customer_code': CUSTOMER,
                'shipment_id': _shipment_id(), 'service': 'pickup',
                'sender': CITIZEN, 'recipient': AGENCY, 'cod_amount': 0,
                'callback_url': self.platform.url + CALLBACK}).encode()
        url = _settings()['carrier_url'] + '/shipments'
        key = {'Idempotency-Key': 'SHP-RAW'}
        self.assertEqual(_post(url, body, key)[0], 401)
        self.assertEqual(_post(url, body, dict(key,
                    **{'X-Signature': sign(SECRET, body + b' ')}))[0], 401)
        self.assertEqual(_post(url, body,
                {'X-Signature': sign(SECRET, body)})[0], 400)
        self.assertEqual(self.callbacks(), [])

    def test_event_verified(self):
        """An event reaches the platform signed; verify_event accepts it and
        refuses it changed by one byte or without its signature (R-SEC)."""
        _, tracking_number = self.create()
        status, answer = _control(tracking_number, status='picked_up',
            note='Đã nhận hồ sơ giấy', location='Bưu cục Gia Nghĩa')
        self.assertEqual(status, 201)
        self.assertEqual(answer['callback'], {'accepted': True,
                'status': 200, 'attempts': 1, 'error': None})
        [callback] = self.callbacks()
        body, headers = callback['body'], callback['headers']
        event = self.carrier.verify_event(body, headers)
        self.assertEqual(event['event_id'], answer['event']['event_id'])
        at = event.pop('at')
        self.assertIsNone(at.tzinfo)
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.assertLess(abs(now - at), dt.timedelta(minutes=1))
        self.assertEqual({k: v for k, v in event.items() if k != 'event_id'},
            {'tracking_number': tracking_number, 'status': 'picked_up',
                'location': 'Bưu cục Gia Nghĩa',
                'note': 'Đã nhận hồ sơ giấy', 'cod_collected': 0})

        # One byte changed, the signature kept.
        forged = bytearray(body)
        forged[body.index(b'picked_up')] = ord('P')
        with self.assertRaises(SignatureError):
            self.carrier.verify_event(bytes(forged), headers)
        with self.assertRaises(SignatureError):
            self.carrier.verify_event(body, {
                    'X-Signature': sign('not-the-secret', body)})
        without = {k: v for k, v in headers.items()
            if k.lower() != 'x-signature'}
        with self.assertRaisesRegex(SignatureError, 'no X-Signature'):
            self.carrier.verify_event(body, without)
        with self.assertRaises(SignatureError):
            self.carrier.verify_event(body, None)

    def test_signed_but_malformed(self):
        good = {'tracking_number': 'EB000000015VN', 'event_id': 'E1',
            'status': 'delivered', 'at': '2026-03-02T15:15:00+07:00',
            'location': '', 'note': '', 'cod_collected': 0}
        body = json.dumps(good).encode()
        self.assertEqual(self.carrier.verify_event(body,
                {'X-Signature': sign(SECRET, body)})['at'],
            dt.datetime(2026, 3, 2, 8, 15))
        for bad in [None, {'status': 'delivered'},
                dict(good, status='eaten'), dict(good, cod_collected=-1),
                dict(good, cod_collected=1.5), dict(good, at='yesterday'),
                dict(good, at='2026-03-02T08:15:00')]:
            body = b'not json' if bad is None else json.dumps(bad).encode()
            with self.subTest(body=body), \
                    self.assertRaises(CarrierError) as caught:
                self.carrier.verify_event(body,
                    {'X-Signature': sign(SECRET, body)})
            self.assertNotIsInstance(caught.exception, SignatureError)

    def test_track(self):
        """track() gives the parcel's events, oldest first, from the signed
        answer of the operator (R-POST-3, R-SEC)."""
        _, tracking_number = self.create(service='result', cod_amount=35000)
        self.assertEqual(self.carrier.track(tracking_number), [])
        for status in ['picked_up', 'in_transit', 'failed', 'in_transit',
                'delivered']:
            self.assertEqual(_control(tracking_number, status=status)[0], 201)
        events = self.carrier.track(tracking_number)
        self.assertEqual([e['status'] for e in events], ['picked_up',
                'in_transit', 'failed', 'in_transit', 'delivered'])
        self.assertEqual([e['event_id'] for e in events],
            [self.carrier.verify_event(c['body'], c['headers'])['event_id']
                for c in self.callbacks()])
        self.assertEqual(len({e['event_id'] for e in events}), 5)
        # The postman collected the COD on delivery.
        self.assertEqual([e['cod_collected'] for e in events],
            [0, 0, 0, 0, 35000])
        # Delivered is final.
        self.assertEqual(_control(tracking_number, status='lost')[0], 409)
        with self.assertRaisesRegex(CarrierError, 'HTTP 404'):
            self.carrier.track('EB000000000VN')
        with self.assertRaisesRegex(CarrierError, 'HTTP 401'):
            _carrier(secret='not-the-secret').track(tracking_number)

    def test_control_refused(self):
        _, tracking_number = self.create()
        for event in [{}, {'status': 'eaten'},
                {'status': 'picked_up', 'cod_collected': 5000},
                {'status': 'delivered', 'cod_collected': -1}]:
            with self.subTest(event=event):
                self.assertEqual(_control(tracking_number, **event)[0], 400)
        self.assertEqual(_control('EB000000000VN', status='lost')[0], 404)
        self.assertEqual(self.callbacks(), [])

    def test_callback_retried(self):
        "The platform fails twice: the sandbox tries again; a 4xx is final."
        _, tracking_number = self.create()
        self.platform.statuses = [503, 502]
        status, answer = _control(tracking_number, status='picked_up')
        self.assertEqual(answer['callback']['accepted'], True)
        self.assertEqual(answer['callback']['attempts'], 3)
        self.assertEqual(len({c['body'] for c in self.callbacks()}), 1)
        self.platform.statuses = [400]
        status, answer = _control(tracking_number, status='in_transit')
        self.assertEqual(status, 201)
        self.assertEqual((answer['callback']['accepted'],
                answer['callback']['status'],
                answer['callback']['attempts']), (False, 400, 1))

    def test_track_answer_verified(self):
        "An answer to track() without the operator's signature is refused."
        answer = json.dumps({'tracking_number': 'EB000000015VN',
                'events': []}).encode()
        with Recorder(answer=answer) as operator:
            carrier = HTTPCarrier(carrier_url=operator.url,
                customer_code=CUSTOMER, secret=SECRET)
            with self.assertRaises(SignatureError):
                carrier.track('EB000000015VN')
            [request] = operator.requests
            self.assertEqual(request['path'], '/shipments/EB000000015VN')
            self.assertEqual(request['headers']['X-Signature'],
                sign(SECRET, b'/shipments/EB000000015VN'))

    def test_refused_inputs(self):
        for kwargs, message in [
                (dict(service='express'), 'service'),
                (dict(shipment_id='bad/id'), 'shipment id'),
                (dict(cod_amount=-1), 'COD'),
                (dict(cod_amount=1.5), 'COD'),
                (dict(recipient=dict(CITIZEN, address=' ')), 'address'),
                (dict(sender=None), 'sender'),
                (dict(callback_url='ftp://x/y'), 'callback URL'),
                ]:
            with self.subTest(**kwargs), \
                    self.assertRaisesRegex(ValueError, message):
                self.create(**kwargs)

    def test_configured_carrier(self):
        "[gov_postal] from sandboxes.apply() selects the HTTP adapter."
        # apply() writes every running sandbox's section: both restored.
        with _without_section('gov_postal'), _without_section('gov_fee'):
            sandboxes.apply(config)
            carrier = get_carrier()
            self.assertIsInstance(carrier, HTTPCarrier)
            _, tracking_number = self.create(carrier=carrier)
            self.assertEqual(carrier.track(tracking_number), [])

    def test_not_configured(self):
        carrier = HTTPCarrier(carrier_url=_settings()['carrier_url'],
            customer_code=CUSTOMER)
        with _without_section('gov_postal'), \
                self.assertRaisesRegex(CarrierError, 'secret'):
            self.create(carrier=carrier)


class RetryTestCase(unittest.TestCase):
    "The carrier's retries, against a local server that fails on purpose."

    def carrier(self, url, attempts=3):
        return HTTPCarrier(carrier_url=url, customer_code=CUSTOMER,
            secret=SECRET, attempts=attempts, backoff=0.01, timeout=5)

    def test_5xx_retried_with_the_same_key(self):
        answer = json.dumps({'tracking_number': 'EB000000015VN'}).encode()
        with Recorder(status=200, statuses=[503, 503],
                answer=answer) as operator:
            self.assertEqual(self.carrier(operator.url).create_shipment(
                    'SHP-1', 'result', AGENCY, CITIZEN, 35000,
                    'http://127.0.0.1/callback'),
                {'tracking_number': 'EB000000015VN'})
            posts = operator.posts('/shipments')
            self.assertEqual(len(posts), 3)
            self.assertEqual({p['headers']['Idempotency-Key']
                    for p in posts}, {'SHP-1'})
            self.assertEqual(len({p['body'] for p in posts}), 1)
            self.assertEqual(posts[0]['headers']['X-Signature'],
                sign(SECRET, posts[0]['body']))
            self.assertEqual(json.loads(posts[0]['body']), {
                    'customer_code': CUSTOMER, 'shipment_id': 'SHP-1',
                    'service': 'result', 'sender': AGENCY,
                    'recipient': CITIZEN, 'cod_amount': 35000,
                    'callback_url': 'http://127.0.0.1/callback'})

    def test_4xx_not_retried(self):
        with Recorder(status=422) as operator:
            with self.assertRaisesRegex(CarrierError, 'HTTP 422'):
                self.carrier(operator.url).create_shipment('SHP-2',
                    'pickup', CITIZEN, AGENCY, 0, 'http://127.0.0.1/cb')
            self.assertEqual(len(operator.posts('/shipments')), 1)

    def test_unreachable(self):
        carrier = self.carrier(f'http://127.0.0.1:{_free_port()}',
            attempts=2)
        with self.assertRaisesRegex(CarrierError,
                'unreachable .* after 2 attempts'):
            carrier.create_shipment('SHP-3', 'pickup', CITIZEN, AGENCY, 0,
                'http://127.0.0.1/cb')

    def test_answer_without_tracking_number(self):
        with Recorder(status=201, answer=b'{"id": 1}') as operator:
            with self.assertRaisesRegex(CarrierError, 'tracking_number'):
                self.carrier(operator.url).create_shipment('SHP-4',
                    'pickup', CITIZEN, AGENCY, 0, 'http://127.0.0.1/cb')


class AutoAdvanceTestCase(unittest.TestCase):
    "make run's sandbox moves each parcel by itself, one step at a time."

    @contextmanager
    def operator(self):
        operator = sandbox_postal.Operator(SECRET, CUSTOMER, auto_advance=0)
        server = SandboxServer(('127.0.0.1', 0), sandbox_postal.Handler,
            operator=operator)
        thread = threading.Thread(target=server.serve_forever,
            kwargs={'poll_interval': 0.05}, daemon=True)
        thread.start()
        try:
            yield operator, f'http://127.0.0.1:{server.server_port}'
        finally:
            server.shutdown()
            server.server_close()

    def test_steps(self):
        with self.operator() as (operator, url), Recorder() as platform:
            carrier = HTTPCarrier(carrier_url=url, customer_code=CUSTOMER,
                secret=SECRET)
            tracking_number = carrier.create_shipment('SHP-AUTO', 'result',
                AGENCY, CITIZEN, 20000,
                platform.url + CALLBACK)['tracking_number']
            for _ in range(4):
                operator.advance()
            events = [carrier.verify_event(c['body'], c['headers'])
                for c in platform.posts(CALLBACK)]
            self.assertEqual([e['status'] for e in events],
                ['picked_up', 'in_transit', 'delivered'])
            self.assertEqual(events[-1]['cod_collected'], 20000)
            self.assertEqual(carrier.track(tracking_number), events)


class FakeCarrierTestCase(unittest.TestCase):
    "The in-memory carrier for tests of the models."

    def test_shipment_and_events(self):
        with _without_section('gov_postal'):
            config.add_section('gov_postal')
            config.set('gov_postal', 'carrier', 'fake')
            carrier = get_carrier()
        self.assertIsInstance(carrier, FakeCarrier)
        shipment_id = _shipment_id()
        arguments = (shipment_id, 'pickup', CITIZEN, AGENCY, 0,
            'http://127.0.0.1/callback')
        tracking_number = carrier.create_shipment(
            *arguments)['tracking_number']
        self.assertEqual(carrier.create_shipment(*arguments),
            {'tracking_number': tracking_number})
        with self.assertRaises(CarrierError):
            carrier.create_shipment(shipment_id, 'result', CITIZEN, AGENCY,
                0, 'http://127.0.0.1/callback')
        body, headers = carrier.event(tracking_number, 'picked_up',
            at=dt.datetime(2026, 3, 2, 1, 0))
        event = carrier.verify_event(body, headers)
        self.assertEqual((event['status'], event['at']),
            ('picked_up', dt.datetime(2026, 3, 2, 1, 0)))
        with self.assertRaises(SignatureError):
            carrier.verify_event(body.replace(b'picked_up', b'delivered'),
                headers)
        carrier.event(tracking_number, 'delivered',
            at=dt.datetime(2026, 3, 2, 3, 0))
        self.assertEqual([e['status'] for e in carrier.track(
                    tracking_number)], ['picked_up', 'delivered'])
