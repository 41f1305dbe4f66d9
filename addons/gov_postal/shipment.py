# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Shipments of the public-utility postal service and their tracking
(R-POST-2, R-POST-3; QĐ 04/2019, Điều 17, 18, 29).

A shipment carries a dossier's paper originals from the citizen's home to
the agency (direction ``pickup``) or its result to the citizen (``result``).
It is registered with the carrier (carrier.py), which gives its tracking
number, then moves by events — sent by the carrier's signed webhook,
fetched by polling, or recorded by the postal staff — each kept in the
timeline with its source:

    requested → picked_up → in_transit → delivered
                                       → failed → (delivered | returned)
                                       → returned | lost

An event is applied once (the carrier's event id), and never moves the
state backwards: an event older than the state is kept in the timeline
only. Delivered, returned and lost are final.

What a change of state does is asked of the dossier and other models:
delivered result → the dossier is done at the delivery time, with the
fees collected on delivery recorded as a payment; lost → compensation
(``_on_state``, which other files of the module complete)."""
import logging
import uuid
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_agency.public import public_url

from .carrier import CarrierError, get_carrier
from .contract import PICKUP_SERVICES
from .exceptions import ShipmentAccessError, ShipmentError

DIRECTIONS = [
    ('pickup', "Dossier to the Agency"),
    ('result', "Result to the Citizen"),
    ]
STATES = [
    ('requested', "Requested"),
    ('picked_up', "Picked Up"),
    ('in_transit', "In Transit"),
    ('failed', "Delivery Failed"),
    ('delivered', "Delivered"),
    ('returned', "Returned to Sender"),
    ('lost', "Lost"),
    ]
# An event moves the state only forwards.
RANK = {
    'requested': 0, 'picked_up': 1, 'in_transit': 2, 'failed': 3,
    'delivered': 4, 'returned': 4, 'lost': 4,
    }
FINAL_STATES = {'delivered', 'returned', 'lost'}
SOURCES = [
    ('carrier', "Carrier"),
    ('staff', "Postal Staff"),
    ('officer', "Officer"),
    ]
WEBHOOK_PATH = '/buu-chinh/su-kien'
logger = logging.getLogger(__name__)
# What the postal staff and officers may still write through RPC.
WRITABLE = {'recipient_name', 'address', 'phone', 'note'}


class Shipment(ModelSQL, ModelView):
    "A shipment of a dossier or its result by the postal service."
    __name__ = 'gov.postal.shipment'
    __string__ = "Postal Shipment"
    _rec_name = 'tracking_number'

    _requested = {'readonly': Eval('state') != 'requested'}

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, readonly=True,
        ondelete='RESTRICT')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT')
    direction = fields.Selection(
        DIRECTIONS, "Direction", required=True, readonly=True, sort=False)
    direction_string = direction.translated('direction')
    contract = fields.Many2One(
        'gov.postal.contract', "Contract", required=True, readonly=True,
        ondelete='RESTRICT')
    enterprise = fields.Many2One(
        'gov.postal.enterprise', "Postal Enterprise", required=True,
        readonly=True, ondelete='RESTRICT')
    reference = fields.Char(
        "Reference", required=True, readonly=True,
        help="Our identifier of the shipment at the carrier (a retried "
        "registration never creates a second parcel).")
    tracking_number = fields.Char("Tracking Number", readonly=True)
    recipient_name = fields.Char(
        "Recipient", required=True, states=_requested)
    address = fields.Text("Address", required=True, states=_requested)
    phone = fields.Char("Phone", required=True, states=_requested)
    charge = fields.Numeric(
        "Postal Charge (đồng)", digits=(16, 0), required=True,
        readonly=True)
    cod_amount = fields.Numeric(
        "To Collect on Delivery (đồng)", digits=(16, 0), required=True,
        readonly=True,
        help="The fees still owed and the postal charge, collected by the "
        "post from the citizen.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    events = fields.One2Many(
        'gov.postal.shipment.event', 'shipment', "Tracking", readonly=True)
    requested_at = fields.DateTime("Requested At", readonly=True)
    picked_up_at = fields.DateTime("Picked Up At", readonly=True)
    delivered_at = fields.DateTime("Delivered At", readonly=True)
    closed_at = fields.DateTime("Closed At", readonly=True)
    failure_reason = fields.Text("Failure Reason", readonly=True)
    cod_payment = fields.Many2One(
        'gov.fee.payment', "Payment Collected", readonly=True,
        ondelete='RESTRICT')
    note = fields.Text("Note")

    del _requested

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('reference_uniq', Unique(t, t.reference),
                'gov_postal.msg_shipment_reference_unique'),
            ('tracking_uniq', Unique(t, t.enterprise, t.tracking_number),
                'gov_postal.msg_shipment_tracking_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.tracking_number, Index.Equality())),
                Index(t, (t.enterprise, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('requested_at', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'mark_picked_up': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'mark_in_transit': {
                    'invisible': ~Eval('state').in_(
                        ['requested', 'picked_up']),
                    'depends': ['state'],
                    },
                'mark_delivered': {
                    'invisible': ~Eval('state').in_(
                        ['picked_up', 'in_transit', 'failed']),
                    'depends': ['state'],
                    },
                'report_problem': {
                    'invisible': Eval('state').in_(list(FINAL_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    @classmethod
    def default_charge(cls):
        return Decimal(0)

    @classmethod
    def default_cod_amount(cls):
        return Decimal(0)

    def get_rec_name(self, name):
        return self.tracking_number or self.reference

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('tracking_number', operator, value),
            ('dossier.code', operator, value),
            ]

    @classmethod
    def _now(cls):
        return Pool().get('gov.dossier')._now()

    # ------------------------------------------------------ registration
    @classmethod
    def request(cls, dossiers, direction, strict=True):
        """New shipments of the dossiers in direction ('pickup': the paper
        originals from the citizen's home; 'result'), each under the
        agency's active contract for the procedure, registered with the
        carrier. ShipmentError when no contract offers the service, or an
        address or a phone is missing; nothing is created then. Not
        strict, a carrier that cannot be reached leaves the shipments
        without tracking number, for the job to register them later."""
        pool = Pool()
        Contract = pool.get('gov.postal.contract')
        Dossier = pool.get('gov.dossier')
        kinds = (PICKUP_SERVICES if direction == 'pickup'
            else {'return_result'})
        now = cls._now()
        to_create = []
        for dossier in dossiers:
            service = Contract.offer(dossier.agency, dossier.procedure, kinds)
            if service is None:
                raise ShipmentError(gettext(
                        'gov_postal.msg_no_contract',
                        dossier=dossier.rec_name,
                        procedure=dossier.procedure.rec_name,
                        agency=dossier.agency.rec_name))
            values = dossier.shipment_values(direction)
            if not (values.get('address') or '').strip():
                raise ShipmentError(gettext(
                        'gov_postal.msg_shipment_no_address',
                        dossier=dossier.rec_name))
            if not (values.get('phone') or '').strip():
                raise ShipmentError(gettext(
                        'gov_postal.msg_shipment_no_phone',
                        dossier=dossier.rec_name))
            charge = service.charge or Decimal(0)
            contract = service.contract
            cod = Decimal(0)
            if direction == 'result' and contract.collect_cod:
                cod = dossier.postal_amount_due() + charge
            to_create.append(dict(values,
                    dossier=dossier.id, agency=dossier.agency.id,
                    direction=direction, contract=contract.id,
                    enterprise=contract.enterprise.id,
                    reference=uuid.uuid4().hex, charge=charge,
                    cod_amount=cod, requested_at=now, state='requested'))
        with without_check_access():
            shipments = cls.create(to_create)
            if direction == 'result':
                # Handed to the post: the 24-hour rule is met.
                Dossier.write(list(dossiers), {'postal_handover_due': None})
        cls.register(shipments, strict=strict)
        return shipments

    @classmethod
    def register(cls, shipments, strict=True):
        """Register the shipments with the carrier: each gets its tracking
        number. Strict, a carrier that refuses or cannot be reached stops
        the whole request (ShipmentError, nothing kept); else the shipment
        waits for the next attempt (``poll``)."""
        carrier = get_carrier()
        callback = public_url() + WEBHOOK_PATH
        registered = []
        for shipment in shipments:
            if shipment.tracking_number:
                continue
            dossier = shipment.dossier
            agency = cls._agency_party(dossier.agency)
            if not agency['address']:
                raise ShipmentError(gettext(
                        'gov_postal.msg_agency_no_address',
                        agency=dossier.agency.rec_name))
            citizen = {
                'name': shipment.recipient_name,
                'address': shipment.address,
                'phone': shipment.phone,
                }
            sender, recipient = ((citizen, agency)
                if shipment.direction == 'pickup' else (agency, citizen))
            try:
                answer = carrier.create_shipment(
                    shipment.reference, shipment.direction, sender,
                    recipient, int(shipment.cod_amount), callback)
            except CarrierError as error:
                if not strict:
                    logger.warning("carrier: shipment %s not registered: %s",
                        shipment.reference, error)
                    continue
                raise ShipmentError(gettext(
                        'gov_postal.msg_carrier_refused',
                        dossier=dossier.rec_name, error=str(error)))
            shipment.tracking_number = answer['tracking_number']
            registered.append(shipment)
        with without_check_access():
            cls.save(registered)
        cls._add_events([(s, {
                        'status': 'requested',
                        'at': s.requested_at,
                        'event_id': None,
                        }) for s in registered], 'officer')

    @staticmethod
    def _agency_party(agency):
        """The agency as sender or recipient: its name, and the address and
        phone of the nearest agency up the tree that has them (a one-stop
        desk works at its People's Committee's address)."""
        address = phone = None
        node = agency
        while node and not (address and phone):
            address = address or node.address
            phone = phone or node.phone
            node = node.parent
        return {'name': agency.name, 'address': address or '',
            'phone': phone or ''}

    # ------------------------------------------------------------ events
    @classmethod
    def carrier_event(cls, event):
        """Apply a verified event of the carrier (carrier.verify_event or
        track): returns the shipment, or None when the event was already
        applied. ShipmentError for an unknown tracking number."""
        shipment = cls.find(event['tracking_number'])
        if shipment is None:
            raise ShipmentError(gettext(
                    'gov_postal.msg_unknown_tracking',
                    number=event['tracking_number']))
        with without_check_access():
            applied = cls._add_events([(shipment, event)], 'carrier')
        return shipment if applied else None

    @classmethod
    def find(cls, tracking_number):
        "The shipment of the tracking number, or None."
        if not tracking_number:
            return None
        with without_check_access():
            shipments = cls.search([
                    ('tracking_number', '=', tracking_number),
                    ], limit=1)
        return shipments[0] if shipments else None

    @classmethod
    def poll(cls, shipments=None):
        """Ask the carrier for the events of the shipments still moving
        (the fallback of a webhook that never came); the daily job calls
        it with none."""
        carrier = get_carrier()
        if shipments is None:
            shipments = cls.search([
                    ('state', 'not in', list(FINAL_STATES)),
                    ])
        cls.register([s for s in shipments if not s.tracking_number],
            strict=False)
        for shipment in shipments:
            if not shipment.tracking_number:
                continue
            try:
                events = carrier.track(shipment.tracking_number)
            except CarrierError:
                continue
            cls._add_events([(shipment, e) for e in events], 'carrier')

    @classmethod
    def record(cls, shipments, status, note=None, cod_collected=None):
        "An event recorded by a user (postal staff, officer)."
        Event = Pool().get('gov.postal.shipment.event')
        if status not in RANK or status == 'requested':
            raise ShipmentError(gettext(
                    'gov_postal.msg_shipment_bad_status', status=status))
        for shipment in shipments:
            if shipment.state in FINAL_STATES or (
                    RANK[status] <= RANK[shipment.state]):
                raise ShipmentError(gettext(
                        'gov_postal.msg_shipment_backwards',
                        shipment=shipment.rec_name,
                        state=shipment.state_string,
                        status=Event.status_label(status)))
        if status in {'failed', 'returned', 'lost'} and not (
                note or '').strip():
            raise ShipmentError(gettext('gov_postal.msg_reason_required'))
        source = 'staff' if cls._user_is_postal() else 'officer'
        now = cls._now()
        cls._add_events([(s, {
                        'status': status,
                        'at': now,
                        'event_id': None,
                        'note': note,
                        'cod_collected': cod_collected,
                        }) for s in shipments], source)

    @staticmethod
    def _user_is_postal():
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        return ModelData.get_id('gov_agency', 'group_postal') in (
            User.get_groups())

    @classmethod
    def _add_events(cls, items, source):
        """Record the events [(shipment, event dict)] of source and move
        the shipments forwards; returns the number of new events (an event
        id already recorded for the shipment is skipped)."""
        pool = Pool()
        Event = pool.get('gov.postal.shipment.event')
        user = Transaction().user or None
        created, changed = [], {}
        for shipment, event in items:
            key = event.get('event_id')
            if key and Event.search([
                        ('shipment', '=', shipment.id),
                        ('external_id', '=', key),
                        ], limit=1):
                continue
            created.append({
                    'shipment': shipment.id,
                    'status': event['status'],
                    'at': event.get('at') or cls._now(),
                    'source': source,
                    'external_id': key,
                    'location': event.get('location'),
                    'note': event.get('note'),
                    'user': user if source != 'carrier' else None,
                    })
            current = (changed[shipment.id][1]['status']
                if shipment.id in changed else shipment.state)
            if current not in FINAL_STATES and (
                    RANK[event['status']] > RANK[current]):
                changed[shipment.id] = (shipment, dict(event))
        if created:
            with without_check_access():
                Event.create(created)
        for shipment, event in changed.values():
            cls._move(shipment, event)
        by_state = {}
        for shipment, event in changed.values():
            by_state.setdefault(event['status'], []).append(shipment)
        for state, shipments in by_state.items():
            cls._on_state(cls.browse(shipments), state)
        return len(created)

    @classmethod
    def _move(cls, shipment, event):
        status, at = event['status'], event.get('at') or cls._now()
        values = {'state': status}
        if status == 'picked_up' or (
                status in {'in_transit', 'delivered'}
                and not shipment.picked_up_at):
            values['picked_up_at'] = at
        if status == 'delivered':
            values['delivered_at'] = at
        if status == 'failed':
            values['failure_reason'] = event.get('note')
        if status in FINAL_STATES:
            values['closed_at'] = at
        with without_check_access():
            cls.write([shipment], values)
        if status == 'delivered' and shipment.direction == 'result':
            cls._collect_on_delivery(shipment, event)

    @classmethod
    def _collect_on_delivery(cls, shipment, event):
        """The fees the post collected on delivery become a payment of the
        dossier (method postal), before the dossier is done."""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        dossier = shipment.dossier
        owed = dossier.postal_amount_due()
        if shipment.cod_amount <= 0 or owed <= 0:
            return
        with without_check_access():
            payment = Payment.record(dossier, 'postal', owed,
                payer_name=shipment.recipient_name,
                reference=shipment.tracking_number, at=event.get('at'))
            cls.write([shipment], {'cod_payment': payment.id})

    @classmethod
    def _on_state(cls, shipments, state):
        """What a shipment reaching state does to its dossier and others
        (delivered result → dossier done; other files add theirs)."""
        Dossier = Pool().get('gov.dossier')
        if state == 'delivered':
            results = [s for s in shipments if s.direction == 'result']
            for shipment in results:
                dossier = shipment.dossier
                if dossier.state != 'result_ready':
                    continue
                try:
                    # What else the dossier waits for (fees not collected):
                    # the delivery stays recorded, the desk closes it.
                    Dossier._check_event([dossier], 'done')
                except UserError as error:
                    logger.warning("dossier %s delivered but not done: %s",
                        dossier.code, error.message)
                    continue
                with without_check_access():
                    Dossier._done([dossier], date=shipment.delivered_at)

    # ----------------------------------------------------------- buttons
    @classmethod
    @ModelView.button
    def mark_picked_up(cls, shipments):
        cls.record(shipments, 'picked_up')

    @classmethod
    @ModelView.button
    def mark_in_transit(cls, shipments):
        cls.record(shipments, 'in_transit')

    @classmethod
    @ModelView.button
    def mark_delivered(cls, shipments):
        cls.record(shipments, 'delivered')

    @classmethod
    @ModelView.button_action('gov_postal.wizard_report_problem')
    def report_problem(cls, shipments):
        pass

    # ---------------------------------------------------------- checks
    @classmethod
    def check_modification(cls, mode, shipments, values=None,
            external=False):
        super().check_modification(
            mode, shipments, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            if set(values) - WRITABLE:
                raise ShipmentAccessError(gettext(
                        'gov_postal.msg_shipment_buttons_only'))
            if set(values) - {'note'} and any(
                    s.state != 'requested' for s in shipments):
                raise ShipmentAccessError(gettext(
                        'gov_postal.msg_shipment_locked'))
        elif mode in {'create', 'delete'}:
            raise ShipmentAccessError(gettext(
                    'gov_postal.msg_shipment_buttons_only'))

    # ------------------------------------------------------ public lookup
    @classmethod
    def public_status(cls, dossier):
        """What the public lookup shows of the return of a dossier's result
        by post (R-POST-3, R-SEC-2): dict(state, tracking_number, at) of
        its latest result shipment — at is the time of its last event — or
        None. dossier is its id or its code; nothing personal (recipient,
        address, phone, amounts) is ever returned."""
        if isinstance(dossier, str):
            Dossier = Pool().get('gov.dossier')
            domain = ('dossier.code', '=', Dossier.normalize_code(dossier))
        else:
            domain = ('dossier', '=', int(dossier))
        with without_check_access():
            shipments = cls.search([
                    domain,
                    ('direction', '=', 'result'),
                    ], limit=1)
            if not shipments:
                return None
            shipment, = shipments
            times = [e.at for e in shipment.events]
            return {
                'state': shipment.state,
                'tracking_number': shipment.tracking_number,
                'at': max(times) if times else shipment.requested_at,
                }


class ShipmentEvent(ModelSQL, ModelView):
    "An event of a shipment's tracking."
    __name__ = 'gov.postal.shipment.event'
    __string__ = "Shipment Event"

    shipment = fields.Many2One(
        'gov.postal.shipment', "Shipment", required=True, readonly=True,
        ondelete='CASCADE')
    at = fields.DateTime("At", required=True, readonly=True)
    status = fields.Selection(
        STATES, "Status", required=True, readonly=True, sort=False)
    status_string = status.translated('status')
    source = fields.Selection(
        SOURCES, "Source", required=True, readonly=True, sort=False)
    source_string = source.translated('source')
    external_id = fields.Char("Carrier Event", readonly=True)
    location = fields.Char("Location", readonly=True)
    note = fields.Text("Note", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('external_uniq', Unique(t, t.shipment, t.external_id),
                'gov_postal.msg_event_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.shipment, Index.Equality())))
        cls._order = [('at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def status_label(cls, status):
        return dict(cls.fields_get(['status'])['status']['selection']).get(
            status, status)

    @classmethod
    def check_modification(cls, mode, events, values=None, external=False):
        super().check_modification(
            mode, events, values=values, external=external)
        if external:
            raise ShipmentAccessError(gettext(
                    'gov_postal.msg_shipment_buttons_only'))
