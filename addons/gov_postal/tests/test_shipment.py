# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_world, reload)
from gov_fee.tests.tools import set_fees, to_result_ready

from ..carrier import FakeCarrier, SignatureError
from ..exceptions import (
    PostalReturnError, ShipmentAccessError, ShipmentError)
from .tools import PostalTestCase, make_contract, make_enterprise

FRIDAY = local(2025, 3, 7, 16, 0)
ADDRESS = "Thôn 3, xã Đắk R'Moan, Gia Nghĩa"
PHONE = '0912345678'


class ShipmentTestCase(PostalTestCase):
    "R-POST-3, R-RES-1: results returned by post, tracked to the door"

    def postal_dossier(self, world, moment=FRIDAY, **values):
        "A dossier of P1 returned by post, its result ready at moment."
        values = dict({
                'return_method': 'postal',
                'applicant_address': ADDRESS,
                'applicant_phone': PHONE,
                }, **values)
        dossier = self.submitted(world, moment=moment - dt.timedelta(
                days=4), **values)
        with at(moment):
            return to_result_ready(dossier)

    def deliver(self, shipment, *statuses, at=None):
        "The carrier's signed events for the shipment, applied."
        Shipment = Pool().get('gov.postal.shipment')
        carrier = FakeCarrier()
        applied = []
        for status in statuses:
            body, headers = carrier.event(
                shipment.tracking_number, status, at=at)
            applied.append(
                Shipment.carrier_event(carrier.verify_event(body, headers)))
        return applied

    @with_transaction()
    def test_handover_due_counts_working_hours(self):
        """R-POST-3: a result ready on Friday 16:00 is due at the post on
        Monday 16:00 — Tuesday when Monday is a holiday — and is late after
        that until it is handed over"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Holiday = pool.get('gov.holiday')
        Calendar = pool.get('gov.calendar')
        world = make_world()
        make_contract(world)
        monday = local(2025, 3, 10, 16, 0)
        self.assertEqual(Calendar.add_working_hours(FRIDAY, 24), monday)
        dossier = self.postal_dossier(world)
        self.assertEqual(dossier.postal_handover_due, monday)
        with at(monday - dt.timedelta(minutes=1)):
            self.assertFalse(reload(dossier).postal_late)
        with at(monday + dt.timedelta(minutes=1)):
            self.assertTrue(reload(dossier).postal_late)
            self.assertIn(dossier, Dossier.search(
                    [('postal_late', '=', True)]))
        # Monday 10 March a holiday: Tuesday.
        Holiday.create([{'date': dt.date(2025, 3, 10),
                    'name': "Nghỉ bù"}])
        self.assertEqual(Calendar.add_working_hours(FRIDAY, 24),
            local(2025, 3, 11, 16, 0))
        # Ready on Saturday morning: counts from Monday 0:00.
        self.assertEqual(
            Calendar.add_working_hours(local(2025, 3, 8, 9, 0), 24),
            local(2025, 3, 12, 0, 0))
        # A result returned at the desk has no such deadline.
        desk = self.postal_dossier(world, return_method='desk')
        self.assertIsNone(desk.postal_handover_due)

    @with_transaction()
    def test_delivered_result_closes_the_dossier(self):
        """R-POST-3, R-RES-1, R-FEE-2: done only once the post delivered the
        result, at the delivery time; the fees collected on delivery are
        recorded as a payment"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Shipment = pool.get('gov.postal.shipment')
        world = make_world()
        set_fees(world.procedure, [
                {'kind': 'fee', 'amount': '50000', 'condition': "Lệ phí",
                    'payment_time': 'on_collection'},
                ])
        make_contract(world)
        dossier = self.postal_dossier(world)
        with as_user(world['receiver_a']):
            with self.assertRaises(PostalReturnError) as cm:
                Dossier.done([Dossier(dossier.id)])
        self.assertIn(dossier.code, cm.exception.message)
        with at(FRIDAY + dt.timedelta(hours=1)):
            shipment, = Shipment.request([dossier], 'result')
        self.assertTrue(shipment.tracking_number)
        self.assertEqual(shipment.address, ADDRESS)
        self.assertEqual(shipment.phone, PHONE)
        # The fee still owed and the postal charge.
        self.assertEqual(shipment.cod_amount, Decimal(70000))
        self.assertIsNone(reload(dossier).postal_handover_due)
        delivered = local(2025, 3, 10, 10, 30)
        self.deliver(shipment, 'picked_up', 'in_transit',
            at=local(2025, 3, 10, 8, 0))
        self.assertEqual(reload(dossier).state, 'result_ready')
        self.deliver(shipment, 'delivered', at=delivered)
        shipment = Shipment(shipment.id)
        self.assertEqual(shipment.state, 'delivered')
        self.assertEqual(
            [e.status for e in shipment.events],
            ['requested', 'picked_up', 'in_transit', 'delivered'])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'done')
        self.assertEqual(dossier.returned_date, delivered)
        self.assertEqual(dossier.history[-1].event, 'done')
        self.assertEqual(shipment.cod_payment.method, 'postal')
        self.assertEqual(shipment.cod_payment.amount, Decimal(50000))
        self.assertEqual(dossier.payment_state, 'paid')

    @with_transaction()
    def test_events_once_and_forwards(self):
        """R-POST-3, R-SEC-2: a replayed event changes nothing, an event
        older than the state stays in the timeline only, a forged or an
        unknown one is refused"""
        pool = Pool()
        Shipment = pool.get('gov.postal.shipment')
        world = make_world()
        make_contract(world)
        dossier = self.postal_dossier(world)
        shipment, = Shipment.request([dossier], 'result')
        carrier = FakeCarrier()
        body, headers = carrier.event(shipment.tracking_number, 'delivered')
        event = carrier.verify_event(body, headers)
        self.assertTrue(Shipment.carrier_event(event))
        self.assertIsNone(Shipment.carrier_event(event))
        self.assertEqual(len(Shipment(shipment.id).events), 2)
        late, = self.deliver(shipment, 'in_transit')
        shipment = Shipment(shipment.id)
        self.assertTrue(late)
        self.assertEqual(shipment.state, 'delivered')
        self.assertEqual(shipment.events[-1].status, 'in_transit')
        with self.assertRaises(SignatureError):
            carrier.verify_event(body.replace(b'delivered', b'lost'),
                headers)
        with self.assertRaises(SignatureError):
            carrier.verify_event(body, {})
        with self.assertRaises(ShipmentError):
            Shipment.carrier_event(dict(event, tracking_number='XX1VN'))
        # A user cannot move it back either.
        with self.assertRaises(ShipmentError):
            Shipment.record([shipment], 'in_transit')

    @with_transaction()
    def test_missing_phone_or_contract_refused(self):
        """R-POST-3, R-SUB-10: no shipment without the recipient's phone or
        an active contract; nothing is created"""
        pool = Pool()
        Shipment = pool.get('gov.postal.shipment')
        world = make_world()
        dossier = self.postal_dossier(world, applicant_phone=None)
        with self.assertRaises(ShipmentError) as cm:
            Shipment.request([dossier], 'result')
        self.assertIn(world.procedure.name, cm.exception.message)
        make_contract(world)
        with self.assertRaises(ShipmentError) as cm:
            Shipment.request([dossier], 'result')
        self.assertIn(dossier.code, cm.exception.message)
        self.assertEqual(Shipment.search([]), [])

    @with_transaction()
    def test_access_by_role(self):
        """R-POST-3, R-SEC-2, R-AG-3: postal staff see and move the
        shipments of their own enterprise only; officers of another agency
        and the auditor cannot move them; nobody writes the state"""
        pool = Pool()
        Shipment = pool.get('gov.postal.shipment')
        User = pool.get('res.user')
        world = make_world()
        make_contract(world)
        other = User(login='viettel', name='viettel',
            groups=[pool.get('ir.model.data').get_id(
                    'gov_agency', 'group_postal')])
        other.save()
        make_enterprise(code='VIETTEL', name="Viettel Post", staff=[other])
        dossier = self.postal_dossier(world)
        shipment, = Shipment.request([dossier], 'result')
        with as_user(other):
            self.assertEqual(Shipment.search([]), [])
            with self.assertRaises(AccessError):
                Shipment.read([shipment.id], ['tracking_number'])
        with as_user(world['receiver_b']):
            self.assertEqual(Shipment.search([]), [])
        with as_user(world['auditor']):
            self.assertEqual(len(Shipment.search([])), 1)
            with self.assertRaises(AccessButtonError):
                Shipment.mark_picked_up([Shipment(shipment.id)])
        with as_user(world['receiver_a']):
            with self.assertRaises(ShipmentAccessError):
                Shipment.write([Shipment(shipment.id)], {'state': 'lost'})
        with as_user(world['postal']):
            self.assertEqual(Shipment.search([]), [Shipment(shipment.id)])
            Shipment.mark_picked_up([Shipment(shipment.id)])
        shipment = Shipment(shipment.id)
        self.assertEqual(shipment.state, 'picked_up')
        self.assertEqual(shipment.events[-1].source, 'staff')
        self.assertEqual(shipment.events[-1].user, world['postal'])

    @with_transaction()
    def test_pickup_at_home_requested_on_submission(self):
        """R-SUB-10, R-POST-2: the citizen's request for the pickup of her
        originals at home is booked with the post when she submits — only
        where the contract offers it"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        values = {'pickup_requested': True, 'applicant_address': ADDRESS,
            'applicant_phone': PHONE}
        draft = Dossier(agency=world['desk_a'], procedure=world.procedure,
            **values)
        self.assertIn('pickup_requested', draft.return_errors())
        make_contract(world)
        self.assertNotIn('pickup_requested', draft.return_errors())
        dossier = self.submitted(world, **values)
        shipment, = dossier.shipments
        self.assertEqual(shipment.direction, 'pickup')
        self.assertEqual(shipment.state, 'requested')
        self.assertEqual(shipment.charge, Decimal(15000))
        booking = FakeCarrier.shipments[shipment.tracking_number]['booking']
        self.assertEqual(booking['sender']['address'], ADDRESS)
        self.assertEqual(booking['service'], 'pickup')
