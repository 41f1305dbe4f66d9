# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""eForm values within bounds (R-SEC-1, R-CAT-4): texts have a length,
numbers and dates a range, the field's own or a sane default."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from ..bounds import text_error
from ..exceptions import CatalogueValidationError, FormDataError
from .test_eform import FORM, VALID
from .tools import make_procedure


class BoundsTestCase(unittest.TestCase):
    "R-SEC-1: bounds of the eForm"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_defaults(self):
        "R-SEC-1, R-CAT-4: lengths, ranges and dates without field bounds"
        procedure = make_procedure(form_fields=FORM)
        today = dt.date.today()
        for name, value, expected in [
                ('ho_ten', 'x' * 501, 'at most 500'),
                ('ho_ten', 'An\nBình', 'on one line'),
                ('ho_ten', 'An\x00', 'control characters'),
                ('ho_ten', 'An\u202e', 'control characters'),
                ('ghi_chu', 'x' * 5001, 'at most 5000'),
                ('so_ban', -5, 'between 0 and'),
                ('so_ban', 10 ** 40, 'between 0 and'),
                ('can_nang', Decimal('1e16'), 'between'),
                ('ngay_sinh', dt.date(1, 1, 1), 'from 01/01/1900'),
                ('ngay_sinh', dt.date(2999, 1, 1), 'from 01/01/1900'),
                ]:
            errors = procedure.form_errors(dict(VALID, **{name: value}))
            self.assertEqual(list(errors), [name], msg=(name, value))
            self.assertIn(expected, errors[name], msg=(name, value))
            self.assertEqual(
                list(procedure.bounds_errors({name: value})), [name])
        # Within bounds: several lines in a long text, today's date.
        self.assertEqual(procedure.form_errors(dict(VALID,
                    ghi_chu='Dòng 1\r\nDòng 2\tcột', so_ban=0,
                    ngay_sinh=today, can_nang=Decimal('-3.5'))), {})
        # What an HTML form sends is bounded the same way.
        data, errors = procedure.parse_form_data(dict(
                {k: str(v) for k, v in VALID.items()},
                ngay_sinh='01/01/2999', so_ban='-5', gioi_tinh='nu',
                can_nang='3,2', cam_doan='on'))
        self.assertEqual(set(errors), {'ngay_sinh', 'so_ban'})
        self.assertEqual(
            set(procedure.bounds_errors(data)), {'ngay_sinh', 'so_ban'})

    @with_transaction()
    def test_field_bounds(self):
        "R-SEC-1, R-CAT-4: the field's own bounds replace the defaults"
        FormField = Pool().get('gov.procedure.form_field')
        procedure = make_procedure(form_fields=FORM)
        fields = {f.name: f for f in procedure.form_fields}
        FormField.write([fields['so_ban']], {
                'min_value': Decimal(1), 'max_value': Decimal(10)})
        FormField.write([fields['ho_ten']], {'max_length': 50})
        FormField.write([fields['ngay_sinh']], {
                'min_date': dt.date(2000, 1, 1),
                'max_date': dt.date(2030, 12, 31)})
        procedure = Pool().get('gov.procedure')(procedure.id)
        errors = procedure.form_errors(dict(VALID, so_ban=11,
                ho_ten='x' * 51, ngay_sinh=dt.date(1999, 12, 31)))
        self.assertEqual(set(errors), {'so_ban', 'ho_ten', 'ngay_sinh'})
        self.assertIn('between 1 and 10', errors['so_ban'])
        self.assertIn('to 31/12/2030', errors['ngay_sinh'])
        self.assertEqual(procedure.form_errors(dict(VALID, so_ban=10)), {})
        with self.assertRaises(FormDataError):
            Pool().get('gov.procedure.test.form_record').create([{
                        'procedure': procedure.id,
                        'form_data': dict(VALID, so_ban=0)}])

    @with_transaction()
    def test_schema_bounds_checked(self):
        "R-CAT-4: an administrator's bounds must make sense"
        FormField = Pool().get('gov.procedure.form_field')
        procedure = make_procedure()
        for i, values in enumerate([
                    {'type_': 'integer', 'min_value': Decimal(5),
                        'max_value': Decimal(1)},
                    {'type_': 'numeric', 'max_value': Decimal('1e16')},
                    {'type_': 'date', 'min_date': dt.date(2030, 1, 1),
                        'max_date': dt.date(2020, 1, 1)},
                    {'max_length': 0},
                    {'max_length': 100000},
                    ]):
            with self.assertRaises(CatalogueValidationError, msg=values):
                FormField.create([dict({'procedure': procedure.id,
                                'name': f'truong_{i}', 'string': "Trường",
                                'type_': 'char'}, **values)])

    @with_transaction()
    def test_text_error(self):
        "R-SEC-1: one check for every text of the project"
        self.assertIsNone(text_error(None, 'Tên'))
        self.assertIsNone(text_error('Nguyễn Thị Lan', 'Tên'))
        self.assertIsNone(text_error('a\nb', 'Địa chỉ', multiline=True))
        self.assertIsNotNone(text_error('a\x0bb', 'Địa chỉ', multiline=True))
        self.assertIsNotNone(text_error('a' * 11, 'Mã', size=10))
