# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""In-flight dossiers, procedures and officers in an agency restructuring
(R-CAT-9): nothing lost, every moved dossier traceable, finished ones and
their steps done left as they were."""
from collections import Counter

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_agency.tests.test_restructure import run

from .dossier_fixtures import (
    DossierTestCase, as_user, at, local, make_dossier, make_world, reload)

MON = local(2025, 6, 2, 9, 0)
REASON = "NQ 202/2025/QH15"


class RestructureDossierTestCase(DossierTestCase):
    "R-CAT-9"

    def dossiers(self, world):
        """One dossier per state reached by the desk and the unit of
        district A: draft, submitted, received, processing, done."""
        Dossier = Pool().get('gov.dossier')
        result = {}
        with at(MON):
            for state in ['draft', 'submitted', 'received', 'processing',
                    'done']:
                dossier = make_dossier(world)
                if state != 'draft':
                    Dossier.submit([dossier])
                if state in {'received', 'processing', 'done'}:
                    with as_user(world['receiver_a']):
                        Dossier.receive([Dossier(dossier.id)])
                if state in {'processing', 'done'}:
                    with as_user(world['specialist_a']):
                        Dossier.process([Dossier(dossier.id)])
                if state == 'done':
                    with as_user(world['specialist_a']):
                        Dossier.forward([Dossier(dossier.id)])
                    with as_user(world['head_a']):
                        Dossier.approve([Dossier(dossier.id)])
                    with as_user(world['receiver_a']):
                        Dossier.done([Dossier(dossier.id)])
                result[state] = reload(dossier)
                self.assertEqual(result[state].state, state)
        return result

    @with_transaction()
    def test_merging_district_a_into_b(self):
        """R-CAT-9: merging desk A into desk B, unit A into unit B, then
        district A into B moves the in-flight dossiers (agency, current
        unit, steps to do), keeping codes, due dates, states and history,
        with an entry naming the old and new agency; finished dossiers,
        steps done and the procedure's other data stay; the counts per
        state are the same before and after"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        Procedure = pool.get('gov.procedure')
        world = make_world()
        dossiers = self.dossiers(world)
        before = {k: (d.code, d.due_date, d.state, len(d.history),
                [(s.state, s.unit) for s in d.steps])
            for k, d in dossiers.items()}
        counts = Counter(d.state for d in Dossier.search([]))
        desk_a, unit_a = world['desk_a'], world['unit_a']
        desk_b, unit_b = world['desk_b'], world['unit_b']

        preview = run(world['admin_p'], {'operation': 'merge',
                'sources': [desk_a.id], 'successor': desk_b.id,
                'reason': REASON})
        lines = {l['kind']: l for l in preview['lines']}
        # Draft, submitted, received (return step), processing.
        self.assertEqual(lines['dossiers']['count'], 4)
        self.assertEqual(lines['procedure_steps']['count'], 2)
        self.assertEqual(lines['officers']['count'], 2)
        run(world['admin_p'], {'operation': 'merge',
                'sources': [unit_a.id], 'successor': unit_b.id,
                'reason': REASON})
        run(world['admin_p'], {'operation': 'merge',
                'sources': [world['a'].id], 'successor': world['b'].id,
                'reason': REASON})

        self.assertEqual(Counter(d.state for d in Dossier.search([])),
            counts)
        for key, dossier in dossiers.items():
            dossier = reload(dossier)
            code, due, state, length, steps = before[key]
            self.assertEqual(
                (dossier.code, dossier.due_date, dossier.state),
                (code, due, state), key)
            # The steps done keep their unit.
            for (old_state, old_unit), step in zip(steps, dossier.steps):
                if old_state == 'done':
                    self.assertEqual(step.unit, old_unit, key)
                else:
                    self.assertIn(step.unit, {desk_b, unit_b, None}, key)
            entries = [h for h in dossier.history
                if h.event == 'restructured']
            if key == 'done':
                self.assertEqual(dossier.agency, desk_a)
                self.assertEqual(entries, [])
                self.assertEqual(len(dossier.history), length)
                continue
            self.assertEqual(dossier.agency, desk_b, key)
            if dossier.current_unit:
                self.assertEqual(dossier.current_unit, unit_b, key)
            self.assertEqual(len(dossier.history), length + len(entries))
            self.assertTrue(entries, key)
            reasons = '\n'.join(h.reason for h in entries)
            self.assertIn(desk_a.rec_name, reasons)
            self.assertIn(desk_b.rec_name, reasons)
            self.assertIn(REASON, reasons)
            self.assertTrue(all(h.public and h.from_state == h.to_state
                    == state for h in entries))
            # The citizen reads it in her words.
            self.assertIn('restructured',
                type(entries[0]).public_event_labels())

        # Nothing deleted: the old agencies are inactive with successors.
        with Transaction().set_context(active_test=False):
            self.assertEqual([(a.active, a.successor) for a in Agency.browse(
                        [desk_a.id, unit_a.id, world['a'].id])],
                [(False, desk_b), (False, unit_b), (False, world['b'])])
        # The procedure: its steps' units and implementing agencies.
        procedure = Procedure(world.procedure.id)
        self.assertEqual(procedure.state, 'published')
        self.assertEqual({s.unit for s in procedure.steps},
            {desk_b, unit_b})
        self.assertEqual(list(procedure.agencies), [world['b']])
        # The officers moved: B's desk officer sees the moved dossiers,
        # A's desk officer still works (at B's desk).
        self.assertEqual(Officer.search([
                    ('user', '=', world['receiver_a'].id)])[0].agency,
            desk_b)
        moved = [dossiers[k].id for k in ['submitted', 'received']]
        for login in ['receiver_a', 'receiver_b']:
            with as_user(world[login]):
                self.assertEqual(sorted(Dossier.search(
                            [('id', 'in', moved)], order=[])), sorted(
                        Dossier.browse(moved)), login)
