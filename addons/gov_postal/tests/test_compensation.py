# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, without_check_access

from gov_dossier.tests.dossier_fixtures import as_user, at, local, make_world
from gov_fee.tests.tools import add_accountant, set_fees, to_result_ready

from ..carrier import FakeCarrier
from ..compensation import LEGAL_BASIS, REFUND_REASON
from .tools import PostalTestCase, make_contract

FRIDAY = local(2025, 3, 7, 16, 0)
ADDRESS = "Thôn 3, xã Đắk R'Moan, Gia Nghĩa"
PHONE = '0912345678'


class CompensationTestCase(PostalTestCase):
    """R-POST-3, R-FEE-3: a lost shipment is compensated, its fees are
    refunded"""

    def lost_shipment(self, world):
        """A postal dossier of P1 whose 50.000 đồng fee was paid, its result
        shipment lost by the post."""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        Shipment = pool.get('gov.postal.shipment')
        set_fees(world.procedure, [
                {'kind': 'fee', 'amount': '50000', 'condition': "Lệ phí",
                    'payment_time': 'before'},
                ])
        make_contract(world)
        dossier = self.submitted(world, moment=FRIDAY - dt.timedelta(days=4),
            return_method='postal', applicant_address=ADDRESS,
            applicant_phone=PHONE)
        with without_check_access():
            Payment.record(dossier, 'desk', Decimal(50000),
                payer_name="Nguyễn Thị Lan")
        with at(FRIDAY):
            dossier = to_result_ready(dossier)
        shipment, = Shipment.request([dossier], 'result')
        carrier = FakeCarrier()
        for status, note in [('picked_up', ''), ('lost', "Thất lạc tại "
                    "bưu cục Gia Nghĩa")]:
            body, headers = carrier.event(shipment.tracking_number, status,
                note=note, at=local(2025, 3, 10, 8, 0))
            Shipment.carrier_event(carrier.verify_event(body, headers))
        return Shipment(shipment.id)

    @with_transaction()
    def test_lost_shipment_compensated_and_refunded(self):
        """A lost shipment creates a draft compensation of its charge and
        of the fees paid (R-POST-3); its approval by the leader proposes the
        refund of the fees (R-FEE-3) and tells the applicant and the desk;
        the accountant pays it."""
        pool = Pool()
        Compensation = pool.get('gov.postal.compensation')
        Refund = pool.get('gov.fee.refund')
        Notification = pool.get('gov.notification')
        world = make_world()
        accountants = add_accountant(world)
        shipment = self.lost_shipment(world)
        self.assertEqual(shipment.state, 'lost')
        compensation, = Compensation.search([])
        self.assertEqual(compensation.state, 'draft')
        self.assertEqual(compensation.shipment, shipment)
        self.assertEqual(compensation.dossier, shipment.dossier)
        self.assertEqual(compensation.agency, shipment.agency)
        self.assertEqual(compensation.enterprise, shipment.enterprise)
        self.assertEqual(compensation.costs, Decimal(20000))
        self.assertEqual(compensation.fees, Decimal(50000))
        self.assertEqual(compensation.total, Decimal(70000))
        self.assertEqual(compensation.legal_basis, LEGAL_BASIS)
        self.assertIn("Thất lạc", compensation.description)
        # A second "lost" never makes a second compensation.
        self.assertEqual(Compensation.propose([shipment]), [])
        self.assertEqual(Refund.search([]), [])

        with as_user(world['leader_a']):
            Compensation.approve([Compensation(compensation.id)])
        compensation = Compensation(compensation.id)
        self.assertEqual(compensation.state, 'approved')
        self.assertEqual(compensation.approver, world['leader_a'])
        self.assertTrue(compensation.approved_at)
        refund, = Refund.search([('dossier', '=', shipment.dossier.id)])
        self.assertEqual(refund.state, 'draft')
        self.assertEqual(refund.amount, Decimal(50000))
        self.assertEqual(refund.reason, REFUND_REASON)
        notifications = Notification.search([
                ('dossier', '=', shipment.dossier.id),
                ('kind', '=', 'postal_lost'),
                ])
        self.assertTrue(notifications)
        self.assertEqual({n.channel for n in notifications}, {'sms'})
        self.assertIn(shipment.dossier.code, notifications[0].body)
        # The desk's officers are told (their bell, saved at commit).
        self.assertTrue(any(shipment.dossier.code in (n.label or '')
                for n in self._user_notifications()))

        with as_user(accountants['accountant_a']):
            self.assertEqual(len(Compensation.search([])), 1)
            Compensation.pay([Compensation(compensation.id)])
        compensation = Compensation(compensation.id)
        self.assertEqual(compensation.state, 'paid')
        self.assertEqual(compensation.paid_by, accountants['accountant_a'])

    def _user_notifications(self):
        return Transaction().user_notifications

    @with_transaction()
    def test_only_the_leader_approves(self):
        """The auditor, the postal staff and the desk read the compensation
        but cannot approve it; the postal staff of the enterprise read it,
        nothing is written through RPC but by buttons (R-POST-3)."""
        pool = Pool()
        Compensation = pool.get('gov.postal.compensation')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        self.lost_shipment(world)
        compensation, = Compensation.search([])
        for login in ['auditor', 'postal', 'receiver_a']:
            with as_user(world[login]):
                self.assertEqual(len(Compensation.search([])), 1)
                with self.assertRaises(AccessButtonError):
                    Compensation.approve([Compensation(compensation.id)])
        with as_user(world['specialist_a']):
            with self.assertRaises(AccessError):
                Compensation.search([])
        with as_user(world['leader_a']):
            with self.assertRaises(AccessError):
                Compensation.write([Compensation(compensation.id)],
                    {'state': 'approved'})
        self.assertEqual(Compensation(compensation.id).state, 'draft')
        self.assertEqual(Refund.search([]), [])


del PostalTestCase
