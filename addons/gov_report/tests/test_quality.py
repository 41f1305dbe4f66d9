# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The service-quality index (R-REP-6), the yearly ranking and its PDF
(R-REP-3) and the figures per officer (R-REP-5) on a hand-built data set
whose expected values are worked out by hand in the comments."""
import datetime as dt
import io
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import (
    PDF, ModuleDossierTestCase, as_user, at, local, make_dossier,
    make_world, reload)

from gov_dossier.tests.tools import dump

from ..quality import GROUP_WEIGHTS, QualityAccessError, points, rate
from ..ranking import rank

YEAR = 2026
D = Decimal


class QualityTestCase(ModuleDossierTestCase):
    "R-REP-6, R-REP-3, R-REP-5: the quality index, ranking and officers"
    module = 'gov_report'

    # ------------------------------------------------------------ data
    @contextmanager
    def as_officer(self, world, login):
        "Act as login without access checks, so steps record who did them."
        with Transaction().set_user(world[login].id):
            yield

    def handled(self, world, agency, received, completed, channel='desk',
            specialist='specialist_a'):
        """A dossier of P1 received at agency (local (y, m, d, h)) and its
        result ready at completed (None: still in progress); the check step
        finished by specialist, the approval by head_a."""
        Dossier = Pool().get('gov.dossier')
        dossier = make_dossier(world, channel=channel, agency=agency)
        with at(local(*received)):
            if channel == 'online':
                Dossier.submit([dossier])
            Dossier.receive([reload(dossier)])
        if completed:
            with at(local(*completed)):
                with self.as_officer(world, specialist):
                    Dossier.process([reload(dossier)])
                    Dossier.forward([reload(dossier)])
                with self.as_officer(world, 'head_a'):
                    Dossier.approve([reload(dossier)])
        return reload(dossier)

    def data_set(self, world):
        """June 2026, P1 due 5 working days after reception (received
        Monday 1 June → due Monday 8 June).

        District A (desk_a): a1 online, early (4 June); a2, a3 on time
        (8 June); a4 late (10 June) with an apology letter; a1's result is
        a file; a1 rated very satisfied.
        District B (desk_b): b1 late (10 June) without apology; b2 online,
        early (4 June)."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        Rating = pool.get('gov.rating')
        monday = (YEAR, 6, 1, 9)
        d = {}
        d['a1'] = self.handled(world, 'desk_a', monday, (YEAR, 6, 4, 10),
            channel='online')
        d['a2'] = self.handled(world, 'desk_a', monday, (YEAR, 6, 8, 10))
        d['a3'] = self.handled(world, 'desk_a', monday, (YEAR, 6, 8, 11))
        a4 = self.handled(world, 'desk_a', monday, None)
        with at(local(YEAR, 6, 9, 9)):
            Dossier.record_apology([a4], "Chờ ý kiến liên ngành",
                dt.date(YEAR, 6, 12))
        d['a4'] = self.handled_later(world, a4, (YEAR, 6, 10, 10))
        d['b1'] = self.handled(world, 'desk_b', monday, (YEAR, 6, 10, 10),
            specialist='specialist_b')
        d['b2'] = self.handled(world, 'desk_b', monday, (YEAR, 6, 4, 10),
            channel='online', specialist='specialist_b')
        Document.create([{'dossier': d['a1'].id, 'kind': 'result',
                    'name': 'ket_qua.pdf', 'data': PDF}])
        with at(local(YEAR, 6, 5, 9)):
            Dossier.done([reload(d['a1'])])
        a1 = reload(d['a1'])
        with patch.object(Rating, '_now', classmethod(
                    lambda cls: local(YEAR, 6, 5, 10))):
            Rating.rate_with_pin(a1.code, a1.pin, {
                    'overall': 'very_satisfied', 'convenience': '',
                    'timeliness': '', 'attitude': '', 'comment': ''})
        for key in ['a2', 'a3', 'a4', 'b1', 'b2']:
            self.assertEqual(reload(d[key]).state, 'result_ready', key)
        expected = {'a1': 'early', 'a2': 'on_time', 'a3': 'on_time',
            'a4': 'late', 'b1': 'late', 'b2': 'early'}
        self.assertEqual({k: reload(d[k]).timeliness for k in expected},
            expected)
        return d

    def handled_later(self, world, dossier, completed):
        Dossier = Pool().get('gov.dossier')
        with at(local(*completed)):
            with self.as_officer(world, 'specialist_a'):
                Dossier.process([reload(dossier)])
                Dossier.forward([reload(dossier)])
            with self.as_officer(world, 'head_a'):
                Dossier.approve([reload(dossier)])
        return reload(dossier)

    def add_leader_b(self, world):
        "A leader of district B, in the test's transaction."
        pool = Pool()
        User = pool.get('res.user')
        Officer = pool.get('gov.agency.officer')
        ModelData = pool.get('ir.model.data')
        user = User(login='leader_b', name='leader_b', groups=[
                ModelData.get_id('gov_agency', 'group_leader')])
        user.save()
        Officer.create([{'user': user.id, 'agency': world['b'].id,
                    'head': True}])
        return user

    def assessment(self, world, key):
        Assessment = Pool().get('gov.report.quality.assessment')
        return Assessment.get_or_create(world[key], YEAR)

    @staticmethod
    def by_code(assessment):
        return {l.indicator.code: l for l in assessment.lines}

    # ----------------------------------------------------------- tests
    def test_points_formula(self):
        "R-REP-6: value = 100 × cases meeting / cases, points = max × value"
        self.assertEqual(rate(3, 4), D('75.00'))
        self.assertEqual(rate(2, 3), D('66.67'))
        self.assertIsNone(rate(0, 0))
        self.assertEqual(points(D(10), D('75.00')), D('7.50'))
        self.assertEqual(points(D('4.5'), D(150)), D('4.50'))
        self.assertEqual(points(D('4.5'), None), D(0))

    @with_transaction()
    def test_catalogue_weights(self):
        """R-REP-6: the catalogue's five groups weigh 18, 20, 22, 22, 18
        (100), each with computed and entered indicators"""
        Indicator = Pool().get('gov.report.quality.indicator')
        indicators = Indicator.search([])
        totals = {}
        for indicator in indicators:
            totals[indicator.group] = (totals.get(indicator.group, D(0))
                + indicator.max_points)
        self.assertEqual(totals, {g: D(w) for g, w in GROUP_WEIGHTS.items()})
        self.assertEqual(sum(GROUP_WEIGHTS.values()), 100)
        self.assertEqual({i.source for i in indicators},
            {'computed', 'entered'})
        methods = {i.code: i.method for i in indicators
            if i.source == 'computed'}
        self.assertEqual(methods['TD1'], 'on_time_rate')
        self.assertEqual(methods['TD2'], 'apology_rate')
        self.assertEqual(methods['TT3'], 'online_payment_rate')

    @with_transaction()
    def test_assessment_computed_and_entered(self):
        """R-REP-6: the computed indicators of district A from its dossiers
        (3 of 4 resolved on time → 75 % → 7.50 of 10 points…), the entered
        ones typed by the provincial office only, the group subtotals and
        the total out of 100"""
        pool = Pool()
        Line = pool.get('gov.report.quality.assessment.line')
        world = make_world()
        self.data_set(world)
        assessment = self.assessment(world, 'a')
        assessment.__class__.compute([assessment])
        assessment = assessment.__class__(assessment.id)
        lines = self.by_code(assessment)
        expected = {
            # code: (numerator, denominator, value, points)
            # a1 early, a2 a3 on time, a4 late: 3 / 4 = 75 % of 10
            'TD1': (3, 4, D('75.00'), D('7.50')),
            # a4 late with its apology letter: 1 / 1 of 5
            'TD2': (1, 1, D('100.00'), D('5.00')),
            # all four received with their component files: 8
            'SH1': (4, 4, D('100.00'), D('8.00')),
            # a1's result only is a file: 1 / 4 = 25 % of 7
            'SH2': (1, 4, D('25.00'), D('1.75')),
            # P1 is published, online, for districts A and B: 6
            'TT1': (1, 1, D('100.00'), D('6.00')),
            # a1 of 4 received online: 25 % of 8
            'TT2': (1, 4, D('25.00'), D('2.00')),
            # no fee paid: nothing measured, no points
            'TT3': (0, 0, None, D('0.00')),
            # P1 has no legal basis: not complete
            'CK3': (0, 1, D('0.00'), D('0.00')),
            # a1 very satisfied: 1 / 1 of 12
            'HL1': (1, 1, D('100.00'), D('12.00')),
            }
        for code, values in expected.items():
            line = lines[code]
            self.assertEqual((line.numerator, line.denominator, line.value,
                    line.points), values, code)
        self.assertEqual(lines['TD1'].source, 'computed')
        self.assertEqual(lines['CK1'].source, 'entered')
        self.assertIsNone(lines['CK1'].value)

        # The provincial office enters CK1 = 80 % → 4.5 × 80 % = 3.60.
        with as_user(world['admin_p']):
            Line.write([Line(lines['CK1'].id)], {'value': D(80)})
            with self.assertRaises(QualityAccessError):
                Line.write([Line(lines['TD1'].id)], {'value': D(100)})
        line = Line(lines['CK1'].id)
        self.assertEqual((line.value, line.points), (D(80), D('3.60')))
        self.assertEqual(line.entered_by, world['admin_p'])
        # The district's leader and the auditor read but cannot enter.
        for login in ['leader_a', 'auditor']:
            with as_user(world[login]):
                self.assertEqual(Line(lines['CK1'].id).value, D(80))
                with self.assertRaises(AccessError):
                    Line.write([Line(lines['CK1'].id)], {'value': D(100)})
        # Computing again keeps the entered value.
        assessment.__class__.compute([assessment])
        assessment = assessment.__class__(assessment.id)
        self.assertEqual(self.by_code(assessment)['CK1'].value, D(80))

        # Subtotals: publicity 3.60 + 0; progress 7.50 + 5 (TD3 not
        # entered); digitisation 8 + 1.75; online 6 + 2 + 0;
        # satisfaction 12 (HL2 not entered).
        self.assertEqual(
            (assessment.publicity_points, assessment.progress_points,
                assessment.digitisation_points, assessment.online_points,
                assessment.satisfaction_points),
            (D('3.60'), D('12.50'), D('9.75'), D('8.00'), D('12.00')))
        self.assertEqual(assessment.total, D('45.85'))

    @with_transaction()
    def test_online_payment_rate(self):
        """R-REP-6: the online-payment rate counts gov_fee's payments paid
        in the period by channel (1 online of 3 paid → 33.33 % of 8)"""
        from gov_fee.tests.tools import SIMPLE, set_fees
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        Assessment = pool.get('gov.report.quality.assessment')
        world = make_world()
        set_fees(world.procedure, SIMPLE)
        moments = [local(YEAR, 6, 1, 9), local(YEAR, 6, 2, 9),
            local(YEAR, 6, 3, 9), local(YEAR - 1, 12, 30, 9)]
        for index, (moment, method) in enumerate(zip(moments,
                    ['online', 'desk', 'desk', 'online'])):
            dossier = make_dossier(world, channel='online')
            with at(moment):
                Pool().get('gov.dossier').submit([dossier])
                if method == 'online':
                    order = Payment.create_order(reload(dossier), 'online')
                    paid = Payment.confirm(order, order.amount, 'VND')
                else:
                    paid = Payment.record(reload(dossier), 'desk',
                        Decimal(50000))
            self.assertEqual(paid.state, 'paid')
        # The last one was paid in the previous year: not counted.
        assessment = self.assessment(world, 'a')
        Assessment.compute([assessment])
        line, = [l for l in Assessment(assessment.id).lines
            if l.indicator.code == 'TT3']
        self.assertEqual((line.numerator, line.denominator, line.value,
                line.points), (1, 3, D('33.33'), D('2.67')))

    @with_transaction()
    def test_assessment_access(self):
        """R-REP-6: a leader reads the assessment of his agency only (not
        the other district's), cannot compute; the auditor reads all;
        a user without role reads nothing"""
        Assessment = Pool().get('gov.report.quality.assessment')
        Line = Pool().get('gov.report.quality.assessment.line')
        world = make_world()
        own = self.assessment(world, 'a')
        other = self.assessment(world, 'b')
        with as_user(world['leader_a']):
            self.assertEqual(Assessment.search([]), [own])
            with self.assertRaises(AccessError):
                Assessment.read([other.id], ['total'])
            with self.assertRaises((AccessError, AccessButtonError)):
                Assessment.compute([own])
            with self.assertRaises(AccessError):
                Assessment.create([{'agency': world['a'].id,
                            'year': YEAR - 1}])
        with as_user(self.add_leader_b(world)):
            self.assertEqual(Assessment.search([]), [other])
            with self.assertRaises(AccessError):
                Assessment.read([own.id], ['total'])
            # Nor the lines of district A's assessment.
            with self.assertRaises(AccessError):
                Line.read([own.lines[0].id], ['value'])
        with as_user(world['auditor']):
            self.assertEqual(set(Assessment.search([])), {own, other})
            with self.assertRaises(AccessError):
                Assessment.write([other], {'year': YEAR - 1})
        for login in ['nobody', 'specialist_a', 'head_a']:
            with as_user(world[login]):
                with self.assertRaises(AccessError):
                    Assessment.search([])

    @with_transaction()
    def test_tie_breaking(self):
        """R-REP-3: equal totals are ordered by the progress points, then
        satisfaction; equal on all three share the rank (next one skips)"""
        def row(name, total, progress, satisfaction):
            return {'name': name, 'code': name, 'total': D(total),
                'progress': D(progress), 'satisfaction': D(satisfaction)}
        rows = rank([
                row('X', 50, 10, 9),
                row('Y', 60, 10, 9),
                row('Z', 50, 12, 5),
                row('W', 50, 10, 9),
                row('V', 40, 10, 9),
                ])
        self.assertEqual([(r['name'], r['rank']) for r in rows],
            [('Y', 1), ('Z', 2), ('W', 3), ('X', 3), ('V', 5)])
        notes = {r['name']: r['tie_note'] for r in rows}
        self.assertEqual(notes['Y'], '')
        self.assertIn('W', notes['X'])
        self.assertIn('3', notes['X'])
        self.assertIn('W', notes['Z'])
        self.assertNotEqual(notes['Z'], notes['X'])

    @with_transaction()
    def test_tie_note_names_three_agencies_and_counts_the_rest(self):
        """R-REP-3: six agencies sharing a rank: each note names three of
        the other five and counts the two left"""
        names = ['Agency-%s' % i for i in range(1, 7)]
        rows = rank([{'name': n, 'code': n, 'total': D(5),
                    'progress': D(0), 'satisfaction': D(0)}
                for n in names])
        note = {r['name']: r['tie_note'] for r in rows}['Agency-1']
        self.assertIn('Agency-2, Agency-3, Agency-4', note)
        self.assertNotIn('Agency-5', note)
        self.assertNotIn('Agency-6', note)
        self.assertIn(' 2 ', note)

    @with_transaction()
    def test_ranking_and_pdf(self):
        """R-REP-3: the agencies under the province ranked by their total
        (A 45.85 with CK1 entered, B 23.00, the tax department and the
        post office 5.00 each, sharing rank 3), the province's own index,
        publication for the leaders, the PDF in rank order"""
        pool = Pool()
        Ranking = pool.get('gov.report.quality.ranking')
        Line = pool.get('gov.report.quality.assessment.line')
        world = make_world()
        self.data_set(world)
        a = self.assessment(world, 'a')
        ck1, = [l for l in a.lines if l.indicator.code == 'CK1']
        with as_user(world['admin_p']):
            Line.write([Line(ck1.id)], {'value': D(80)})
            ranking, = Ranking.create([{'name': "Xếp hạng năm 2026",
                        'year': YEAR, 'start_date': dt.date(YEAR, 1, 1),
                        'end_date': dt.date(YEAR, 12, 31),
                        'parent': world['province'].id}])
            Ranking.rank([ranking])
        ranking = Ranking(ranking.id)
        ranked = [(l.agency, l.rank, l.total) for l in ranking.lines
            if not l.province]
        # A: 45.85 (see test_assessment_computed_and_entered). B: TD1 1 of
        # 2 on time = 5.00, TD2 0 (b1 late without apology), SH1 8, SH2 0,
        # TT1 6, TT2 1 of 2 online = 4.00 → 23.00. Tax and post: no
        # dossier, no procedure; only TD2 (no late dossier) = 5.00.
        self.assertEqual(ranked, [
                (world['a'], 1, D('45.85')),
                (world['b'], 2, D('23.00')),
                (world['tax'], 3, D('5.00')),
                (world['post'], 3, D('5.00')),
                ])
        notes = {l.agency: l.tie_note for l in ranking.lines}
        self.assertFalse(notes[world['a']])
        self.assertIn(world['post'].name, notes[world['tax']])
        # The province: 6 resolved, 4 on time (66.67 % of 10 = 6.67); 2
        # late, a4 with an apology, b1 without (50 % of 5 = 2.50).
        province, = [l for l in ranking.lines if l.province]
        self.assertEqual(province.agency, world['province'])
        self.assertEqual(province.progress, D('6.67') + D('2.50'))
        self.assertEqual(ranking.province_total, province.total)

        # A draft ranking is the provincial office's only.
        with as_user(world['leader_a']):
            self.assertEqual(Ranking.search([]), [])
            with self.assertRaises((AccessError, AccessButtonError)):
                Ranking.publish([ranking])
        with as_user(world['admin_p']):
            Ranking.publish([ranking])
            with self.assertRaises(UserError):
                Ranking.rank([Ranking(ranking.id)])
        with as_user(world['leader_a']):
            self.assertEqual(Ranking.search([]), [ranking])
            report = self.execute_report(ranking)
        with as_user(world['nobody']):
            with self.assertRaises(AccessError):
                self.execute_report(ranking)

        text = self.pdf_text(report)
        positions = [text.index(world[k].name)
            for k in ['a', 'b', 'tax', 'post']]
        self.assertEqual(positions, sorted(positions))
        for total in ['45,85', '23,00', '5,00']:
            self.assertIn(total, text)
        self.assertIn('766/QĐ-TTg', text)

    def execute_report(self, ranking):
        Report = Pool().get('gov.report.quality.ranking', type='report')
        ext, content, _, _ = Report.execute([ranking.id], {})
        self.assertEqual(ext, 'pdf')
        dump('ranking.pdf', content)
        return content

    @staticmethod
    def pdf_text(content):
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(bytes(content)))
        return ' '.join(' '.join((page.extract_text() or '').split())
            for page in reader.pages)

    @with_transaction()
    def test_officer_figures(self):
        """R-REP-5: steps finished per officer and unit (on time, late),
        adding up to figures.py's unit figures; read by the unit head and
        leaders of their agency only, refused to an officer"""
        from .. import figures
        pool = Pool()
        Figure = pool.get('gov.report.officer.figure')
        world = make_world()
        self.data_set(world)
        context = {'from_date': dt.date(YEAR, 6, 1),
            'to_date': dt.date(YEAR, 6, 30)}
        with Transaction().set_context(context):
            rows = {(r.officer.login, r.unit.code): (r.handled, r.on_time,
                    r.late) for r in Figure.search([])}
        unit_a = world['unit_a'].code
        # P1's check and approval steps are both at unit A, due 3.5 and
        # 4.5 working days after reception on Monday 1 June (counted from
        # the next day): check due Friday 5 June, approval Monday 8 June.
        # Checks: a1, b2 (4 June) on time; a2, a3 (8), a4, b1 (10) late.
        self.assertEqual(rows[('specialist_a', unit_a)], (4, 1, 3))
        self.assertEqual(rows[('specialist_b', unit_a)], (2, 1, 1))
        # Approvals: a1, b2 (4 June), a2, a3 (8) on time; a4, b1 late.
        self.assertEqual(rows[('head_a', unit_a)], (6, 4, 2))
        # The officers' rows add up to the unit's figures (figures.py).
        units = figures.compute(dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 30),
            by=('unit',))
        unit = units[(world['unit_a'].id,)]
        self.assertEqual(
            (unit['unit_handled'], unit['unit_on_time'], unit['unit_late']),
            tuple(sum(v[i] for (_, u), v in rows.items() if u == unit_a)
                for i in range(3)))

        with Transaction().set_context(context):
            with as_user(world['head_a']):
                self.assertTrue(Figure.search([]))
                self.assertEqual({f.unit for f in Figure.search([])},
                    {world['unit_a']})
            with as_user(world['leader_a']):
                self.assertTrue(Figure.search([]))
            # District B's leader sees none of unit A's officers, an
            # officer without a leading role nothing at all.
            with as_user(self.add_leader_b(world)):
                self.assertEqual(Figure.search([]), [])
            with as_user(world['receiver_b']):
                with self.assertRaises(AccessError):
                    Figure.search([])
            with as_user(world['specialist_a']):
                with self.assertRaises(AccessError):
                    Figure.search([])
