# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who handles a dossier's step: assignment to a named specialist (R-PROC-1,
R-AG-3).

The one-stop officer who sees a dossier, or the head of the unit holding
its step, assigns the step to a specialist: an active officer of exactly
that unit, with the specialist role, who may act on the step (its role).
The assignment is kept on the step — a dossier sent back returns to whoever
had the step — and the dossier's `assignee` is the assignee of the step it
is at now (kept by the _on_event hook after every transition), which the
"Assigned to Me" tab of the dossiers lists. Every assignment is written in
the history (internal)."""
from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from .workflow import external_button
from .exceptions import DossierAccessError, DossierWorkflowError
from .wizard import _DossierWizard

# A dossier is assigned at reception (its first step) or while processing.
ASSIGN_STATES = ['received', 'processing']


class DossierStep(metaclass=PoolMeta):
    __name__ = 'gov.dossier.step'

    assignee = fields.Many2One(
        'res.user', "Assigned To", readonly=True, ondelete='RESTRICT',
        help="The specialist who handles the step.")


class DossierHistory(metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection.append(('assigned', "Assigned"))


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    assignee = fields.Many2One(
        'res.user', "Assigned To", readonly=True, ondelete='RESTRICT',
        help="The specialist assigned to the step the dossier is at.")
    can_assign = fields.Function(fields.Boolean(
            "Can Assign",
            help="The current user may assign the dossier's step to a "
            "specialist, and the step has one to choose."),
        'get_can_assign')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.assignee, Index.Equality()),
                where=t.assignee != Null))
        cls._buttons.update({
                'assign': {
                    'invisible': (~Eval('state').in_(ASSIGN_STATES)
                        | ~Eval('can_assign', False)),
                    'icon': 'tryton-participant',
                    'depends': ['state', 'can_assign'],
                    },
                })

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default else {}
        default.setdefault('assignee')
        return super().copy(dossiers, default=default)

    @classmethod
    def check_modification(cls, mode, dossiers, values=None, external=False):
        super().check_modification(
            mode, dossiers, values=values, external=external)
        # Only the assignment sets it.
        if external and mode == 'write' and 'assignee' in values:
            cls._raise_protected('assignee')
        if external and mode == 'create':
            if any(d.assignee for d in dossiers):
                cls._raise_protected('assignee')

    def step_at(self):
        """The step the dossier is at: the running one while processing (or
        suspended from it), the first one waiting once received."""
        if self.state in {'processing', 'suspended'} and self.current_step:
            return self.current_step
        if self.state in {'received', 'suspended'}:
            return self._first_waiting_step()
        return None

    @staticmethod
    def _user_groups(user_id):
        User = Pool().get('res.user')
        with Transaction().set_user(user_id):
            return set(User.get_groups())

    @classmethod
    def assignable_users(cls, step):
        """The users a step may be assigned to: active officers of the
        step's unit with the specialist role and, when the step names a
        role, that role."""
        pool = Pool()
        Officer = pool.get('gov.agency.officer')
        ModelData = pool.get('ir.model.data')
        if not step or not step.unit:
            return []
        specialist = ModelData.get_id('gov_agency', 'group_specialist')
        with without_check_access():
            officers = Officer.search([
                    ('agency', '=', step.unit.id),
                    ('user.active', '=', True),
                    ], order=[('user.name', 'ASC'), ('id', 'ASC')])
        users = []
        for officer in officers:
            user = officer.user
            if user in users:
                continue
            groups = cls._user_groups(user.id)
            if specialist not in groups:
                continue
            if step.group and step.group.id not in groups:
                continue
            users.append(user)
        return users

    def assign_refusal(self, step):
        """Why the current user may not assign the step (a message), None
        when they may: a one-stop officer (who sees the dossier), or a head
        of the unit holding the step."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = set(User.get_groups())
        receiver = ModelData.get_id('gov_agency', 'group_receiver')
        head = ModelData.get_id('gov_agency', 'group_unit_head')
        if receiver in groups:
            return None
        if head in groups and step.unit and (
                step.unit.id in User.get_agencies()):
            return None
        return gettext('gov_dossier.msg_assign_refused',
            dossier=self.rec_name,
            unit=step.unit.rec_name if step.unit else '')

    def get_can_assign(self, name):
        if self.state not in ASSIGN_STATES:
            return False
        step = self.step_at()
        if not step:
            return False
        if Transaction().user and self.assign_refusal(step) is not None:
            return False
        # Nobody to choose (an approval step): no button.
        return bool(self.assignable_users(step))

    @classmethod
    @external_button
    def assign(cls, dossiers, assignee=None, *, external=False):
        """Assign the step the dossier is at to a specialist of its unit
        (assignable_users); received or processing dossiers only. Without
        an assignee, opens the wizard."""
        pool = Pool()
        User = pool.get('res.user')
        Step = pool.get('gov.dossier.step')
        History = pool.get('gov.dossier.history')
        if assignee is None:
            return cls._wizard_action('wizard_assign')
        if not dossiers:
            return
        user = User(int(assignee))
        steps = []
        for dossier in dossiers:
            step = dossier.step_at() if dossier.state in ASSIGN_STATES \
                else None
            if not step:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_assign_no_step',
                        dossier=dossier.rec_name))
            if external:
                refusal = dossier.assign_refusal(step)
                if refusal:
                    raise DossierAccessError(refusal)
            if user not in cls.assignable_users(step):
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_assign_not_specialist',
                        user=user.rec_name, step=step.name,
                        unit=step.unit.rec_name if step.unit else ''))
            steps.append(step)
        Step.write(steps, {'assignee': user.id})
        cls.write(list(dossiers), {'assignee': user.id})
        transaction = Transaction()
        reason = gettext('gov_dossier.msg_assigned_to', user=user.rec_name)
        History.create([{
                    'dossier': d.id,
                    'date': cls._now(),
                    'user': transaction.user or None,
                    'from_state': d.state,
                    'to_state': d.state,
                    'event': 'assigned',
                    'reason': reason,
                    'unit': step.unit.id if step.unit else None,
                    'step_name': step.name,
                    'public': False,
                    } for d, step in zip(dossiers, steps)])
        cls._on_event(cls.browse([d.id for d in dossiers]), 'assigned')

    @classmethod
    def _on_event(cls, dossiers, event):
        super()._on_event(dossiers, event)
        cls.sync_assignee(dossiers)

    @classmethod
    def sync_assignee(cls, dossiers):
        "The assignee of each dossier is the assignee of its step_at()."
        to_write = []
        for dossier in cls.browse([d.id for d in dossiers]):
            step = dossier.step_at()
            assignee = step.assignee if step else None
            if assignee != dossier.assignee:
                to_write.extend(([dossier],
                        {'assignee': assignee.id if assignee else None}))
        if to_write:
            with without_check_access():
                cls.write(*to_write)


class AssignStart(ModelView):
    "Assign to a Specialist"
    __name__ = 'gov.dossier.assign.start'
    __string__ = "Assign to a Specialist"

    step = fields.Char("Step", readonly=True)
    unit = fields.Many2One('gov.agency', "Unit", readonly=True)
    candidates = fields.Many2Many(
        'res.user', None, None, "Specialists of the Unit", readonly=True)
    assignee = fields.Many2One(
        'res.user', "Specialist", required=True,
        domain=[('id', 'in', Eval('candidates', []))],
        help="An officer of the unit holding the step, with the "
        "specialist role.")


class Assign(_DossierWizard):
    "Assign to a Specialist"
    __name__ = 'gov.dossier.assign'
    start = StateView('gov.dossier.assign.start',
        'gov_dossier.assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        Dossier = Pool().get('gov.dossier')
        dossier = self.record
        step = dossier.step_at() if dossier.state in ASSIGN_STATES else None
        if not step:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_assign_no_step',
                    dossier=dossier.rec_name))
        candidates = Dossier.assignable_users(step)
        if not candidates:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_assign_nobody',
                    step=step.name,
                    unit=step.unit.rec_name if step.unit else ''))
        return {
            'step': step.name,
            'unit': step.unit.id if step.unit else None,
            'candidates': [u.id for u in candidates],
            'assignee': (step.assignee.id if step.assignee
                else candidates[0].id if len(candidates) == 1 else None),
            }

    def transition_assign(self):
        return self._call('assign', assignee=self.start.assignee.id)
