# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Feedback, recommendations and complaints (phản ánh, kiến nghị, khiếu
nại; QĐ 04/2019 Điều 30, 31; R-FB-1, R-FB-2).

A feedback is received on a channel (the portal, e-mail, the hotline, a
letter, in person), routed to the responsible agency — the dossier's, else
the procedure's when it has one, else the agency she named, else the
provincial office assigns it —, answered within a deadline in working
days, and closed. The citizen may say once that she is not satisfied: the
case escalates to the superior agency (the parent in the agency tree) with
a new deadline; so does a complaint about a dossier left unanswered past
its deadline (deadline.py, daily). Every change is a line of its history
(history.py), written by the buttons only (R-AG-3)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_dossier.code import CodeMixin

from .citizen import CitizenMixin
from .deadline import DeadlineMixin
from .exceptions import (
    FeedbackAccessError, FeedbackValidationError, FeedbackWorkflowError)
from .publication import PublicationMixin

STATES = [
    ('received', "Received"),
    ('assigned', "Assigned"),
    ('escalated', "Escalated"),
    ('answered', "Answered"),
    ('closed', "Closed"),
    ]
# The states waiting for an answer (the deadline runs).
OPEN_STATES = ['received', 'assigned', 'escalated']
KINDS = [
    ('feedback', "Feedback"),
    ('recommendation', "Recommendation"),
    ('complaint', "Complaint about Dossier Handling"),
    ]
CHANNELS = [
    ('portal', "Portal"),
    ('email', "E-mail"),
    ('phone', "Phone / Hotline"),
    ('letter', "Letter"),
    ('in_person', "In Person"),
    ]
# Fields only the workflow writes: refused through RPC.
PROTECTED_FIELDS = {
    'code', 'pin', 'state', 'web_user', 'received_date', 'due_date',
    'answered_by', 'answered_date', 'reopened', 'reopen_reason',
    'escalated', 'escalated_date', 'out_of_scope', 'close_reason',
    'history', 'involved_agencies', 'warning_date', 'published',
    'published_by', 'published_date', 'qa_search_text', 'slug',
    'sender_address_key',
    }
# Fields an officer may change through RPC, by state.
WRITABLE = {
    'received': {'agency', 'kind', 'title', 'content', 'procedure',
        'dossier', 'subject_agency', 'sender_name', 'sender_phone',
        'sender_email', 'attachments', 'publication_consent', 'notes'},
    'assigned': {'answer', 'notes', 'attachments'},
    'escalated': {'answer', 'notes', 'attachments'},
    'answered': {'published_question', 'published_answer', 'notes'},
    'closed': {'published_question', 'published_answer', 'notes'},
    }


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Feedback(CitizenMixin, PublicationMixin, DeadlineMixin, Workflow,
        ModelSQL, ModelView):
    "A feedback, recommendation or complaint of a citizen (R-FB-1)."
    __name__ = 'gov.feedback'
    __string__ = "Feedback"
    _rec_name = 'code'

    code = fields.Char("Tracking Code", readonly=True)
    pin = fields.Char("PIN", readonly=True,
        help="Given to the sender with the tracking code, to follow it.")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states={'readonly': Eval('state') != 'received'})
    kind_string = kind.translated('kind')
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        sort=False, states={'readonly': Eval('id', -1) >= 0})
    channel_string = channel.translated('channel')
    web_user = fields.Many2One('web.user', "Citizen Account", readonly=True,
        ondelete='RESTRICT')
    sender_address_key = fields.Char("Sender Address Key", readonly=True,
        help="A keyed hash of the address a portal sending came from: "
        "the hourly limit per address counts it; the address itself is "
        "not kept.")
    sender_name = fields.Char("Sender", required=True,
        states={'readonly': Eval('state') != 'received'})
    sender_phone = fields.Char("Phone",
        states={'readonly': Eval('state') != 'received'})
    sender_email = fields.Char("E-mail",
        states={'readonly': Eval('state') != 'received'})
    procedure = fields.Many2One('gov.procedure', "Procedure",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'received'})
    subject_agency = fields.Many2One('gov.agency', "Agency Concerned",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'received'})
    dossier = fields.Many2One('gov.dossier', "Dossier", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'received',
            'required': Eval('kind') == 'complaint',
            })
    sector = fields.Function(fields.Many2One('gov.sector', "Sector"),
        'get_sector', searcher='search_sector')
    title = fields.Char("Title", required=True,
        states={'readonly': Eval('state') != 'received'})
    content = fields.Text("Content", required=True,
        states={'readonly': Eval('state') != 'received'})
    attachments = fields.One2Many('gov.feedback.attachment', 'feedback',
        "Files", states={'readonly': ~Eval('state').in_(OPEN_STATES)})
    publication_consent = fields.Boolean("Consents to Publication",
        states={'readonly': Eval('state') != 'received'},
        help="The sender agrees that the question and its answer, without "
        "personal data, are published in the Q&A.")
    agency = fields.Many2One('gov.agency', "Responsible Agency",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'received',
            'required': Eval('state') != 'received',
            })
    involved_agencies = fields.Many2Many('gov.feedback-gov.agency',
        'feedback', 'agency', "Involved Agencies", readonly=True,
        help="Every agency the feedback was assigned, transferred or "
        "escalated to: they keep reading it.")
    received_date = fields.DateTime("Received At", readonly=True)
    due_date = fields.Date("Answer Due", readonly=True)
    answer = fields.Text("Answer",
        states={'readonly': ~Eval('state').in_(['assigned', 'escalated'])})
    answered_by = fields.Many2One('res.user', "Answered By", readonly=True,
        ondelete='RESTRICT')
    answered_date = fields.DateTime("Answered At", readonly=True)
    reopened = fields.Boolean("Reopened by the Citizen", readonly=True)
    reopen_reason = fields.Text("Why Not Satisfied", readonly=True)
    escalated = fields.Boolean("Escalated", readonly=True)
    escalated_date = fields.DateTime("Escalated At", readonly=True)
    out_of_scope = fields.Boolean("Out of Scope", readonly=True)
    close_reason = fields.Text("Closing Reason", readonly=True)
    warning_date = fields.Date("Last Warning", readonly=True)
    notes = fields.Text("Internal Notes")
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    state_string = state.translated('state')
    history = fields.One2Many('gov.feedback.history', 'feedback', "History",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.code, Index.Equality(cardinality='high'))),
                Index(t, (t.state, Index.Equality()),
                    (t.due_date, Index.Range())),
                Index(t, (t.agency, Index.Equality())),
                Index(t, (t.web_user, Index.Equality())),
                })
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('received', 'assigned'),
            ('received', 'escalated'),
            ('assigned', 'escalated'),
            ('assigned', 'answered'),
            ('escalated', 'answered'),
            ('answered', 'escalated'),
            ('closed', 'escalated'),
            ('answered', 'closed'),
            ('received', 'closed'),
            ('assigned', 'closed'),
            ('escalated', 'closed'),
            }
        cls._buttons.update({
                'assign': {
                    'invisible': Eval('state') != 'received',
                    'readonly': ~Eval('agency'),
                    'depends': ['state', 'agency'],
                    },
                'answer_button': {
                    'invisible': ~Eval('state').in_(['assigned', 'escalated']),
                    'readonly': ~Eval('answer'),
                    'depends': ['state', 'answer'],
                    },
                'transfer': {
                    'invisible': ~Eval('state').in_(
                        ['received', 'assigned', 'escalated']),
                    'depends': ['state'],
                    },
                'close_out_of_scope': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': (~Eval('state').in_(['answered', 'closed'])
                        | ~Eval('publication_consent') | Eval('published')),
                    'readonly': (~Eval('published_question')
                        | ~Eval('published_answer')),
                    'depends': ['state', 'publication_consent', 'published',
                        'published_question', 'published_answer'],
                    },
                'unpublish': {
                    'invisible': ~Eval('published'),
                    'depends': ['published'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'received'

    @classmethod
    def default_kind(cls):
        return 'feedback'

    @classmethod
    def default_channel(cls):
        return 'in_person'

    @classmethod
    def default_publication_consent(cls):
        return False

    def get_rec_name(self, name):
        if self.code and self.title:
            return f'{self.code} — {self.title}'
        return self.code or self.title or str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value, *extra = clause
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('code', operator, value, *extra),
            ('title', operator, value, *extra),
            ]

    def get_sector(self, name):
        if self.procedure and self.procedure.field:
            return self.procedure.field.sector.id
        if self.dossier and self.dossier.procedure.field:
            return self.dossier.procedure.field.sector.id

    @classmethod
    def search_sector(cls, name, clause):
        _, operator, value, *extra = clause
        return ['OR',
            ('procedure.field.sector', operator, value, *extra),
            ('dossier.procedure.field.sector', operator, value, *extra),
            ]

    @fields.depends('dossier', 'procedure', 'subject_agency', 'agency')
    def on_change_dossier(self):
        if self.dossier and not self.agency:
            self.agency = self.dossier.agency
        if self.dossier and not self.procedure:
            self.procedure = self.dossier.procedure

    # ------------------------------------------------------------ creation

    @classmethod
    def responsible_agency(cls, dossier=None, procedure=None, agency=None):
        """The agency that answers: the dossier's, else the procedure's when
        it has only one, else the agency concerned; None — the provincial
        office assigns it (R-FB-1)."""
        if dossier:
            return dossier.agency
        if procedure and len(procedure.agencies) == 1:
            return procedure.agencies[0]
        return agency

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('gov.feedback.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Secrets and codes are always made here, never taken.
            values['pin'] = CodeMixin.generate_pin()
            values['code'] = Configuration(1).sequence.get()
            values.setdefault('received_date', cls._now())
            for name in ['title', 'sender_name']:
                if values.get(name):
                    values[name] = ' '.join(values[name].split())
        return values

    @classmethod
    def create(cls, vlist):
        feedbacks = super().create(vlist)
        cls._receive(feedbacks)
        return feedbacks

    @classmethod
    def _receive(cls, feedbacks):
        "History of the receipt, the deadline, and the automatic routing."
        History = Pool().get('gov.feedback.history')
        History.add(feedbacks, 'received', None, 'received')
        to_assign = []
        for feedback in feedbacks:
            agency = feedback.agency or cls.responsible_agency(
                feedback.dossier, feedback.procedure, feedback.subject_agency)
            values = {'due_date': feedback.compute_due_date(
                    feedback.received_date, agency)}
            if agency:
                values['agency'] = agency.id
                to_assign.append(feedback)
            cls._write([feedback], values)
        if to_assign:
            cls._do_assign(to_assign, automatic=True)

    @classmethod
    def validate_fields(cls, feedbacks, field_names):
        super().validate_fields(feedbacks, field_names)
        if field_names & {'kind', 'dossier', 'web_user'}:
            for feedback in feedbacks:
                if feedback.kind == 'complaint' and not feedback.dossier:
                    raise FeedbackValidationError(gettext(
                            'gov_feedback.msg_complaint_dossier',
                            feedback=feedback.rec_name))
                if (feedback.dossier and feedback.web_user
                        and feedback.dossier.web_user != feedback.web_user):
                    raise FeedbackValidationError(gettext(
                            'gov_feedback.msg_dossier_not_own'))
        if field_names & {'sender_phone', 'sender_email', 'web_user'}:
            for feedback in feedbacks:
                if (feedback.channel == 'portal' and not feedback.web_user
                        and not (feedback.sender_phone
                            or feedback.sender_email)):
                    raise FeedbackValidationError(gettext(
                            'gov_feedback.msg_contact_required'))

    # -------------------------------------------------------------- access

    @classmethod
    def check_modification(cls, mode, feedbacks, values=None,
            external=False):
        super().check_modification(
            mode, feedbacks, values=values, external=external)
        if not external:
            return
        if mode == 'create':
            for feedback in feedbacks:
                if feedback.web_user or feedback.channel == 'portal':
                    # Only the portal says a citizen sent it.
                    cls._raise_protected('web_user')
        elif mode == 'write':
            protected = set(values) & PROTECTED_FIELDS
            if protected:
                cls._raise_protected(sorted(protected)[0])
            for feedback in feedbacks:
                refused = set(values) - WRITABLE.get(feedback.state, set())
                if feedback.published:
                    # Unpublish first: the public reads the reviewed texts.
                    refused |= set(values) & {
                        'published_question', 'published_answer'}
                if refused:
                    raise FeedbackAccessError(gettext(
                            'gov_feedback.msg_field_locked',
                            feedback=feedback.rec_name,
                            field=cls._fields[sorted(refused)[0]].string,
                            state=feedback.state_string))
        elif mode == 'delete':
            raise FeedbackAccessError(gettext(
                    'gov_feedback.msg_delete',
                    feedback=feedbacks[0].rec_name if feedbacks else ''))

    @classmethod
    def _raise_protected(cls, name):
        raise FeedbackAccessError(gettext(
                'gov_feedback.msg_field_protected',
                field=cls._fields[name].string))

    @classmethod
    def _write(cls, feedbacks, values):
        "The workflow's own writes (the checks were made by the caller)."
        if feedbacks:
            with without_check_access():
                cls.write(list(feedbacks), values)

    @classmethod
    def _check_acting(cls, feedbacks):
        """Buttons run without the record rules' write check: only the
        provincial office and the officers of the responsible agency act
        on a feedback (those of an agency it left only read it)."""
        pool = Pool()
        User = pool.get('res.user')
        Agency = pool.get('gov.agency')
        ModelData = pool.get('ir.model.data')
        user = Transaction().user
        if not user:
            return
        if ModelData.get_id('gov_agency', 'group_admin') in User.get_groups():
            return
        allowed = set(Agency.dossier_agencies(User.get_agencies()))
        for feedback in feedbacks:
            if not feedback.agency or feedback.agency.id not in allowed:
                raise FeedbackAccessError(gettext(
                        'gov_feedback.msg_not_your_agency',
                        feedback=feedback.rec_name))

    @classmethod
    def copy(cls, feedbacks, default=None):
        if not feedbacks:
            return super().copy(feedbacks, default=default)
        raise FeedbackAccessError(gettext('gov_feedback.msg_no_copy'))

    # ------------------------------------------------------------ workflow

    @classmethod
    def _do_assign(cls, feedbacks, automatic=False):
        History = Pool().get('gov.feedback.history')
        for feedback in feedbacks:
            if feedback.state != 'received':
                continue
            History.add([feedback], 'assigned', 'received', 'assigned',
                to_agency=feedback.agency,
                reason=gettext('gov_feedback.msg_routed_automatically')
                if automatic else None)
            cls._involve([feedback], feedback.agency)
        cls._write([f for f in feedbacks if f.state == 'received'],
            {'state': 'assigned'})

    @classmethod
    def _involve(cls, feedbacks, agency):
        for feedback in feedbacks:
            ids = {a.id for a in feedback.involved_agencies}
            if agency and agency.id not in ids:
                cls._write([feedback], {
                        'involved_agencies': [('add', [agency.id])]})

    @classmethod
    @ModelView.button
    def assign(cls, feedbacks):
        "The provincial office routes a feedback to the responsible agency."
        for feedback in feedbacks:
            if feedback.state != 'received':
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_not_in_state',
                        feedback=feedback.rec_name,
                        state=feedback.state_string))
            if not feedback.agency:
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_assign_agency',
                        feedback=feedback.rec_name))
        cls._do_assign(feedbacks)

    @classmethod
    @ModelView.button
    def answer_button(cls, feedbacks):
        "Record the answer written in the form."
        cls.do_answer(feedbacks)

    @classmethod
    def do_answer(cls, feedbacks, text=None):
        """Answer the feedbacks (text, or the answer already written):
        answered by the current user, now."""
        History = Pool().get('gov.feedback.history')
        cls._check_acting(feedbacks)
        for feedback in feedbacks:
            if feedback.state not in {'assigned', 'escalated'}:
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_not_in_state',
                        feedback=feedback.rec_name,
                        state=feedback.state_string))
            answer = text if text is not None else feedback.answer
            if not (answer or '').strip():
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_answer_required',
                        feedback=feedback.rec_name))
            History.add([feedback], 'answered', feedback.state, 'answered')
            cls._write([feedback], {
                    'answer': answer.strip(),
                    'answered_by': Transaction().user or None,
                    'answered_date': cls._now(),
                    'state': 'answered',
                    })

    @classmethod
    @ModelView.button_action('gov_feedback.wizard_transfer')
    def transfer(cls, feedbacks):
        pass

    @classmethod
    def do_transfer(cls, feedbacks, agency, reason):
        """Hand the feedbacks to another agency, with the reason: it
        answers within a new deadline counted from now (R-FB-1)."""
        History = Pool().get('gov.feedback.history')
        if not (reason or '').strip():
            raise FeedbackWorkflowError(gettext(
                    'gov_feedback.msg_reason_required'))
        for feedback in feedbacks:
            if feedback.state == 'received':
                continue
            cls._check_acting([feedback])
        now = cls._now()
        for feedback in feedbacks:
            if feedback.state not in OPEN_STATES:
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_not_in_state',
                        feedback=feedback.rec_name,
                        state=feedback.state_string))
            if feedback.agency == agency:
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_transfer_same',
                        feedback=feedback.rec_name))
            to_state = ('assigned' if feedback.state == 'received'
                else feedback.state)
            History.add([feedback], 'transferred', feedback.state, to_state,
                from_agency=feedback.agency, to_agency=agency,
                reason=reason.strip())
            cls._write([feedback], {
                    'agency': agency.id,
                    'state': to_state,
                    'due_date': cls.compute_due_date(now, agency),
                    'warning_date': None,
                    })
            cls._involve([feedback], agency)

    @classmethod
    @ModelView.button_action('gov_feedback.wizard_close_out_of_scope')
    def close_out_of_scope(cls, feedbacks):
        pass

    @classmethod
    def do_close_out_of_scope(cls, feedbacks, reason):
        "Close as outside the agencies' remit, with the reason she reads."
        History = Pool().get('gov.feedback.history')
        if not (reason or '').strip():
            raise FeedbackWorkflowError(gettext(
                    'gov_feedback.msg_reason_required'))
        for feedback in feedbacks:
            if feedback.state != 'received':
                cls._check_acting([feedback])
            if feedback.state not in OPEN_STATES:
                raise FeedbackWorkflowError(gettext(
                        'gov_feedback.msg_not_in_state',
                        feedback=feedback.rec_name,
                        state=feedback.state_string))
            History.add([feedback], 'out_of_scope', feedback.state,
                'closed', reason=reason.strip())
        cls._write(list(feedbacks), {
                'state': 'closed',
                'out_of_scope': True,
                'close_reason': reason.strip(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, feedbacks):
        "Close answered feedback (the citizen may still reopen it once)."
        History = Pool().get('gov.feedback.history')
        cls._check_acting(feedbacks)
        History.add(feedbacks, 'closed', 'answered', 'closed')

    @classmethod
    def escalate(cls, feedbacks, reason, web_user=None):
        """Hand the feedbacks to the superior agency (the parent of the
        responsible one; the top agency keeps them) with their history and
        a new deadline of escalation_days working days (R-FB-2). The
        provincial office sees every escalated case."""
        pool = Pool()
        History = pool.get('gov.feedback.history')
        Configuration = pool.get('gov.feedback.configuration')
        days = Configuration(1).escalation_days
        now = cls._now()
        for feedback in feedbacks:
            superior = (feedback.agency.parent if feedback.agency
                and feedback.agency.parent else feedback.agency)
            History.add([feedback], 'escalated', feedback.state, 'escalated',
                from_agency=feedback.agency, to_agency=superior,
                reason=reason, web_user=web_user)
            values = {
                'state': 'escalated',
                'escalated': True,
                'escalated_date': now,
                'due_date': cls.compute_due_date(now, superior, days),
                'warning_date': None,
                'answered_by': None,
                'answered_date': None,
                }
            if superior:
                values['agency'] = superior.id
            cls._write([feedback], values)
            cls._involve([feedback], superior)
