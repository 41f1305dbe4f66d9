# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The reconciliation of an agency's fees over a period (R-FEE-2).

``Reconciliation.compute(agency, start_date, end_date)`` is the one
computation of the figures; the XLSX (xlsxwriter) and the PDF (HTML →
weasyprint, report/reconciliation.html) are both written from what it
returns, so that the two files always carry the same figures. The period
is the local days ``start_date``..``end_date`` of the agency (both
included); the agency takes in the agencies under it. The figures:

- expected: the fee lines of the dossiers whose fees were fixed in the
  period (``fee_date``: submitted online or received at the desk);
- received by channel (desk, postal COD, transfer, online): the payments
  paid in the period (``paid_date``), count and sum;
- refunds approved (``approved_date``) and refunds paid (``paid_date``) in
  the period;
- payments whose amount did not match their order (``mismatch``), last
  changed in the period;
- the bank statement lines dated in the period: imported, matched, still
  unmatched (waiting in the queue) and ignored;
- net received = received − refunds paid; difference = net received −
  expected (a fee paid in another period than its dossier came in shows
  here)."""
import datetime as dt
import io
import os
from collections import OrderedDict
from decimal import Decimal

from genshi.template import MarkupTemplate

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Date, Eval
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from gov_agency.l10n import (
    LANGUAGE, format_amount, format_date, format_datetime, group_digits,
    to_local)

from .exceptions import FeeAccessError, FeeValidationError
from .statement import scope

ZERO = Decimal(0)
REPORT_DIR = os.path.join(os.path.dirname(__file__), 'report')
# The channels in the order of the report.
CHANNELS = ['desk', 'postal', 'transfer', 'online']
# The labels of the exports: the documents are Vietnamese, as the forms.
LABELS = OrderedDict([
        ('title', "BẢNG ĐỐI SOÁT THU PHÍ, LỆ PHÍ"),
        ('agency', "Cơ quan"),
        ('period', "Kỳ đối soát"),
        ('item', "Khoản mục"),
        ('count', "Số lượng"),
        ('amount', "Số tiền (đồng)"),
        ('expected', "Phải thu (phí, lệ phí của hồ sơ tiếp nhận trong kỳ)"),
        ('expected_before', "trong đó: nộp khi nộp hồ sơ"),
        ('expected_on_collection', "trong đó: nộp khi nhận kết quả"),
        ('received', "Đã thu"),
        ('refunds_approved', "Hoàn trả đã duyệt"),
        ('refunds_paid', "Hoàn trả đã chi"),
        ('net', "Thực thu (đã thu − hoàn trả đã chi)"),
        ('difference', "Chênh lệch (thực thu − phải thu)"),
        ('mismatch', "Thanh toán sai số tiền"),
        ('statement', "Sao kê ngân hàng"),
        ('statement_total', "Giao dịch đã nhập"),
        ('unmatched', "Chuyển khoản chưa đối chiếu được"),
        ('payments', "Các khoản đã thu"),
        ('receipt', "Số biên lai"),
        ('dossier', "Mã hồ sơ"),
        ('method', "Hình thức"),
        ('payer', "Người nộp"),
        ('paid_date', "Thời điểm thu"),
        ('reference', "Tham chiếu"),
        ('summary', "Tổng hợp"),
        ('made', "Lập lúc"),
        ])


def _bounds(agency, start_date, end_date):
    """The naive UTC datetimes of the local midnights starting start_date
    and following end_date (the agency's timezone)."""
    start = dt.datetime.combine(start_date, dt.time())
    end = dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time())
    offset = to_local(start, agency) - start
    return start - offset, end - offset


def _labels(model, field):
    "{value: label} of a selection field in Vietnamese."
    Model = Pool().get(model)
    with Transaction().set_context(language=LANGUAGE):
        return dict(Model.fields_get([field])[field]['selection'])


def _sum(records, field='amount'):
    return {
        'count': len(records),
        'amount': sum((getattr(r, field) or ZERO for r in records), ZERO),
        }


class Reconciliation(ModelView):
    "The reconciliation of an agency's fees over a period."
    __name__ = 'gov.fee.reconciliation'
    __string__ = "Fee Reconciliation"

    agency = fields.Many2One('gov.agency', "Agency", readonly=True)
    start_date = fields.Date("From", readonly=True)
    end_date = fields.Date("To", readonly=True)
    expected = fields.Numeric(
        "Expected (đồng)", digits=(16, 0), readonly=True)
    received = fields.Numeric(
        "Received (đồng)", digits=(16, 0), readonly=True)
    refunds_paid = fields.Numeric(
        "Refunds Paid (đồng)", digits=(16, 0), readonly=True)
    unmatched = fields.Numeric(
        "Unmatched Transfers (đồng)", digits=(16, 0), readonly=True)
    difference = fields.Numeric(
        "Difference (đồng)", digits=(16, 0), readonly=True)
    xlsx = fields.Binary("Spreadsheet", filename='xlsx_name', readonly=True)
    xlsx_name = fields.Char("Spreadsheet Name", readonly=True)
    pdf = fields.Binary("PDF", filename='pdf_name', readonly=True)
    pdf_name = fields.Char("PDF Name", readonly=True)

    @classmethod
    def check_agency(cls, agency):
        """With the access check on (the wizard): the accountant of the
        agency, or a reader of every payment (auditor, provincial
        office)."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        User = pool.get('res.user')
        Agency = pool.get('gov.agency')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if not (transaction.user and transaction.check_access):
            return
        ModelAccess.check('gov.fee.payment', 'read')
        groups = set(User.get_groups())
        if groups & {ModelData.get_id('gov_agency', 'group_auditor'),
                ModelData.get_id('gov_agency', 'group_admin')}:
            return
        if int(agency) not in set(Agency.dossier_agencies(
                    User.get_agencies())):
            raise FeeAccessError(gettext(
                    'gov_fee.msg_reconciliation_agency',
                    agency=Agency(int(agency)).rec_name))

    @classmethod
    def compute(cls, agency, start_date, end_date):
        """The figures of the reconciliation of agency (and the agencies
        under it) for the local days start_date..end_date: a dict of
        plain values (see the module docstring), read by both exports."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        DossierFee = pool.get('gov.dossier.fee')
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        StatementLine = pool.get('gov.fee.statement.line')
        agency = Agency(int(agency))
        cls.check_agency(agency)
        if end_date < start_date:
            raise FeeValidationError(gettext(
                    'gov_fee.msg_reconciliation_dates'))
        lo, hi = _bounds(agency, start_date, end_date)
        methods = _labels('gov.fee.payment', 'method')
        with without_check_access():
            ids = scope(agency)
            fees = DossierFee.search([
                    ('dossier.agency', 'in', ids),
                    ('dossier.fee_date', '>=', lo),
                    ('dossier.fee_date', '<', hi),
                    ])
            payments = Payment.search([
                    ('agency', 'in', ids),
                    ('state', '=', 'paid'),
                    ('paid_date', '>=', lo),
                    ('paid_date', '<', hi),
                    ], order=[('paid_date', 'ASC'), ('id', 'ASC')])
            mismatches = Payment.search([
                    ('agency', 'in', ids),
                    ('state', '=', 'mismatch'),
                    ('write_date', '>=', lo),
                    ('write_date', '<', hi),
                    ])
            approved = Refund.search([
                    ('agency', 'in', ids),
                    ('state', 'in', ['approved', 'paid']),
                    ('approved_date', '>=', lo),
                    ('approved_date', '<', hi),
                    ])
            refunded = Refund.search([
                    ('agency', 'in', ids),
                    ('state', '=', 'paid'),
                    ('paid_date', '>=', lo),
                    ('paid_date', '<', hi),
                    ])
            lines = StatementLine.search([
                    ('agency', 'in', ids),
                    ('date', '>=', start_date),
                    ('date', '<=', end_date),
                    ])
            expected = _sum(fees)
            expected['count'] = len({f.dossier.id for f in fees})
            channels = []
            for method in CHANNELS:
                channel = _sum([p for p in payments if p.method == method])
                channel.update(method=method, label=methods[method])
                channels.append(channel)
            received = _sum(payments)
            refunds_paid = _sum(refunded)
            statement = [dict(_sum([l for l in lines if l.state == state]),
                    state=state, label=label)
                for state, label in _labels(
                    'gov.fee.statement.line', 'state').items()]
            unmatched = _sum([l for l in lines if l.state == 'unmatched'])
            net = received['amount'] - refunds_paid['amount']
            return {
                'agency': {'id': agency.id, 'code': agency.code,
                    'name': agency.name},
                'start_date': start_date,
                'end_date': end_date,
                'expected': expected,
                'expected_before': _sum([f for f in fees
                        if f.payment_time == 'before']),
                'expected_on_collection': _sum([f for f in fees
                        if f.payment_time != 'before']),
                'channels': channels,
                'received': received,
                'refunds_approved': _sum(approved),
                'refunds_paid': refunds_paid,
                'mismatch': _sum(mismatches, 'received_amount'),
                'statement': statement,
                'statement_total': _sum(lines),
                'unmatched': unmatched,
                'net': net,
                'difference': net - expected['amount'],
                'payments': [{
                        'receipt': p.receipt_number or '',
                        'dossier': p.dossier.code or '',
                        'method': methods[p.method],
                        'payer': p.payer_name or '',
                        'amount': p.amount,
                        'paid_date': format_datetime(
                            to_local(p.paid_date, p.agency)),
                        'reference': p.provider_reference or '',
                        } for p in payments],
                }

    # ----------------------------------------------------------- exports
    @classmethod
    def rows(cls, figures):
        """The summary rows (label, count or None, amount) of both
        exports, in their order."""
        rows = [
            (LABELS['expected'], figures['expected']['count'],
                figures['expected']['amount']),
            (LABELS['expected_before'], None,
                figures['expected_before']['amount']),
            (LABELS['expected_on_collection'], None,
                figures['expected_on_collection']['amount']),
            ]
        for channel in figures['channels']:
            rows.append((f"{LABELS['received']}: {channel['label']}",
                    channel['count'], channel['amount']))
        rows += [
            (LABELS['received'], figures['received']['count'],
                figures['received']['amount']),
            (LABELS['refunds_approved'], figures['refunds_approved']['count'],
                figures['refunds_approved']['amount']),
            (LABELS['refunds_paid'], figures['refunds_paid']['count'],
                figures['refunds_paid']['amount']),
            (LABELS['net'], None, figures['net']),
            (LABELS['difference'], None, figures['difference']),
            (LABELS['mismatch'], figures['mismatch']['count'],
                figures['mismatch']['amount']),
            (f"{LABELS['statement']}: {LABELS['statement_total']}",
                figures['statement_total']['count'],
                figures['statement_total']['amount']),
            ]
        for line in figures['statement']:
            rows.append((f"{LABELS['statement']}: {line['label']}",
                    line['count'], line['amount']))
        rows.append((LABELS['unmatched'], figures['unmatched']['count'],
                figures['unmatched']['amount']))
        return rows

    @classmethod
    def _period(cls, figures):
        return '%s – %s' % (format_date(figures['start_date']),
            format_date(figures['end_date']))

    @classmethod
    def file_name(cls, figures, extension):
        return 'doi-soat-%s-%s-%s.%s' % (
            (figures['agency']['code'] or str(figures['agency']['id'])),
            figures['start_date'].strftime('%Y%m%d'),
            figures['end_date'].strftime('%Y%m%d'), extension)

    @classmethod
    def to_xlsx(cls, figures):
        """The workbook of figures: the summary, then the payments (amounts
        as numbers, shown with thousands separators)."""
        import xlsxwriter
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        bold = workbook.add_format({'bold': True})
        title = workbook.add_format({'bold': True, 'font_size': 14})
        money = workbook.add_format({'num_format': '#,##0'})
        header = workbook.add_format({'bold': True, 'bottom': 1})
        sheet = workbook.add_worksheet(LABELS['summary'])
        sheet.set_column(0, 0, 60)
        sheet.set_column(1, 1, 12)
        sheet.set_column(2, 2, 18)
        sheet.write(0, 0, LABELS['title'], title)
        sheet.write(1, 0, LABELS['agency'], bold)
        sheet.write(1, 1, figures['agency']['name'])
        sheet.write(2, 0, LABELS['period'], bold)
        sheet.write(2, 1, cls._period(figures))
        sheet.write_row(4, 0, [LABELS['item'], LABELS['count'],
                LABELS['amount']], header)
        for i, (label, count, amount) in enumerate(cls.rows(figures), 5):
            sheet.write(i, 0, label)
            if count is not None:
                sheet.write_number(i, 1, count)
            sheet.write_number(i, 2, int(amount), money)
        detail = workbook.add_worksheet(LABELS['payments'])
        columns = ['receipt', 'dossier', 'method', 'payer', 'amount',
            'paid_date', 'reference']
        for col, width in enumerate([22, 30, 30, 28, 16, 18, 24]):
            detail.set_column(col, col, width)
        detail.write_row(0, 0, [LABELS[c] for c in columns], header)
        for i, payment in enumerate(figures['payments'], 1):
            for col, name in enumerate(columns):
                if name == 'amount':
                    detail.write_number(i, col, int(payment[name]), money)
                else:
                    detail.write_string(i, col, payment[name])
        workbook.close()
        return output.getvalue()

    @classmethod
    def to_html(cls, figures):
        with open(os.path.join(REPORT_DIR, 'reconciliation.html'),
                encoding='utf-8') as f:
            template = MarkupTemplate(f.read())
        return template.generate(
            figures=figures, rows=cls.rows(figures), labels=LABELS,
            period=cls._period(figures), format_amount=format_amount,
            group_digits=group_digits,
            made=format_datetime(to_local(
                    Pool().get('gov.dossier')._now(), None)),
            ).render('html', doctype='html5', encoding=None)

    @classmethod
    def to_pdf(cls, figures):
        from gov_dossier.report import html_to_pdf
        return html_to_pdf(cls.to_html(figures))


class ReconcileStart(ModelView):
    "Fee Reconciliation"
    __name__ = 'gov.fee.reconcile.start'
    __string__ = "Fee Reconciliation"

    agencies = fields.Many2Many(
        'gov.agency', None, None, "Agencies", readonly=True)
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True,
        domain=[('id', 'in', Eval('agencies', []))],
        help="The agency (and the agencies under it) to reconcile.")
    start_date = fields.Date("From", required=True,
        domain=[('start_date', '<=', Eval('end_date', Date()))])
    end_date = fields.Date("To", required=True)


class Reconcile(Wizard):
    """The reconciliation of an agency's fees over a period, shown and
    exported to XLSX and PDF (R-FEE-2)."""
    __name__ = 'gov.fee.reconcile'
    start = StateView('gov.fee.reconcile.start',
        'gov_fee.reconcile_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reconcile", 'compute', 'tryton-ok', default=True),
            ])
    compute = StateTransition()
    result = StateView('gov.fee.reconciliation',
        'gov_fee.reconciliation_view_form', [
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
                agencies = [a.id for a in Agency.search([])]
            else:
                agencies = list(Agency.dossier_agencies(
                        User.get_agencies()))
        today = to_local(Dossier._now(), None).date()
        return {
            'agencies': agencies,
            'agency': agencies[0] if len(agencies) == 1 else None,
            'start_date': today,
            'end_date': today,
            }

    def transition_compute(self):
        Reconciliation = Pool().get('gov.fee.reconciliation')
        start = self.start
        with check_access():
            figures = Reconciliation.compute(
                start.agency, start.start_date, start.end_date)
        self.result.agency = start.agency
        self.result.start_date = start.start_date
        self.result.end_date = start.end_date
        self.result.expected = figures['expected']['amount']
        self.result.received = figures['received']['amount']
        self.result.refunds_paid = figures['refunds_paid']['amount']
        self.result.unmatched = figures['unmatched']['amount']
        self.result.difference = figures['difference']
        self.result.xlsx = Reconciliation.to_xlsx(figures)
        self.result.xlsx_name = Reconciliation.file_name(figures, 'xlsx')
        self.result.pdf = Reconciliation.to_pdf(figures)
        self.result.pdf_name = Reconciliation.file_name(figures, 'pdf')
        return 'result'

    def default_result(self, fields):
        names = ['start_date', 'end_date', 'expected', 'received',
            'refunds_paid', 'unmatched', 'difference', 'xlsx', 'xlsx_name',
            'pdf', 'pdf_name']
        values = {n: getattr(self.result, n) for n in names}
        values['agency'] = self.result.agency.id
        return values
