# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Payments: receipts, orders, confirmations (R-FEE-2)."""
import threading
import time
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction, TransactionError

from gov_dossier.tests.dossier_fixtures import (
    at, local, make_dossier, make_world, reload)

from .tools import SIMPLE, FeeTestCase, set_fees

DESK_A = '000.30.21.H16'
DESK_B = '000.30.22.H16'
MON = local(2025, 3, 3, 9, 0)


class PaymentTestCase(FeeTestCase):
    "R-FEE-2: every payment reconciled to one dossier"

    @with_transaction()
    def test_receipt_numbers_per_agency_and_year(self):
        """R-FEE-2: receipts numbered without gap per agency and year:
        <agency code>/<yyyy>/000001, a series for each agency, a new one
        each (local) year"""
        Payment = Pool().get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)

        def record(agency, moment, amount=50000):
            dossier = self.submitted(world, agency=agency)
            with at(moment):
                payment = Payment.record(dossier, 'desk', Decimal(amount),
                    payer_name="Nguyễn Thị Lan")
            self.assertEqual(payment.state, 'paid')
            self.assertEqual(payment.paid_date, moment)
            self.assertEqual(payment.agency, world[agency])
            self.assertEqual(payment.dossier, dossier)
            return payment.receipt_number
        self.assertEqual([record('desk_a', MON) for _ in range(3)], [
                f'{DESK_A}/2025/000001', f'{DESK_A}/2025/000002',
                f'{DESK_A}/2025/000003'])
        self.assertEqual(record('desk_b', MON), f'{DESK_B}/2025/000001')
        # 23:30 on 31 December in Việt Nam is still 2025 …
        self.assertEqual(record('desk_a', local(2025, 12, 31, 23, 30)),
            f'{DESK_A}/2025/000004')
        # … half an hour later a new book starts.
        self.assertEqual(record('desk_a', local(2026, 1, 1, 0, 30)),
            f'{DESK_A}/2026/000001')
        self.assertEqual(record('desk_b', local(2026, 1, 2, 8, 0)),
            f'{DESK_B}/2026/000001')
        payment, = Payment.search([
                ('receipt_number', '=', f'{DESK_A}/2025/000001')])
        self.assertEqual(payment.method, 'desk')
        self.assertEqual(payment.currency, 'VND')
        self.assertEqual(payment.payer_name, "Nguyễn Thị Lan")
        self.assertEqual(payment.amount_words, "Năm mươi nghìn đồng")
        self.assertRegex(payment.order_code, r'^DVC[2-9A-HJKMNP-Z]{12}$')

    @with_transaction()
    def test_record_checks_the_amount_and_the_dossier(self):
        "R-FEE-2: no more than what is owed, nothing on a closed dossier"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        for amount in [0, -5, 70001]:
            with self.assertRaises(UserError, msg=amount):
                Payment.record(dossier, 'desk', Decimal(amount))
        with self.assertRaises(UserError) as cm:
            Payment.record(dossier, 'desk', Decimal(80000))
        self.assertIn('70.000 đ', cm.exception.message)
        with self.assertRaises(UserError):
            Payment.record(dossier, 'online', Decimal(10))
        Dossier.withdraw([dossier], reason="Không cần nữa")
        with self.assertRaises(UserError):
            Payment.record(reload(dossier), 'desk', Decimal(10))
        self.assertEqual(Payment.search([]), [])

    @with_transaction()
    def test_order_confirmed_with_the_right_amount(self):
        """R-FEE-2: an online order for what is due now, paid when the
        gateway confirms its amount and currency; confirmed twice, paid
        once"""
        Payment = Pool().get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        with at(MON):
            order = Payment.create_order(dossier, 'online')
        # Before the result is ready, the fees due before submission.
        self.assertEqual(order.amount, Decimal(50000))
        self.assertEqual(order.state, 'pending')
        self.assertIsNone(order.receipt_number)
        # Asked again (a reload of the page): the same order.
        self.assertEqual(Payment.create_order(dossier, 'online'), order)
        self.assertEqual(reload(dossier).payment_state, 'due')
        with at(MON):
            paid = Payment.confirm(order.id, 50000, 'vnd', 'GW-1')
        self.assertEqual(paid.state, 'paid')
        self.assertEqual(paid.provider_reference, 'GW-1')
        self.assertEqual(paid.receipt_number, f'{DESK_A}/2025/000001')
        dossier = reload(dossier)
        self.assertEqual(dossier.amount_paid, Decimal(50000))
        self.assertEqual(dossier.payment_state, 'partially_paid')
        # The gateway delivers the notification again: nothing changes.
        with at(local(2025, 3, 4, 9, 0)):
            again = Payment.confirm(order, Decimal(50000), 'VND', 'GW-1b')
        self.assertEqual(again, paid)
        self.assertEqual(again.receipt_number, f'{DESK_A}/2025/000001')
        self.assertEqual(again.paid_date, MON)
        self.assertEqual(again.provider_reference, 'GW-1')
        self.assertEqual(reload(dossier).amount_paid, Decimal(50000))
        self.assertEqual(len(Payment.search([('state', '=', 'paid')])), 1)
        # A failure notice arriving late does not undo the payment.
        self.assertEqual(Payment.fail(order).state, 'paid')

    @with_transaction()
    def test_order_with_a_wrong_amount_or_currency(self):
        """R-FEE-2: a confirmation of another amount or currency is a
        mismatch: the dossier is not paid"""
        Payment = Pool().get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        for amount, currency in [(5000, 'VND'), (50000, 'USD'),
                (50001, 'VND'), (None, 'VND')]:
            dossier = self.submitted(world)
            order = Payment.create_order(dossier, 'transfer')
            result = Payment.confirm(order, amount, currency, 'BANK-9')
            self.assertEqual(result.state, 'mismatch', (amount, currency))
            self.assertIsNone(result.receipt_number)
            self.assertEqual(result.provider_reference, 'BANK-9')
            self.assertEqual(result.received_amount,
                Decimal(amount) if amount is not None else None)
            self.assertEqual(result.received_currency, currency)
            dossier = reload(dossier)
            self.assertEqual(dossier.amount_paid, Decimal(0))
            self.assertEqual(dossier.payment_state, 'due')
            # A mismatch is not turned into a payment afterwards.
            self.assertEqual(
                Payment.confirm(order, 50000, 'VND', 'BANK-10').state,
                'mismatch')

    @with_transaction()
    def test_failed_order(self):
        "R-FEE-2: a failed order pays nothing; the citizen may retry it"
        Payment = Pool().get('gov.fee.payment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        order = Payment.create_order(dossier, 'online')
        self.assertEqual(Payment.fail(order).state, 'failed')
        self.assertEqual(reload(dossier).payment_state, 'due')
        # A new order is made; the failed one may still be confirmed late.
        second = Payment.create_order(dossier, 'online')
        self.assertNotEqual(second, order)
        self.assertNotEqual(second.order_code, order.order_code)
        self.assertEqual(Payment.confirm(order, 50000, 'VND', 'X').state,
            'paid')
        # Nothing is due now any more: no new order.
        with self.assertRaises(UserError):
            Payment.create_order(dossier, 'online')

    @with_transaction()
    def test_all_due_once_the_result_is_ready(self):
        "R-FEE-2, R-FEE-4: the fees due on collection are ordered with it"
        Payment = Pool().get('gov.fee.payment')
        from .tools import to_result_ready
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = self.submitted(world)
        with at(MON):
            dossier = to_result_ready(dossier)
        order = Payment.create_order(dossier, 'online')
        self.assertEqual(order.amount, Decimal(70000))

    def test_concurrent_confirmations(self):
        """R-FEE-2: the gateway delivers the same confirmation twice at the
        same time: one payment, one receipt number (PostgreSQL)"""
        if backend.name == 'sqlite':
            self.skipTest("SQLite serialises writers with its database lock")
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Payment = pool.get('gov.fee.payment')
            Dossier = pool.get('gov.dossier')
            world = make_world()
            set_fees(world.procedure, SIMPLE)
            dossier = make_dossier(world)
            Dossier.submit([dossier])
            order = Payment.create_order(dossier, 'online')
            dossier_id, order_id = dossier.id, order.id
            transaction.commit()
        try:
            barrier = threading.Barrier(4)
            errors, results = [], []

            def deliver(reference):
                extras, retries = {}, 0
                while True:
                    try:
                        with Transaction().start(
                                DB_NAME, 0, **extras) as transaction:
                            Payment = Pool().get('gov.fee.payment')
                            if not extras and not retries:
                                barrier.wait(timeout=60)
                            payment = Payment.confirm(
                                order_id, 50000, 'VND', reference)
                            # Keep the transaction open a little so that
                            # the others meet it.
                            time.sleep(0.05)
                            results.append(
                                (payment.state, payment.receipt_number))
                            transaction.commit()
                        return
                    except TransactionError as error:
                        error.fix(extras)
                    except backend.DatabaseOperationalError:
                        # What the RPC dispatcher and the routes do: retry.
                        retries += 1
                        if retries > 20:
                            raise
                        time.sleep(0.05 * retries)
                    except Exception as exception:  # noqa: BLE001
                        errors.append(exception)
                        return
            threads = [threading.Thread(target=deliver, args=(f'GW-{i}',))
                for i in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            self.assertEqual(errors, [])
            with Transaction().start(DB_NAME, 0) as transaction:
                Payment = Pool().get('gov.fee.payment')
                payment = Payment(order_id)
                self.assertEqual(payment.state, 'paid')
                self.assertEqual(Payment.search([
                            ('dossier', '=', dossier_id),
                            ('state', '=', 'paid')]), [payment])
                self.assertEqual({r for _, r in results},
                    {payment.receipt_number})
                self.assertEqual(payment.dossier.amount_paid,
                    Decimal(50000))
                transaction.rollback()
        finally:
            self._concurrent_cleanup(dossier_id)

    def _concurrent_cleanup(self, dossier_id):
        "Remove what the concurrency test committed."
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Payment = pool.get('gov.fee.payment')
            Dossier = pool.get('gov.dossier')
            ReceiptSequence = pool.get('gov.fee.receipt.sequence')
            Sequence = pool.get('ir.sequence.strict')
            cursor = transaction.connection.cursor()
            table = Payment.__table__()
            cursor.execute(*table.delete(where=table.dossier == dossier_id))
            Dossier.delete([Dossier(dossier_id)])
            books = ReceiptSequence.search([])
            sequences = [b.sequence for b in books]
            ReceiptSequence.delete(books)
            Sequence.delete(sequences)
            set_fees(make_world().procedure, [])
            transaction.commit()
