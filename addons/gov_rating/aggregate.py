# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The published results of the ratings (R-RATE-2; QĐ 04/2019, Điều
14.3): counts and percentages of the three levels, overall and for each
detail, for the whole province, an agency or a procedure, over a period.

Only counts leave this module: never a comment, never who rated."""
import datetime as dt

from sql import Literal
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.pool import Pool
from trytond.transaction import Transaction

from .levels import CRITERIA, LEVEL_KEYS


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
        query, params = cls._aggregates_query(by, tuple(values))
        cursor = Transaction().connection.cursor()
        cursor.execute(query, [values.get(p, p) for p in params])
        keys = [by] if by else []
        counts = {}
        width = 1 + len(LEVEL_KEYS)
        for row in cursor:
            key = row[0] if by else None
            numbers = row[len(keys):]
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
        filters named (_PROCEDURE, _AGENCY, _START, _END: they stand for
        their values in params), written once per process and database
        (building it took longer than running it). The four criteria are
        counted in one query: per criterion, its ratings (Count of the
        column: not null) and those of each level."""
        key = (Transaction().database.name, cls.__name__, by, filters)
        if key not in _queries:
            table = cls.__table__()
            conditions = {
                _PROCEDURE: table.procedure == _PROCEDURE,
                _AGENCY: table.agency == _AGENCY,
                _START: table.rated_at >= _START,
                _END: table.rated_at < _END,
                }
            where = Literal(True)
            for name in filters:
                where &= conditions[name]
            keys = [getattr(table, by)] if by else []
            columns = []
            for criterion in CRITERIA:
                column = getattr(table, criterion)
                columns.append(Count(column))
                columns += [Count(Case((column == level, Literal(1))))
                    for level in LEVEL_KEYS]
            query, params = tuple(table.select(*keys, *columns, where=where,
                    group_by=keys or None))
            _queries[key] = (query, tuple(params))
        return _queries[key]


# Stand for the filters' values in the text of aggregates' queries.
_PROCEDURE, _AGENCY, _START, _END = (object() for _ in range(4))
_queries = {}
