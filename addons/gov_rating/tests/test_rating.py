# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import check_access

from gov_dossier.tests.dossier_fixtures import (
    as_user, local, make_web_user, make_world)

from ..exceptions import RatingAccessError, RatingError, RatingValidationError
from .tools import (
    SATISFIED, UNSATISFIED, VERY, RatingTestCase, form, rated_at)

T0 = local(2025, 3, 10, 9, 0)


class RatingRulesTestCase(RatingTestCase):
    "R-RATE-1, R-RATE-2: the citizen's satisfaction rating"

    @with_transaction()
    def test_rules_of_rating(self):
        """R-RATE-1: only a finished dossier (done or rejected), only by
        its owner, its link or its code + PIN; once, changeable during the
        configured period, then refused; the texts within bounds"""
        pool = Pool()
        Rating = pool.get('gov.rating')
        Config = pool.get('gov.rating.configuration')
        world = make_world()
        running = self.submitted(world, web_user=make_web_user(
                'lan@example.vn').id)
        with self.assertRaises(RatingError):
            Rating.rate_as_owner(running, running.web_user, form(VERY))
        self.assertFalse(Rating.portal_status(running)['ratable'])
        # The token of the link works only once the dossier is finished.
        with self.assertRaises(RatingError):
            Rating.rate_with_token(running.rating_token, form(VERY))

        dossier = self.finished(world)
        # The result notification carries the dossier's rating link.
        result, = [n for n in dossier.notifications
            if n.kind == 'result' and n.channel == 'portal']
        self.assertIn(f'/danh-gia/{dossier.rating_token}', result.body)
        self.assertGreaterEqual(len(dossier.rating_token), 32)
        stranger = make_web_user('stranger@example.vn')
        with self.assertRaises(RatingAccessError):
            Rating.rate_as_owner(dossier, stranger, form(VERY))
        with self.assertRaises(RatingAccessError):
            Rating.rate_as_owner(dossier, None, form(VERY))
        with self.assertRaises(RatingAccessError):
            Rating.rate_with_token('x' * 32, form(VERY))
        with self.assertRaises(RatingAccessError):
            Rating.rate_with_pin(dossier.code, '000000' if dossier.pin
                != '000000' else '111111', form(VERY))

        # The form: an overall level, details among the levels, a comment
        # within bounds and without control characters.
        errors = Rating.form_errors(form('', convenience='great',
                comment='a\x00b'))
        self.assertEqual(set(errors), {'overall', 'convenience', 'comment'})
        errors = Rating.form_errors(form(VERY, comment='x' * 2001))
        self.assertEqual(set(errors), {'comment'})
        with self.assertRaises(RatingValidationError):
            Rating.rate_as_owner(dossier, dossier.web_user, form('bof'))

        with rated_at(T0):
            rating = Rating.rate_as_owner(dossier, dossier.web_user, form(
                    VERY, convenience=VERY, timeliness=SATISFIED,
                    comment="  Cán bộ hướng dẫn tận tình.  "))
        self.assertEqual((rating.overall, rating.convenience,
                rating.timeliness, rating.attitude),
            (VERY, VERY, SATISFIED, None))
        self.assertEqual(rating.comment, "Cán bộ hướng dẫn tận tình.")
        self.assertEqual((rating.agency, rating.procedure, rating.web_user,
                rating.channel, rating.rated_at, rating.changed_at),
            (dossier.agency, dossier.procedure, dossier.web_user, 'portal',
                T0, None))

        # Once per dossier: a second rating changes it, within 7 days.
        self.assertEqual(Config(1).change_days, 7)
        with rated_at(T0 + dt.timedelta(days=6)):
            self.assertTrue(Rating.portal_status(dossier)['changeable'])
            again = Rating.rate_with_pin(dossier.code, dossier.pin,
                form(SATISFIED))
        self.assertEqual(again, rating)
        self.assertEqual(Rating.search_count([]), 1)
        self.assertEqual((again.overall, again.convenience, again.channel,
                again.changed_at, again.rated_at),
            (SATISFIED, None, 'kiosk', T0 + dt.timedelta(days=6), T0))
        with rated_at(T0 + dt.timedelta(days=7, seconds=1)):
            self.assertFalse(Rating.portal_status(dossier)['changeable'])
            with self.assertRaises(RatingError) as refused:
                Rating.rate_with_token(dossier.rating_token, form(VERY))
        self.assertIn('7', refused.exception.message)
        self.assertEqual(Rating(rating.id).overall, SATISFIED)
        # The period is a setting.
        Config.write([Config(1)], {'change_days': 30})
        with rated_at(T0 + dt.timedelta(days=8)):
            rating = Rating.rate_with_token(dossier.rating_token, form(VERY))
        self.assertEqual((rating.overall, rating.channel),
            (VERY, 'notification'))

        # A refused dossier is rated too.
        refused = self.finished(world, state='rejected')
        rating = Rating.rate_as_owner(refused, refused.web_user,
            form(UNSATISFIED))
        self.assertEqual(rating.dossier, refused)

    @with_transaction()
    def test_followup_and_results(self):
        """R-RATE-2, R-AG-3: "Chưa hài lòng" opens a follow-up closed by
        the agency's leader only, with its outcome; the results are counted
        by procedure and agency over a period, percentages summing to 100"""
        pool = Pool()
        Rating = pool.get('gov.rating')
        Followup = pool.get('gov.rating.followup')
        world = make_world()
        levels = [(VERY, VERY), (SATISFIED, UNSATISFIED),
            (UNSATISFIED, None)]
        ratings = []
        for day, (overall, attitude) in enumerate(levels):
            dossier = self.finished(world)
            with rated_at(T0 + dt.timedelta(days=day)):
                ratings.append(Rating.rate_as_owner(dossier,
                        dossier.web_user,
                        form(overall, attitude=attitude or '')))
        followup, = Followup.search([])
        self.assertEqual((followup.rating, followup.state, followup.agency),
            (ratings[2], 'open', ratings[2].agency))

        # The auditor and an officer cannot close it; the leader can, with
        # its outcome (the button without it opens the wizard).
        with as_user(world['auditor']):
            with self.assertRaises(AccessButtonError):
                Followup.close([Followup(followup.id)], outcome="Xong")
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Followup.close([Followup(followup.id)], outcome="Xong")
        with as_user(world['leader_a']):
            self.assertEqual(Followup.search([]), [followup])
            self.assertIsInstance(
                Followup.close([Followup(followup.id)]), int)
            with self.assertRaises(RatingError):
                Followup.close([Followup(followup.id)], outcome="  ")
            Followup.close([Followup(followup.id)],
                outcome="Đã gọi điện xin lỗi công dân, nhắc nhở cán bộ.")
            with self.assertRaises(AccessError):
                Followup.write([Followup(followup.id)], {'outcome': "Sửa"})
        followup = Followup(followup.id)
        self.assertEqual((followup.state, followup.closed_by),
            ('closed', world['leader_a']))
        self.assertTrue(followup.closed_at)

        summary = Rating.aggregates(procedure=world.procedure)
        self.assertEqual(summary['count'], 3)
        self.assertEqual(
            [summary['overall']['levels'][k]['percent']
                for k in (VERY, SATISFIED, UNSATISFIED)], [34, 33, 33])
        self.assertEqual(summary['attitude']['count'], 2)
        self.assertEqual(summary['attitude']['levels'][UNSATISFIED],
            {'count': 1, 'percent': 50})
        self.assertEqual(summary['convenience']['count'], 0)
        by_agency = Rating.aggregates(by='agency')
        self.assertEqual(list(by_agency), [world['desk_a'].id])
        self.assertEqual(by_agency[world['desk_a'].id]['count'], 3)
        # The period: days in the province's time, both included.
        day = (T0 + dt.timedelta(hours=7)).date()
        self.assertEqual(Rating.aggregates(start=day, end=day)['count'], 1)
        self.assertEqual(Rating.aggregates(
                start=day + dt.timedelta(days=1))['count'], 2)
        self.assertEqual(Rating.aggregates(
                end=day - dt.timedelta(days=1))['count'], 0)

    @with_transaction()
    def test_access_from_the_attackers_side(self):
        """R-SEC-2, R-AG-3: officers read the ratings of their agencies
        only, the auditor all; nobody creates, changes or deletes a rating
        or its link through RPC, whatever the role"""
        pool = Pool()
        Rating = pool.get('gov.rating')
        Dossier = pool.get('gov.dossier')
        world = make_world()
        dossier = self.finished(world)
        rating = Rating.rate_as_owner(dossier, dossier.web_user,
            form(UNSATISFIED, comment="<script>alert(1)</script>"))
        with as_user(world['receiver_a']):
            self.assertEqual(Rating.search([]), [rating])
        with as_user(world['receiver_b']):
            self.assertEqual(Rating.search([]), [])
            with self.assertRaises(AccessError):
                Rating.read([rating.id], ['comment'])
        with as_user(world['nobody']):
            with self.assertRaises(AccessError):
                Rating.search([])
        for login in ['auditor', 'admin_p', 'leader_a']:
            with self.subTest(login=login), as_user(world[login]):
                self.assertEqual(Rating.search([]), [rating])
                with self.assertRaises(AccessError):
                    Rating.write([Rating(rating.id)], {'overall': 'satisfied'})
                with self.assertRaises(AccessError):
                    Rating.create([{'dossier': dossier.id,
                                'agency': dossier.agency.id,
                                'procedure': dossier.procedure.id,
                                'channel': 'portal', 'overall': 'satisfied',
                                'rated_at': T0}])
                with self.assertRaises(AccessError):
                    Rating.delete([Rating(rating.id)])
        with as_user(world['receiver_a']), self.assertRaises(AccessError):
            Dossier.write([Dossier(dossier.id)], {'rating_token': 'x' * 32})
        # The methods of the citizen check, whoever calls them.
        other = make_web_user('other@example.vn')
        with as_user(world['receiver_a']), check_access():
            with self.assertRaises(RatingAccessError):
                Rating.rate_as_owner(dossier, other, form(VERY))
        self.assertEqual(Rating(rating.id).overall, UNSATISFIED)
