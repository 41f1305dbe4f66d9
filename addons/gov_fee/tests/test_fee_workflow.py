# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The fees in the dossier workflow: when they must be paid, and the
refunds when the agency cannot deliver (R-FEE-2, R-FEE-3, R-FEE-4)."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_dossier, make_world, reload)

from ..exceptions import FeeUnpaidError
from .tools import SIMPLE, FeeTestCase, add_accountant, set_fees, \
    to_result_ready

MON = local(2025, 3, 3, 9, 0)


class FeeWorkflowTestCase(FeeTestCase):
    "R-FEE-2, R-FEE-3, R-FEE-4: fees in the workflow"

    @with_transaction()
    def test_result_returned_only_once_paid(self):
        """R-FEE-2, R-FEE-4: "done" is refused while a fee is unpaid, with
        the amount due; allowed once paid"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, [
                {'kind': 'fee', 'amount': '1200000', 'condition': "Lệ phí",
                    'payment_time': 'before'},
                {'kind': 'charge', 'amount': '34567',
                    'condition': "Phí", 'payment_time': 'on_collection'},
                ])
        dossier = self.submitted(world)
        with at(MON):
            dossier = to_result_ready(dossier)
        code = dossier.code
        with as_user(world['receiver_a']):
            with self.assertRaises(FeeUnpaidError) as cm:
                Dossier.done([Dossier(dossier.id)])
        self.assertIn(code, cm.exception.message)
        self.assertIn('1.234.567 đ', cm.exception.message)
        self.assertEqual(reload(dossier).state, 'result_ready')
        # Partly paid: still refused, with what is left.
        Payment.record(dossier, 'desk', Decimal(1200000))
        with as_user(world['receiver_a']):
            with self.assertRaises(FeeUnpaidError) as cm:
                Dossier.done([Dossier(dossier.id)])
        self.assertIn('34.567 đ', cm.exception.message)
        with as_user(world['receiver_a']):
            Payment.record(dossier, 'desk', Decimal(34567))
            Dossier.done([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'done')
        self.assertEqual(dossier.payment_state, 'paid')

    @with_transaction()
    def test_no_fee_no_block(self):
        "R-FEE-4: a dossier without fees is returned as before"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = self.submitted(world)
        with at(MON):
            dossier = to_result_ready(dossier)
            Dossier.done([dossier])
        self.assertEqual(reload(dossier).state, 'done')

    @with_transaction()
    def test_reception_waits_for_the_fees_due_before_submission(self):
        """R-FEE-4: when the procedure says so, the desk receives a dossier
        only once its fees due before submission are paid"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE, before_reception=True)
        # Online: the citizen pays the order; the fee due on collection
        # does not hold the reception.
        dossier = self.submitted(world)
        with as_user(world['receiver_a']):
            with self.assertRaises(FeeUnpaidError) as cm:
                Dossier.receive([Dossier(dossier.id)])
        self.assertIn(dossier.code, cm.exception.message)
        self.assertIn('50.000 đ', cm.exception.message)
        self.assertEqual(reload(dossier).state, 'submitted')
        order = Payment.create_order(dossier, 'online')
        Payment.confirm(order, 50000, 'VND', 'GW-7')
        with as_user(world['receiver_a']):
            Dossier.receive([Dossier(dossier.id)])
        self.assertEqual(reload(dossier).state, 'received')
        self.assertEqual(reload(dossier).amount_due, Decimal(20000))

        # At the desk: the officer takes the money before receiving.
        desk = make_dossier(world, channel='desk')
        self.assertEqual(desk.amount_due, Decimal(70000))
        with as_user(world['receiver_a']):
            with self.assertRaises(FeeUnpaidError):
                Dossier.receive([Dossier(desk.id)])
            Payment.record(Dossier(desk.id), 'desk', Decimal(50000))
            Dossier.receive([Dossier(desk.id)])
        desk = reload(desk)
        self.assertEqual(desk.state, 'received')
        self.assertEqual([l.amount for l in desk.fees],
            [Decimal(50000), Decimal(20000)])
        self.assertEqual(desk.payment_state, 'partially_paid')

    @with_transaction()
    def test_reception_not_held_without_the_setting(self):
        "R-FEE-4: by default the fees do not hold the reception"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        Dossier.receive([dossier])
        self.assertEqual(reload(dossier).state, 'received')

    @with_transaction()
    def test_paper_dossiers_not_blocked(self):
        """R-FEE-4, R-PROC-6: a paper dossier entered afterwards is not held
        by its fees (they were handled on paper)"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        set_fees(world.procedure, SIMPLE, before_reception=True)
        dossier = make_dossier(world, channel='desk')
        with at(local(2025, 3, 10, 9, 0)):
            Dossier.backfill([dossier],
                received_date=local(2025, 3, 3, 9, 0), outcome='done',
                completed_date=local(2025, 3, 6, 9, 0),
                returned_date=local(2025, 3, 7, 9, 0))
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'done')
        self.assertTrue(dossier.backfilled)

    @with_transaction()
    def test_refund_proposed_when_rejected_after_payment(self):
        """R-FEE-3: rejected after the fees were paid: a refund of each
        payment is proposed; the accountant approves and pays it"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        order = Payment.create_order(dossier, 'online')
        online = Payment.confirm(order, 50000, 'VND', 'GW-1')
        desk = Payment.record(dossier, 'desk', Decimal(15000))
        with as_user(world['receiver_a']), at(MON):
            Dossier.reject([Dossier(dossier.id)],
                reason="Hồ sơ không thuộc thẩm quyền")
        dossier = reload(dossier)
        refunds = sorted(dossier.refunds, key=lambda r: r.payment.id)
        self.assertEqual([(r.payment, r.amount, r.method, r.state)
                for r in refunds], [
                (online, Decimal(50000), 'online', 'draft'),
                (desk, Decimal(15000), 'desk', 'draft'),
                ])
        self.assertTrue(all(r.agency == world['desk_a'] for r in refunds))
        self.assertIn("Hồ sơ không thuộc thẩm quyền", refunds[0].reason)
        # Only the accountant approves and pays.
        with as_user(world['receiver_a']):
            with self.assertRaises(UserError):
                Refund.approve([Refund(refunds[0].id)])
        with as_user(accountants['accountant_a']), at(MON):
            Refund.approve([Refund(refunds[0].id)])
            Refund.write([Refund(refunds[0].id)], {'reference': 'UNC-01'})
            Refund.pay([Refund(refunds[0].id)])
            Refund.cancel([Refund(refunds[1].id)])
        first, second = Refund.browse([r.id for r in refunds])
        self.assertEqual(first.state, 'paid')
        self.assertEqual(first.approved_by, accountants['accountant_a'])
        self.assertEqual(first.approved_date, MON)
        self.assertEqual(first.paid_date, MON)
        self.assertEqual(second.state, 'cancelled')
        self.assertEqual(reload(dossier).amount_refunded, Decimal(50000))

    @with_transaction()
    def test_no_refund_when_withdrawn_or_not_collected(self):
        """R-FEE-3: no refund when the citizen withdraws the dossier or
        does not collect the result (Điều 13.2.c)"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        withdrawn = self.submitted(world)
        Payment.record(withdrawn, 'desk', Decimal(50000))
        Dossier.withdraw([reload(withdrawn)], reason="Không cần nữa")
        # Not collected: the result waits at the desk, paid.
        waiting = self.submitted(world)
        Payment.record(waiting, 'desk', Decimal(70000))
        with at(MON):
            waiting = to_result_ready(waiting)
        # Rejected without having paid: nothing to refund either.
        unpaid = self.submitted(world)
        Dossier.reject([unpaid], reason="Sai thủ tục")
        self.assertEqual(Refund.search([]), [])
        self.assertEqual(reload(withdrawn).payment_state, 'paid')
        self.assertEqual(reload(waiting).payment_state, 'paid')

    @with_transaction()
    def test_refund_never_exceeds_what_was_paid(self):
        "R-FEE-3: a refund is at most what its payment has left to refund"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        payment = Payment.record(dossier, 'desk', Decimal(50000))
        Dossier.reject([reload(dossier)], reason="Không đủ điều kiện")
        proposed, = reload(dossier).refunds
        # Nothing more is proposed a second time.
        self.assertEqual(Refund.propose([reload(dossier)]), [])
        with as_user(accountants['accountant_a']):
            Refund.write([Refund(proposed.id)], {'amount': Decimal(30000)})
            extra, = Refund.create([{
                        'dossier': dossier.id, 'payment': payment.id,
                        'amount': Decimal(20000), 'method': 'transfer',
                        'reason': "Phần còn lại"}])
            self.assertEqual(extra.agency, world['desk_a'])
            # Only the buttons change the state.
            with self.assertRaises(AccessError):
                Refund.write([extra], {'state': 'paid'})
            Refund.approve([extra])
            with self.assertRaises(AccessError):
                Refund.write([Refund(extra.id)], {'amount': Decimal(1)})
            with self.assertRaises(AccessError):
                Refund.delete([Refund(extra.id)])
            # The payment is fully refunded: one đồng more is refused.
            with self.assertRaises(UserError) as cm:
                Refund.create([{
                            'dossier': dossier.id, 'payment': payment.id,
                            'amount': Decimal(1), 'method': 'desk',
                            'reason': "Thêm"}])
            self.assertIn('0 đ', cm.exception.message)
        with as_user(accountants['accountant_a']):
            with self.assertRaises(UserError):
                Refund.write([Refund(proposed.id)],
                    {'amount': Decimal(30001)})
