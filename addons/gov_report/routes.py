# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public statistics on the portal (R-REP-1, R-CAT-3, R-RATE-2).

``/thong-ke``
    the province's and each receiving agency's figures for a period (the
    current reporting year to date, the last six-monthly and annual
    periods, a month), optionally for one agency and its units: counts,
    on-time rate, online share and the share of satisfied ratings; a chart
    of the last twelve months drawn by Chart.js with the same figures in a
    table for screen readers. Counts only: no applicant, no dossier code.
``/thong-ke/tep/<name>``
    the page's script and style, and Chart.js (npm, fetched into
    var/chart.js by scripts/bootstrap.sh): the portal's CSP allows only
    scripts and styles of the site itself.

The procedure page shows the procedure's counts (report_procedure.html)
through the template global ``procedure_statistics``. Every number comes
from figures.compute, kept a few minutes in memory (public.py)."""
import json
import mimetypes
from pathlib import Path

from markupsafe import Markup

from trytond import config
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction

from gov_agency.l10n import format_date, group_digits
from gov_agency.portal import portal_route
from gov_portal.web import ENV, PageError, add_template_folder, page

from . import public

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
add_template_folder(HERE / 'templates')

# The files the page loads from /thong-ke/tep/: its own, and Chart.js's
# UMD build as npm publishes it (never copied into the repository).
ASSETS = {
    'thong-ke.js': HERE / 'static' / 'thong-ke.js',
    'thong-ke.css': HERE / 'static' / 'thong-ke.css',
    'chart.umd.min.js': Path(config.get('gov', 'chart_js', default=str(
                ROOT / 'var' / 'chart.js' / 'dist' / 'chart.umd.min.js'))),
    }
# Kinds of agencies that receive no dossier of their own: not offered in
# the filter (their dossiers count with their parent agency).
HIDDEN_KINDS = {'unit', 'one_stop_desk', 'postal'}
# The counts of the tables, in the order of the columns (figures.py's
# names); the rates are computed beside them (public.rates).
COLUMNS = ['received', 'received_online', 'resolved', 'resolved_early',
    'resolved_on_time', 'resolved_late', 'in_progress_on_time',
    'in_progress_overdue', 'returned', 'withdrawn', 'rejected']
# The Vietnamese words of the portal for the figures (English in
# gov_portal/i18n/en.po).
LABELS = {
    'carried_over': 'Kỳ trước chuyển qua',
    'received': 'Tiếp nhận',
    'received_online': 'Tiếp nhận trực tuyến',
    'resolved': 'Đã giải quyết',
    'resolved_early': 'Giải quyết trước hạn',
    'resolved_on_time': 'Giải quyết đúng hạn',
    'resolved_late': 'Giải quyết quá hạn',
    'in_progress_on_time': 'Đang giải quyết trong hạn',
    'in_progress_overdue': 'Đang giải quyết quá hạn',
    'returned': 'Đã trả kết quả',
    'withdrawn': 'Rút hồ sơ',
    'rejected': 'Từ chối',
    }


def asset_version(name):
    path = ASSETS[name]
    try:
        return '%x' % int(path.stat().st_mtime)
    except OSError:
        return '0'


@portal_route('/thong-ke/tep/<name>', methods={'GET', 'HEAD'})
def asset(request, pool, name):
    "The page's script and style and Chart.js, cacheable for a year."
    path = ASSETS.get(name)
    if path is None or not path.is_file():
        from gov_portal.web import error_response
        return error_response(request, 404)
    content_type = mimetypes.guess_type(name)[0] or 'text/plain'
    response = Response(path.read_bytes(),
        content_type=content_type + '; charset=utf-8')
    response.headers['Cache-Control'] = (
        'public, max-age=31536000, immutable' if request.args.get('v')
        else 'public, max-age=300')
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


def number(value):
    "1234 → '1.234' (R-L10N-1)."
    return group_digits(value or 0)


def report_activated():
    """Whether gov_report is activated in this database: its blocks on the
    portal's pages render only then (a module's code is loaded for every
    database of the server). Read once per process and database; False
    outside a transaction (the error pages of gov_portal.web)."""
    if Transaction().database is None:
        return False
    pool = Pool()
    activated = _activated.get(pool.database_name)
    if activated is None:
        Module = pool.get('ir.module')
        activated = bool(Module.search([
                    ('name', '=', 'gov_report'),
                    ('state', '=', 'activated'),
                    ], limit=1))
        _activated[pool.database_name] = activated
    return activated


_activated = {}


def procedure_statistics(procedure):
    """The procedure's counts for the procedure page (R-CAT-3): for the
    current reporting year to date and the last annual period, how many
    dossiers were received and resolved early, on time and late. None
    when the figures cannot be computed (module not activated)."""
    try:
        today = public.local_today()
        rows = []
        for period in [public.periods(today)[0], public.last_year(today)]:
            values = public.by_procedure(period.start, period.end).get(
                procedure.id, {})
            rows.append((period, values, public.rates(values)))
        return rows
    except KeyError:
        return None


ENV.globals.update(
    report_activated=report_activated,
    procedure_statistics=procedure_statistics,
    statistics_labels=LABELS,
    statistics_percent=public.format_percent,
    statistics_number=number,
    )


def period_text(portal, period):
    "The words of a period in the filter and the headings."
    span = portal._('%(start)s – %(end)s', start=format_date(period.start),
        end=format_date(period.end))
    if period.kind == 'year_to_date':
        return portal._('Năm %(year)s đến nay (%(span)s)',
            year=public.last_year(period.end).end.year + 1, span=span)
    if period.kind == 'semester':
        return portal._('6 tháng đầu năm %(year)s (%(span)s)',
            year=period.end.year, span=span)
    if period.kind == 'annual':
        return portal._('Cả năm %(year)s (%(span)s)', year=period.end.year,
            span=span)
    return portal._('Tháng %(month)s', month=period.start.strftime('%m/%Y'))


def filter_agencies(pool):
    "The agencies offered in the filter, by name."
    Agency = pool.get('gov.agency')
    agencies = Agency.search([('kind.code', 'not in', list(HIDDEN_KINDS))],
        order=[('name', 'ASC'), ('id', 'ASC')])
    return agencies


def chart_data(portal, monthly):
    "The chart's labels and series (the monthly table's numbers)."
    return {
        'labels': [portal._('Tháng %(month)s',
                month=period.start.strftime('%m/%Y'))
            for period, _, _ in monthly],
        'series': [
            {'key': key, 'label': portal._(LABELS[key]),
                'data': [values.get(key) or 0 for _, values, _ in monthly]}
            for key in ['resolved_early', 'resolved_on_time',
                'resolved_late']],
        'title': portal._('Hồ sơ đã giải quyết theo tháng'),
        'axis': portal._('Số hồ sơ'),
        }


@page('/thong-ke')
def statistics(portal):
    """The public statistics (R-REP-1, R-RATE-2): the figures of the
    province or of one agency for a period, by month and by agency."""
    pool = portal.pool
    Agency = pool.get('gov.agency')
    args = portal.request.args
    today = public.local_today()
    choices = public.periods(today)
    period = public.find_period((args.get('ky') or '')[:16], today) \
        or choices[0]
    agencies = filter_agencies(pool)
    agency = None
    if args.get('co-quan'):
        try:
            agency_id = int(args['co-quan'][:12])
        except ValueError:
            raise PageError(404)
        agency = next((a for a in agencies if a.id == agency_id), None)
        if agency is None:
            raise PageError(404)
    scope = [agency.id] if agency else None
    summary = public.total(period.start, period.end, scope)
    months = public.months(today)
    values_of = public.by_month(months[0].start, today, scope)
    monthly = []
    for month in months:
        values = values_of.get(month.key, {})
        monthly.append((month, values, public.rates(values)))
    rows = public.by_agency(period.start, period.end, scope)
    names = {a.id: a.name for a in Agency.browse(list(rows))}
    by_agency = sorted(((names[i], values, public.rates(values))
            for i, values in rows.items()), key=lambda r: r[0])
    data = json.dumps(chart_data(portal, monthly), ensure_ascii=False)
    return portal.render('statistics.html',
        period=period, periods=[(p, period_text(portal, p)) for p in choices],
        period_label=period_text(portal, period),
        agency=agency, agencies=agencies,
        summary=summary, summary_rates=public.rates(summary),
        monthly=monthly, by_agency=by_agency, columns=COLUMNS,
        month_label=lambda p: portal._('Tháng %(month)s',
            month=p.start.strftime('%m/%Y')),
        # </ cannot end the script element: the JSON is data, not code.
        chart_json=Markup(data.replace('</', '<\\/')),
        asset_version=asset_version,
        cache_minutes=public.CACHE_MINUTES)
