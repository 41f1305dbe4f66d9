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
import fcntl
import hashlib
import json
import os
import tempfile
from collections import namedtuple
from decimal import Decimal

from trytond import config
from trytond.pool import Pool
from trytond.transaction import Transaction


class TimedCache:
    """Values kept `minutes` in this server process, per database (the
    page's body, the agencies' names, the periods of the day).

    Not trytond's Cache: on PostgreSQL its listener empties every cache
    shortly after a worker starts, and what the worker's first
    transactions store is dropped (measured with the benchmark: a worker
    computed the same figures three times). Nothing here needs to be
    invalidated before it expires: the figures of a period are allowed to
    be a few minutes old (doc/public.rst)."""

    def __init__(self, minutes, size=2048):
        self.minutes = minutes
        self.size = size
        self._values = {}

    @property
    def duration(self):
        # [gov_report] public_cache_minutes caps every cache of the page
        # (0: none — the tests' server, whose data changes under it).
        cap = config.getfloat('gov_report', 'public_cache_minutes',
            default=None)
        minutes = self.minutes if cap is None else min(self.minutes, cap)
        return dt.timedelta(minutes=minutes)

    def get(self, key):
        key = (Transaction().database.name, key)
        expire, value = self._values.get(key, (None, None))
        if expire is None or expire < dt.datetime.now():
            return None
        return value

    def set(self, key, value, expire=None):
        if len(self._values) >= self.size:
            # The oldest first: dictionaries keep their insertion order.
            for old in list(self._values)[:self.size // 4]:
                self._values.pop(old, None)
        key = (Transaction().database.name, key)
        self._values.pop(key, None)
        self._values[key] = (
            expire or dt.datetime.now() + self.duration, value)
        return value


class SharedFigures(TimedCache):
    """Answers of figures.compute kept `minutes`, in memory and in a small
    JSON file shared by the server's processes: a gunicorn worker that
    starts (they are recycled every 2,000 requests) reads what another
    computed instead of computing it again, and one process computes a
    key at a time (a lock file), the others wait and read its answer.

    The folder is [gov_report] public_cache, by default
    <[database] path>/gov_report_public/<database>."""

    def folder(self):
        root = config.get('gov_report', 'public_cache', default=None) or \
            os.path.join(config.get('database', 'path')
                or tempfile.gettempdir(), 'gov_report_public')
        folder = os.path.join(root, Transaction().database.name)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        return folder

    def get_or_compute(self, key, compute):
        value = self.get(key)
        if value is not None:
            return value
        path = os.path.join(self.folder(), hashlib.sha256(
                repr(key).encode()).hexdigest()[:40] + '.json')
        found = self._read(path)
        if found is None:
            with open(path + '.lock', 'a') as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    found = self._read(path)  # computed while we waited
                    if found is None:
                        found = (dt.datetime.now() + self.duration,
                            compute())
                        self._write(path, *found)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
        expire, value = found
        return self.set(key, value, expire=expire)

    @staticmethod
    def _read(path):
        "(expiry, {key: figures}) of the file, None when absent or old."
        try:
            with open(path, encoding='utf-8') as file:
                data = json.load(file)
        except (OSError, ValueError):
            return None
        expire = dt.datetime.fromisoformat(data['expire'])
        if expire < dt.datetime.now():
            return None
        return expire, {tuple(k): {n: Decimal(v) if isinstance(v, str) else v
                    for n, v in values.items()}
            for k, values in data['rows']}

    @staticmethod
    def _write(path, expire, result):
        "Write atomically: readers see the old file or the new one."
        rows = [[list(k), {n: str(v) if isinstance(v, Decimal) else v
                    for n, v in values.items()}]
            for k, values in result.items()]
        temporary = '%s.%s.tmp' % (path, os.getpid())
        with open(temporary, 'w', encoding='utf-8') as file:
            json.dump({'expire': expire.isoformat(), 'rows': rows}, file)
        os.replace(temporary, path)


# Long enough for 20 clients to be served from memory, short enough that
# a dossier resolved now shows on the page within minutes.
CACHE_MINUTES = 5
_figures_cache = SharedFigures(CACHE_MINUTES)

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
    """figures.compute, kept CACHE_MINUTES for every process of the server
    (SharedFigures: per database, shared by every visitor and
    language)."""
    from . import figures
    key = (start.isoformat(), end.isoformat(),
        tuple(sorted(agencies)) if agencies else None, tuple(by))
    return _figures_cache.get_or_compute(key, lambda: figures.compute(
            start, end, agencies=agencies, by=by))


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
