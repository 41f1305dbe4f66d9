# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The published results of the ratings (R-RATE-2; QĐ 04/2019, Điều
14.3): counts and percentages of the three levels, overall and for each
detail, for the whole province, an agency or a procedure, over a period.

Only counts leave this module: never a comment, never who rated."""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count

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
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = Literal(True)
        if procedure is not None:
            where &= table.procedure == int(procedure)
        if agency is not None:
            where &= table.agency == int(agency)
        if start:
            where &= table.rated_at >= local_day_start(start)
        if end:
            where &= table.rated_at < local_day_start(
                end + dt.timedelta(days=1))
        counts = {}
        for criterion in CRITERIA:
            column = getattr(table, criterion)
            keys = [getattr(table, by)] if by else []
            cursor.execute(*table.select(*keys, column, Count(Literal(1)),
                    where=where & (column != Null),
                    group_by=keys + [column]))
            for row in cursor:
                key = row[0] if by else None
                level, number = row[-2:]
                counts.setdefault(key, {}).setdefault(
                    criterion, {})[level] = number
        if not by:
            return summarize(counts.get(None, {}))
        return {key: summarize(value) for key, value in counts.items()}
