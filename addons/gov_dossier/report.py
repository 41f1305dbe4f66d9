# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Printed documents of a dossier (R-PROC-5, R-SUB-5, R-FEE-1).

The forms of a dossier, in Vietnamese, A4, as PDF rendered by weasyprint
from the Genshi HTML templates of report/ (ir.action.report with
template_extension "html", see report.xml). Numbers are those of Appendix I
of Thông tư 03/2025/TT-VPCP (in force from 15/09/2025, guiding Nghị định
118/2025/NĐ-CP), which kept the numbering of Thông tư 01/2018/TT-VPCP for
01–04 and 06 and added 05; the layouts of 01–04 and 06 are those of
01/2018 (03/2025's own text could not be read from here: its changes of
wording, e.g. 04 now "Văn bản xin lỗi và đề nghị gia hạn thời gian giải
quyết", are to be checked against the official gazette):

- 01 ``gov.dossier.receipt``  Giấy tiếp nhận hồ sơ và hẹn trả kết quả (with
  the dossier code, PIN, dates, components, fees in figures and in words
  and the QR code of the lookup URL);
- 02 ``gov.dossier.supplement`` Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ;
- 03 ``gov.dossier.refusal``  Phiếu từ chối tiếp nhận giải quyết hồ sơ;
- 04 ``gov.dossier.apology``  Phiếu xin lỗi và hẹn lại ngày trả kết quả;
- 05 ``gov.dossier.stop``     Thông báo dừng giải quyết hồ sơ (03/2025 only;
  its layout is an assumption, see report/stop.html);
- 06 ``gov.dossier.control``  Phiếu kiểm soát quá trình giải quyết hồ sơ.

Form 07, the dossier tracking book, is a report of a period: gov_report.

Templates receive `docs`: one plain dict per dossier built by
`DossierReport.values()` — the only place that knows the dossier model — and
the format helpers of gov_agency/l10n.py; they can be replaced by an
administrator (Administration ▸ User Interface ▸ Actions ▸ Reports) without
code. The forms are Vietnamese whatever the officer's language: the labels
of selection fields are the fields' Vietnamese translations and the phrases
built here are ir.message records (msg_report_*), both in locale/vi.po.

Configuration (trytond.conf, section ``[gov]``): ``portal_url`` (the public
address of the portal, used in the QR code: ``<portal_url>/tra-cuu/<code>
?t=<qr token>``; required in production, see gov_agency/public.py),
``place_name`` (the place in "Đắk Nông, ngày … tháng … năm …"; default
Đắk Nông; see gov_agency/l10n.py).
"""
import functools
import io
import os
import urllib.parse
from decimal import Decimal

from genshi.core import Markup

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from gov_agency.l10n import (
    LANGUAGE, amount_in_words, format_amount, format_clock, format_date,
    format_datetime, format_days, format_time, group_digits, long_date,
    place_name, qr_svg, to_local)
from gov_agency.public import public_url

from .exceptions import DossierWorkflowError

REPORT_DIR = os.path.join(os.path.dirname(__file__), 'report')


def applicant_text(message, **values):
    """The message in the language of the forms and of the applicants
    (Vietnamese, locale/vi.po), whatever the officer's own: a message of
    gov_dossier, or of another module as '<module>.<id>'."""
    if '.' not in message:
        message = f'gov_dossier.{message}'
    return gettext(message, LANGUAGE, **values)


def selection_labels(model, field):
    """{value: label} of a selection field in the language of the forms:
    the field's own translations."""
    Model = Pool().get(model)
    with Transaction().set_context(language=LANGUAGE):
        return dict(Model.fields_get([field])[field]['selection'])


# ------------------------------------------------------------ formatting
def portal_url():
    """The portal's public address (gov_agency.public): [gov] portal_url,
    never the address a request came to."""
    return public_url()


def lookup_url(code, token):
    """The QR payload: the portal's lookup page of the dossier, with the QR
    token that opens it without typing the code (R-SUB-5, R-LOOK-1)."""
    url = f'{portal_url()}/tra-cuu/{urllib.parse.quote(code or "", safe="")}'
    if token:
        url += '?' + urllib.parse.urlencode({'t': token})
    return url


def upper(text):
    return (text or '').upper()


def lower_first(text):
    "A label inside a sentence: 'Khi nộp hồ sơ' → 'khi nộp hồ sơ'."
    return (text or '')[:1].lower() + (text or '')[1:]


def read_css():
    with open(os.path.join(REPORT_DIR, 'style.css'), encoding='utf-8') as f:
        return Markup(f.read())


def header(doc, form=None, number=None):
    """The top of every form, the same on the five of them
    (report/header.html): the number of the form (``Mẫu số 01``, none when
    form is None), the agency under its parent, the national motto, "Số:
    <number>" and the place and date of doc."""
    html = _render('header', {
            'doc': doc, 'form': form, 'number': number,
            'long_date': long_date,
            })
    return Markup(html.strip())


def helpers():
    "The names every dossier template may use."
    return {
        'css': read_css(),
        'header': header,
        'format_amount': format_amount,
        'amount_in_words': amount_in_words,
        'group_digits': group_digits,
        'format_date': format_date,
        'format_days': format_days,
        'format_time': format_time,
        'format_short_time': format_datetime,
        'format_clock': format_clock,
        'long_date': long_date,
        'upper': upper,
        'lower_first': lower_first,
        'Markup': Markup,
        }


# ------------------------------------------------------- plain rendering
@functools.lru_cache(maxsize=None)
def _template(name):
    """report/<name>.html parsed as the ir.action.report does (relatorio's
    Genshi markup template), once per process."""
    import relatorio.reporting
    loader = relatorio.reporting.MIMETemplateLoader()
    klass = loader.factories[loader.get_type('text/html')]
    with open(os.path.join(REPORT_DIR, name + '.html'), 'rb') as f:
        return klass(io.BytesIO(f.read()))


def _render(name, context):
    data = _template(name).generate(**context).render()
    if hasattr(data, 'getvalue'):
        data = data.getvalue()
    if isinstance(data, bytes):
        data = data.decode('utf-8')
    return data


def render_template(name, **values):
    """Render report/<name>.html with the helpers and values, as the
    ir.action.report does."""
    context = helpers()
    context.update(values)
    return _render(name, context)


def html_to_pdf(html):
    "The PDF of an HTML document, with the same call as trytond's reports."
    import weasyprint
    return weasyprint.HTML(
        string=html,
        url_fetcher=weasyprint.URLFetcher(
            allowed_protocols={'http', 'https'}),
        ).write_pdf()


# --------------------------------------------------------------- reports
class DossierReport(Report):
    "Base of the dossier documents: builds one `doc` dict per dossier."

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update(helpers())
        context['docs'] = [cls.values(r, data) for r in records]
        return context

    @classmethod
    def _local(cls, value, agency=None):
        return to_local(value, agency)

    @classmethod
    def _today(cls, agency=None):
        Dossier = Pool().get('gov.dossier')
        return Dossier._today(agency)

    @classmethod
    def _last_history(cls, dossier, event):
        entries = [h for h in dossier.history if h.event == event]
        entries.sort(key=lambda h: (h.date, h.id))
        return entries[-1] if entries else None

    @classmethod
    def _fees(cls, dossier):
        """The fee lines for the quantities asked in the dossier's eForm
        (citizen.py): a line paid per unit shows "× n" and its amount."""
        kinds = selection_labels('gov.procedure.fee', 'kind')
        times = selection_labels('gov.procedure.fee', 'payment_time')
        fees = []
        for fee, quantity, amount in sorted(dossier.fee_lines(),
                key=lambda line: (line[0].sequence or 0, line[0].id)):
            condition = fee.condition or ''
            if fee.quantity_field:
                condition = f'{condition} × {quantity}'.strip()
            fees.append({
                    'kind': kinds.get(fee.kind, fee.kind),
                    'condition': condition,
                    'conditional': amount is None,
                    'amount': (fee.amount or Decimal(0)
                        if amount is None else amount),
                    'payment_time': times.get(fee.payment_time, ''),
                    })
        return fees

    @classmethod
    def _components(cls, dossier):
        """The components received: those with a file in the dossier; for a
        paper dossier without scans, the mandatory ones of the procedure
        (the desk checked them before receiving)."""
        by_component = {}
        for document in dossier.documents:
            if document.kind == 'component' and document.component:
                by_component.setdefault(document.component.id, []).append(
                    document)
        components = sorted(dossier.procedure.components,
            key=lambda c: (c.sequence or 0, c.id))
        missing = {c.id for c in dossier.supplement_components}
        if by_component:
            received = [c for c in components if c.id in by_component]
        else:
            received = [c for c in components
                if c.mandatory and c.id not in missing]
        result = []
        for component in received:
            files = by_component.get(component.id, [])
            result.append({
                    'name': component.name,
                    'originals': component.originals or 0,
                    'copies': component.copies or 0,
                    'files': len(files),
                    })
        return result

    @classmethod
    def _return_place(cls, dossier):
        agency = dossier.agency
        method = dossier.return_method or dossier._default_return_method()
        if method == 'postal':
            # Where she asked it sent (delivery.py, R-SUB-10, R-RES-1).
            address = (dossier.delivery_address() or '').replace('\n', ', ')
            phone = dossier.delivery_phone()
            if phone:
                return applicant_text('msg_report_return_postal_phone',
                    address=address, phone=phone)
            return applicant_text('msg_report_return_postal',
                address=address)
        if method == 'online':
            return applicant_text(
                'msg_report_return_online', url=portal_url())
        place = agency.name
        if agency.address:
            place += ", " + agency.address
        return applicant_text('msg_report_return_desk', place=place)

    @classmethod
    def values(cls, dossier, data):
        "The values the templates show, for one dossier."
        agency = dossier.agency
        parent = agency.parent
        received_at = cls._local(dossier.received_date, agency)
        fees = cls._fees(dossier)
        total = dossier.total_fee()
        url = lookup_url(dossier.code, dossier.qr_token)
        organisation = (dossier.applicant_name
            if dossier.applicant_kind == 'organisation' else None)
        return {
            'agency_parent': parent.name if parent else '',
            'agency': agency.name,
            'agency_address': agency.address or '',
            'agency_phone': agency.phone or '',
            'agency_email': agency.email or '',
            'place': place_name(),
            'code': dossier.code or '',
            'pin': dossier.pin or '',
            'procedure': dossier.procedure.name,
            'procedure_code': dossier.procedure.code,
            'applicant': dossier.submitter_name or dossier.applicant_name
            or '',
            'organisation': organisation,
            'address': (dossier.applicant_address or '').replace('\n', ', '),
            'phone': dossier.applicant_phone or '',
            'email': dossier.applicant_email or '',
            'id_number': dossier.applicant_id_number or '',
            'channel': dossier.channel,
            'received_at': received_at,
            'due_date': dossier.due_date,
            'processing_days': dossier.processing_days,
            'components': cls._components(dossier),
            'fees': fees,
            'fee_total': total,
            'return_place': cls._return_place(dossier),
            'receiver': (dossier.received_by.name
                if dossier.received_by else ''),
            'portal_url': portal_url(),
            'lookup_url': url,
            'qr': qr_svg(url),
            'today': cls._today(agency),
            }


class ReceiptReport(DossierReport):
    """01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (R-SUB-5, R-FEE-1).

    Before reception (a dossier submitted online or at the post office,
    waiting for the desk) it prints as "submitted, not yet received": the
    code, the PIN and the QR to follow it, the submission time, and no
    appointment date — that date is set when the desk receives it. A draft
    has no receipt, nor a dossier closed without being received."""
    __name__ = 'gov.dossier.receipt'

    @classmethod
    def values(cls, dossier, data):
        if not dossier.code or dossier.state == 'draft':
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_receipt_not_submitted',
                    dossier=dossier.rec_name))
        if not dossier.received_date and dossier.state not in {
                'submitted', 'supplement'}:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_receipt_state',
                    dossier=dossier.rec_name))
        values = super().values(dossier, data)
        values['received'] = bool(values['received_at'])
        if not values['received']:
            # The note "submitted, not yet received" takes the room of a
            # larger QR: the paper stays on one page (receipt.html).
            values['qr'] = qr_svg(values['lookup_url'], size_mm=24)
        values['submitted_at'] = cls._local(
            dossier.submitted_date, dossier.agency)
        moment = values['received_at'] or values['submitted_at']
        values['date'] = moment.date() if moment else values['today']
        if values['processing_days'] is None:
            values['processing_days'] = dossier.procedure.dossier_days()
        # R-PROC-8: a committed time is printed with the law's beside it.
        legal = dossier.procedure.processing_days
        values['legal_days'] = (legal
            if legal is not None and values['processing_days'] is not None
            and values['processing_days'] < legal else None)
        values['submitter'] = (dossier.submitted_by.name
            if dossier.submitted_by and dossier.channel != 'online'
            else '')
        return values


class SupplementReport(DossierReport):
    "02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (R-NOT-1, R-SUB-4)."
    __name__ = 'gov.dossier.supplement'

    @classmethod
    def values(cls, dossier, data):
        if not dossier.supplement_reason and not (
                dossier.supplement_components):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_no_supplement',
                    dossier=dossier.rec_name))
        values = super().values(dossier, data)
        entry = cls._last_history(dossier, 'supplement')
        values['date'] = (cls._local(entry.date, dossier.agency).date()
            if entry else values['today'])
        values['officer'] = entry.user.name if entry and entry.user else ''
        values['missing'] = [c.name for c in sorted(
                dossier.supplement_components,
                key=lambda c: (c.sequence or 0, c.id))]
        values['reason'] = dossier.supplement_reason or ''
        return values


class RefusalReport(DossierReport):
    "03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."
    __name__ = 'gov.dossier.refusal'

    @classmethod
    def values(cls, dossier, data):
        if dossier.state != 'rejected':
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_not_rejected',
                    dossier=dossier.rec_name))
        values = super().values(dossier, data)
        entry = cls._last_history(dossier, 'rejected')
        values['date'] = (cls._local(entry.date, dossier.agency).date()
            if entry else values['today'])
        values['officer'] = entry.user.name if entry and entry.user else ''
        values['reason'] = dossier.rejection_reason or ''
        return values


class StopReport(DossierReport):
    """05 — Thông báo dừng giải quyết hồ sơ (Thông tư 03/2025/TT-VPCP).

    For a dossier whose handling stopped after it was received: today the
    applicant's withdrawal, the one such stop the workflow records (SUY RA:
    a stop decided by the agency would be printed the same way once the
    workflow has such a transition)."""
    __name__ = 'gov.dossier.stop'

    @classmethod
    def values(cls, dossier, data):
        if dossier.state != 'withdrawn' or not dossier.received_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_not_stopped',
                    dossier=dossier.rec_name))
        values = super().values(dossier, data)
        entry = cls._last_history(dossier, 'withdrawn')
        values['date'] = (cls._local(entry.date, dossier.agency).date()
            if entry else values['today'])
        values['reason'] = dossier.withdrawal_reason or ''
        return values


class ApologyReport(DossierReport):
    "04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả (R-PROC-4)."
    __name__ = 'gov.dossier.apology'

    @classmethod
    def values(cls, dossier, data):
        if not dossier.apology_due_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_no_apology',
                    dossier=dossier.rec_name))
        values = super().values(dossier, data)
        values['date'] = dossier.apology_date or values['today']
        values['reason'] = dossier.apology_reason or ''
        values['new_due_date'] = dossier.apology_due_date
        return values


class ControlReport(DossierReport):
    """06 — Phiếu kiểm soát quá trình giải quyết hồ sơ (R-PROC-4).

    One row per handover: the steps already started, then the step the
    dossier is at when it has not started yet (a received dossier handed
    over to the specialist unit): its unit, its assignee and its deadline,
    with the "received" and "done" cells left empty as on the paper form."""
    __name__ = 'gov.dossier.control'

    @classmethod
    def _steps(cls, dossier):
        "The steps the slip prints, in the order of the handovers."
        steps = sorted(
            (s for s in dossier.steps
                if s.start_date and s.state != 'cancelled'),
            key=lambda s: (s.start_date, s.sequence or 0, s.id))
        at = dossier.step_at()  # assignment.py
        if at and at not in steps and at.state == 'waiting':
            steps.append(at)
        return steps

    @classmethod
    def values(cls, dossier, data):
        if not dossier.received_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_report_receipt_state',
                    dossier=dossier.rec_name))
        values = super().values(dossier, data)
        timeliness = selection_labels('gov.dossier.step', 'timeliness')
        steps = cls._steps(dossier)
        rows = []
        previous = None
        for index, step in enumerate(steps, 1):
            unit = step.unit or dossier.agency
            # Who did the step, else the specialist it is assigned to.
            receiver = step.user or getattr(step, 'assignee', None)
            if previous is None:
                giver_unit = applicant_text('msg_report_control_applicant')
                giver = values['applicant']
            else:
                giver_unit = (previous.unit or dossier.agency).name
                giver = previous.user.name if previous.user else ''
            rows.append({
                    'index': index,
                    'step': step.name,
                    'giver_unit': giver_unit,
                    'giver': giver,
                    'unit': unit.name,
                    'receiver': receiver.name if receiver else '',
                    'start': cls._local(step.start_date, unit),
                    'due_date': step.due_date,
                    'end': cls._local(step.end_date, unit),
                    'timeliness': timeliness.get(step.timeliness, ''),
                    'note': step.note or '',
                    })
            previous = step
        values['rows'] = rows
        values['date'] = values['received_at'].date()
        values['units'] = ', '.join(dict.fromkeys(
                r['unit'] for r in rows)) or dossier.agency.name
        values['timeliness'] = selection_labels(
            'gov.dossier', 'timeliness').get(dossier.timeliness, '')
        values['completed_at'] = cls._local(
            dossier.completed_date, dossier.agency)
        return values


# ------------------------------------------------- the apology letter
class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    apology_date = fields.Date("Apology Date", readonly=True)
    apology_reason = fields.Text(
        "Reason of the Delay", readonly=True,
        help="Printed on the apology letter (Phiếu xin lỗi và hẹn lại ngày "
        "trả kết quả) and sent to the applicant.")
    apology_due_date = fields.Date(
        "New Appointment Date", readonly=True,
        help="The new date promised in the apology letter; the timeliness "
        "is still measured against the original due date.")

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default else {}
        for name in ['apology_date', 'apology_reason', 'apology_due_date']:
            default.setdefault(name)
        return super().copy(dossiers, default=default)

    @classmethod
    def record_apology(cls, dossiers, reason, new_due_date):
        "Store the apology letter's data and tell the applicant."
        # Each letter is dated the day of its own agency.
        actions = []
        for dossier in dossiers:
            actions.extend(([dossier], {
                        'apology_date': dossier._today(dossier.agency),
                        'apology_reason': reason,
                        'apology_due_date': new_due_date,
                        }))
        if actions:
            with without_check_access():
                cls.write(*actions)
        cls._on_event(cls.browse([d.id for d in dossiers]), 'apology')


class ApologyStart(ModelView):
    "Apology letter for a late dossier."
    __name__ = 'gov.dossier.apology.start'
    __string__ = "Apology Letter"

    dossier = fields.Many2One('gov.dossier', "Dossier", readonly=True)
    due_date = fields.Date("Original Due Date", readonly=True)
    reason = fields.Text(
        "Reason of the Delay", required=True,
        help="Why the result could not be returned on the due date.")
    new_due_date = fields.Date(
        "New Appointment Date", required=True,
        domain=[('new_due_date', '>', Eval('due_date'))])


class Apology(Wizard):
    """Prepare the apology letter of a late dossier (R-PROC-4): the reason
    and the new appointment date are stored on the dossier, the applicant
    is notified, and the letter is printed for the leader's signature."""
    __name__ = 'gov.dossier.apology'

    start = StateView('gov.dossier.apology.start',
        'gov_dossier.dossier_apology_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'save', 'tryton-print', default=True),
            ])
    save = StateReport('gov.dossier.apology')

    def default_start(self, fields):
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        dossier = self.record
        if dossier.state not in {'received', 'processing', 'suspended',
                'result_ready'} or not dossier.due_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_apology_state',
                    dossier=dossier.rec_name))
        today = dossier._today(dossier.agency)
        base = max(today, dossier.due_date)
        return {
            'dossier': dossier.id,
            'due_date': dossier.due_date,
            'reason': dossier.apology_reason,
            'new_due_date': (dossier.apology_due_date
                or Calendar.add_working_days(base, 1, dossier.agency)),
            }

    def do_save(self, action):
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        dossier = self.record
        Dossier.record_apology(
            [dossier], self.start.reason, self.start.new_due_date)
        return action, {'ids': [dossier.id]}
