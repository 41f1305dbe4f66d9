# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Settings of feedback handling (R-FB-1, R-FB-2).

The deadlines are counted in working days with gov.calendar: Nghị định
20/2008/NĐ-CP gives an agency 10 working days to process a feedback on an
administrative regulation; the demo takes the same for an answer and for
the superior agency once escalated. The values are the administrator's,
not the code's."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool

DEFAULT_ANSWER_DAYS = 10
DEFAULT_ESCALATION_DAYS = 10
DEFAULT_DUE_SOON_DAYS = 2


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Settings of feedback and complaints."
    __name__ = 'gov.feedback.configuration'
    __string__ = "Feedback Configuration"

    sequence = fields.Many2One(
        'ir.sequence', "Tracking Code Sequence", required=True,
        help="Numbers the tracking codes (mã phản ánh).")
    answer_days = fields.Integer(
        "Answer Time (Working Days)", required=True,
        domain=[('answer_days', '>', 0)],
        help="The responsible agency answers within this many working days "
        "of the receipt.")
    escalation_days = fields.Integer(
        "Escalated Answer Time (Working Days)", required=True,
        domain=[('escalation_days', '>', 0)],
        help="The superior agency answers an escalated case within this "
        "many working days of the escalation.")
    due_soon_days = fields.Integer(
        "Warn Before (Working Days)", required=True,
        domain=[('due_soon_days', '>=', 0)],
        help="The unit head is warned daily of the feedback due within "
        "this many working days, and of the overdue.")

    @classmethod
    def default_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('gov_feedback', 'sequence_feedback')
        except KeyError:
            return None

    @classmethod
    def default_answer_days(cls):
        return DEFAULT_ANSWER_DAYS

    @classmethod
    def default_escalation_days(cls):
        return DEFAULT_ESCALATION_DAYS

    @classmethod
    def default_due_soon_days(cls):
        return DEFAULT_DUE_SOON_DAYS
