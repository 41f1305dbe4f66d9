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
from gov_portal.web import (
    ENV, PageError, add_template_folder, page, render_template)

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


# The page's body by period, agency and language, and the agencies' names
# by language: rendered once a minute per server process.
_page_cache = public.TimedCache(1)


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
        for period in [public.current_year(today), public.last_year(today)]:
            # Keyed by the head of the versions (R-CAT-6): the current
            # version, or the one current when the cached figures were
            # computed.
            figures_ = public.by_procedure(period.start, period.end)
            values = figures_.get(procedure.id) or {}
            if not values and (procedure.version or 1) > 1:
                values = next((figures_[v.id] for v in procedure.versions
                        if v.id in figures_), {})
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


def agency_names(pool, lang):
    """({id: name} of every agency, [(id, name)] offered in the filter by
    name) in lang, kept with the pages' bodies (agencies change rarely;
    trytond reads translated names from the database at each read)."""
    key = ('agencies', lang)
    cached = _page_cache.get(key)
    if cached is None:
        Agency = pool.get('gov.agency')
        # Inactive too: the figures of past periods name the agencies a
        # restructuring merged (R-CAT-9); only active ones are offered.
        with Transaction().set_context(active_test=False):
            agencies = Agency.search([],
                order=[('name', 'ASC'), ('id', 'ASC')])
        cached = _page_cache.set(key, (
                {a.id: a.name for a in agencies},
                [(a.id, a.name) for a in agencies
                    if a.active and a.kind.code not in HIDDEN_KINDS]))
    return cached


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
    province or of one agency for a period, by month and by agency. The
    page's body is the same for every visitor: kept a minute per period,
    agency and language (the figures themselves CACHE_MINUTES)."""
    args = portal.request.args
    today = public.local_today()
    # The periods of the day (the period configuration read once a minute).
    periods = _page_cache.get(('periods', today.isoformat()))
    if periods is None:
        periods = _page_cache.set(('periods', today.isoformat()),
            tuple(public.periods(today)))
    key = (args.get('ky') or '')[:16]
    period = next((p for p in periods if p.key == key), periods[0])
    names, choices = agency_names(portal.pool, portal.lang)
    agency = None
    if args.get('co-quan'):
        try:
            agency_id = int(args['co-quan'][:12])
        except ValueError:
            raise PageError(404)
        agency = next(({'id': i, 'name': n} for i, n in choices
                if i == agency_id), None)
        if agency is None:
            raise PageError(404)
    key = (portal.lang, period.key, period.start.isoformat(),
        period.end.isoformat(), agency['id'] if agency else None)
    body = _page_cache.get(key)
    if body is None:
        body = _page_cache.set(key, render_template('statistics_body.html',
                lang=portal.lang, **body_values(portal, today, periods,
                    period, agency, names, choices)))
    return portal.render('statistics.html', body=Markup(body),
        asset_version=asset_version)


def body_values(portal, today, periods, period, agency, names, choices):
    "What statistics_body.html shows."
    scope = [agency['id']] if agency else None
    months = public.months(today)
    values_of = public.by_month(months[0].start, today, scope)
    monthly = []
    for month in months:
        values = values_of.get(month.key, {})
        monthly.append((month, values, public.rates(values)))
    rows = public.by_agency(period.start, period.end, scope)
    summary = public.total_of(rows)
    by_agency = sorted(((names.get(i, ''), values, public.rates(values))
            for i, values in rows.items()), key=lambda r: r[0])
    data = json.dumps(chart_data(portal, monthly), ensure_ascii=False)
    return dict(
        period=period,
        periods=[(p, period_text(portal, p)) for p in periods],
        period_label=period_text(portal, period),
        agency=agency, agencies=[{'id': i, 'name': n} for i, n in choices],
        summary=summary, summary_rates=public.rates(summary),
        monthly=monthly, by_agency=by_agency, columns=COLUMNS,
        month_label=lambda p: portal._('Tháng %(month)s',
            month=p.start.strftime('%m/%Y')),
        # </ cannot end the script element: the JSON is data, not code.
        chart_json=Markup(data.replace('</', '<\\/')),
        cache_minutes=public.CACHE_MINUTES)
