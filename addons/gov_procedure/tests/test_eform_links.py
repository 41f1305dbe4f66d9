# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What an online dossier takes from the eForm: the component it replaces,
the fee lines paid per unit asked for, and a date that does not exist
told as such (R-SUB-4, R-FEE-1, R-CAT-4)."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..exceptions import PublishError
from .tools import load_vietnamese, make_procedure

COPIES = {'name': 'so_ban_sao', 'string': "Số bản sao", 'type_': 'integer',
    'sequence': 10}
BIRTH_DATE = {'name': 'ngay_sinh', 'string': "Ngày sinh", 'type_': 'date',
    'required': True, 'sequence': 20}
FEES = [
    {'kind': 'charge', 'amount': Decimal(8000), 'conditional': True,
        'condition': "Đăng ký không đúng hạn"},
    {'kind': 'fee', 'amount': Decimal(8000), 'conditional': True,
        'condition': "Bản sao Giấy khai sinh, mỗi bản",
        'payment_time': 'on_collection', 'quantity_field': 'so_ban_sao'},
    ]


class ReplacedByEFormTestCase(unittest.TestCase):
    "R-SUB-4, R-CAT-4: the declaration the eForm replaces online"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_required_for_channel(self):
        """R-SUB-4: a mandatory component the eForm replaces is required at
        the desk and by post, not online; an optional one never"""
        procedure = make_procedure(components=2, form_fields=[COPIES])
        declaration, other = procedure.components
        declaration.replaced_by_eform = True
        declaration.save()
        self.assertTrue(declaration.required_for('desk'))
        self.assertTrue(declaration.required_for('postal'))
        self.assertFalse(declaration.required_for('online'))
        self.assertTrue(other.required_for('online'))
        other.mandatory = False
        other.save()
        self.assertFalse(other.required_for('desk'))

    @with_transaction()
    def test_replaced_needs_an_eform(self):
        """R-CAT-1: a component replaced by the eForm of a procedure
        without eForm fields cannot be published"""
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure()
        component, = procedure.components
        component.replaced_by_eform = True
        component.save()
        with self.assertRaises(PublishError) as cm:
            Procedure.publish([procedure])
        self.assertIn('no eForm field', cm.exception.message)


class FeeQuantityTestCase(unittest.TestCase):
    "R-FEE-1: fee lines paid per unit asked for in the eForm"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_total_follows_quantity(self):
        """R-FEE-1: two copies at 8.000 đ are 16.000 đ; none asked, the
        conditional line costs nothing; the late fee stays conditional"""
        procedure = make_procedure(form_fields=[COPIES], fees=FEES)
        self.assertEqual(procedure.total_fee(), Decimal(0))
        self.assertEqual(procedure.total_fee(data={'so_ban_sao': 2}),
            Decimal(16000))
        self.assertEqual(procedure.total_fee(
                'on_collection', data={'so_ban_sao': 3}), Decimal(24000))
        self.assertEqual(procedure.total_fee(
                'before', data={'so_ban_sao': 3}), Decimal(0))
        late, copies = procedure.fee_lines({'so_ban_sao': 2})
        self.assertEqual(late[1:], (None, None))
        self.assertEqual(copies[1:], (2, Decimal(16000)))
        # A value that is not a count (typed wrong, negative) counts 0.
        for wrong in ('hai', -1, True, None):
            self.assertEqual(procedure.total_fee(
                    data={'so_ban_sao': wrong}), Decimal(0), wrong)

    @with_transaction()
    def test_unconditional_quantity_line(self):
        """R-FEE-1: a line always due, paid per unit: once while the
        quantity is empty (the catalogue's standard total), then per unit"""
        procedure = make_procedure(form_fields=[COPIES], fees=[
                dict(FEES[1], conditional=False)])
        self.assertEqual(procedure.total_fee(), Decimal(8000))
        self.assertEqual(procedure.fee_total, Decimal(8000))
        self.assertEqual(procedure.total_fee(data={'so_ban_sao': 0}),
            Decimal(0))
        self.assertEqual(procedure.total_fee(data={'so_ban_sao': 5}),
            Decimal(40000))

    @with_transaction()
    def test_quantity_field_must_be_an_integer_field(self):
        """R-CAT-1: publishing refuses a quantity taken from a field the
        eForm does not have, or that is not a whole number"""
        Procedure = Pool().get('gov.procedure')
        for form_fields in ([], [dict(COPIES, type_='char')]):
            procedure = make_procedure(
                code=f'X.{len(form_fields)}', form_fields=form_fields,
                fees=FEES)
            with self.assertRaises(PublishError) as cm:
                Procedure.publish([procedure])
            self.assertIn('so_ban_sao', cm.exception.message)
        procedure = make_procedure(form_fields=[COPIES], fees=FEES)
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')


class DateThatDoesNotExistTestCase(unittest.TestCase):
    "R-CAT-4: a date in the right format that is not in the calendar"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_day_does_not_exist(self):
        """R-CAT-4, R-L10N-1: 31/11/2026 is told the day does not exist
        (November has 30 days), not that the format is wrong; 29/02 of a
        leap year is a date"""
        procedure = make_procedure(form_fields=[BIRTH_DATE])
        load_vietnamese()
        for text, days in [('31/11/2026', 30), ('29/02/2026', 28),
                ('2026-04-31', 30), ('00/01/2026', 31)]:
            data, errors = procedure.parse_form_data({'ngay_sinh': text})
            self.assertEqual(data['ngay_sinh'], text)  # kept as typed
            self.assertIn('does not exist', errors['ngay_sinh'], text)
            self.assertIn(f'has {days} days', errors['ngay_sinh'], text)
            self.assertNotIn('dd/mm/yyyy', errors['ngay_sinh'], text)
        with Transaction().set_context(language='vi'):
            _, errors = procedure.parse_form_data({'ngay_sinh': '31/11/2026'})
        self.assertEqual(errors['ngay_sinh'], '"Ngày sinh": không có ngày '
            '31/11/2026, tháng 11 năm 2026 chỉ có 30 ngày.')
        data, errors = procedure.parse_form_data({'ngay_sinh': '29/02/2028'})
        self.assertEqual((data, errors),
            ({'ngay_sinh': dt.date(2028, 2, 29)}, {}))

    @with_transaction()
    def test_month_does_not_exist_and_bad_format(self):
        """R-CAT-4: month 13 is named; a text that is no date at all keeps
        the format message"""
        procedure = make_procedure(form_fields=[BIRTH_DATE])
        _, errors = procedure.parse_form_data({'ngay_sinh': '12/13/2026'})
        self.assertIn('no month 13', errors['ngay_sinh'])
        for text in ('31-11', 'hôm qua', '5/1/26', '2026/01/05'):
            _, errors = procedure.parse_form_data({'ngay_sinh': text})
            self.assertIn('dd/mm/yyyy', errors['ngay_sinh'], text)
