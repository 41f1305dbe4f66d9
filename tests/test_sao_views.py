"""Views that sao can render: checks Tryton's ModuleTestCase does not make.

sao 8.0 has no list column for datetime/timestamp fields (Tryton's own
lists show them with widget="date" and/or widget="time"); such a column
stops the whole list from opening in the browser.
"""
import unittest
from xml.etree import ElementTree

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.tools import entry_points

OURS = sorted(ep.name for ep in entry_points().select(group='trytond.modules')
    if ep.name.startswith('gov_'))
SAO_LIST_WIDGETS = {
    'binary', 'boolean', 'callto', 'char', 'date', 'dict', 'email', 'float',
    'image', 'integer', 'many2many', 'many2one', 'numeric', 'one2many',
    'one2one', 'progressbar', 'reference', 'selection', 'multiselection',
    'sip', 'text', 'time', 'timedelta', 'url'}


class SaoViewsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(OURS)

    @with_transaction()
    def test_list_columns_have_a_sao_widget(self):
        "R-L10N-1: every list of our modules opens in sao (no unknown column)"
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        views = View.search([('module', 'in', OURS), ('type', '=', 'tree')])
        for view in views:
            Model = pool.get(view.model)
            result = Model.fields_view_get(view_id=view.id)
            arch = ElementTree.fromstring(result['arch'])
            for node in arch.iter('field'):
                field = result['fields'].get(node.get('name'))
                if not field:
                    continue
                widget = node.get('widget') or field['type']
                if widget not in SAO_LIST_WIDGETS:
                    problems.append(
                        f'{view.module}: {view.name} {node.get("name")} '
                        f'({widget})')
        self.assertEqual(problems, [])
