# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A service's counts on its portal page from the days counted
(service_counts.py)."""
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import (
    at, local, make_dossier, reload)
from gov_report.tests.tools import ReportTestCase, completed, june, received

# 3 July 2026, June not settled yet: the nightly job counts 1 June–2 July.
TODAY = (2026, 7, 3, 9)


class ServiceCountTestCase(ReportTestCase):
    "gov.report.service.count and gov.dossier.service_counts (R-CAT-3)."

    @with_transaction()
    def test_counted_days_and_today_give_the_live_counts(self):
        """R-CAT-3: after the nightly job the service's counts are its
        sums to yesterday plus today counted on the dossiers — the same
        as counting every dossier now, today's receptions and results
        included at once."""
        pool = Pool()
        Day = pool.get('gov.report.day')
        Dossier = pool.get('gov.dossier')
        from gov_dossier.tests.dossier_fixtures import make_world
        world = make_world()
        d = june(world)
        code = world.procedure.code
        with at(local(*TODAY)):
            live = Dossier.service_counts(code)
            # June's dossiers: 11 received (the supplement one never was),
            # resolved: early 1, on time 1, late 2 (carried over from May).
            self.assertEqual(live,
                {'total': 11, 'early': 1, 'on_time': 1, 'late': 2})
            self.assertIsNone(self._sums(code))
            Day.count_days()
            through, sums = self._sums(code)
            self.assertEqual(through, dt.date(2026, 7, 2))
            self.assertEqual(sums, live['total'])
            self.assertEqual(Dossier.service_counts(code), live)
            # The sums are what the page reads: changed behind its back,
            # the page shows it.
            self._add_to_sums(code, 100)
            self.assertEqual(Dossier.service_counts(code)['total'], 111)
            self._add_to_sums(code, -100)
        # Today: one received, one resolved (late: due 17 June).
        received(world, (2026, 7, 3, 10))
        completed(d['overdue'], (2026, 7, 3, 11))
        with at(local(2026, 7, 3, 12)):
            self.assertEqual(self._sums(code), (through, sums))
            self.assertEqual(Dossier.service_counts(code),
                {'total': 12, 'early': 1, 'on_time': 1, 'late': 3})

    @with_transaction()
    def test_the_day_counted_live_starts_at_local_midnight(self):
        """R-CAT-3: what the page counts on the dossiers starts where the
        sums stop: received in the last minute of yesterday, a dossier is
        in the sums; at midnight, it is counted on the dossiers; neither
        twice nor missed (the moment is written in the query's text)."""
        pool = Pool()
        Day = pool.get('gov.report.day')
        Dossier = pool.get('gov.dossier')
        from gov_dossier.tests.dossier_fixtures import make_world
        world = make_world()
        code = world.procedure.code
        received(world, (2026, 7, 2, 23, 59))
        with at(local(*TODAY)):
            Day.count_days()
            self.assertEqual(self._sums(code), (dt.date(2026, 7, 2), 1))
        received(world, (2026, 7, 3, 0, 0))
        with at(local(2026, 7, 3, 12)):
            self.assertEqual(Dossier.service_counts(code)['total'], 2)

    @with_transaction()
    def test_a_past_date_makes_the_counts_live_until_the_night(self):
        """R-CAT-3, R-PROC-6: a paper dossier of 5 June entered today
        counts on the page at once (the sums are forgotten, every dossier
        is counted); the next night sums it; a month extracted again
        forgets them too."""
        pool = Pool()
        Day = pool.get('gov.report.day')
        Dossier = pool.get('gov.dossier')
        Extraction = pool.get('gov.report.extraction')
        from gov_dossier.tests.dossier_fixtures import make_world
        world = make_world()
        june(world)
        code = world.procedure.code
        with at(local(*TODAY)):
            Day.count_days()
            before = Dossier.service_counts(code)
            paper = make_dossier(world, channel='desk')
            Dossier.backfill([reload(paper)],
                received_date=local(2026, 6, 5, 9), outcome='received')
            self.assertIsNone(self._sums(code))
            self.assertEqual(Dossier.service_counts(code),
                dict(before, total=before['total'] + 1))
            Day.count_days()
            self.assertEqual(self._sums(code),
                (dt.date(2026, 7, 2), before['total'] + 1))
        with at(local(2026, 7, 10, 9)):
            Extraction.extract_closed_months()
            self.assertIsNone(self._sums(code))
            Day.count_days()
            self.assertEqual(self._sums(code)[0], dt.date(2026, 7, 9))
            self.assertEqual(Dossier.service_counts(code)['total'],
                before['total'] + 1)

    @staticmethod
    def _sums(code):
        "(the last day summed, the dossiers received) of the service."
        ServiceCount = Pool().get('gov.report.service.count')
        records = ServiceCount.search([('code', '=', code)])
        if not records:
            return None
        return records[0].through, records[0].received

    @staticmethod
    def _add_to_sums(code, number):
        table = Pool().get('gov.report.service.count').__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.received], [table.received + number],
                where=table.code == code))
