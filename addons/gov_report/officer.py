# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Figures per officer (R-REP-5), input to commendation (Điều 33.2): the
steps of the dossiers (gov_dossier/steps.py) each officer finished in a
period, at which unit, and how many of them on time (early or on time) or
late against the step's own deadline.

The steps counted are those of figures.py's unit_handled, unit_on_time and
unit_late (done, not an inter-agency transfer, finished in the period),
split by the officer who finished them (``gov.dossier.step.user``): the
officers' rows of a unit add up to the unit's figures. A read-only SQL
view (table_query) filtered by a context (the period, a unit), shown as a
list and a graph, as trytond's reporting models are."""
import datetime as dt
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import figures
from .public import local_today


def _first_of_year():
    return dt.date(local_today().year, 1, 1)


class FigureContext(ModelView):
    "The period and unit of the figures per officer."
    __name__ = 'gov.report.officer.figure.context'
    __string__ = "Officer Figures Context"

    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date("To Date", required=True)
    unit = fields.Many2One(
        'gov.agency', "Unit",
        help="Only the steps of this agency and its units.")

    @staticmethod
    def default_from_date():
        return Transaction().context.get('from_date') or _first_of_year()

    @staticmethod
    def default_to_date():
        return Transaction().context.get('to_date') or local_today()

    @staticmethod
    def default_unit():
        return Transaction().context.get('unit')


class OfficerFigure(ModelSQL, ModelView):
    "Steps finished per officer and unit in the period (R-REP-5)."
    __name__ = 'gov.report.officer.figure'
    __string__ = "Figures per Officer"

    officer = fields.Many2One('res.user', "Officer", readonly=True)
    unit = fields.Many2One('gov.agency', "Unit", readonly=True)
    handled = fields.Integer("Handled", readonly=True)
    on_time = fields.Integer(
        "On Time", readonly=True, help="Finished early or on time.")
    late = fields.Integer("Late", readonly=True)
    on_time_rate = fields.Function(fields.Numeric(
            "On Time (%)", digits=(6, 2)), 'get_on_time_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('handled', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Step = pool.get('gov.dossier.step')
        Agency = pool.get('gov.agency')
        step = Step.__table__()
        context = Transaction().context
        from_date = context.get('from_date') or _first_of_year()
        to_date = context.get('to_date') or local_today()
        first, last = figures.bounds(from_date, to_date)
        # The steps of figures.py's unit_* figures, with the officer.
        where = ((step.state == 'done') & (step.kind != 'transfer')
            & (step.user != Null)
            & (step.end_date >= first) & (step.end_date < last))
        if context.get('unit'):
            where &= step.unit.in_(
                list(Agency.subtree_ids([int(context['unit'])])) or [-1])
        on_time = Sum(Case(
                (step.timeliness.in_(['early', 'on_time']), 1), else_=0))
        late = Sum(Case((step.timeliness == 'late', 1), else_=0))
        return step.select(
            Min(step.id).as_('id'),
            Literal(0).as_('create_uid'),
            Min(step.end_date).as_('create_date'),
            Literal(None).as_('write_uid'),
            Max(step.end_date).as_('write_date'),
            step.user.as_('officer'),
            step.unit.as_('unit'),
            Count(step.id).as_('handled'),
            on_time.as_('on_time'),
            late.as_('late'),
            where=where,
            group_by=[step.user, step.unit])

    def get_on_time_rate(self, name):
        if not self.handled:
            return None
        return (Decimal(100) * self.on_time / self.handled).quantize(
            Decimal('0.01'))
