"""The SQL the benchmarks run directly through psycopg 3 (the driver trytond
8.0 uses; the issue's "psycopg2" means the raw driver).

- LOOKUP_SQL: the single indexed query behind the public lookup
  (gov.dossier.lookup: the code, unique index, drafts excluded). Its
  latency is the raw limit the portal's lookup is compared with.
- STATISTICS_SQL: the six-monthly statistics of the whole province
  (R-REP-1, R-REP-2), per receiving agency with the province's total
  (ROLLUP): carried over from the previous period, received (online
  share), resolved early / on time / late, in progress at the end of the
  period on time / overdue, results returned, rejected, withdrawn. The
  period is [start, end) in naive UTC, as Tryton stores datetimes; `end_day`
  is the last local day of the period (for the overdue count). No rating
  model exists yet (gov_rating): the ratings column is left out.
"""

LOOKUP_SQL = """
SELECT id, code, state, procedure, agency, current_unit, current_step,
    received_date, due_date, submitter_name, applicant_name, pin, qr_token
FROM gov_dossier
WHERE code = %s AND state <> 'draft'
LIMIT 1
"""

STATISTICS_SQL = """
SELECT a.code AS agency, count(*) FILTER (WHERE d.received_date < %(start)s)
        AS carried_over,
    count(*) FILTER (WHERE d.received_date >= %(start)s) AS received,
    count(*) FILTER (WHERE d.received_date >= %(start)s
        AND d.channel = 'online') AS received_online,
    count(*) FILTER (WHERE d.completed_date >= %(start)s
        AND d.completed_date < %(end)s) AS resolved,
    count(*) FILTER (WHERE d.completed_date >= %(start)s
        AND d.completed_date < %(end)s AND d.timeliness = 'early') AS early,
    count(*) FILTER (WHERE d.completed_date >= %(start)s
        AND d.completed_date < %(end)s AND d.timeliness = 'on_time')
        AS on_time,
    count(*) FILTER (WHERE d.completed_date >= %(start)s
        AND d.completed_date < %(end)s AND d.timeliness = 'late') AS late,
    count(*) FILTER (WHERE (d.completed_date IS NULL
            OR d.completed_date >= %(end)s)
        AND d.state NOT IN ('rejected', 'withdrawn')
        AND d.due_date >= %(end_day)s) AS in_progress_on_time,
    count(*) FILTER (WHERE (d.completed_date IS NULL
            OR d.completed_date >= %(end)s)
        AND d.state NOT IN ('rejected', 'withdrawn')
        AND d.due_date < %(end_day)s) AS in_progress_overdue,
    count(*) FILTER (WHERE d.returned_date >= %(start)s
        AND d.returned_date < %(end)s) AS returned,
    count(*) FILTER (WHERE d.state = 'rejected'
        AND d.received_date >= %(start)s) AS rejected,
    count(*) FILTER (WHERE d.state = 'withdrawn'
        AND d.received_date >= %(start)s) AS withdrawn
FROM gov_dossier d
JOIN gov_agency a ON a.id = d.agency
WHERE d.received_date < %(end)s
    AND (d.received_date >= %(start)s
        OR d.completed_date IS NULL OR d.completed_date >= %(start)s
        OR d.returned_date >= %(start)s)
GROUP BY ROLLUP (a.code)
ORDER BY a.code NULLS LAST
"""


def half_year(today):
    """The last complete half-year before `today` (a local date): start and
    end as naive UTC datetimes and the last local day."""
    import datetime as dt
    if today.month > 6:
        start_day, end_day = dt.date(today.year, 1, 1), dt.date(
            today.year, 7, 1)
    else:
        start_day, end_day = dt.date(today.year - 1, 7, 1), dt.date(
            today.year, 1, 1)
    offset = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh
    return {
        'start': dt.datetime.combine(start_day, dt.time()) - offset,
        'end': dt.datetime.combine(end_day, dt.time()) - offset,
        'end_day': end_day - dt.timedelta(days=1),
        }
