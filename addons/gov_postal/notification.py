# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The applicant is told when the post lost her dossier's shipment and its
compensation is approved (R-POST-3, R-NOT-1).

A notification kind ``postal_lost`` is added to gov_dossier's
notifications (``gov.notification``): created by ``Notification.notify``
on every configured channel (portal inbox, e-mail, SMS) in the transaction
of the approval (compensation.py), with the texts msg_notification_lost_*
of gov_postal in the applicants' language (Vietnamese, locale/vi.po): what
was lost, the compensation of the costs and fees, the legal basis."""
from decimal import Decimal

from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from gov_agency.l10n import format_amount
from gov_dossier.report import applicant_text

KIND = ('postal_lost', "Postal Shipment Lost: Compensation")



class Notification(metaclass=PoolMeta):
    __name__ = 'gov.notification'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if KIND not in cls.kind.selection:
            cls.kind.selection.append(KIND)

    @classmethod
    def _lost_compensations(cls, dossier):
        Compensation = Pool().get('gov.postal.compensation')
        with without_check_access():
            return Compensation.search([
                    ('dossier', '=', dossier.id),
                    ('state', '=', 'approved'),
                    ], order=[('id', 'ASC')])

    @classmethod
    def _content_postal_lost(cls, dossier, v):
        compensations = cls._lost_compensations(dossier)
        if not compensations:
            return None
        costs = sum((c.costs for c in compensations), Decimal(0))
        fees = sum((c.fees for c in compensations), Decimal(0))
        tracking = ', '.join(c.shipment.rec_name for c in compensations)
        subject = applicant_text(
            'gov_postal.msg_notification_lost_subject', **v)
        lines = [
            applicant_text('gov_postal.msg_notification_lost', **v,
                tracking=tracking),
            applicant_text('gov_postal.msg_notification_lost_amounts',
                costs=format_amount(costs), fees=format_amount(fees),
                total=format_amount(costs + fees)),
            applicant_text('gov_postal.msg_notification_lost_basis',
                basis=compensations[0].legal_basis),
            ]
        sms = applicant_text('gov_postal.msg_notification_lost_sms',
            code=dossier.code or '',
            total=format_amount(costs + fees, short=True))
        if len(sms) > 459:
            sms = sms[:456] + '...'
        return subject, lines, sms

    @classmethod
    def content(cls, dossier, kind):
        "Nothing is said of a loss without an approved compensation."
        if kind == KIND[0] and not cls._lost_compensations(dossier):
            return None
        return super().content(dossier, kind)
