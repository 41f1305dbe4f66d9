# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A service's counts on its portal page (R-CAT-3) from the figures
already counted: at 2 million dossiers, counting the 300,000 dossiers of
the busiest procedure at each view of its page was most of the page's
cost.

Each night, once the past days are counted (daily.py), every service's
dossiers received and resolved early, on time and late from the first
dossier to yesterday are summed from the facts (figures.compute, as the
statistics count them) and kept per national code with the day they go
to. The page adds what happened since, counted on the dossiers
(gov_dossier service_counts.py): the counts are as fresh as a live count.
Whatever makes the counted days stale (daily.Day.invalidate_from) or
extracts a month again forgets the sums: the page counts everything live
until the next night."""
import datetime as dt

from sql.aggregate import Min
from sql.conditionals import Coalesce

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from gov_agency.sql_text import WrittenMoment
from gov_dossier.service_counts import (
    ID, counts_query, run_counts, service_versions)

from .figures import compute, local_start

FIGURES = {'total': 'received', 'early': 'resolved_early',
    'on_time': 'resolved_on_time', 'late': 'resolved_late'}
# Stand for the code and the day summed to in the query (run_counts).
CODE, DAY = object(), object()


class ServiceCount(ModelSQL, ModelView):
    "The dossiers of a service received and resolved up to a past day."
    __name__ = 'gov.report.service.count'
    __string__ = "Service Count"

    code = fields.Char("Code", required=True, readonly=True,
        help="The procedure's national code: all its versions.")
    through = fields.Date("Through", required=True, readonly=True,
        help="The last day counted.")
    received = fields.Integer("Received", readonly=True)
    resolved_early = fields.Integer("Resolved Early", readonly=True)
    resolved_on_time = fields.Integer("Resolved on Time", readonly=True)
    resolved_late = fields.Integer("Resolved Late", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_report.msg_service_count_unique'),
            ]

    @classmethod
    def recount(cls):
        """Sum every service's figures from its first dossier to
        yesterday (after the nightly count of the days)."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Procedure = pool.get('gov.procedure')
        Calendar = pool.get('gov.calendar')
        cls.forget()
        dossier = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*dossier.select(Min(dossier.received_date)))
        first, = cursor.fetchone()
        yesterday = Dossier._today() - dt.timedelta(days=1)
        if first is None:
            return
        if isinstance(first, str):
            first = dt.datetime.fromisoformat(first)
        first = Calendar.to_local(first).date()
        if first > yesterday:
            return
        rows = compute(first, yesterday, by=('procedure',))
        heads = Procedure.browse([h for h, in rows if h])
        cls.create([{
                    'code': head.code,
                    'through': yesterday,
                    **{name: rows[(head.id,)][name]
                        for name in FIGURES.values()},
                    } for head in heads])

    @classmethod
    def forget(cls):
        # In SQL: the ORM's delete would check access the user lacks.
        table = cls.__table__()
        Transaction().connection.cursor().execute(*table.delete())

    @classmethod
    def counted(cls, code, versions, day):
        """The service's sums to `day` (a local date) with what was
        received or resolved since, in one query: {total, early, on_time,
        late}, or None when its sums do not go to that day."""
        table = cls.__table__()
        since = local_start(day + dt.timedelta(days=1))

        def build():
            recent = counts_query([ID] * len(versions), WrittenMoment(since))
            return recent.join(table, 'LEFT',
                condition=(table.code == CODE) & (table.through == DAY)
                ).select(table.id,
                    # No dossier since: the sums are NULL.
                    *(getattr(table, f) + Coalesce(getattr(recent, c), 0)
                        for c, f in FIGURES.items()))
        row = run_counts(('service_count', len(versions)), build, versions,
            {CODE: code, DAY: day}, written=since)
        if row is None or row[0] is None:
            return None
        return dict(zip(FIGURES, (int(v or 0) for v in row[1:])))


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def service_counts(cls, code):
        # One query: the sums to yesterday and the dossiers since (R-CAT-3).
        ServiceCount = Pool().get('gov.report.service.count')
        versions = service_versions(code)
        if versions:
            yesterday = cls._today() - dt.timedelta(days=1)
            counts = ServiceCount.counted(code, versions, yesterday)
            if counts is not None:
                return counts
        return super().service_counts(code)
