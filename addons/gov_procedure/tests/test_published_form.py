# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the administrator sees of a procedure that is not a draft: nothing
looks editable that saving would refuse, and the form says how to change
it (issue: a published procedure looked editable, then refused at save)."""
import unittest
from xml.etree import ElementTree

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module, with_transaction

from .tools import make_procedure

LINES = ['gov.procedure.component', 'gov.procedure.fee',
    'gov.procedure.form_field', 'gov.procedure.step']


def readonly(definition, values):
    "The readonly state of a field definition for a record's values."
    states = PYSONDecoder(values).decode(definition.get('states') or '{}')
    return bool(definition.get('readonly') or states.get('readonly'))


class PublishedFormTestCase(unittest.TestCase):
    "R-CAT-1, R-CAT-5"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_lines_read_only_unless_draft(self):
        """R-CAT-1: the lines (components, fees, eForm fields, steps) of a
        procedure that is not a draft are read only in its form"""
        pool = Pool()
        for model in LINES:
            Line = pool.get(model)
            definitions = Line.fields_get()
            editable = [n for n, d in definitions.items()
                if not readonly(d, {'procedure_state': 'draft'})]
            self.assertIn('sequence', editable, model)
            for state in ['published', 'suspended', 'cancelled']:
                left = [n for n, d in definitions.items()
                    if n not in {'procedure', 'id'}
                    and not d.get('readonly')
                    and d['type'] not in {'one2many', 'many2many'}
                    and not readonly(d, {'procedure_state': state})
                    and n != 'rec_name']
                self.assertEqual(left, [], (model, state))
            # A new line (no procedure yet) stays editable.
            self.assertFalse(readonly(
                    definitions['sequence'], {'procedure_state': None}))

    @with_transaction()
    def test_line_knows_its_procedure_state(self):
        "R-CAT-1: the lines follow the state of their procedure"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Component = pool.get('gov.procedure.component')
        procedure = make_procedure()
        component, = procedure.components
        self.assertEqual(Component(component.id).procedure_state, 'draft')
        Procedure.publish([procedure])
        self.assertEqual(
            Component(component.id).procedure_state, 'published')
        # In the form, from the procedure being edited.
        line = Component(procedure=Procedure(state='suspended'))
        self.assertEqual(line.on_change_with_procedure_state(), 'suspended')

    @with_transaction()
    def test_form_says_how_to_change_it(self):
        """R-CAT-5: the form of a procedure that is not a draft explains
        why it is read only and how to edit it; the button asks first"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Button = pool.get('ir.model.button')
        result = Procedure.fields_view_get(view_type='form')
        arch = ElementTree.fromstring(result['arch'])
        group, = [g for g in arch.iter('group')
            if g.get('id') == 'not_draft']
        states = PYSONDecoder({'state': 'published'}).decode(
            group.get('states'))
        self.assertTrue(states['invisible'] is False)
        states = PYSONDecoder({'state': 'draft'}).decode(
            group.get('states'))
        self.assertTrue(states['invisible'])
        self.assertIn("Edit (Back to Draft)", ElementTree.tostring(
                group, encoding='unicode'))
        button, = Button.search([
                ('model', '=', 'gov.procedure'), ('name', '=', 'draft')])
        self.assertEqual(button.string, "Edit (Back to Draft)")
        self.assertIn("withdrawn from the portal", button.confirm)
