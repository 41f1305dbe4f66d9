# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import ModelSQL, fields


class FeedbackAgency(ModelSQL):
    "An agency a feedback was routed, transferred or escalated to."
    __name__ = 'gov.feedback-gov.agency'
    __string__ = "Feedback Involved Agency"

    feedback = fields.Many2One('gov.feedback', "Feedback", required=True,
        ondelete='CASCADE')
    agency = fields.Many2One('gov.agency', "Agency", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('feedback')
