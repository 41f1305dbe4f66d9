# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The postal operator that carries paper originals and results, behind one
interface.

A carrier does three things and never touches the database:

``create_shipment(shipment_id, service, sender, recipient, cod_amount,
callback_url)``
    books a parcel with the operator and returns ``{'tracking_number':
    str}``. `shipment_id` is ours (gov.postal.shipment's), unique, and is
    the request's ``Idempotency-Key``: a retried booking never creates a
    second parcel. `service` is ``pickup`` (the postman collects the paper
    originals at the citizen's home and brings them to the agency) or
    ``result`` (the postman delivers the result to the citizen); `sender`
    and `recipient` are ``{'name', 'address', 'phone'}`` (the phone may
    be empty: the operator's adapter says whether it needs one);
    `cod_amount` is whole đồng the postman collects on delivery (0: none);
    the operator sends the parcel's events to `callback_url`. Raises
    `CarrierError` when the operator does not accept the booking.

``verify_event(body, headers)``
    checks that an event received on `callback_url` (the raw body, bytes,
    and its headers) really comes from the operator (R-SEC) and returns
    the event: ``dict(tracking_number, event_id, status, at, location,
    note, cod_collected)``, `at` a naive UTC datetime, `cod_collected`
    whole đồng (0 unless a delivery collected money), `status` one of
    `STATUSES`: ``picked_up``, ``in_transit``, ``delivered``, ``failed``
    (a delivery attempt failed; the postman tries again), ``returned``,
    ``lost``. `event_id` is the operator's, unique: an event delivered
    twice is recognised by it. Raises `SignatureError` for a missing or
    forged signature, `CarrierError` for a signed but malformed event.

``track(tracking_number)``
    the parcel's events as the same dicts, oldest first: the polling
    fallback for a callback that never came (R-POST-3).

The carrier is chosen in the trytond configuration, section
``[gov_postal]``:

``carrier``
    - ``http`` (default): `HTTPCarrier`, the generic adapter below.
    - ``fake``: `FakeCarrier`, keeps the parcels in memory and signs events
      itself; nothing leaves the machine. For tests of the models.

Settings of ``http`` (all in ``[gov_postal]``):

``carrier_url``   the operator's API (required), e.g.
                  ``https://api.postal.example.vn/v1``; during development
                  the sandbox started by gov_server.sandboxes
``customer_code`` our customer code at the operator (required)
``secret``        the shared secret of the HMAC signatures (required)
``timeout``       seconds per HTTP attempt (10)
``attempts``      HTTP attempts (3): connection errors, timeouts and 5xx
                  answers are retried, 4xx are not
``backoff``       seconds before the first retry (0.5), doubled each time

The protocol of ``http`` (signatures: gov_agency.signed_http):

- book: ``POST <carrier_url>/shipments`` with the JSON body
  ``{"customer_code", "shipment_id", "service", "sender", "recipient",
  "cod_amount", "callback_url"}``, the headers ``Idempotency-Key:
  <shipment_id>`` (the operator answers a repeated booking with the first
  one's result) and ``X-Signature: <HMAC-SHA256 of the body, hex>``; the
  answer is ``{"tracking_number": …}`` with a 2xx status;
- events: ``POST <callback_url>`` with the JSON body ``{"tracking_number",
  "event_id", "status", "at" (ISO 8601 with its offset, e.g.
  "2026-03-02T08:15:00Z"), "location", "note", "cod_collected"}`` and
  ``X-Signature``, the HMAC-SHA256 (hex) of the raw body with the shared
  secret, compared in constant time; the operator retries until it gets a
  2xx answer;
- tracking: ``GET <carrier_url>/shipments/<tracking_number>`` signed over
  its request target (``X-Signature`` = HMAC-SHA256 of the path); the
  answer ``{"tracking_number", "events": [...]}`` (events as above, oldest
  first) carries its own ``X-Signature`` over the answer's body, verified
  like an event's.

gov_server/sandbox_postal.py plays that operator over real HTTP.

What a real postal operator's adapter configures
------------------------------------------------

A real operator — VNPost (Bưu điện Việt Nam) with its public-service
postal (BCCI) offer, Viettel Post, … — has its own API; its adapter is a
`Carrier` subclass registered with ``register_carrier('name', Class)`` and
selected by ``[gov_postal] carrier``. What it maps and configures:

- the customer: the customer code (mã khách hàng) of the agency's postal
  contract, the API user or token and its renewal, the signing key or
  certificate → ``[gov_postal]`` options of that adapter; one code per
  contract when each agency signs its own;
- the services: ``pickup`` and ``result`` → the operator's service codes
  (e.g. a public-administration collection service and a delivery
  service, EMS or ordinary parcel), with the options it requires (weight
  class, declared value, "do not open", proof of delivery signed by the
  recipient);
- the addresses: name, address and phone → its fields, often with the
  province/district/ward codes of its own list, and its checks of phone
  numbers;
- idempotency → what the operator offers (an idempotency header, or the
  uniqueness of our order reference: a second booking with the same
  reference is refused, and the adapter reads the first one back);
- the webhook: the callback URL is often registered once with the
  operator (in the customer's settings) rather than sent per parcel —
  the adapter then puts the shipment id in the reference the operator
  echoes; its signature scheme (HMAC over the body or over sorted fields,
  a token in a header) → `verify_event`, always over what was received,
  compared in constant time, and the acknowledgement it expects;
- the status codes → ``picked_up`` (collected / accepted at the post
  office), ``in_transit`` (dispatched, arrived at a sorting centre, out
  for delivery), ``delivered``, ``failed`` (an attempt failed: nobody at
  home, wrong address), ``returned`` (returned to sender), ``lost``; the
  codes it has and we do not need are ignored or kept as notes; its
  event times in its time zone → naive UTC;
- COD: the amount collected → `cod_collected` in whole đồng; the
  operator pays the COD it collected over to the agency's account later,
  with a statement: the reconciliation compares that statement with the
  delivered events' `cod_collected`;
- a tracking query (its tracking or "journey" call) for `track`.
"""
import datetime as dt
import itertools
import json
import logging
import threading
import urllib.parse
from decimal import Decimal

from gov_agency import signed_http
from gov_agency.signed_http import sign

logger = logging.getLogger(__name__)

__all__ = [
    'CarrierError', 'SignatureError', 'Carrier', 'HTTPCarrier',
    'FakeCarrier', 'register_carrier', 'get_carrier', 'sign', 'SERVICES',
    'STATUSES']

SECTION = 'gov_postal'
SERVICES = ('pickup', 'result')
STATUSES = ('picked_up', 'in_transit', 'delivered', 'failed', 'returned',
    'lost')
EVENT_FIELDS = ('tracking_number', 'event_id', 'status', 'at', 'location',
    'note', 'cod_collected')
PARTY_FIELDS = ('name', 'address', 'phone')


def _config():
    # Read when asked: importing the carrier needs no configuration.
    import trytond.config as config
    return config


class CarrierError(Exception):
    "The operator did not accept the request, or sent an unusable answer."


class SignatureError(CarrierError):
    "An event's (or an answer's) signature is missing or does not match."


def _check_service(service):
    if service not in SERVICES:
        raise ValueError(
            f"the service must be one of {', '.join(SERVICES)}, "
            f"not {service!r}")
    return service


def _check_party(party, what):
    if not isinstance(party, dict):
        raise ValueError(f"the {what} must be a dict of {PARTY_FIELDS}")
    result = {}
    for name in PARTY_FIELDS:
        value = party.get(name) or ''
        if not isinstance(value, str) or (
                name != 'phone' and not value.strip()):
            raise ValueError(f"the {what}'s {name} is required")
        result[name] = value.strip()
    return result


def _check_cod(amount):
    "amount as whole đồng (int), 0 or more."
    if isinstance(amount, Decimal) and amount.is_finite() and (
            amount == amount.to_integral_value()):
        amount = int(amount)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(
            f"the COD amount must be whole đồng, 0 or more, not {amount!r}")
    return amount


def _parse_at(value):
    "An ISO 8601 time with its offset → naive UTC datetime."
    if not isinstance(value, str):
        raise CarrierError(f"the event's time {value!r} is not a string")
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CarrierError(f"the event's time {value!r} is not ISO 8601")
    if at.tzinfo is None:
        raise CarrierError(f"the event's time {value!r} has no UTC offset")
    return at.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def format_at(at):
    "A datetime (naive: UTC) as the protocol writes it (…Z)."
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at.replace(microsecond=0).isoformat() + 'Z'


def read_event(data):
    "The event dict from its decoded JSON object (CarrierError if unusable)."
    if not isinstance(data, dict):
        raise CarrierError("the event is not a JSON object")
    missing = [k for k in EVENT_FIELDS if k not in data]
    if missing:
        raise CarrierError(f"the event lacks {', '.join(missing)}")
    for name in ('tracking_number', 'event_id'):
        if not isinstance(data[name], str) or not data[name]:
            raise CarrierError(f"the event's {name} must be a string")
    for name in ('location', 'note'):
        if not isinstance(data[name], (str, type(None))):
            raise CarrierError(f"the event's {name} must be a string")
    if data['status'] not in STATUSES:
        raise CarrierError(
            f"unknown shipment status {data['status']!r} in the event")
    cod = data['cod_collected']
    if isinstance(cod, bool) or not isinstance(cod, int) or cod < 0:
        raise CarrierError(
            f"the event's cod_collected {cod!r} is not whole đồng")
    return {
        'tracking_number': data['tracking_number'],
        'event_id': data['event_id'],
        'status': data['status'],
        'at': _parse_at(data['at']),
        'location': data['location'] or '',
        'note': data['note'] or '',
        'cod_collected': cod,
        }


class Carrier:
    "A postal operator."
    name = None

    def create_shipment(self, shipment_id, service, sender, recipient,
            cod_amount, callback_url):
        "Book the parcel; return {'tracking_number': str}."
        raise NotImplementedError

    def verify_event(self, body, headers):
        "The verified event dict; SignatureError when it is not authentic."
        raise NotImplementedError

    def track(self, tracking_number):
        "The parcel's event dicts, oldest first (R-POST-3)."
        raise NotImplementedError


class _SignedEvents(signed_http.Signed):
    "Events signed with HMAC-SHA256 of the raw body (X-Signature)."
    error = CarrierError
    signature_error = SignatureError

    def verify_event(self, body, headers):
        "The event, once its X-Signature is checked over the raw body (R-SEC)."
        return read_event(self.verified(body, headers, 'event'))


def _booking(shipment_id, service, sender, recipient, cod_amount,
        callback_url):
    "The booking's JSON fields, checked (ValueError for a bad argument)."
    return {
        'shipment_id': signed_http.check_key(shipment_id, 'shipment id'),
        'service': _check_service(service),
        'sender': _check_party(sender, 'sender'),
        'recipient': _check_party(recipient, 'recipient'),
        'cod_amount': _check_cod(cod_amount),
        'callback_url': signed_http.check_url(callback_url, 'callback URL'),
        }


class HTTPCarrier(_SignedEvents, signed_http.Configured, Carrier):
    """The generic adapter: JSON over HTTP, HMAC-SHA256 signatures (protocol
    in the module's docstring).

    The settings come from ``[gov_postal]``; keyword arguments given to the
    constructor take precedence (carrier_url, customer_code, secret,
    timeout, attempts, backoff)."""
    name = 'http'
    section = SECTION
    party = 'postal operator'

    def secret(self):
        return self.required('secret')

    def url(self, *path):
        base = self.required('carrier_url').rstrip('/')
        return '/'.join([base] + [urllib.parse.quote(p, safe='')
                for p in path])

    def request(self, shipment_id, service, sender, recipient, cod_amount,
            callback_url):
        "The urllib request booking the parcel (split out to be testable)."
        booking = _booking(shipment_id, service, sender, recipient,
            cod_amount, callback_url)
        data = dict(customer_code=self.required('customer_code'), **booking)
        return signed_http.signed_request(self.url('shipments'),
            self.secret(), data, key=shipment_id)

    def create_shipment(self, shipment_id, service, sender, recipient,
            cod_amount, callback_url):
        request = self.request(shipment_id, service, sender, recipient,
            cod_amount, callback_url)
        status, _, answer = signed_http.send(request, **self.retries(),
            error=CarrierError, party=self.party,
            subject=f'shipment {shipment_id}')
        try:
            tracking_number = json.loads(
                answer.decode('utf-8'))['tracking_number']
            signed_http.check_key(tracking_number, 'tracking number')
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise CarrierError(
                "the postal operator's answer has no valid tracking_number "
                f"(HTTP {status}): {answer[:500]!r}")
        return {'tracking_number': tracking_number}

    def track(self, tracking_number):
        """The parcel's events, oldest first (R-POST-3), from a signed
        request whose signed answer is verified (R-SEC)."""
        signed_http.check_key(tracking_number, 'tracking number')
        request = signed_http.signed_request(
            self.url('shipments', tracking_number), self.secret())
        _, headers, answer = signed_http.send(request, **self.retries(),
            error=CarrierError, party=self.party,
            subject=f'tracking {tracking_number}')
        data = self.verified(answer, headers, 'tracking answer')
        events = data.get('events')
        if (data.get('tracking_number') != tracking_number
                or not isinstance(events, list)):
            raise CarrierError(
                f"the tracking answer is not about {tracking_number}")
        events = [read_event(e) for e in events]
        if any(e['tracking_number'] != tracking_number for e in events):
            raise CarrierError(
                f"the tracking answer mixes parcels with {tracking_number}")
        return sorted(events, key=lambda e: e['at'])


class FakeCarrier(_SignedEvents, Carrier):
    """Keeps the parcels in memory (tests of the models).

    `shipments` maps tracking number → the booking's dict with its
    `events`; `event()` records an event and makes the signed callback the
    operator would send, to feed to the callback route or to
    `verify_event`. Signed with ``[gov_postal] secret`` when set, else
    with `default_secret`."""
    name = 'fake'
    shipments = {}
    default_secret = 'fake-postal-secret'
    _numbers = itertools.count(1)
    _lock = threading.Lock()

    def secret(self):
        return _config().get(SECTION, 'secret', default=None) or (
            self.default_secret)

    def create_shipment(self, shipment_id, service, sender, recipient,
            cod_amount, callback_url):
        booking = _booking(shipment_id, service, sender, recipient,
            cod_amount, callback_url)
        with self._lock:
            for tracking_number, shipment in self.shipments.items():
                if shipment['shipment_id'] == shipment_id:
                    if shipment['booking'] != booking:
                        raise CarrierError(
                            f"shipment {shipment_id} exists with other "
                            "values")
                    return {'tracking_number': tracking_number}
            tracking_number = f'FK{next(self._numbers):09d}VN'
            self.shipments[tracking_number] = {
                'shipment_id': shipment_id,
                'booking': booking,
                'events': [],
                }
        logger.warning("fake carrier: shipment %s kept, not sent "
            "(set [gov_postal] carrier = http for a real operator)",
            shipment_id)
        return {'tracking_number': tracking_number}

    def event(self, tracking_number, status, note='', location='',
            cod_collected=0, at=None):
        """(body, headers) of the signed callback of a new event of the
        parcel, recorded for `track`."""
        shipment = self.shipments[tracking_number]
        events = shipment['events']
        data = {
            'tracking_number': tracking_number,
            'event_id': f'{tracking_number}-{len(events) + 1:03d}',
            'status': status,
            'at': format_at(at or _utcnow()),
            'location': location,
            'note': note,
            'cod_collected': cod_collected,
            }
        events.append(data)
        return signed_http.signed_json(self.secret(), data)

    def track(self, tracking_number):
        try:
            events = self.shipments[tracking_number]['events']
        except KeyError:
            raise CarrierError(f"HTTP 404 from the postal operator for "
                f"tracking {tracking_number}: unknown")
        return sorted((read_event(e) for e in events), key=lambda e: e['at'])


_CARRIERS = signed_http.Adapters(SECTION, 'carrier', 'http', CarrierError,
    'carrier', http=HTTPCarrier, fake=FakeCarrier)


def register_carrier(name, carrier_class):
    "Make a carrier available as [gov_postal] carrier = <name>."
    _CARRIERS.register(name, carrier_class)


def get_carrier():
    "The configured carrier ([gov_postal] carrier)."
    return _CARRIERS.get()
