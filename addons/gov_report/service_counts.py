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

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .figures import compute, local_start

FIGURES = {'total': 'received', 'early': 'resolved_early',
    'on_time': 'resolved_on_time', 'late': 'resolved_late'}


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
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))

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
        heads = Procedure.browse([h for h, in rows])
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
    def counted(cls, code):
        """(the ids of the versions of the service, the last day counted,
        {total, early, on_time, late}); the day and the counts None when
        not counted."""
        procedure = Pool().get('gov.procedure').__table__()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*procedure.join(table, 'LEFT',
                condition=table.code == procedure.code).select(
                procedure.id, table.through,
                *(getattr(table, f) for f in FIGURES.values()),
                where=procedure.code == code))
        rows = list(cursor)
        ids = [row[0] for row in rows]
        if not rows or rows[0][1] is None:
            return ids, None, None
        _, through, *values = rows[0]
        if isinstance(through, str):
            through = dt.date.fromisoformat(through)
        return ids, through, dict(zip(FIGURES, (int(v or 0) for v in values)))


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # What happened to a service since the day counted: its dossiers
        # received or resolved since then, from these alone (4 → 0.6 ms
        # at 2 million dossiers).
        cls._sql_indexes.update({
                Index(t, (t.procedure, Index.Equality()),
                    (t.received_date, Index.Range())),
                Index(t, (t.procedure, Index.Equality()),
                    (t.completed_date, Index.Range())),
                })

    @classmethod
    def service_counts(cls, code):
        # One query for the versions and their sums, one for the days
        # since (R-CAT-3).
        ServiceCount = Pool().get('gov.report.service.count')
        ids, through, counts = ServiceCount.counted(code)
        if counts is None:
            return cls.count_service(ids)
        recent = cls.count_service(ids,
            since=local_start(through + dt.timedelta(days=1)))
        return {k: v + recent[k] for k, v in counts.items()}
