# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The satisfaction rating on the portal (R-RATE-1, R-RATE-2).

Pages of gov_portal (web.page: one transaction, CSRF on POST, error pages
without details); the rules are the model's (rating.py), the pages only
read the form and show the answer:

``/ho-so/<code>/danh-gia`` (POST)
    the owner's rating from "Hồ sơ của tôi" (the form is in the dossier's
    page, rating_dossier.html); refused: the form again, with what she
    chose and why, in Vietnamese;
``/danh-gia/<token>``
    the link of the result notification: the form, without an account;
``/kiosk/danh-gia``
    the kiosk of the one-stop desk: code + PIN + the form; each try counts
    against the per-address limit of the lookup, wrong PINs lock the
    dossier's PIN (gov_dossier);
``/danh-gia``
    the public results by agency over a period: counts and percentages,
    never a comment nor who rated.

The procedure page shows the procedure's results (rating_procedure.html),
through the template global ``rating_summary``."""
import datetime as dt
from pathlib import Path

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool

from gov_portal.routes_dossier import owned
from gov_portal.routes_lookup import clean_code, rate_limit
from gov_portal.web import ENV, PageError, add_template_folder, page

from .levels import CRITERIA, DETAILS, LEVEL_KEYS
from .rating import COMMENT_SIZE

add_template_folder(Path(__file__).resolve().parent / 'templates')

# The portal's words of the levels and the criteria (its catalogue en.po
# has their English).
LEVEL_TEXTS = {
    'very_satisfied': 'Rất hài lòng',
    'satisfied': 'Hài lòng',
    'unsatisfied': 'Chưa hài lòng',
    }
CRITERION_TEXTS = {
    'overall': 'Đánh giá chung',
    'convenience': 'Mức độ tiện lợi (dễ sử dụng, nhanh chóng)',
    'timeliness': 'Xử lý, trả kết quả đúng hạn',
    'attitude': 'Thái độ của cán bộ, công chức',
    }


def rating_level_labels(gettext):
    """[(level, its words in the page's language)], the levels in their
    order: translated once per table rather than once per cell (each call
    of a template's macro costs as much as the rest of a cell)."""
    return [(level, gettext(LEVEL_TEXTS[level])) for level in LEVEL_KEYS]


def _rating_model():
    try:
        return Pool().get('gov.rating')
    except KeyError:
        return None


def rating_status(dossier):
    """Rating.portal_status of dossier for dossier.html's include; None in
    a database without this module."""
    Rating = _rating_model()
    return Rating.portal_status(dossier) if Rating else None


def rating_summary(procedure=None):
    "The published results of a procedure (or of all), or None."
    Rating = _rating_model()
    return Rating.aggregates(procedure=procedure) if Rating else None


def rating_form_values(rating):
    "The form's values of a rating, to change it."
    Rating = _rating_model()
    return Rating.form_values(rating) if Rating else {}


ENV.globals.update(
    rating_status=rating_status,
    rating_form_values=rating_form_values,
    rating_summary=rating_summary,
    rating_levels=LEVEL_KEYS,
    rating_level_labels=rating_level_labels,
    rating_criteria=CRITERIA,
    rating_details=DETAILS,
    rating_level_texts=LEVEL_TEXTS,
    rating_criterion_texts=CRITERION_TEXTS,
    rating_comment_size=COMMENT_SIZE,
    )


def read_form(portal):
    "The rating's values as typed (kept to show them again)."
    form = portal.request.form
    values = {n: (form.get(n) or '')[:32] for n in CRITERIA}
    values['comment'] = (form.get('comment') or '')[:COMMENT_SIZE * 2]
    return values


def status_of(error):
    if isinstance(error, ValidationError):
        return 400
    if isinstance(error, AccessError):
        return 403
    return 409


def submit(portal, rate, values):
    """Call rate() (a Rating method) with the form's values: (rating,
    errors, status). Errors by field, '_' for the others."""
    Rating = portal.pool.get('gov.rating')
    errors = Rating.form_errors(values)
    if errors:
        return None, errors, 400
    try:
        return rate(), {}, 200
    except UserError as error:
        return None, {'_': error.message}, status_of(error)


def render_rating(portal, dossier=None, form=None, errors=None, status=200,
        kiosk=False, token=None, code='', saved=False):
    "The rating page (notification link, kiosk, refused portal form)."
    Rating = portal.pool.get('gov.rating')
    state = Rating.portal_status(dossier) if dossier else None
    if form is None:
        form = Rating.form_values(state['rating'] if state else None)
    return portal.render('rating.html', dossier=dossier, state=state,
        form=form, errors=errors or {}, kiosk=kiosk, token=token, code=code,
        saved=saved, status=status)


@page('/ho-so/<code>/danh-gia', methods=('POST',))
def rate_dossier(portal, code):
    "The owner rates her dossier from its page (R-RATE-1)."
    dossier = owned(portal, code)
    Rating = portal.pool.get('gov.rating')
    values = read_form(portal)
    rating, errors, status = submit(portal,
        lambda: Rating.rate_as_owner(dossier, portal.user, values), values)
    if errors:
        return render_rating(portal, dossier, values, errors, status)
    return portal.redirect(
        f'/ho-so/{dossier.code}?danh-gia=1#danh-gia')


@page('/danh-gia/<token>', methods=('GET', 'POST'))
def rate_link(portal, token):
    "The link of the result notification (R-RATE-1)."
    Rating = portal.pool.get('gov.rating')
    token = token[:128]
    dossier = Rating.dossier_of_token(token)
    if dossier is None:
        raise PageError(404)
    if portal.request.method == 'GET':
        return render_rating(portal, dossier, token=token)
    values = read_form(portal)
    rating, errors, status = submit(portal,
        lambda: Rating.rate_with_token(token, values), values)
    if errors:
        return render_rating(portal, dossier, values, errors, status,
            token=token)
    return render_rating(portal, dossier, token=token, saved=True)


@page('/kiosk/danh-gia', methods=('GET', 'POST'), readonly=False)
def rate_kiosk(portal):
    "The kiosk of the one-stop desk: code and PIN (R-RATE-1)."
    if portal.request.method == 'GET':
        return render_rating(portal, kiosk=True)
    Rating = portal.pool.get('gov.rating')
    code = clean_code(portal, portal.request.form.get('ma'))
    pin = (portal.request.form.get('pin') or '').strip()[:16]
    values = read_form(portal)
    errors = Rating.form_errors(values)
    if not code:
        errors['ma'] = portal._('Nhập mã hồ sơ.')
    if not pin:
        errors['pin'] = portal._('Nhập mã PIN in trên Giấy tiếp nhận.')
    if errors:
        return render_rating(portal, None, values, errors, 400, kiosk=True,
            code=code)
    rate_limit(portal)
    rating, errors, status = submit(portal,
        lambda: Rating.rate_with_pin(code, pin, values), values)
    if errors:
        return render_rating(portal, None, values, errors, status,
            kiosk=True, code=code)
    return render_rating(portal, rating.dossier, kiosk=True, saved=True,
        code=code)


def parse_day(value):
    "A date typed in the filter (yyyy-mm-dd or dd/mm/yyyy), else None."
    value = (value or '').strip()[:10]
    for pattern in ('%Y-%m-%d', '%d/%m/%Y'):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


@page('/danh-gia')
def results(portal):
    """The published results of the ratings by agency, over a period
    (R-RATE-2; QĐ 04/2019, Điều 14.3)."""
    pool = portal.pool
    Rating = pool.get('gov.rating')
    Agency = pool.get('gov.agency')
    args = portal.request.args
    start, end = parse_day(args.get('tu')), parse_day(args.get('den'))
    errors = {}
    if args.get('tu') and not start:
        errors['tu'] = portal._('Ngày không hợp lệ.')
    if args.get('den') and not end:
        errors['den'] = portal._('Ngày không hợp lệ.')
    if start and end and start > end:
        errors['den'] = portal._('Ngày kết thúc phải sau ngày bắt đầu.')
        end = None
    by_agency = Rating.aggregates(by='agency', start=start, end=end)
    agencies = sorted(Agency.browse(list(by_agency)), key=lambda a: a.name)
    return portal.render('rating_results.html',
        total=Rating.aggregates(start=start, end=end),
        agencies=[(a, by_agency[a.id]) for a in agencies],
        start=start, end=end, errors=errors,
        status=400 if errors else 200)
