# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The demo catalogue under data/ loads (through the loader that setup_db
runs) and every published procedure satisfies the publishing rules."""
import unittest
from collections import Counter
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction


class DemoCatalogueTestCase(unittest.TestCase):
    "R-CAT-1 R-CAT-2 R-CAT-4 R-FEE-1: the provincial demo catalogue"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    def _load(self):
        from gov_server.data_load import load_agencies
        from gov_server.data_procedures import load_procedures
        pool = Pool()
        load_agencies(pool)
        return load_procedures(pool)

    @with_transaction()
    def test_load(self):
        "R-CAT-1 R-CAT-4 R-FEE-1: every published procedure passes the rules"
        Procedure = Pool().get('gov.procedure')
        self._load()
        procedures = Procedure.search([])
        published = [p for p in procedures if p.state == 'published']
        self.assertEqual(len(published), len(procedures))
        self.assertGreaterEqual(len(published), 40)
        for procedure in published:
            with self.subTest(procedure=procedure.code):
                procedure.check_publishable()
                self.assertTrue(procedure.form_fields)
                self.assertTrue(procedure.agencies)
                self.assertTrue(procedure.levels)
                self.assertTrue(procedure.service_level)
                self.assertTrue(procedure.source)
                self.assertTrue(procedure.published_date)
        self.assertGreaterEqual(len({p.field for p in published}), 8)
        levels = Counter(k.code for p in published for k in p.levels)
        self.assertTrue(levels['commune_committee'])
        self.assertTrue(levels['district_committee'])
        self.assertTrue(levels['department'])
        schemes = {p.service_level.scheme for p in published}
        self.assertEqual(schemes, {'2019', 'current'})

    @with_transaction()
    def test_birth_registration(self):
        "R-CAT-1 R-CAT-4 R-FEE-1: Đăng ký khai sinh as chị Lan finds it"
        Procedure = Pool().get('gov.procedure')
        self._load()
        procedure, = Procedure.search([('code', '=', '1.001193')])
        self.assertEqual(procedure.name, "Đăng ký khai sinh")
        self.assertEqual(procedure.processing_days, Decimal(1))
        self.assertEqual(
            [k.code for k in procedure.levels], ['commune_committee'])
        self.assertEqual(len(procedure.agencies), 9)
        self.assertTrue(procedure.service_level.online_submission)
        self.assertEqual(procedure.total_fee(), 0)
        charge, = [f for f in procedure.fees if f.kind == 'charge']
        self.assertEqual(charge.amount, 8000)
        self.assertTrue(charge.conditional)
        self.assertIn('miễn', charge.condition)
        names = [f.name for f in procedure.form_fields]
        for name in ['ho_ten', 'ngay_sinh', 'gioi_tinh', 'noi_sinh',
                'ho_ten_cha', 'ho_ten_me']:
            self.assertIn(name, names)
        sex, = [f for f in procedure.form_fields if f.name == 'gioi_tinh']
        self.assertEqual(sex.type_, 'selection')
        self.assertEqual(procedure.search_catalogue('khai sinh')[0],
            procedure)
        self.assertTrue(any(c.mandatory for c in procedure.components))

    @with_transaction()
    def test_idempotent(self):
        "R-CAT-1: loading twice creates nothing more and keeps edits"
        Procedure = Pool().get('gov.procedure')
        self._load()
        count = Procedure.search_count([])
        procedure, = Procedure.search([('code', '=', '1.000894')])
        Procedure.draft([procedure])
        Procedure.write([procedure], {'processing_days': 3})
        result = self._load()
        self.assertIn('(0 new, 0 published)', result)
        self.assertEqual(Procedure.search_count([]), count)
        self.assertEqual(procedure.processing_days, 3)
        self.assertEqual(procedure.state, 'draft')
