# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The fee lines a dossier owes (R-FEE-1, R-FEE-4).

They are copied from the procedure's schedule once, when the dossier is
submitted or received (whichever comes first; dossier.py), so that a later
change of the schedule does not change what the dossier owes. They are
computed in one place, ``Dossier.compute_fee_lines()``, which the portal
also calls to show the figures before submission. Only the workflow
writes them: RPC clients read them through the dossier."""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool

from gov_dossier.access import _ChildCheckMixin


class DossierFee(_ChildCheckMixin, ModelSQL, ModelView):
    "A fee line of a dossier."
    __name__ = 'gov.dossier.fee'
    __string__ = "Dossier Fee"
    _rec_name = 'description'

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE',
        readonly=True)
    procedure_fee = fields.Many2One(
        'gov.procedure.fee', "Schedule Line", ondelete='SET NULL',
        readonly=True,
        help="The line of the procedure's fee schedule it was copied from.")
    kind = fields.Selection(
        'get_kinds', "Kind", required=True, readonly=True, sort=False)
    kind_string = kind.translated('kind')
    description = fields.Char("Description", readonly=True)
    quantity = fields.Integer("Quantity", readonly=True)
    unit_amount = fields.Numeric(
        "Unit Amount (đồng)", digits=(16, 0), readonly=True)
    exemption_rate = fields.Numeric(
        "Rate Waived (%)", digits=(5, 2), readonly=True)
    exemption_reason = fields.Char("Exemption", readonly=True)
    legal_basis = fields.Char("Legal Basis", readonly=True)
    amount = fields.Numeric(
        "Amount (đồng)", digits=(16, 0), required=True, readonly=True,
        help="What the applicant pays for the line, after the exemption.")
    payment_time = fields.Selection(
        'get_payment_times', "Payment Time", required=True, readonly=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))
        cls.__access__.add('dossier')
        cls._order = [('dossier', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _schedule_selection(cls, name):
        Fee = Pool().get('gov.procedure.fee')
        return Fee.fields_get([name])[name]['selection']

    @classmethod
    def get_kinds(cls):
        return cls._schedule_selection('kind')

    @classmethod
    def get_payment_times(cls):
        return cls._schedule_selection('payment_time')

    @classmethod
    def from_schedule(cls, dossier, fee, quantity, amount, data):
        """The unsaved line of dossier for a line of its procedure's
        schedule (Procedure.fee_lines gives quantity and amount) and the
        eForm data that decides the exemption."""
        exemption = fee.exemption_for(data)
        line = cls(
            dossier=dossier, procedure_fee=fee, kind=fee.kind,
            description=fee.condition or fee.kind_string, quantity=quantity,
            unit_amount=fee.amount, payment_time=fee.payment_time,
            amount=amount, exemption_rate=None, exemption_reason=None,
            legal_basis=None)
        if exemption:
            line.exemption_rate = exemption.rate
            line.exemption_reason = exemption.reason
            line.legal_basis = exemption.legal_basis
            line.amount = amount - exemption.waived(amount)
        return line

    def as_values(self):
        "The values to create the line."
        return {
            'dossier': self.dossier.id,
            'procedure_fee': (self.procedure_fee.id
                if self.procedure_fee else None),
            'kind': self.kind,
            'description': self.description,
            'quantity': self.quantity,
            'unit_amount': self.unit_amount,
            'exemption_rate': self.exemption_rate,
            'exemption_reason': self.exemption_reason,
            'legal_basis': self.legal_basis,
            'amount': self.amount,
            'payment_time': self.payment_time,
            }

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode != 'delete':
            Dossier = Pool().get('gov.dossier')
            Dossier.update_payment_state(list({l.dossier for l in lines}))

    @classmethod
    def on_delete(cls, lines):
        Dossier = Pool().get('gov.dossier')
        callbacks = super().on_delete(lines)
        ids = list({l.dossier.id for l in lines})
        return callbacks + [
            lambda: Dossier.update_payment_state(Dossier.browse(
                    Dossier.search([('id', 'in', ids)])))]
