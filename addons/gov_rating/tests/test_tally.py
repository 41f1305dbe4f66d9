# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import local, make_world

from .tools import SATISFIED, UNSATISFIED, VERY, RatingTestCase, form, rated_at

T0 = local(2025, 3, 10, 9, 0)
EVER = dt.date(2000, 1, 1)


class TallyTestCase(RatingTestCase):
    "R-RATE-2: the results of all time from the nightly tally and live"

    def live(self, **kwargs):
        "The results counted one by one (a period from 2000 on)."
        return Pool().get('gov.rating').aggregates(start=EVER, **kwargs)

    def all_views(self, world):
        "What the pages ask: all, a procedure, by agency, by procedure."
        Rating = Pool().get('gov.rating')
        return [Rating.aggregates(),
            Rating.aggregates(procedure=world.procedure),
            Rating.aggregates(by='agency'),
            Rating.aggregates(by='procedure')]

    def live_views(self, world):
        return [self.live(), self.live(procedure=world.procedure),
            self.live(by='agency'), self.live(by='procedure')]

    @with_transaction()
    def test_tally_plus_live_equals_counting_all(self):
        """R-RATE-2: the ratings that can no longer change are read from
        the nightly tally, those given since are counted live; the sum is
        what counting them all gives, a rating given today counts at once,
        and a change period made longer sets the tally aside"""
        pool = Pool()
        Rating = pool.get('gov.rating')
        Tally = pool.get('gov.rating.tally')
        Config = pool.get('gov.rating.configuration')
        world = make_world()
        plan = [(0, VERY, VERY), (1, SATISFIED, UNSATISFIED),
            (2, UNSATISFIED, None), (9, VERY, SATISFIED)]
        for day, overall, attitude in plan:
            dossier = self.finished(world)
            with rated_at(T0 + dt.timedelta(days=day)):
                Rating.rate_as_owner(dossier, dossier.web_user,
                    form(overall, attitude=attitude or ''))
        # The first one changed within its period.
        first = Rating.search([], order=[('rated_at', 'ASC')])[0]
        with rated_at(T0 + dt.timedelta(days=3)):
            Rating.rate_with_token(first.dossier.rating_token,
                form(SATISFIED, attitude=SATISFIED))

        # Twelve days on, the ratings before day 5 are final (7 days).
        now = T0 + dt.timedelta(days=12)
        with rated_at(now):
            self.assertEqual(self.all_views(world), self.live_views(world))
            until = Tally.tally()
            self.assertLessEqual(until, now - dt.timedelta(days=7))
            tallies = Tally.search([])
            self.assertEqual(sum(t.overall_count for t in tallies), 3)
            self.assertEqual(sum(t.overall_satisfied for t in tallies), 2)
            self.assertEqual(self.all_views(world), self.live_views(world))
            self.assertEqual(Rating.aggregates()['count'], 4)

            # The tally is what is read: a count changed there shows.
            table = Tally.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.overall_count, table.overall_very_satisfied],
                    [table.overall_count + 100,
                        table.overall_very_satisfied + 100]))
            self.assertEqual(Rating.aggregates()['count'], 104)
            self.assertEqual(Rating.aggregates(
                    procedure=world.procedure)['count'], 104)
            self.assertEqual(self.live()['count'], 4)

            # A rating given now counts at once.
            dossier = self.finished(world)
            Rating.rate_as_owner(dossier, dossier.web_user, form(VERY))
            self.assertEqual(Rating.aggregates()['count'], 105)

            # A longer change period: the tally may count ratings that
            # can still change, so everything is counted live.
            Config.write([Config(1)], {'change_days': 30})
            self.assertEqual(self.all_views(world), self.live_views(world))
            self.assertEqual(Rating.aggregates()['count'], 5)
            Config.write([Config(1)], {'change_days': 7})
            Tally.tally()
            self.assertEqual(self.all_views(world), self.live_views(world))

    @with_transaction()
    def test_no_tally_counts_everything_live(self):
        """R-RATE-2: before the first night (no tally), every rating is
        counted live"""
        pool = Pool()
        Rating = pool.get('gov.rating')
        world = make_world()
        dossier = self.finished(world)
        with rated_at(T0):
            Rating.rate_as_owner(dossier, dossier.web_user, form(UNSATISFIED))
        with rated_at(T0 + dt.timedelta(days=30)):
            summary = Rating.aggregates(procedure=world.procedure)
        self.assertEqual(summary['count'], 1)
        self.assertEqual(summary['overall']['levels'][UNSATISFIED]['count'],
            1)
        self.assertEqual(summary, self.live(procedure=world.procedure))
