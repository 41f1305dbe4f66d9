# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The result notification says the result is signed only when it is:
the codes of the signed results and where anyone verifies them (R-RES-3,
R-NOT-1)."""
from trytond.pool import PoolMeta

from gov_dossier.report import applicant_text, portal_url


class Notification(metaclass=PoolMeta):
    __name__ = 'gov.notification'

    @classmethod
    def _content_result(cls, dossier, v):
        subject, lines, sms = super()._content_result(dossier, v)
        signed = dossier.signed_results()
        if signed:
            lines = list(lines) + [applicant_text(
                    'gov_signature.msg_notification_result_signed',
                    agency=dossier.agency.name,
                    codes=', '.join(d.result_code for d in signed),
                    url=f'{portal_url()}/xac-thuc')]
        return subject, lines, sms
