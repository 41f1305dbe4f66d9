# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The statistics of sao for the leaders and the provincial office
(R-REP-1, R-REP-5): a context (period, agency with or without its
sub-units, sector, field, procedure) and one table_query model per row
kind — agency, procedure, field, month, channel, processing unit — whose
rows are figures.compute() of the context, and a drill-down from a row to
the dossiers behind one of its figures.

Who sees what is decided here, on the server: the provincial office
administrators and the auditor see the province, an agency's leader his
agencies' subtrees, anybody else nothing (allowed_agencies)."""
import datetime as dt

from decimal import Decimal

from sql import Column, Expression, Values

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .figures import (
    AMOUNTS, FIGURES, LABELS, agency_ids, compute, dossier_domain,
    month_range)

CHANNELS = [
    ('online', "Online"),
    ('desk', "One-Stop Desk"),
    ('postal', "Postal"),
    ]


def allowed_agencies():
    """None when the user sees the whole province (root, provincial
    office administrator, auditor), else the ids of the agencies whose
    figures he sees: a leader's agencies and their sub-units; nothing for
    the others."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not Transaction().user:
        return None
    groups = set(User.get_groups())

    def group(name):
        return ModelData.get_id('gov_agency', name)
    if groups & {group('group_admin'), group('group_auditor')}:
        return None
    if group('group_leader') in groups:
        return list(User.get_agencies())
    return []


def context_agencies():
    """The agencies of the statistics' context, cut to those the user
    may see (None: the province)."""
    context = Transaction().context
    allowed = allowed_agencies()
    agency = context.get('agency')
    if agency:
        ids = agency_ids([agency], context.get('subtree', True))
        if allowed is not None:
            ids = [i for i in ids if i in set(allowed)]
        return ids
    return allowed


def context_period():
    context = Transaction().context
    today = Pool().get('gov.dossier')._today()

    def day(value):
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if isinstance(value, dt.datetime):
            value = value.date()
        return value
    return (day(context.get('start') or today.replace(month=1, day=1)),
        day(context.get('end') or today))


def context_filters():
    context = Transaction().context
    return {k: context[k] for k in ['sector', 'field', 'procedure']
        if context.get(k)}


class StatisticsContext(ModelView):
    "The period and the agencies of the statistics."
    __name__ = 'gov.report.statistics.context'
    __string__ = "Statistics Context"

    start = fields.Date("From", required=True)
    end = fields.Date("To", required=True,
        domain=[('end', '>=', Eval('start'))])
    agency = fields.Many2One('gov.agency', "Agency",
        help="Leave empty for every agency you may see.")
    subtree = fields.Boolean("With Sub-Units")
    sector = fields.Many2One('gov.sector', "Sector")
    field = fields.Many2One('gov.field', "Field")
    procedure = fields.Many2One('gov.procedure', "Procedure")

    @classmethod
    def default_start(cls):
        return Pool().get('gov.dossier')._today().replace(month=1, day=1)

    @classmethod
    def default_end(cls):
        return Pool().get('gov.dossier')._today()

    @classmethod
    def default_subtree(cls):
        return True


class _Number(Expression):
    """A number (or NULL) written in the query itself, not as a parameter:
    a province's rows would pass PostgreSQL's 65 535 parameters."""
    __slots__ = ('value',)

    def __init__(self, value):
        assert value is None or isinstance(value, (int, Decimal))
        self.value = value

    def __str__(self):
        if self.value is None:
            return 'NULL'
        return format(self.value, 'f') if isinstance(
            self.value, Decimal) else str(int(self.value))

    @property
    def params(self):
        return ()


def _sql_value(value):
    "Numbers inline, strings (month, channel) as parameters."
    if value is None or isinstance(value, (int, Decimal)):
        return _Number(value)
    return value


def _figure_field(name):
    if name in AMOUNTS:
        return fields.Numeric(LABELS[name], digits=(16, 0), readonly=True)
    if name == 'online_share':
        return fields.Numeric(LABELS[name], digits=(16, 2), readonly=True)
    return fields.Integer(LABELS[name], readonly=True)


class StatisticsMixin(ModelSQL, ModelView):
    """Rows of figures.compute() for the context, by the keys of `_by`;
    the model's key fields are named as the keys."""
    __slots__ = ()
    _by = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [(k, 'ASC') for k in cls._by] + [('id', 'ASC')]

    @classmethod
    def rows(cls):
        "The rows of the context: [(key tuple, figures)] in key order."
        start, end = context_period()
        result = compute(start, end, agencies=context_agencies(),
            by=cls._by, subtree=False, filters=context_filters())
        return sorted(result.items(), key=lambda i: tuple(
                (v is None, v if isinstance(v, str) else '',
                    v if isinstance(v, int) else 0) for v in i[0]))

    @classmethod
    def table_query(cls):
        names = list(cls._by) + list(FIGURES)
        data = []
        for index, (key, values) in enumerate(cls.rows(), 1):
            data.append([_Number(index)]
                + [_sql_value(v) for v in key]
                + [_Number(values.get(f)) for f in FIGURES])
        if not data:
            # One row that the WHERE drops: VALUES needs a row.
            data = [[_Number(0)] + [_Number(None)] * len(names)]
        values = Values(data)
        columns = [Column(values, 'column1').as_('id')]
        for position, name in enumerate(names, 2):
            column = Column(values, 'column%s' % position)
            columns.append(cls._fields[name].sql_cast(column).as_(name))
        return values.select(*columns, where=Column(values, 'column1') > 0)

    def drill_domain(self, figure):
        """The dossiers behind figure of this row: the figure's domain for
        the context's period and agencies, restricted to the row's key."""
        start, end = context_period()
        if 'month' in self._by and self.month:
            first, last = month_range(self.month)
            start, end = max(start, first), min(end, last)
        domain = dossier_domain(figure, start, end,
            agencies=context_agencies(), subtree=False)
        filters = context_filters()
        if 'agency' in self._by:
            filters['agency'] = self.agency.id if self.agency else None
        for name in ['procedure', 'field', 'sector', 'channel']:
            if name in self._by:
                value = getattr(self, name)
                filters[name] = getattr(value, 'id', value)
        paths = {'agency': 'agency', 'procedure': 'procedure',
            'field': 'procedure.field', 'sector': 'procedure.field.sector',
            'channel': 'channel'}
        for name, value in filters.items():
            if name == 'procedure' and value is not None:
                # Every version of the procedure (R-CAT-6).
                Procedure = Pool().get('gov.procedure')
                with Transaction().set_context(active_test=False):
                    code = Procedure(value).code
                domain.append(('procedure.code', '=', code))
                continue
            domain.append((paths[name], '=', value))
        if 'unit' in self._by:
            unit = self.unit.id if self.unit else None
            if figure.startswith('unit_'):
                domain.append(('steps.unit', '=', unit))
            else:
                domain.append(('current_unit', '=', unit))
        return domain


for _name in FIGURES:
    setattr(StatisticsMixin, _name, _figure_field(_name))
del _name


class AgencyStatistics(StatisticsMixin):
    "Figures per receiving agency (R-REP-1)."
    __name__ = 'gov.report.statistics.agency'
    __string__ = "Statistics per Agency"
    _by = ('agency',)
    agency = fields.Many2One('gov.agency', "Agency", readonly=True)


class ProcedureStatistics(StatisticsMixin):
    "Figures per procedure (R-REP-1, R-CAT-3)."
    __name__ = 'gov.report.statistics.procedure'
    __string__ = "Statistics per Procedure"
    _by = ('procedure',)
    procedure = fields.Many2One('gov.procedure', "Procedure", readonly=True)


class FieldStatistics(StatisticsMixin):
    "Figures per field and sector (R-REP-1)."
    __name__ = 'gov.report.statistics.field'
    __string__ = "Statistics per Field"
    _by = ('sector', 'field')
    sector = fields.Many2One('gov.sector', "Sector", readonly=True)
    field = fields.Many2One('gov.field', "Field", readonly=True)


class MonthStatistics(StatisticsMixin):
    "Figures per month (R-REP-1)."
    __name__ = 'gov.report.statistics.month'
    __string__ = "Statistics per Month"
    _by = ('month',)
    month = fields.Char("Month", readonly=True)


class ChannelStatistics(StatisticsMixin):
    "Figures per channel of reception (R-REP-1)."
    __name__ = 'gov.report.statistics.channel'
    __string__ = "Statistics per Channel"
    _by = ('channel',)
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)


class UnitStatistics(StatisticsMixin):
    "Figures per processing unit: steps handled, on time, late (R-REP-5)."
    __name__ = 'gov.report.statistics.unit'
    __string__ = "Statistics per Unit"
    _by = ('unit',)
    unit = fields.Many2One('gov.agency', "Unit", readonly=True)


class OpenDossiersStart(ModelView):
    "Which figure's dossiers to open."
    __name__ = 'gov.report.statistics.open.start'
    __string__ = "Open the Dossiers of a Figure"
    figure = fields.Selection(
        [(f, LABELS[f]) for f in FIGURES if f != 'online_share'],
        "Figure", required=True, sort=False)

    @classmethod
    def default_figure(cls):
        return 'received'


class OpenDossiers(Wizard):
    "Open the dossiers behind a figure of a statistics row (drill-down)."
    __name__ = 'gov.report.statistics.open'
    start = StateView('gov.report.statistics.open.start',
        'gov_report.statistics_open_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Open", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('gov_dossier.act_dossier_form')

    def do_open_(self, action):
        domain = self.record.drill_domain(self.start.figure)
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        action['name'] = '%s — %s' % (action['name'],
            dict(self.start.fields_get(['figure'])['figure']['selection'])[
                self.start.figure])
        return action, {}
