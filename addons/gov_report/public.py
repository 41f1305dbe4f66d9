# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the public statistics show (R-REP-1, R-CAT-3, R-RATE-2): the
periods a visitor may choose and the figures of figures.compute, cached.

Nothing here defines a figure: every number is figures.compute's. This
module only chooses the periods, keeps the computed figures for a few
minutes (the page is public and must stay fast at two million dossiers)
and derives the rates shown beside the counts.

Periods (local days, both included):

- the current reporting year to date (from 15 December of the previous
  year, Điều 24.9 / 32 of QĐ 04/2019: the annual report covers 15 December
  to 14 December);
- the last complete six-monthly period (15 December → 14 June) and the
  last complete annual period (15 December → 14 December);
- the calendar months of the last year, the current one to date.
"""
import datetime as dt
from collections import namedtuple

from trytond.cache import Cache
from trytond.pool import Pool

# Long enough for 20 clients to be served from memory, short enough that
# a dossier resolved now shows on the page within minutes.
CACHE_MINUTES = 5
_figures_cache = Cache('gov_report.public_figures',
    duration=dt.timedelta(minutes=CACHE_MINUTES), context=False)

MONTHS = 12
Period = namedtuple('Period', ['key', 'kind', 'start', 'end'])


def local_today():
    "Today in the province (Asia/Ho_Chi_Minh by the working calendar)."
    Calendar = Pool().get('gov.calendar')
    return Calendar.to_local(dt.datetime.utcnow()).date()


def reporting_period(kind, year):
    """(start, end) of the statutory report of kind ('semester', 'annual')
    of year: the provincial office's configured days (period.py), the
    national defaults (15/12 → 14/06, 15/12 → 14/12) without it."""
    try:
        Configuration = Pool().get('gov.report.period.configuration')
    except KeyError:
        end = dt.date(year, 6, 14) if kind == 'semester' \
            else dt.date(year, 12, 14)
        return dt.date(year - 1, 12, 15), end
    return Configuration.period(kind, year)


def last_complete(kind, key, today):
    "The last period of kind ended before today."
    start, end = reporting_period(kind, today.year)
    if end >= today:
        start, end = reporting_period(kind, today.year - 1)
    return Period(key, kind, start, end)


def last_six_months(today):
    "The last complete six-monthly period (default 15/12 → 14/06)."
    return last_complete('semester', '6-thang', today)


def last_year(today):
    "The last complete annual period (default 15/12 → 14/12)."
    return last_complete('annual', 'ca-nam', today)


def current_year(today):
    "The reporting year holding today, from its first day to today."
    start, end = reporting_period('annual', today.year)
    if end < today:
        start, _ = reporting_period('annual', today.year + 1)
    return Period('nam', 'year_to_date', start, today)


def month_period(year, month, today):
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    end = min(following - dt.timedelta(days=1), today)
    return Period(f'{year:04d}-{month:02d}', 'month', start, end)


def months(today, count=MONTHS):
    "The last count months, oldest first, the current one to date."
    result = []
    year, month = today.year, today.month
    for _ in range(count):
        result.append(month_period(year, month, today))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def periods(today):
    "Every period a visitor may choose, the default first."
    return ([current_year(today), last_six_months(today), last_year(today)]
        + months(today)[::-1])


def compute(start, end, agencies=None, by=('agency',)):
    """figures.compute, kept CACHE_MINUTES in each server process (Tryton's
    Cache: per database, shared by every visitor and language)."""
    from . import figures
    key = (start.isoformat(), end.isoformat(),
        tuple(sorted(agencies)) if agencies else None, tuple(by))
    result = _figures_cache.get(key)
    if result is None:
        result = figures.compute(start, end, agencies=agencies, by=by)
        result = _figures_cache.set(key, {k: dict(v)
                for k, v in result.items()})
    return result


def total_of(rows):
    """The total of the rows of by_agency: every dossier has one receiving
    agency, so each figure of the whole is the sum of the agencies' (the
    derived ones derived again by figures.derive): one computation less
    for the page than compute(by=())."""
    from . import figures
    result = {}
    for values in rows.values():
        for name, value in values.items():
            if name not in figures.DERIVED:
                result[name] = result.get(name, 0) + value
    return figures.derive(result) if result else {}


def by_agency(start, end, agencies=None):
    "{agency id: figures} of the receiving agencies."
    return {key[0]: values for key, values in compute(start, end,
            agencies=agencies, by=('agency',)).items() if key}


def by_procedure(start, end):
    "{procedure id: figures}, all procedures at once (one cached query)."
    return {key[0]: values for key, values in compute(start, end,
            by=('procedure',)).items() if key}


def by_month(start, end, agencies=None):
    "{'YYYY-MM': figures} of the months of [start, end] (one query)."
    return {key[0]: values for key, values in compute(start, end,
            agencies=agencies, by=('month',)).items() if key}


def rates(values):
    """The shares shown beside the counts, in percent with one decimal
    (None when there is nothing to divide): on time = early + on time
    among the resolved; online among the received; satisfied among the
    ratings."""
    def share(part, whole):
        if not whole:
            return None
        return round(100.0 * part / whole, 1)
    resolved = values.get('resolved') or 0
    return {
        'on_time': share((values.get('resolved_early') or 0)
            + (values.get('resolved_on_time') or 0), resolved),
        'online': share(values.get('received_online') or 0,
            values.get('received') or 0),
        'satisfied': share(values.get('ratings_satisfied') or 0,
            values.get('ratings') or 0),
        }


def format_percent(value):
    "95.3 → '95,3%' (Vietnamese decimal comma); None → '—'."
    if value is None:
        return '—'
    return ('%.1f' % value).replace('.', ',') + '%'
