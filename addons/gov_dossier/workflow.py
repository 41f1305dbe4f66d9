# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The dossier workflow, declared once (QĐ 04/2019, Điều 10–13).

WORKFLOW names every button of the workflow with the states it starts
from, the states it leads to, the event it records, the groups that hold
it and the wizard it opens when called without its input. From it come:

- ``Dossier._transitions`` (Tryton's Workflow),
- the buttons' ``invisible`` and ``depends`` (sao, and the server's check
  of the button state in ``ModelView.button``),
- the state check of every transition (``transition()``: a dossier in a
  state the action does not start from is refused, not skipped),
- ``Dossier.allowed(action)``, which the portal and other modules ask.

The groups are those of the ``ir.model.button`` records of the XML files
(Tryton's own role check); a test compares them with this table.

Other modules veto or complete a transition through one extension point,
three hooks called with the dossiers and the event (see doc/index.rst,
"Extending the workflow"):

- ``Dossier._check_event(dossiers, event)`` before anything is written:
  raise a UserError to refuse;
- ``Dossier._event_values(dossiers, event)`` next: {dossier id: values}
  written with the new state, in the same write;
- ``Dossier._on_event(dossiers, event)`` after the state, the values and
  the history are written.
"""
import inspect
from functools import wraps
from typing import NamedTuple

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import DossierStateError

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
# States in which the processing clock runs.
CLOCK_STATES = ['received', 'processing']
FINAL_STATES = {'rejected', 'done', 'withdrawn'}

# Shown only while the dossier is at a processing step.
_NOT_PROCESSING = Eval('state') != 'processing'
_STEP_KIND = Eval('current_step_kind')


class Action(NamedTuple):
    "A button of the dossier workflow."
    sources: tuple
    targets: tuple
    event: str
    groups: tuple
    icon: str
    # The wizard opened when the button is called without `needs`.
    wizard: str = None
    needs: str = None
    # When else the button is hidden, and the fields that condition reads.
    hidden: object = None
    depends: tuple = ()
    # The applicant may do it herself on the portal.
    citizen: bool = False
    # The message refusing a dossier in another state (default: generic).
    refusal: str = None


WORKFLOW = {
    'submit': Action(
        ('draft', 'supplement'), ('submitted',), 'submitted',
        ('group_receiver', 'group_postal'), 'tryton-forward',
        citizen=True),
    'receive': Action(
        ('draft', 'submitted', 'supplement'), ('received',), 'received',
        ('group_receiver',), 'tryton-ok',
        # An online draft is the citizen's: she submits it.
        hidden=(Eval('state') == 'draft') & (Eval('channel') == 'online'),
        depends=('channel',)),
    'request_supplement': Action(
        ('submitted', 'received'), ('supplement',), 'supplement',
        ('group_receiver',), 'tryton-back',
        wizard='wizard_supplement', needs='reason'),
    'reject': Action(
        ('submitted', 'supplement', 'received'), ('rejected',), 'rejected',
        ('group_receiver',), 'tryton-cancel',
        wizard='wizard_reject', needs='reason'),
    'process': Action(
        ('received',), ('processing',), 'processing',
        ('group_specialist', 'group_unit_head'), 'tryton-launch'),
    'forward': Action(
        ('processing',), ('processing',), 'forwarded',
        ('group_specialist', 'group_unit_head'), 'tryton-forward',
        hidden=(_STEP_KIND.in_(['approve'])
            | (~Eval('has_next_step', False) & (_STEP_KIND != 'transfer'))),
        depends=('current_step_kind', 'has_next_step')),
    'send_back': Action(
        ('processing',), ('processing',), 'returned_step',
        ('group_specialist', 'group_unit_head'), 'tryton-back',
        wizard='wizard_send_back', needs='reason'),
    'transfer': Action(
        ('processing',), ('processing',), 'transferred',
        ('group_specialist', 'group_unit_head'), 'tryton-switch',
        wizard='wizard_transfer', needs='agency',
        hidden=_STEP_KIND == 'transfer', depends=('current_step_kind',)),
    'approve': Action(
        ('processing',), ('processing', 'result_ready'), 'forwarded',
        ('group_unit_head', 'group_leader'), 'tryton-ok',
        hidden=_STEP_KIND != 'approve', depends=('current_step_kind',)),
    'result_ready': Action(
        ('processing',), ('result_ready',), 'result_ready',
        ('group_specialist', 'group_unit_head'), 'tryton-ok',
        hidden=(_STEP_KIND.in_(['approve', 'transfer'])
            | Eval('has_next_step', False)),
        depends=('current_step_kind', 'has_next_step')),
    'done': Action(
        ('result_ready',), ('done',), 'done',
        ('group_receiver',), 'tryton-ok'),
    'withdraw': Action(
        ('submitted', 'supplement', 'received', 'processing', 'suspended'),
        ('withdrawn',), 'withdrawn',
        ('group_receiver',), 'tryton-cancel',
        wizard='wizard_withdraw', needs='reason', citizen=True),
    'suspend': Action(
        tuple(CLOCK_STATES), ('suspended',), 'suspended',
        ('group_unit_head', 'group_leader'), 'tryton-stop',
        wizard='wizard_suspend', needs='reason'),
    'resume': Action(
        ('suspended',), tuple(CLOCK_STATES), 'resumed',
        ('group_unit_head', 'group_leader'), 'tryton-launch'),
    # draft → received, then on through the other transitions (backfill.py)
    'backfill': Action(
        ('draft',), ('received',), 'received',
        ('gov_dossier.group_backfill',), 'tryton-history',
        wizard='wizard_backfill', needs='received_date',
        refusal='gov_dossier.msg_backfill_draft'),
    }


def group_xml_id(group):
    "The module-qualified XML id of a group of WORKFLOW."
    return group if '.' in group else 'gov_agency.' + group


def transition(action):
    """Decorate the button method of WORKFLOW[action]:

    - called without its input (`needs`), it opens the action's wizard;
    - a dossier in a state the action does not start from is refused with
      a DossierStateError (Tryton's Workflow.transition would skip it);
    - the method receives `external=True` when it was called through RPC
      (access checked), before ModelView.button turns the access check
      off: the officer-level checks (unit, step group, head) apply to real
      users and not to server code (portal, cron, tests as root)."""
    spec = WORKFLOW[action]

    def decorator(func):
        signature = inspect.signature(func)

        @wraps(func)
        def act(cls, records, *args, **kwargs):
            if spec.needs and signature.bind(
                    cls, records, *args, **kwargs).arguments.get(
                        spec.needs) is None:
                return cls._wizard_action(spec.wizard)
            if not records:
                return
            cls.check_sources(records, action)
            return func(cls, records, *args, **kwargs)
        return external_button(act)
    return decorator


def external_button(func):
    """ModelView.button for the officers' buttons outside WORKFLOW: the
    method receives `external` as transition() gives it."""
    button = ModelView.button(func)

    @wraps(func)
    def wrapper(cls, records, *args, **kwargs):
        transaction = Transaction()
        kwargs.setdefault('external',
            bool(transaction.user and transaction.check_access))
        return button(cls, records, *args, **kwargs)
    return wrapper


class WorkflowMixin:
    "The workflow of WORKFLOW on gov.dossier."
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._workflow = dict(WORKFLOW)
        for name, spec in cls._workflow.items():
            cls._transitions |= {
                (s, t) for s in spec.sources for t in spec.targets}
            invisible = ~Eval('state').in_(list(spec.sources))
            if spec.hidden is not None:
                invisible |= spec.hidden
            cls._buttons[name] = {
                'invisible': invisible,
                'icon': spec.icon,
                'depends': ['state'] + list(spec.depends),
                }

    @classmethod
    def _state_string(cls, state):
        return dict(cls.fields_get(['state'])['state']['selection']).get(
            state, state)

    @classmethod
    def check_sources(cls, dossiers, action):
        "Refuse the action for a dossier not in one of its start states."
        spec = cls._workflow[action]
        for dossier in dossiers:
            if dossier.state not in spec.sources and spec.refusal:
                raise DossierStateError(gettext(
                        spec.refusal, dossier=dossier.rec_name))
            if dossier.state not in spec.sources:
                raise DossierStateError(gettext(
                        'gov_dossier.msg_dossier_transition_forbidden',
                        dossier=dossier.rec_name,
                        from_=dossier.state_string,
                        to=cls._state_string(spec.targets[0])))

    def allowed(self, action, web_user=None):
        """Whether the action may be done on the dossier now: its state is
        one the action starts from and, for the portal (web_user), the
        applicant may do it and owns the dossier; for a user, one of the
        groups holding the button is theirs."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        spec = self._workflow.get(action)
        if not spec or self.state not in spec.sources:
            return False
        if web_user is not None:
            return bool(spec.citizen and self.web_user
                and self.web_user.id == int(web_user))
        if not Transaction().user:
            return True
        groups = set(User.get_groups())
        return any(ModelData.get_id(*group_xml_id(g).split('.')) in groups
            for g in spec.groups)

    @classmethod
    def _wizard_action(cls, xml_id):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        return Action.get_action_id(ModelData.get_id('gov_dossier', xml_id))

    @classmethod
    def _change(cls, dossiers, state, event, values=None, reason=None,
            date=None, per_dossier=None, public=True, web_user=None,
            note=None):
        """Write the new state (and values), record the audit history and
        Tryton's transition log, and call the hooks: _check_event before
        writing (to veto), _event_values for what other modules write with
        the state, _on_event after. The only way dossiers change
        state. web_user is the portal account acting, note the backfill
        note of the history."""
        pool = Pool()
        History = pool.get('gov.dossier.history')
        if not dossiers:
            return []
        for dossier in dossiers:
            if (dossier.state, state) not in cls._transitions:
                raise DossierStateError(gettext(
                        'gov_dossier.msg_dossier_transition_forbidden',
                        dossier=dossier.rec_name,
                        from_=dossier.state_string,
                        to=cls._state_string(state)))
        cls._check_event(dossiers, event)
        transaction = Transaction()
        date = date or cls._now()
        from_states = {d.id: d.state for d in dossiers}
        completed = cls._event_values(dossiers, event)
        args = []
        for dossier in dossiers:
            vals = dict(values or {})
            if per_dossier:
                vals.update(per_dossier.get(dossier.id, {}))
            vals.update(completed.get(dossier.id, {}))
            vals['state'] = state
            args.extend(([dossier], vals))
        cls.write(*args)
        dossiers = cls.browse([d.id for d in dossiers])
        moved = [d for d in dossiers if from_states[d.id] != state]
        if moved:
            cls.log(moved, 'transition', f'state:{state}')
        History.create([{
                    'dossier': d.id,
                    'date': date,
                    'user': transaction.user or None,
                    'web_user': int(web_user) if web_user else None,
                    'from_state': from_states[d.id],
                    'to_state': state,
                    'event': event,
                    'reason': reason,
                    'unit': d.current_unit.id if d.current_unit else None,
                    'step_name': (d.current_step.name
                        if d.current_step else None),
                    'public': public,
                    'backfill_note': note,
                    } for d in dossiers])
        cls._on_event(dossiers, event)
        return dossiers

    @classmethod
    def _check_event(cls, dossiers, event):
        """Hook called before a transition writes anything: raise a
        UserError to refuse it. event is the one _on_event receives.
        Extend it (PoolMeta) to add a condition (e.g. a fee paid before
        "done"); always call super()."""
        pass

    @classmethod
    def _event_values(cls, dossiers, event):
        """Hook called after _check_event, before the transition writes:
        {dossier id: values} that other modules write with the new state
        in the same write (what the event fixes on the dossier, e.g. its
        fees), instead of writing the dossier again in _on_event. Extend
        it (PoolMeta): update the dict super() returns."""
        return {}

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
