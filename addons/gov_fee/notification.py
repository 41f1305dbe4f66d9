# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The applicant is told when a refund of their fees is approved (R-FEE-3).

A notification kind ``refund`` is added to gov_dossier's notifications
(``gov.notification``): created by ``Notification.notify`` on every
configured channel (portal inbox, e-mail, SMS) in the transaction of the
approval, with the Vietnamese texts msg_notification_refund_* of gov_fee
(locale/vi.po). The amount is what the dossier's approved refunds, not
paid yet, will pay back."""
from decimal import Decimal

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import LANGUAGE, format_amount
from gov_dossier.report import applicant_text, lookup_url

KIND = ('refund', "Refund Approved")



class Notification(metaclass=PoolMeta):
    __name__ = 'gov.notification'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if KIND not in cls.kind.selection:
            cls.kind.selection.append(KIND)

    @classmethod
    def _approved_refunds(cls, dossier):
        Refund = Pool().get('gov.fee.refund')
        with without_check_access():
            return Refund.search([
                    ('dossier', '=', dossier.id),
                    ('state', '=', 'approved'),
                    ], order=[('id', 'ASC')])

    @classmethod
    def _content_refund(cls, dossier, v):
        refunds = cls._approved_refunds(dossier)
        if not refunds:
            return None
        amount = sum((r.amount for r in refunds), Decimal(0))
        methods = cls._refund_methods(refunds)
        reasons = []
        for refund in refunds:
            reason = ' '.join((refund.reason or '').split())
            if reason and reason not in reasons:
                reasons.append(reason)
        subject = applicant_text(
            'gov_fee.msg_notification_refund_subject', **v)
        lines = [
            applicant_text('gov_fee.msg_notification_refund', **v,
                amount=format_amount(amount)),
            applicant_text('msg_notification_reason',
                reason='; '.join(reasons)),
            applicant_text('gov_fee.msg_notification_refund_how',
                methods=methods),
            ]
        sms = applicant_text('gov_fee.msg_notification_refund_sms',
            code=dossier.code or '', amount=format_amount(amount, short=True),
            url=lookup_url(dossier.code, None))
        if len(sms) > 459:
            sms = sms[:456] + '...'
        return subject, lines, sms

    @classmethod
    def _refund_methods(cls, refunds):
        Refund = Pool().get('gov.fee.refund')
        with Transaction().set_context(language=LANGUAGE):
            labels = dict(Refund.fields_get(['method'])['method']['selection'])
        names = []
        for refund in refunds:
            label = labels.get(refund.method, refund.method)
            if label not in names:
                names.append(label)
        return ', '.join(names)

    @classmethod
    def content(cls, dossier, kind):
        "Nothing is said of refunds when none is approved and unpaid."
        if kind == KIND[0] and not cls._approved_refunds(dossier):
            return None
        return super().content(dossier, kind)


class Refund(metaclass=PoolMeta):
    __name__ = 'gov.fee.refund'

    @classmethod
    def approve(cls, refunds):
        """Approve, then notify the applicants of the dossiers whose
        refunds were approved (R-FEE-3)."""
        drafts = [r for r in refunds if r.state == 'draft']
        super().approve(refunds)
        Notification = Pool().get('gov.notification')
        approved = [r for r in cls.browse(drafts) if r.state == 'approved']
        dossiers = list({r.dossier for r in approved})
        if dossiers:
            with without_check_access():
                Notification.notify(dossiers, KIND[0])
