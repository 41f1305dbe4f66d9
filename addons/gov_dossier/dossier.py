# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Dossiers (hồ sơ): the fields, the applicant and what a complete dossier
needs. The rest of gov.dossier lives by concern in its own file:

- workflow.py: the workflow table (WORKFLOW), the transition decorator,
  Dossier.allowed(), Dossier._change() and the extension point
  (_check_event / _event_values / _on_event);
- transitions.py: what each button does; backfill.py: paper dossiers;
- steps.py: the steps; deadline.py: the clock and deadlines;
- code.py: codes, PIN and QR token; access.py: what clients may write;
- history.py, document.py (+ filetype.py): the children.

The rules are documented in doc/index.rst."""
from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .access import AccessMixin, RuleCheckedExportMixin
from .backfill import BackfillMixin
from .code import CodeMixin
from .deadline import TIMELINESS, DeadlineMixin
from .exceptions import DossierValidationError, DossierWorkflowError
from .identity import is_tax_code, personal_id_error
from .lookup import PublicLookupMixin
from .selection_labels import SelectionLabelsMixin
from .steps import STEP_KINDS, StepsMixin
from .transitions import TransitionsMixin
from .workflow import CLOCK_STATES, FINAL_STATES, STATES, WorkflowMixin

CHANNELS = [
    ('online', "Online"),
    ('desk', "One-Stop Desk"),
    ('postal', "Postal"),
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


class Dossier(SelectionLabelsMixin, PublicLookupMixin, RuleCheckedExportMixin,
        TransitionsMixin, BackfillMixin, WorkflowMixin, StepsMixin,
        CodeMixin, DeadlineMixin, AccessMixin, Workflow, ModelSQL,
        ModelView):
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
                # A service's counts (R-CAT-3, service_counts.py) read
                # this index only: 0.8 s → ms for a procedure of 90,000
                # dossiers.
                Index(t, (t.procedure, Index.Equality()),
                    (t.timeliness, Index.Equality(cardinality='low')),
                    include=[t.state, t.received_date]),
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

    # ------------------------------------------------------ on changes
    @fields.depends('applicant', 'applicant_name', 'applicant_id_number',
        'applicant_tax_code', 'applicant_kind', 'applicant_phone',
        'applicant_email')
    def on_change_applicant(self):
        if not self.applicant:
            return
        party = self.applicant
        self.applicant_name = party.name
        for identifier in party.identifiers:
            if identifier.type == 'vn_cccd':
                self.applicant_id_number = identifier.code
                self.applicant_kind = 'citizen'
            elif identifier.type == 'vn_vat':
                self.applicant_tax_code = identifier.code
                self.applicant_kind = 'organisation'
        for mechanism in party.contact_mechanisms:
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
        procedure_type = self.procedure.result_type
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
        # A dossier sent back for a supplement stays under the version of
        # the procedure it was submitted under, even once superseded
        # (R-CAT-6, procedure_version.py).
        if procedure.state != 'published' and not (
                procedure.state == 'superseded' and self.state != 'draft'):
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
        level = self.procedure.service_level
        if level and not level.online_submission:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_procedure_not_online',
                    procedure=self.procedure.rec_name))

    # ------------------------------------------------------ applicants
    @classmethod
    def _ensure_applicants(cls, dossiers):
        """The values linking each dossier to its applicant party, found
        by its identifier (personal identification number or tax code) or
        created: {dossier id: values}, written by the caller with the
        transition (one write of the dossier, not two)."""
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        result = {}
        for dossier in dossiers:
            values = result.setdefault(dossier.id, {})
            if dossier.applicant:
                if not dossier.applicant_name:
                    values['applicant_name'] = dossier.applicant.name
                for identifier in dossier.applicant.identifiers:
                    if (identifier.type == 'vn_cccd'
                            and not dossier.applicant_id_number):
                        values['applicant_id_number'] = identifier.code
                    elif (identifier.type == 'vn_vat'
                            and not dossier.applicant_tax_code):
                        values['applicant_tax_code'] = identifier.code
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
            values['applicant'] = party.id
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
