# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The fee receipt (biên lai thu phí, lệ phí; R-FEE-2) of a paid payment,
as PDF: HTML (report/receipt.html, Genshi) rendered by weasyprint like
gov_dossier's printed forms, with their shared header (report.header).

It shows the receipt number, the agency, the payer, the dossier code and
its procedure, the lines the payment settles (description, quantity,
amount), the total in figures and in Vietnamese words, the method, the
date and a QR code of the portal's page that verifies the receipt
(``<portal_url>/bien-lai/<receipt token>``: a random token, so that
receipts cannot be listed by counting their numbers)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from gov_agency.l10n import LANGUAGE, place_name, qr_svg, to_local
from gov_dossier.report import helpers, selection_labels

from .exceptions import PaymentError

ZERO = Decimal(0)


def settled_lines(payment):
    """The fee lines of the dossier that payment settles, as dicts
    (description, quantity, amount): the dossier's paid payments are laid
    over its lines in order (the lines due at submission first), each
    payment covering the lines that follow what the earlier ones paid —
    a part of a line when a payment stops inside it."""
    dossier = payment.dossier
    kinds = selection_labels('gov.procedure.fee', 'kind')
    lines = [l for l in dossier.fees if (l.amount or ZERO) > 0]
    lines.sort(key=lambda l: (l.payment_time != 'before', l.id))
    earlier = sum((p.amount for p in dossier.payments
            if p.state == 'paid' and p.id != payment.id
            and (p.paid_date, p.id) < (payment.paid_date, payment.id)),
        ZERO)
    start, end = earlier, earlier + payment.amount
    result, position = [], ZERO
    for line in lines:
        low, high = position, position + line.amount
        position = high
        part = min(high, end) - max(low, start)
        if part <= 0:
            continue
        description = ' — '.join(filter(None, [
                    kinds.get(line.kind, line.kind), line.description]))
        if line.exemption_reason:
            description += (f' (giảm {float(line.exemption_rate):g}%: '
                f'{line.exemption_reason})')
        whole = part == line.amount
        result.append({
                'description': description + ('' if whole
                    else ' (một phần)'),
                'quantity': line.quantity if whole else None,
                'amount': part,
                })
    rest = payment.amount - sum((r['amount'] for r in result), ZERO)
    if rest > 0:
        # Paid beyond the lines (the schedule of a paper dossier unknown).
        result.append({'description': "Phí, lệ phí của hồ sơ",
                'quantity': None, 'amount': rest})
    return result


class FeeReceipt(Report):
    "Biên lai thu phí, lệ phí (R-FEE-2)."
    __name__ = 'gov.fee.payment.receipt'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update(helpers())
        context['docs'] = [cls.values(r) for r in records]
        return context

    @classmethod
    def values(cls, payment):
        "What the receipt shows of one paid payment."
        Payment = Pool().get('gov.fee.payment')
        if payment.state != 'paid' or not payment.receipt_number:
            raise PaymentError(gettext(
                    'gov_fee.msg_receipt_not_paid', payment=payment.rec_name))
        with Transaction().set_context(language=LANGUAGE):
            methods = dict(Payment.fields_get(['method'])['method'][
                    'selection'])
        dossier = payment.dossier
        agency = payment.agency
        parent = agency.parent
        paid_at = to_local(payment.paid_date, agency)
        url = payment.get_receipt_url()
        return {
            'agency_parent': parent.name if parent else '',
            'agency': agency.name,
            'place': place_name(),
            'date': paid_at.date(),
            'paid_at': paid_at,
            'number': payment.receipt_number,
            'payer': (payment.payer_name or dossier.submitter_name
                or dossier.applicant_name or ''),
            'address': (dossier.applicant_address or '').replace('\n', ', '),
            'code': dossier.code or '',
            'procedure': dossier.procedure.name,
            'lines': settled_lines(payment),
            'total': payment.amount,
            'method': methods.get(payment.method, payment.method),
            'reference': payment.provider_reference or '',
            'receiver': (payment.received_by.name
                if payment.received_by else ''),
            'verify_url': url,
            'qr': qr_svg(url),
            }


class DossierFeeReceipt(FeeReceipt):
    """The receipts of a dossier's paid payments, printed from the dossier
    (its Print menu in sao)."""
    __name__ = 'gov.dossier.fee_receipt'

    @classmethod
    def get_context(cls, records, header, data):
        payments = [p for dossier in records
            for p in sorted(dossier.payments,
                key=lambda p: (p.paid_date or p.create_date, p.id))
            if p.state == 'paid']
        if not payments:
            raise PaymentError(gettext('gov_fee.msg_receipt_none',
                    dossiers=', '.join(d.rec_name for d in records)))
        return super().get_context(payments, header, data)
