# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The statistics of sao: who sees which rows, and the drill-down."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import (
    World, as_user, at, local, make_world)
from gov_report.tests.tools import JUNE, ReportTestCase, june, received


def june_context(**values):
    return dict(start=JUNE[0], end=JUNE[1], **values)


class StatisticsTestCase(ReportTestCase):
    "gov.report.statistics.* as the leaders and the provincial office."

    def received_by_agency(self, user, **context):
        Statistics = Pool().get('gov.report.statistics.agency')
        with as_user(user), Transaction().set_context(
                june_context(**context)):
            rows = Statistics.search([])
            return {r.agency.id: r.received for r in rows}

    @with_transaction()
    def test_access(self):
        """The provincial office and the auditor see the province, a
        leader his agency's subtree only — even when he asks for another
        agency —, an officer without leader role nothing (R-REP-1)."""
        world = make_world()
        june(world)
        a, desk_a, desk_b = (world.agencies[k].id
            for k in ['a', 'desk_a', 'desk_b'])
        province = {a: 1, desk_a: 7, desk_b: 1}
        self.assertEqual(self.received_by_agency(world['admin_p']),
            province)
        self.assertEqual(self.received_by_agency(world['auditor']),
            province)
        self.assertEqual(self.received_by_agency(world['leader_a']),
            {a: 1, desk_a: 7})
        self.assertEqual(
            self.received_by_agency(world['leader_a'], agency=desk_b), {})
        self.assertEqual(self.received_by_agency(world['admin_p'],
                agency=a, subtree=False), {a: 1})
        for login in ['specialist_a', 'receiver_b', 'nobody']:
            with self.assertRaises(UserError):
                self.received_by_agency(world[login])

    @with_transaction()
    def test_rows_and_sums(self):
        "Rows per channel and month match compute() (R-REP-1)."
        pool = Pool()
        Channel = pool.get('gov.report.statistics.channel')
        Month = pool.get('gov.report.statistics.month')
        world = make_world()
        june(world)
        with as_user(world['admin_p']), Transaction().set_context(
                june_context()):
            self.assertEqual(
                {r.channel: r.received for r in Channel.search([])},
                {'online': 2, 'desk': 6, 'postal': 1})
            month, = Month.search([])
            self.assertEqual((month.month, month.received,
                    month.resolved_late, month.in_progress_overdue),
                ('2026-06', 9, 2, 3))

    @with_transaction()
    def test_drill_down(self):
        """From a row to the dossiers behind one of its figures: the
        desk's late ones, not district B's (R-REP-1)."""
        pool = Pool()
        Statistics = pool.get('gov.report.statistics.agency')
        Dossier = pool.get('gov.dossier')
        world = make_world()
        d = june(world)
        desk_a = world.agencies['desk_a'].id
        with Transaction().set_context(june_context()):
            row, = [r for r in Statistics.search([])
                if r.agency.id == desk_a]
            found = Dossier.search(row.drill_domain('resolved_late'))
            self.assertEqual({x.id for x in found},
                {d['carried'].id, d['late'].id})
            found = Dossier.search(row.drill_domain('in_progress_overdue'))
            self.assertEqual({x.id for x in found}, {d['overdue'].id})

    @with_transaction()
    def test_drill_down_wizard(self):
        """The row's "Open" wizard opens the dossiers behind the chosen
        figure, as the leader who reads the row (R-REP-1)."""
        pool = Pool()
        Statistics = pool.get('gov.report.statistics.agency')
        Dossier = pool.get('gov.dossier')
        Open = pool.get('gov.report.statistics.open', type='wizard')
        world = make_world()
        d = june(world)
        desk_a = world.agencies['desk_a'].id
        with as_user(world['leader_a']), Transaction().set_context(
                june_context()):
            row, = [r for r in Statistics.search([])
                if r.agency.id == desk_a]
            with Transaction().set_context(
                    active_model=Statistics.__name__, active_id=row.id,
                    active_ids=[row.id]):
                session_id, _, _ = Open.create()
                result = Open.execute(session_id,
                    {'start': {'figure': 'withdrawn'}}, 'open_')
                Open.delete(session_id)
        (action, _), = result['actions']
        domain = PYSONDecoder().decode(action['pyson_domain'])
        self.assertEqual([x.id for x in Dossier.search(domain)],
            [d['withdrawn'].id])

    @with_transaction()
    def test_units(self):
        """Per processing unit, the steps finished in June (R-REP-5). P1's
        steps: receive and return at DESK-A, check and approve at UNIT-A.
        UNIT-A checked and approved carried (late, late), early (early,
        early), on_time (late, on time), late (late, late). DESK-A received
        9 dossiers in June (each receive step early) and returned carried
        (late) and early (early)."""
        Unit = Pool().get('gov.report.statistics.unit')
        world = make_world()
        june(world)
        unit_a = world.agencies['unit_a'].id
        desk_a = world.agencies['desk_a'].id
        with as_user(world['admin_p']), Transaction().set_context(
                june_context()):
            rows = {r.unit.id: (r.unit_handled, r.unit_on_time, r.unit_late)
                for r in Unit.search([]) if r.unit_handled}
        self.assertEqual(rows, {unit_a: (8, 3, 5), desk_a: (11, 10, 1)})

    @with_transaction()
    def test_procedure_versions_one_row(self):
        """R-CAT-6, R-REP-1, R-REP-4: the versions of a procedure are one
        row per procedure, under its current version, with the sum of
        their dossiers — June's stored in the facts under version 1, July's
        counted live under version 2 —; the context's procedure (either
        version) and the row's drill-down take every version."""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Dossier = pool.get('gov.dossier')
        Extraction = pool.get('gov.report.extraction')
        Statistics = pool.get('gov.report.statistics.procedure')
        world = make_world()
        v1 = world.procedure
        dossiers = [received(world, (2026, 6, 1, 9)),
            received(world, (2026, 6, 2, 9), 'online')]
        with at(local(2026, 7, 10, 9)):
            Extraction.extract_closed_months()
        v2, = Procedure.new_version([v1], {
                'change_basis': "Quyết định 99/QĐ-UBND"})
        Procedure.publish([v2])
        self.assertEqual(Procedure(v1.id).state, 'superseded')
        world_v2 = World(world.agencies, world.users, Procedure(v2.id))
        dossiers.append(received(world_v2, (2026, 7, 2, 9)))
        period = dict(start=JUNE[0], end=dt.date(2026, 7, 31))
        for procedure in [None, v1.id, v2.id]:
            with as_user(world['admin_p']), Transaction().set_context(
                    period, procedure=procedure):
                rows = [r for r in Statistics.search([])
                    if r.procedure and r.procedure.code == v1.code]
                self.assertEqual([(r.procedure.id, r.received)
                        for r in rows], [(v2.id, 3)])
                domain = rows[0].drill_domain('received')
            self.assertEqual({x.id for x in Dossier.search(domain)},
                {x.id for x in dossiers})
