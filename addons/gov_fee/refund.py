# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Refunds of fees paid (R-FEE-3, Điều 13.2.c of the regulation).

When the agency cannot deliver the service after a fee was paid — the
dossier is rejected — the fee is refunded: a draft refund is proposed for
each paid payment (``Refund.propose(dossiers)``, called at the event
``rejected``). None is proposed when the applicant withdraws the dossier
or does not collect the result. The accountant approves the refund, pays
it back (by the method of the payment, with the bank's or the desk's
reference) or cancels it. A refund never exceeds what its payment brought
in less the other refunds of that payment."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import format_amount

from .exceptions import FeeAccessError, FeeValidationError, RefundError
from .payment import METHODS

STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('paid', "Paid"),
    ('cancelled', "Cancelled"),
    ]
# What the accountant may still change through RPC in each state.
WRITABLE = {
    'draft': {'amount', 'reason', 'method', 'reference', 'note'},
    'approved': {'method', 'reference', 'note'},
    'paid': {'note'},
    'cancelled': {'note'},
    }


class Refund(Workflow, ModelSQL, ModelView):
    "A refund of fees paid for a dossier."
    __name__ = 'gov.fee.refund'
    __string__ = "Fee Refund"

    _draft = {'readonly': Eval('state') != 'draft'}
    _open = {'readonly': ~Eval('state').in_(['draft', 'approved'])}

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='RESTRICT',
        states=_draft)
    payment = fields.Many2One(
        'gov.fee.payment', "Payment", required=True, ondelete='RESTRICT',
        domain=[
            ('dossier', '=', Eval('dossier', -1)),
            ('state', '=', 'paid'),
            ],
        states=_draft)
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT',
        readonly=True)
    amount = fields.Numeric(
        "Amount (đồng)", digits=(16, 0), required=True, states=_draft)
    reason = fields.Text("Reason", required=True, states=_draft)
    method = fields.Selection(
        METHODS, "Method", required=True, sort=False, states=_open)
    reference = fields.Char(
        "Reference", states=_open,
        help="The bank's reference of the transfer, or the number of the "
        "desk's payment voucher.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='RESTRICT')
    approved_date = fields.DateTime("Approved At", readonly=True)
    paid_date = fields.DateTime("Paid At", readonly=True)
    note = fields.Text("Note")

    del _draft, _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.payment, Index.Equality())),
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'paid'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return '%s — %s' % (self.dossier.rec_name,
            format_amount(self.amount, short=True))

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name',) + tuple(clause[1:])]

    @classmethod
    def _now(cls):
        return Pool().get('gov.dossier')._now()

    # ------------------------------------------------------------ checks
    @classmethod
    def preprocess_values(cls, mode, values):
        "The agency is always the dossier's."
        Dossier = Pool().get('gov.dossier')
        values = super().preprocess_values(mode, values)
        if values.get('dossier'):
            with without_check_access():
                values['agency'] = Dossier(values['dossier']).agency.id
        return values

    @classmethod
    def validate_fields(cls, refunds, field_names):
        super().validate_fields(refunds, field_names)
        if field_names and not (field_names & {
                    'amount', 'payment', 'dossier', 'state'}):
            return
        for refund in refunds:
            if refund.amount is None or refund.amount <= 0:
                raise FeeValidationError(gettext(
                        'gov_fee.msg_refund_amount_positive'))
            if refund.payment.dossier != refund.dossier:
                raise FeeValidationError(gettext(
                        'gov_fee.msg_refund_payment_dossier',
                        payment=refund.payment.rec_name,
                        dossier=refund.dossier.rec_name))
            if refund.state == 'cancelled':
                continue
            if refund.payment.state != 'paid':
                raise FeeValidationError(gettext(
                        'gov_fee.msg_refund_payment_not_paid',
                        payment=refund.payment.rec_name))
            available = cls.refundable(refund.payment, exclude=[refund])
            if refund.amount > available:
                raise FeeValidationError(gettext(
                        'gov_fee.msg_refund_exceeds_paid',
                        dossier=refund.dossier.rec_name,
                        amount=format_amount(refund.amount, short=True),
                        available=format_amount(available, short=True)))

    @classmethod
    def refundable(cls, payment, exclude=()):
        """What is left to refund of a paid payment: its amount less its
        refunds that are not cancelled (but those of exclude)."""
        with without_check_access():
            refunds = cls.search([
                    ('payment', '=', payment.id),
                    ('state', '!=', 'cancelled'),
                    ('id', 'not in', [r.id for r in exclude if r.id]),
                    ])
        return max(payment.amount - sum(
                (r.amount for r in refunds), Decimal(0)), Decimal(0))

    @classmethod
    def check_modification(cls, mode, refunds, values=None, external=False):
        super().check_modification(
            mode, refunds, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            if 'state' in values or {'approved_by', 'approved_date',
                    'paid_date', 'agency'} & set(values):
                raise FeeAccessError(gettext(
                        'gov_fee.msg_refund_buttons_only'))
            for refund in refunds:
                refused = set(values) - WRITABLE[refund.state]
                if refused:
                    raise FeeAccessError(gettext(
                            'gov_fee.msg_refund_locked',
                            refund=refund.rec_name,
                            state=refund.state_string))
        elif mode == 'delete':
            for refund in refunds:
                if refund.state != 'draft':
                    raise FeeAccessError(gettext(
                            'gov_fee.msg_refund_delete_draft',
                            refund=refund.rec_name))
        elif mode == 'create':
            for refund in refunds:
                if refund.state != 'draft' or refund.approved_by:
                    raise FeeAccessError(gettext(
                            'gov_fee.msg_refund_buttons_only'))

    @classmethod
    def on_modification(cls, mode, refunds, field_names=None):
        super().on_modification(mode, refunds, field_names=field_names)
        if mode != 'delete':
            Dossier = Pool().get('gov.dossier')
            Dossier.update_payment_state(list({r.dossier for r in refunds}))

    @classmethod
    def on_delete(cls, refunds):
        Dossier = Pool().get('gov.dossier')
        callbacks = super().on_delete(refunds)
        ids = list({r.dossier.id for r in refunds})
        return callbacks + [lambda: Dossier.update_payment_state(
                Dossier.browse(ids))]

    @classmethod
    def copy(cls, refunds, default=None):
        default = default.copy() if default else {}
        for name in ['approved_by', 'approved_date', 'paid_date',
                'reference']:
            default.setdefault(name, None)
        return super().copy(refunds, default=default)

    # ----------------------------------------------------------- methods
    @classmethod
    def propose(cls, dossiers, reason=None):
        """Draft refunds of what is left to refund of each paid payment of
        the dossiers (R-FEE-3). Returns the refunds created."""
        Payment = Pool().get('gov.fee.payment')
        to_create = []
        with without_check_access():
            for dossier in dossiers:
                payments = Payment.search([
                        ('dossier', '=', dossier.id),
                        ('state', '=', 'paid'),
                        ], order=[('id', 'ASC')])
                for payment in payments:
                    amount = cls.refundable(payment)
                    if amount <= 0:
                        continue
                    to_create.append({
                            'dossier': dossier.id,
                            'payment': payment.id,
                            'amount': amount,
                            'method': payment.method,
                            'reason': reason or gettext(
                                'gov_fee.msg_refund_reason_rejected',
                                dossier=dossier.rec_name,
                                reason=dossier.rejection_reason or ''),
                            })
            return cls.create(to_create) if to_create else []

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, refunds):
        cls.write(refunds, {
                'approved_by': Transaction().user or None,
                'approved_date': cls._now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, refunds):
        cls.write(refunds, {'paid_date': cls._now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, refunds):
        pass
