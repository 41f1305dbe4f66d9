# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who reads and changes fees, payments and refunds (R-AG-3, R-FEE-2).

Every test acts as the real user with the access checks of RPC
(as_user)."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, dossier_values, local, make_dossier, make_world, reload)

from .tools import SIMPLE, FeeTestCase, add_accountant, set_fees

MON = local(2025, 3, 3, 9, 0)


class FeeAccessTestCase(FeeTestCase):
    "R-AG-3, R-FEE-2: access to fees, payments and refunds"

    def paid(self, world, agency='desk_a', amount=50000):
        "A submitted dossier of agency with a desk payment, as root."
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        dossier = make_dossier(world, agency=agency)
        with at(MON):
            Dossier.submit([dossier])
            payment = Payment.record(reload(dossier), 'desk',
                Decimal(amount))
        return reload(dossier), payment

    @with_transaction()
    def test_officer_of_another_agency_cannot_read_payments(self):
        """R-AG-3, R-FEE-2: the payments and refunds of agency A are read by
        A's officers, never by B's"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier_a, payment_a = self.paid(world, 'desk_a')
        dossier_b, payment_b = self.paid(world, 'desk_b')
        Dossier.reject([dossier_a], reason="Không đủ điều kiện")
        refund_a, = reload(dossier_a).refunds

        def readable(user, Model, record):
            with as_user(user):
                try:
                    found = Model.search([('id', '=', record.id)])
                except AccessError:
                    # No access to the model at all.
                    with self.assertRaises(AccessError):
                        Model.read([record.id], ['amount'])
                    return False
                try:
                    Model.read([record.id], ['amount'])
                except AccessError:
                    # The record rules hide it.
                    self.assertEqual(found, [])
                    return False
                self.assertEqual(found, [record])
                return True
        for login, a, b in [
                ('receiver_a', True, False),
                ('receiver_b', False, True),
                ('backfiller', True, False),
                ('auditor', True, True),
                ('admin_p', True, True),
                ('specialist_a', False, False),
                ('head_a', False, False),
                ('leader_a', False, False),
                ('ict', False, False),
                ('nobody', False, False),
                ]:
            user = world[login]
            self.assertEqual(readable(user, Payment, payment_a), a, login)
            self.assertEqual(readable(user, Payment, payment_b), b, login)
        for login, a, b in [
                ('accountant_a', True, False), ('accountant_b', False, True)]:
            user = accountants[login]
            self.assertEqual(readable(user, Payment, payment_a), a, login)
            self.assertEqual(readable(user, Payment, payment_b), b, login)
            self.assertEqual(readable(user, Refund, refund_a), a, login)
        self.assertFalse(readable(world['receiver_b'], Refund, refund_a))
        self.assertTrue(readable(world['auditor'], Refund, refund_a))
        self.assertFalse(readable(world['specialist_a'], Refund, refund_a))
        # Nor through the dossier form of agency B's officer.
        with as_user(world['receiver_b']):
            with self.assertRaises(AccessError):
                Dossier.read([dossier_a.id], ['payments'])
            record, = Dossier.read([dossier_b.id], ['payments'])
            self.assertEqual(record['payments'], (payment_b.id,))

    @with_transaction()
    def test_accountant_reads_the_dossiers_of_its_agency(self):
        "R-AG-3: the accountant reads the dossiers of its agency only"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier_a, _ = self.paid(world, 'desk_a')
        dossier_b, _ = self.paid(world, 'desk_b')
        with as_user(accountants['accountant_a']):
            self.assertEqual(
                Dossier.search([('id', 'in', [dossier_a.id, dossier_b.id])]),
                [dossier_a])
            record, = Dossier.read([dossier_a.id],
                ['amount_paid', 'payment_state'])
            self.assertEqual(record['amount_paid'], Decimal(50000))
            with self.assertRaises(AccessError):
                Dossier.read([dossier_b.id], ['code'])
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(dossier_a.id)], {'notes': "x"})

    @with_transaction()
    def test_payments_change_through_their_methods_only(self):
        """R-FEE-2, R-AG-3: nobody creates, deletes or rewrites a payment
        through RPC; the accountant adds a note"""
        Payment = Pool().get('gov.fee.payment')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier, payment = self.paid(world)
        values = {
            'dossier': dossier.id, 'agency': dossier.agency.id,
            'method': 'desk', 'amount': Decimal(20000), 'currency': 'VND',
            'state': 'paid', 'order_code': 'DVCFORGED0001'}
        for user in [world['receiver_a'], world['postal'],
                accountants['accountant_a'], world['admin_p']]:
            with as_user(user):
                with self.assertRaises(AccessError, msg=user.login):
                    Payment.create([values])
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Payment.write([Payment(payment.id)], {'note': "x"})
        with as_user(accountants['accountant_a']):
            for field, value in [('amount', Decimal(1)), ('state', 'failed'),
                    ('receipt_number', 'X'), ('dossier', dossier.id)]:
                with self.assertRaises(AccessError, msg=field):
                    Payment.write([Payment(payment.id)], {field: value})
            with self.assertRaises(AccessError):
                Payment.delete([Payment(payment.id)])
            Payment.write([Payment(payment.id)], {'note': "Đã đối chiếu"})
        payment = Payment(payment.id)
        self.assertEqual(payment.note, "Đã đối chiếu")
        self.assertEqual(payment.amount, Decimal(50000))
        self.assertEqual(len(Payment.search([])), 1)

    @with_transaction()
    def test_payment_state_of_a_new_dossier_is_computed(self):
        """R-FEE-1, R-FEE-2: a new dossier's payment state is what its
        procedure and eForm give, whatever a client sends; it is fixed
        with the submission and changes with the payments only"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        with as_user(world['receiver_a']):
            dossier, = Dossier.create([dossier_values(world,
                        channel='desk', payment_state='paid')])
            dossier = Dossier(dossier.id)
            self.assertEqual(dossier.payment_state, 'due')
            self.assertEqual(dossier.amount_due, Decimal(70000))
            with self.assertRaises(UserError):
                Dossier.write([dossier], {'payment_state': 'paid'})
        with at(MON):
            Dossier.submit([dossier])
        dossier = reload(dossier)
        self.assertTrue(dossier.fee_date)
        self.assertEqual(
            sorted(l.amount for l in dossier.fees),
            [Decimal(20000), Decimal(50000)])
        self.assertEqual(dossier.payment_state, 'due')
        Payment.record(dossier, 'desk', Decimal(70000))
        self.assertEqual(reload(dossier).payment_state, 'paid')
        # Without fees (the schedule's new version) it owes nothing.
        free = make_dossier(world, procedure=set_fees(world.procedure, []))
        self.assertEqual(reload(free).payment_state, 'not_required')

    @with_transaction()
    def test_who_records_a_payment(self):
        """R-FEE-2, R-AG-3: the desk records cash, the post office cash on
        delivery, each for the dossiers they may read"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = make_dossier(world)
        Dossier.submit([dossier])

        def record(user, method, amount=10000):
            with as_user(user):
                return Payment.record(Dossier(dossier.id), method,
                    Decimal(amount))
        for login, method in [('specialist_a', 'desk'),
                ('receiver_b', 'desk'), ('receiver_a', 'postal'),
                ('postal', 'desk'), ('auditor', 'desk'),
                ('receiver_a', 'transfer')]:
            with self.assertRaises(UserError, msg=(login, method)):
                record(world[login], method)
        self.assertEqual(Payment.search([]), [])
        payment = record(world['receiver_a'], 'desk')
        self.assertEqual(payment.received_by, world['receiver_a'])
        self.assertEqual(payment.state, 'paid')

        # The post office collects for the dossiers it submitted.
        with as_user(world['postal']):
            postal, = Dossier.create([dossier_values(world,
                        channel='postal')])
            Dossier.submit([Dossier(postal.id)])
            cod = Payment.record(Dossier(postal.id), 'postal',
                Decimal(70000), payer_name="Trần Văn Minh",
                reference='COD-123')
            # … and reads that payment, not the desk's.
            self.assertEqual(Payment.search([]), [cod])
        self.assertEqual(cod.method, 'postal')
        self.assertEqual(cod.provider_reference, 'COD-123')
        self.assertEqual(reload(postal).payment_state, 'paid')

    @with_transaction()
    def test_record_payment_wizard(self):
        """R-FEE-2: "Record Payment" on the dossier form: the amount due is
        proposed, the payment is recorded as the officer"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        RecordPayment = pool.get('gov.fee.record_payment', type='wizard')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        context = {
            'active_model': 'gov.dossier',
            'active_id': dossier.id,
            'active_ids': [dossier.id],
            }
        with as_user(world['specialist_a']):
            with self.assertRaises(UserError):
                Dossier.record_payment([Dossier(dossier.id)])
        with as_user(world['receiver_a']), \
                Transaction().set_context(context):
            action = Dossier.record_payment([Dossier(dossier.id)])
            self.assertTrue(action)
            session_id, _, _ = RecordPayment.create()
            result = RecordPayment.execute(session_id, {}, 'start')
            defaults = result['view']['defaults']
            self.assertEqual(defaults['amount'], Decimal(50000))
            self.assertEqual(defaults['amount_due'], Decimal(70000))
            self.assertEqual(defaults['method'], 'desk')
            self.assertEqual(defaults['payer_name'], "Nguyễn Thị Lan")
            values = {k: v for k, v in defaults.items() if '.' not in k}
            values['amount'] = Decimal(70000)
            RecordPayment.execute(session_id, {'start': values}, 'pay')
            RecordPayment.delete(session_id)
        payment, = Payment.search([])
        self.assertEqual(payment.amount, Decimal(70000))
        self.assertEqual(payment.received_by, world['receiver_a'])
        dossier = reload(dossier)
        self.assertEqual(dossier.payment_state, 'paid')
        # Nothing is due any more: the button is hidden and refused.
        with as_user(world['receiver_a']):
            with self.assertRaises(UserError):
                Dossier.record_payment([Dossier(dossier.id)])
