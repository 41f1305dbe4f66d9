"""Demo figures of the reports (gov_report, R-REP-3, R-REP-4, R-REP-6):
the closed months are extracted as the monthly job would have done, and a
draft ranking of the current year (provisional: the year is not over)
ranks the agencies under the province's committee, so that *Báo cáo* and
*Chất lượng phục vụ* have something to show on a fresh demo database.

Idempotent: months already extracted are kept; the ranking is made once
(matched by its name) and ranked again on each run while it is a draft."""
import datetime as dt

PROVINCE = '000.00.00.H16'  # UBND tỉnh (data/agencies.csv)
RANKING_NAME = "Xếp hạng chất lượng phục vụ năm %s (tạm tính, dữ liệu mẫu)"


def load_reports(pool):
    from trytond.transaction import without_check_access
    try:
        Extraction = pool.get('gov.report.extraction')
        Ranking = pool.get('gov.report.quality.ranking')
    except KeyError:
        return 'gov_report not activated: nothing done'
    Agency = pool.get('gov.agency')
    with without_check_access():
        extracted = Extraction.extract_closed_months()
        roots = Agency.search([('code', '=', PROVINCE)], limit=1)
        if not roots:
            return f'{len(extracted)} months extracted, no province agency'
        year = dt.date.today().year
        name = RANKING_NAME % year
        rankings = Ranking.search([('name', '=', name)], limit=1)
        if not rankings:
            rankings = Ranking.create([{
                        'name': name, 'year': year,
                        'start_date': dt.date(year, 1, 1),
                        'end_date': dt.date(year, 12, 31),
                        'parent': roots[0].id,
                        }])
        ranking, = rankings
        if ranking.state == 'draft':
            Ranking.rank([ranking])
    return (f'{len(extracted)} months extracted; ranking '
        f'"{name}": {len(ranking.lines)} lines')
