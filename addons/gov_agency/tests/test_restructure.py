# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The agency restructuring wizard (R-CAT-9, R-AG-1): merge, split,
rename, move, with a preview; nothing deleted, every run logged. Run as
the wizard runs over RPC (create / execute with the access checks)."""
import datetime as dt
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

DATE = dt.date(2025, 7, 1)


def make_world():
    """Province → district A (→ commune A1, unit A2), district B, and a
    province-level desk; officers in A, A1 and B; an administrator."""
    pool = Pool()
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    kinds = {k.code: k for k in Kind.search([])}

    def agency(code, kind, parent=None):
        record = Agency(name=code, code=code, kind=kinds[kind],
            parent=parent)
        record.save()
        return record
    w = {}
    w['province'] = agency('P', 'province_committee')
    w['a'] = agency('A', 'district_committee', w['province'])
    w['b'] = agency('B', 'district_committee', w['province'])
    w['a1'] = agency('A1', 'commune_committee', w['a'])
    w['a2'] = agency('A2', 'unit', w['a'])
    for login, groups in [
            ('admin_p', ['group_admin']),
            ('officer_a', ['group_receiver']),
            ('officer_b', ['group_receiver']),
            ('auditor', ['group_auditor']),
            ]:
        w[login] = User(login=login, name=login,
            groups=[ModelData.get_id('gov_agency', g) for g in groups])
        w[login].save()
    Officer.create([
            {'user': w['officer_a'].id, 'agency': w['a'].id},
            {'user': w['officer_b'].id, 'agency': w['b'].id},
            # Already an officer of both: keeps both memberships.
            {'user': w['officer_b'].id, 'agency': w['a'].id},
            ])
    return w


def run(user, values, apply=True):
    """Run the wizard as user with the access checks of RPC; return the
    preview's values (and apply when asked)."""
    Wizard = Pool().get('gov.agency.restructure', type='wizard')
    values = dict({'date': DATE, 'reason': "NQ 202/2025/QH15"}, **values)
    with Transaction().set_user(user.id), check_access():
        session, _, _ = Wizard.create()
        Wizard.execute(session, {}, 'start')
        result = Wizard.execute(session, {'start': values}, 'preview')
        preview = result['view']['defaults']
        if apply:
            Wizard.execute(session, {'start': values, 'preview': {}},
                'apply')
    return preview


class RestructureTestCase(unittest.TestCase):
    "R-CAT-9, R-AG-1"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    @with_transaction()
    def test_merge_moves_children_and_officers_and_deletes_nothing(self):
        """R-CAT-9, R-AG-1: a merger previews then moves the sub-agencies
        and the officers to the successor; the old agency stays, inactive,
        with its successor and date; the run is logged"""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        Log = pool.get('gov.agency.restructuring')
        w = make_world()
        with Transaction().set_context(active_test=False):
            count = Agency.search_count([])
        preview = run(w['admin_p'], {'operation': 'merge',
                'sources': [w['a'].id], 'successor': w['b'].id})
        lines = {l['kind']: l for l in preview['lines']}
        self.assertEqual(lines['children']['count'], 2)
        self.assertEqual(lines['officers']['count'], 2)
        self.assertIn('A1', lines['children']['detail'])
        self.assertIn('B', preview['summary'])

        a = Agency(w['a'].id)
        self.assertFalse(a.active)
        self.assertEqual(a.successor, w['b'])
        self.assertEqual(a.restructured_date, DATE)
        with Transaction().set_context(active_test=False):
            self.assertEqual(Agency.search_count([]), count)
        # Gone from the pickers, still read where records point at it.
        self.assertNotIn(a, Agency.search([]))
        self.assertEqual(Agency(w['a'].id).name, 'A')
        self.assertEqual(Agency(w['a1'].id).parent, w['b'])
        self.assertEqual(Agency(w['a2'].id).parent, w['b'])
        self.assertEqual(
            {(o.user.login, o.agency.code) for o in Officer.search([])},
            {('officer_a', 'B'), ('officer_b', 'B'), ('officer_b', 'A')})
        self.assertEqual(Agency(w['b'].id).predecessors, (a,))

        log, = Log.search([])
        self.assertEqual(log.operation, 'merge')
        self.assertEqual(log.user, w['admin_p'])
        self.assertEqual(log.sources, (a,))
        self.assertEqual(log.successor, w['b'])
        self.assertEqual(log.reason, "NQ 202/2025/QH15")
        self.assertEqual({(l.kind, l.source, l.successor, l.count)
                for l in log.lines},
            {('children', a, w['b'], 2), ('officers', a, w['b'], 2)})

    @with_transaction()
    def test_merge_into_a_new_agency(self):
        "R-CAT-9: several agencies merge into a new one created by the run"
        pool = Pool()
        Agency = pool.get('gov.agency')
        Kind = pool.get('gov.agency.kind')
        w = make_world()
        kind, = Kind.search([('code', '=', 'commune_committee')])
        preview = run(w['admin_p'], {'operation': 'merge',
                'sources': [w['a1'].id, w['a2'].id],
                'create_successor': True, 'new_name': "Xã mới",
                'new_code': 'X', 'new_kind': kind.id,
                'new_parent': w['province'].id})
        self.assertIn("Xã mới", preview['summary'])
        new, = Agency.search([('code', '=', 'X')])
        self.assertEqual(new.parent, w['province'])
        self.assertEqual(
            [(s.code, s.active, s.successor) for s in Agency.browse(
                    [w['a1'].id, w['a2'].id])],
            [('A1', False, new), ('A2', False, new)])

    @with_transaction()
    def test_split_follows_the_rules_per_kind(self):
        """R-CAT-9: a split sends each kind of item to the successor its
        rule names, the others to the default successor"""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        w = make_world()
        run(w['admin_p'], {'operation': 'split', 'sources': [w['a'].id],
                'successor': w['b'].id,
                'rules': [{'kind': 'children',
                        'successor': w['province'].id}]})
        self.assertEqual(Agency(w['a1'].id).parent, w['province'])
        self.assertEqual(Officer.search([('user', '=', w['officer_a'].id)])[
                0].agency, w['b'])
        self.assertEqual(Agency(w['a'].id).successor, w['b'])

    @with_transaction()
    def test_back_from_the_preview_keeps_the_request(self):
        "R-CAT-9: the preview applies nothing; Back shows the request again"
        pool = Pool()
        Agency = pool.get('gov.agency')
        Wizard = pool.get('gov.agency.restructure', type='wizard')
        w = make_world()
        values = {'operation': 'merge', 'sources': [w['a'].id],
            'successor': w['b'].id, 'date': DATE, 'reason': "QĐ"}
        with Transaction().set_user(w['admin_p'].id), check_access():
            session, _, _ = Wizard.create()
            Wizard.execute(session, {'start': values}, 'preview')
            self.assertTrue(Agency(w['a'].id).active)
            back = Wizard.execute(session, {'preview': {}}, 'start')
        defaults = back['view']['defaults']
        self.assertEqual((defaults['operation'], defaults['sources'],
                defaults['successor']), ('merge', [w['a'].id], w['b'].id))

    @with_transaction()
    def test_rename_and_move_keep_the_record(self):
        """R-CAT-9, R-AG-1: renaming writes the same record (its officers
        and children stay), a move changes its parent; both are logged"""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Log = pool.get('gov.agency.restructuring')
        w = make_world()
        run(w['admin_p'], {'operation': 'rename', 'sources': [w['a'].id],
                'new_name': "UBND xã A", 'new_code': 'A-2025'})
        a = Agency(w['a'].id)
        self.assertEqual((a.name, a.code, a.active), ("UBND xã A", 'A-2025',
                True))
        self.assertEqual(len(a.officers), 2)
        run(w['admin_p'], {'operation': 'move', 'sources': [w['a1'].id],
                'new_parent': w['b'].id})
        self.assertEqual(Agency(w['a1'].id).parent, w['b'])
        rename, move = Log.search([], order=[('id', 'ASC')])
        self.assertIn('A → A-2025', rename.changes)
        self.assertIn('B', move.changes)
        self.assertEqual(rename.lines, ())

    @with_transaction()
    def test_refusals(self):
        """R-CAT-9: an agency cannot succeed itself nor move under itself,
        and only a merger takes several agencies"""
        w = make_world()
        for values in [
                {'operation': 'merge', 'sources': [w['a'].id, w['b'].id],
                    'successor': w['b'].id},
                {'operation': 'move', 'sources': [w['a'].id],
                    'new_parent': w['a1'].id},
                {'operation': 'split', 'sources': [w['a'].id, w['b'].id],
                    'successor': w['province'].id},
                ]:
            with self.assertRaises(UserError):
                run(w['admin_p'], values)
        self.assertTrue(w['a'].active)

    @with_transaction()
    def test_only_the_administrator_runs_it(self):
        """R-CAT-9, R-AG-3: an officer cannot run the wizard nor read the
        log; the auditor reads the log but cannot write it"""
        pool = Pool()
        Log = pool.get('gov.agency.restructuring')
        w = make_world()
        with self.assertRaises(AccessError):
            run(w['officer_a'], {'operation': 'merge',
                    'sources': [w['a'].id], 'successor': w['b'].id})
        run(w['admin_p'], {'operation': 'merge',
                'sources': [w['a'].id], 'successor': w['b'].id})
        with Transaction().set_user(w['officer_a'].id), check_access():
            with self.assertRaises(AccessError):
                Log.search([])
        with Transaction().set_user(w['auditor'].id), check_access():
            log, = Log.search([])
            with self.assertRaises(AccessError):
                Log.write([log], {'reason': "x"})

