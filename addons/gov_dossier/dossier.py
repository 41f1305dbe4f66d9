# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Dossiers (hồ sơ): states, transitions, codes, deadlines, audit history.

The rules are documented in doc/index.rst; every transition goes through
Dossier._change() which writes the state, the audit history and then calls
the Dossier._on_event() hook."""
import datetime as dt
import secrets
from collections import defaultdict
from decimal import Decimal
from functools import wraps

from sql import Literal, Null
from sql.aggregate import Max
from sql.operators import Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import (
    DossierAccessError, DossierStateError, DossierValidationError,
    DossierWorkflowError, UploadError)
from .identity import compact, is_tax_code, personal_id_error
from .lookup import PublicLookupMixin
from .selection_labels import SelectionLabelsMixin

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('received', "Received"),
    ('supplement', "Supplement Requested"),
    ('rejected', "Rejected"),
    ('processing', "Processing"),
    ('result_ready', "Result Ready"),
    ('done', "Done"),
    ('withdrawn', "Withdrawn"),
    ('suspended', "Suspended"),
    ]
CHANNELS = [
    ('online', "Online"),
    ('desk', "One-Stop Desk"),
    ('postal', "Postal"),
    ]
TIMELINESS = [
    (None, ""),
    ('early', "Early"),
    ('on_time', "On Time"),
    ('late', "Late"),
    ]
RESULT_TYPES = [
    (None, ""),
    ('paper', "Paper"),
    ('electronic', "Electronic"),
    ]
RETURN_METHODS = [
    (None, ""),
    ('desk', "At the One-Stop Desk"),
    ('postal', "By Postal Service"),
    ('online', "Online"),
    ]
APPLICANT_KINDS = [
    ('citizen', "Citizen"),
    ('organisation', "Organisation"),
    ]
EVENTS = [
    ('submitted', "Submitted"),
    ('received', "Received"),
    ('supplement', "Supplement Requested"),
    ('rejected', "Rejected"),
    ('processing', "Processing Started"),
    ('forwarded', "Forwarded"),
    ('returned_step', "Sent Back"),
    ('transferred', "Transferred"),
    ('result_ready', "Result Ready"),
    ('done', "Result Returned"),
    ('withdrawn', "Withdrawn"),
    ('suspended', "Suspended"),
    ('resumed', "Resumed"),
    ('late_warning', "Late Warning"),
    ]
# Events whose reason the citizen reads (R-NOT-1: what to add and why, why
# refused); the reasons of internal events (sent back…) stay internal.
PUBLIC_REASON_EVENTS = {
    'supplement', 'rejected', 'withdrawn', 'suspended', 'resumed'}
STEP_KINDS = [
    ('receive', "Receive"),
    ('check', "Check"),
    ('process', "Process"),
    ('approve', "Approve"),
    ('return', "Return Result"),
    ('transfer', "Inter-Agency Transfer"),
    ]
STEP_STATES = [
    ('waiting', "Waiting"),
    ('running', "In Progress"),
    ('done', "Done"),
    ('skipped', "Skipped"),
    ('cancelled', "Cancelled"),
    ]
# Steps a dossier is routed through between reception and the result.
ROUTED_KINDS = {'check', 'process', 'approve'}
# Steps done at the one-stop desk serving the agency when they name no unit.
DESK_KINDS = {'receive', 'return'}
# States in which the processing clock runs.
CLOCK_STATES = ['received', 'processing']
FINAL_STATES = {'rejected', 'done', 'withdrawn'}
# Fields only the workflow writes: refused on create/write through RPC.
PROTECTED_FIELDS = {
    'state', 'code', 'code_key', 'code_date', 'code_sequence', 'pin',
    'qr_token',
    'web_user', 'submitted_by', 'received_by', 'submitted_date',
    'received_date', 'processing_days', 'suspended_days', 'suspended_date',
    'suspended_from', 'due_date', 'completed_date', 'returned_date',
    'timeliness', 'current_step', 'current_unit', 'involved_agencies',
    'supplement_components', 'supplement_reason', 'rejection_reason',
    'withdrawal_reason', 'suspension_reason', 'backfilled',
    'late_warning_date', 'steps', 'history',
    }
# Fields an officer may still change through RPC once the dossier left draft.
WRITABLE_AFTER_DRAFT = {
    'submitted': {'notes', 'documents', 'result_type', 'return_method',
        'result_note'},
    'supplement': {'notes', 'documents'},
    'received': {'notes', 'documents', 'result_type', 'return_method',
        'result_note'},
    'processing': {'notes', 'documents', 'result_type', 'return_method',
        'result_note'},
    'suspended': {'notes', 'documents', 'result_type', 'return_method',
        'result_note'},
    'result_ready': {'notes', 'documents', 'return_method', 'result_note'},
    'done': {'notes'},
    'rejected': {'notes'},
    'withdrawn': {'notes'},
    }
# The states each action starts from (the workflow's _transitions also hold
# the moves of resume, which must not open other doors).
ACTION_FROM = {
    'submit': {'draft', 'supplement'},
    'receive': {'draft', 'submitted', 'supplement'},
    'request_supplement': {'submitted', 'received'},
    'reject': {'submitted', 'supplement', 'received'},
    'process': {'received'},
    'forward': {'processing'},
    'send_back': {'processing'},
    'transfer': {'processing'},
    'approve': {'processing'},
    'result_ready': {'processing'},
    'done': {'result_ready'},
    'withdraw': {'submitted', 'supplement', 'received', 'processing',
        'suspended'},
    'suspend': {'received', 'processing'},
    'resume': {'suspended'},
    'backfill': {'draft'},
    }
MAX_CODE_ATTEMPTS = 1000
HEAD_GROUPS = ('group_unit_head', 'group_leader')


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _external(func):
    """Remember whether the button was called through RPC (access checked)
    before ModelView.button turns the access check off, so that the
    transition can apply the officer-level checks (unit, step group) only
    to real users and not to server code (portal, cron, tests as root)."""
    @wraps(func)
    def wrapper(cls, records, *args, **kwargs):
        transaction = Transaction()
        external = bool(transaction.user and transaction.check_access)
        with transaction.set_context(_gov_dossier_external=external):
            return func(cls, records, *args, **kwargs)
    return wrapper


def _is_external():
    return bool(Transaction().context.get('_gov_dossier_external'))


def _empty(value):
    return value in (None, False, 0, '', (), [], {})


class RuleCheckedExportMixin:
    """Tryton's export_data() evaluates record rules in Python, where the
    rules a child model takes through __access__ (operator 'where') always
    pass: without this, an officer could export the files of another
    agency's dossier by its ids. Check the ids with read(), whose rules are
    evaluated by the database, first (R-AG-3, R-SEC-2)."""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            cls.read([r.id for r in records], ['id'])
        return super().export_data(records, fields_names, header=header)


class Dossier(SelectionLabelsMixin, PublicLookupMixin, RuleCheckedExportMixin,
        Workflow, ModelSQL, ModelView):
    "An administrative-procedure dossier (hồ sơ) submitted by an applicant."
    __name__ = 'gov.dossier'
    __string__ = "Dossier"
    _rec_name = 'code'

    _draft = {'readonly': Eval('state') != 'draft'}

    code = fields.Char(
        "Code", readonly=True,
        help="Dossier code (mã hồ sơ) assigned when an online dossier is "
        "first submitted or a desk dossier is received.")
    code_key = fields.Char("Code Agency", readonly=True)
    code_date = fields.Date("Code Date", readonly=True)
    code_sequence = fields.Integer("Code Number", readonly=True)
    pin = fields.Char(
        "Lookup PIN", readonly=True, strip=False,
        help="Printed on the receipt: shows the applicant's data in the "
        "public lookup.")
    qr_token = fields.Char("QR Token", readonly=True, strip=False)

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='RESTRICT',
        states=_draft)
    agency = fields.Many2One(
        'gov.agency', "Receiving Agency", required=True, ondelete='RESTRICT',
        states=_draft,
        help="The agency the dossier is addressed to; the one-stop desk "
        "serving it receives it. Its identifier code starts the dossier "
        "code.")
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, sort=False, states=_draft)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    # Applicant (người nộp): a citizen or an organisation.
    applicant = fields.Many2One(
        'party.party', "Applicant", ondelete='RESTRICT', states=_draft,
        help="Created from the identifiers below when left empty.")
    applicant_kind = fields.Selection(
        APPLICANT_KINDS, "Applicant Kind", required=True, sort=False,
        states=_draft)
    applicant_name = fields.Char(
        "Applicant Name", states={
            'readonly': Eval('state') != 'draft',
            'required': ~Eval('state').in_(['draft']),
            },
        help="Full name of the citizen, or name of the organisation.")
    applicant_id_number = fields.Char(
        "Personal Identification Number", states=_draft,
        help="12 digits (số định danh cá nhân); required for a citizen.")
    applicant_tax_code = fields.Char(
        "Tax Code", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('applicant_kind') != 'organisation',
            },
        help="Tax code (mã số thuế); required for an organisation.")
    submitter_name = fields.Char(
        "Submitter Name", states=_draft,
        help="The person who submits: the organisation's representative, "
        "or the citizen (default).")
    applicant_phone = fields.Char("Phone", states=_draft)
    applicant_email = fields.Char("E-mail", states=_draft)
    applicant_address = fields.Text("Address", states=_draft)

    web_user = fields.Many2One(
        'web.user', "Citizen Account", readonly=True, ondelete='RESTRICT',
        help="The portal account that owns the dossier.")
    submitted_by = fields.Many2One(
        'res.user', "Submitted By", readonly=True, ondelete='RESTRICT')
    received_by = fields.Many2One(
        'res.user', "Received By", readonly=True, ondelete='RESTRICT')

    form_data = fields.Dict(
        'gov.procedure.form_field', "Form Data",
        domain=[('procedure', '=', Eval('procedure', -1))],
        states=_draft)
    documents = fields.One2Many(
        'gov.dossier.document', 'dossier', "Documents",
        states={
            'readonly': Eval('state').in_(list(FINAL_STATES)),
            })
    notes = fields.Text("Notes", help="Internal notes of the officers.")

    # Routing
    steps = fields.One2Many(
        'gov.dossier.step', 'dossier', "Steps", readonly=True)
    current_step = fields.Many2One(
        'gov.dossier.step', "Current Step", readonly=True,
        ondelete='SET NULL',
        domain=[('dossier', '=', Eval('id', -1))])
    current_step_kind = fields.Function(fields.Selection(
            [(None, '')] + STEP_KINDS, "Current Step Kind"),
        'on_change_with_current_step_kind')
    has_next_step = fields.Function(
        fields.Boolean("Has Next Step"), 'get_has_next_step')
    current_unit = fields.Many2One(
        'gov.agency', "Current Unit", readonly=True, ondelete='RESTRICT')
    involved_agencies = fields.Many2Many(
        'gov.dossier-gov.agency', 'dossier', 'agency', "Involved Agencies",
        readonly=True,
        help="Units and agencies the dossier was routed or transferred to: "
        "their officers see it.")

    # Dates and deadlines
    submitted_date = fields.DateTime("Submitted Date", readonly=True)
    received_date = fields.DateTime(
        "Received Date", readonly=True,
        help="When the complete dossier reached the agency: the processing "
        "time counts from here (R-PROC-2).")
    processing_days = fields.Numeric(
        "Processing Days", digits=(16, 2), readonly=True,
        help="The procedure's processing time when the dossier was "
        "received.")
    suspended_days = fields.Integer("Suspended Working Days", readonly=True)
    suspended_date = fields.DateTime("Suspended Since", readonly=True)
    suspended_from = fields.Selection([
            (None, ''),
            ('received', "Received"),
            ('processing', "Processing"),
            ], "Suspended From", readonly=True)
    due_date = fields.Date(
        "Due Date", readonly=True,
        help="Appointment date (ngày hẹn trả) computed with the working "
        "calendar.")
    completed_date = fields.DateTime(
        "Completed Date", readonly=True,
        help="When the result was ready: the timeliness compares its date "
        "with the due date.")
    returned_date = fields.DateTime(
        "Returned Date", readonly=True,
        help="When the result was returned to the applicant.")
    timeliness = fields.Selection(
        TIMELINESS, "Timeliness", readonly=True, sort=False)
    days_left = fields.Function(
        fields.Integer(
            "Days Left",
            help="Working days until the due date (negative when late); "
            "for a dossier waiting for the desk, until its check is due."),
        'get_deadline')
    deadline_status = fields.Function(fields.Selection([
                (None, ''),
                ('overdue', "Overdue"),
                ('due_soon', "Due Soon"),
                ('on_track', "On Track"),
                ], "Deadline Status"),
        'get_deadline', searcher='search_deadline_status')
    received_day = fields.Function(
        fields.Date("Received Day"),
        'get_received_day', searcher='search_received_day')
    late_warning_date = fields.Date("Late Warning Date", readonly=True)

    # Outcome
    result_type = fields.Selection(
        RESULT_TYPES, "Result Type", sort=False,
        states={
            'readonly': Eval('state').in_(
                ['result_ready', 'done', 'rejected', 'withdrawn']),
            })
    result_note = fields.Text(
        "Result", help="Number and summary of the result document.",
        states={
            'readonly': Eval('state').in_(
                ['done', 'rejected', 'withdrawn']),
            })
    return_method = fields.Selection(
        RETURN_METHODS, "Return Method", sort=False,
        states={
            'readonly': Eval('state').in_(['done', 'rejected', 'withdrawn']),
            })
    supplement_components = fields.Many2Many(
        'gov.dossier-gov.procedure.component', 'dossier', 'component',
        "Components to Supplement", readonly=True,
        domain=[('procedure', '=', Eval('procedure', -1))])
    supplement_reason = fields.Text("Supplement Reason", readonly=True)
    rejection_reason = fields.Text("Rejection Reason", readonly=True)
    withdrawal_reason = fields.Text("Withdrawal Reason", readonly=True)
    suspension_reason = fields.Text("Suspension Reason", readonly=True)
    backfilled = fields.Boolean(
        "Backfilled", readonly=True,
        help="Handled on paper while the system was down and entered "
        "afterwards with its real dates (R-PROC-6).")

    history = fields.One2Many(
        'gov.dossier.history', 'dossier', "History", readonly=True)

    del _draft

    @classmethod
    def __setup__(cls):
        cls.code.search_unaccented = False
        cls.pin.search_unaccented = False
        cls.qr_token.search_unaccented = False
        super().__setup__()
        # Extended by other modules for the fields only they write.
        cls._protected_fields = set(PROTECTED_FIELDS)
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_dossier.msg_dossier_code_unique'),
            ('qr_token_uniq', Unique(t, t.qr_token),
                'gov_dossier.msg_dossier_qr_token_unique'),
            ]
        cls._sql_indexes.update({
                # With the due date: the Overdue tab's count reads only the
                # overdue rows of the clock states, not all of them (the
                # planner cannot know how few are overdue): 11 → 6.5 ms at
                # 2 million dossiers (bench/).
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.due_date, Index.Range())),
                Index(t, (t.agency, Index.Equality())),
                Index(t, (t.current_unit, Index.Equality())),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state.in_(CLOCK_STATES + ['suspended'])),
                Index(t, (t.received_date, Index.Range())),
                Index(t, (t.web_user, Index.Equality()),
                    where=t.web_user != Null),
                Index(t,
                    (t.code_key, Index.Equality()),
                    (t.code_date, Index.Equality()),
                    (t.code_sequence, Index.Range())),
                })
        cls._order = [('received_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('supplement', 'submitted'),
            ('draft', 'received'),
            ('submitted', 'received'),
            ('supplement', 'received'),
            ('submitted', 'supplement'),
            ('received', 'supplement'),
            ('submitted', 'rejected'),
            ('supplement', 'rejected'),
            ('received', 'rejected'),
            ('received', 'processing'),
            ('processing', 'processing'),
            ('processing', 'result_ready'),
            ('result_ready', 'done'),
            ('submitted', 'withdrawn'),
            ('supplement', 'withdrawn'),
            ('received', 'withdrawn'),
            ('processing', 'withdrawn'),
            ('suspended', 'withdrawn'),
            ('received', 'suspended'),
            ('processing', 'suspended'),
            ('suspended', 'received'),
            ('suspended', 'processing'),
            }
        routed = Eval('state') != 'processing'
        # routing.py also hides the step buttons from who cannot act.
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(['draft', 'supplement']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'receive': {
                    'invisible': ~(
                        Eval('state').in_(['submitted', 'supplement'])
                        | ((Eval('state') == 'draft')
                            & (Eval('channel') != 'online'))),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'channel'],
                    },
                'request_supplement': {
                    'invisible': ~Eval('state').in_(['submitted', 'received']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'supplement', 'received']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'process': {
                    'invisible': Eval('state') != 'received',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                'forward': {
                    'invisible': (routed
                        | Eval('current_step_kind').in_(['approve'])
                        | (~Eval('has_next_step', False)
                            & (Eval('current_step_kind') != 'transfer'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'current_step_kind',
                        'has_next_step'],
                    },
                'send_back': {
                    'invisible': routed,
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'transfer': {
                    'invisible': (routed
                        | (Eval('current_step_kind') == 'transfer')),
                    'icon': 'tryton-switch',
                    'depends': ['state', 'current_step_kind'],
                    },
                'approve': {
                    'invisible': (routed
                        | (Eval('current_step_kind') != 'approve')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'current_step_kind'],
                    },
                'result_ready': {
                    'invisible': (routed
                        | Eval('current_step_kind').in_(
                            ['approve', 'transfer'])
                        | Eval('has_next_step', False)),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'current_step_kind',
                        'has_next_step'],
                    },
                'done': {
                    'invisible': Eval('state') != 'result_ready',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'supplement', 'received',
                            'processing', 'suspended']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'suspend': {
                    'invisible': ~Eval('state').in_(CLOCK_STATES),
                    'icon': 'tryton-stop',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'suspended',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                'backfill': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-history',
                    'depends': ['state'],
                    },
                })

    # ----------------------------------------------------------- defaults
    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_channel(cls):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if not Transaction().user:
            return 'online'
        groups = set(User.get_groups())
        if ModelData.get_id('gov_agency', 'group_postal') in groups:
            return 'postal'
        if ModelData.get_id('gov_agency', 'group_receiver') in groups:
            return 'desk'
        return 'online'

    @classmethod
    def default_applicant_kind(cls):
        return 'citizen'

    @classmethod
    def default_suspended_days(cls):
        return 0

    @classmethod
    def default_backfilled(cls):
        return False

    @classmethod
    def default_agency(cls):
        "The officer's agency when there is exactly one."
        pool = Pool()
        Officer = pool.get('gov.agency.officer')
        user = Transaction().user
        if not user:
            return None
        officers = Officer.search([('user', '=', user)])
        if len(officers) == 1:
            return officers[0].agency.id

    # ------------------------------------------------------------- clock
    @classmethod
    def _now(cls):
        """The current time (naive UTC). Tests and the backfill set the
        private context key `_gov_now`, which RPC clients cannot send."""
        return Transaction().context.get('_gov_now') or utcnow()

    @classmethod
    def _today(cls, agency=None):
        Calendar = Pool().get('gov.calendar')
        return Calendar.to_local(cls._now(), agency).date()

    # ------------------------------------------------------ on changes
    @fields.depends('applicant', 'applicant_name', 'applicant_id_number',
        'applicant_tax_code', 'applicant_kind', 'applicant_phone',
        'applicant_email')
    def on_change_applicant(self):
        if not self.applicant:
            return
        party = self.applicant
        self.applicant_name = party.name
        for identifier in getattr(party, 'identifiers', []):
            if identifier.type == 'vn_cccd':
                self.applicant_id_number = identifier.code
                self.applicant_kind = 'citizen'
            elif identifier.type == 'vn_vat':
                self.applicant_tax_code = identifier.code
                self.applicant_kind = 'organisation'
        for mechanism in getattr(party, 'contact_mechanisms', []):
            if mechanism.type == 'email' and not self.applicant_email:
                self.applicant_email = mechanism.value
            elif (mechanism.type in {'phone', 'mobile'}
                    and not self.applicant_phone):
                self.applicant_phone = mechanism.value

    @fields.depends('procedure', 'result_type', 'channel')
    def on_change_procedure(self):
        if self.procedure:
            self.result_type = self._default_result_type()

    def _default_result_type(self):
        procedure_type = getattr(self.procedure, 'result_type', None)
        if procedure_type == 'electronic':
            return 'electronic'
        if procedure_type == 'both' and self.channel == 'online':
            return 'electronic'
        return 'paper'

    def _default_return_method(self):
        if self.result_type == 'electronic':
            return 'online'
        if self.channel == 'postal':
            return 'postal'
        return 'desk'

    @fields.depends('current_step')
    def on_change_with_current_step_kind(self, name=None):
        if self.current_step:
            return self.current_step.kind

    def get_has_next_step(self, name):
        step = self.current_step
        if not step or self.state != 'processing':
            return False
        return bool(self._next_step(step))

    # --------------------------------------------------------- rec_name
    def get_rec_name(self, name):
        if self.code:
            return self.code
        return gettext('gov_dossier.msg_dossier_draft_name', id=self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('applicant_name', operator, operand, *extra),
            ]

    # ------------------------------------------------------- deadlines
    @classmethod
    def get_deadline(cls, dossiers, names):
        """days_left and deadline_status of many dossiers at once (a list
        view reads 80): today, the due-soon limit and the working-day counts
        are computed once per agency and due date, not once per record."""
        Calendar = Pool().get('gov.calendar')
        result = {name: {} for name in names}
        todays, limits, counts = {}, {}, {}

        def today_of(agency):
            key = agency.id if agency else None
            if key not in todays:
                todays[key] = cls._today(agency)
            return todays[key]

        for dossier in dossiers:
            due, agency = dossier.due_date, dossier.agency
            if 'days_left' in result:
                value = None
                if due and dossier.state in CLOCK_STATES + ['suspended']:
                    today = today_of(agency)
                    key = (today, due, agency.id if agency else None)
                    if key not in counts:
                        counts[key] = Calendar.working_days_between(
                            today, due, agency)
                    value = counts[key]
                elif dossier.state == 'submitted' and dossier.submitted_date:
                    # Waiting for the desk: the days left before its
                    # completeness check is due (citizen.py).
                    value = Calendar.working_days_between(today_of(agency),
                        dossier.expected_check_date(), agency)
                result['days_left'][dossier.id] = value
            if 'deadline_status' in result:
                status = None
                if due and dossier.state in CLOCK_STATES:
                    today = today_of(agency)
                    if due < today:
                        status = 'overdue'
                    else:
                        if today not in limits:
                            limits[today] = cls._due_soon_limit(today)
                        status = ('due_soon' if due <= limits[today]
                            else 'on_track')
                result['deadline_status'][dossier.id] = status
        return result

    @classmethod
    def _due_soon_limit(cls, today):
        """The last day with at most due_soon_days working days left, as
        days_left counts them (working_days_between): on a Sunday, due
        within 1 working day is due by Monday, not Tuesday — the receipt
        rule of add_working_days would move Sunday to Monday first."""
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.dossier.configuration')
        days = Configuration(1).due_soon_days
        if days is None:
            days = 1
        limit = Calendar.add_working_days(today, days)
        if Calendar.working_days_between(today, limit) > days:
            # today is not a working day: one working day fewer.
            limit = (Calendar.add_working_days(today, days - 1)
                if days else today)
        return limit

    @classmethod
    def domain_involved_agencies(cls, domain, tables):
        """Search by involved agency ids with a correlated EXISTS.

        The officers' record rule is "agency in my agencies OR involved
        agencies in my agencies". Tryton writes the second part
        `id IN (SELECT dossier FROM relation WHERE agency IN …)`, which
        PostgreSQL cannot join under an OR: it hashes every relation row of
        the officer's agencies (hundreds of thousands for a district after
        a few years) on each search, count or read. A correlated EXISTS
        probes the relation's index only for the rows the rest of the query
        selects. Its correlation is written as a range (dossier >= id AND
        dossier <= id), which PostgreSQL cannot turn back into the hashed
        form: with an equality it would, as soon as it misjudges how many
        rows the rest of the query keeps (deadline filters)."""
        pool = Pool()
        Involved = pool.get('gov.dossier-gov.agency')
        Rule = pool.get('ir.rule')
        field = cls._fields['involved_agencies']
        name, operator, value = domain[:3]
        ids = [value] if isinstance(value, int) else value
        if ('.' not in name and operator in {'in', '='}
                and isinstance(ids, (list, tuple))
                and all(isinstance(i, int) and not isinstance(i, bool)
                    for i in ids)
                and not Rule.domain_get(Involved.__name__, mode='read')):
            if not ids:
                return Literal(False)
            table, _ = tables[None]
            involved = Involved.__table__()
            return Exists(involved.select(Literal(1),
                    where=(involved.dossier >= table.id)
                    & (involved.dossier <= table.id)
                    & involved.agency.in_(list(ids))))
        return fields.Many2Many.convert_domain.__wrapped__(
            field, domain, tables, cls)

    @classmethod
    def search_deadline_status(cls, name, clause):
        _, operator, value, *_ = clause
        statuses = {'overdue', 'due_soon', 'on_track', None}
        if operator in {'=', '!='}:
            values = {value}
        elif operator in {'in', 'not in'}:
            values = set(value or [])
        else:
            return [('id', '=', -1)]
        if operator in {'!=', 'not in'}:
            values = statuses - values
        values &= statuses
        today = cls._today()
        clock = ('state', 'in', CLOCK_STATES)
        domains = {
            'overdue': [clock, ('due_date', '<', today)],
            None: ['OR',
                ('state', 'not in', CLOCK_STATES), ('due_date', '=', None)],
            }
        if values & {'due_soon', 'on_track'}:
            # The officers' Overdue tab needs no working-day count.
            limit = cls._due_soon_limit(today)
            domains['due_soon'] = [clock,
                ('due_date', '>=', today), ('due_date', '<=', limit)]
            domains['on_track'] = [clock, ('due_date', '>', limit)]
        domain = ['OR'] + [domains[v] for v in values]
        if len(domain) == 1:
            return [('id', '=', -1)]
        return [domain]

    def get_received_day(self, name):
        if self.received_date:
            Calendar = Pool().get('gov.calendar')
            return Calendar.to_local(self.received_date, self.agency).date()

    @classmethod
    def search_received_day(cls, name, clause):
        "Local days → ranges of naive UTC datetimes."
        from zoneinfo import ZoneInfo
        Calendar = Pool().get('gov.calendar')
        _, operator, value, *_ = clause
        if value is None:
            return [('received_date', operator, None)]
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if isinstance(value, dt.datetime):
            value = value.date()
        tz = ZoneInfo(Calendar._settings()[0])

        def utc(day):
            return (dt.datetime.combine(day, dt.time(), tzinfo=tz)
                .astimezone(dt.timezone.utc).replace(tzinfo=None))
        start, end = utc(value), utc(value + dt.timedelta(days=1))
        if operator == '=':
            return [('received_date', '>=', start),
                ('received_date', '<', end)]
        elif operator == '!=':
            return ['OR', ('received_date', '<', start),
                ('received_date', '>=', end), ('received_date', '=', None)]
        elif operator == '>=':
            return [('received_date', '>=', start)]
        elif operator == '>':
            return [('received_date', '>=', end)]
        elif operator == '<':
            return [('received_date', '<', start)]
        elif operator == '<=':
            return [('received_date', '<', end)]
        return []

    def compute_due_date(self):
        """received_date + processing days + suspended working days, with
        the agency's working calendar (R-PROC-2)."""
        Calendar = Pool().get('gov.calendar')
        if not self.received_date or self.processing_days is None:
            return None
        days = Decimal(self.processing_days) + (self.suspended_days or 0)
        return Calendar.add_working_days(
            self.received_date, days, self.agency)

    @classmethod
    def classify_timeliness(cls, completion_day, due_date):
        "early before the due date, on_time on it, late after (R-PROC-4)."
        if not completion_day or not due_date:
            return None
        if completion_day < due_date:
            return 'early'
        if completion_day == due_date:
            return 'on_time'
        return 'late'

    def compute_timeliness(self):
        Calendar = Pool().get('gov.calendar')
        if not self.completed_date:
            return None
        day = Calendar.to_local(self.completed_date, self.agency).date()
        return self.classify_timeliness(day, self.due_date)

    # ---------------------------------------------------------- indexes
    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('deadline_status') == 'overdue', 'danger',
                    If(Eval('deadline_status') == 'due_soon', 'warning',
                        ''))),
            ]

    # ------------------------------------------------------- validation
    @classmethod
    def validate_fields(cls, dossiers, field_names):
        super().validate_fields(dossiers, field_names)
        cls.check_applicant_identifiers(dossiers, field_names)
        cls.check_form(dossiers, field_names)

    @classmethod
    def check_applicant_identifiers(cls, dossiers, field_names=None):
        if field_names and not (field_names & {
                    'applicant_id_number', 'applicant_tax_code'}):
            return
        for dossier in dossiers:
            if dossier.applicant_id_number:
                reason = personal_id_error(dossier.applicant_id_number)
                if reason:
                    raise DossierValidationError(gettext(
                            'gov_dossier.msg_personal_id_%s' % reason,
                            code=dossier.applicant_id_number))
            if (dossier.applicant_tax_code
                    and not is_tax_code(dossier.applicant_tax_code)):
                raise DossierValidationError(gettext(
                        'gov_dossier.msg_tax_code_invalid',
                        code=dossier.applicant_tax_code))

    @classmethod
    def check_form(cls, dossiers, field_names=None):
        """Once submitted, a change of the eForm data must still match the
        procedure's form (R-CAT-4)."""
        if not field_names or 'form_data' not in field_names:
            return
        for dossier in dossiers:
            if dossier.state in {'draft', 'supplement'}:
                continue
            dossier.procedure.check_form_data(dict(dossier.form_data or {}))

    def check_submission(self):
        """What a complete dossier needs before it is submitted online or
        received at the desk (R-SUB-4, R-SUB-8, R-CAT-4)."""
        procedure = self.procedure
        if getattr(procedure, 'state', 'published') != 'published':
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_procedure_not_published',
                    procedure=procedure.rec_name))
        if not (self.applicant_name or (
                    self.applicant and self.applicant.name)):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_applicant_name_required',
                    dossier=self.rec_name))
        # The applicant is identified by the number typed, or is a known
        # party (e.g. the party of the citizen's portal account).
        if self.applicant_kind == 'organisation':
            if not self.applicant_tax_code and not self.applicant:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_applicant_tax_code_required',
                        dossier=self.rec_name))
        elif not self.applicant_id_number and not self.applicant:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_applicant_id_required',
                    dossier=self.rec_name))
        procedure.check_form_data(dict(self.form_data or {}))

    def check_components(self):
        """Each mandatory component has at least one file (R-SUB-4); online,
        not those the eForm replaces (citizen.py, missing_components).

        Checked when the citizen submits through the portal
        (portal_submit) and when an officer submits through RPC; the
        completeness of a dossier is otherwise the receiving officer's
        decision (receive, or request a supplement), as on paper."""
        missing = self.missing_components()
        if missing:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_component_missing',
                    dossier=self.rec_name,
                    components=', '.join(c.name for c in missing)))

    def check_online_submission(self):
        level = getattr(self.procedure, 'service_level', None)
        if level is not None and not getattr(
                level, 'online_submission', True):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_procedure_not_online',
                    procedure=self.procedure.rec_name))

    # ------------------------------------------------ server-side access
    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Secrets are always generated here, never taken from a client.
            values['pin'] = cls.generate_pin()
            values['qr_token'] = cls.generate_qr_token()
            if not values.get('submitted_by') and Transaction().user:
                values['submitted_by'] = Transaction().user
        for name in ['applicant_id_number', 'applicant_tax_code']:
            if values.get(name):
                values[name] = compact(values[name]) if (
                    name == 'applicant_id_number') else values[name].strip()
        return values

    @classmethod
    def check_modification(cls, mode, dossiers, values=None, external=False):
        super().check_modification(
            mode, dossiers, values=values, external=external)
        if not external:
            return
        if mode == 'create':
            for dossier in dossiers:
                # pin and qr_token are always generated (preprocess_values)
                for name in sorted(cls._protected_fields - {
                        'submitted_by', 'pin', 'qr_token'}):
                    if name in {'steps', 'history', 'involved_agencies',
                            'supplement_components'}:
                        if getattr(dossier, name):
                            cls._raise_protected(name)
                    elif name == 'state':
                        if dossier.state != 'draft':
                            cls._raise_protected(name)
                    elif not _empty(getattr(dossier, name)):
                        cls._raise_protected(name)
        elif mode == 'write':
            protected = set(values) & cls._protected_fields
            if protected:
                cls._raise_protected(sorted(protected)[0])
            for dossier in dossiers:
                if dossier.state == 'draft':
                    continue
                allowed = WRITABLE_AFTER_DRAFT.get(dossier.state, set())
                refused = set(values) - allowed
                if refused:
                    raise DossierAccessError(gettext(
                            'gov_dossier.msg_dossier_field_locked',
                            dossier=dossier.rec_name,
                            field=cls._field_string(sorted(refused)[0]),
                            state=dossier.state_string))
        elif mode == 'delete':
            for dossier in dossiers:
                if dossier.state != 'draft' or dossier.code:
                    raise DossierAccessError(gettext(
                            'gov_dossier.msg_dossier_delete_draft',
                            dossier=dossier.rec_name))

    @classmethod
    def _field_string(cls, name):
        field = cls._fields.get(name)
        return field.string if field else name

    @classmethod
    def _raise_protected(cls, name):
        raise DossierAccessError(gettext(
                'gov_dossier.msg_dossier_field_protected',
                field=cls._field_string(name)))

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default else {}
        for name in cls._protected_fields - {'state'}:
            default.setdefault(name, None)
        default.setdefault('suspended_days', 0)
        default.setdefault('backfilled', False)
        default.setdefault('documents', None)
        return super().copy(dossiers, default=default)

    # --------------------------------------------------- secrets, codes
    @staticmethod
    def generate_pin():
        "6 random digits printed on the receipt (R-SUB-5)."
        return '%06d' % secrets.randbelow(10 ** 6)

    @staticmethod
    def generate_qr_token():
        return secrets.token_urlsafe(16)

    @classmethod
    def _assign_codes(cls, dossiers, moments):
        """Give a code to the dossiers without one.

        The number is the next one of the receiving agency for the local
        day of `moments[dossier.id]`. It is taken inside the transaction
        (no gap when a submission fails) and made unique by the unique
        index on code: a concurrent transaction that took the same number
        first makes the UPDATE fail; the savepoint is rolled back and the
        next number (after the highest committed one) is tried. The
        dossiers are numbered in a fixed order (agency, day) so that two
        batches cannot wait for each other."""
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.dossier.configuration')
        configuration = Configuration(1)
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        items = []
        for dossier in dossiers:
            if dossier.code:
                continue
            day = Calendar.to_local(moments[dossier.id], dossier.agency).date()
            items.append((dossier.agency.code, day, dossier.id, dossier))
        items.sort(key=lambda i: i[:3])
        savepoints = backend.name == 'postgresql'
        for key, day, _, dossier in items:
            cursor.execute(*table.select(Max(table.code_sequence),
                    where=(table.code_key == key) & (table.code_date == day)))
            seq = (cursor.fetchone()[0] or 0) + 1
            for _ in range(MAX_CODE_ATTEMPTS):
                code = configuration.format_code(
                    key, day, seq, getattr(dossier.procedure, 'code', ''))
                update = table.update(
                    [table.code, table.code_key, table.code_date,
                        table.code_sequence],
                    [code, key, day, seq],
                    where=table.id == dossier.id)
                if not savepoints:
                    # SQLite: the database lock serialises the writers.
                    cursor.execute(*table.select(table.id,
                            where=(table.code == code)
                            & (table.id != dossier.id),
                            limit=1))
                    if cursor.fetchone():
                        seq += 1
                        continue
                    cursor.execute(*update)
                    break
                cursor.execute('SAVEPOINT gov_dossier_code')
                try:
                    cursor.execute(*update)
                except (backend.DatabaseIntegrityError,
                        backend.DatabaseOperationalError):
                    cursor.execute('ROLLBACK TO SAVEPOINT gov_dossier_code')
                    seq = max(seq + 1,
                        cls._committed_code_sequence(key, day) + 1)
                    continue
                cursor.execute('RELEASE SAVEPOINT gov_dossier_code')
                break
            else:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_code_exhausted',
                        agency=key, day=day.strftime('%d/%m/%Y')))
        if items:
            # The codes were written with SQL: drop the cached records.
            transaction.counter += 1

    @classmethod
    def _committed_code_sequence(cls, key, day):
        "The highest number committed by other transactions (PostgreSQL)."
        if backend.name != 'postgresql':
            return 0
        table = cls.__table__()
        with Transaction().new_transaction() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(Max(table.code_sequence),
                    where=(table.code_key == key) & (table.code_date == day)))
            return cursor.fetchone()[0] or 0

    # ------------------------------------------------------ applicants
    @classmethod
    def _ensure_applicants(cls, dossiers):
        """Link each dossier to its applicant party, found by its
        identifier (personal identification number or tax code) or
        created."""
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        for dossier in dossiers:
            if dossier.applicant:
                if not dossier.applicant_name:
                    dossier.applicant_name = dossier.applicant.name
                for identifier in dossier.applicant.identifiers:
                    if (identifier.type == 'vn_cccd'
                            and not dossier.applicant_id_number):
                        dossier.applicant_id_number = identifier.code
                    elif (identifier.type == 'vn_vat'
                            and not dossier.applicant_tax_code):
                        dossier.applicant_tax_code = identifier.code
                continue
            if dossier.applicant_kind == 'organisation':
                type_, code = 'vn_vat', dossier.applicant_tax_code
            else:
                type_, code = 'vn_cccd', dossier.applicant_id_number
            party = None
            if code:
                identifiers = Identifier.search([
                        ('type', '=', type_),
                        ('code', '=', code),
                        ], limit=1)
                if identifiers:
                    party = identifiers[0].party
            if not party:
                party = Party(name=dossier.applicant_name)
                if code:
                    party.identifiers = [Identifier(type=type_, code=code)]
                party.save()
            dossier.applicant = party
        cls.save(dossiers)

    # ---------------------------------------------------------- routing
    def _ordered_steps(self):
        return sorted(self.steps, key=lambda s: (s.sequence or 0, s.id))

    def _next_step(self, step):
        steps = self._ordered_steps()
        if step not in steps:
            return None
        for other in steps[steps.index(step) + 1:]:
            if other.kind in ROUTED_KINDS and other.state == 'waiting':
                return other
        return None

    def _previous_step(self, step):
        steps = self._ordered_steps()
        if step not in steps:
            return None
        for other in reversed(steps[:steps.index(step)]):
            if other.kind in ROUTED_KINDS and other.state == 'done':
                return other
        return None

    def _first_waiting_step(self):
        for step in self._ordered_steps():
            if step.kind in ROUTED_KINDS and step.state == 'waiting':
                return step
        return None

    def _return_step(self):
        for step in self._ordered_steps():
            if step.kind == 'return' and step.state in {'waiting', 'running'}:
                return step
        return None

    def _unit_holding(self, group, cache):
        """The unit of a step whose procedure leaves it empty: "the unit of
        the receiving agency that holds the role" — the first agency, among
        the receiving agency, its sub-units, its parent and the parent's
        other sub-units, that has an officer with the step's role; else the
        receiving agency."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        if not group:
            return self.agency
        if group.id in cache:
            return cache[group.id]
        agency = self.agency
        candidates = [agency.id] + [i for i in Agency.subtree_ids([agency.id])
            if i != agency.id]
        if agency.parent:
            candidates.append(agency.parent.id)
            candidates += [i for i in Agency.subtree_ids([agency.parent.id])
                if i not in candidates]
        holders = {o.agency.id for o in Officer.search([
                    ('agency', 'in', candidates),
                    ('user.groups', '=', group.id),
                    ('user.active', '=', True),
                    ])}
        unit = next((Agency(i) for i in candidates if i in holders), agency)
        cache[group.id] = unit
        return unit

    def _build_steps(self, user=None):
        """Copy the procedure's steps to the dossier with their deadlines:
        each step is due the working day reached by adding the durations of
        the steps up to it to the received date, and never after the
        dossier's due date (R-PROC-2)."""
        pool = Pool()
        Step = pool.get('gov.dossier.step')
        Calendar = pool.get('gov.calendar')
        received = self.received_date
        source = sorted(getattr(self.procedure, 'steps', []),
            key=lambda s: (s.sequence or 0, s.id))
        steps, total, units = [], Decimal(0), {}
        # Reception and return happen at the desk serving the agency.
        desk = self.agency.serving_desk
        for index, pstep in enumerate(source, 1):
            total += Decimal(pstep.duration or 0)
            if pstep.unit:
                unit = pstep.unit
            elif desk and pstep.kind in DESK_KINDS:
                unit = desk
            else:
                unit = self._unit_holding(pstep.group, units)
            steps.append(Step(
                    dossier=self,
                    sequence=index * 100,
                    procedure_step=pstep,
                    name=pstep.name,
                    kind=pstep.kind or 'process',
                    unit=unit,
                    group=pstep.group,
                    duration=pstep.duration,
                    state='waiting',
                    due_date=Calendar.add_working_days(
                        received, total, self.agency)))
        if not any(s.kind in ROUTED_KINDS for s in steps):
            # A procedure without internal steps: one processing step at
            # the receiving agency for the whole processing time.
            steps.append(Step(
                    dossier=self,
                    sequence=(len(steps) + 1) * 100,
                    name=gettext('gov_dossier.msg_default_step_name'),
                    kind='process',
                    unit=self.agency,
                    duration=self.processing_days,
                    state='waiting',
                    due_date=self.due_date))
            steps.sort(key=lambda s: (s.kind == 'return', s.sequence))
            for index, step in enumerate(steps, 1):
                step.sequence = index * 100
        for step in steps:
            if self.due_date and step.due_date and (
                    step.due_date > self.due_date):
                step.due_date = self.due_date
            if step.kind == 'return':
                step.due_date = self.due_date
            if step.kind == 'receive':
                step.state = 'done'
                step.start_date = step.end_date = received
                step.user = user
                step.timeliness = Step.classify(step)
        Step.save(steps)
        return steps

    # ------------------------------------------------------ core engine
    @classmethod
    def _state_string(cls, state):
        return dict(cls.fields_get(['state'])['state']['selection']).get(
            state, state)

    @classmethod
    def _check_action(cls, dossiers, action, to_state):
        "Refuse the action for a dossier not in one of its start states."
        for dossier in dossiers:
            if dossier.state not in ACTION_FROM[action]:
                raise DossierStateError(gettext(
                        'gov_dossier.msg_dossier_transition_forbidden',
                        dossier=dossier.rec_name,
                        from_=dossier.state_string,
                        to=cls._state_string(to_state)))

    @classmethod
    def _check_transition(cls, dossiers, state):
        for dossier in dossiers:
            if (dossier.state, state) not in cls._transitions:
                raise DossierStateError(gettext(
                        'gov_dossier.msg_dossier_transition_forbidden',
                        dossier=dossier.rec_name,
                        from_=dossier.state_string,
                        to=cls._state_string(state)))

    @classmethod
    def _change(cls, dossiers, state, event, values=None, reason=None,
            date=None, per_dossier=None, public=True):
        """Write the new state (and values), record the audit history and
        call the _on_event hook. The only way dossiers change state."""
        pool = Pool()
        History = pool.get('gov.dossier.history')
        if not dossiers:
            return []
        cls._check_transition(dossiers, state)
        transaction = Transaction()
        context = transaction.context
        date = date or cls._now()
        from_states = {d.id: d.state for d in dossiers}
        args = []
        for dossier in dossiers:
            vals = dict(values or {})
            if per_dossier:
                vals.update(per_dossier.get(dossier.id, {}))
            vals['state'] = state
            args.extend(([dossier], vals))
        cls.write(*args)
        dossiers = cls.browse([d.id for d in dossiers])
        History.create([{
                    'dossier': d.id,
                    'date': date,
                    'user': transaction.user or None,
                    'web_user': context.get('_gov_web_user'),
                    'from_state': from_states[d.id],
                    'to_state': state,
                    'event': event,
                    'reason': reason,
                    'unit': d.current_unit.id if d.current_unit else None,
                    'step_name': (d.current_step.name
                        if d.current_step else None),
                    'public': public,
                    'backfill_note': context.get('_gov_backfill_note'),
                    } for d in dossiers])
        cls._on_event(dossiers, event)
        return dossiers

    @classmethod
    def _on_event(cls, dossiers, event):
        """Hook called after every transition (and by the daily warning).

        event is one of: submitted, received, supplement, rejected,
        processing, forwarded, returned_step, transferred, result_ready,
        done, withdrawn, suspended, resumed, late_warning. The dossiers
        are already in their new state and the history is written.
        Extend it (PoolMeta) to print documents or send notifications;
        always call super()."""
        pass

    @classmethod
    def _check_unit(cls, dossier, unit, step=None):
        "The officer-level checks of _unit_refusal, for calls through RPC."
        if not _is_external():
            return
        refusal = cls._unit_refusal(dossier, unit, step)
        if refusal:
            raise DossierAccessError(refusal)

    @classmethod
    def _unit_refusal(cls, dossier, unit, step=None):
        """Why the current user may not act: the dossier must be at one of
        the officer's units, and a step restricted to a group needs that
        group (unit heads and leaders may act on any step). None when they
        may; the step buttons are hidden the same way (routing.py)."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        if unit and unit.id not in User.get_agencies():
            return gettext('gov_dossier.msg_dossier_not_your_unit',
                dossier=dossier.rec_name, unit=unit.rec_name)
        if step and step.group:
            groups = set(User.get_groups())
            heads = {ModelData.get_id('gov_agency', g) for g in HEAD_GROUPS}
            if step.group.id not in groups and not (groups & heads):
                return gettext('gov_dossier.msg_dossier_step_group',
                    dossier=dossier.rec_name, step=step.name,
                    group=step.group.rec_name)

    @classmethod
    def _add_involved(cls, dossier, *agencies):
        ids = {a.id for a in dossier.involved_agencies}
        new = [a.id for a in agencies if a and a.id not in ids]
        if new:
            return [('add', new)]
        return None

    @classmethod
    def _wizard_action(cls, xml_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        return Action.get_action_id(ModelData.get_id('gov_dossier', xml_id))

    # ------------------------------------------------------ transitions
    @classmethod
    @_external
    @ModelView.button
    def submit(cls, dossiers):
        """draft/supplement → submitted. The citizen (through the portal:
        see portal_submit) or a receiving/postal officer submits; the code
        is assigned at the first submission. R-SUB-1..5"""
        if not dossiers:
            return
        cls._check_action(dossiers, 'submit', 'submitted')
        now = cls._now()
        for dossier in dossiers:
            dossier.check_submission()
            if _is_external() or Transaction().context.get('_gov_web_user'):
                dossier.check_components()
            if dossier.channel == 'online':
                dossier.check_online_submission()
        cls._ensure_applicants(dossiers)
        cls._assign_codes(dossiers, {d.id: now for d in dossiers})
        user = Transaction().user
        per_dossier = {}
        for dossier in dossiers:
            vals = {'submitted_date': now}
            if user and not dossier.submitted_by:
                vals['submitted_by'] = user
            if dossier.result_type is None:
                vals['result_type'] = dossier._default_result_type()
            per_dossier[dossier.id] = vals
        cls._change(dossiers, 'submitted', 'submitted', date=now,
            per_dossier=per_dossier)

    @classmethod
    @_external
    @ModelView.button
    def receive(cls, dossiers):
        """submitted → received (valid and complete), or a desk/postal
        dossier directly from draft, or a supplemented dossier brought to
        the desk. Starts the clock: received_date is when the complete
        dossier reached the agency — the last online submission, or now at
        the desk — and due_date follows (R-PROC-2, R-SUB-5)."""
        if not dossiers:
            return
        cls._check_action(dossiers, 'receive', 'received')
        now = cls._now()
        for dossier in dossiers:
            if dossier.state == 'draft' and dossier.channel == 'online':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_online_receive_draft',
                        dossier=dossier.rec_name))
            if dossier.state in {'draft', 'supplement'}:
                dossier.check_submission()
        cls._ensure_applicants(dossiers)
        moments = {}
        for dossier in dossiers:
            if (dossier.state == 'submitted' and dossier.submitted_date
                    and not Transaction().context.get('_gov_backfill')):
                moments[dossier.id] = dossier.submitted_date
            else:
                moments[dossier.id] = now
        cls._assign_codes(dossiers, moments)
        dossiers = cls.browse(dossiers)
        cls._start_clock(dossiers, moments)
        cls._change(dossiers, 'received', 'received', date=now,
            per_dossier={d.id: {'received_by': Transaction().user or None}
                for d in dossiers})

    @classmethod
    def _start_clock(cls, dossiers, moments):
        "Set received_date, due_date and build the steps."
        Step = Pool().get('gov.dossier.step')
        user = Transaction().user or None
        for dossier in dossiers:
            if dossier.steps:
                Step.delete(list(dossier.steps))
            dossier.received_date = moments[dossier.id]
            dossier.processing_days = Decimal(
                dossier.procedure.processing_days or 0)
            dossier.suspended_days = 0
            dossier.suspended_date = None
            dossier.completed_date = None
            dossier.timeliness = None
            dossier.due_date = dossier.compute_due_date()
            dossier.save()
            steps = dossier._build_steps(user=user)
            first = dossier._first_waiting_step_of(steps)
            unit = first.unit if first else dossier.agency
            dossier.current_step = None
            dossier.current_unit = unit
            dossier.involved_agencies = sorted(
                {a.id for a in dossier.involved_agencies} | {unit.id})
            dossier.save()

    @staticmethod
    def _first_waiting_step_of(steps):
        for step in sorted(steps, key=lambda s: (s.sequence or 0, s.id)):
            if step.kind in ROUTED_KINDS and step.state == 'waiting':
                return step
        return None

    @classmethod
    @_external
    @ModelView.button
    def request_supplement(cls, dossiers, reason=None, components=None):
        """submitted/received → supplement, with the components to add or
        correct and why (R-SUB-4, R-NOT-1). The clock stops and restarts
        from the complete dossier (R-PROC-2). Without a reason, opens the
        wizard."""
        if reason is None:
            return cls._wizard_action('wizard_supplement')
        if not dossiers:
            return
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        cls._check_action(dossiers, 'request_supplement', 'supplement')
        Step = Pool().get('gov.dossier.step')
        component_ids = [int(c) for c in (components or [])]
        for dossier in dossiers:
            valid = {c.id for c in getattr(dossier.procedure, 'components',
                    [])}
            if set(component_ids) - valid:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_supplement_component_invalid',
                        dossier=dossier.rec_name))
            if dossier.steps:
                Step.delete(list(dossier.steps))
        per_dossier = {}
        for dossier in dossiers:
            actions = []
            if dossier.supplement_components:
                actions.append(('remove',
                        [c.id for c in dossier.supplement_components]))
            if component_ids:
                actions.append(('add', component_ids))
            if actions:
                per_dossier[dossier.id] = {'supplement_components': actions}
        cls._change(dossiers, 'supplement', 'supplement', reason=reason,
            per_dossier=per_dossier,
            values={
                'supplement_reason': reason,
                'received_date': None,
                'due_date': None,
                'processing_days': None,
                'suspended_days': 0,
                'current_step': None,
                'current_unit': None,
                })

    @classmethod
    @_external
    @ModelView.button
    def reject(cls, dossiers, reason=None):
        """submitted/supplement/received → rejected, with the reason
        (R-PROC-1). Without a reason, opens the wizard."""
        if reason is None:
            return cls._wizard_action('wizard_reject')
        if not dossiers:
            return
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        cls._check_action(dossiers, 'reject', 'rejected')
        cls._close_steps(dossiers)
        cls._change(dossiers, 'rejected', 'rejected', reason=reason,
            values={
                'rejection_reason': reason,
                'current_step': None,
                })

    @classmethod
    def _close_steps(cls, dossiers, state='cancelled'):
        Step = Pool().get('gov.dossier.step')
        steps = [s for d in dossiers for s in d.steps
            if s.state in {'waiting', 'running'}]
        if steps:
            Step.write(steps, {'state': state})

    @classmethod
    @_external
    @ModelView.button
    def process(cls, dossiers):
        "received → processing: the first step starts (R-PROC-1)."
        if not dossiers:
            return
        cls._check_action(dossiers, 'process', 'processing')
        Step = Pool().get('gov.dossier.step')
        now = cls._now()
        per_dossier = {}
        for dossier in dossiers:
            step = dossier._first_waiting_step()
            if not step:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_no_step',
                        dossier=dossier.rec_name))
            cls._check_unit(dossier, step.unit, step)
            Step.write([step], {'state': 'running', 'start_date': now})
            per_dossier[dossier.id] = {
                'current_step': step.id,
                'current_unit': step.unit.id if step.unit else None,
                }
            involved = cls._add_involved(dossier, step.unit)
            if involved:
                per_dossier[dossier.id]['involved_agencies'] = involved
        cls._change(dossiers, 'processing', 'processing', date=now,
            per_dossier=per_dossier)

    @classmethod
    def _current_running(cls, dossier):
        step = dossier.current_step
        if dossier.state != 'processing' or not step or (
                step.state != 'running'):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_dossier_no_current_step',
                    dossier=dossier.rec_name))
        return step

    @classmethod
    @_external
    @ModelView.button
    def forward(cls, dossiers):
        """The current step is done; the dossier goes to the next step (and
        its unit). From an inter-agency step, it goes back to the step that
        transferred it (the cooperating agency answered, R-PROC-3)."""
        if not dossiers:
            return
        cls._check_action(dossiers, 'forward', 'processing')
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, step)
            if step.kind == 'approve' and _is_external():
                cls._check_head(dossier)
        cls._forward(dossiers, 'forwarded')

    @classmethod
    def _forward(cls, dossiers, event, reason=None):
        Step = Pool().get('gov.dossier.step')
        now = cls._now()
        user = Transaction().user or None
        per_dossier = {}
        for dossier in dossiers:
            step = cls._current_running(dossier)
            if step.kind == 'transfer':
                target = step.return_step
            else:
                target = dossier._next_step(step)
            if not target:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_last_step',
                        dossier=dossier.rec_name, step=step.name))
            step.state = 'done'
            step.end_date = now
            step.user = user
            step.timeliness = Step.classify(step)
            target.state = 'running'
            if target.start_date is None or step.kind != 'transfer':
                target.start_date = now
            target.end_date = None
            Step.save([step, target])
            per_dossier[dossier.id] = {
                'current_step': target.id,
                'current_unit': target.unit.id if target.unit else None,
                }
            involved = cls._add_involved(dossier, target.unit)
            if involved:
                per_dossier[dossier.id]['involved_agencies'] = involved
        return cls._change(dossiers, 'processing', event, date=now,
            reason=reason, per_dossier=per_dossier, public=True)

    @classmethod
    def _check_head(cls, dossier):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = set(User.get_groups())
        heads = {ModelData.get_id('gov_agency', g) for g in HEAD_GROUPS}
        if not groups & heads:
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_dossier_approve_head',
                    dossier=dossier.rec_name))

    @classmethod
    @_external
    @ModelView.button
    def approve(cls, dossiers):
        """The unit head approves the current (approval) step: the dossier
        goes to the next step, or its result is ready when it was the last
        one."""
        if not dossiers:
            return
        cls._check_action(dossiers, 'approve', 'processing')
        to_forward, to_finish = [], []
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, None)
            if step.kind != 'approve':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_not_approval_step',
                        dossier=dossier.rec_name, step=step.name))
            if dossier._next_step(step):
                to_forward.append(dossier)
            else:
                to_finish.append(dossier)
        if to_forward:
            cls._forward(to_forward, 'forwarded')
        if to_finish:
            cls._result_ready(to_finish)

    @classmethod
    @_external
    @ModelView.button
    def send_back(cls, dossiers, reason=None):
        """The dossier goes back to the previous step, with the reason
        (internal). From an inter-agency step, back to the transferring
        step. Without a reason, opens the wizard."""
        if reason is None:
            return cls._wizard_action('wizard_send_back')
        if not dossiers:
            return
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        cls._check_action(dossiers, 'send_back', 'processing')
        Step = Pool().get('gov.dossier.step')
        now = cls._now()
        per_dossier = {}
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, step)
            if step.kind == 'transfer':
                previous = step.return_step
                step.state = 'done'
                step.end_date = now
            else:
                previous = dossier._previous_step(step)
                step.state = 'waiting'
                step.start_date = None
            if not previous:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_first_step',
                        dossier=dossier.rec_name, step=step.name))
            step.note = '\n'.join(filter(None, [step.note, reason]))
            previous.state = 'running'
            previous.start_date = now
            previous.end_date = None
            previous.timeliness = None
            Step.save([step, previous])
            per_dossier[dossier.id] = {
                'current_step': previous.id,
                'current_unit': previous.unit.id if previous.unit else None,
                }
        cls._change(dossiers, 'processing', 'returned_step', date=now,
            reason=reason, per_dossier=per_dossier, public=False)

    @classmethod
    @_external
    @ModelView.button
    def transfer(cls, dossiers, agency=None, days=None, reason=None):
        """Inter-agency (liên thông) transfer: the current step waits while
        another agency handles a step with its own deadline (days working
        days from now). The dossier's overall due date does not change
        (R-PROC-3). Without an agency, opens the wizard."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Step = pool.get('gov.dossier.step')
        Calendar = pool.get('gov.calendar')
        if agency is None:
            return cls._wizard_action('wizard_transfer')
        if not dossiers:
            return
        agency = Agency(int(agency))
        days = Decimal(str(days if days is not None else 0))
        if days < 0:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_transfer_days'))
        cls._check_action(dossiers, 'transfer', 'processing')
        now = cls._now()
        per_dossier = {}
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, step)
            if step.kind == 'transfer':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_transfer_from_transfer',
                        dossier=dossier.rec_name))
            if step.unit == agency:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_transfer_same_agency',
                        dossier=dossier.rec_name, agency=agency.rec_name))
            siblings = [s for s in dossier.steps if s.return_step == step]
            new = Step(
                dossier=dossier,
                sequence=(step.sequence or 0) + 1 + len(siblings),
                name=gettext('gov_dossier.msg_transfer_step_name',
                    agency=agency.rec_name),
                kind='transfer',
                unit=agency,
                duration=days,
                state='running',
                start_date=now,
                due_date=Calendar.add_working_days(now, days, agency),
                return_step=step,
                note=reason)
            new.save()
            step.state = 'waiting'
            step.save()
            per_dossier[dossier.id] = {
                'current_step': new.id,
                'current_unit': agency.id,
                }
            involved = cls._add_involved(dossier, agency)
            if involved:
                per_dossier[dossier.id]['involved_agencies'] = involved
        cls._change(dossiers, 'processing', 'transferred', date=now,
            reason=reason, per_dossier=per_dossier)

    @classmethod
    @_external
    @ModelView.button
    def result_ready(cls, dossiers):
        """processing → result_ready: the last step is done, the result
        (paper or electronic, see result_type) is ready for return; the
        completion date and the timeliness are set (R-PROC-4)."""
        if not dossiers:
            return
        cls._check_action(dossiers, 'result_ready', 'result_ready')
        for dossier in dossiers:
            step = dossier.current_step
            if step:
                cls._check_unit(dossier, step.unit, step)
                if _is_external():
                    if step.kind == 'approve':
                        cls._check_head(dossier)
                    if step.kind == 'transfer' or dossier._next_step(step):
                        raise DossierWorkflowError(gettext(
                                'gov_dossier.msg_dossier_steps_left',
                                dossier=dossier.rec_name))
        cls._result_ready(dossiers)

    @classmethod
    def _result_ready(cls, dossiers, date=None):
        Step = Pool().get('gov.dossier.step')
        now = date or cls._now()
        user = Transaction().user or None
        per_dossier = {}
        for dossier in dossiers:
            finished = []
            for step in dossier.steps:
                if step.kind in ROUTED_KINDS | {'transfer'} and (
                        step.state in {'waiting', 'running'}):
                    if step.state == 'running':
                        step.state = 'done'
                        step.end_date = now
                        step.user = user
                        step.timeliness = Step.classify(step)
                    else:
                        step.state = 'skipped'
                    finished.append(step)
            Step.save(finished)
            ret = dossier._return_step()
            if ret:
                ret.state = 'running'
                ret.start_date = now
                ret.save()
            dossier.completed_date = now
            vals = {
                'completed_date': now,
                'timeliness': dossier.compute_timeliness(),
                'current_step': ret.id if ret else None,
                'current_unit': (ret.unit.id if ret and ret.unit
                    else dossier.agency.id),
                }
            if not dossier.result_type:
                vals['result_type'] = dossier._default_result_type()
            per_dossier[dossier.id] = vals
        return cls._change(dossiers, 'result_ready', 'result_ready',
            date=now, per_dossier=per_dossier)

    @classmethod
    @_external
    @ModelView.button
    def done(cls, dossiers):
        """result_ready → done: the result was returned to the applicant,
        at the desk, by post or online (return_method; defaults from the
        channel and result type)."""
        if not dossiers:
            return
        cls._check_action(dossiers, 'done', 'done')
        cls._done(dossiers)

    @classmethod
    def _done(cls, dossiers, date=None):
        Step = Pool().get('gov.dossier.step')
        now = date or cls._now()
        user = Transaction().user or None
        per_dossier = {}
        for dossier in dossiers:
            ret = dossier._return_step()
            if ret:
                ret.state = 'done'
                ret.start_date = ret.start_date or now
                ret.end_date = now
                ret.user = user
                ret.timeliness = Step.classify(ret)
                ret.save()
            vals = {
                'returned_date': now,
                'current_step': None,
                'return_method': (dossier.return_method
                    or dossier._default_return_method()),
                }
            if not dossier.completed_date:
                dossier.completed_date = now
                vals['completed_date'] = now
                vals['timeliness'] = dossier.compute_timeliness()
            per_dossier[dossier.id] = vals
        return cls._change(dossiers, 'done', 'done', date=now,
            per_dossier=per_dossier)

    @classmethod
    @_external
    @ModelView.button
    def withdraw(cls, dossiers, reason=None):
        """→ withdrawn, at the applicant's request, any time before the
        result is ready. Officers record a written request; the portal
        calls portal_withdraw. Without a reason, opens the wizard."""
        if reason is None:
            return cls._wizard_action('wizard_withdraw')
        if not dossiers:
            return
        cls._check_action(dossiers, 'withdraw', 'withdrawn')
        cls._close_steps(dossiers)
        cls._change(dossiers, 'withdrawn', 'withdrawn', reason=reason,
            values={
                'withdrawal_reason': reason,
                'current_step': None,
                })

    @classmethod
    @_external
    @ModelView.button
    def suspend(cls, dossiers, reason=None):
        """received/processing → suspended, with the reason; the suspended
        working days do not count (the due date moves on resume). Without
        a reason, opens the wizard."""
        if reason is None:
            return cls._wizard_action('wizard_suspend')
        if not dossiers:
            return
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        cls._check_action(dossiers, 'suspend', 'suspended')
        now = cls._now()
        cls._change(dossiers, 'suspended', 'suspended', reason=reason,
            date=now, per_dossier={d.id: {
                    'suspended_from': d.state,
                    'suspended_date': now,
                    'suspension_reason': reason,
                    } for d in dossiers})

    @classmethod
    @_external
    @ModelView.button
    def resume(cls, dossiers):
        """suspended → the state it was suspended from. The working days of
        the suspension (working_days_between(suspended, resumed)) are added
        to the due date and to the deadlines of the steps not done."""
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Step = pool.get('gov.dossier.step')
        if not dossiers:
            return
        cls._check_action(dossiers, 'resume', 'received')
        now = cls._now()
        by_state = defaultdict(list)
        for dossier in dossiers:
            by_state[dossier.suspended_from or 'received'].append(dossier)
        for state, group in by_state.items():
            per_dossier = {}
            for dossier in group:
                days = max(Calendar.working_days_between(
                        dossier.suspended_date or now, now, dossier.agency),
                    0)
                dossier.suspended_days = (dossier.suspended_days or 0) + days
                due = dossier.compute_due_date()
                steps = [s for s in dossier.steps
                    if s.state in {'waiting', 'running'} and s.due_date]
                if days:
                    for step in steps:
                        step.due_date = Calendar.add_working_days(
                            step.due_date, days, dossier.agency)
                    Step.save(steps)
                per_dossier[dossier.id] = {
                    'suspended_days': dossier.suspended_days,
                    'due_date': due,
                    'suspended_date': None,
                    'suspended_from': None,
                    }
            cls._change(group, state, 'resumed', date=now,
                per_dossier=per_dossier)

    # -------------------------------------------------------- backfill
    @classmethod
    @_external
    @ModelView.button
    def backfill(cls, dossiers, received_date=None, outcome='received',
            completed_date=None, returned_date=None, due_date=None,
            return_method=None, reason=None):
        """Enter a dossier handled on paper while the system was down, with
        its real dates (R-PROC-6): draft → received, and on to
        result_ready / done / rejected. The dates are the ones entered: the
        code uses the local day of received_date, the due date is computed
        from it (or taken as entered), the timeliness compares the entered
        completion date. Without a received date, opens the wizard."""
        if received_date is None:
            return cls._wizard_action('wizard_backfill')
        if not dossiers:
            return
        now = cls._now()
        dates = [received_date, completed_date, returned_date]
        if outcome not in {'received', 'result_ready', 'done', 'rejected'}:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_outcome'))
        if any(d and d > now for d in dates):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_future'))
        if outcome in {'result_ready', 'done'} and not completed_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_completed_required'))
        if outcome == 'done' and not returned_date:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_returned_required'))
        if outcome == 'rejected' and not (reason or '').strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        ordered = [d for d in dates if d]
        if ordered != sorted(ordered):
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_backfill_order'))
        for dossier in dossiers:
            if dossier.state != 'draft':
                raise DossierStateError(gettext(
                        'gov_dossier.msg_backfill_draft',
                        dossier=dossier.rec_name))
        note = gettext('gov_dossier.msg_backfill_note')
        if reason:
            note = '%s\n%s' % (note, reason)
        with Transaction().set_context(_gov_backfill_note=note):
            cls._backfill(dossiers, received_date, outcome, completed_date,
                returned_date, due_date, return_method, reason)

    @classmethod
    def _backfill(cls, dossiers, received_date, outcome, completed_date,
            returned_date, due_date, return_method, reason):
        cls.write(list(dossiers), {'backfilled': True})
        with Transaction().set_context(_gov_now=received_date,
                _gov_backfill=True):
            cls.receive(cls.browse(dossiers))
        dossiers = cls.browse(dossiers)
        if due_date:
            cls.write(dossiers, {'due_date': due_date})
            dossiers = cls.browse(dossiers)
        if outcome == 'rejected':
            with Transaction().set_context(
                    _gov_now=completed_date or received_date):
                cls.reject(dossiers, reason=reason)
            return
        if outcome in {'result_ready', 'done'}:
            with Transaction().set_context(_gov_now=completed_date):
                for dossier in dossiers:
                    if dossier.state == 'received':
                        step = dossier._first_waiting_step()
                        if step:
                            cls.process([dossier])
                dossiers = cls.browse(dossiers)
                cls._result_ready(dossiers)
            if outcome == 'done':
                dossiers = cls.browse(dossiers)
                if return_method:
                    cls.write(dossiers, {'return_method': return_method})
                with Transaction().set_context(_gov_now=returned_date):
                    cls._done(cls.browse(dossiers))

    # ------------------------------------------------------ cron, heads
    @classmethod
    def send_late_warnings(cls):
        """Daily: the dossiers at a unit that are overdue or due within the
        configured working days (default 1) are announced once a day —
        _on_event(dossiers, 'late_warning') once per current unit, whose
        heads are get_unit_heads() (R-PROC-4)."""
        today = cls._today()
        limit = cls._due_soon_limit(today)
        dossiers = cls.search([
                ('state', 'in', CLOCK_STATES),
                ('due_date', '<=', limit),
                ['OR',
                    ('late_warning_date', '=', None),
                    ('late_warning_date', '<', today),
                    ],
                ], order=[('due_date', 'ASC'), ('id', 'ASC')])
        if not dossiers:
            return []
        cls.write(dossiers, {'late_warning_date': today})
        by_unit = defaultdict(list)
        for dossier in dossiers:
            unit = dossier.current_unit or dossier.agency
            by_unit[unit.id].append(dossier)
        for unit_id, group in sorted(by_unit.items()):
            cls._on_event(group, 'late_warning')
        return dossiers

    def get_unit_heads(self):
        """The users flagged head of the dossier's current unit, or of the
        nearest ancestor that has one."""
        Officer = Pool().get('gov.agency.officer')
        unit = self.current_unit or self.agency
        while unit:
            heads = Officer.search([
                    ('agency', '=', unit.id),
                    ('head', '=', True),
                    ])
            if heads:
                return [h.user for h in heads]
            unit = unit.parent
        return []

    # ------------------------------------------------ citizens (portal)
    @classmethod
    def search_owned(cls, web_user, domain=None, **kwargs):
        """The dossiers of a portal account (web.user). Portal routes use
        it instead of a free search: a citizen only reaches their own
        dossiers (R-AG-3)."""
        if not web_user:
            return []
        return cls.search(
            [('web_user', '=', int(web_user))] + list(domain or []),
            **kwargs)

    def check_owner(self, web_user):
        "Raise DossierAccessError unless web_user owns the dossier."
        if (not web_user or not self.web_user
                or self.web_user.id != int(web_user)):
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_dossier_not_owner'))

    @classmethod
    def portal_submit(cls, dossiers, web_user):
        """Submit the citizen's own dossiers from the portal (the route
        runs as root): ownership is checked, the history records the web
        user."""
        for dossier in dossiers:
            dossier.check_owner(web_user)
        with Transaction().set_context(_gov_web_user=int(web_user)):
            cls.submit(dossiers)

    @classmethod
    def portal_withdraw(cls, dossiers, web_user, reason=None):
        for dossier in dossiers:
            dossier.check_owner(web_user)
        with Transaction().set_context(_gov_web_user=int(web_user)):
            cls.withdraw(dossiers, reason=reason or '')

    @classmethod
    def lookup_token(cls, token):
        "The dossier of a QR token (the QR code is printed on the receipt)."
        if not token or len(token) < 16:
            return None
        dossiers = cls.search([
                ('qr_token', '=', token),
                ('state', '!=', 'draft'),
                ], limit=1)
        return dossiers[0] if dossiers else None

    def get_public_status(self, full=False):
        """What the public lookup shows (R-LOOK-2, Điều 16): without the
        PIN, no personal data and no text typed by an officer; an invalid
        online dossier shows no unit nor appointment but what must be
        supplemented."""
        invalid = self.state == 'supplement'
        status = {
            'code': self.code,
            'state': self.state,
            'state_string': self.state_string,
            'agency': self.agency.rec_name,
            'procedure': self.procedure.rec_name,
            'received_date': self.public_received_date(
                self.received_date, self.submitted_date),
            'submitted_date': self.submitted_date,
            'due_date': None if invalid else self.due_date,
            'unit': (None if invalid or not self.current_unit
                else self.current_unit.rec_name),
            'completed_date': self.completed_date,
            }
        if invalid:
            # Điều 16.2: what to supplement or correct is part of the
            # public lookup: the components ticked by the officer; the
            # officer's own words only with the PIN (R-SEC-2).
            status['supplement_components'] = [
                c.name for c in self.supplement_components]
            if full:
                status['supplement_reason'] = self.supplement_reason
        if full:
            status['applicant_name'] = self.submitter_name or (
                self.applicant_name)
            status['organisation'] = (self.applicant_name
                if self.applicant_kind == 'organisation' else None)
            if self.state == 'rejected':
                status['rejection_reason'] = self.rejection_reason
        return status

    def get_public_history(self):
        """The audit history as the citizen sees it: dates, events, states
        and units, without officers' names or internal reasons."""
        result = []
        for entry in self.history:
            if not entry.public:
                continue
            result.append({
                    'date': entry.date,
                    'event': entry.event,
                    'event_string': entry.event_string,
                    'state': entry.to_state,
                    'state_string': entry.to_state_string,
                    'unit': entry.unit.rec_name if entry.unit else None,
                    'reason': (entry.reason
                        if entry.event in PUBLIC_REASON_EVENTS else None),
                    })
        return result


class DossierAgency(ModelSQL):
    "Agencies a dossier was routed or transferred to."
    __name__ = 'gov.dossier-gov.agency'
    __string__ = "Dossier Involved Agency"

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality())),
                Index(t, (t.dossier, Index.Equality())),
                })


class DossierSupplementComponent(ModelSQL):
    "Components a supplement request asks for."
    __name__ = 'gov.dossier-gov.procedure.component'
    __string__ = "Dossier Component to Supplement"

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE')
    component = fields.Many2One(
        'gov.procedure.component', "Component", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')


class _ChildCheckMixin:
    "Children written only by the workflow (not through RPC)."
    __slots__ = ()
    _rpc_writable = set()

    @classmethod
    def _refuse_rpc(cls):
        raise DossierAccessError(gettext(
                'gov_dossier.msg_workflow_only',
                model=cls.__names__()['model']))

    @classmethod
    def create(cls, vlist):
        # Refused before the values are even validated.
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            cls._refuse_rpc()
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if not external:
            return
        if mode == 'write' and not (set(values) - cls._rpc_writable):
            return
        cls._refuse_rpc()


class DossierStep(RuleCheckedExportMixin, _ChildCheckMixin,
        sequence_ordered(), ModelSQL, ModelView):
    "A step of a dossier's processing, with its own deadline (R-PROC-2)."
    __name__ = 'gov.dossier.step'
    __string__ = "Dossier Step"
    _rpc_writable = {'note'}

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE')
    procedure_step = fields.Many2One(
        'gov.procedure.step', "Procedure Step", readonly=True,
        ondelete='SET NULL')
    name = fields.Char("Name", required=True, readonly=True)
    kind = fields.Selection(
        STEP_KINDS, "Kind", required=True, readonly=True, sort=False)
    unit = fields.Many2One(
        'gov.agency', "Unit", readonly=True, ondelete='RESTRICT')
    group = fields.Many2One(
        'res.group', "Group", readonly=True, ondelete='SET NULL')
    duration = fields.Numeric(
        "Duration (Working Days)", digits=(16, 2), readonly=True)
    state = fields.Selection(
        STEP_STATES, "State", required=True, readonly=True, sort=False)
    start_date = fields.DateTime("Start", readonly=True)
    end_date = fields.DateTime("End", readonly=True)
    due_date = fields.Date("Due Date", readonly=True)
    user = fields.Many2One(
        'res.user', "Done By", readonly=True, ondelete='RESTRICT')
    return_step = fields.Many2One(
        'gov.dossier.step', "Transferred From", readonly=True,
        ondelete='SET NULL',
        help="For an inter-agency step: the step the dossier returns to.")
    timeliness = fields.Selection(
        TIMELINESS, "Timeliness", readonly=True, sort=False)
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))
        cls._order.append(('id', 'ASC'))

    @classmethod
    def default_state(cls):
        return 'waiting'

    @classmethod
    def classify(cls, step):
        "Timeliness of a finished step: its end (local day) vs its due date."
        Calendar = Pool().get('gov.calendar')
        if not step.end_date or not step.due_date:
            return None
        day = Calendar.to_local(step.end_date, step.unit).date()
        return Pool().get('gov.dossier').classify_timeliness(
            day, step.due_date)


class DossierHistory(RuleCheckedExportMixin, _ChildCheckMixin, ModelSQL,
        ModelView):
    "One transition of a dossier: who, when, from, to, why (R-PROC-1)."
    __name__ = 'gov.dossier.history'
    __string__ = "Dossier History"
    _rec_name = 'event_label'

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE',
        readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    web_user = fields.Many2One(
        'web.user', "Citizen Account", readonly=True, ondelete='SET NULL')
    from_state = fields.Selection(
        [(None, '')] + STATES, "From", readonly=True, sort=False)
    from_state_string = from_state.translated('from_state')
    to_state = fields.Selection(
        [(None, '')] + STATES, "To", readonly=True, sort=False)
    to_state_string = to_state.translated('to_state')
    event = fields.Selection(
        EVENTS, "Event", required=True, readonly=True, sort=False)
    event_string = event.translated('event')
    event_label = fields.Function(fields.Char("Event"), 'get_event_label',
        searcher='search_event_label')
    reason = fields.Text("Reason", readonly=True)
    unit = fields.Many2One(
        'gov.agency', "Unit", readonly=True, ondelete='RESTRICT')
    step_name = fields.Char("Step", readonly=True)
    public = fields.Boolean(
        "Shown to the Citizen", readonly=True,
        help="Shown in the citizen's history (without officers' names).")
    backfill_note = fields.Text("Backfill", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.dossier, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_public(cls):
        return True

    def get_event_label(self, name):
        return self.event_string

    @classmethod
    def search_event_label(cls, name, clause):
        return [('event',) + tuple(clause[1:])]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        """The audit trail is append-only: only the workflow creates
        entries; nobody changes them, through RPC nobody deletes them."""
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write':
            cls._refuse_rpc()


class DossierDocument(RuleCheckedExportMixin, ModelSQL, ModelView):
    """A file of a dossier: a component of the procedure's list, the result,
    or another document. Stored in the filestore like an attachment, with
    the dossier's access."""
    __name__ = 'gov.dossier.document'
    __string__ = "Dossier Document"

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('component', "Component"),
            ('result', "Result"),
            ('other', "Other"),
            ], "Kind", required=True, sort=False)
    component = fields.Many2One(
        'gov.procedure.component', "Component", ondelete='SET NULL',
        domain=[
            ('procedure', '=', Eval('_parent_dossier', {}).get(
                    'procedure', Eval('procedure', -1))),
            ],
        states={
            'invisible': Eval('kind') != 'component',
            'required': Eval('kind') == 'component',
            })
    procedure = fields.Function(
        fields.Many2One('gov.procedure', "Procedure"),
        'on_change_with_procedure')
    name = fields.Char("File Name", required=True)
    data = fields.Binary(
        "File", filename='name', file_id='file_id', required=True)
    file_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size (bytes)", readonly=True)
    description = fields.Char("Description")
    uploaded_by = fields.Many2One(
        'res.user', "Uploaded By", readonly=True, ondelete='SET NULL')
    web_user = fields.Many2One(
        'web.user', "Uploaded by Citizen", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))
        cls._order = [('dossier', 'ASC'), ('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'component'

    @fields.depends('dossier', '_parent_dossier.procedure')
    def on_change_with_procedure(self, name=None):
        if self.dossier and self.dossier.procedure:
            return self.dossier.procedure.id

    # Types recognised by their first bytes; `office` is a zip container.
    SIGNATURES = [
        ('pdf', 'application/pdf', [b'%PDF-']),
        ('jpg', 'image/jpeg', [b'\xff\xd8\xff']),
        ('png', 'image/png', [b'\x89PNG\r\n\x1a\n']),
        ]
    OFFICE = {
        'docx': ('word/', 'application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document'),
        'xlsx': ('xl/', 'application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet'),
        'odt': ('application/vnd.oasis.opendocument.text', None),
        'ods': ('application/vnd.oasis.opendocument.spreadsheet', None),
        }
    ALIASES = {'jpeg': 'jpg'}

    @classmethod
    def detect_type(cls, data):
        "Return (type, mimetype) from the content, or (None, None)."
        head = bytes(data[:16])
        for type_, mimetype, magics in cls.SIGNATURES:
            if any(head.startswith(m) for m in magics):
                return type_, mimetype
        if head.startswith(b'PK\x03\x04'):
            import io
            import zipfile
            try:
                with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
                    names = archive.namelist()
                    mimetype = None
                    if 'mimetype' in names:
                        mimetype = archive.read('mimetype').decode(
                            'ascii', 'replace').strip()
            except (zipfile.BadZipFile, OSError, ValueError):
                return None, None
            for type_, (marker, mime) in cls.OFFICE.items():
                if mime is None:
                    if mimetype == marker:
                        return type_, marker
                elif any(n.startswith(marker) for n in names):
                    return type_, mime
        return None, None

    @classmethod
    def allowed_types(cls, component=None):
        Configuration = Pool().get('gov.dossier.configuration')
        file_types = getattr(component, 'file_types', None) if component \
            else None
        if file_types:
            types = {t.strip().lower().lstrip('.')
                for t in file_types.replace(';', ',').split(',')
                if t.strip()}
        else:
            types = Configuration(1).get_file_types()
        return {cls.ALIASES.get(t, t) for t in types}

    @classmethod
    def check_upload(cls, filename, data, component=None):
        """Check a file before it is stored (R-SUB-7): size limit of the
        configuration, type recognised by its content and allowed by the
        component's file types (or the configuration's). The extension of
        the file name must agree with the content. Returns the mimetype.
        Extend it (PoolMeta) to add the malware scan; call super()."""
        Configuration = Pool().get('gov.dossier.configuration')
        if data is None:
            return None
        configuration = Configuration(1)
        limit = int(Decimal(configuration.max_upload_size or 10)
            * 1024 * 1024)
        if len(data) > limit:
            raise UploadError(gettext('gov_dossier.msg_upload_too_large',
                    filename=filename or '',
                    size='%.1f' % (len(data) / 1024 / 1024),
                    limit=configuration.max_upload_size))
        if not len(data):
            raise UploadError(gettext('gov_dossier.msg_upload_empty',
                    filename=filename or ''))
        type_, mimetype = cls.detect_type(data)
        allowed = cls.allowed_types(component)
        if type_ is None or type_ not in allowed:
            raise UploadError(gettext('gov_dossier.msg_upload_type',
                    filename=filename or '',
                    types=', '.join(sorted(allowed)),
                    component=component.name if component else '-'))
        extension = (filename or '').rsplit('.', 1)[-1].lower() \
            if '.' in (filename or '') else ''
        extension = cls.ALIASES.get(extension, extension)
        if extension and extension != type_:
            raise UploadError(gettext('gov_dossier.msg_upload_extension',
                    filename=filename or '', type=type_))
        return mimetype

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Component = pool.get('gov.procedure.component')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if values.get('data') is not None:
                component = (Component(values['component'])
                    if values.get('component') else None)
                values['mimetype'] = cls.check_upload(
                    values.get('name'), values['data'], component=component)
                values['size'] = len(values['data'])
            user = Transaction().user
            if user:
                values.setdefault('uploaded_by', user)
            web_user = Transaction().context.get('_gov_web_user')
            if web_user:
                values.setdefault('web_user', web_user)
        elif mode == 'write' and values.get('data') is not None:
            values['size'] = len(values['data'])
            values['mimetype'] = cls.detect_type(values['data'])[1]
        return values

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'write' and values and (
                'data' in values or 'name' in values
                or 'component' in values):
            for document in documents:
                component = document.component
                if 'component' in values:
                    Component = Pool().get('gov.procedure.component')
                    component = (Component(values['component'])
                        if values['component'] else None)
                if 'data' in values:
                    cls.check_upload(values.get('name', document.name),
                        values['data'], component=component)
        if not external:
            return
        for document in documents:
            state = document.dossier.state
            if state in FINAL_STATES:
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_final',
                        dossier=document.dossier.rec_name))
            if mode == 'delete' and state != 'draft':
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_delete',
                        dossier=document.dossier.rec_name))
            if mode == 'write' and state != 'draft' and (
                    set(values) - {'description'}):
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_locked',
                        dossier=document.dossier.rec_name))
            if (mode == 'create' and document.kind == 'result'
                    and state not in {'processing', 'result_ready'}):
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_result_state',
                        dossier=document.dossier.rec_name))

    def check_owner(self, web_user):
        self.dossier.check_owner(web_user)
