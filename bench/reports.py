"""The benchmarks of the reports (issue #17), beside those of issue #7:

- **figures** — the province's six-monthly statistics through the one
  definition of the figures (gov_report figures.compute): per agency and
  in total, for each of both six-monthly periods of the last complete
  reporting year (15/12 → 14/06 and 15/06 → 14/12: one timing per
  period), after the monthly extraction of the closed months as
  production's cron does it. Compared with today's raw query
  (``statistics``, bench/queries.py, one half-year) in the same run;
- **statistics_page** — the public page ``/thong-ke`` under 20 clients
  (the default period and the last six-monthly and annual periods of the
  province), its figures cached by the page; compared with the empty
  route;
- **annual_xlsx** — the province's annual statutory report as XLSX (the
  report's values, then the file), when gov_report has the statutory
  report.

figures and annual_xlsx run in a child process with the bench's Tryton
configuration (``python -m bench.reports <what> DATABASE REPEAT``), as the
back office would, one at a time; each prints its timings as JSON.
"""
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time

from bench import load
from bench.config import ROOT

# A page answered from the cache reads the agencies and little else.
CACHED_QUERIES = 20
STATISTICS_PAGES = ['/thong-ke', '/thong-ke', '/thong-ke', '/thong-ke',
    '/thong-ke?ky=6-thang', '/thong-ke?ky=ca-nam']


def _pool(database):
    from gov_server import configure
    configure()
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(database)
    pool.init()
    return pool


def _local_today(pool):
    return pool.get('gov.calendar').to_local(dt.datetime.utcnow()).date()


def _semesters(pool):
    """Both six-monthly periods of the last complete reporting year, by
    gov_report's period configuration when it exists."""
    from gov_report import public
    today = _local_today(pool)
    annual = public.last_year(today)
    first = public.reporting_period('semester', annual.end.year)
    second = (first[1] + dt.timedelta(days=1), annual.end)
    return [first, second]


def extract(database):
    """The monthly extraction of every closed month (the cron of
    gov_report), once: the reports of closed months read its facts; then
    the nightly jobs: the count of the past days, the ratings' tally."""
    pool = _pool(database)
    from trytond.transaction import Transaction
    begin = time.perf_counter()
    with Transaction().start(database, 0, context={'language': 'vi'}):
        try:
            Extraction = pool.get('gov.report.extraction')
        except KeyError:
            return {'months': 0, 'seconds': 0}
        # Data generated again: the months already extracted are
        # extracted again (their facts would be the old data's).
        existing = Extraction.search([])
        before = len(existing)
        if existing:
            Extraction.run(existing)
        Extraction.extract_closed_months()
        months = len(Extraction.extracted_months())
        # The nightly count of the past days of the open months: the
        # days of the old data go, then every past day is counted.
        Day = pool.get('gov.report.day')
        Day.delete(Day.search([]))
        Day.count_days()
        days = Day.search_count([])
        # The nightly tally of the final ratings (gov_rating tally.py).
        try:
            pool.get('gov.rating.tally').tally()
        except KeyError:
            pass
        Transaction().commit()
    return {'months': months, 'again': before, 'days': days,
        'seconds': round(time.perf_counter() - begin, 1)}


def figures(database, repeat):
    """figures.compute for the province, per agency and in total (what the
    raw query gives, and what a six-monthly report needs), for each of
    the two six-monthly periods: one timing per period and run."""
    pool = _pool(database)
    from trytond.transaction import Transaction
    from gov_report import figures as definitions
    timings, totals = [], []
    with Transaction().start(database, 0, readonly=True):
        periods = _semesters(pool)
        for index in range(repeat + 1):  # the first run warms the caches
            totals = []
            for start, end in periods:
                t0 = time.perf_counter()
                definitions.compute(start, end, by=('agency',))
                total = definitions.compute(start, end, by=())
                if index:
                    timings.append(time.perf_counter() - t0)
                totals.append(next(iter(total.values()), {}))
    return {'timings': timings,
        'periods': [[str(s), str(e)] for s, e in periods],
        'received': [t.get('received') for t in totals],
        'resolved': [t.get('resolved') for t in totals]}


def annual_xlsx(database, repeat):
    """The province's annual statutory report as XLSX (values + file),
    one timing per run; None when gov_report has no statutory report."""
    pool = _pool(database)
    from trytond.transaction import Transaction
    timings, size = [], None
    with Transaction().start(database, 0, context={'language': 'vi'}):
        try:
            Report = pool.get('gov.report.statutory')
        except KeyError:
            return None
        Agency = pool.get('gov.agency')
        province, = Agency.search([('parent', '=', None)],
            order=[('id', 'ASC')], limit=1)
        from gov_report import public
        year = public.last_year(_local_today(pool)).end.year
        report = Report(scope='province', kind='annual', year=year,
            agency=province, state='draft')
        start, end = Report.period_of('annual', year)
        report.start_date, report.end_date = start, end
        for index in range(repeat + 1):
            t0 = time.perf_counter()
            data = report.to_xlsx()
            if index:
                timings.append(time.perf_counter() - t0)
            size = len(data)
        Transaction().rollback()
    return {'timings': timings, 'year': year, 'bytes': size}


def run_child(what, config, database, repeat, log=None):
    "Run figures / annual_xlsx / extract in a child process: its JSON."
    env = dict(os.environ, TRYTOND_CONFIG=str(config))
    process = subprocess.run([sys.executable, '-m', 'bench.reports', what,
            database, str(repeat)], env=env, cwd=ROOT, capture_output=True,
        text=True)
    if process.returncode != 0:
        if log:
            log(f'   {what} failed: {process.stderr[-1500:]}')
        return {'error': process.stderr.strip().splitlines()[-1:]}
    return json.loads(process.stdout.strip().splitlines()[-1])


def timed_result(name, timings):
    "A load.Result of timings measured one after the other."
    result = load.Result(name, 1)
    for seconds in timings:
        result.add(seconds, None)
    result.elapsed = sum(timings)
    return result


def warm_statistics_page(port, workers):
    """Every worker computes the page's figures before anything is
    measured (a few SQL queries from the cache, not the computation's
    dozens)."""
    load.warm(port, sorted(set(STATISTICS_PAGES)), workers, CACHED_QUERIES)


def statistics_page_client(ctx):
    def make(i):
        rnd = random.Random(600 + i)

        def call():
            r = load.http(ctx['port'], 'GET', rnd.choice(STATISTICS_PAGES))
            if r.status != 200:
                return f'status {r.status}', r.queries
            if b'id="summary-table"' not in r.body:
                return 'no figures', r.queries
            return True, r.queries, None, r.server_ms
        return call
    return make


def ratio_lines(figures):
    "The report benchmarks' ratios, printed under the table."
    lines = []
    page, empty = figures.get('statistics_page'), figures.get('empty', {})
    if page and empty.get('p95_ms'):
        lines.append(f"Statistics page /thong-ke: p95 {page['p95_ms']} ms "
            f"= {page['p95_ms'] / empty['p95_ms']:.1f} × the empty route's "
            f"p95, throughput {page.get('throughput_vs_empty') or 0:.3f} of "
            'the empty route.')
    fig, raw = figures.get('figures'), figures.get('statistics', {})
    if fig and raw.get('p50_ms'):
        lines.append(f"Province's six-monthly statistics by figures.compute "
            f"(per agency and total, each six months): p50 "
            f"{fig['p50_ms']:,.1f} ms = "
            f"{fig['p50_ms'] / raw['p50_ms']:.2f} × today's raw query "
            f"({raw['p50_ms']:,.1f} ms, one half-year, same run).")
    xlsx = figures.get('annual_xlsx')
    if xlsx:
        lines.append(f"Province's annual XLSX: p50 {xlsx['p50_ms']:,.0f} ms "
            f"= {xlsx['p50_ms'] / 10000:.2f} of the 10 s target.")
    return lines


def main(argv):
    what, database, repeat = argv[0], argv[1], int(argv[2])
    result = {'figures': figures, 'annual_xlsx': annual_xlsx,
        'extract': lambda d, r: extract(d)}[what](database, repeat)
    print(json.dumps(result, default=str))


if __name__ == '__main__':
    main(sys.argv[1:])
