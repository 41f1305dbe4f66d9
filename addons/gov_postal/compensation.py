# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Compensation of a lost shipment (R-POST-3, R-FEE-3; QĐ 04/2019, Điều
29; QĐ 45/2016/QĐ-TTg, Điều 15).

When the post loses a dossier's papers or its result, the citizen is
compensated for the costs she bore and the fees she paid. A shipment
reaching ``lost`` creates a draft ``gov.postal.compensation``
(``Shipment._on_state`` → ``Compensation.propose``) with the postal
charge as the costs and the fees paid for the dossier less those already
refunded (gov_fee) as the fees to reimburse, and the legal basis.

The leader approves it (draft → approved): a draft fee refund of gov_fee
is proposed for the paid payments (``gov.fee.refund``, reason "bưu gửi bị
thất lạc", approved and paid back by the accountant, R-FEE-3), the
applicant is told on her channels (``gov.notification`` of kind
``postal_lost``, notification.py) and the officers of the agency's desk
through their back-office notifications. The accountant marks it paid
(approved → paid); the leader may cancel it (draft or approved →
cancelled). Each change records who and when."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_dossier.ir import scope_by_dossier_agencies

from .exceptions import PostalValidationError

# Their record rules read Eval('dossier_agencies') (R-SEC-2).
scope_by_dossier_agencies('gov.postal.compensation')

STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('paid', "Paid"),
    ('cancelled', "Cancelled"),
    ]
LEGAL_BASIS = ("Điều 29 Quy chế ban hành kèm theo Quyết định 04/2019/"
    "QĐ-UBND; Điều 15 Quyết định 45/2016/QĐ-TTg")
REFUND_REASON = "bưu gửi bị thất lạc"
ZERO = Decimal(0)
# What may still change through RPC, by state (the rest: buttons only).
WRITABLE = {
    'draft': {'costs', 'fees', 'legal_basis', 'description'},
    'approved': {'description'},
    'paid': set(),
    'cancelled': set(),
    }


class Compensation(Workflow, ModelSQL, ModelView):
    "The compensation of a lost shipment to the citizen."
    __name__ = 'gov.postal.compensation'
    __string__ = "Postal Compensation"

    _draft = {'readonly': Eval('state') != 'draft'}

    shipment = fields.Many2One(
        'gov.postal.shipment', "Shipment", required=True, readonly=True,
        ondelete='RESTRICT')
    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, readonly=True,
        ondelete='RESTRICT')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT')
    enterprise = fields.Many2One(
        'gov.postal.enterprise', "Postal Enterprise", required=True,
        readonly=True, ondelete='RESTRICT')
    costs = fields.Numeric(
        "Costs to Reimburse (đồng)", digits=(16, 0), required=True,
        states=_draft,
        help="The costs the citizen bore for the lost shipment (its postal "
        "charge, by default).")
    fees = fields.Numeric(
        "Fees to Reimburse (đồng)", digits=(16, 0), required=True,
        states=_draft,
        help="The fees paid for the dossier, less those already refunded.")
    total = fields.Function(
        fields.Numeric("Total (đồng)", digits=(16, 0)), 'get_total')
    legal_basis = fields.Text("Legal Basis", required=True, states=_draft)
    description = fields.Text(
        "Description", states={
            'readonly': ~Eval('state').in_(['draft', 'approved']),
            })
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    approver = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='RESTRICT')
    approved_at = fields.DateTime("Approved At", readonly=True)
    paid_by = fields.Many2One(
        'res.user', "Paid By", readonly=True, ondelete='RESTRICT')
    paid_at = fields.DateTime("Paid At", readonly=True)
    cancelled_by = fields.Many2One(
        'res.user', "Cancelled By", readonly=True, ondelete='RESTRICT')
    cancelled_at = fields.DateTime("Cancelled At", readonly=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.shipment, Index.Equality())),
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.enterprise, Index.Equality())),
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

    @classmethod
    def default_costs(cls):
        return ZERO

    @classmethod
    def default_fees(cls):
        return ZERO

    @classmethod
    def default_legal_basis(cls):
        return LEGAL_BASIS

    def get_rec_name(self, name):
        return self.dossier.rec_name if self.dossier else str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name',) + tuple(clause[1:])]

    def get_total(self, name):
        return (self.costs or ZERO) + (self.fees or ZERO)

    @classmethod
    def _now(cls):
        return Pool().get('gov.dossier')._now()

    # ------------------------------------------------------------ checks
    @classmethod
    def validate_fields(cls, compensations, field_names):
        super().validate_fields(compensations, field_names)
        if field_names and not (field_names & {'costs', 'fees'}):
            return
        for compensation in compensations:
            if (compensation.costs or ZERO) < 0 or (
                    compensation.fees or ZERO) < 0:
                raise PostalValidationError(gettext(
                        'gov_postal.msg_compensation_negative'))

    @classmethod
    def check_modification(cls, mode, compensations, values=None,
            external=False):
        super().check_modification(
            mode, compensations, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            for compensation in compensations:
                if set(values) - WRITABLE[compensation.state]:
                    raise AccessError(gettext(
                            'gov_postal.msg_compensation_buttons_only'))
        else:
            # Created when a shipment is lost, never deleted.
            raise AccessError(gettext(
                    'gov_postal.msg_compensation_buttons_only'))

    # ---------------------------------------------------------- methods
    @classmethod
    def fees_paid(cls, dossier):
        "The fees paid for the dossier less those refunded (gov_fee)."
        with without_check_access():
            amounts = dossier.get_fee_amounts([dossier])[dossier.id]
        return max(amounts['paid'] - amounts['refunded'], ZERO)

    @classmethod
    def propose(cls, shipments):
        """Draft compensations of the lost shipments (R-POST-3), one per
        shipment: its postal charge and the fees paid for its dossier.
        Returns those created."""
        Event = Pool().get('gov.postal.shipment.event')
        to_create = []
        with without_check_access():
            known = {c.shipment.id for c in cls.search([
                        ('shipment', 'in', [s.id for s in shipments]),
                        ])}
            for shipment in shipments:
                if shipment.id in known:
                    continue
                dossier = shipment.dossier
                # What the post or the staff said of the loss.
                notes = Event.search([
                        ('shipment', '=', shipment.id),
                        ('status', '=', 'lost'),
                        ('note', '!=', None),
                        ], order=[('at', 'DESC'), ('id', 'DESC')], limit=1)
                to_create.append({
                        'shipment': shipment.id,
                        'dossier': dossier.id,
                        'agency': shipment.agency.id,
                        'enterprise': shipment.enterprise.id,
                        'costs': shipment.charge or ZERO,
                        'fees': cls.fees_paid(dossier),
                        'description': (notes[0].note if notes
                            else shipment.failure_reason),
                        })
            return cls.create(to_create) if to_create else []

    @classmethod
    @ModelView.button
    def approve(cls, compensations):
        """Approve (the leader): a draft refund of the fees paid is proposed
        (R-FEE-3), the applicant and the agency's desk are told."""
        pool = Pool()
        Refund = pool.get('gov.fee.refund')
        Notification = pool.get('gov.notification')
        drafts = [c for c in compensations if c.state == 'draft']
        cls._approve(drafts)
        approved = [c for c in cls.browse(drafts) if c.state == 'approved']
        if not approved:
            return
        with without_check_access():
            refunded = list({c.dossier for c in approved if c.fees > 0})
            if refunded:
                Refund.propose(refunded, reason=REFUND_REASON)
            Notification.notify(list({c.dossier for c in approved}),
                'postal_lost')
        cls.tell_agency(approved)

    @classmethod
    @Workflow.transition('approved')
    def _approve(cls, compensations):
        cls.write(compensations, {
                'approver': Transaction().user or None,
                'approved_at': cls._now(),
                })

    @classmethod
    def tell_agency(cls, compensations):
        """A back-office notification of each approved compensation to the
        officers who receive the dossiers of its agency (the desk)."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        User = pool.get('res.user')
        with without_check_access():
            officers = Agency.receiving_officers()
            for compensation in compensations:
                dossier = compensation.dossier
                for user in User.browse(sorted(
                            officers.get(dossier.agency.id, ()))):
                    context = {}
                    if user.language:
                        context['language'] = user.language.code
                    with Transaction().set_context(context):
                        label = gettext('gov_postal.msg_compensation_agency',
                            dossier=dossier.code or dossier.rec_name)
                        description = gettext(
                            'gov_postal.msg_compensation_agency_text',
                            tracking=compensation.shipment.rec_name,
                            enterprise=compensation.enterprise.rec_name)
                        cls.notify_user([compensation], 'tryton-warning',
                            label, description=description, user=user.id)

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, compensations):
        cls.write(compensations, {
                'paid_by': Transaction().user or None,
                'paid_at': cls._now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, compensations):
        cls.write(compensations, {
                'cancelled_by': Transaction().user or None,
                'cancelled_at': cls._now(),
                })


class Shipment(metaclass=PoolMeta):
    __name__ = 'gov.postal.shipment'

    compensations = fields.One2Many(
        'gov.postal.compensation', 'shipment', "Compensations",
        readonly=True)

    @classmethod
    def _on_state(cls, shipments, state):
        "A lost shipment is compensated (R-POST-3)."
        Compensation = Pool().get('gov.postal.compensation')
        super()._on_state(shipments, state)
        if state == 'lost':
            Compensation.propose(shipments)

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('compensations', None)
        return super().copy(shipments, default=default)
