# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The monthly extraction of the figures (R-REP-4; Điều 22.5): the facts
of each closed month are written once into gov.report.fact, so that the
reports of closed months read them and do not change when old dossiers are
edited. A monthly cron extracts the months not yet extracted; the
provincial office administrator re-runs a month (its button), each run
kept with who and when (extracted_by / extracted_at and Tryton's model
log)."""
import datetime as dt
import re

from sql import Null
from sql.aggregate import Min

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .figures import (
    AMOUNTS, FINE, LABELS, STORED, half_range, live, month_key, month_range,
    months)

MONTH = re.compile(r'^\d{4}-(0[1-9]|1[0-2])$')


# Days the monthly job waits after a month's end before storing it.
SETTLE_DAYS = 7
# Written by extract() only.
SERVER_FIELDS = {'extracted_at', 'extracted_by', 'runs'}


class Extraction(ModelSQL, ModelView):
    "The facts of one closed month, extracted (R-REP-4)."
    __name__ = 'gov.report.extraction'
    __string__ = "Report Extraction"
    _rec_name = 'month'

    month = fields.Char(
        "Month", required=True, strip=True,
        states={'readonly': Eval('id', -1) >= 0},
        help="The closed month extracted, as YYYY-MM.")
    extracted_at = fields.DateTime("Extracted At", readonly=True)
    extracted_by = fields.Many2One(
        'res.user', "Extracted By", readonly=True, ondelete='RESTRICT')
    runs = fields.Integer("Runs", readonly=True,
        help="How many times the month was extracted.")
    facts = fields.One2Many(
        'gov.report.fact', 'extraction', "Facts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('month_uniq', Unique(t, t.month),
                'gov_report.msg_extraction_month_unique'),
            ]
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'run': {'icon': 'tryton-refresh'},
                })

    @classmethod
    def default_runs(cls):
        return 0

    @classmethod
    def check_modification(cls, mode, extractions, values=None,
            external=False):
        super().check_modification(
            mode, extractions, values=values, external=external)
        # A month marked extracted without its facts would read as zeros.
        if external and (set(values or {}) & SERVER_FIELDS or (
                    mode == 'create' and any(
                        getattr(e, f, None) for e in extractions
                        for f in SERVER_FIELDS - {'runs'}))):
            raise AccessError(gettext('gov_report.msg_report_server_field'))

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'month' not in field_names:
            return
        for record in records:
            if not MONTH.match(record.month or ''):
                raise ValidationError(gettext(
                        'gov_report.msg_extraction_month_format',
                        month=record.month))

    @classmethod
    def extracted_months(cls):
        "The months whose facts are stored."
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.month,
                where=table.extracted_at != Null))
        return {m for m, in cursor}

    @classmethod
    def last_closed_month(cls):
        "The last month whose last local day is before today."
        today = Pool().get('gov.dossier')._today()
        return month_key(today.replace(day=1) - dt.timedelta(days=1))

    @classmethod
    def last_settled_month(cls):
        """The last month closed SETTLE_DAYS ago: an online dossier counts
        as received on the day it was submitted, which the desk confirms
        a few days later; the job waits for them."""
        today = Pool().get('gov.dossier')._today()
        day = today - dt.timedelta(days=SETTLE_DAYS)
        return month_key(day.replace(day=1) - dt.timedelta(days=1))

    @classmethod
    @ModelView.button
    def run(cls, extractions):
        "Extract (again) the facts of these closed months."
        last = cls.last_closed_month()
        for extraction in extractions:
            if extraction.month > last:
                raise ValidationError(gettext(
                        'gov_report.msg_extraction_month_open',
                        month=extraction.month))
        cls.extract(extractions)

    @classmethod
    def extract(cls, extractions):
        """Replace the facts of each extraction's month by the figures
        counted now on the dossiers (figures.live)."""
        pool = Pool()
        Fact = pool.get('gov.report.fact')
        transaction = Transaction()
        now = pool.get('gov.dossier')._now()
        for extraction in extractions:
            Fact.delete(Fact.search([('extraction', '=', extraction.id)]))
            facts = []
            for half in (1, 2):
                first, last = half_range(extraction.month, half)
                for fine, values in live(first, last):
                    fact = dict(zip(FINE, fine), extraction=extraction.id,
                        month=extraction.month, half=half)
                    fact.update({f: values[f] for f in STORED})
                    facts.append(fact)
            if facts:
                Fact.create(facts)
            extraction.extracted_at = now
            extraction.extracted_by = transaction.user or None
            extraction.runs = (extraction.runs or 0) + 1
        cls.save(extractions)
        cls.log(extractions, 'button', 'run')
        # The services' sums read the facts replaced.
        pool.get('gov.report.service.count').forget()

    @classmethod
    def extract_closed_months(cls):
        """Monthly (cron, on the 8th): extract every month settled
        (last_settled_month) not extracted yet, from the month of the first
        dossier received."""
        Dossier = Pool().get('gov.dossier')
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*dossier.select(Min(dossier.received_date)))
        first, = cursor.fetchone()
        if not first:
            return []
        if isinstance(first, str):
            first = dt.datetime.fromisoformat(first)
        last = cls.last_settled_month()
        done = {e.month: e for e in cls.search([])}
        start = first.date().replace(day=1)
        end = month_range(last)[1]
        todo = []
        for month, _, _ in months(start, end):
            extraction = done.get(month)
            if extraction and extraction.extracted_at:
                continue
            todo.append(extraction or cls(month=month))
        if todo:
            cls.save(todo)
            cls.extract(todo)
        return todo


class FactKeys:
    """The keys and figures of a row of facts (gov.report.fact, and
    gov.report.day.fact of daily.py): one agency, procedure (field, sector
    as classified then), channel and unit."""
    __slots__ = ()
    agency = fields.Many2One(
        'gov.agency', "Agency", readonly=True, ondelete='RESTRICT')
    procedure = fields.Many2One(
        'gov.procedure', "Procedure", readonly=True, ondelete='RESTRICT')
    field = fields.Many2One(
        'gov.field', "Field", readonly=True, ondelete='RESTRICT')
    sector = fields.Many2One(
        'gov.sector', "Sector", readonly=True, ondelete='RESTRICT')
    channel = fields.Char("Channel", readonly=True)
    unit = fields.Many2One(
        'gov.agency', "Unit", readonly=True, ondelete='RESTRICT')


class Fact(FactKeys, ModelSQL, ModelView):
    """The figures of one half-month (before / from the 15th) for one
    agency, procedure (field, sector as classified then), channel and unit,
    as extracted (R-REP-4)."""
    __name__ = 'gov.report.fact'
    __string__ = "Report Fact"

    extraction = fields.Many2One(
        'gov.report.extraction', "Extraction", required=True,
        ondelete='CASCADE', readonly=True)
    month = fields.Char("Month", required=True, readonly=True)
    half = fields.Integer("Half", required=True, readonly=True,
        help="1: days 1 to 14 of the month; 2: from the 15th (the "
        "reporting periods start on the 15th).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.month, Index.Equality()),
                    (t.half, Index.Equality()),
                    (t.agency, Index.Equality())),
                Index(t, (t.extraction, Index.Equality())),
                })
        cls._order = [('month', 'DESC'), ('half', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Extraction = pool.get('gov.report.extraction')
        TableHandler = backend.TableHandler
        whole_months = (TableHandler.table_exist(cls._table)
            and not cls.__table_handler__(module).column_exist('half'))
        super().__register__(module)
        if whole_months:
            # Facts of whole months (before the halves): the months are
            # extracted again by the next run of the monthly job.
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            extraction = Extraction.__table__()
            cursor.execute(*table.delete())
            cursor.execute(*extraction.update(
                    [extraction.extracted_at], [Null]))


def _figure_field(name):
    string = LABELS[name]
    if name in AMOUNTS:
        return fields.Numeric(string, digits=(16, 0), readonly=True)
    return fields.Integer(string, readonly=True)


for _name in STORED:
    setattr(FactKeys, _name, _figure_field(_name))
del _name
