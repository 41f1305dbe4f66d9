# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The published results of the ratings (R-RATE-2; QĐ 04/2019, Điều
14.3): counts and percentages of the three levels, overall and for each
detail, for the whole province, an agency or a procedure, over a period.

Only counts leave this module: never a comment, never who rated.

Over all time (no period: the procedure page), the final ratings come
counted from the nightly tally (tally.py) and those given since are
counted live; over a period, all are counted live."""
import datetime as dt

from sql import Column, Literal, Union
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case, Coalesce

from trytond.pool import Pool
from trytond.transaction import Transaction

from .levels import CRITERIA, LEVEL_KEYS

# The counted columns: per criterion, its ratings then those of each level.
COUNTS = [name for criterion in CRITERIA
    for name in [f'{criterion}_count'] + [
        f'{criterion}_{level}' for level in LEVEL_KEYS]]
# Before any rating: the start of the live count without a tally.
BEFORE_ALL = dt.datetime(1900, 1, 1)


def count_columns(table):
    """The Count expressions of the ratings' table, in the order of
    COUNTS: a criterion's ratings (the column not null) and those of each
    level."""
    columns = []
    for criterion in CRITERIA:
        column = getattr(table, criterion)
        columns.append(Count(column))
        columns += [Count(Case((column == level, Literal(1))))
            for level in LEVEL_KEYS]
    return columns


def percentages(counts):
    """Whole percentages of counts summing to 100 (largest remainders);
    all 0 when there is nothing to count."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    exact = [100 * c / total for c in counts]
    whole = [int(e) for e in exact]
    rest = sorted(range(len(counts)), key=lambda i: whole[i] - exact[i])
    for i in rest[:100 - sum(whole)]:
        whole[i] += 1
    return whole


def summarize(counts):
    """{'count': ratings, criterion: {'count': n, 'levels': {level:
    {'count': n, 'percent': p}}}} of {criterion: {level: n}}."""
    result = {'count': sum(counts.get('overall', {}).values())}
    for criterion in CRITERIA:
        by_level = counts.get(criterion, {})
        numbers = [by_level.get(level, 0) for level in LEVEL_KEYS]
        result[criterion] = {
            'count': sum(numbers),
            'levels': {level: {'count': n, 'percent': p}
                for level, n, p in zip(
                    LEVEL_KEYS, numbers, percentages(numbers))},
            }
    return result


def local_day_start(day):
    """The naive UTC datetime of the start of day in the province's time
    (gov.calendar's timezone)."""
    Calendar = Pool().get('gov.calendar')
    moment = dt.datetime.combine(day, dt.time(12))
    offset = Calendar.to_local(moment) - moment
    return dt.datetime.combine(day, dt.time()) - offset


class RatingAggregateMixin:
    __slots__ = ()

    @classmethod
    def aggregates(cls, by=None, procedure=None, agency=None, start=None,
            end=None):
        """The results of the ratings (R-RATE-2), of a procedure and/or an
        agency (records or ids), rated from the day start to the day end
        included (dates, the province's time).

        by None: one summary (see summarize); by 'agency' or 'procedure':
        {id: summary} of those rated. Counted in SQL, whatever the
        reader's access: counts are public."""
        values = {}
        if procedure is not None:
            values[_PROCEDURE] = int(procedure)
        if agency is not None:
            values[_AGENCY] = int(agency)
        if start:
            values[_START] = local_day_start(start)
        if end:
            values[_END] = local_day_start(end + dt.timedelta(days=1))
        if not start and not end:
            values[_FROZEN] = Pool().get('gov.rating.tally').frozen()
        query, params = cls._aggregates_query(by, tuple(values))
        cursor = Transaction().connection.cursor()
        cursor.execute(query, [values.get(p, p) for p in params])
        keys = [by] if by else []
        counts = {}
        width = 1 + len(LEVEL_KEYS)
        for row in cursor:
            key = row[0] if by else None
            # Sums are numeric on PostgreSQL, null without a row.
            numbers = [int(n or 0) for n in row[len(keys):]]
            for i, criterion in enumerate(CRITERIA):
                total, *by_level = numbers[i * width:(i + 1) * width]
                if not total:
                    continue
                levels = {level: number
                    for level, number in zip(LEVEL_KEYS, by_level)
                    if number}
                if total > sum(levels.values()):
                    # A value outside the levels counts in the total only.
                    levels[None] = total - sum(levels.values())
                counts.setdefault(key, {})[criterion] = levels
        if not by:
            return summarize(counts.get(None, {}))
        return {key: summarize(value) for key, value in counts.items()}

    @classmethod
    def _aggregates_query(cls, by, filters):
        """(text, params) of aggregates' query grouped by `by` with the
        filters named (_PROCEDURE, _AGENCY, _START, _END, _FROZEN: they
        stand for their values in params), written once per process and
        database (building it took longer than running it). The four
        criteria are counted in one query: per criterion, its ratings
        (Count of the column: not null) and those of each level. With
        _FROZEN (no period): the tally and the ratings given since."""
        key = (Transaction().database.name, cls.__name__, by, filters)
        if key not in _queries:
            if _FROZEN in filters:
                query = cls._all_time_query(by, filters)
            else:
                query = cls._live_query(by, filters)
            query, params = tuple(query)
            _queries[key] = (query, tuple(params))
        return _queries[key]

    @classmethod
    def _where(cls, table, filters):
        conditions = {
            _PROCEDURE: lambda: table.procedure == _PROCEDURE,
            _AGENCY: lambda: table.agency == _AGENCY,
            _START: lambda: table.rated_at >= _START,
            _END: lambda: table.rated_at < _END,
            }
        where = Literal(True)
        for name in filters:
            if name in conditions:
                where &= conditions[name]()
        return where

    @classmethod
    def _live_query(cls, by, filters, since=None):
        "The ratings counted one by one (given since, if given)."
        table = cls.__table__()
        where = cls._where(table, filters)
        if since is not None:
            where &= table.rated_at >= since
        keys = [getattr(table, by)] if by else []
        return table.select(*keys, *count_columns(table), where=where,
            group_by=keys or None)

    @classmethod
    def _all_time_query(cls, by, filters):
        """The tally's rows of the final ratings (the nightly one, unless
        made inside the change period), plus the ratings given since its
        moment counted live, summed."""
        Tally = Pool().get('gov.rating.tally')
        tally, moment = Tally.__table__(), Tally.__table__()
        usable = tally.until <= _FROZEN
        since = moment.select(Max(moment.until),
            where=moment.until <= _FROZEN)
        keys = [by] if by else []
        counted = tally.select(
            *[getattr(tally, k) for k in keys],
            *[getattr(tally, name) for name in COUNTS],
            where=cls._where(tally, filters) & usable)
        live = cls._live_query(by, filters,
            since=Coalesce(since, BEFORE_ALL))
        both = Union(counted, live, all_=True)
        columns = [Column(both, k) for k in keys]
        return both.select(*columns,
            *[Sum(Column(both, name)) for name in COUNTS],
            group_by=columns or None)


# Stand for the filters' values in the text of aggregates' queries.
_PROCEDURE, _AGENCY, _START, _END, _FROZEN = (
    object() for _ in range(5))
_queries = {}
