# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The figures of June 2026 on the hand-built province of tools.june(),
against tables written by hand."""
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import at, local, make_world, reload
from gov_report.figures import (
    AMOUNTS, FIGURES, compute, dossier_domain, live)
from gov_report.tests.tools import JUNE, ReportTestCase, june, received

UNIT_FIGURES = ('unit_handled', 'unit_on_time', 'unit_late')


def row(**figures):
    "A row of figures: those given, 0 for the others (no unit figures)."
    result = {f: (Decimal(0) if f in AMOUNTS else 0) for f in FIGURES
        if f not in UNIT_FIGURES}
    result['online_share'] = Decimal('0.00')
    result.update(figures)
    return result


def without_units(table):
    return {k: {f: v for f, v in r.items() if f not in UNIT_FIGURES}
        for k, r in table.items()}


# District A's one-stop desk in June: carried (received 20 May, late on 3
# June, returned 4 June); early (online), on_time, late (postal) received
# 1 June; overdue (due 17 June) and in_time (due 6 July) in progress on 30
# June; supplement requested of an online submission; rejected and
# withdrawn after their reception.
DESK_A = row(carried_over=1, received=7, received_online=1,
    received_desk=5, received_post=1, resolved=4, resolved_early=1,
    resolved_on_time=1, resolved_late=2, in_progress_on_time=1,
    in_progress_overdue=1, supplement_requested=1, rejected=1, withdrawn=1,
    returned=2, online_share=Decimal('14.29'))
# District B's desk: one online dossier due 22 June, still in progress.
DESK_B = row(received=1, received_online=1, in_progress_overdue=1,
    online_share=Decimal('100.00'))
# District A itself: one desk dossier due 23 June, still in progress.
DISTRICT_A = row(received=1, received_desk=1, in_progress_overdue=1)
PROVINCE = row(carried_over=1, received=9, received_online=2,
    received_desk=6, received_post=1, resolved=4, resolved_early=1,
    resolved_on_time=1, resolved_late=2, in_progress_on_time=1,
    in_progress_overdue=3, supplement_requested=1, rejected=1, withdrawn=1,
    returned=2, online_share=Decimal('22.22'))


class FiguresTestCase(ReportTestCase):
    "compute() and dossier_domain() on June 2026."

    @with_transaction()
    def test_due_dates_of_the_data_set(self):
        "The data set's due dates are those its comments say (R-PROC-2)."
        world = make_world()
        d = june(world)
        self.assertEqual(d['early'].due_date, dt.date(2026, 6, 8))
        self.assertEqual(d['overdue'].due_date, dt.date(2026, 6, 17))
        self.assertEqual(d['in_time'].due_date, dt.date(2026, 7, 6))
        self.assertEqual(d['b_online'].due_date, dt.date(2026, 6, 22))
        self.assertEqual(d['a_direct'].due_date, dt.date(2026, 6, 23))
        self.assertEqual(
            [d[k].timeliness for k in ['carried', 'early', 'on_time',
                    'late']], ['late', 'early', 'on_time', 'late'])

    @with_transaction()
    def test_per_agency_and_total(self):
        "Figures per receiving agency and for the province (R-REP-1)."
        world = make_world()
        june(world)
        a, desk_a, desk_b = (world.agencies[k].id
            for k in ['a', 'desk_a', 'desk_b'])
        self.assertEqual(without_units(compute(*JUNE)), {
                (desk_a,): DESK_A, (desk_b,): DESK_B, (a,): DISTRICT_A})
        self.assertEqual(without_units(compute(*JUNE, by=())),
            {(): PROVINCE})

    @with_transaction()
    def test_subtree(self):
        "An agency with or without its sub-units (R-REP-1)."
        world = make_world()
        june(world)
        a, desk_a = world.agencies['a'].id, world.agencies['desk_a'].id
        self.assertEqual(
            without_units(compute(*JUNE, agencies=[a], subtree=False)),
            {(a,): DISTRICT_A})
        self.assertEqual(without_units(compute(*JUNE, agencies=[a])),
            {(a,): DISTRICT_A, (desk_a,): DESK_A})
        total = without_units(compute(*JUNE, agencies=[a], by=()))[()]
        self.assertEqual(total['received'], 8)
        self.assertEqual(total['in_progress_overdue'], 2)
        self.assertEqual(total['online_share'], Decimal('12.50'))

    @with_transaction()
    def test_by_channel_and_month(self):
        "Figures per channel and per month (R-REP-1)."
        world = make_world()
        june(world)
        by_channel = compute(*JUNE, by=('channel',))
        self.assertEqual(
            {k: v['received'] for k, v in by_channel.items()},
            {('online',): 2, ('desk',): 6, ('postal',): 1})
        # May–June by month: May receives the carried-over dossier, still
        # open and overdue (due 27 May) on 31 May; June carries it over.
        by_month = compute(dt.date(2026, 5, 1), JUNE[1], by=('month',))
        self.assertEqual(by_month[('2026-05',)]['received'], 1)
        self.assertEqual(by_month[('2026-05',)]['in_progress_overdue'], 1)
        self.assertEqual(by_month[('2026-05',)]['in_progress_on_time'], 0)
        self.assertEqual(by_month[('2026-06',)]['carried_over'], 1)
        self.assertEqual(by_month[('2026-06',)]['received'], 9)
        # Over both months the carried-over dossier was received in the
        # period: nothing is carried over, it counts once.
        both = compute(dt.date(2026, 5, 1), JUNE[1], by=())[()]
        self.assertEqual(both['carried_over'], 0)
        self.assertEqual(both['received'], 10)

    @with_transaction()
    def test_drill_down(self):
        "Each figure's domain finds exactly its dossiers (R-REP-1)."
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        d = june(world)
        a = world.agencies['a'].id
        expected = {
            'carried_over': {'carried'},
            'received': {'early', 'on_time', 'late', 'overdue', 'in_time',
                'rejected', 'withdrawn', 'a_direct'},
            'received_post': {'late'},
            'resolved_late': {'carried', 'late'},
            'resolved_early': {'early'},
            'in_progress_on_time': {'in_time'},
            'in_progress_overdue': {'overdue', 'a_direct'},
            'supplement_requested': {'supplement'},
            'rejected': {'rejected'},
            'withdrawn': {'withdrawn'},
            'returned': {'carried', 'early'},
            }
        names = {v.id: k for k, v in d.items()}
        for figure, keys in expected.items():
            found = Dossier.search(dossier_domain(figure, *JUNE,
                    agencies=[a]))
            self.assertEqual({names[x.id] for x in found}, keys, figure)
        # Each drill-down counts what compute() counts.
        totals = compute(*JUNE, agencies=[a], by=())[()]
        for figure in FIGURES:
            if (figure in AMOUNTS or figure in UNIT_FIGURES
                    or figure == 'online_share'):
                continue
            self.assertEqual(Dossier.search_count(dossier_domain(
                        figure, *JUNE, agencies=[a])), totals[figure],
                figure)

    @with_transaction()
    def test_fees_and_ratings(self):
        """fees_collected sums the payments paid in the period (not the
        pending one, not July's); ratings count those given in the period,
        satisfied the very satisfied and satisfied ones (R-REP-1,
        R-RATE-2)."""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        Rating = pool.get('gov.rating')
        Dossier = pool.get('gov.dossier')
        world = make_world()
        d = june(world)
        desk_a = world.agencies['desk_a'].id

        def pay(dossier, amount, state, moment, code):
            Payment.create([{'dossier': dossier.id,
                        'agency': dossier.agency.id, 'method': 'desk',
                        'amount': Decimal(amount), 'currency': 'VND',
                        'state': state, 'order_code': code,
                        'paid_date': local(*moment)}])
        pay(d['early'], 50000, 'paid', (2026, 6, 2, 10), 'R1')
        pay(d['late'], 30000, 'paid', (2026, 6, 30, 23), 'R2')
        pay(d['on_time'], 20000, 'pending', (2026, 6, 3, 10), 'R3')
        pay(d['carried'], 70000, 'paid', (2026, 7, 1, 0, 30), 'R4')

        def rate(dossier, overall, moment):
            with patch.object(Rating, '_now',
                    classmethod(lambda cls: local(*moment))):
                Rating.rate(Dossier(dossier.id), {'overall': overall},
                    'portal')
        rate(d['early'], 'very_satisfied', (2026, 6, 6, 9))
        rate(d['carried'], 'unsatisfied', (2026, 6, 5, 9))
        rate(d['rejected'], 'satisfied', (2026, 7, 2, 9))
        row = compute(*JUNE)[(desk_a,)]
        self.assertEqual(
            (row['fees_collected'], row['ratings'],
                row['ratings_satisfied']),
            (Decimal(80000), 2, 1))
        found = Dossier.search(dossier_domain('ratings_satisfied', *JUNE))
        self.assertEqual([x.id for x in found], [d['early'].id])
        found = Dossier.search(dossier_domain('fees_collected', *JUNE))
        self.assertEqual({x.id for x in found},
            {d['early'].id, d['late'].id})

    @with_transaction()
    def test_live_rows_are_fine_grained(self):
        "The live rows carry field and sector of the procedure (R-REP-1)."
        world = make_world()
        june(world)
        procedure = world.procedure
        keys = {k for k, _ in live(*JUNE)}
        self.assertTrue(keys)
        for agency, proc, field, sector, channel, unit in keys:
            self.assertEqual(proc, procedure.id)
            self.assertEqual(field, procedure.field.id)
            self.assertEqual(sector, procedure.field.sector.id)

    @with_transaction()
    def test_suspended_dossier_is_not_overdue(self):
        """R-REP-1, R-PROC-2: a dossier due 8 June, suspended on 5 June and
        still suspended, is in progress on time in the first ten days of
        June (its clock stopped), in the count and in the drill-down;
        suspended only on 12 June, it was overdue on 10 June"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        early = received(world, (2026, 6, 1, 9))
        later = received(world, (2026, 6, 1, 9))
        for dossier, day in [(early, 5), (later, 12)]:
            with at(local(2026, 6, day, 9)):
                Dossier.process([reload(dossier)])
                Dossier.suspend([reload(dossier)], reason="Chờ xác minh")
        days = (dt.date(2026, 6, 1), dt.date(2026, 6, 10))
        total = compute(*days, by=())[()]
        self.assertEqual(
            (total['in_progress_on_time'], total['in_progress_overdue']),
            (1, 1))
        self.assertEqual(Dossier.search(
                dossier_domain('in_progress_on_time', *days)), [early])
        self.assertEqual(Dossier.search(
                dossier_domain('in_progress_overdue', *days)), [later])
