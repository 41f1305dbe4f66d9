"""Demo satisfaction ratings (gov_rating, R-RATE-1, R-RATE-2): the
citizens rate the demo's finished dossiers (returned or refused), through
the portal when the dossier has an account, at the kiosk otherwise; a
dossier returned late is rated "Chưa hài lòng", which opens a follow-up
for the agency's leader (lanhdao), left open. The ratings are dated the
day after the dossier was finished (not after now).

Idempotent: nothing is done when the database already has a rating. The
comments are fictitious."""
import datetime as dt

# (overall, convenience, on-time handling, staff attitude, comment), given
# in turn to the finished dossiers; the late one takes UNSATISFIED.
RATINGS = [
    ('very_satisfied', 'very_satisfied', 'very_satisfied', 'very_satisfied',
        "Nộp hồ sơ trực tuyến dễ dàng, cán bộ hướng dẫn tận tình."),
    ('satisfied', 'very_satisfied', 'satisfied', 'satisfied', ''),
    ('very_satisfied', 'satisfied', 'very_satisfied', '', ''),
    ('satisfied', 'satisfied', 'satisfied', 'very_satisfied', ''),
    ('satisfied', '', '', '', ''),
    ('very_satisfied', '', '', '', ''),
    ]
UNSATISFIED = ('unsatisfied', 'satisfied', 'unsatisfied', 'satisfied',
    "Kết quả trả chậm hai ngày so với giấy hẹn mà không được báo trước.")
KEYS = ('overall', 'convenience', 'timeliness', 'attitude', 'comment')


def load_demo_ratings(pool):
    from trytond.transaction import without_check_access
    try:
        Rating = pool.get('gov.rating')
    except KeyError:
        return 'gov_rating not activated: nothing done'
    Dossier = pool.get('gov.dossier')
    if Rating.search([], limit=1):
        return 'ratings exist: nothing done'
    dossiers = Dossier.search([('state', 'in', ['done', 'rejected'])],
        order=[('id', 'ASC')])
    late = [d for d in dossiers if d.timeliness == 'late'][:1]
    plan = iter(RATINGS * (len(dossiers) // len(RATINGS) + 1))
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    created = []
    for dossier in dossiers:
        values = UNSATISFIED if dossier in late else next(plan)
        channel = 'portal' if dossier.web_user else 'kiosk'
        rating = Rating.rate(dossier, dict(zip(KEYS, values)), channel,
            web_user=dossier.web_user)
        finished = dossier.completed_date or dossier.write_date \
            or dossier.create_date
        with without_check_access():
            Rating.write([rating], {
                    'rated_at': min(finished + dt.timedelta(days=1), now),
                    })
        created.append(rating)
    unsatisfied = sum(r.overall == 'unsatisfied' for r in created)
    return (f'{len(created)} ratings, {unsatisfied} not satisfied '
        'with a follow-up open')
