"""The public statistics (R-REP-1, R-CAT-3, R-RATE-2, R-A11Y-1), in
Chromium against the live server.

A hand-built commune of its own ("UBND xã Thống Kê", created here, with
one procedure) receives six dossiers today, entered with their dates as
the back office's backfill does (R-PROC-6):

====  ========  ==============  ===========================
 #    channel   outcome         due date
====  ========  ==============  ===========================
 1    online    returned        in 3 days      → early
 2    desk      result ready    today          → on time
 3    desk      result ready    yesterday      → late
 4    desk      received        in 5 days      → in progress, on time
 5    postal    received        yesterday      → in progress, overdue
 6    desk      rejected        —
====  ========  ==============  ===========================

so that, for the commune, whatever the period holding today: received 6
(online 1), resolved 3 (early 1, on time 1, late 1: 66,7 % on time), in
progress 1 on time and 1 overdue, returned 1, rejected 1, nothing carried
over. The page must show exactly these numbers, written here by hand.
"""
import json
import subprocess
import sys

from tests.portal_fixtures import ROOT, check_page

AGENCY_CODE = 'TEST.TK.H16'
AGENCY_NAME = 'Ủy ban nhân dân xã Thống Kê (kiểm thử)'
PROCEDURE = 'TEST.TK.01'
APPLICANT = 'Phạm Thị Riêng Tư'
APPLICANT_ID = '067199123456'
# The numbers of the module docstring, by hand.
EXPECTED = {
    'carried_over': '0',
    'received': '6',
    'received_online': '1',
    'resolved': '3',
    'resolved_early': '1',
    'resolved_on_time': '1',
    'resolved_late': '1',
    'in_progress_on_time': '1',
    'in_progress_overdue': '1',
    'returned': '1',
    'rejected': '1',
    'withdrawn': '0',
    'on_time_rate': '66,7%',
    'online_share': '16,7%',
    }


def build(database):
    """The commune, its procedure and its six dossiers (docstring), all
    dated today (local), entered as backfilled dossiers: prints the
    commune's id and the local day."""
    import datetime as dt
    import time
    from decimal import Decimal

    from tests.test_postal_webhook import _start
    pool = _start(database)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Agency = pool.get('gov.agency')
        Kind = pool.get('gov.agency.kind')
        Procedure = pool.get('gov.procedure')
        Level = pool.get('gov.service.level')
        Field = pool.get('gov.field')
        Dossier = pool.get('gov.dossier')
        Calendar = pool.get('gov.calendar')
        commune, = Kind.search([('code', '=', 'commune_committee')])
        city, = Agency.search([('code', '=', '000.00.21.H16')])
        agency, = Agency.create([{'code': AGENCY_CODE, 'name': AGENCY_NAME,
                    'kind': commune.id, 'parent': city.id}])
        level, = Level.search([('code', '=', 'partial_online')])
        field = Field.search([], limit=1)[0]
        procedure = Procedure(code=PROCEDURE,
            name='Chứng thực bản sao từ bản chính (kiểm thử thống kê)',
            field=field, levels=[commune], agencies=[agency],
            service_level=level, processing_days=Decimal(3))
        procedure.components = [dict(name='Bản chính giấy tờ', originals=1,
                copies=0, mandatory=False)]
        procedure.steps = [dict(name='Chứng thực', kind='process',
                duration=Decimal(3))]
        procedure.save()
        Procedure.publish([procedure])

        # Every date within today (local), a few seconds after midnight
        # at the earliest: never in the future, never yesterday.
        now = dt.datetime.utcnow()
        local_now = Calendar.to_local(now)
        today = local_now.date()
        midnight = now - (local_now - dt.datetime.combine(today, dt.time()))
        if (now - midnight).total_seconds() < 30:
            time.sleep(31)
        base = max(midnight + dt.timedelta(seconds=1),
            dt.datetime.utcnow() - dt.timedelta(minutes=20))

        def at(seconds):
            return base + dt.timedelta(seconds=seconds)
        day = dt.timedelta(days=1)
        plan = [
            ('online', 'done', today + 3 * day),
            ('desk', 'result_ready', today),
            ('desk', 'result_ready', today - day),
            ('desk', 'received', today + 5 * day),
            ('postal', 'received', today - day),
            ('desk', 'rejected', None),
            ]
        for index, (channel, outcome, due) in enumerate(plan):
            dossier, = Dossier.create([{
                        'procedure': procedure.id, 'agency': agency.id,
                        'channel': channel, 'applicant_kind': 'citizen',
                        'applicant_name': APPLICANT,
                        'applicant_id_number': APPLICANT_ID,
                        }])
            if channel == 'online':
                # Submitted on the portal: not a backfill, the same dates.
                Dossier.submit([dossier], at=at(index))
                Dossier.receive([dossier])
                Dossier.write([dossier], {'due_date': due})
                Dossier.process([dossier], at=at(5 + index))
                Dossier.result_ready([dossier], at=at(10 + index))
                Dossier.done([dossier], at=at(20 + index))
                continue
            Dossier.backfill([dossier], received_date=at(index),
                outcome=outcome,
                completed_date=at(10 + index)
                if outcome in {'done', 'result_ready', 'rejected'} else None,
                returned_date=at(20 + index) if outcome == 'done' else None,
                due_date=due, reason='Không thuộc thẩm quyền'
                if outcome == 'rejected' else None)
        dossiers = Dossier.search([('procedure', '=', procedure.id)])
        timeliness = sorted(str(d.timeliness) for d in dossiers)
        assert timeliness == sorted(['early', 'on_time', 'late', 'None',
                'None', 'None']), timeliness
        Transaction().commit()
        print(json.dumps({'agency': agency.id, 'today': today.isoformat()}))


def run(server, function, *args):
    process = subprocess.run([sys.executable, '-c',
            'import sys; from tests.test_portal_statistics import '
            f'{function}; {function}(*sys.argv[1:])', *args],
        env=server.env, cwd=ROOT, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def cells(page, selector):
    "{data-figure: text} of the cells under selector."
    return page.eval_on_selector_all(f'{selector} [data-figure]',
        '''els => Object.fromEntries(els.map(
            e => [e.dataset.figure, e.innerText.trim()]))''')


def summary(page):
    "{data-figure: value} of the summary table (one figure a row)."
    return page.eval_on_selector_all('#summary-table tr[data-figure]',
        '''rows => Object.fromEntries(rows.map(
            r => [r.dataset.figure, r.querySelector('td').innerText.trim()]))''')


def chart_pixels(page):
    "How many pixels of the chart's canvas are painted."
    return page.evaluate('''() => {
        const c = document.getElementById('statistics-chart');
        const data = c.getContext('2d').getImageData(
            0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]) painted++;
        return painted;
    }''')


def save(page, name):
    page.screenshot(path=f'/tmp/statistics-{name}.png', full_page=True)


def test_public_statistics_show_the_hand_counted_figures(
        desktop, browser, portal):
    "R-REP-1, R-CAT-3, R-RATE-2, R-A11Y-1, R-SEC-2: /thong-ke shows a commune's figures (received, online, early / on time / late, in progress, returned, rejected, on-time rate) equal to the hand-counted data set, in a table and a Chart.js chart drawn under the portal's CSP; no applicant's name or ID; the procedure page shows the procedure's counts; axe finds nothing serious"
    built = run(portal, 'build', portal.database)
    agency, today = built['agency'], built['today']
    page = desktop

    # The commune chosen in the filter, the default period (the
    # reporting year to date).
    page.goto('/thong-ke')
    assert page.locator('#statistics-filter').count() == 1
    page.select_option('#f-co-quan', str(agency))
    page.click('#statistics-filter button[type=submit]')
    page.wait_for_url(f'**/thong-ke?ky=nam&co-quan={agency}')
    assert AGENCY_NAME in page.inner_text('#summary-title')
    assert summary(page) == {**EXPECTED, 'ratings': '0',
        'satisfied_rate': '—'}
    assert page.inner_text('#stat-received') == '6'
    assert page.inner_text('#stat-on-time') == '66,7%'
    # Its row in the agencies' table, and this month in the monthly one.
    row = cells(page, '#agency-table tbody tr')
    for key in ['received', 'received_online', 'resolved_early',
            'resolved_on_time', 'resolved_late', 'in_progress_on_time',
            'in_progress_overdue', 'returned', 'rejected', 'on_time_rate']:
        assert row[key] == EXPECTED[key], key
    assert page.locator('#agency-table tbody tr').count() == 1
    month = cells(page, f'#monthly-table tr[data-month="{today[:7]}"]')
    assert month == {'received': '6', 'resolved_early': '1',
        'resolved_on_time': '1', 'resolved_late': '1',
        'on_time_rate': '66,7%'}
    # For screen readers: a captioned table with headers, the chart an
    # image named after it.
    assert page.locator('#monthly-table caption').inner_text()
    assert page.locator('#monthly-table th[scope=col]').count() == 6
    assert page.get_attribute('#statistics-chart', 'role') == 'img'
    assert 'bảng' in page.get_attribute('#statistics-chart', 'aria-label')
    # Counts only.
    text = page.content()
    assert APPLICANT not in text and APPLICANT_ID not in text
    save(page, 'agency')
    check_page(page, 'statistics-agency')

    # The whole province: the commune is one of its agencies, with the
    # same numbers.
    page.goto('/thong-ke')
    names = page.locator('#agency-table tbody th').all_inner_texts()
    assert AGENCY_NAME in names
    row = page.locator('#agency-table tbody tr').nth(names.index(AGENCY_NAME))
    assert row.locator('[data-figure=received]').inner_text() == '6'
    assert row.locator('[data-figure=on_time_rate]').inner_text() == '66,7%'
    assert int(page.inner_text('#stat-received').replace('.', '')) >= 6
    # Past periods and a month are offered, and load.
    options = page.eval_on_selector_all('#f-ky option',
        'os => os.map(o => o.value)')
    assert options[:3] == ['nam', '6-thang', 'ca-nam']
    assert today[:7] in options
    page.goto(f'/thong-ke?ky={today[:7]}&co-quan={agency}')
    assert summary(page)['received'] == '6'
    page.goto(f'/thong-ke?ky=ca-nam&co-quan={agency}')
    assert summary(page)['received'] == '0'
    page.goto('/thong-ke?co-quan=999999999')
    assert page.locator('#statistics-filter').count() == 0

    # The procedure's own counts on its page (R-CAT-3).
    page.goto(f'/thu-tuc/{PROCEDURE}')
    current = cells(page, '#procedure-statistics tr[data-period=nam]')
    assert current == {'received': '6', 'resolved_early': '1',
        'resolved_on_time': '1', 'resolved_late': '1',
        'on_time_rate': '66,7%'}
    assert page.locator('#procedure-statistics caption').count() == 1
    assert APPLICANT not in page.content()
    page.locator('#procedure-statistics').scroll_into_view_if_needed()
    save(page, 'procedure')
    check_page(page, 'statistics-procedure')

    # The chart is drawn by Chart.js under the portal's real CSP (the
    # other pages' contexts bypass it to inject axe).
    context = browser.new_context(base_url=portal.url, locale='vi-VN',
        viewport={'width': 1280, 'height': 900})
    try:
        strict = context.new_page()
        errors = []
        strict.on('pageerror', lambda error: errors.append(str(error)))
        strict.goto(f'/thong-ke?co-quan={agency}')
        strict.wait_for_selector('#statistics-chart[data-rendered="1"]')
        assert strict.evaluate('typeof window.Chart') == 'function'
        assert chart_pixels(strict) > 1000
        assert not errors, errors
        strict.locator('#statistics-chart').scroll_into_view_if_needed()
        strict.screenshot(path='/tmp/statistics-chart.png')
    finally:
        context.close()


def national_period(kind, year):
    "The national defaults of the reporting periods (period.py)."
    import datetime as dt
    end = dt.date(year, 6, 14) if kind == 'semester' \
        else dt.date(year, 12, 14)
    return dt.date(year - 1, 12, 15), end


def test_periods_offered_around_the_reporting_days(monkeypatch):
    "R-REP-1, R-REP-2: the periods of /thong-ke: the reporting year to date from 15 December, the last complete six-monthly (15/12 → 14/06) and annual (15/12 → 14/12) periods, twelve months the current one to date"
    import datetime as dt
    from gov_report import public
    monkeypatch.setattr(public, 'reporting_period', national_period)
    D = dt.date

    def spans(today):
        return {p.key: (p.start, p.end) for p in public.periods(today)}
    on_14_june = spans(D(2026, 6, 14))
    assert on_14_june['nam'] == (D(2025, 12, 15), D(2026, 6, 14))
    # The six months end that day: not complete yet.
    assert on_14_june['6-thang'] == (D(2024, 12, 15), D(2025, 6, 14))
    assert on_14_june['ca-nam'] == (D(2024, 12, 15), D(2025, 12, 14))
    assert spans(D(2026, 6, 15))['6-thang'] == (
        D(2025, 12, 15), D(2026, 6, 14))
    on_15_december = spans(D(2026, 12, 15))
    assert on_15_december['nam'] == (D(2026, 12, 15), D(2026, 12, 15))
    assert on_15_december['ca-nam'] == (D(2025, 12, 15), D(2026, 12, 14))
    months = public.months(D(2026, 3, 9))
    assert [m.key for m in months][:2] == ['2025-04', '2025-05']
    assert (months[-1].key, months[-1].start, months[-1].end) == (
        '2026-03', D(2026, 3, 1), D(2026, 3, 9))
    assert (months[-2].start, months[-2].end) == (
        D(2026, 2, 1), D(2026, 2, 28))
    assert len(months) == 12
