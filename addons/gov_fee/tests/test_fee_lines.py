# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The fee lines of a dossier and its payment state (R-FEE-1, R-FEE-4,
R-FEE-2)."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_dossier, make_world, reload)

from .tools import (
    FORM_FIELDS, SCHEDULE, SIMPLE, FeeTestCase, add_accountant, set_fees)

MON = local(2025, 3, 3, 9, 0)


def lines_of(lines):
    return [(l.description, l.quantity, l.unit_amount, l.amount,
            l.exemption_reason, l.payment_time) for l in lines]


class FeeLinesTestCase(FeeTestCase):
    "R-FEE-1, R-FEE-2, R-FEE-4: what a dossier owes, its payment state"

    @with_transaction()
    def test_lines_copied_with_quantities_and_exemptions(self):
        """R-FEE-1, R-FEE-4: the lines are the schedule for the eForm's
        quantities, less the exemptions ticked, copied at submission and
        not changed by a later change of the schedule"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        set_fees(world.procedure, SCHEDULE, form_fields=FORM_FIELDS)
        dossier = make_dossier(world, form_data={
                'ho_ten': "Nguyễn Thị Lan", 'so_ban_sao': 3,
                'dung_han': True, 'ho_ngheo': True})
        expected = [
            ("Lệ phí đăng ký", 1, Decimal(50000), Decimal(0),
                "Đăng ký khai sinh đúng hạn", 'before'),
            ("Mỗi bản sao", 3, Decimal(8000), Decimal(24000), None,
                'before'),
            # The conditional postal charge is not owed by default.
            ("Phí thẩm định", 1, Decimal(20000), Decimal(10000),
                "Hộ nghèo", 'on_collection'),
            ]
        # Before submission: computed (what the portal shows), not stored.
        self.assertEqual(lines_of(dossier.compute_fee_lines()), expected)
        self.assertEqual(dossier.fees, ())
        self.assertEqual(dossier.amount_total, Decimal(34000))
        self.assertEqual(dossier.payment_state, 'due')
        with at(MON):
            Dossier.submit([dossier])
        dossier = reload(dossier)
        self.assertEqual(lines_of(dossier.fees), expected)
        self.assertEqual(dossier.fee_date, MON)
        self.assertEqual(dossier.fees[0].legal_basis,
            "Điều 11 Luật Hộ tịch 2014")
        self.assertEqual(dossier.fees[0].exemption_rate, Decimal(100))
        self.assertEqual(dossier.amount_total, Decimal(34000))
        self.assertEqual(dossier.amount_due, Decimal(34000))

        # The schedule changes (a new version, R-CAT-6): the dossier keeps
        # what it owed, and computes it from the version it was submitted
        # under.
        version = set_fees(world.procedure, [
                {'kind': 'fee', 'amount': '90000', 'condition': "Mới",
                    'payment_time': 'before'}])
        self.assertNotEqual(version, world.procedure)
        self.assertEqual([a for _, _, a in version.fee_lines()],
            [Decimal(90000)])
        dossier = reload(dossier)
        self.assertEqual(lines_of(dossier.fees), expected)
        self.assertEqual(lines_of(dossier.compute_fee_lines()), expected)
        # Not even a second submission after a supplement copies again.
        with at(MON):
            Dossier.request_supplement([dossier], reason="Thiếu")
            Dossier.submit([reload(dossier)])
        self.assertEqual(lines_of(reload(dossier).fees), expected)
        self.assertEqual(reload(dossier).amount_total, Decimal(34000))

    @with_transaction()
    def test_without_the_exemption_ticked(self):
        "R-FEE-1, R-FEE-4: an exemption tied to an eForm box needs the box"
        world = make_world()
        set_fees(world.procedure, SCHEDULE, form_fields=FORM_FIELDS)
        dossier = make_dossier(world, form_data={
                'ho_ten': "Nguyễn Thị Lan", 'so_ban_sao': 0})
        self.assertEqual([(l.amount, l.exemption_reason)
                for l in dossier.compute_fee_lines()], [
                (Decimal(50000), None),
                (Decimal(20000), None),
                ])
        self.assertEqual(dossier.amount_total, Decimal(70000))

    @with_transaction()
    def test_exemption_checks(self):
        """R-FEE-1: an exemption waives 0 to 100 percent and names a yes/no
        field of the eForm; it changes only while the procedure is a
        draft"""
        pool = Pool()
        Exemption = pool.get('gov.procedure.fee.exemption')
        Procedure = pool.get('gov.procedure')
        world = make_world()
        procedure = set_fees(world.procedure, SCHEDULE,
            form_fields=FORM_FIELDS)
        fee = procedure.fees[0]
        exemption, = fee.exemptions
        # Published: the schedule is frozen.
        with self.assertRaises(UserError):
            Exemption.write([exemption], {'rate': Decimal(50)})
        Procedure.draft([procedure])
        always, = Exemption.create([{
                    'fee': fee.id, 'reason': "Người có công",
                    'rate': Decimal(30)}])
        self.assertTrue(always.applies({}))
        self.assertFalse(exemption.applies({'dung_han': False}))
        # The most generous exemption that applies is taken.
        Fee = pool.get('gov.procedure.fee')
        self.assertEqual(Fee(fee.id).exemption_for({'dung_han': True}),
            exemption)
        self.assertEqual(Fee(fee.id).exemption_for({}), always)
        for values in [{'rate': Decimal(120)}, {'rate': Decimal(-1)},
                {'form_field': 'so_ban_sao'}, {'form_field': 'khong_co'}]:
            with self.assertRaises(UserError, msg=values):
                Exemption.create([dict({
                                'fee': fee.id, 'reason': "Thử",
                                'rate': Decimal(10)}, **values)])

    @with_transaction()
    def test_desk_dossier_copied_at_reception(self):
        "R-FEE-1: a dossier brought to the desk owes from its reception"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = make_dossier(world, channel='desk')
        with at(MON):
            Dossier.receive([dossier])
        dossier = reload(dossier)
        self.assertEqual([l.amount for l in dossier.fees],
            [Decimal(50000), Decimal(20000)])
        self.assertEqual(dossier.fee_date, MON)

    @with_transaction()
    def test_no_fee(self):
        "R-FEE-1: a procedure without fees: nothing is required"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = make_dossier(world)
        self.assertEqual(dossier.payment_state, 'not_required')
        Dossier.submit([dossier])
        dossier = reload(dossier)
        self.assertEqual(dossier.fees, ())
        self.assertIsNotNone(dossier.fee_date)
        self.assertEqual(dossier.payment_state, 'not_required')
        self.assertEqual(dossier.amount_due, Decimal(0))

    @with_transaction()
    def test_fee_lines_written_by_the_workflow_only(self):
        "R-FEE-1, R-AG-3: fee lines are not created or changed through RPC"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        DossierFee = pool.get('gov.dossier.fee')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        line = reload(dossier).fees[0]
        for user in [world['receiver_a'], world['admin_p']]:
            with as_user(user):
                with self.assertRaises(AccessError):
                    DossierFee.create([{
                                'dossier': dossier.id, 'kind': 'fee',
                                'amount': Decimal(1),
                                'payment_time': 'before'}])
        with as_user(world['receiver_a']):
            # Read through the dossier's access…
            self.assertEqual(
                DossierFee.read([line.id], ['amount'])[0]['amount'],
                Decimal(50000))
            # …but neither changed nor deleted.
            with self.assertRaises(AccessError):
                DossierFee.write([DossierFee(line.id)],
                    {'amount': Decimal(0)})
            with self.assertRaises(AccessError):
                DossierFee.delete([DossierFee(line.id)])
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(dossier.id)],
                    {'payment_state': 'paid'})
        # An officer of another district does not read them.
        with as_user(world['receiver_b']):
            self.assertEqual(DossierFee.search([('id', '=', line.id)]), [])
            with self.assertRaises(AccessError):
                DossierFee.read([line.id], ['amount'])
        self.assertEqual(reload(dossier).fees[0].amount, Decimal(50000))

    # The payment state follows lines, payments and refunds -----------------
    @with_transaction()
    def test_payment_state_transitions(self):
        """R-FEE-2, R-FEE-3: due → partially paid → paid; rejected and
        refunded → refunded"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier = make_dossier(world)
        self.assertEqual(dossier.payment_state, 'due')
        with at(MON):
            Dossier.submit([dossier])
            dossier = reload(dossier)
            self.assertEqual(dossier.payment_state, 'due')
            Payment.record(dossier, 'desk', Decimal(30000))
            dossier = reload(dossier)
            self.assertEqual(dossier.payment_state, 'partially_paid')
            self.assertEqual(dossier.amount_paid, Decimal(30000))
            self.assertEqual(dossier.amount_due, Decimal(40000))
            Payment.record(dossier, 'desk', Decimal(40000))
            dossier = reload(dossier)
            self.assertEqual(dossier.payment_state, 'paid')
            self.assertEqual(dossier.amount_due, Decimal(0))
            # The agency cannot deliver: rejected, the refunds are proposed.
            Dossier.reject([dossier], reason="Không đủ điều kiện")
            dossier = reload(dossier)
            self.assertEqual(dossier.payment_state, 'paid')
            self.assertEqual(len(dossier.refunds), 2)
            with as_user(accountants['accountant_a']):
                refunds = Refund.browse([r.id for r in dossier.refunds])
                Refund.approve(refunds)
                Refund.pay(Refund.browse(refunds))
            dossier = reload(dossier)
            self.assertEqual(dossier.amount_refunded, Decimal(70000))
            self.assertEqual(dossier.payment_state, 'refunded')

    @with_transaction()
    def test_rejected_unpaid_owes_nothing(self):
        "R-FEE-3: a dossier rejected before paying owes nothing more"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        self.assertEqual(reload(dossier).payment_state, 'due')
        Dossier.reject([reload(dossier)], reason="Sai thủ tục")
        dossier = reload(dossier)
        self.assertEqual(dossier.payment_state, 'not_required')
        self.assertEqual(dossier.amount_due, Decimal(0))
        self.assertEqual(dossier.refunds, ())
