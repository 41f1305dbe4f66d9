# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The past days of the open months counted once (daily.py)."""
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import at, local, make_dossier, reload
from gov_report.figures import compute, live
from gov_report.tests.tools import JUNE, ReportTestCase, june, received

# 3 July 2026: June is not settled yet (extraction.SETTLE_DAYS).
TODAY = (2026, 7, 3, 9)
VIEWS = [dict(by=()), dict(by=('agency',)), dict(by=('unit', 'channel')),
    dict(by=('month',)), dict(by=('field', 'sector', 'procedure')),
    dict(by=('agency',), filters={'channel': 'postal'})]
PERIODS = [JUNE, (dt.date(2026, 6, 10), dt.date(2026, 7, 3)),
    (dt.date(2026, 6, 15), dt.date(2026, 6, 15))]


def figures():
    return [compute(*p, **v) for p in PERIODS for v in VIEWS]


def days(start, end):
    while start <= end:
        yield start
        start += dt.timedelta(days=1)


class DailyTestCase(ReportTestCase):
    "gov.report.day and gov.report.day.fact (R-REP-1, R-REP-4)."

    @with_transaction()
    def test_counted_days_give_the_live_figures(self):
        """R-REP-1, R-REP-4: the nightly job counts every past day of the
        open months; the statistics read those days and count today
        live, with the same figures as counting every day live — for any
        period, keys and filter, stocks included."""
        Day = Pool().get('gov.report.day')
        world = self.world_with_june()
        with at(local(*TODAY)):
            before = figures()
            Day.count_days()
            self.assertEqual(
                Day.counted_days(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                set(days(dt.date(2026, 6, 1), dt.date(2026, 7, 2))))
            self.assertEqual(figures(), before)
            self.assertGreater(before[0][()]['received'], 5)
            # Today stays live: a dossier received now counts at once.
            received(world, (2026, 7, 3, 10))
            today = compute(dt.date(2026, 7, 1), dt.date(2026, 7, 3), by=())
            self.assertEqual(today[()]['received'], 2)
            # A second run counts nothing again.
            counted_at = {d.day: d.counted_at for d in Day.search([])}
            Day.count_days()
            self.assertEqual(
                {d.day: d.counted_at for d in Day.search([])}, counted_at)

    @with_transaction()
    def test_a_counted_day_is_kept_until_a_past_date_is_entered(self):
        """R-REP-4, R-PROC-6: a counted day keeps its figures when a
        dossier is edited today (like a settled month), but a dossier
        backfilled with a date of that day makes the days from it on
        counted live again, so that the leader sees it at once; the next
        night counts them again."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Day = pool.get('gov.report.day')
        world = self.world_with_june()
        d = self.june
        with at(local(*TODAY)):
            Day.count_days()
            before = compute(*JUNE, by=())[()]
            self.assertEqual(before['resolved_late'], 2)
            # An edit without a date: the counted days keep their count.
            Dossier.write([d['late']], {'timeliness': 'on_time'})
            self.assertEqual(
                sum(v['resolved_late'] for _, v in live(*JUNE)), 1)
            self.assertEqual(compute(*JUNE, by=())[()], before)

            # A paper dossier of 5 June entered today.
            paper = make_dossier(world, channel='desk')
            Dossier.backfill([reload(paper)],
                received_date=local(2026, 6, 5, 9), outcome='received')
            self.assertEqual(Day.counted_days(*JUNE),
                set(days(JUNE[0], dt.date(2026, 6, 4))))
            after = compute(*JUNE, by=())[()]
            self.assertEqual(after['received'], before['received'] + 1)
            self.assertEqual(after['resolved_late'], 1)  # live again

            Day.count_days()
            self.assertEqual(Day.counted_days(*JUNE), set(days(*JUNE)))
            self.assertEqual(compute(*JUNE, by=())[()], after)

    @with_transaction()
    def test_settled_months_forget_their_days(self):
        """R-REP-4: once a month is settled, its days are read from the
        monthly extraction and the nightly job forgets them."""
        pool = Pool()
        Day = pool.get('gov.report.day')
        Extraction = pool.get('gov.report.extraction')
        self.world_with_june()
        with at(local(*TODAY)):
            Day.count_days()
        with at(local(2026, 7, 10, 9)):
            before = compute(*JUNE, by=('agency',))
            Extraction.extract_closed_months()
            Day.count_days()
            self.assertEqual(min(Day.counted_days(
                        dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
                dt.date(2026, 7, 1))
            self.assertEqual(compute(*JUNE, by=('agency',)), before)

    def world_with_june(self):
        from gov_dossier.tests.dossier_fixtures import make_world
        world = make_world()
        self.june = june(world)
        return world
