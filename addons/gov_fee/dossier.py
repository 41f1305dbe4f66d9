# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What a dossier owes, has paid and was refunded (R-FEE-1..4).

- ``compute_fee_lines()``: the one computation of the lines a dossier
  owes — the procedure's ``fee_lines(form_data)`` (quantities from the
  eForm, conditional lines left out) with the exemptions that apply —
  as unsaved ``gov.dossier.fee`` records; the portal shows them before
  submission;
- ``fee_fixing_values(dossiers)``: the lines are copied once, at the
  first of the events ``submitted`` and ``received`` (``fee_date``),
  written with the transition; later changes of the schedule do not
  change them;
- ``get_fee_amounts(dossiers)``: total, paid, refunded, due, due before
  reception (the lines due before submission), due now, and the payment
  state — for the Function fields, the checks and the payments;
- ``update_payment_state(dossiers)``: the stored ``payment_state``,
  recomputed whenever fee lines, payments or refunds change; a new
  dossier gets it with its creation (``preprocess_values``);
- the workflow's extension point: ``_check_event`` refuses ``done`` while
  a fee is unpaid and ``received`` while the fees due before submission
  are unpaid when the procedure asks for it (paper dossiers entered
  afterwards are not blocked); ``_event_values`` fixes the fees with the
  transition; ``_on_event`` proposes the refunds of a rejected dossier."""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import without_check_access

from gov_agency.l10n import format_amount

from .exceptions import FeeUnpaidError

PAYMENT_STATES = [
    ('not_required', "Not Required"),
    ('due', "Due"),
    ('partially_paid', "Partially Paid"),
    ('paid', "Paid"),
    ('refunded', "Refunded"),
    ]
# Written by the workflow and the payments only (never through RPC).
FEE_FIELDS = {'fees', 'payments', 'refunds', 'payment_state', 'fee_date'}
# The dossier is over without its service: nothing more is owed.
NOT_OWED_STATES = {'rejected', 'withdrawn'}
CLOSED_STATES = {'rejected', 'withdrawn', 'done'}
ZERO = Decimal(0)


def compute_payment_state(dossier_state, total, paid, refunded):
    """The payment state of a dossier from its amounts (đồng)."""
    if paid > 0 and refunded >= paid:
        return 'refunded'
    owed = paid if dossier_state in NOT_OWED_STATES else total
    if owed <= 0:
        return 'paid' if paid > 0 else 'not_required'
    if paid >= owed:
        return 'paid'
    if paid > 0:
        return 'partially_paid'
    return 'due'


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    fees = fields.One2Many(
        'gov.dossier.fee', 'dossier', "Fees and Charges", readonly=True)
    payments = fields.One2Many(
        'gov.fee.payment', 'dossier', "Payments", readonly=True)
    refunds = fields.One2Many(
        'gov.fee.refund', 'dossier', "Refunds", readonly=True)
    fee_date = fields.DateTime(
        "Fees Fixed At", readonly=True,
        help="When the fee lines were copied from the procedure (first "
        "submission or reception); later changes of the schedule do not "
        "change them.")
    amount_total = fields.Function(fields.Numeric(
            "Fees (đồng)", digits=(16, 0)), 'get_amounts')
    amount_paid = fields.Function(fields.Numeric(
            "Paid (đồng)", digits=(16, 0)), 'get_amounts')
    amount_refunded = fields.Function(fields.Numeric(
            "Refunded (đồng)", digits=(16, 0)), 'get_amounts')
    amount_due = fields.Function(fields.Numeric(
            "Due (đồng)", digits=(16, 0)), 'get_amounts')
    # Set when the dossier is created (on_modification), then kept by
    # update_payment_state; no default, so that the workflow's check of the
    # protected fields sees a client that tries to set it.
    payment_state = fields.Selection(
        [(None, '')] + PAYMENT_STATES, "Payment State", readonly=True,
        sort=False)
    payment_state_string = payment_state.translated('payment_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._protected_fields |= FEE_FIELDS
        # Computed at creation (preprocess_values), never taken from a
        # client.
        cls._generated_fields |= {'payment_state'}
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.payment_state, Index.Equality(cardinality='low')),
                where=t.payment_state.in_(['due', 'partially_paid'])))
        cls._buttons.update({
                'record_payment': {
                    'invisible': (Eval('state').in_(list(CLOSED_STATES))
                        | (Eval('amount_due', 0) <= 0)),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'amount_due'],
                    },
                })

    # ------------------------------------------------------- the lines
    def compute_fee_lines(self):
        """The fee lines the dossier owes for its procedure and eForm data,
        unsaved: the procedure's fee_lines (quantities from the eForm;
        conditional lines without a quantity left out) with the exemption
        that applies to each. The one computation of what is owed: the
        portal shows it before submission, fee_fixing_values stores it."""
        DossierFee = Pool().get('gov.dossier.fee')
        if not self.procedure:
            return []
        data = dict(self.form_data or {})
        lines = []
        for fee, quantity, amount in self.procedure.fee_lines(data):
            if amount is None or not quantity:
                continue
            lines.append(DossierFee.from_schedule(
                    self, fee, quantity, amount, data))
        return lines

    @classmethod
    def preview_fee_lines(cls, procedure, form_data=None):
        """The lines a dossier of procedure with this eForm data would owe
        (compute_fee_lines on an unsaved dossier): what the portal shows
        on the procedure's page and while the form is filled in."""
        return cls(procedure=procedure,
            form_data=dict(form_data or {})).compute_fee_lines()

    def owed_fee_lines(self):
        """The lines the dossier owes: its own once fixed; for a draft,
        those its procedure and eForm give now (compute_fee_lines)."""
        if self.fee_date:
            return list(self.fees)
        if self.state == 'draft':
            return self.compute_fee_lines()
        return []

    @classmethod
    def fee_fixing_values(cls, dossiers):
        """{dossier id: values} that fix the fees of the dossiers whose
        fees are not fixed yet (once: at the first submission or
        reception): fee_date and the lines, to write with the transition.
        The lines' creation updates the payment state."""
        now = cls._now()
        result = {}
        with without_check_access():
            for dossier in dossiers:
                if dossier.fee_date:
                    continue
                values = {'fee_date': now}
                lines = [line.as_values()
                    for line in dossier.compute_fee_lines()]
                if lines:
                    values['fees'] = [('create', lines)]
                result[dossier.id] = values
        return result

    # ----------------------------------------------------- the amounts
    @classmethod
    def get_fee_amounts(cls, dossiers):
        """{dossier id: amounts} in đồng: total (the lines owed), before
        (those due before submission), paid, refunded, due (what is still
        owed), due_before (of the lines due before submission; payments
        count against them first), due_now (what an order asks for: the
        lines due before submission until the result is ready, then all)
        and payment_state."""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        Refund = pool.get('gov.fee.refund')
        ids = [int(d) for d in dossiers if d.id is not None and d.id >= 0]
        paid = defaultdict(lambda: ZERO)
        refunded = defaultdict(lambda: ZERO)
        result = {}
        with without_check_access():
            for sub_ids in grouped_slice(ids, 1000):
                sub_ids = list(sub_ids)
                for payment in Payment.search([
                            ('dossier', 'in', sub_ids),
                            ('state', '=', 'paid'),
                            ]):
                    paid[payment.dossier.id] += payment.amount
                for refund in Refund.search([
                            ('dossier', 'in', sub_ids),
                            ('state', '=', 'paid'),
                            ]):
                    refunded[refund.dossier.id] += refund.amount
            for dossier in cls.browse(ids):
                lines = dossier.owed_fee_lines()
                total = sum((l.amount or ZERO for l in lines), ZERO)
                before = sum((l.amount or ZERO for l in lines
                        if l.payment_time == 'before'), ZERO)
                p, r = paid[dossier.id], refunded[dossier.id]
                if dossier.state in NOT_OWED_STATES:
                    due = due_before = ZERO
                else:
                    due = max(total - p, ZERO)
                    due_before = max(before - p, ZERO)
                if dossier.state in CLOSED_STATES:
                    due_now = ZERO
                elif dossier.state == 'result_ready':
                    due_now = due
                else:
                    due_now = due_before
                result[dossier.id] = {
                    'total': total,
                    'before': before,
                    'paid': p,
                    'refunded': r,
                    'due': due,
                    'due_before': due_before,
                    'due_now': due_now,
                    'payment_state': compute_payment_state(
                        dossier.state, total, p, r),
                    }
        return result

    @classmethod
    def get_amounts(cls, dossiers, names):
        amounts = cls.get_fee_amounts(dossiers)
        keys = {
            'amount_total': 'total',
            'amount_paid': 'paid',
            'amount_refunded': 'refunded',
            'amount_due': 'due',
            }
        return {name: {d.id: amounts.get(d.id, {}).get(keys[name])
                for d in dossiers} for name in names}

    def get_payment_summary(self):
        """What the citizen is told of her dossier's fees on the portal:
        dict(total, paid, due, due_now, payment_state, can_pay). can_pay:
        something is due now and it may be paid online or by transfer
        (a submitted dossier, not closed) — the one rule of the "Thanh
        toán" button."""
        amounts = self.get_fee_amounts([self])[self.id]
        amounts = dict(amounts)
        amounts['can_pay'] = bool(self.code and self.state != 'draft'
            and self.state not in CLOSED_STATES
            and amounts['due_now'] > 0)
        return amounts

    @classmethod
    def update_payment_state(cls, dossiers):
        """Store the payment state of the dossiers as their fee lines,
        payments and refunds give it. The one place that writes it."""
        ids = list({int(d) for d in dossiers if d and int(d) >= 0})
        if not ids:
            return
        with without_check_access():
            dossiers = cls.browse(ids)
            amounts = cls.get_fee_amounts(dossiers)
            changed = defaultdict(list)
            for dossier in dossiers:
                state = amounts[dossier.id]['payment_state']
                if dossier.payment_state != state:
                    changed[state].append(dossier)
            args = []
            for state, records in changed.items():
                args.extend((records, {'payment_state': state}))
            if args:
                cls.write(*args)

    # ------------------------------------------------ the extension point
    @classmethod
    def _check_event(cls, dossiers, event):
        super()._check_event(dossiers, event)
        if event not in {'received', 'done'}:
            return
        todo = [d for d in dossiers if not d.backfilled]
        if event == 'received':
            todo = [d for d in todo if d.procedure.fee_due_before_reception]
        if not todo:
            return
        amounts = cls.get_fee_amounts(todo)
        for dossier in todo:
            if event == 'received':
                due = amounts[dossier.id]['due_before']
                message = 'gov_fee.msg_fee_unpaid_reception'
            else:
                due = amounts[dossier.id]['due']
                message = 'gov_fee.msg_fee_unpaid_done'
            if due > 0:
                raise FeeUnpaidError(gettext(message,
                        dossier=dossier.rec_name,
                        amount=format_amount(due, short=True)))

    @classmethod
    def _event_values(cls, dossiers, event):
        values = super()._event_values(dossiers, event)
        if event in {'submitted', 'received'}:
            for id_, fixing in cls.fee_fixing_values(dossiers).items():
                values.setdefault(id_, {}).update(fixing)
        return values

    @classmethod
    def _on_event(cls, dossiers, event):
        pool = Pool()
        Refund = pool.get('gov.fee.refund')
        super()._on_event(dossiers, event)
        if event in {'submitted', 'received'}:
            # A draft's state followed its procedure's lines; without
            # lines of its own it owes nothing now (those with lines were
            # updated by their creation).
            cls.update_payment_state([d for d in dossiers if not d.fees])
        elif event == 'rejected':
            Refund.propose(cls.browse(dossiers))
            cls.update_payment_state(dossiers)
        elif event in {'withdrawn', 'done'}:
            cls.update_payment_state(dossiers)

    # ------------------------------------------------- creation, drafts
    @classmethod
    def preprocess_values(cls, mode, values):
        """A new dossier without fee lines, payments or refunds of its
        own (a draft, mostly) gets its payment state with its creation:
        nothing paid, and what its procedure and eForm give owed while it
        is a draft; on_modification computes the others'."""
        values = super().preprocess_values(mode, values)
        if mode != 'create':
            return values
        values.pop('payment_state', None)
        if any(values.get(name) for name in FEE_FIELDS):
            return values
        state = values.get('state') or cls.default_state()
        with without_check_access():
            dossier = cls(procedure=values.get('procedure'),
                form_data=values.get('form_data'), state=state,
                fee_date=None)
            total = sum((l.amount or ZERO
                    for l in dossier.owed_fee_lines()), ZERO)
        values['payment_state'] = compute_payment_state(
            state, total, ZERO, ZERO)
        return values

    @classmethod
    def on_modification(cls, mode, dossiers, field_names=None):
        """The payment state of a new dossier created with fee lines,
        payments or refunds (the others got it in preprocess_values); a
        draft owes what its procedure and eForm give: its payment state
        follows them until the fees are fixed."""
        super().on_modification(mode, dossiers, field_names=field_names)
        if mode == 'delete':
            return
        if mode == 'create':
            cls.update_payment_state(
                [d for d in dossiers if not d.payment_state])
        elif field_names and field_names & {'procedure', 'form_data'}:
            drafts = [d for d in dossiers
                if d.state == 'draft' and not d.fee_date]
            if drafts:
                cls.update_payment_state(drafts)

    # ------------------------------------------------------------ button
    @classmethod
    @ModelView.button_action('gov_fee.wizard_record_payment')
    def record_payment(cls, dossiers):
        "Open the wizard recording a payment at the desk or the post office."
        pass
