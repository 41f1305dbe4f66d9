# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Payments of the fees of a dossier (R-FEE-2): at the one-stop desk, by
the postal service (cash on delivery), by bank transfer to the agency's
account, or online through a payment gateway. Every payment belongs to
one dossier and carries the dossier's agency, for reconciliation.

Payments change through four class methods only:

- ``record(dossier, method, amount, payer_name=None, reference=None)``:
  an officer took the money (desk, post office; or the accountant saw a
  transfer): paid at once, with a receipt number;
- ``create_order(dossier, method)``: a pending order for what is due now
  (online, transfer), whose ``order_code`` the gateway or the transfer memo
  carries back;
- ``confirm(payment, amount, currency, reference)``: the gateway or the
  bank says the order was paid: paid only when amount and currency are
  the order's, else ``mismatch``; a payment already paid is returned
  unchanged (the gateway may call twice, at the same time);
- ``fail(payment)``: the gateway says the order failed.

A paid payment gets the next number of the receipt book of its agency and
year, ``<agency code>/<yyyy>/000123``: a strict sequence (no gap), one per
agency and year, created on demand and remembered in
``gov.fee.receipt.sequence``."""
import secrets
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import amount_in_words, format_amount, to_local

from .exceptions import FeeAccessError, FeeValidationError, PaymentError

METHODS = [
    ('desk', "Cash at the One-Stop Desk"),
    ('transfer', "Bank Transfer"),
    ('online', "Online Payment Gateway"),
    ('postal', "Cash on Delivery (Postal Service)"),
    ]
STATES = [
    ('pending', "Pending"),
    ('paid', "Paid"),
    ('failed', "Failed"),
    ('cancelled', "Cancelled"),
    ('mismatch', "Amount Mismatch"),
    ]
CURRENCY = 'VND'
# Who records a payment of each method (record()).
METHOD_GROUPS = {
    'desk': ('gov_agency', 'group_receiver'),
    'postal': ('gov_agency', 'group_postal'),
    'transfer': ('gov_fee', 'group_accountant'),
    }
ORDER_METHODS = {'online', 'transfer'}
# Order ids are typed in transfer memos: no 0/O, 1/I/L.
ORDER_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
ORDER_PREFIX = 'DVC'
CLOSED_STATES = {'rejected', 'withdrawn', 'done'}


def _decimal(value):
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


class ReceiptSequence(ModelSQL):
    "The receipt book of an agency for a year."
    __name__ = 'gov.fee.receipt.sequence'
    __string__ = "Receipt Sequence"

    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT')
    year = fields.Integer("Year", required=True)
    sequence = fields.Many2One(
        'ir.sequence.strict', "Sequence", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('agency_year_uniq', Unique(t, t.agency, t.year),
                'gov_fee.msg_receipt_sequence_unique'),
            ]

    @classmethod
    def get_sequence(cls, agency, year):
        """The strict sequence of the receipts of agency in year, created
        the first time (the table is locked so that two payments do not
        create it twice)."""
        pool = Pool()
        Sequence = pool.get('ir.sequence.strict')
        ModelData = pool.get('ir.model.data')
        with without_check_access():
            records = cls.search([
                    ('agency', '=', agency.id), ('year', '=', year)], limit=1)
            if records:
                return records[0].sequence
            cls.lock()
            records = cls.search([
                    ('agency', '=', agency.id), ('year', '=', year)], limit=1)
            if records:
                return records[0].sequence
            code = agency.code or str(agency.id)
            sequence = Sequence(
                name=f'{code}/{year}',
                sequence_type=ModelData.get_id(
                    'gov_fee', 'sequence_type_receipt'),
                prefix=f'{code}/{year}/', padding=6, number_increment=1,
                number_next=1)
            sequence.save()
            cls.create([{
                        'agency': agency.id,
                        'year': year,
                        'sequence': sequence.id,
                        }])
            return sequence

    @classmethod
    def next_number(cls, agency, date):
        "The next receipt number of agency for a payment made at date (UTC)."
        year = to_local(date, agency).year
        sequence = cls.get_sequence(agency, year)
        with without_check_access():
            return sequence.get()


class Payment(ModelSQL, ModelView):
    "A payment of the fees of a dossier."
    __name__ = 'gov.fee.payment'
    __string__ = "Fee Payment"
    _rec_name = 'order_code'

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='RESTRICT',
        readonly=True)
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT',
        readonly=True,
        help="The agency of the dossier, whose account receives the money.")
    method = fields.Selection(
        METHODS, "Method", required=True, readonly=True, sort=False)
    amount = fields.Numeric(
        "Amount (đồng)", digits=(16, 0), required=True, readonly=True)
    amount_words = fields.Function(
        fields.Char("Amount in Words"), 'get_amount_words')
    currency = fields.Char("Currency", required=True, readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    order_code = fields.Char(
        "Order", required=True, readonly=True, strip=False,
        help="Generated by the system: the gateway's order, or the memo "
        "the applicant writes on a bank transfer.")
    provider_reference = fields.Char(
        "Provider Reference", readonly=True,
        help="The gateway's or the bank's reference of the transaction.")
    received_amount = fields.Numeric(
        "Amount Received (đồng)", digits=(16, 0), readonly=True,
        help="What the gateway or the bank said was paid.")
    received_currency = fields.Char("Currency Received", readonly=True)
    payer_name = fields.Char("Payer", readonly=True)
    paid_date = fields.DateTime("Paid At", readonly=True)
    received_by = fields.Many2One(
        'res.user', "Received By", readonly=True, ondelete='RESTRICT')
    receipt_number = fields.Char(
        "Receipt Number", readonly=True,
        help="<agency code>/<year>/<number>, without gaps per agency and "
        "year.")
    receipt_token = fields.Char(
        "Receipt Token", readonly=True, strip=False,
        help="Random, given with the receipt number: the QR code of the "
        "receipt opens the portal's page verifying it (/bien-lai/<token>); "
        "the sequential number is never enough to find a receipt.")
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        cls.order_code.search_unaccented = False
        cls.receipt_token.search_unaccented = False
        cls.receipt_number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('order_code_uniq', Unique(t, t.order_code),
                'gov_fee.msg_payment_order_unique'),
            ('receipt_number_uniq', Unique(t, t.receipt_number),
                'gov_fee.msg_payment_receipt_unique'),
            ('receipt_token_uniq', Unique(t, t.receipt_token),
                'gov_fee.msg_payment_receipt_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(['pending', 'failed']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_currency(cls):
        return CURRENCY

    @classmethod
    def default_state(cls):
        return 'pending'

    def get_rec_name(self, name):
        return self.receipt_number or self.order_code

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('order_code', operator, operand, *extra),
            ('receipt_number', operator, operand, *extra),
            ]

    def get_amount_words(self, name):
        return amount_in_words(self.amount) if self.amount else None

    @classmethod
    def generate_order_code(cls):
        return ORDER_PREFIX + ''.join(
            secrets.choice(ORDER_ALPHABET) for _ in range(12))

    @classmethod
    def generate_receipt_token(cls):
        "128 random bits, URL-safe: what the receipt's QR code carries."
        return secrets.token_urlsafe(16)

    def get_receipt_url(self):
        """The portal's page verifying the receipt (its QR code), at the
        portal's configured address; None before it is paid."""
        from gov_agency.public import public_url
        if self.state != 'paid' or not self.receipt_token:
            return None
        return f'{public_url()}/bien-lai/{self.receipt_token}'

    @classmethod
    def find_receipt(cls, token):
        """The paid payment whose receipt token is token, else None: what
        the public verification page may show of it is
        receipt_public_facts()."""
        if (not isinstance(token, str) or not 16 <= len(token) <= 64):
            return None
        with without_check_access():
            payments = cls.search([
                    ('receipt_token', '=', token),
                    ('state', '=', 'paid'),
                    ], limit=1)
        return payments[0] if payments else None

    def receipt_public_facts(self):
        """What anyone holding the receipt may read on the portal: nothing
        personal (no payer, no applicant)."""
        return {
            'number': self.receipt_number,
            'amount': self.amount,
            'dossier_code': self.dossier.code,
            'procedure': self.dossier.procedure.name,
            'agency': self.agency.name,
            'paid_date': self.paid_date,
            'method': self.method,
            }

    @classmethod
    def find_order(cls, order_code):
        "The payment of the gateway's order id, else None."
        if not isinstance(order_code, str) or not order_code:
            return None
        with without_check_access():
            payments = cls.search(
                [('order_code', '=', order_code)], limit=1)
        return payments[0] if payments else None

    @classmethod
    def _now(cls):
        return Pool().get('gov.dossier')._now()

    # ------------------------------------------------------------ checks
    @classmethod
    def validate_fields(cls, payments, field_names):
        super().validate_fields(payments, field_names)
        if field_names and 'amount' not in field_names:
            return
        for payment in payments:
            if payment.amount is None or payment.amount <= 0:
                raise FeeValidationError(gettext(
                        'gov_fee.msg_payment_amount_positive'))

    @classmethod
    def check_modification(cls, mode, payments, values=None, external=False):
        """Through RPC a payment is neither created nor deleted, and only
        its note changes: the methods below are the ways payments change."""
        super().check_modification(
            mode, payments, values=values, external=external)
        if not external:
            return
        if mode == 'write' and not (set(values) - {'note'}):
            return
        raise FeeAccessError(gettext('gov_fee.msg_payment_methods_only'))

    @classmethod
    def on_modification(cls, mode, payments, field_names=None):
        super().on_modification(mode, payments, field_names=field_names)
        if mode != 'delete' and (field_names is None
                or field_names & {'state', 'amount', 'dossier'}):
            Dossier = Pool().get('gov.dossier')
            Dossier.update_payment_state(list({p.dossier for p in payments}))

    @classmethod
    def copy(cls, payments, default=None):
        "A payment is never duplicated (its money came in once)."
        if payments:
            raise FeeAccessError(gettext('gov_fee.msg_payment_methods_only'))
        return super().copy(payments, default=default)

    @classmethod
    def _check_role(cls, method, dossier):
        """Through RPC (a wizard with the access check on), the user holds
        the role recording this method and may read the dossier."""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Dossier = pool.get('gov.dossier')
        transaction = Transaction()
        if not (transaction.user and transaction.check_access):
            return
        group = METHOD_GROUPS.get(method)
        if not group or ModelData.get_id(*group) not in set(
                User.get_groups()):
            raise FeeAccessError(gettext(
                    'gov_fee.msg_payment_method_role',
                    method=dict(cls.fields_get(['method'])['method'][
                            'selection']).get(method, method)))
        # The record rules of the dossier (agency) apply.
        Dossier.read([dossier.id], ['id'])

    @classmethod
    def _check_open(cls, dossier):
        if dossier.state in CLOSED_STATES:
            raise PaymentError(gettext(
                    'gov_fee.msg_payment_dossier_closed',
                    dossier=dossier.rec_name,
                    state=dossier.state_string))

    # ----------------------------------------------------------- methods
    @classmethod
    def record(cls, dossier, method, amount, payer_name=None,
            reference=None, at=None):
        """A payment taken by an officer (desk, postal service; a transfer
        seen by the accountant): paid now — or at `at` (naive UTC) for a
        payment entered afterwards, as the transitions take it — with its
        receipt number. The amount is at most what the dossier still
        owes."""
        Dossier = Pool().get('gov.dossier')
        dossier = Dossier(int(dossier))
        cls._check_role(method, dossier)
        with without_check_access():
            dossier = Dossier(dossier.id)
            if method not in METHOD_GROUPS:
                raise PaymentError(gettext(
                        'gov_fee.msg_payment_record_method'))
            cls._check_open(dossier)
            amount = _decimal(amount)
            if amount <= 0:
                raise FeeValidationError(gettext(
                        'gov_fee.msg_payment_amount_positive'))
            due = dossier.get_fee_amounts([dossier])[dossier.id]['due']
            if amount > due:
                raise PaymentError(gettext(
                        'gov_fee.msg_payment_exceeds_due',
                        dossier=dossier.rec_name,
                        amount=format_amount(amount, short=True),
                        due=format_amount(due, short=True)))
            payment = cls._new_order(dossier, method, amount,
                provider_reference=reference, payer_name=payer_name)
            cls._pay(payment, received_by=Transaction().user or None,
                at=at)
            return cls(payment.id)

    @classmethod
    def create_order(cls, dossier, method):
        """A pending order for what the dossier owes now (online payment,
        bank transfer). The pending order of the same method and amount is
        returned rather than a second one."""
        Dossier = Pool().get('gov.dossier')
        dossier = Dossier(int(dossier))
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            Dossier.read([dossier.id], ['id'])
        with without_check_access():
            dossier = Dossier(dossier.id)
            if method not in ORDER_METHODS:
                raise PaymentError(gettext(
                        'gov_fee.msg_payment_order_method'))
            cls._check_open(dossier)
            amount = dossier.get_fee_amounts([dossier])[dossier.id]['due_now']
            if amount <= 0:
                raise PaymentError(gettext(
                        'gov_fee.msg_payment_nothing_due',
                        dossier=dossier.rec_name))
            pending = cls.search([
                    ('dossier', '=', dossier.id),
                    ('method', '=', method),
                    ('state', '=', 'pending'),
                    ('amount', '=', amount),
                    ], limit=1)
            if pending:
                return pending[0]
            return cls._new_order(dossier, method, amount)

    @classmethod
    def _new_order(cls, dossier, method, amount, **values):
        "A pending payment of the dossier, with a new order code."
        payment, = cls.create([{
                    'dossier': dossier.id,
                    'agency': dossier.agency.id,
                    'method': method,
                    'amount': amount,
                    'currency': CURRENCY,
                    'state': 'pending',
                    'order_code': cls.generate_order_code(),
                    **values,
                    }])
        return payment

    @classmethod
    def confirm(cls, payment, amount, currency, reference=None):
        """The gateway or the bank confirms an order: paid when amount and
        currency are the order's, else the payment is a mismatch and the
        dossier is not paid. Idempotent: a payment already paid is returned
        unchanged. The payment is locked first (SELECT … FOR UPDATE on
        PostgreSQL), so two deliveries at the same time pay it once."""
        with without_check_access():
            payment = cls(int(payment))
            cls.lock([payment])
            payment = cls(payment.id)
            if payment.state not in {'pending', 'failed'}:
                return payment
            amount = _decimal(amount) if amount is not None else None
            currency = (currency or '').strip().upper()
            if amount == payment.amount and currency == payment.currency:
                cls._pay(payment, reference=reference, received_amount=amount,
                    received_currency=currency)
            else:
                cls.write([payment], {
                        'state': 'mismatch',
                        'provider_reference': reference,
                        'received_amount': amount,
                        'received_currency': currency or None,
                        })
            return cls(payment.id)

    @classmethod
    def fail(cls, payment):
        """The gateway says the order failed: a pending payment becomes
        failed; any other is returned unchanged."""
        with without_check_access():
            payment = cls(int(payment))
            cls.lock([payment])
            payment = cls(payment.id)
            if payment.state == 'pending':
                cls.write([payment], {'state': 'failed'})
            return cls(payment.id)

    @classmethod
    def _pay(cls, payment, reference=None, received_by=None, at=None,
            **values):
        """Mark paid now (or at `at`), with the next receipt number of its
        agency and year."""
        pool = Pool()
        ReceiptSequence = pool.get('gov.fee.receipt.sequence')
        now = at or cls._now()
        number = ReceiptSequence.next_number(payment.agency, now)
        values.update({
                'state': 'paid',
                'paid_date': now,
                'receipt_number': number,
                'receipt_token': cls.generate_receipt_token(),
                })
        if reference:
            values['provider_reference'] = reference
        if received_by:
            values['received_by'] = received_by
        cls.write([payment], values)

    @classmethod
    @ModelView.button
    def cancel(cls, payments):
        "The accountant cancels orders that will not be paid."
        for payment in payments:
            if payment.state not in {'pending', 'failed'}:
                raise PaymentError(gettext(
                        'gov_fee.msg_payment_cancel_state',
                        payment=payment.rec_name))
        with without_check_access():
            cls.write(cls.browse(payments), {'state': 'cancelled'})
