# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The history of a feedback: who, when, from which state and agency to
which, and why — append-only, written by the workflow (R-FB-1, R-FB-2)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from gov_dossier.access import RuleCheckedExportMixin

from .exceptions import FeedbackAccessError

EVENTS = [
    ('received', "Received"),
    ('assigned', "Assigned"),
    ('transferred', "Transferred"),
    ('answered', "Answered"),
    ('closed', "Closed"),
    ('out_of_scope', "Closed Out of Scope"),
    ('reopened', "Reopened: Not Satisfied"),
    ('escalated', "Escalated"),
    ('published', "Published in the Q&A"),
    ('unpublished', "Withdrawn from the Q&A"),
    ]
# What the sender reads of her feedback's history (no officer's name).
PUBLIC_EVENTS = {'received', 'assigned', 'transferred', 'answered', 'closed',
    'out_of_scope', 'reopened', 'escalated'}


class FeedbackHistory(RuleCheckedExportMixin, ModelSQL, ModelView):
    "One change of a feedback: who, when, from, to, why."
    __name__ = 'gov.feedback.history'
    __string__ = "Feedback History"

    feedback = fields.Many2One('gov.feedback', "Feedback", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')
    web_user = fields.Many2One('web.user', "Citizen Account", readonly=True,
        ondelete='SET NULL')
    event = fields.Selection(EVENTS, "Event", required=True, readonly=True,
        sort=False)
    event_string = event.translated('event')
    from_state = fields.Selection('get_states', "From State", readonly=True)
    from_state_string = from_state.translated('from_state')
    to_state = fields.Selection('get_states', "To State", readonly=True)
    to_state_string = to_state.translated('to_state')
    from_agency = fields.Many2One('gov.agency', "From Agency", readonly=True,
        ondelete='RESTRICT')
    to_agency = fields.Many2One('gov.agency', "To Agency", readonly=True,
        ondelete='RESTRICT')
    reason = fields.Text("Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('feedback')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.feedback, Index.Equality()),
                (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_states(cls):
        from .feedback import STATES
        return [(None, '')] + STATES

    @classmethod
    def add(cls, feedbacks, event, from_state, to_state, from_agency=None,
            to_agency=None, reason=None, web_user=None, date=None):
        "Append one entry per feedback."
        Feedback = Pool().get('gov.feedback')
        user = Transaction().user or None
        date = date or Feedback._now()
        with without_check_access():
            cls.create([{
                        'feedback': f.id,
                        'date': date,
                        'user': user if not web_user else None,
                        'web_user': int(web_user) if web_user else None,
                        'event': event,
                        'from_state': from_state,
                        'to_state': to_state,
                        'from_agency': from_agency.id if from_agency else None,
                        'to_agency': to_agency.id if to_agency else None,
                        'reason': reason,
                        } for f in feedbacks])

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        "Only the workflow writes the history; nobody changes it (R-AG-3)."
        super().check_modification(
            mode, records, values=values, external=external)
        if external or mode == 'write':
            raise FeedbackAccessError(gettext(
                    'gov_feedback.msg_history_workflow_only'))
