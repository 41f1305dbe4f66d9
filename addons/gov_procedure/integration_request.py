# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Requests to integrate, update or cancel an online service, and reports
of a service's error (R-CAT-5, R-CAT-8; QĐ 04/2019, Điều 7.4, Điều 8.3,
Phụ lục I–IV).

The agency providing the service files the request (Phụ lục I, or Phụ lục
IV for an error) to the provincial office (Văn phòng UBND tỉnh, the group
"Provincial Office Administrator"), which integrates it and answers (Phụ
lục II) or returns it for the software to be fixed; the agency tests the
integrated service and answers (Phụ lục III), then announces it. Each step
has its legal deadline, counted in working days by gov.calendar:

============  ==========  ===============================================
state         due after   source
============  ==========  ===============================================
draft         (see below)  cancel: 7 working days after the procedure was
                          abolished or changed (Điều 8.3.b); error: the
                          day the error was found (Điều 8.3.a, Phụ lục IV)
submitted     5 / 2       integrate, update: 5 working days (Điều 7.4.b);
                          cancel: 2 working days (Điều 8.3.b)
integrated    7           the agency tests and answers (Điều 7.4.c,
                          Phụ lục III)
confirmed     7           the agency announces the service to the public,
                          the provincial portal and the public
                          administration service centre (Điều 7.4.d)
============  ==========  ===============================================

An update follows the integration's steps (Điều 8.3.c sends it with the
same Phụ lục I form and sets no deadline of its own). An error report has
no deadline once reported: the office and the ICT department fix it with
the agency (Điều 8.3.a) and the office marks it resolved.
"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import format_date, format_datetime, long_date, to_local


# Working days of each step, from QĐ 04/2019/QĐ-UBND.
INTEGRATE_DAYS = 5          # Điều 7.4.b, answered with Phụ lục II
TEST_DAYS = 7               # Điều 7.4.c, answered with Phụ lục III
ANNOUNCE_DAYS = 7           # Điều 7.4.d
CANCEL_REQUEST_DAYS = 7     # Điều 8.3.b, the agency files the cancellation
CANCEL_DAYS = 2             # Điều 8.3.b, the office removes the service
ERROR_REPORT_DAYS = 0       # Điều 8.3.a, "ngay trong ngày" (Phụ lục IV)

KINDS = [
    ('integrate', "Integrate"),
    ('update', "Update"),
    ('cancel', "Cancel"),
    ('error', "Error Report"),
    ]
STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('returned', "Returned for Fixing"),
    ('integrated', "Integrated"),
    ('confirmed', "Tested by the Agency"),
    ('announced', "Announced"),
    ('done', "Done"),
    ('withdrawn', "Withdrawn"),
    ]
OPEN_STATES = ['draft', 'submitted', 'returned', 'integrated', 'confirmed']


class IntegrationRequestError(UserError):
    "An online service request cannot take this step."


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class IntegrationRequest(Workflow, ModelSQL, ModelView):
    "A request about an online service of an agency (Phụ lục I or IV)."
    __name__ = 'gov.procedure.integration_request'
    __string__ = "Online Service Request"

    _agency_states = {
        'readonly': ~Eval('state').in_(['draft', 'returned']),
        }

    code = fields.Char("Code", readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_agency_states)
    kind_string = kind.translated('kind')
    agency = fields.Many2One('gov.agency', "Agency", required=True,
        ondelete='RESTRICT', states=_agency_states,
        help="The agency providing the online service.")
    procedure = fields.Many2One('gov.procedure', "Procedure",
        ondelete='RESTRICT', states=_agency_states,
        help="The procedure of the catalogue the service carries out.")
    service_name = fields.Char("Online Service", required=True,
        states=_agency_states)
    service_level = fields.Many2One('gov.service.level', "Service Level",
        ondelete='RESTRICT', states=_agency_states)
    # Phụ lục I, items 1–4 and 6–7.
    requester_name = fields.Char("Requester", required=True,
        states=_agency_states)
    requester_position = fields.Char("Position", states=_agency_states)
    requester_department = fields.Char("Department", states=_agency_states)
    requester_email = fields.Char("E-mail", states=_agency_states)
    requester_phone = fields.Char("Phone", states=_agency_states)
    developer = fields.Char("Developer of the Service",
        states=_agency_states,
        help="The unit that built the online service's software.")
    description = fields.Text("Technical Description",
        states=_agency_states,
        help="The service's functions, technical details and requirements.")
    package_email = fields.Char("Package Sent to E-mail",
        states=_agency_states)
    package_url = fields.Char("Package Download Link", states=_agency_states)
    package_note = fields.Text("Other Package Information",
        states=_agency_states)
    abolished_date = fields.Date("Procedure Abolished On",
        states={
            'required': Eval('kind') == 'cancel',
            'invisible': Eval('kind') != 'cancel',
            'readonly': _agency_states['readonly'],
            },
        help="The day the procedure of the service was abolished or "
        "changed; the cancellation is filed within 7 working days.")
    error_date = fields.Date("Error Found On",
        states={
            'required': Eval('kind') == 'error',
            'invisible': Eval('kind') != 'error',
            'readonly': _agency_states['readonly'],
            },
        help="The error is reported the same day.")
    # Phụ lục II and III: the answers.
    integration_answer = fields.Text("Answer of the Provincial Office",
        states={'readonly': ~Eval('state').in_(['submitted'])},
        help="The result of the check and integration (Phụ lục II), or "
        "what the software must fix.")
    test_answer = fields.Text("Test Result of the Agency",
        states={'readonly': Eval('state') != 'integrated'},
        help="The agency's feedback after testing the integrated service "
        "(Phụ lục III).")
    announcement = fields.Text("Announcement",
        states={'readonly': Eval('state') != 'confirmed'},
        help="The document announcing the service to the public, the "
        "provincial portal and the public administration service centre.")
    submitted_date = fields.DateTime("Submitted At", readonly=True)
    integrated_date = fields.DateTime("Integrated At", readonly=True)
    confirmed_date = fields.DateTime("Tested At", readonly=True)
    closed_date = fields.DateTime("Closed At", readonly=True)
    due_date = fields.Date("Due Date", readonly=True,
        help="The deadline of the current step, in working days.")
    overdue = fields.Function(fields.Boolean("Overdue"),
        'get_overdue', searcher='search_overdue')
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    history = fields.One2Many('gov.procedure.integration_request.history',
        'request', "History", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.due_date, Index.Range())),
                Index(t, (t.agency, Index.Equality())),
                })
        cls._order = [('submitted_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('returned', 'submitted'),
            ('submitted', 'integrated'),
            ('submitted', 'returned'),
            ('submitted', 'done'),
            ('integrated', 'confirmed'),
            ('confirmed', 'announced'),
            ('draft', 'withdrawn'),
            ('returned', 'withdrawn'),
            }
        integration = Eval('kind').in_(['integrate', 'update'])
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(['draft', 'returned']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(['draft', 'returned']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'integrate': {
                    'invisible': (Eval('state') != 'submitted')
                    | ~integration,
                    'icon': 'tryton-ok',
                    'depends': ['state', 'kind'],
                    },
                'return_': {
                    'invisible': (Eval('state') != 'submitted')
                    | ~integration,
                    'icon': 'tryton-back',
                    'depends': ['state', 'kind'],
                    },
                'resolve': {
                    'invisible': (Eval('state') != 'submitted')
                    | integration,
                    'icon': 'tryton-ok',
                    'depends': ['state', 'kind'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'integrated',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'announce': {
                    'invisible': Eval('state') != 'confirmed',
                    'icon': 'tryton-public',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger', '')),
            ]

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'integrate'

    @classmethod
    def default_agency(cls):
        "The user's own agency when she has exactly one."
        Officer = Pool().get('gov.agency.officer')
        user = Transaction().user
        if not user:
            return None
        with without_check_access():
            officers = Officer.search([('user', '=', user)], limit=2)
        if len(officers) == 1:
            return officers[0].agency.id

    @classmethod
    def default_requester_name(cls):
        User = Pool().get('res.user')
        user = Transaction().user
        if user:
            return User(user).name

    @fields.depends('procedure', 'service_name', 'service_level')
    def on_change_procedure(self):
        if self.procedure:
            if not self.service_name:
                self.service_name = self.procedure.name
            if not self.service_level:
                self.service_level = self.procedure.service_level

    def get_rec_name(self, name):
        return f'{self.code or "/"} {self.service_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('service_name', operator, operand, *extra),
            ]

    # Clock and deadlines ---------------------------------------------------

    @classmethod
    def _now(cls):
        "The current time (naive UTC); tests freeze it by patching."
        return utcnow()

    @classmethod
    def _today(cls):
        Calendar = Pool().get('gov.calendar')
        return Calendar.to_local(cls._now()).date()

    def compute_due_date(self, state=None, moment=None):
        """The deadline of the step the request is in (or enters: state),
        started at moment (naive UTC, now by default)."""
        Calendar = Pool().get('gov.calendar')
        state = state or self.state
        moment = moment or self._now()
        if state == 'draft':
            if self.kind == 'cancel' and self.abolished_date:
                return Calendar.add_working_days(
                    self.abolished_date, CANCEL_REQUEST_DAYS, self.agency)
            if self.kind == 'error' and self.error_date:
                # The same calendar day, even a day off (Điều 8.3.a).
                return self.error_date
            return None
        if state == 'submitted':
            if self.kind in {'integrate', 'update'}:
                # The provincial office's step: the province's calendar.
                return Calendar.add_working_days(moment, INTEGRATE_DAYS)
            if self.kind == 'cancel':
                return Calendar.add_working_days(moment, CANCEL_DAYS)
            return None
        if state == 'integrated':
            return Calendar.add_working_days(moment, TEST_DAYS, self.agency)
        if state == 'confirmed':
            return Calendar.add_working_days(
                moment, ANNOUNCE_DAYS, self.agency)
        return None

    def get_overdue(self, name):
        return bool(self.state in OPEN_STATES and self.due_date
            and self.due_date < self._today())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value, *_ = clause
        overdue = [('state', 'in', OPEN_STATES),
            ('due_date', '<', cls._today())]
        if bool(value) == (operator == '='):
            return overdue
        return ['OR', ('state', 'not in', OPEN_STATES),
            ('due_date', '=', None), ('due_date', '>=', cls._today())]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('code'):
            pool = Pool()
            Sequence = pool.get('ir.sequence')
            ModelData = pool.get('ir.model.data')
            with without_check_access():
                values['code'] = Sequence(ModelData.get_id(
                        'gov_procedure',
                        'sequence_integration_request')).get()
        return values

    @classmethod
    def on_modification(cls, mode, requests, field_names=None):
        super().on_modification(mode, requests, field_names=field_names)
        # A draft's deadline follows the dates it is computed from.
        if mode in {'create', 'write'} and (field_names is None
                or {'kind', 'abolished_date', 'error_date', 'agency'}
                & set(field_names)):
            for request in requests:
                if request.state == 'draft':
                    due = request.compute_due_date()
                    if due != request.due_date:
                        cls._write_system([request], {'due_date': due})

    @classmethod
    def _write_system(cls, requests, values):
        "Write what the workflow computes, whoever triggered it."
        with without_check_access():
            cls.write(cls.browse(requests), values)

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default else {}
        for name in ['code', 'integration_answer', 'test_answer',
                'announcement', 'submitted_date', 'integrated_date',
                'confirmed_date', 'closed_date', 'due_date', 'history']:
            default.setdefault(name, None)
        return super().copy(requests, default=default)

    # The states in which a user may change each field (R-AG-3: by the
    # server, not only by the form); the other fields are the agency's,
    # editable while the request is a draft or returned.
    _answer_states = {
        'integration_answer': {'submitted'},
        'test_answer': {'integrated'},
        'announcement': {'confirmed'},
        }

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'write' and external:
            User = Pool().get('res.user')
            ModelData = Pool().get('ir.model.data')
            office = ModelData.get_id('gov_agency', 'group_admin')
            for name in values:
                allowed = cls._answer_states.get(name, {'draft', 'returned'})
                for request in requests:
                    if (request.state not in allowed
                            or (name == 'integration_answer'
                                and office not in User.get_groups())):
                        raise IntegrationRequestError(gettext(
                                'gov_procedure'
                                '.msg_integration_request_readonly',
                                request=request.rec_name,
                                field=getattr(cls, name).string,
                                state=request.state_string))
        if mode == 'delete':
            for request in requests:
                if request.state != 'draft':
                    raise IntegrationRequestError(gettext(
                            'gov_procedure.msg_integration_request_delete',
                            request=request.rec_name))

    # Workflow ---------------------------------------------------------------

    @classmethod
    def _step(cls, requests, to_state, values=None):
        """Log the transition of each request and start the deadline of
        the step it enters."""
        History = Pool().get('gov.procedure.integration_request.history')
        now = cls._now()
        History.add(requests, to_state, now)
        for request in requests:
            write = dict(values or {})
            write['due_date'] = request.compute_due_date(to_state, now)
            cls._write_system([request], write)

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, requests):
        for request in requests:
            if request.kind == 'cancel' and not request.abolished_date:
                raise IntegrationRequestError(gettext(
                        'gov_procedure.msg_integration_request_no_abolished',
                        request=request.rec_name))
        cls._step(requests, 'submitted', {'submitted_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, requests):
        cls._step(requests, 'withdrawn', {'closed_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('integrated')
    def integrate(cls, requests):
        "Phụ lục II: the office integrated the service and answers."
        cls._require(requests, 'integration_answer')
        cls._step(requests, 'integrated', {'integrated_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_(cls, requests):
        """Phụ lục II: the software does not meet the technical or security
        requirements; the agency fixes it and submits again (Điều 7.4.b)."""
        cls._require(requests, 'integration_answer')
        cls._step(requests, 'returned')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def resolve(cls, requests):
        "The service is removed (cancel) or its error fixed (error)."
        cls._step(requests, 'done', {'closed_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, requests):
        "Phụ lục III: the agency tested the service and answers."
        cls._require(requests, 'test_answer')
        cls._step(requests, 'confirmed', {'confirmed_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('announced')
    def announce(cls, requests):
        "Điều 7.4.d: the agency announced the service."
        cls._require(requests, 'announcement')
        cls._step(requests, 'announced', {'closed_date': cls._now()})

    @classmethod
    def _require(cls, requests, name):
        for request in requests:
            if not (getattr(request, name) or '').strip():
                raise IntegrationRequestError(gettext(
                        'gov_procedure.msg_integration_request_required',
                        request=request.rec_name,
                        field=getattr(cls, name).string))


class IntegrationRequestHistory(ModelSQL, ModelView):
    "One transition of an online service request: who, when, to which state."
    __name__ = 'gov.procedure.integration_request.history'
    __string__ = "Online Service Request History"

    request = fields.Many2One('gov.procedure.integration_request', "Request",
        required=True, ondelete='CASCADE', readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT')
    from_state = fields.Selection(STATES, "From State", readonly=True)
    from_state_string = from_state.translated('from_state')
    to_state = fields.Selection(STATES, "To State", readonly=True)
    to_state_string = to_state.translated('to_state')
    due_date = fields.Date("Due Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('request')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.request, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def add(cls, requests, to_state, date):
        "Append one entry per request, before its state changes."
        user = Transaction().user or None
        with without_check_access():
            cls.create([{
                        'request': r.id,
                        'date': date,
                        'user': user,
                        'from_state': r.state,
                        'to_state': to_state,
                        'due_date': r.compute_due_date(to_state, date),
                        } for r in requests])

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        "Only the workflow writes the history; nobody changes it."
        super().check_modification(
            mode, records, values=values, external=external)
        if external or mode == 'write':
            raise IntegrationRequestError(gettext(
                    'gov_procedure.msg_integration_history_workflow_only'))


class IntegrationRequestReport(Report):
    """The printed request (Phụ lục I, or IV for an error) with the answers
    of Phụ lục II and III once given: HTML rendered to PDF by weasyprint,
    as the other printed forms of the platform."""
    __name__ = 'gov.procedure.integration_request.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update({
                'format_date': format_date,
                'format_datetime': format_datetime,
                'long_date': long_date,
                'to_local': to_local,
                })
        return context
