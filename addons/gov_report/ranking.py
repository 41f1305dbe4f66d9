# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The yearly ranking of the agencies on the service-quality index
(R-REP-3, input to commendation, Điều 33.1).

``gov.report.quality.ranking`` ranks the agencies directly under an
agency (the province by default) by the total of their assessment
(quality.py) for the period, and keeps the province's own assessment
beside them. "Rank" computes the assessments and freezes the points of
each agency in the ranking's lines, so that a published ranking does not
move when the data changes afterwards. Equal totals are ordered by the
points of progress of handling, then of satisfaction; agencies equal on
all three share the rank; each line says why (``tie_note``).
The PDF for the commendation council is report/ranking.html."""
import datetime as dt
import os
from decimal import Decimal

from genshi.core import Markup

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import LANGUAGE, format_date, long_date, place_name

from .public import local_today
from .quality import GROUP_WEIGHTS, GROUPS, QualityError

STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ]
# What orders equal totals, in this order (doc/quality.rst).
TIE_BREAKERS = ['progress', 'satisfaction']
REPORT_DIR = os.path.join(os.path.dirname(__file__), 'report')


# A tie note names at most this many agencies (a dozen agencies without
# any dossier share a rank and would fill the council's page).
TIE_NAMES = 3


def tie_names(rows):
    names = [o['name'] for o in rows]
    if len(names) <= TIE_NAMES:
        return ', '.join(names)
    return gettext('gov_report.msg_ranking_tie_others', LANGUAGE,
        agencies=', '.join(names[:TIE_NAMES]),
        count=len(names) - TIE_NAMES)


def rank_key(line):
    return (line['total'], *(line[g] for g in TIE_BREAKERS))


def rank(rows):
    """Order rows (dicts with 'total', the groups' points, 'name', 'code')
    and give each its 'rank' and 'tie_note' (competition ranking: equal
    keys share a rank, the next rank skips)."""
    rows = sorted(rows, key=lambda r: (
            tuple(-v for v in rank_key(r)), r['code'] or ''))
    previous = None
    for index, row in enumerate(rows, 1):
        if previous and rank_key(previous) == rank_key(row):
            row['rank'] = previous['rank']
        else:
            row['rank'] = index
        previous = row
    labels = dict(GROUPS)
    for row in rows:
        same_total = [o for o in rows
            if o is not row and o['total'] == row['total']]
        if not same_total:
            row['tie_note'] = ''
            continue
        shared = [o for o in same_total if rank_key(o) == rank_key(row)]
        names = tie_names(same_total)
        if shared:
            row['tie_note'] = gettext(
                'gov_report.msg_ranking_tie_shared', LANGUAGE,
                agencies=tie_names(shared),
                rank=row['rank'])
        else:
            row['tie_note'] = gettext(
                'gov_report.msg_ranking_tie_broken', LANGUAGE,
                agencies=names,
                first=labels[TIE_BREAKERS[0]], first_points=row[
                    TIE_BREAKERS[0]],
                second=labels[TIE_BREAKERS[1]], second_points=row[
                    TIE_BREAKERS[1]])
    return rows


class Ranking(Workflow, ModelSQL, ModelView):
    "The yearly ranking of the agencies on the service-quality index."
    __name__ = 'gov.report.quality.ranking'
    __string__ = "Service Quality Ranking"
    _states = {'readonly': Eval('state') != 'draft'}

    name = fields.Char("Name", required=True, states=_states)
    year = fields.Integer("Year", required=True, states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", required=True, states=_states,
        domain=[('end_date', '>=', Eval('start_date'))])
    parent = fields.Many2One(
        'gov.agency', "Ranked Under", required=True, states=_states,
        ondelete='RESTRICT',
        help="The agencies directly under this one are ranked; its own "
        "assessment is the province's.")
    province_total = fields.Numeric(
        "Province's Total", digits=(6, 2), readonly=True)
    lines = fields.One2Many(
        'gov.report.quality.ranking.line', 'ranking', "Agencies",
        readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    ranked_date = fields.DateTime("Ranked At", readonly=True)
    published_date = fields.DateTime("Published At", readonly=True)
    published_by = fields.Many2One(
        'res.user', "Published By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'published'), ('published', 'draft')}
        cls._buttons.update({
                'rank': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'lines'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_year():
        return local_today().year - 1

    @fields.depends('year', 'name')
    def on_change_year(self):
        if self.year:
            self.start_date = dt.date(self.year, 1, 1)
            self.end_date = dt.date(self.year, 12, 31)

    @classmethod
    @ModelView.button
    def rank(cls, rankings):
        """Compute the assessments of the ranked agencies and of the
        province for the period, and freeze the ranking."""
        pool = Pool()
        Assessment = pool.get('gov.report.quality.assessment')
        Line = pool.get('gov.report.quality.ranking.line')
        for ranking in rankings:
            if ranking.state != 'draft':
                raise QualityError(gettext(
                        'gov_report.msg_ranking_published',
                        ranking=ranking.rec_name))
            agencies = [a for a in ranking.parent.children]
            if not agencies:
                raise QualityError(gettext(
                        'gov_report.msg_ranking_no_agency',
                        agency=ranking.parent.rec_name))
            assessments = {}
            for agency in [ranking.parent] + agencies:
                assessments[agency.id] = Assessment.get_or_create(agency,
                    ranking.year, ranking.start_date, ranking.end_date)
            Assessment.compute(list(assessments.values()))
            rows = []
            for agency in agencies:
                assessment = Assessment(assessments[agency.id].id)
                values, total = assessment.group_points()
                rows.append(dict(values, total=total, name=agency.name,
                        code=agency.code, agency=agency.id,
                        assessment=assessment.id))
            rows = rank(rows)
            province = Assessment(assessments[ranking.parent.id].id)
            values, total = province.group_points()
            rows.append(dict(values, total=total, agency=ranking.parent.id,
                    assessment=province.id, rank=None, tie_note='',
                    province=True))
            with without_check_access():
                Line.delete(list(ranking.lines))
                Line.create([{
                            'ranking': ranking.id,
                            'rank': r['rank'],
                            'sequence': i,
                            'agency': r['agency'],
                            'assessment': r['assessment'],
                            'publicity': r['publicity'],
                            'progress': r['progress'],
                            'digitisation': r['digitisation'],
                            'online': r['online'],
                            'satisfaction': r['satisfaction'],
                            'total': r['total'],
                            'tie_note': r['tie_note'],
                            'province': r.get('province', False),
                            } for i, r in enumerate(rows, 1)])
                cls.write([ranking], {
                        'province_total': total,
                        'ranked_date': dt.datetime.now(),
                        })

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, rankings):
        for ranking in rankings:
            if not ranking.lines:
                raise QualityError(gettext(
                        'gov_report.msg_ranking_not_ranked',
                        ranking=ranking.rec_name))
        cls.write(rankings, {
                'published_date': dt.datetime.now(),
                'published_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, rankings):
        cls.write(rankings, {'published_date': None, 'published_by': None})


class RankingLine(ModelSQL, ModelView):
    "An agency's place and points in a ranking (frozen when ranked)."
    __name__ = 'gov.report.quality.ranking.line'
    __string__ = "Service Quality Ranking Line"

    ranking = fields.Many2One(
        'gov.report.quality.ranking', "Ranking", required=True,
        ondelete='CASCADE', readonly=True)
    sequence = fields.Integer("Order", readonly=True)
    rank = fields.Integer("Rank", readonly=True)
    agency = fields.Many2One(
        'gov.agency', "Agency", readonly=True, ondelete='RESTRICT')
    assessment = fields.Many2One(
        'gov.report.quality.assessment', "Assessment", readonly=True,
        ondelete='SET NULL')
    publicity = fields.Numeric("Publicity (/18)", digits=(6, 2),
        readonly=True)
    progress = fields.Numeric("Progress (/20)", digits=(6, 2),
        readonly=True)
    digitisation = fields.Numeric("Digitisation (/22)", digits=(6, 2),
        readonly=True)
    online = fields.Numeric("Online Services (/22)", digits=(6, 2),
        readonly=True)
    satisfaction = fields.Numeric("Satisfaction (/18)", digits=(6, 2),
        readonly=True)
    total = fields.Numeric("Total (/100)", digits=(6, 2), readonly=True)
    tie_note = fields.Char("Tie", readonly=True)
    province = fields.Boolean(
        "Province", readonly=True,
        help="The province's own index, shown beside the ranking.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ranking')
        cls._order = [
            ('ranking', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]


def _points(value):
    "12,50 (Vietnamese decimal comma)."
    return f'{Decimal(value or 0):.2f}'.replace('.', ',')


class RankingReport(Report):
    "The ranking for the commendation council, in Vietnamese (PDF)."
    __name__ = 'gov.report.quality.ranking'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        with open(os.path.join(REPORT_DIR, 'ranking.css'),
                encoding='utf-8') as f:
            context['css'] = Markup(f.read())
        context['points'] = _points
        context['format_date'] = format_date
        context['long_date'] = long_date
        context['place'] = place_name()
        context['today'] = local_today()
        context['weights'] = GROUP_WEIGHTS
        return context
