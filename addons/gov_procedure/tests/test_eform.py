# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""eForms (R-CAT-4): fields defined as records, values checked on a
dossier-like record (tests/form_record.py) that keeps them in a
fields.Dict, as gov_dossier does."""
import datetime as dt
import unittest
from decimal import Decimal, InvalidOperation

from trytond.model.exceptions import (
    SQLConstraintError, SelectionValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..exceptions import CatalogueValidationError, FormDataError
from .tools import load_vietnamese, make_procedure

FORM = [
    {'name': 'ho_ten', 'string': "Họ, chữ đệm và tên", 'type_': 'char',
        'required': True, 'sequence': 10},
    {'name': 'ngay_sinh', 'string': "Ngày sinh", 'type_': 'date',
        'required': True, 'sequence': 20},
    {'name': 'gioi_tinh', 'string': "Giới tính", 'type_': 'selection',
        'selection': "nam: Nam\nnu: Nữ", 'required': True, 'sequence': 30},
    {'name': 'so_ban', 'string': "Số bản sao", 'type_': 'integer',
        'sequence': 40},
    {'name': 'can_nang', 'string': "Cân nặng (kg)", 'type_': 'numeric',
        'digits': 1, 'sequence': 50},
    {'name': 'cam_doan', 'string': "Tôi cam đoan", 'type_': 'boolean',
        'required': True, 'sequence': 60},
    {'name': 'ghi_chu', 'string': "Ghi chú", 'type_': 'char',
        'long_text': True, 'sequence': 70},
    ]
VALID = {
    'ho_ten': "Nguyễn Thị An", 'ngay_sinh': dt.date(2026, 11, 20),
    'gioi_tinh': 'nu', 'so_ban': 2, 'can_nang': Decimal('3.2'),
    'cam_doan': True, 'ghi_chu': "Sinh tại Bệnh viện đa khoa tỉnh",
    }


class EFormTestCase(unittest.TestCase):
    "R-CAT-4: interactive eForms defined without code"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    def _record(self, data, procedure=None):
        Record = Pool().get('gov.procedure.test.form_record')
        procedure = procedure or make_procedure(form_fields=FORM)
        record, = Record.create([{
                    'procedure': procedure.id, 'form_data': data}])
        return record

    @with_transaction()
    def test_valid(self):
        "R-CAT-4: valid data is stored and read back with its types"
        record = self._record(VALID)
        self.assertEqual(dict(record.form_data), VALID)
        self.assertEqual(record.procedure.form_errors(record.form_data), {})

    @with_transaction()
    def test_required(self):
        "R-CAT-4: a missing required value is refused, naming the field"
        procedure = make_procedure(form_fields=FORM)
        data = dict(VALID, ho_ten="  ")
        del data['ngay_sinh']
        errors = procedure.form_errors(data)
        self.assertEqual(set(errors), {'ho_ten', 'ngay_sinh'})
        self.assertIn('"Ngày sinh" is required', errors['ngay_sinh'])
        with self.assertRaises(FormDataError) as cm:
            self._record(data, procedure)
        self.assertEqual(set(cm.exception.errors), {'ho_ten', 'ngay_sinh'})
        self.assertIn('Họ, chữ đệm và tên', cm.exception.message)
        # Optional fields may be left out.
        data = {k: v for k, v in VALID.items()
            if k not in {'so_ban', 'can_nang', 'ghi_chu'}}
        self.assertEqual(procedure.form_errors(data), {})

    @with_transaction()
    def test_types(self):
        "R-CAT-4: each value has its field's type"
        procedure = make_procedure(form_fields=FORM)
        for name, value, expected in [
                ('ho_ten', 5, 'must be a text'),
                ('ngay_sinh', '2026-11-20', 'must be a date'),
                ('ngay_sinh', dt.datetime(2026, 11, 20, 8), 'must be a date'),
                ('so_ban', '2', 'whole number'),
                ('so_ban', 2.5, 'whole number'),
                ('so_ban', True, 'whole number'),
                ('can_nang', 'ba ký', 'must be a number'),
                ('can_nang', Decimal('3.25'), 'at most 1 decimal places'),
                ('cam_doan', 'có', 'ticked or left unticked'),
                ('cam_doan', False, 'must be ticked'),
                ]:
            errors = procedure.form_errors(dict(VALID, **{name: value}))
            self.assertEqual(list(errors), [name], msg=(name, value))
            self.assertIn(expected, errors[name], msg=(name, value))
            with self.assertRaises(FormDataError, msg=(name, value)):
                self._record(dict(VALID, **{name: value}), procedure)

    @with_transaction()
    def test_selection(self):
        "R-CAT-4: a selection accepts only its choices"
        procedure = make_procedure(form_fields=FORM)
        errors = procedure.form_errors(dict(VALID, gioi_tinh='khac'))
        self.assertEqual(
            errors['gioi_tinh'], '"Giới tính" must be one of: Nam, Nữ.')
        self.assertEqual(
            procedure.form_errors(dict(VALID, gioi_tinh='nam')), {})

    @with_transaction()
    def test_messages_in_vietnamese(self):
        "R-CAT-4 R-L10N-1: the citizen reads the errors in Vietnamese"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(form_fields=FORM)
        load_vietnamese()
        with Transaction().set_context(language='vi'):
            procedure = Procedure(procedure.id)
            errors = procedure.form_errors(
                dict(VALID, ngay_sinh='20/13/2026', ho_ten=None))
        self.assertEqual(errors['ho_ten'],
            '"Họ, chữ đệm và tên" là thông tin bắt buộc: vui lòng nhập.')
        self.assertIn('phải là ngày', errors['ngay_sinh'])

    @with_transaction()
    def test_removed_field_keeps_data(self):
        "R-CAT-4: removing a field keeps old data readable and valid"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        FormField = pool.get('gov.procedure.form_field')
        Record = pool.get('gov.procedure.test.form_record')
        record = self._record(VALID)
        procedure = record.procedure
        Procedure.publish([procedure])
        Procedure.draft([procedure])
        FormField.delete([f for f in procedure.form_fields
                if f.name in {'ghi_chu', 'so_ban'}])
        FormField.create([{'procedure': procedure.id, 'name': 'noi_sinh',
                    'string': "Nơi sinh", 'type_': 'char', 'sequence': 80}])
        Procedure.publish([procedure])

        record = Record(record.id)
        self.assertEqual(dict(record.form_data), VALID)
        self.assertEqual(procedure.form_errors(record.form_data), {})
        lines = procedure.format_form_data(record.form_data)
        self.assertEqual(lines[0], ("Họ, chữ đệm và tên", "Nguyễn Thị An"))
        self.assertIn(("Giới tính", "Nữ"), lines)
        self.assertEqual(lines[-2:], [
                ('ghi_chu', "Sinh tại Bệnh viện đa khoa tỉnh"),
                ('so_ban', '2')])
        # The old record can still be changed.
        Record.write([record], {'form_data': dict(VALID, ho_ten="Trần An")})

    @with_transaction()
    def test_unknown_keys(self):
        "R-CAT-4: keys unknown to the form are not errors"
        procedure = make_procedure(form_fields=FORM)
        self.assertEqual(
            procedure.form_errors(dict(VALID, truong_cu="giá trị cũ")), {})

    @with_transaction()
    def test_parse_form_data(self):
        "R-CAT-4: texts typed in an HTML form become typed values"
        procedure = make_procedure(form_fields=FORM)
        data, errors = procedure.parse_form_data({
                'ho_ten': " Nguyễn Thị An ", 'ngay_sinh': '20/11/2026',
                'gioi_tinh': 'nu', 'so_ban': '2', 'can_nang': '3,2',
                'cam_doan': 'on', 'csrf_token': 'x'})
        self.assertEqual(errors, {})
        self.assertEqual(data,
            {k: v for k, v in VALID.items() if k != 'ghi_chu'})
        data, errors = procedure.parse_form_data({
                'ho_ten': "An", 'ngay_sinh': '2026-11-31',
                'gioi_tinh': 'nu', 'so_ban': 'hai'})
        self.assertEqual(set(errors), {'ngay_sinh', 'so_ban', 'cam_doan'})
        # What was typed is kept, to show the form again.
        self.assertEqual(data['ngay_sinh'], '2026-11-31')
        self.assertEqual(data['so_ban'], 'hai')
        self.assertIs(data['cam_doan'], False)

    def test_numbers_read_as_sao_reads_them(self):
        "R-L10N-1: the portal reads a number as the back office does"
        from ..eform import parse_decimal
        for text, value in [('8,5', '8.5'), ('8.5', '8.5'),
                ('1.234,5', '1234.5'), ('1.500', '1500'),
                ('1.234.567', '1234567'), ('1,234.5', '1234.5'),
                (' -3 ', '-3'), ('.5', '0.5')]:
            self.assertEqual(parse_decimal(text), Decimal(value), text)
        for text in ['abc', '8,5,5', '12.34.56', '1..2', '-', '']:
            with self.assertRaises(InvalidOperation, msg=text):
                parse_decimal(text)

    @with_transaction()
    def test_integers_are_whole_numbers(self):
        "R-CAT-4: '1.500' is a whole number, '1,5' is not"
        procedure = make_procedure(form_fields=FORM)
        so_ban, = [f for f in procedure.form_fields if f.name == 'so_ban']
        self.assertEqual(so_ban.parse_value('1.500'), (1500, None))
        value, message = so_ban.parse_value('1,5')
        self.assertEqual(value, '1,5')
        self.assertTrue(message)

    @with_transaction()
    def test_schema_per_procedure(self):
        "R-CAT-4: each procedure has its own form; names unique within it"
        pool = Pool()
        FormField = pool.get('gov.procedure.form_field')
        first = make_procedure(form_fields=FORM)
        second = make_procedure(code='1.003583', form_fields=FORM[:2])
        keys = FormField.search_get_keys([('procedure', '=', second.id)])
        self.assertEqual([k['name'] for k in keys], ['ho_ten', 'ngay_sinh'])
        self.assertEqual(len(FormField.search_get_keys(
                    [('procedure', '=', first.id)])), len(FORM))
        with self.assertRaises(SQLConstraintError):
            FormField.create([dict(FORM[0], procedure=second.id)])

    @with_transaction()
    def test_schema_checks(self):
        "R-CAT-4, R-SUB-8: names, types, choices and profile pre-fills of the form are checked"
        FormField = Pool().get('gov.procedure.form_field')
        procedure = make_procedure()
        field = FormField(procedure=procedure)
        field.string = "Địa chỉ thường trú"
        field.on_change_string()
        self.assertEqual(field.name, 'dia_chi_thuong_tru')
        for i, (values, error) in enumerate([
                    ({'name': 'Họ tên'}, CatalogueValidationError),
                    ({'name': '1_ten'}, CatalogueValidationError),
                    ({'type_': 'selection', 'selection': ''},
                        CatalogueValidationError),
                    ({'type_': 'datetime'}, SelectionValidationError),
                    ({'type_': 'multiselection'}, SelectionValidationError),
                    # R-SUB-8: a birth date pre-fills only a date field,
                    # the texts of the profile only a text field.
                    ({'prefill': 'birth_date'}, CatalogueValidationError),
                    ({'type_': 'date', 'prefill': 'full_name'},
                        CatalogueValidationError),
                    ({'prefill': 'pet_name'}, SelectionValidationError),
                    ]):
            # Each failed record stays in this test transaction (a request
            # would be rolled back), hence a name of its own.
            with self.assertRaises(error, msg=values):
                FormField.create([dict({'procedure': procedure.id,
                                'name': f'ten_{i}', 'string': "Tên",
                                'type_': 'char'}, **values)])
        # The pre-fills that fit their field are kept.
        kept = FormField.create([
                {'procedure': procedure.id, 'name': 'ngay_sinh',
                    'string': "Ngày sinh", 'type_': 'date',
                    'prefill': 'birth_date'},
                {'procedure': procedure.id, 'name': 'ho_ten',
                    'string': "Họ tên", 'type_': 'char',
                    'prefill': 'full_name'}])
        self.assertEqual([f.prefill for f in kept],
            ['birth_date', 'full_name'])
