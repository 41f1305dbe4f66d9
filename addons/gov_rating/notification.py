# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The result notification invites the applicant to rate the service
(R-RATE-1): gov_dossier's notifications of a result ready and of a refused
dossier end with the link ``/danh-gia/<token>`` of the dossier (the text
msg_notification_rating of gov_rating, in the applicants' language). The
SMS stays as short as it was."""
from trytond.pool import PoolMeta

from gov_dossier.report import applicant_text


class Notification(metaclass=PoolMeta):
    __name__ = 'gov.notification'

    @classmethod
    def _with_rating_link(cls, dossier, content):
        subject, lines, sms = content
        lines = list(lines) + [applicant_text(
                'gov_rating.msg_notification_rating',
                url=dossier.rating_url())]
        return subject, lines, sms

    @classmethod
    def _content_result(cls, dossier, v):
        return cls._with_rating_link(
            dossier, super()._content_result(dossier, v))

    @classmethod
    def _content_refused(cls, dossier, v):
        return cls._with_rating_link(
            dossier, super()._content_refused(dossier, v))
