# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
""""Dữ liệu của tôi" (R-SEC-5, R-SEC-2): the signed-in citizen sees what
the platform holds about her, downloads it as JSON or PDF, and asks to
close her account.

Every page reads the account of the session only: no identifier in the
URL, so nobody can ask for another citizen's data (a stranger is sent to
sign in, another citizen gets her own)."""
import datetime as dt
import json

from trytond.protocols.wrappers import Response

from .web import PageError, format_date, format_datetime, page

JSON_TYPE = 'application/json; charset=utf-8'
PDF_TYPE = 'application/pdf'
REASON_SIZE = 2000


def sections_for_display(portal, user):
    """[(key, title, [[(label, text)]])] of user.personal_data(), with the
    models' and fields' names in the reader's language."""
    WebUser = portal.pool.get('web.user')
    nested = {key: WebUser.personal_data_labels(model)
        for key, model in WebUser.personal_data_nested.items()}
    _ = portal._
    result = []
    for key, model, section in user.personal_data():
        title, labels, selections = WebUser.personal_data_labels(model)
        labels = dict(labels, form=_('Dữ liệu tờ khai (theo biểu mẫu)'))
        rows = []
        for row in section:
            rows.append([(labels.get(name, name),
                        display(value, selections.get(name),
                            nested.get(name)))
                    for name, value in row.items()
                    # The same values under the form's labels (form).
                    if not (name == 'form_data' and 'form' in row)])
        result.append((key, title, rows))
    return result


def display(value, selection=None, nested=None):
    """A value of personal_data() as a reader reads it; nested: the
    labels of the rows of a list (personal_data_labels)."""
    if (nested and isinstance(value, list) and value
            and isinstance(value[0], dict)):
        _title, labels, selections = nested
        labels = dict(labels, sha256='SHA-256')
        return ' | '.join('; '.join(
                    f'{labels.get(k, k)}: {display(v, selections.get(k))}'
                    for k, v in item.items())
            for item in value)
    if value is None or value == '' or value == []:
        return '—'
    if (isinstance(value, list)
            and all(isinstance(v, list) and len(v) == 2 for v in value)):
        return '; '.join(f'{label}: {text}' for label, text in value)
    if selection is not None and value in selection:
        return selection[value]
    if value is True:
        return '✓'
    if value is False:
        return '✗'
    if isinstance(value, str) and len(value) >= 10 and value[4] == '-':
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return format_date(parsed.date())
        return format_datetime(parsed)
    if isinstance(value, dict):
        return '; '.join(f'{k}: {display(v)}' for k, v in value.items())
    if isinstance(value, list):
        return ' | '.join(display(v) for v in value)
    return str(value)


def file_name(user, extension):
    return f'du-lieu-ca-nhan-{user.id}.{extension}'


def download(data, content_type, name):
    response = Response(data, content_type=content_type)
    response.headers['Content-Disposition'] = f'attachment; filename="{name}"'
    response.headers['Cache-Control'] = 'no-store'
    return response


@page('/tai-khoan/du-lieu', methods=('GET', 'POST'))
def my_data(portal):
    "The page: what is held, the downloads, the closure request."
    user = portal.require_user()
    _ = portal._
    Closure = portal.pool.get('gov.portal.closure')
    errors = {}
    form = portal.request.form
    if portal.request.method == 'POST':
        reason = ' '.join(form.get('reason', '').split())[:REASON_SIZE]
        if not form.get('confirm'):
            errors['confirm'] = _('Vui lòng đánh dấu ô xác nhận để gửi '
                'yêu cầu đóng tài khoản.')
        elif Closure.pending(user):
            errors['confirm'] = _('Yêu cầu đóng tài khoản của bạn đang chờ '
                'Văn phòng UBND tỉnh xử lý.')
        else:
            Closure.ask(user, reason)
            portal.flash(_('Đã gửi yêu cầu đóng tài khoản. Văn phòng UBND '
                    'tỉnh sẽ xem xét yêu cầu; kết quả hiện ở trang này.'))
    return portal.render('personal_data.html', errors=errors, form=form,
        sections=sections_for_display(portal, user),
        pending=Closure.pending(user),
        status=400 if errors else 200)


@page('/tai-khoan/du-lieu.json')
def my_data_json(portal):
    "Everything held about her, machine-readable (R-SEC-5)."
    user = portal.require_user()
    data = json.dumps(user.personal_data_json(), ensure_ascii=False,
        indent=2)
    return download(data.encode('utf-8'), JSON_TYPE, file_name(user, 'json'))


@page('/tai-khoan/du-lieu.pdf')
def my_data_pdf(portal):
    "The same, printable: HTML rendered by weasyprint like every PDF."
    from gov_dossier.report import html_to_pdf
    from gov_dossier.deadline import utcnow
    user = portal.require_user()
    html = portal.render('personal_data_pdf.html',
        sections=sections_for_display(portal, user),
        generated=format_datetime(utcnow())).get_data(as_text=True)
    return download(html_to_pdf(html), PDF_TYPE, file_name(user, 'pdf'))


@page('/tai-khoan/du-lieu/<path:anything>', methods=('GET', 'POST'))
def my_data_other(portal, anything):
    "Nothing is reached by an identifier: another citizen's data is not."
    raise PageError(404)
