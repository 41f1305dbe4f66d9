"""A sandbox postal operator: plays the carrier of paper originals and
results over real HTTP on this machine, so that development and tests run
the whole postal journey without a real operator.

    python -m gov_server.sandbox_postal --port P --secret S [--host H]
        [--customer-code C] [--auto-advance SECONDS]

(the secret may come from the environment variable GOV_SANDBOX_SECRET
instead, which keeps it out of the process list). It speaks the protocol
of gov_postal.carrier.HTTPCarrier:

``POST /shipments``
    JSON ``{customer_code, shipment_id, service, sender, recipient,
    cod_amount, callback_url}``, headers ``Idempotency-Key`` (required) and
    ``X-Signature`` (HMAC-SHA256 hex of the body; checked, 401 otherwise;
    a customer code other than ``--customer-code``: 403). Answers 201
    ``{"tracking_number": "EB…VN", …}`` (an S10 number with its check
    digit); the same request again with the same key answers 200 with the
    same body; another body under a used key, or a used shipment id under
    another key: 409.
``GET /shipments/<tracking_number>``
    signed over the request target (``X-Signature`` = HMAC-SHA256 of the
    path); answers the parcel and its events, oldest first: ``{"tracking_
    number", "shipment_id", "service", "status", "cod_amount", "events"}``.
``POST /shipments/<tracking_number>/events``
    the control endpoint of tests and demos (a real operator has none; it
    is not signed): JSON ``{"status", "note", "location", "cod_collected"}``
    (all but status optional; `cod_collected` defaults to the parcel's COD
    for ``delivered``, 0 otherwise) records the event (a unique event_id,
    the time now) and POSTs it, signed, to the parcel's callback_url —
    retried a few times while the platform is down or answers 5xx. Answers
    201 ``{"event": {…}, "callback": {"accepted", "status", "attempts",
    "error"}}``: whether the platform accepted the callback (2xx), with
    its last HTTP status. A parcel delivered, returned or lost takes no
    more events (409).
``GET /health``
    ``{"status": "ok"}``.

With ``--auto-advance SECONDS`` (``[gov_postal] auto_advance``, for `make
run`), each parcel moves by itself picked_up → in_transit → delivered, one
step per interval, each step sent to the platform like a control event.

Every JSON answer carries ``X-Signature`` over its body. Everything is
kept in memory and lost when the process stops. Nothing here imports
Tryton: it is the third party, not part of the platform.
gov_server.sandboxes starts it.
"""
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from gov_server.sandbox_common import (
    SandboxHandler, SandboxServer, parse_arguments)

logger = logging.getLogger('gov_server.sandbox_postal')

SERVICES = ('pickup', 'result')
STATUSES = ('picked_up', 'in_transit', 'delivered', 'failed', 'returned',
    'lost')
FINAL = ('delivered', 'returned', 'lost')
BOOKING_FIELDS = ('customer_code', 'shipment_id', 'service', 'sender',
    'recipient', 'cod_amount', 'callback_url')
# What auto_advance does next, and what the postman says.
NEXT = {None: 'picked_up', 'picked_up': 'in_transit',
    'in_transit': 'delivered'}
NOTES = {
    'picked_up': ('Bưu tá đã nhận bưu gửi', 'Bưu cục Gia Nghĩa'),
    'in_transit': ('Đang vận chuyển', 'Trung tâm khai thác Đắk Nông'),
    'delivered': ('Phát thành công', 'Bưu cục phát'),
    }
CALLBACK_ATTEMPTS = 4
CALLBACK_BACKOFF = 0.2
CALLBACK_TIMEOUT = 5
MAX_BODY = 1 << 20
KEY = re.compile(r'[A-Za-z0-9._:-]{1,64}')
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def sign(secret, data):
    return hmac.new(secret.encode('utf-8'), data, hashlib.sha256).hexdigest()


def s10(prefix, serial):
    "The UPU S10 number of an 8-digit serial: EB + serial + check + VN."
    digits = f'{serial:08d}'
    check = 11 - sum(int(d) * w for d, w in zip(digits, S10_WEIGHTS)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f'{prefix}{digits}{check}VN'


def _now():
    return dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _check_booking(booking):
    "What is wrong with the booking, or None."
    if not isinstance(booking, dict):
        return 'the body is not a JSON object'
    missing = [k for k in BOOKING_FIELDS if k not in booking]
    if missing:
        return 'missing: ' + ', '.join(missing)
    if not isinstance(booking['shipment_id'], str) or not KEY.fullmatch(
            booking['shipment_id']):
        return 'shipment_id must be 1 to 64 letters, digits or . _ : -'
    if booking['service'] not in SERVICES:
        return 'service must be pickup or result'
    for name in ('sender', 'recipient'):
        party = booking[name]
        if not isinstance(party, dict) or not all(
                isinstance(party.get(k), str) and party[k].strip()
                for k in ('name', 'address')) or not isinstance(
                party.get('phone', ''), str):
            return f'{name} needs a name and an address'
    cod = booking['cod_amount']
    if isinstance(cod, bool) or not isinstance(cod, int) or cod < 0:
        return 'cod_amount must be whole đồng, 0 or more'
    if urllib.parse.urlsplit(str(booking['callback_url'])).scheme not in {
            'http', 'https'}:
        return 'callback_url must be an http(s) URL'
    return None


class Operator:
    "The parcels in memory and what the operator does with them."

    def __init__(self, secret, customer_code=None, auto_advance=None):
        if not secret:
            raise ValueError("the sandbox needs the shared secret")
        self.secret = secret
        self.customer_code = customer_code
        self.auto_advance = auto_advance
        self.shipments = {}
        self.keys = {}
        self.lock = threading.Lock()
        self.serial = secrets.randbelow(10 ** 7) * 10

    def signed(self, data, headers):
        return hmac.compare_digest(sign(self.secret, data).encode(),
            (headers.get('X-Signature') or '').strip().lower().encode(
                'ascii', 'replace'))

    # ---------------------------------------------------------- booking
    def book(self, body, headers):
        "(status, answer) of POST /shipments."
        key = (headers.get('Idempotency-Key') or '').strip()
        if not key:
            return 400, {'error': 'the Idempotency-Key header is required'}
        if not self.signed(body, headers):
            return 401, {'error': 'missing or wrong X-Signature'}
        try:
            booking = json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            return 400, {'error': 'the body is not JSON'}
        problem = _check_booking(booking)
        if problem:
            return 400, {'error': problem}
        booking = {k: booking[k] for k in BOOKING_FIELDS}
        if self.customer_code and (
                booking['customer_code'] != self.customer_code):
            return 403, {'error': 'unknown customer code'}
        with self.lock:
            known = self.keys.get(key)
            if known is not None:
                shipment = self.shipments[known]
                if shipment['booking'] != booking:
                    return 409, {'error': 'this Idempotency-Key was used '
                        'for another shipment'}
                return 200, self.receipt(shipment)
            if any(s['booking']['shipment_id'] == booking['shipment_id']
                    for s in self.shipments.values()):
                return 409, {'error': 'this shipment_id exists under '
                    'another Idempotency-Key'}
            self.serial += 1
            tracking_number = s10('EB', self.serial % 10 ** 8)
            self.keys[key] = tracking_number
            shipment = self.shipments[tracking_number] = {
                'tracking_number': tracking_number,
                'booking': booking,
                'events': [],
                'changed': time.monotonic(),
                }
        logger.info('shipment %s: %s, %s for %s', booking['shipment_id'],
            tracking_number, booking['service'], booking['customer_code'])
        return 201, self.receipt(shipment)

    @staticmethod
    def receipt(shipment):
        return {
            'tracking_number': shipment['tracking_number'],
            'shipment_id': shipment['booking']['shipment_id'],
            'service': shipment['booking']['service'],
            }

    @staticmethod
    def status(shipment):
        events = shipment['events']
        return events[-1]['status'] if events else None

    def state(self, shipment):
        return dict(self.receipt(shipment),
            status=self.status(shipment) or 'created',
            cod_amount=shipment['booking']['cod_amount'],
            events=list(shipment['events']))

    def show(self, tracking_number, target, headers):
        "(status, answer) of GET /shipments/<tracking_number>."
        if not self.signed(target.encode('utf-8'), headers):
            return 401, {'error': 'missing or wrong X-Signature'}
        shipment = self.shipments.get(tracking_number)
        if shipment is None:
            return 404, {'error': 'unknown tracking number'}
        return 200, self.state(shipment)

    # ----------------------------------------------------------- events
    def control(self, tracking_number, body):
        "(status, answer) of POST /shipments/<tracking_number>/events."
        try:
            data = json.loads(body.decode('utf-8') or '{}')
        except (UnicodeDecodeError, ValueError):
            return 400, {'error': 'the body is not JSON'}
        if not isinstance(data, dict) or data.get('status') not in STATUSES:
            return 400, {'error': 'status must be one of '
                + ', '.join(STATUSES)}
        for name in ('note', 'location'):
            if not isinstance(data.get(name, ''), str):
                return 400, {'error': f'{name} must be a string'}
        cod = data.get('cod_collected')
        if cod is not None and (isinstance(cod, bool)
                or not isinstance(cod, int) or cod < 0):
            return 400, {'error': 'cod_collected must be whole đồng'}
        if cod and data['status'] != 'delivered':
            return 400, {'error': 'only a delivery collects COD'}
        shipment = self.shipments.get(tracking_number)
        if shipment is None:
            return 404, {'error': 'unknown tracking number'}
        event = self.record(shipment, data['status'], data.get('note', ''),
            data.get('location', ''), cod)
        if event is None:
            return 409, {'error': 'the shipment is '
                f'{self.status(shipment)}: no more events'}
        return 201, {'event': event, 'callback': self.notify(shipment, event)}

    def record(self, shipment, status, note, location, cod=None):
        "The new event of the shipment, or None once it is final."
        with self.lock:
            if self.status(shipment) in FINAL:
                return None
            if cod is None:
                cod = (shipment['booking']['cod_amount']
                    if status == 'delivered' else 0)
            event = {
                'tracking_number': shipment['tracking_number'],
                'event_id': 'EV' + secrets.token_hex(8).upper(),
                'status': status,
                'at': _now(),
                'location': location,
                'note': note,
                'cod_collected': cod,
                }
            shipment['events'].append(event)
            shipment['changed'] = time.monotonic()
        logger.info('shipment %s: %s', shipment['tracking_number'], status)
        return event

    def notify(self, shipment, event):
        """POST the signed event to the callback URL, retried while the
        platform is unreachable or answers 5xx: {accepted, status,
        attempts, error}."""
        body = json.dumps(event, ensure_ascii=False).encode('utf-8')
        headers = {'Content-Type': 'application/json; charset=utf-8',
            'X-Signature': sign(self.secret, body)}
        url = shipment['booking']['callback_url']
        result = {'accepted': False, 'status': None, 'attempts': 0,
            'error': None}
        delay = CALLBACK_BACKOFF
        while result['attempts'] < CALLBACK_ATTEMPTS:
            result['attempts'] += 1
            request = urllib.request.Request(url, data=body,
                headers=headers, method='POST')
            try:
                with urllib.request.urlopen(
                        request, timeout=CALLBACK_TIMEOUT) as response:
                    response.read(4096)
                    result.update(accepted=True, status=response.status,
                        error=None)
                    return result
            except urllib.error.HTTPError as error:
                result.update(status=error.code,
                    error=error.read(500).decode('utf-8', 'replace'))
                error.close()
                if error.code < 500:
                    break
            except (urllib.error.URLError, OSError) as error:
                result.update(status=None,
                    error=str(getattr(error, 'reason', error)))
            logger.warning('shipment %s: callback attempt %d to %s failed: '
                '%s', shipment['tracking_number'], result['attempts'], url,
                result['error'])
            if result['attempts'] < CALLBACK_ATTEMPTS:
                time.sleep(delay)
                delay *= 2
        return result

    def advance(self):
        "One step of every parcel whose last change is an interval old."
        now = time.monotonic()
        with self.lock:
            due = [s for s in self.shipments.values()
                if self.status(s) in NEXT
                and now - s['changed'] >= self.auto_advance]
        for shipment in due:
            status = NEXT[self.status(shipment)]
            event = self.record(shipment, status, *NOTES[status])
            if event is not None:
                self.notify(shipment, event)

    def run_auto_advance(self):
        while True:
            time.sleep(min(self.auto_advance / 4, 1))
            try:
                self.advance()
            except Exception:
                logger.exception('auto_advance')


class Handler(SandboxHandler):
    "The HTTP routes, answered from the server's Operator."
    logger = logger
    server_version = 'SandboxPostal/1'

    def answer(self, status, data):
        body = json.dumps(data, ensure_ascii=False).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('X-Signature', sign(self.server.operator.secret,
                body))
        self.end_headers()
        self.wfile.write(body)

    def parts(self):
        path = urllib.parse.urlsplit(self.path).path
        return [urllib.parse.unquote(p) for p in path.split('/') if p]

    def do_GET(self):
        parts = self.parts()
        if parts == ['health']:
            return self.answer(200, {'status': 'ok'})
        if len(parts) == 2 and parts[0] == 'shipments':
            return self.answer(*self.server.operator.show(
                    parts[1], self.path, self.headers))
        self.answer(404, {'error': 'not found'})

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            return self.answer(413, {'error': 'the body is too large'})
        body = self.rfile.read(length) if length else b''
        parts, operator = self.parts(), self.server.operator
        if parts == ['shipments']:
            return self.answer(*operator.book(body, self.headers))
        if len(parts) == 3 and parts[::2] == ['shipments', 'events']:
            return self.answer(*operator.control(parts[1], body))
        self.answer(404, {'error': 'not found'})




def main(argv=None):
    def extra(parser):
        parser.add_argument('--customer-code',
            help='the only customer code accepted (default: any)')
        parser.add_argument('--auto-advance', type=float,
            help='seconds between the steps of every parcel (default: none)')
    args = parse_arguments('sandbox_postal', __doc__.splitlines()[0], 8766,
        argv, extra)
    operator = Operator(args.secret, args.customer_code, args.auto_advance)
    if args.auto_advance:
        threading.Thread(target=operator.run_auto_advance,
            daemon=True).start()
    with SandboxServer((args.host, args.port), Handler, args.verbose,
            operator=operator) as server, \
            contextlib.suppress(KeyboardInterrupt):
        logger.info('listening on http://%s:%d', *server.server_address)
        server.serve_forever()


if __name__ == '__main__':
    main()
