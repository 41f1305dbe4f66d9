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

from gov_procedure.catalogue_cards import catalogue_cached

TIMELINESS = ('early', 'on_time', 'late')
COLUMNS = ('total',) + TIMELINESS
# Stand for a version's id and the moment counted from, in the queries
# written once per process, database and number of versions (building one
# took more than running it).
ID, SINCE = object(), object()
_queries = {}


def service_versions(code):
    """The ids of every version of the procedure of national code `code`
    (R-CAT-6), kept with the catalogue's cards (forgotten when a
    procedure is created or changed)."""
    def versions():
        procedure = Pool().get('gov.procedure').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*procedure.select(procedure.id,
                where=procedure.code == code))
        return tuple(sorted(i for i, in cursor))
    return catalogue_cached('service_versions', code, versions)


def counts_query(versions, since):
    """The python-sql query of one row (total, early, on_time, late) of
    the dossiers of the procedures `versions` (ids, written in the query
    so that PostgreSQL reads the indexes of these procedures only: a
    subquery made it read every dossier of the procedure, 16 → 0.6 ms at
    2 million): all, or with `since` those received or resolved since
    then."""
    dossier = Pool().get('gov.dossier').__table__()
    where = dossier.procedure.in_(list(versions)) & (dossier.state != 'draft')
    if since is not None:
        received = dossier.received_date >= since
        resolved = dossier.completed_date >= since
        where &= received | resolved
    else:
        # The procedure's index holds these columns: read alone.
        received = dossier.received_date != Null
        resolved = dossier.timeliness != Null
    columns = [Sum(Case((received, Literal(1)), else_=Literal(0))
            ).as_('total')]
    columns += [Sum(Case((resolved & (dossier.timeliness == t), Literal(1)),
                else_=Literal(0))).as_(t)
        for t in TIMELINESS]
    return dossier.select(*columns, where=where)


def run_counts(key, build, versions, placeholders, written=None):
    """Run the query build() once written for key (per process and
    database) with ID standing for each of the versions' ids and the
    other placeholders ({placeholder: value}) replaced; its row. written:
    the value the query's text holds (a WrittenMoment's), the query
    written again when it changes."""
    key = (Transaction().database.name,) + key
    known = _queries.get(key)
    if known is None or known[0] != written:
        query, params = tuple(build())
        _queries[key] = known = (written, query, tuple(params))
    _, query, params = known
    ids = iter(versions)

    def value(param):
        if param is ID:
            return next(ids)
        for placeholder, given in placeholders.items():
            if param is placeholder:
                return given
        return param
    cursor = Transaction().connection.cursor()
    cursor.execute(query, [value(p) for p in params])
    return cursor.fetchone()


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def service_counts(cls, code):
        """{'total': received, 'early', 'on_time', 'late': resolved so} of
        the service of national code `code`, counted now on the dossiers
        of its versions."""
        return cls.count_service(service_versions(code))

    @classmethod
    def count_service(cls, versions, since=None):
        """service_counts of the dossiers of these procedure ids: all of
        them, or with `since` (naive UTC datetime) those received or
        resolved since then."""
        if not versions:
            return dict.fromkeys(COLUMNS, 0)
        row = run_counts(('all' if since is None else 'since',
                len(versions)),
            lambda: counts_query([ID] * len(versions),
                None if since is None else SINCE),
            versions, {SINCE: since})
        return dict(zip(COLUMNS, (int(v or 0) for v in row)))
