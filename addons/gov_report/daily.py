# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The figures of each past day of the months not yet settled, counted
once (R-REP-4, Điều 22.5), so that a leader's statistics count only today
on the dossiers: at 2 million dossiers, counting the 38 days since the
last settled month took a second at each opening, twice per opening
(sao's search, then read).

A nightly job counts every past day of those months not counted yet
(figures.live of that day). A day's figures stay as counted, like a
settled month's facts — a dossier moved to another unit afterwards still
counts there in the figures of that day — except when something is
entered with a date of that day or before: a dossier backfilled or
corrected, a step, a history event, a payment or a rating dated in the
past; the days from that date on are then counted live again until the
next night (invalidate_from)."""
import datetime as dt

from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .extraction import FactKeys
from .figures import (
    CLOSING, FINE, OPENING, STORED, live, local_start, month_range,
    sum_facts)


def today():
    return Pool().get('gov.dossier')._today()


class Day(ModelSQL, ModelView):
    "A past day whose figures are counted (gov.report.day.fact)."
    __name__ = 'gov.report.day'
    __string__ = "Report Day"

    day = fields.Date("Day", required=True, readonly=True)
    counted_at = fields.DateTime("Counted At", readonly=True)
    facts = fields.One2Many(
        'gov.report.day.fact', 'day', "Facts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('day_uniq', Unique(t, t.day), 'gov_report.msg_day_unique'),
            ]
        cls._order = [('day', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return self.day.isoformat() if self.day else str(self.id)

    @classmethod
    def counted_days(cls, start, end):
        "The days of [start, end] whose figures are counted."
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.day,
                where=(table.day >= start) & (table.day <= end)))
        return {d if isinstance(d, dt.date) else dt.date.fromisoformat(d)
            for d, in cursor}

    @classmethod
    def days_to_count(cls):
        """The past days of the months not settled yet (those the
        monthly extraction has not stored), from the first day after the
        last settled month to yesterday."""
        Extraction = Pool().get('gov.report.extraction')
        first = month_range(Extraction.last_settled_month())[1] \
            + dt.timedelta(days=1)
        last = today() - dt.timedelta(days=1)
        days = []
        while first <= last:
            days.append(first)
            first += dt.timedelta(days=1)
        return days

    @classmethod
    def count_days(cls):
        """Nightly (cron): count the figures of every past day not
        counted yet; forget the days of the months settled since."""
        pool = Pool()
        Fact = pool.get('gov.report.day.fact')
        days = cls.days_to_count()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        if days:
            # The settled months read the extraction: their days go.
            cursor.execute(*table.delete(where=table.day < days[0]))
        counted = cls.counted_days(days[0], days[-1]) if days else set()
        now = pool.get('gov.dossier')._now()
        for day in days:
            if day in counted:
                continue
            record, = cls.create([{'day': day, 'counted_at': now}])
            facts = []
            for fine, values in live(day, day):
                fact = dict(zip(FINE, fine), day=record.id, date=day)
                fact.update({f: values[f] for f in STORED})
                facts.append(fact)
            if facts:
                Fact.create(facts)
        # The services' counts on the portal, to yesterday (R-CAT-3).
        pool.get('gov.report.service.count').recount()

    @classmethod
    def invalidate_from(cls, moments):
        """Something was entered with these dates (naive UTC datetimes or
        local dates): the counted days from the earliest one on are
        counted live again until the next night."""
        if not moments:
            return
        start = local_start(today())
        Calendar = Pool().get('gov.calendar')
        days = []
        for moment in moments:
            if isinstance(moment, dt.datetime):
                if moment < start:
                    days.append(Calendar.to_local(moment).date())
            elif isinstance(moment, dt.date) and moment < today():
                days.append(moment)
        if not days:
            return
        table = cls.__table__()
        fact = Pool().get('gov.report.day.fact').__table__()
        cursor = Transaction().connection.cursor()
        # In SQL: the ORM's delete would check access the user lacks.
        cursor.execute(*fact.delete(where=fact.date >= min(days)))
        cursor.execute(*table.delete(where=table.day >= min(days)))
        # The services' sums include these days: counted live until the
        # next night.
        Pool().get('gov.report.service.count').forget()


class DayFact(FactKeys, ModelSQL, ModelView):
    """The figures of one counted day for one agency, procedure (field,
    sector as classified then), channel and unit."""
    __name__ = 'gov.report.day.fact'
    __string__ = "Report Day Fact"

    day = fields.Many2One('gov.report.day', "Day", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.Date("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range()),
                    (t.agency, Index.Equality())),
                Index(t, (t.day, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'ASC')]


def read_days(first, last, ids, by=FINE, filters=None):
    """The counted figures of the days [first, last] (all counted), summed
    in SQL by the keys of `by` like figures.read_facts: the flows of every
    day, the opening stocks of the first day, the closing ones of the
    last."""
    table = Pool().get('gov.report.day.fact').__table__()

    def total(name):
        column = getattr(table, name)
        if name in OPENING:
            column = Case((table.date == first, column), else_=0)
        elif name in CLOSING:
            column = Case((table.date == last, column), else_=0)
        return Sum(column)
    return sum_facts(table, (table.date >= first) & (table.date <= last),
        ids, by, filters, total)


# ------------------------------------------------ what makes a day stale
class _Invalidating:
    """create and write of a model whose `_report_dates` feed the figures:
    a date before today makes the counted days from it live again."""
    __slots__ = ()
    _report_dates = ()

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Pool().get('gov.report.day').invalidate_from(
            [v[f] for v in vlist for f in cls._report_dates if v.get(f)])
        return records

    @classmethod
    def write(cls, *args):
        moments = []
        actions = iter(args)
        for records, values in zip(actions, actions):
            touched = [f for f in cls._report_dates if f in values]
            moments.extend(values[f] for f in touched if values[f])
            # The date a record had counts too: the day it leaves.
            moments.extend(getattr(r, f) for r in records for f in touched
                if getattr(r, f))
        super().write(*args)
        Pool().get('gov.report.day').invalidate_from(moments)


class Dossier(_Invalidating, metaclass=PoolMeta):
    __name__ = 'gov.dossier'
    # Not due_date nor suspended_date: a due date moved or a suspension
    # today leaves a past day's stocks as they were that day.
    _report_dates = ('received_date', 'completed_date', 'returned_date')


class DossierHistory(_Invalidating, metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'
    _report_dates = ('date',)


class DossierStep(_Invalidating, metaclass=PoolMeta):
    __name__ = 'gov.dossier.step'
    _report_dates = ('end_date',)


class Payment(_Invalidating, metaclass=PoolMeta):
    __name__ = 'gov.fee.payment'
    _report_dates = ('paid_date',)


class Rating(_Invalidating, metaclass=PoolMeta):
    __name__ = 'gov.rating'
    _report_dates = ('rated_at',)
