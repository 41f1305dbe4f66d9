# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The steps of a dossier's processing (R-PROC-1, R-PROC-2): copied from
the procedure when the dossier is received, each with its unit, group and
deadline, and the order in which the workflow walks them."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool

from .access import RuleCheckedExportMixin, _ChildCheckMixin
from .deadline import TIMELINESS
from .exceptions import DossierWorkflowError

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

class StepsMixin:
    "The steps of gov.dossier: their order, units and deadlines."
    __slots__ = ()

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

    def _handover_target(self, step):
        """The step the dossier goes to when step is done: back to the
        step that transferred it, else the next routed step."""
        if step.kind == 'transfer':
            target = step.return_step
        else:
            target = self._next_step(step)
        if not target:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_dossier_last_step',
                    dossier=self.rec_name, step=step.name))
        return target

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
        source = sorted(self.procedure.steps,
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

    @staticmethod
    def _first_waiting_step_of(steps):
        for step in sorted(steps, key=lambda s: (s.sequence or 0, s.id)):
            if step.kind in ROUTED_KINDS and step.state == 'waiting':
                return step
        return None


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

    def finish(self, end, user):
        "Done at end by user, with its timeliness (not saved)."
        self.state = 'done'
        self.end_date = end
        self.user = user
        self.timeliness = self.classify(self)

    @classmethod
    def classify(cls, step):
        "Timeliness of a finished step: its end (local day) vs its due date."
        Calendar = Pool().get('gov.calendar')
        if not step.end_date or not step.due_date:
            return None
        day = Calendar.to_local(step.end_date, step.unit).date()
        return Pool().get('gov.dossier').classify_timeliness(
            day, step.due_date)
