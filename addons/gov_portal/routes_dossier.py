# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Submitting a dossier online and following it (R-SUB-1…4, R-SUB-7,
R-SUB-8, R-SUB-9, R-SUB-10, R-FEE-1, R-LOOK-3, R-NOT-2, R-RES-1).

Every dossier page is the signed-in citizen's own: dossiers are found
with gov.dossier.search_owned (never a free search) and another citizen's
code, file or receipt answers 404, as an unknown one does."""
import datetime as dt
import json
import logging
import math
import secrets
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction

from gov_dossier.delivery import CHANGEABLE_STATES, RETURN_FIELDS
from gov_dossier.exceptions import (
    DossierAccessError, DossierFormError, ReturnChoiceError)
from gov_dossier.filename import content_disposition
from gov_dossier.submission import APPLICANT_FIELDS, COMPONENT, FORM_DATA

from .dossiers import (
    BADGES, RETURN_METHODS, TIMELINESS, lookup_url, qr_data_uri,
    submitter_name)
from .portal import SubmissionSentTwice, SubmissionTokenError
from .routes_catalogue import published_procedure
from .web import PageError, format_amount, page

logger = logging.getLogger(__name__)
MAX_REQUEST = 64 * 1024 * 1024  # the whole form; each file has its own limit
PAGE_SIZE = 20


def online_procedure(portal, code):
    procedure = published_procedure(portal.pool, code)
    if not (procedure.service_level
            and procedure.service_level.online_submission):
        raise PageError(404)
    return procedure


def owned(portal, code):
    "The signed-in citizen's dossier with this code, else 404."
    user = portal.require_user()
    Dossier = portal.pool.get('gov.dossier')
    dossiers = Dossier.search_owned(user, [('code', '=', code)], limit=1)
    if not dossiers:
        raise PageError(404)
    return dossiers[0]


def owned_draft(portal, procedure, draft_id):
    "The signed-in citizen's draft of the procedure with this id, else 404."
    Dossier = portal.pool.get('gov.dossier')
    try:
        return Dossier.portal_draft(procedure, portal.user, draft_id)
    except DossierAccessError:
        raise PageError(404)


def field_text(form_field, value):
    "A stored eForm value as the form shows it."
    if value is None:
        return ''
    if isinstance(value, dt.date):
        return value.strftime('%d/%m/%Y')
    if isinstance(value, bool):
        return '1' if value else ''
    if isinstance(value, Decimal):
        return str(value.normalize()).replace('.', ',')
    return str(value)


def agency_choices(procedure):
    return [(a.id, a.name) for a in procedure.agencies]


def form_values(procedure, form):
    """The texts of the submit form under the model's names (gov_dossier
    submission.py): the applicant's fields, the agency, how she receives
    the result (portal_return_fields), form_data.<name> for the eForm's
    fields."""
    Dossier = Pool().get('gov.dossier')
    values = {name: form.get(name, '') for name in
        APPLICANT_FIELDS + ('agency',)}
    # How she receives the result, and the fields other modules add.
    values.update((name, form.get(name, ''))
        for name in Dossier.portal_return_fields())
    values.update((FORM_DATA + f.name, form.get(f'f_{f.name}'))
        for f in procedure.form_fields)
    return values


def form_errors(errors):
    """The model's errors under the names of the form's fields: f_<name>
    for the eForm, c<id> for a component's file."""
    result = {}
    for name, message in errors.items():
        if name.startswith(FORM_DATA):
            name = 'f_' + name[len(FORM_DATA):]
        elif name.startswith(COMPONENT):
            name = 'c' + name[len(COMPONENT):]
        result[name] = message
    return result


def uploaded_files(portal, components, prefix='c'):
    "The files chosen for the components: {component id: (name, content)}."
    files = {}
    for component in components:
        storage = portal.request.files.get(f'{prefix}{component.id}')
        if storage and storage.filename:
            files[component.id] = (storage.filename, storage.read())
    return files


def documents_by_component(dossier):
    result = {}
    for document in dossier.documents:
        if document.kind == 'component' and document.component:
            result.setdefault(document.component.id, []).append(document)
    return result


def fee_view(portal, procedure, data):
    """The fee lines and total of the procedure for the eForm data, as the
    model computes them (gov.procedure.fee_lines, total_fee), in words;
    an amount never breaks before its "đ"."""
    _ = portal._

    def money(value):
        return format_amount(value).replace(' ', '\u00a0')
    lines = []
    for fee, quantity, amount in procedure.fee_lines(data):
        price = money(fee.amount or 0)
        note = ''
        if fee.quantity_field:
            text = _('%(price)s × %(quantity)s = %(amount)s', price=price,
                quantity=quantity, amount=money(amount))
        else:
            text = price
            if amount is None:
                note = _('chỉ thu trong trường hợp này')
        lines.append({'id': fee.id, 'text': text, 'note': note,
                'label': ' — '.join(filter(None,
                        [fee.kind_string, fee.condition])),
                # When it falls due: at submission or with the result.
                'when': (_('Khi nộp hồ sơ') if fee.payment_time == 'before'
                    else _('Khi nhận kết quả'))})
    total = procedure.total_fee(data=data)
    return {
        'lines': lines,
        'total': money(total) if total else _('Không thu'),
        'quantity_fields': sorted({f.quantity_field for f in procedure.fees
                if f.quantity_field}),
        }


def return_choices(portal, dossier):
    """(value, label) of the ways to receive the result offered for the
    dossier (gov_dossier delivery.py, R-SUB-10), labels in Vietnamese for
    _()."""
    return [(method, RETURN_METHODS[method])
        for method in dossier.return_methods_offered()
        if method in RETURN_METHODS]


def return_probe(portal, procedure, form, draft):
    """The dossier the form would make, not saved: what the model offers
    for the procedure at the agency chosen (if any)."""
    Dossier = portal.pool.get('gov.dossier')
    agencies = [a.id for a in procedure.agencies]
    try:
        agency = int(form.get('agency') or 0)
    except (TypeError, ValueError):
        agency = 0
    if agency not in agencies:
        agency = (draft.agency.id if draft
            else agencies[0] if len(agencies) == 1 else None)
    return Dossier(procedure=procedure, channel='online', agency=agency,
        web_user=portal.user)


def default_return_method(choices):
    """The way preselected on a new form: online when it is offered (the
    result is electronic), else the desk."""
    methods = [m for m, _ in choices]
    if 'online' in methods:
        return 'online'
    return 'desk' if 'desk' in methods else (methods or [None])[0]


def render_form(portal, procedure, form, errors, draft=None, token=None,
        status=200, saved=False, data=None):
    Dossier = portal.pool.get('gov.dossier')
    notice, documents = None, {}
    if draft and draft.procedure != procedure:
        # Her draft of a version superseded since (R-CAT-6): shown in the
        # current form, moved to it when she saves (gov_dossier
        # procedure_version.py).
        notice = draft.draft_version_notice(procedure)
        carried, documents, _ = draft.version_carry_over(procedure)
        if data is None:
            data = carried
    elif draft:
        documents = documents_by_component(draft)
    if data is None:
        data = dict(draft.form_data or {}) if draft else {}
    choices = return_choices(portal,
        return_probe(portal, procedure, form, draft))
    if not form.get('return_method'):
        form = dict(form,
            return_method=default_return_method(choices))
    return portal.render('submit.html', procedure=procedure, form=form,
        return_methods=choices,
        limits={k: size for k, (size, _) in Dossier._text_bounds.items()},
        errors=errors, draft=draft, token=token or secrets.token_hex(16),
        agencies=agency_choices(procedure), saved=saved, status=status,
        documents=documents, version_notice=notice,
        fees=fee_view(portal, procedure, data),
        declaration=Dossier.declaration_sentence(),
        # The consent to the processing of the dossier's personal data,
        # agreed to with the same tick and stored when submitted (R-SEC-5).
        consent=portal.pool.get('gov.portal.consent.text').current(
            'submission'))


@page('/nop-ho-so/<code>/le-phi')
def fee_total(portal, code):
    """The fees of the form for the quantities typed so far (?f_<name>=…):
    the submit page asks it as a quantity changes, so that the total shown
    is always the model's (R-FEE-1)."""
    procedure = online_procedure(portal, code)
    raw = {f.name: portal.request.args.get(f'f_{f.name}', '')[:32]
        for f in procedure.form_fields}
    data, _ = procedure.parse_form_data(raw)
    response = Response(json.dumps(fee_view(portal, procedure, data)),
        content_type='application/json')
    response.headers['Cache-Control'] = 'no-store'
    return response


@page('/nop-ho-so/<code>', methods=('GET', 'POST'), max_size=MAX_REQUEST)
def submit(portal, code):
    """The eForm of a procedure: applicant (pre-filled from the profile,
    R-SUB-8), the procedure's fields (R-CAT-4), one upload per component
    (R-SUB-4), the fees (R-FEE-1), how to receive the result (R-SUB-10,
    address and phone pre-filled from the profile); save a draft or
    submit (R-SUB-1)."""
    procedure = online_procedure(portal, code)
    user = portal.require_user()
    Dossier = portal.pool.get('gov.dossier')
    if portal.request.method == 'GET':
        draft = owned_draft(portal, procedure,
            portal.request.args.get('nhap'))
        if draft:
            form = {name: getattr(draft, name) or '' for name in
                APPLICANT_FIELDS}
            form.update((name, getattr(draft, name, None) or '')
                for name in Dossier.portal_return_fields())
            form['agency'] = draft.agency.id
            data = draft.form_data or {}
            for form_field in procedure.form_fields:
                form[f'f_{form_field.name}'] = field_text(
                    form_field, data.get(form_field.name))
        else:
            form = {
                'applicant_name': user.full_name or '',
                'applicant_id_number': user.identification_number or '',
                'applicant_phone': user.phone or '',
                'applicant_email': user.email or '',
                'applicant_address': user.address or '',
                # Where a result sent by post goes (R-SUB-10).
                'return_address': user.address or '',
                'return_phone': user.phone or '',
                }
            # The eForm fields about the applicant herself (R-SUB-8).
            for form_field in procedure.form_fields:
                if form_field.prefill:
                    form[f'f_{form_field.name}'] = field_text(form_field,
                        user.profile_value(form_field.prefill))
        return render_form(portal, procedure, form, {}, draft=draft)
    return _post_submit(portal, procedure, user)


def _post_submit(portal, procedure, user):
    """Save the draft, then submit it when asked and complete: the model
    decides (gov.dossier.portal_save_form, gov_dossier submission.py); a
    form it refuses as a whole rolls the request back and comes back with
    the errors and what was typed."""
    Dossier = portal.pool.get('gov.dossier')
    form = portal.request.form
    token = form.get('submission', '')[:64]
    if len(token) < 16:
        raise PageError(400)
    submit = form.get('action', 'submit') == 'submit'
    try:
        result = Dossier.portal_save_form(procedure, user,
            form_values(procedure, form),
            uploaded_files(portal, procedure.components),
            token=token, draft=form.get('draft'), submit=submit,
            declared=bool(form.get('declaration')))
    except DossierFormError as error:
        Transaction().rollback()
        result = error.form
        if result.dossier:
            result.dossier = Dossier(result.dossier.id)
    except DossierAccessError:
        raise PageError(404)
    except SubmissionTokenError:
        raise PageError(400)
    except SubmissionSentTwice:
        # The same form sent twice at once: the first one wins.
        raise PageError(303, headers={'Location': '/ho-so'})
    if result.submitted:
        return portal.redirect(f'/ho-so/{result.dossier.code}/da-nop')
    # The form is shown again with what was typed and the errors; a new
    # token, as the draft now exists.
    form = dict(form)
    form['agency'] = result.agency
    errors = form_errors(result.errors)
    return render_form(portal, procedure, form, errors, draft=result.dossier,
        status=400 if errors else 200,
        saved=(not submit and not errors), data=result.data)


@page('/ho-so/<code>/da-nop')
def submitted(portal, code):
    "The confirmation: code, PIN, receipt link (R-SUB-5)."
    dossier = owned(portal, code)
    url = lookup_url(dossier.code, dossier.qr_token)
    return portal.render('submitted.html', dossier=dossier,
        qr=qr_data_uri(url), lookup=url,
        # When the check and the result are due (R-NOT-1, R-PROC-2).
        expected=dossier.expected_dates())


@page('/ho-so')
def my_dossiers(portal):
    "My dossiers with their status and due date (R-LOOK-3)."
    user = portal.require_user()
    Dossier = portal.pool.get('gov.dossier')
    try:
        page_number = max(1, int(portal.request.args.get('trang') or 1))
    except ValueError:
        page_number = 1
    count = Dossier.search_count([('web_user', '=', user.id)])
    dossiers = Dossier.search_owned(user,
        order=[('create_date', 'DESC'), ('id', 'DESC')],
        offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, math.ceil(count / PAGE_SIZE))
    return portal.render('dossiers.html', dossiers=dossiers, page=page_number,
        pages=pages, page_url=lambda n: f'/ho-so?trang={n}',
        states=Dossier.public_state_labels(), badges=BADGES,
        unread=unread_count(portal))


@page('/ho-so/<code>')
def dossier_page(portal, code):
    """Status, timeline (unit and step, R-LOOK-3), documents, supplement,
    withdraw, receipt and result (R-RES-1)."""
    dossier = owned(portal, code)
    return render_dossier(portal, dossier)


def return_form(dossier, form=None):
    """The values of the form changing how the result is received: those
    typed (a refused change), else the dossier's."""
    if form is not None:
        return dict(form)
    return {
        'return_method': (dossier.return_method
            or dossier._default_return_method()),
        'return_address': dossier.delivery_address() or '',
        'return_phone': dossier.delivery_phone() or '',
        }


def render_dossier(portal, dossier, errors=None, status=200,
        change=None):
    Dossier = portal.pool.get('gov.dossier')
    changeable = dossier.state in CHANGEABLE_STATES
    return portal.render('dossier.html', dossier=dossier,
        # How she receives the result and, until it is ready, the form to
        # change it (R-SUB-10, R-RES-1).
        can_change_return=changeable,
        return_choices=(return_choices(portal, dossier)
            if changeable else []),
        return_form=return_form(dossier, change),
        limits={k: size for k, (size, _) in Dossier._text_bounds.items()},
        # The dates as the public lookup reads them: one source (R-LOOK-2).
        facts=dossier.get_public_status(full=True),
        expected=dossier.expected_dates(),
        declared=dossier.declared_values(),
        name=submitter_name(dossier),
        states=Dossier.public_state_labels(), badges=BADGES,
        timeline=dossier.get_public_history(), timeliness=TIMELINESS,
        return_methods=RETURN_METHODS, errors=errors or {},
        notifications=notifications(portal, dossier),
        supplement_components=(list(dossier.supplement_components)
            or list(dossier.procedure.components)),
        can_withdraw=dossier.allowed('withdraw', web_user=portal.user.id),
        results=[d for d in dossier.documents if d.kind == 'result'],
        components=[d for d in dossier.documents if d.kind != 'result'],
        status=status)


@page('/ho-so/<code>/bo-sung', methods=('POST',), max_size=MAX_REQUEST)
def supplement(portal, code):
    "Upload what the agency asked for and send the dossier again."
    dossier = owned(portal, code)
    Dossier = portal.pool.get('gov.dossier')
    if dossier.state != 'supplement':
        raise PageError(404)
    components = (list(dossier.supplement_components)
        or list(dossier.procedure.components))
    uploads, errors = Dossier.check_portal_files(components,
        uploaded_files(portal, components, prefix='s'))
    errors = {f's{c}': m for c, m in errors.items()}
    if not uploads and not errors:
        errors['_'] = portal._('Vui lòng chọn ít nhất một tệp bổ sung.')
    if errors:
        return render_dossier(portal, dossier, errors, status=400)
    dossier.add_portal_files(uploads, portal.user)
    try:
        Dossier.portal_submit([Dossier(dossier.id)], portal.user)
    except UserError as error:
        return render_dossier(portal, Dossier(dossier.id),
            {'_': error.message}, status=400)
    portal.flash(portal._('Đã gửi hồ sơ bổ sung.'))
    return render_dossier(portal, Dossier(dossier.id))


@page('/ho-so/<code>/rut', methods=('POST',))
def withdraw(portal, code):
    dossier = owned(portal, code)
    Dossier = portal.pool.get('gov.dossier')
    reason = portal.request.form.get('reason', '').strip()[:1000]
    if not reason:
        return render_dossier(portal, dossier, {'reason': portal._(
                    'Vui lòng cho biết lý do rút hồ sơ.')}, status=400)
    try:
        Dossier.portal_withdraw([dossier], portal.user, reason=reason)
    except UserError as error:
        return render_dossier(portal, dossier, {'_': error.message},
            status=400)
    portal.flash(portal._('Đã rút hồ sơ.'))
    return render_dossier(portal, Dossier(dossier.id))


@page('/ho-so/<code>/nhan-ket-qua', methods=('POST',))
def change_return(portal, code):
    """Change how the result is received (R-SUB-10, R-RES-1): the model
    decides (gov.dossier.portal_change_return); refused — the result is
    ready, a choice not offered or incomplete — the page comes back with
    the message and what was typed."""
    dossier = owned(portal, code)
    Dossier = portal.pool.get('gov.dossier')
    form = portal.request.form
    # The fields the form sent (another module's field it does not show
    # keeps its value).
    change = {name: form.get(name, '')[:2000]
        for name in Dossier.portal_return_fields()
        if name in form or name in RETURN_FIELDS}
    others = {k: v for k, v in change.items() if k not in RETURN_FIELDS}
    try:
        dossier.portal_change_return(portal.user, change['return_method'],
            change['return_address'], change['return_phone'], **others)
    except ReturnChoiceError as error:
        Transaction().rollback()
        dossier = Dossier(dossier.id)
        return render_dossier(portal, dossier, error.errors, status=400,
            change=change)
    except DossierAccessError:
        raise PageError(404)
    portal.flash(portal._('Đã đổi cách nhận kết quả.'))
    return render_dossier(portal, Dossier(dossier.id))


def file_response(name, data, mimetype):
    response = Response(bytes(data),
        content_type=mimetype or 'application/octet-stream')
    # Vietnamese letters do not fit a Latin-1 header: RFC 6266 filename*.
    response.headers['Content-Disposition'] = content_disposition(name)
    response.headers['Cache-Control'] = 'private, no-store'
    return response


@page('/ho-so/<code>/tep/<int:document>')
def document(portal, code, document):
    "A file of my dossier: what I uploaded, or the electronic result."
    dossier = owned(portal, code)
    for doc in dossier.documents:
        if doc.id == document:
            if doc.kind == 'result' and dossier.state not in {
                    'result_ready', 'done'}:
                break
            return file_response(doc.name, doc.data, doc.mimetype)
    raise PageError(404)


@page('/ho-so/<code>/bien-nhan')
def receipt(portal, code):
    """The receipt: the official PDF (Giấy tiếp nhận hồ sơ và hẹn trả kết
    quả, with its QR) once received; before, a printable confirmation of
    the online submission."""
    dossier = owned(portal, code)
    if dossier.received_date:
        try:
            Report = portal.pool.get('gov.dossier.receipt', type='report')
            ext, content, _, _ = Report.execute([dossier.id], {})
        except Exception:
            # The printable confirmation below is better than an error.
            logger.warning('receipt of %s not printed', dossier.code,
                exc_info=True)
        else:
            return file_response(f'bien-nhan-{dossier.code}.{ext}', content,
                'application/pdf' if ext == 'pdf' else 'text/html')
    url = lookup_url(dossier.code, dossier.qr_token)
    return portal.render('receipt.html', dossier=dossier,
        name=submitter_name(dossier), qr=qr_data_uri(url), lookup=url,
        fee=dossier.total_fee())


# ------------------------------------------------------ notifications

def notification_model(pool):
    try:
        return pool.get('gov.notification')
    except KeyError:
        return None


def notifications(portal, dossier=None, limit=50):
    "The portal notifications of the signed-in citizen (of one dossier)."
    Notification = notification_model(portal.pool)
    if Notification is None or portal.user is None:
        return []
    if dossier is None:
        return Notification.portal_inbox(portal.user, limit=limit)
    return Notification.search([
            ('web_user', '=', portal.user.id),
            ('channel', '=', 'portal'),
            ('dossier', '=', dossier.id),
            ], order=[('create_date', 'DESC'), ('id', 'DESC')], limit=limit)


def unread_count(portal):
    Notification = notification_model(portal.pool)
    if Notification is None or portal.user is None:
        return 0
    return len(Notification.portal_inbox(portal.user, unread=True))


@page('/thong-bao', methods=('GET', 'POST'))
def inbox(portal):
    "The portal inbox (R-NOT-2): the notifications of my dossiers."
    portal.require_user()
    Notification = notification_model(portal.pool)
    items = notifications(portal, limit=100)
    if portal.request.method == 'POST' and Notification is not None:
        Notification.portal_mark_read(items, portal.user)
        portal.flash(portal._('Đã đánh dấu tất cả là đã đọc.'))
        items = notifications(portal, limit=100)
    return portal.render('inbox.html', items=items,
        unread=unread_count(portal))
