# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""How often a service was used and how its dossiers were resolved
(R-CAT-3, Điều 7.2.b): the dossiers received, and those resolved early,
on time and late, of every version of a procedure (R-CAT-6: the service
is its national code). The portal's procedure page asks
gov.dossier.service_counts; gov_report answers the days it has counted
from its facts and asks this module only for the days since.

A dossier counts as the statistics count it (gov_report figures.py):
received when it has a received date, resolved by the timeliness its
completion gave it."""
from sql import Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

TIMELINESS = ('early', 'on_time', 'late')
# Stand for a version's id and the moment counted from, in the queries
# written once per process, database and number of versions (building one
# took more than running it).
_ID, _SINCE = object(), object()
_queries = {}


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def service_counts(cls, code):
        """{'total': received, 'early', 'on_time', 'late': resolved so} of
        the service of national code `code`, counted now on the dossiers
        of its versions."""
        procedure = Pool().get('gov.procedure').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*procedure.select(procedure.id,
                where=procedure.code == code))
        return cls.count_service([i for i, in cursor])

    @classmethod
    def count_service(cls, procedures, since=None):
        """service_counts of the dossiers of these procedure ids: all of
        them, or with `since` (naive UTC datetime) those received or
        resolved since then."""
        if not procedures:
            return dict.fromkeys(TIMELINESS + ('total',), 0)
        # The ids written in the query, so that PostgreSQL reads the
        # indexes of these procedures only (a subquery made it read all
        # the dossiers of the procedure: 16 → 0.6 ms at 2 million).
        query, params = _query(Transaction().database.name,
            len(procedures), since is not None)
        ids = iter(procedures)
        cursor = Transaction().connection.cursor()
        cursor.execute(query, [next(ids) if p is _ID
                else since if p is _SINCE else p for p in params])
        total, *counts = (int(v or 0) for v in cursor.fetchone())
        return dict(zip(TIMELINESS, counts), total=total)


def _query(database, versions, since):
    key = (database, versions, since)
    if key not in _queries:
        dossier = Pool().get('gov.dossier').__table__()
        where = (dossier.procedure.in_([_ID] * versions)
            & (dossier.state != 'draft'))
        if since:
            received = dossier.received_date >= _SINCE
            resolved = dossier.completed_date >= _SINCE
            where &= received | resolved
        else:
            # The procedure's index holds these columns: read alone.
            received = dossier.received_date != Null
            resolved = dossier.timeliness != Null
        columns = [Sum(Case((received, Literal(1)), else_=Literal(0)))]
        columns += [Sum(Case((resolved & (dossier.timeliness == t),
                        Literal(1)), else_=Literal(0)))
            for t in TIMELINESS]
        query, params = tuple(dossier.select(*columns, where=where))
        _queries[key] = (query, tuple(params))
    return _queries[key]
