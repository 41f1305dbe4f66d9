# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The monthly extraction: closed months read their stored facts."""
import datetime as dt

from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_dossier, make_world, reload)
from gov_report.figures import compute, live
from gov_report.tests.tools import JUNE, ReportTestCase, june, received


def late_in(rows):
    return sum(v['resolved_late'] for _, v in rows)


class ExtractionTestCase(ReportTestCase):
    "gov.report.extraction and gov.report.fact (R-REP-4)."

    @with_transaction()
    def test_closed_month_unchanged_by_an_edit(self):
        """After the extraction an edit of an old dossier changes the live
        count but not the closed month's figures; re-running the month by
        the administrator takes the edit, who and when kept (R-REP-4)."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Extraction = pool.get('gov.report.extraction')
        world = make_world()
        d = june(world)
        before = compute(*JUNE, by=())
        views = [dict(by=('agency',)), dict(by=('unit', 'channel')),
            dict(by=('field', 'sector', 'procedure')),
            dict(by=('agency',), filters={'channel': 'postal'}),
            dict(by=(), agencies=[world.agencies['a'].id], subtree=False)]
        live_views = [compute(*JUNE, **v) for v in views]
        with at(local(2026, 7, 10, 9)):
            extractions = Extraction.extract_closed_months()
        self.assertEqual([e.month for e in extractions],
            ['2026-05', '2026-06'])
        self.assertEqual(compute(*JUNE, by=()), before)
        # The stored facts give the same figures, whatever the keys.
        self.assertEqual([compute(*JUNE, **v) for v in views], live_views)
        self.assertEqual(
            live_views[3], {(d['late'].agency.id,): live_views[3][
                    (d['late'].agency.id,)]})
        self.assertEqual(
            live_views[3][(d['late'].agency.id,)]['received'], 1)
        self.assertEqual(before[()]['resolved_late'], 2)
        # The late dossier is corrected afterwards: on time.
        Dossier.write([d['late']], {'timeliness': 'on_time'})
        self.assertEqual(late_in(live(*JUNE)), 1)
        self.assertEqual(compute(*JUNE, by=()), before)
        # A half-month cut by the period is counted live.
        self.assertEqual(
            compute(JUNE[0], dt.date(2026, 6, 12), by=())[()][
                'resolved_late'], 1)
        june_extraction, = Extraction.search([('month', '=', '2026-06')])
        admin = world['admin_p']
        with at(local(2026, 7, 11, 9)), as_user(admin):
            Extraction.run([Extraction(june_extraction.id)])
        june_extraction = Extraction(june_extraction.id)
        self.assertEqual(june_extraction.runs, 2)
        self.assertEqual(june_extraction.extracted_by, admin)
        self.assertEqual(june_extraction.extracted_at,
            local(2026, 7, 11, 9))
        self.assertEqual(compute(*JUNE, by=())[()]['resolved_late'], 1)

    @with_transaction()
    def test_reporting_periods_from_the_15th_read_stored_halves(self):
        """R-REP-2, R-REP-4: a month is stored in two halves cut at the
        15th, so that periods running from the 15th to the 14th (the
        reporting regime's) read stored facts only, stocks included: an
        edit after the extraction changes none of them."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Extraction = pool.get('gov.report.extraction')
        Fact = pool.get('gov.report.fact')
        world = make_world()
        d = june(world)
        periods = [(dt.date(2026, 5, 15), dt.date(2026, 6, 14)),
            (dt.date(2026, 6, 15), JUNE[1]),
            (JUNE[0], dt.date(2026, 6, 14))]
        views = [dict(by=()), dict(by=('month',)), dict(by=('agency',))]
        before = [compute(*p, **v) for p in periods for v in views]
        with at(local(2026, 7, 10, 9)):
            Extraction.extract_closed_months()
        self.assertEqual({f.half for f in Fact.search([])}, {1, 2})
        # In progress on 14 June: overdue (due 17 June) is on time.
        first_half = compute(*periods[2], by=())[()]
        self.assertEqual((first_half['in_progress_on_time'],
                first_half['in_progress_overdue'],
                first_half['carried_over']), (1, 0, 1))
        Dossier.write([d['late']], {'timeliness': 'on_time'})
        Dossier.write([d['overdue']], {'due_date': dt.date(2026, 6, 12)})
        self.assertEqual(
            [compute(*p, **v) for p in periods for v in views], before)
        # Live, the edits show.
        self.assertNotEqual(
            compute(dt.date(2026, 6, 2), dt.date(2026, 6, 14), by=())[()][
                'in_progress_overdue'], 0)

    @with_transaction()
    def test_open_month_refused(self):
        "Only closed months are extracted (R-REP-4)."
        Extraction = Pool().get('gov.report.extraction')
        world = make_world()
        june(world)
        extraction, = Extraction.create([{'month': '2026-07'}])
        with at(local(2026, 7, 10, 9)), self.assertRaises(ValidationError):
            Extraction.run([extraction])
        with self.assertRaises(ValidationError):
            Extraction.create([{'month': '2026-7'}])

    @with_transaction()
    def test_month_not_marked_extracted_by_hand(self):
        """R-REP-4, R-SEC-1: the provincial office creates a month but
        cannot mark it extracted (it would read as zeros)"""
        Extraction = Pool().get('gov.report.extraction')
        world = make_world()
        with as_user(world['admin_p']):
            with self.assertRaises(AccessError):
                Extraction.create([{'month': '2026-05',
                            'extracted_at': dt.datetime(2026, 6, 2)}])
            extraction, = Extraction.create([{'month': '2026-04'}])
            with self.assertRaises(AccessError):
                Extraction.write([extraction], {
                        'extracted_at': dt.datetime(2026, 6, 2)})
        self.assertIsNone(Extraction(extraction.id).extracted_at)

    @with_transaction()
    def test_carried_over_from_extracted_month(self):
        """A period whose first month is extracted takes its carried-over
        figure from the fact; its last month's in progress figures from the
        live count (R-REP-4)."""
        Extraction = Pool().get('gov.report.extraction')
        world = make_world()
        june(world)
        with at(local(2026, 7, 10, 9)):
            Extraction.extract_closed_months()
        total = compute(JUNE[0], dt.date(2026, 7, 31), by=())[()]
        self.assertEqual(total['carried_over'], 1)
        # On 31 July: in_time (due 6 July), overdue, b_online, a_direct,
        # july (received 1 July, due 8 July) all overdue.
        self.assertEqual(total['in_progress_overdue'], 5)
        self.assertEqual(total['in_progress_on_time'], 0)
        self.assertEqual(total['received'], 10)

    @with_transaction()
    def test_month_waits_for_the_receptions_of_its_last_days(self):
        """R-REP-4: an online dossier submitted on 29 June and received on
        2 July counts in June; the job stores June only after seven days,
        with it"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Extraction = pool.get('gov.report.extraction')
        world = make_world()
        received(world, (2026, 5, 20, 9))
        dossier = make_dossier(world, channel='online')
        with at(local(2026, 6, 29, 9)):
            Dossier.submit([dossier])
        with at(local(2026, 7, 1, 9)):
            self.assertNotIn('2026-06',
                [e.month for e in Extraction.extract_closed_months()])
        with at(local(2026, 7, 2, 9)):
            Dossier.receive([reload(dossier)])
        with at(local(2026, 7, 8, 9)):
            self.assertIn('2026-06',
                [e.month for e in Extraction.extract_closed_months()])
        self.assertEqual(compute(*JUNE, by=())[()]['received'], 1)
