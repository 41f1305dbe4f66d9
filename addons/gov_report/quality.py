# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The service-quality index of Decision 766/QĐ-TTg (R-REP-6).

- ``gov.report.quality.indicator``: the catalogue (quality_data.xml): five
  groups weighing 18, 20, 22, 22 and 18 points, each indicator with its
  maximum points and its source: computed by a method of
  quality_indicator.py, or entered by the provincial office;
- ``gov.report.quality.assessment``: an agency's (or the province's)
  assessment over a period, one line per indicator; the "Compute" button
  measures the computed lines again, the provincial office types the
  entered ones;
- ``gov.report.quality.assessment.line``: the value (a rate in %), the
  points = max points × value / 100, who entered it.

doc/quality.rst explains the indicators and the formula."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .public import local_today
from .quality_indicator import METHODS

# The leaders' rules read gov_agency's Eval('agencies'): their agencies and
# the units under them (not the agencies their one-stop desks serve).

GROUPS = [
    ('publicity', "Publicity and Transparency"),
    ('progress', "Progress and Results of Handling"),
    ('digitisation', "Digitisation of Dossiers"),
    ('online', "Online Services"),
    ('satisfaction', "Satisfaction"),
    ]
# The maximum points of each group (Decision 766/QĐ-TTg).
GROUP_WEIGHTS = {
    'publicity': 18,
    'progress': 20,
    'digitisation': 22,
    'online': 22,
    'satisfaction': 18,
    }
SOURCES = [
    ('computed', "Computed from the Data"),
    ('entered', "Entered by the Provincial Office"),
    ]
CENT = Decimal('0.01')
HUNDRED = Decimal(100)


class QualityError(UserError):
    "An assessment or a ranking cannot be made as asked."


class QualityAccessError(AccessError):
    "A value that only the data or the provincial office may set."


class QualityValidationError(ValidationError):
    "A value of the index outside its bounds."


def rate(numerator, denominator):
    "100 × numerator / denominator to the cent; None without denominator."
    if not denominator:
        return None
    return (HUNDRED * Decimal(numerator) / Decimal(denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP)


def points(max_points, value):
    "max_points × value / 100 (value capped to 0–100), to the cent."
    if value is None:
        return Decimal(0)
    value = min(max(Decimal(value), Decimal(0)), HUNDRED)
    return (Decimal(max_points) * value / HUNDRED).quantize(
        CENT, rounding=ROUND_HALF_UP)


class Indicator(ModelSQL, ModelView):
    "An indicator of the service-quality index (Decision 766/QĐ-TTg)."
    __name__ = 'gov.report.quality.indicator'
    __string__ = "Service Quality Indicator"

    group = fields.Selection(GROUPS, "Group", required=True, sort=False)
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    sequence = fields.Integer("Sequence")
    max_points = fields.Numeric(
        "Maximum Points", digits=(6, 2), required=True,
        domain=[('max_points', '>', 0)])
    source = fields.Selection(SOURCES, "Source", required=True)
    method = fields.Selection('get_methods', "Method",
        states={
            'required': Eval('source') == 'computed',
            'invisible': Eval('source') != 'computed',
            })
    full_when_empty = fields.Boolean(
        "Full Points Without Cases",
        states={'invisible': Eval('source') != 'computed'},
        help="When nothing is to be measured (no late dossier to apologise "
        "for), the agency gets the full points instead of none.")
    assumption = fields.Boolean(
        "Local Assumption",
        help="The name or the points of this indicator could not be "
        "confirmed in the text of the Decision: a choice of the province.")
    description = fields.Text("Description", translate=True)
    active = fields.Boolean("Active")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_uniq', Unique(t, t.code),
                'gov_report.msg_quality_indicator_code_unique'),
            ]
        cls._order = [('sequence', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_source():
        return 'entered'

    @classmethod
    def get_methods(cls):
        return [(None, "")] + [(name, name) for name in sorted(METHODS)]

    @classmethod
    def validate_fields(cls, indicators, field_names):
        super().validate_fields(indicators, field_names)
        for indicator in indicators:
            if indicator.source == 'computed' and (
                    indicator.method not in METHODS):
                raise QualityValidationError(gettext(
                        'gov_report.msg_quality_indicator_method',
                        indicator=indicator.rec_name))

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]


class Assessment(ModelSQL, ModelView):
    "The service-quality index of an agency (or the province) for a period."
    __name__ = 'gov.report.quality.assessment'
    __string__ = "Service Quality Assessment"

    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT',
        help="The agency assessed with all its units; the province's "
        "assessment is the one of the provincial people's committee.")
    year = fields.Integer("Year", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date", required=True,
        domain=[('end_date', '>=', Eval('start_date'))])
    lines = fields.One2Many(
        'gov.report.quality.assessment.line', 'assessment', "Indicators")
    publicity_points = fields.Function(fields.Numeric(
            "Publicity (/18)", digits=(6, 2)), 'get_points')
    progress_points = fields.Function(fields.Numeric(
            "Progress (/20)", digits=(6, 2)), 'get_points')
    digitisation_points = fields.Function(fields.Numeric(
            "Digitisation (/22)", digits=(6, 2)), 'get_points')
    online_points = fields.Function(fields.Numeric(
            "Online Services (/22)", digits=(6, 2)), 'get_points')
    satisfaction_points = fields.Function(fields.Numeric(
            "Satisfaction (/18)", digits=(6, 2)), 'get_points')
    total = fields.Function(fields.Numeric(
            "Total (/100)", digits=(6, 2)), 'get_points')
    computed_date = fields.DateTime("Computed At", readonly=True)
    computed_by = fields.Many2One(
        'res.user', "Computed By", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('period_uniq', Unique(t, t.agency, t.start_date, t.end_date),
                'gov_report.msg_quality_assessment_unique'),
            ]
        cls._order = [('year', 'DESC'), ('agency', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'compute': {'icon': 'tryton-refresh'},
                })

    @staticmethod
    def default_year():
        return local_today().year - 1

    @fields.depends('year', 'start_date', 'end_date')
    def on_change_year(self):
        if self.year:
            self.start_date = dt.date(self.year, 1, 1)
            self.end_date = dt.date(self.year, 12, 31)

    def get_rec_name(self, name):
        return f'{self.agency.rec_name} – {self.year}'

    @classmethod
    def get_points(cls, assessments, names):
        result = {n: {a.id: Decimal(0) for a in assessments} for n in names}
        for assessment in assessments:
            for line in assessment.lines:
                name = f'{line.indicator.group}_points'
                for target in (name, 'total'):
                    if target in result:
                        result[target][assessment.id] += line.points
        return result

    def group_points(self):
        "{group: points} and the total of the assessment."
        values = {g: Decimal(0) for g in GROUP_WEIGHTS}
        for line in self.lines:
            values[line.indicator.group] += line.points
        return values, sum(values.values(), Decimal(0))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('year'):
            values.setdefault('start_date', dt.date(values['year'], 1, 1))
            values.setdefault('end_date', dt.date(values['year'], 12, 31))
        return values

    @classmethod
    def on_modification(cls, mode, assessments, field_names=None):
        super().on_modification(mode, assessments, field_names=field_names)
        if mode == 'create':
            cls.add_missing_lines(assessments)

    @classmethod
    def add_missing_lines(cls, assessments):
        "One line per active indicator of the catalogue."
        pool = Pool()
        Indicator = pool.get('gov.report.quality.indicator')
        Line = pool.get('gov.report.quality.assessment.line')
        indicators = Indicator.search([])
        to_create = []
        for assessment in cls.browse(assessments):
            present = {l.indicator.id for l in assessment.lines}
            to_create.extend({
                    'assessment': assessment.id,
                    'indicator': i.id,
                    } for i in indicators if i.id not in present)
        if to_create:
            with without_check_access():
                Line.create(to_create)

    @classmethod
    def get_or_create(cls, agency, year, start_date=None, end_date=None):
        "The assessment of agency for the period, created with its lines."
        start_date = start_date or dt.date(year, 1, 1)
        end_date = end_date or dt.date(year, 12, 31)
        found = cls.search([
                ('agency', '=', agency.id),
                ('start_date', '=', start_date),
                ('end_date', '=', end_date),
                ], limit=1)
        if found:
            return found[0]
        assessment, = cls.create([{
                    'agency': agency.id, 'year': year,
                    'start_date': start_date, 'end_date': end_date,
                    }])
        return assessment

    @classmethod
    @ModelView.button
    def compute(cls, assessments):
        """Measure the computed indicators again from the data (the entered
        ones keep the provincial office's values)."""
        pool = Pool()
        Line = pool.get('gov.report.quality.assessment.line')
        cls.add_missing_lines(assessments)
        now = dt.datetime.now()
        user = Transaction().user
        for assessment in cls.browse(assessments):
            for line in assessment.lines:
                if line.indicator.source != 'computed':
                    continue
                function = METHODS[line.indicator.method]
                numerator, denominator = function(assessment.agency,
                    assessment.start_date, assessment.end_date)
                value = rate(numerator, denominator)
                if value is None and line.indicator.full_when_empty:
                    value = HUNDRED
                with without_check_access(), Transaction().set_context(
                        _quality_compute=True):
                    Line.write([line], {
                            'numerator': numerator,
                            'denominator': denominator,
                            'value': value,
                            })
        with without_check_access():
            cls.write(cls.browse(assessments), {
                    'computed_date': now,
                    'computed_by': user or None,
                    })


class AssessmentLine(ModelSQL, ModelView):
    "The value and points of one indicator in an assessment."
    __name__ = 'gov.report.quality.assessment.line'
    __string__ = "Service Quality Assessment Line"

    assessment = fields.Many2One(
        'gov.report.quality.assessment', "Assessment", required=True,
        ondelete='CASCADE')
    indicator = fields.Many2One(
        'gov.report.quality.indicator', "Indicator", required=True,
        ondelete='RESTRICT', readonly=True)
    group = fields.Function(fields.Selection(
            GROUPS, "Group", sort=False), 'on_change_with_group')
    source = fields.Function(fields.Selection(
            SOURCES, "Source"), 'on_change_with_source')
    max_points = fields.Function(fields.Numeric(
            "Maximum Points", digits=(6, 2)), 'on_change_with_max_points')
    numerator = fields.Integer("Cases Meeting It", readonly=True)
    denominator = fields.Integer("Cases Measured", readonly=True)
    value = fields.Numeric(
        "Value (%)", digits=(6, 2),
        domain=['OR', ('value', '=', None),
            [('value', '>=', 0), ('value', '<=', 100)]],
        states={'readonly': Eval('source') != 'entered'},
        help="A rate in percent: computed from the data, or entered by the "
        "provincial office.")
    points = fields.Function(fields.Numeric(
            "Points", digits=(6, 2)), 'get_line_points')
    note = fields.Text("Note", states={
            'readonly': Eval('source') != 'entered'})
    entered_by = fields.Many2One(
        'res.user', "Entered By", readonly=True, ondelete='SET NULL')
    entered_date = fields.DateTime("Entered At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('assessment')
        t = cls.__table__()
        cls._sql_constraints = [
            ('indicator_uniq', Unique(t, t.assessment, t.indicator),
                'gov_report.msg_quality_line_unique'),
            ]
        cls._order = [('assessment', 'ASC'), ('id', 'ASC')]

    @fields.depends('indicator', '_parent_indicator.group')
    def on_change_with_group(self, name=None):
        return self.indicator.group if self.indicator else None

    @fields.depends('indicator', '_parent_indicator.source')
    def on_change_with_source(self, name=None):
        return self.indicator.source if self.indicator else None

    @fields.depends('indicator', '_parent_indicator.max_points')
    def on_change_with_max_points(self, name=None):
        return self.indicator.max_points if self.indicator else None

    def get_line_points(self, name):
        return points(self.indicator.max_points, self.value)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        """Computed values come from the data only; entered values are
        typed by the provincial office (the access rows let only it write),
        never on a computed line."""
        super().check_modification(mode, lines, values=values,
            external=external)
        # _quality_compute is set by compute() only: the RPC dispatcher
        # drops the context keys starting with "_" sent by a client.
        context = Transaction().context
        if mode == 'write' and not context.get('_quality_compute'):
            touched = set(values) & {'value', 'numerator', 'denominator',
                'note'}
            computed = [l for l in lines if l.indicator.source != 'entered']
            if touched and computed:
                raise QualityAccessError(gettext(
                        'gov_report.msg_quality_line_computed',
                        indicator=computed[0].indicator.rec_name))
            if set(values) & {'numerator', 'denominator'}:
                raise QualityAccessError(gettext(
                        'gov_report.msg_quality_line_computed',
                        indicator=lines[0].indicator.rec_name))
        if mode == 'delete' and external:
            raise QualityAccessError(gettext(
                    'gov_report.msg_quality_line_delete'))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        context = Transaction().context
        if (mode == 'write' and not context.get('_quality_compute')
                and set(values) & {'value', 'note'}):
            values['entered_by'] = Transaction().user or None
            values['entered_date'] = dt.datetime.now()
        return values
