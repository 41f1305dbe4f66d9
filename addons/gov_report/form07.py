# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Form 07 — the dossier tracking book (Sổ theo dõi hồ sơ) of an agency
over a period, in XLSX and PDF (R-PROC-9).

The forms 01–06 are gov_dossier's (report.py); this is the book of the
one-stop desk: one row per dossier addressed to the agency or an agency
under it (gov.dossier.agency, as figures.py counts them) and received in
the period — or, for a dossier never received (refused or sent back for
supplement at the desk, withdrawn), submitted in the period.

Form: Thông tư 03/2025/TT-VPCP numbers the tracking book Mẫu số 07 (the
project's requirement R-PROC-9). ASSUMPTION: its columns are taken to be
those of the tracking book of Thông tư 01/2018/TT-VPCP (Mẫu số 06 there):
number, dossier code, procedure, number of sets, applicant, address and
phone, agency in charge, received, appointment, transferred to the agency
in charge, result received from it, result returned, signature of the
receiver, notes. We could not read the 2025 text from here.

Who: as the statutory reports (the model access of gov.report.statutory:
the agency leader, for his agencies and those under them; the provincial office
administrator and the auditor, for any); checked in Form07.check_agency
before the dossiers are read as root."""
import datetime as dt
import io
import os

from genshi.template import MarkupTemplate

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Date, Eval
from trytond.transaction import Transaction, check_access, \
    without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from gov_agency.l10n import format_date, format_datetime, place_name, \
    to_local

from .figures import agency_ids, bounds

REPORT_DIR = os.path.join(os.path.dirname(__file__), 'report')
FORM = {
    'code': "Mẫu số 07",
    'basis': "Thông tư số 03/2025/TT-VPCP",
    'title': "SỔ THEO DÕI HỒ SƠ",
    }
# (key, header, XLSX width)
COLUMNS = [
    ('number', "STT", 7),
    ('code', "Mã hồ sơ", 26),
    ('procedure', "Tên thủ tục hành chính", 28),
    ('sets', "Số lượng hồ sơ (bộ)", 9),
    ('applicant', "Tên cá nhân, tổ chức", 20),
    ('contact', "Địa chỉ, số điện thoại", 22),
    ('handler', "Cơ quan chủ trì giải quyết", 18),
    ('received', "Nhận hồ sơ (giờ, ngày)", 14),
    ('due', "Hẹn trả kết quả", 15),
    ('transferred', "Chuyển hồ sơ đến cơ quan giải quyết", 14),
    ('resolved', "Nhận kết quả từ cơ quan giải quyết", 14),
    ('returned', "Trả kết quả cho cá nhân, tổ chức", 14),
    ('signature', "Ký nhận", 9),
    ('notes', "Ghi chú", 22),
    ]
NOTES = {
    'online': "Nộp trực tuyến",
    'postal': "Nộp qua bưu chính",
    'supplement': "Yêu cầu bổ sung",
    'rejected': "Từ chối",
    'withdrawn': "Rút hồ sơ",
    'suspended': "Tạm dừng",
    'late': "Quá hạn",
    'not_received': "Chưa tiếp nhận",
    }


def _text(value):
    return format_datetime(value) if value else ''


class Form07:
    "The rows and the files of the tracking book (plain functions)."

    @classmethod
    def check_agency(cls, agency):
        """With the access check on: the model access of the statutory
        reports (leader, administrator, auditor), then the leader's own
        agencies."""
        pool = Pool()
        User = pool.get('res.user')
        Agency = pool.get('gov.agency')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if not (transaction.user and transaction.check_access):
            return
        pool.get('ir.model.access').check('gov.report.statutory', 'read')
        groups = set(User.get_groups())
        if groups & {ModelData.get_id('gov_agency', 'group_auditor'),
                ModelData.get_id('gov_agency', 'group_admin')}:
            return
        if int(agency) not in set(User.get_agencies()):
            raise AccessError(gettext('gov_report.msg_form07_access',
                    agency=Agency(int(agency)).rec_name))

    @classmethod
    def values(cls, agency, start_date, end_date):
        "The plain values of the book: the agency, the period, the rows."
        pool = Pool()
        Agency = pool.get('gov.agency')
        Dossier = pool.get('gov.dossier')
        cls.check_agency(agency)
        if end_date < start_date:
            raise ValidationError(gettext('gov_report.msg_form07_dates'))
        S, E = bounds(start_date, end_date)
        with without_check_access():
            agency = Agency(int(agency))
            dossiers = Dossier.search([
                    ('agency', 'in', agency_ids([agency.id])),
                    ('state', '!=', 'draft'),
                    ['OR',
                        [('received_date', '>=', S),
                            ('received_date', '<', E)],
                        [('received_date', '=', None),
                            ('submitted_date', '>=', S),
                            ('submitted_date', '<', E)],
                        ],
                    ])
            dossiers.sort(key=lambda d: (
                    d.received_date or d.submitted_date, d.code or '', d.id))
            rows = [cls.row(i, d) for i, d in enumerate(dossiers, 1)]
            return {
                'agency': agency.name,
                'agency_code': agency.code or '',
                'parent': agency.parent.name if agency.parent else '',
                'start_date': start_date,
                'end_date': end_date,
                'rows': rows,
                }

    @classmethod
    def row(cls, number, dossier):
        agency = dossier.agency
        steps = sorted((s for s in dossier.steps
                if s.kind not in {'receive', 'return'} and s.start_date),
            key=lambda s: (s.start_date, s.id))
        first = steps[0] if steps else None
        notes = []
        if dossier.channel in {'online', 'postal'}:
            notes.append(NOTES[dossier.channel])
        if not dossier.received_date:
            notes.append(NOTES['not_received'])
        if dossier.state in {'supplement', 'rejected', 'withdrawn',
                'suspended'}:
            reason = {
                'supplement': dossier.supplement_reason,
                'rejected': dossier.rejection_reason,
                'withdrawn': dossier.withdrawal_reason,
                'suspended': dossier.suspension_reason,
                }[dossier.state]
            notes.append(NOTES[dossier.state]
                + (': %s' % reason if reason else ''))
        if dossier.timeliness == 'late':
            notes.append(NOTES['late'])
        contact = ', '.join(v for v in [
                (dossier.applicant_address or '').replace('\n', ', '),
                dossier.applicant_phone or ''] if v)
        return {
            'number': number,
            'code': dossier.code or '',
            'procedure': dossier.procedure.name,
            'sets': 1,
            'applicant': dossier.applicant_name or '',
            'contact': contact,
            'handler': (first.unit.name if first and first.unit
                else agency.name),
            'received': _text(to_local(
                    dossier.received_date or dossier.submitted_date,
                    agency)),
            'due': format_date(dossier.due_date) if dossier.due_date else '',
            'transferred': _text(to_local(
                    first.start_date, agency)) if first else '',
            'resolved': _text(to_local(dossier.completed_date, agency)),
            'returned': _text(to_local(dossier.returned_date, agency)),
            'signature': '',
            'notes': '; '.join(notes),
            }

    @staticmethod
    def period_text(values):
        return "Từ ngày %s đến ngày %s" % (
            format_date(values['start_date']),
            format_date(values['end_date']))

    @staticmethod
    def file_name(values, extension):
        return 'so-theo-doi-ho-so-%s-%s-%s.%s' % (
            values['agency_code'] or 'co-quan',
            values['start_date'].strftime('%Y%m%d'),
            values['end_date'].strftime('%Y%m%d'), extension)

    @classmethod
    def to_xlsx(cls, values):
        "The book: header frozen, A4 landscape, one page wide."
        import xlsxwriter
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        workbook.set_properties({
                'title': FORM['title'],
                'created': dt.datetime.combine(values['end_date'],
                    dt.time()),
                })
        base = {'font_name': 'Times New Roman', 'font_size': 10}

        def style(**kw):
            return workbook.add_format(dict(base, **kw))
        center = style(bold=True, align='center', valign='vcenter')
        title = style(bold=True, font_size=14, align='center')
        italic = style(italic=True, align='center')
        head = style(bold=True, align='center', valign='vcenter',
            text_wrap=True, border=1)
        cell = style(border=1, text_wrap=True, valign='top')
        number = style(border=1, valign='top', align='center')
        sheet = workbook.add_worksheet("Sổ theo dõi hồ sơ")
        last = len(COLUMNS) - 1
        for col, (_, _, width) in enumerate(COLUMNS):
            sheet.set_column(col, col, width)
        sheet.merge_range(0, 0, 0, 4, values['parent'].upper(), center)
        sheet.merge_range(1, 0, 1, 4, values['agency'].upper(), center)
        sheet.merge_range(0, last - 3, 0, last, FORM['code'], center)
        sheet.merge_range(1, last - 3, 1, last,
            "Ban hành kèm theo %s" % FORM['basis'], italic)
        sheet.merge_range(3, 0, 3, last, FORM['title'], title)
        sheet.merge_range(4, 0, 4, last, cls.period_text(values), italic)
        header = 6
        sheet.write_row(header, 0, [c[1] for c in COLUMNS], head)
        sheet.write_row(header + 1, 0,
            ['(%s)' % (i + 1) for i in range(len(COLUMNS))], number)
        sheet.set_row(header, 45)
        for offset, row in enumerate(values['rows'], header + 2):
            for col, (key, _, _) in enumerate(COLUMNS):
                value = row[key]
                if isinstance(value, int):
                    sheet.write_number(offset, col, value, number)
                else:
                    sheet.write_string(offset, col, value, cell)
        sheet.freeze_panes(header + 2, 2)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header, header + 1)
        workbook.close()
        return output.getvalue()

    @classmethod
    def to_html(cls, values):
        with open(os.path.join(REPORT_DIR, 'form07.html'),
                encoding='utf-8') as f:
            template = MarkupTemplate(f.read())
        with open(os.path.join(REPORT_DIR, 'statutory.css'),
                encoding='utf-8') as f:
            css = f.read()
        return template.generate(values=values, form=FORM, columns=COLUMNS,
            period=cls.period_text(values), place=place_name(), css=css,
            ).render('html', doctype='html5', encoding=None)

    @classmethod
    def to_pdf(cls, values):
        from gov_dossier.report import html_to_pdf
        return html_to_pdf(cls.to_html(values))


class TrackingBookStart(ModelView):
    "Dossier Tracking Book"
    __name__ = 'gov.report.form07.start'
    __string__ = "Dossier Tracking Book"

    agencies = fields.Many2Many(
        'gov.agency', None, None, "Agencies", readonly=True)
    agency = fields.Many2One('gov.agency', "Agency", required=True,
        domain=[('id', 'in', Eval('agencies', []))],
        # A merged agency's book of past periods too (R-CAT-9).
        context={'active_test': False},
        help="The agency (and the agencies under it) whose book to print.")
    start_date = fields.Date("From", required=True,
        domain=[('start_date', '<=', Eval('end_date', Date()))])
    end_date = fields.Date("To", required=True)


class TrackingBookResult(ModelView):
    "Dossier Tracking Book"
    __name__ = 'gov.report.form07.result'
    __string__ = "Dossier Tracking Book"

    dossiers = fields.Integer("Dossiers", readonly=True)
    xlsx = fields.Binary("Spreadsheet", filename='xlsx_name', readonly=True)
    xlsx_name = fields.Char("Spreadsheet Name", readonly=True)
    pdf = fields.Binary("PDF", filename='pdf_name', readonly=True)
    pdf_name = fields.Char("PDF Name", readonly=True)


class TrackingBook(Wizard):
    "The dossier tracking book (form 07) of an agency over a period."
    __name__ = 'gov.report.form07'
    start = StateView('gov.report.form07.start',
        'gov_report.form07_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'make', 'tryton-ok', default=True),
            ])
    make = StateTransition()
    result = StateView('gov.report.form07.result',
        'gov_report.form07_result_view_form', [
            Button("Back", 'start', 'tryton-back'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        User = pool.get('res.user')
        Agency = pool.get('gov.agency')
        Dossier = pool.get('gov.dossier')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        groups = set(User.get_groups()) if transaction.user else set()
        with without_check_access():
            if not transaction.user or groups & {
                    ModelData.get_id('gov_agency', 'group_auditor'),
                    ModelData.get_id('gov_agency', 'group_admin')}:
                with transaction.set_context(active_test=False):
                    agencies = [a.id for a in Agency.search([])]
            else:
                agencies = list(User.get_agencies())
        today = Dossier._today()
        return {
            'agencies': agencies,
            'agency': agencies[0] if len(agencies) == 1 else None,
            'start_date': today.replace(day=1),
            'end_date': today,
            }

    def transition_make(self):
        start = self.start
        with check_access():
            values = Form07.values(
                start.agency, start.start_date, start.end_date)
        self.result.dossiers = len(values['rows'])
        self.result.xlsx = Form07.to_xlsx(values)
        self.result.xlsx_name = Form07.file_name(values, 'xlsx')
        self.result.pdf = Form07.to_pdf(values)
        self.result.pdf_name = Form07.file_name(values, 'pdf')
        return 'result'

    def default_result(self, fields):
        return {n: getattr(self.result, n) for n in [
                'dossiers', 'xlsx', 'xlsx_name', 'pdf', 'pdf_name']}
