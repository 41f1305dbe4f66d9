# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Feedback and the public Q&A on the portal (R-FB-1, R-FB-2, R-SEC-2).

Pages of gov_portal (web.page: one transaction, CSRF on POST, Vietnamese
error pages without details); templates in templates/:

``/phan-anh``
    the form: kind, subject (a procedure, an agency, or her dossier's code
    when signed in), title, content, up to 3 files, consent to
    publication; signed in, her name and e-mail are taken from her
    account, else name and phone or e-mail. Errors keep what she typed.
    At most 5 sendings an hour per address and per account
    (gov.feedback.portal_rate_limit); on success a page with the tracking
    code and the PIN, shown once;
``/phan-anh/<code>``
    follow it: the owner signed in, or anyone with the PIN (POST). State,
    answer, the public history, and the "Chưa hài lòng" button (POST to
    ``/phan-anh/<code>/chua-hai-long``) to reopen once;
``/phan-anh/cua-toi``
    her feedback;
``/hoi-dap``, ``/hoi-dap/<id or slug>``
    the published Q&A: reviewed texts only, searchable with or without
    diacritics, by sector and agency."""
from pathlib import Path
from urllib.parse import urlencode

from trytond.exceptions import UserError
from trytond.tools.email_ import EmailNotValidError, validate_email

from gov_portal.routes_lookup import rate_limit
from gov_portal.web import PageError, add_template_folder, page

from .exceptions import FeedbackAccessError

add_template_folder(Path(__file__).resolve().parent / 'templates')

MAX_REQUEST = 40 * 1024 * 1024  # the whole form; each file has its limit
MAX_FILES = 3
PAGE_SIZE = 10
LIMITS = {'title': 200, 'content': 5000, 'sender_name': 100,
    'sender_phone': 20, 'sender_email': 100, 'dossier_code': 64}
BADGES = {'received': 'warn', 'assigned': 'warn', 'escalated': 'err',
    'answered': 'ok', 'closed': ''}


def kinds(portal):
    _ = portal._
    return [('feedback', _('Phản ánh')), ('recommendation', _('Kiến nghị')),
        ('complaint', _('Khiếu nại về việc giải quyết hồ sơ'))]


def subject_choices(portal):
    "The published procedures and the active agencies, by name."
    pool = portal.pool
    procedures = pool.get('gov.procedure').search(
        [('state', '=', 'published')], order=[('name', 'ASC')])
    agencies = pool.get('gov.agency').search([], order=[('name', 'ASC')])
    return ([(p.id, p.name) for p in procedures],
        [(a.id, a.name) for a in agencies])


def _int(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def form_errors(portal, form, procedures, agencies):
    "{field: message} of the form, before anything is written."
    _ = portal._
    errors = {}
    for name, limit in LIMITS.items():
        if len(form.get(name, '')) > limit:
            errors[name] = _('Quá dài: tối đa %(n)s ký tự.', n=limit)
    if not form.get('title', '').strip():
        errors['title'] = _('Vui lòng nhập tiêu đề.')
    if not form.get('content', '').strip():
        errors['content'] = _('Vui lòng nhập nội dung phản ánh, kiến nghị.')
    if form.get('kind') not in dict(kinds(portal)):
        errors['kind'] = _('Vui lòng chọn loại.')
    if form.get('kind') == 'complaint' and not form.get('dossier_code'):
        errors['dossier_code'] = _(
            'Khiếu nại về việc giải quyết hồ sơ cần mã hồ sơ của bạn.')
    if form.get('dossier_code') and not portal.user:
        errors['dossier_code'] = _(
            'Vui lòng đăng nhập để phản ánh về hồ sơ của bạn.')
    if form.get('procedure') and _int(form['procedure']) not in dict(
            procedures):
        errors['procedure'] = _('Thủ tục không có trong danh mục.')
    if form.get('subject_agency') and _int(form['subject_agency']) not in (
            dict(agencies)):
        errors['subject_agency'] = _('Cơ quan không có trong danh sách.')
    if not portal.user:
        if not form.get('sender_name', '').strip():
            errors['sender_name'] = _('Vui lòng nhập họ và tên.')
        if not (form.get('sender_phone', '').strip()
                or form.get('sender_email', '').strip()):
            errors['sender_phone'] = _(
                'Vui lòng nhập số điện thoại hoặc e-mail để nhận trả lời.')
    email = form.get('sender_email', '').strip()
    if email:
        try:
            validate_email(email)
        except EmailNotValidError:
            errors['sender_email'] = _('E-mail không hợp lệ.')
    return errors


def uploaded(portal):
    "[(name, content)] of the files chosen (at most MAX_FILES)."
    files = []
    for storage in portal.request.files.getlist('files'):
        if storage and storage.filename:
            files.append((storage.filename, storage.read()))
    return files


@page('/phan-anh', methods=('GET', 'POST'), readonly=False,
    max_size=MAX_REQUEST)
def send(portal):
    "The feedback form, and its sending."
    Feedback = portal.pool.get('gov.feedback')
    _ = portal._
    procedures, agencies = subject_choices(portal)
    form = dict(portal.request.form.items()) if (
        portal.request.method == 'POST') else {
        'kind': 'complaint' if portal.request.args.get('ho-so')
        else 'feedback',
        'dossier_code': (portal.request.args.get('ho-so') or '')[:64],
        'procedure': (portal.request.args.get('thu-tuc') or '')[:12],
        }
    errors = {}
    if portal.request.method == 'POST':
        errors = form_errors(portal, form, procedures, agencies)
        files = uploaded(portal)
        if len(files) > MAX_FILES:
            errors['files'] = _('Chỉ đính kèm tối đa %(n)s tệp.', n=MAX_FILES)
        if not errors:
            if not Feedback.portal_rate_limit(portal.remote_addr,
                    portal.user):
                raise PageError(429, _(
                        'Bạn đã gửi quá nhiều phản ánh trong một giờ. Vui '
                        'lòng thử lại sau.'), headers={'Retry-After': '3600'})
            values = {k: form.get(k, '').strip() or None for k in (
                    'kind', 'title', 'content', 'sender_name',
                    'sender_phone', 'sender_email', 'dossier_code')}
            values.update(procedure=_int(form.get('procedure')),
                subject_agency=_int(form.get('subject_agency')),
                publication_consent=bool(form.get('consent')))
            try:
                feedback = Feedback.portal_send(values, files,
                    web_user=portal.user, address=portal.remote_addr)
            except FeedbackAccessError as error:
                # Not her dossier: raised before anything is written.
                errors['dossier_code'] = error.message
            except UserError as error:
                # A file refused by the dossiers' upload checks.
                errors['files' if files else '_'] = error.message
            else:
                return portal.render('feedback_sent.html',
                    feedback=feedback)
    return portal.render('feedback_form.html', form=form, errors=errors,
        kinds=kinds(portal), procedures=procedures, agencies=agencies,
        status=400 if errors else 200)


@page('/phan-anh/cua-toi')
def mine(portal):
    "The feedback sent from her account."
    user = portal.require_user()
    Feedback = portal.pool.get('gov.feedback')
    feedbacks = Feedback.search_owned(user,
        order=[('received_date', 'DESC'), ('id', 'DESC')])
    return portal.render('feedback_mine.html', feedbacks=feedbacks,
        badges=BADGES)


def follow_page(portal, code, feedback, allowed, pin='', pin_error=None,
        reopen_error=None, status=200):
    return portal.render('feedback_follow.html', code=code,
        feedback=feedback if allowed else None, pin=pin if allowed else '',
        pin_error=pin_error, reopen_error=reopen_error, badges=BADGES,
        status=status)


@page('/phan-anh/<code>', methods=('GET', 'POST'), readonly=False)
def follow(portal, code):
    """Her feedback by its code: signed in as its sender, or with the PIN.
    An unknown code and a wrong PIN give the same page."""
    Feedback = portal.pool.get('gov.feedback')
    _ = portal._
    code = Feedback.normalize_code(code)
    pin = (portal.request.form.get('pin') or '').strip()[:16]
    if pin:
        rate_limit(portal)
    feedback, allowed, locked = Feedback.portal_lookup(code, pin=pin or None,
        web_user=portal.user)
    pin_error = None
    if locked:
        pin_error = _('Mã PIN đã bị nhập sai nhiều lần nên tạm khóa. Vui '
            'lòng thử lại sau.')
    elif pin and not allowed:
        pin_error = _('Mã phản ánh hoặc mã PIN không đúng.')
    return follow_page(portal, code, feedback, allowed, pin, pin_error)


@page('/phan-anh/<code>/chua-hai-long', methods=('POST',), readonly=False)
def reopen(portal, code):
    "Chưa hài lòng: reopen once (owner, or the PIN typed on the page)."
    Feedback = portal.pool.get('gov.feedback')
    _ = portal._
    code = Feedback.normalize_code(code)
    pin = (portal.request.form.get('pin') or '').strip()[:16]
    if pin:
        rate_limit(portal)
    feedback, allowed, _locked = Feedback.portal_lookup(code,
        pin=pin or None, web_user=portal.user)
    if not feedback or not allowed:
        raise PageError(404)
    reason = (portal.request.form.get('reason') or '')[:2000]
    try:
        Feedback.portal_reopen(feedback, web_user=portal.user, pin=pin,
            reason=reason)
    except UserError as error:
        return follow_page(portal, code, feedback, True, pin,
            reopen_error=error.message, status=400)
    portal.flash(_('Đã ghi nhận ý kiến chưa hài lòng của bạn. Phản ánh đã '
            'được chuyển lên cơ quan cấp trên để xem xét.'))
    feedback = Feedback(feedback.id)
    return follow_page(portal, code, feedback, True, pin)


@page('/hoi-dap')
def questions(portal):
    "The published Q&A: search, sector and agency filters, pages."
    Feedback = portal.pool.get('gov.feedback')
    args = portal.request.args
    text = (args.get('q') or '').strip()[:100]
    sector = _int(args.get('linh-vuc'))
    agency = _int(args.get('co-quan'))
    page_no = max(1, _int(args.get('trang')) or 1)
    items, count = Feedback.search_qa(text, sector=sector, agency=agency,
        offset=(page_no - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    sectors, agencies = Feedback.qa_filters()
    pages = max(1, -(-count // PAGE_SIZE))

    def url(number):
        params = {k: v for k, v in [('q', text), ('linh-vuc', sector or ''),
                ('co-quan', agency or ''), ('trang', number)] if v}
        return '/hoi-dap?' + urlencode(params)
    return portal.render('qa_list.html', items=items, count=count, q=text,
        sector=sector, agency=agency, sectors=sectors, agencies=agencies,
        page=page_no, pages=pages, url=url)


@page('/hoi-dap/<key>')
def question(portal, key):
    "One published item."
    item = portal.pool.get('gov.feedback').public_qa(key)
    if not item:
        raise PageError(404)
    return portal.render('qa_item.html', item=item)
