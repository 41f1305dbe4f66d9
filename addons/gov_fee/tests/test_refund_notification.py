# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The applicant is told of an approved refund (R-FEE-3, R-NOT-1)."""
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_dossier, make_web_user, make_world, reload)
from gov_dossier.tests.tools import load_vietnamese

from .tools import SIMPLE, FeeTestCase, add_accountant, set_fees

MON = local(2025, 3, 3, 9, 0)
MODULES = ('gov_agency', 'gov_procedure', 'gov_dossier', 'gov_fee')


class RefundNotificationTestCase(FeeTestCase):
    "R-FEE-3: the citizen is told the fees are refunded"

    def paid_dossier(self, world):
        "An online dossier of a portal account, paid 50.000 at the desk."
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        web_user = make_web_user('lan@example.vn')
        dossier = make_dossier(world, applicant_email='lan@example.vn',
            applicant_phone='0912 345 678')
        Dossier.write([dossier], {'web_user': web_user.id})
        with at(MON):
            Dossier.submit([dossier])
            Payment.record(reload(dossier), 'desk', Decimal(50000))
        return reload(dossier), web_user

    def refund_notifications(self, dossier):
        Notification = Pool().get('gov.notification')
        return {n.channel: n for n in Notification.search([
                    ('dossier', '=', dossier.id), ('kind', '=', 'refund')])}

    @with_transaction()
    def test_refund_approval_notifies_the_applicant(self):
        """R-FEE-3, R-NOT-1: when the accountant approves the refund of a
        rejected dossier, the applicant is told on the portal, by e-mail
        and by SMS, in Vietnamese, with the amount and the reason"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        load_vietnamese(MODULES)
        dossier, web_user = self.paid_dossier(world)
        with at(MON):
            Dossier.reject([dossier], reason="Thiếu giấy tờ bắt buộc")
        refund, = reload(dossier).refunds
        # Proposed only: nothing said yet.
        self.assertEqual(self.refund_notifications(dossier), {})
        with at(MON), as_user(accountants['accountant_a']):
            Refund.approve([refund])
        self.assertEqual(Refund(refund.id).state, 'approved')
        notifications = self.refund_notifications(dossier)
        self.assertEqual(set(notifications), {'portal', 'email', 'sms'})
        portal = notifications['portal']
        self.assertEqual(portal.web_user, web_user)
        self.assertEqual(portal.state, 'sent')
        self.assertEqual(portal.subject,
            f"Hoàn trả phí, lệ phí của hồ sơ {dossier.code}")
        body = portal.body
        self.assertIn("Kính gửi Ông/Bà Nguyễn Thị Lan", body)
        self.assertIn(f"Phí, lệ phí đã nộp cho hồ sơ {dossier.code}", body)
        self.assertIn("sẽ được hoàn trả cho Ông/Bà: 50.000 đồng", body)
        self.assertIn("Thiếu giấy tờ bắt buộc", body)
        self.assertIn("Tiền mặt tại Bộ phận Một cửa", body)
        self.assertEqual(notifications['email'].recipient, 'lan@example.vn')
        sms = notifications['sms'].body
        self.assertIn(dossier.code, sms)
        self.assertIn("50.000 đ", sms)
        self.assertLessEqual(len(sms), 459)
        # Paying it back says nothing more.
        with at(MON), as_user(accountants['accountant_a']):
            Refund.pay([Refund(refund.id)])
        self.assertEqual(len(self.refund_notifications(dossier)), 3)

    @with_transaction()
    def test_no_refund_no_notification(self):
        """R-FEE-3: a withdrawn dossier is not refunded and its applicant
        gets no refund notification; a cancelled refund says nothing"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Refund = pool.get('gov.fee.refund')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        dossier, _ = self.paid_dossier(world)
        with at(MON):
            Dossier.reject([dossier], reason="Không đủ điều kiện")
        refund, = reload(dossier).refunds
        with as_user(accountants['accountant_a']):
            Refund.cancel([refund])
        self.assertEqual(self.refund_notifications(dossier), {})
