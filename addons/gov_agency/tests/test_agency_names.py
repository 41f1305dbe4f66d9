# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The names of agencies as lists show them: the path from the province
(R-AG-1), read once and kept until an agency changes (issue #7)."""
import unittest
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_access import make_world


class AgencyNamesTestCase(unittest.TestCase):
    "R-AG-1: an agency's name is its path in the tree"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    @with_transaction()
    def test_path_follows_changes(self):
        "R-AG-1: the path of the tree, renamed, moved, deactivated parents"
        Agency = Pool().get('gov.agency')
        agencies, _ = make_world()
        a1 = agencies['a1']
        self.assertEqual(Agency(a1.id).rec_name, "Tỉnh / Huyện A / Xã A1")

        Agency.write([agencies['a']], {'name': "Thành phố A"})
        self.assertEqual(Agency(a1.id).rec_name,
            "Tỉnh / Thành phố A / Xã A1")
        Agency.write([a1], {'parent': agencies['b'].id})
        self.assertEqual(Agency(a1.id).rec_name, "Tỉnh / Huyện B / Xã A1")
        # A deactivated parent is still part of the path.
        Agency.write([agencies['b']], {'active': False})
        self.assertEqual(Agency(a1.id).rec_name, "Tỉnh / Huyện B / Xã A1")
        new, = Agency.create([{'name': "Xã B2", 'code': 'B2',
                    'kind': a1.kind.id, 'parent': agencies['b'].id}])
        self.assertEqual(new.rec_name, "Tỉnh / Huyện B / Xã B2")

    @with_transaction()
    def test_read_once(self):
        "R-AG-1: the names of all agencies are read once, not per record"
        Agency = Pool().get('gov.agency')
        agencies, _ = make_world()
        Agency._rec_names_cache.clear()
        ids = [a.id for a in agencies.values()]
        with patch.object(Agency, 'search_read',
                wraps=Agency.search_read) as spy:
            first = Agency.read(ids, ['rec_name'])
            second = Agency.read(ids[:2], ['rec_name'])
        self.assertEqual(spy.call_count, 1)
        names = {r['id']: r['rec_name'] for r in first + second}
        self.assertEqual(names[agencies['b'].id], "Tỉnh / Huyện B")
        self.assertEqual(names[agencies['province'].id], "Tỉnh")

    @with_transaction()
    def test_short_names_in_lists(self):
        """R-AG-1, R-L10N-1: the back office's lists name an agency by its
        short name (or its name), from the same cache as the paths"""
        Agency = Pool().get('gov.agency')
        agencies, _ = make_world()
        a1, b = agencies['a1'], agencies['b']
        Agency.write([a1], {'short_name': "A1"})
        Agency._rec_names_cache.clear()
        ids = [a.id for a in agencies.values()]
        with patch.object(Agency, 'search_read',
                wraps=Agency.search_read) as spy:
            with Transaction().set_context(agency_short_name=True):
                short = {r['id']: r['rec_name']
                    for r in Agency.read(ids, ['rec_name'])}
            paths = {r['id']: r['rec_name']
                for r in Agency.read(ids, ['rec_name'])}
        self.assertEqual(spy.call_count, 1)
        self.assertEqual(short[a1.id], "A1")
        self.assertEqual(short[b.id], "Huyện B")
        self.assertEqual(paths[a1.id], "Tỉnh / Huyện A / Xã A1")
        # A change of short name is seen at once.
        Agency.write([b], {'short_name': "HB"})
        with Transaction().set_context(agency_short_name=True):
            self.assertEqual(Agency(b.id).rec_name, "HB")
        # A list action's context: sao reads Many2One names through it.
        Officer = Pool().get('gov.agency.officer')
        officer, = Officer.search([('agency', '=', a1.id)])
        with Transaction().set_context(agency_short_name=True):
            row, = Officer.read([officer.id], ['agency.rec_name'])
        self.assertEqual(row['agency.']['rec_name'], "A1")

    @with_transaction()
    def test_system_user_is_not_root(self):
        "R-L10N-1: what the system did is signed by a readable name"
        User = Pool().get('res.user')
        self.assertEqual(User(0).name, "Hệ thống")
