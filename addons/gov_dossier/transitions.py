# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The transitions of a dossier (QĐ 04/2019, Điều 10–13): what each
button of WORKFLOW (workflow.py) does besides changing the state."""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import DossierAccessError, DossierWorkflowError
from .steps import ROUTED_KINDS
from .workflow import transition

HEAD_GROUPS = ('group_unit_head', 'group_leader')


class TransitionsMixin:
    "The transition buttons of gov.dossier."
    __slots__ = ()

    @classmethod
    def _check_unit(cls, dossier, unit, step=None, external=True):
        "The officer-level checks of _unit_refusal, for calls through RPC."
        if not external:
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
    @transition('submit')
    def submit(cls, dossiers, *, at=None, web_user=None, values=None,
            external=False):
        """draft/supplement → submitted. The citizen (through the portal:
        see portal_submit) or a receiving/postal officer submits; the code
        is assigned at the first submission. values: {dossier id: values}
        written with the transition (keyword only: never from RPC).
        R-SUB-1..5"""
        now = at or cls._now()
        for dossier in dossiers:
            dossier.check_submission()
            if external or web_user:
                dossier.check_components()
            if dossier.channel == 'online':
                dossier.check_online_submission()
        applicants = cls._ensure_applicants(dossiers)
        cls._assign_codes(dossiers, {d.id: now for d in dossiers})
        user = Transaction().user
        per_dossier = {}
        for dossier in dossiers:
            vals = dict(applicants[dossier.id], submitted_date=now,
                **(values or {}).get(dossier.id, {}))
            if user and not dossier.submitted_by:
                vals['submitted_by'] = user
            if dossier.result_type is None:
                vals['result_type'] = dossier._default_result_type()
            per_dossier[dossier.id] = vals
        cls._change(dossiers, 'submitted', 'submitted', date=now,
            per_dossier=per_dossier, web_user=web_user)

    @classmethod
    @transition('receive')
    def receive(cls, dossiers, *, at=None, backfill=None, external=False):
        """submitted → received (valid and complete), or a desk/postal
        dossier directly from draft, or a supplemented dossier brought to
        the desk. Starts the clock: received_date is when the complete
        dossier reached the agency — the last online submission, or now at
        the desk — and due_date follows (R-PROC-2, R-SUB-5)."""
        now = at or cls._now()
        for dossier in dossiers:
            if dossier.state == 'draft' and dossier.channel == 'online':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_online_receive_draft',
                        dossier=dossier.rec_name))
            if dossier.state in {'draft', 'supplement'}:
                dossier.check_submission()
        applicants = cls._ensure_applicants(dossiers)
        moments = {}
        for dossier in dossiers:
            if (dossier.state == 'submitted' and dossier.submitted_date
                    and not backfill):
                moments[dossier.id] = dossier.submitted_date
            else:
                moments[dossier.id] = now
        cls._assign_codes(dossiers, moments)
        dossiers = cls.browse(dossiers)
        cls._start_clock(dossiers, moments)
        cls._change(dossiers, 'received', 'received', date=now,
            per_dossier={d.id: dict(applicants[d.id],
                    received_by=Transaction().user or None)
                for d in dossiers}, note=backfill)

    @classmethod
    def _start_clock(cls, dossiers, moments):
        "Set received_date, due_date and build the steps."
        Step = Pool().get('gov.dossier.step')
        user = Transaction().user or None
        for dossier in dossiers:
            if dossier.steps:
                Step.delete(list(dossier.steps))
            dossier.received_date = moments[dossier.id]
            # R-PROC-8: the committed time when shorter than the law's.
            dossier.processing_days = Decimal(
                dossier.procedure.dossier_days() or 0)
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


    @classmethod
    @transition('request_supplement')
    def request_supplement(cls, dossiers, reason=None, components=None, *,
            at=None, external=False):
        """submitted/received → supplement, with the components to add or
        correct and why (R-SUB-4, R-NOT-1). The clock stops and restarts
        from the complete dossier (R-PROC-2). Without a reason, opens the
        wizard."""
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        Step = Pool().get('gov.dossier.step')
        component_ids = [int(c) for c in (components or [])]
        for dossier in dossiers:
            valid = {c.id for c in dossier.procedure.components}
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
            date=at, per_dossier=per_dossier,
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
    @transition('reject')
    def reject(cls, dossiers, reason=None, *, at=None, backfill=None,
            external=False):
        """submitted/supplement/received → rejected, with the reason
        (R-PROC-1). Without a reason, opens the wizard."""
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        cls._close_steps(dossiers)
        cls._change(dossiers, 'rejected', 'rejected', reason=reason,
            date=at, note=backfill, values={
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
    @transition('process')
    def process(cls, dossiers, *, at=None, backfill=None, external=False):
        "received → processing: the first step starts (R-PROC-1)."
        Step = Pool().get('gov.dossier.step')
        now = at or cls._now()
        per_dossier = {}
        for dossier in dossiers:
            step = dossier._first_waiting_step()
            if not step:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_no_step',
                        dossier=dossier.rec_name))
            cls._check_unit(dossier, step.unit, step, external)
            Step.write([step], {'state': 'running', 'start_date': now})
            per_dossier[dossier.id] = {
                'current_step': step.id,
                'current_unit': step.unit.id if step.unit else None,
                }
            involved = cls._add_involved(dossier, step.unit)
            if involved:
                per_dossier[dossier.id]['involved_agencies'] = involved
        cls._change(dossiers, 'processing', 'processing', date=now,
            per_dossier=per_dossier, note=backfill)

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
    @transition('forward')
    def forward(cls, dossiers, *, at=None, external=False, **handover):
        """The current step is done; the dossier goes to the next step (and
        its unit). From an inter-agency step, it goes back to the step that
        transferred it (the cooperating agency answered, R-PROC-3)."""
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, step, external)
            if step.kind == 'approve' and external:
                cls._check_head(dossier)
        cls._forward(dossiers, 'forwarded', at=at, **handover)

    @classmethod
    def _forward(cls, dossiers, event, reason=None, at=None, **handover):
        """Finish the current step and start the next one; handover holds
        what extensions add to it (forwarding.py: the opinion)."""
        Step = Pool().get('gov.dossier.step')
        now = at or cls._now()
        user = Transaction().user or None
        per_dossier = {}
        for dossier in dossiers:
            step = cls._current_running(dossier)
            target = dossier._handover_target(step)
            step.finish(now, user)
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
    @transition('approve')
    def approve(cls, dossiers, *, at=None, external=False):
        """The unit head approves the current (approval) step: the dossier
        goes to the next step, or its result is ready when it was the last
        one."""
        to_forward, to_finish = [], []
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, None, external)
            if step.kind != 'approve':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_not_approval_step',
                        dossier=dossier.rec_name, step=step.name))
            if dossier._next_step(step):
                to_forward.append(dossier)
            else:
                to_finish.append(dossier)
        if to_forward:
            cls._forward(to_forward, 'forwarded', at=at)
        if to_finish:
            cls._result_ready(to_finish, date=at)

    @classmethod
    @transition('send_back')
    def send_back(cls, dossiers, reason=None, *, at=None, external=False):
        """The dossier goes back to the previous step, with the reason
        (internal). From an inter-agency step, back to the transferring
        step. Without a reason, opens the wizard."""
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        Step = Pool().get('gov.dossier.step')
        now = at or cls._now()
        per_dossier = {}
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, step, external)
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
    @transition('transfer')
    def transfer(cls, dossiers, agency=None, days=None, reason=None, *,
            at=None, external=False):
        """Inter-agency (liên thông) transfer: the current step waits while
        another agency handles a step with its own deadline (days working
        days from now). The dossier's overall due date does not change
        (R-PROC-3). Without an agency, opens the wizard."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Step = pool.get('gov.dossier.step')
        Calendar = pool.get('gov.calendar')
        agency = Agency(int(agency))
        days = Decimal(str(days if days is not None else 0))
        if days < 0:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_transfer_days'))
        now = at or cls._now()
        per_dossier = {}
        for dossier in dossiers:
            step = cls._current_running(dossier)
            cls._check_unit(dossier, step.unit, step, external)
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
    @transition('result_ready')
    def result_ready(cls, dossiers, *, at=None, external=False):
        """processing → result_ready: the last step is done, the result
        (paper or electronic, see result_type) is ready for return; the
        completion date and the timeliness are set (R-PROC-4)."""
        for dossier in dossiers:
            step = dossier.current_step
            if step:
                cls._check_unit(dossier, step.unit, step, external)
                if external:
                    if step.kind == 'approve':
                        cls._check_head(dossier)
                    if step.kind == 'transfer' or dossier._next_step(step):
                        raise DossierWorkflowError(gettext(
                                'gov_dossier.msg_dossier_steps_left',
                                dossier=dossier.rec_name))
        cls._result_ready(dossiers, date=at)

    @classmethod
    def _result_ready(cls, dossiers, date=None, backfill=None):
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
                        step.finish(now, user)
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
            date=now, per_dossier=per_dossier, note=backfill)

    @classmethod
    @transition('done')
    def done(cls, dossiers, *, at=None, external=False):
        """result_ready → done: the result was returned to the applicant,
        at the desk, by post or online (return_method; defaults from the
        channel and result type)."""
        cls._done(dossiers, date=at)

    @classmethod
    def _done(cls, dossiers, date=None, backfill=None):
        now = date or cls._now()
        user = Transaction().user or None
        per_dossier = {}
        for dossier in dossiers:
            ret = dossier._return_step()
            if ret:
                ret.start_date = ret.start_date or now
                ret.finish(now, user)
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
            per_dossier=per_dossier, note=backfill)

    @classmethod
    @transition('withdraw')
    def withdraw(cls, dossiers, reason=None, *, at=None, web_user=None,
            external=False):
        """→ withdrawn, at the applicant's request, any time before the
        result is ready. Officers record a written request; the portal
        calls portal_withdraw. Without a reason, opens the wizard."""
        cls._close_steps(dossiers)
        cls._change(dossiers, 'withdrawn', 'withdrawn', reason=reason,
            date=at, web_user=web_user, values={
                'withdrawal_reason': reason,
                'current_step': None,
                })

    @classmethod
    @transition('suspend')
    def suspend(cls, dossiers, reason=None, *, at=None, external=False):
        """received/processing → suspended, with the reason; the suspended
        working days do not count (the due date moves on resume). Without
        a reason, opens the wizard."""
        if not reason.strip():
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_reason_required'))
        now = at or cls._now()
        cls._change(dossiers, 'suspended', 'suspended', reason=reason,
            date=now, per_dossier={d.id: {
                    'suspended_from': d.state,
                    'suspended_date': now,
                    'suspension_reason': reason,
                    } for d in dossiers})

    @classmethod
    @transition('resume')
    def resume(cls, dossiers, *, at=None, external=False):
        """suspended → the state it was suspended from. The working days of
        the suspension (working_days_between(suspended, resumed)) are added
        to the due date and to the deadlines of the steps not done."""
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Step = pool.get('gov.dossier.step')
        now = at or cls._now()
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
