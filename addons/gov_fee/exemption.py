# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Exemptions and reductions of a procedure's fees (R-FEE-1, R-FEE-4).

A line of the fee schedule (gov.procedure.fee) lists the cases in which
its amount is waived in full (rate 100) or in part, each with its reason
and legal basis, e.g. "Đăng ký khai sinh đúng hạn" — "Điều 11 Luật Hộ tịch
2014". An exemption applies always, or when the applicant ticks a boolean
field of the procedure's eForm (form_field). The procedure also says
whether the one-stop desk receives a dossier only once the fees due
before submission are paid (fee_due_before_reception)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from gov_procedure.catalogue_cards import CardsClearedMixin
from gov_procedure.exceptions import ProcedureStateError

from .exceptions import FeeValidationError

HUNDRED = Decimal(100)


class FeeExemption(CardsClearedMixin, ModelSQL, ModelView):
    "An exemption or reduction of a fee of a procedure."
    __name__ = 'gov.procedure.fee.exemption'
    __string__ = "Fee Exemption"
    _rec_name = 'reason'

    fee = fields.Many2One(
        'gov.procedure.fee', "Fee", required=True, ondelete='CASCADE')
    reason = fields.Char(
        "Reason", required=True, translate=True,
        help='The case, as the law words it, e.g. "Đăng ký khai sinh đúng '
        'hạn".')
    legal_basis = fields.Char(
        "Legal Basis",
        help='The text granting it, e.g. "Điều 11 Luật Hộ tịch 2014".')
    rate = fields.Numeric(
        "Rate Waived (%)", digits=(5, 2), required=True,
        help="The part of the fee waived, in percent: 100 exempts the "
        "applicant from the fee.")
    form_field = fields.Char(
        "eForm Field",
        help="The name of a yes/no field of the procedure's eForm: the "
        "exemption applies when the applicant ticks it. Empty: it always "
        "applies.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.fee, Index.Equality())))
        cls.__access__.add('fee')
        cls._order.insert(0, ('rate', 'DESC'))

    @classmethod
    def default_rate(cls):
        return HUNDRED

    def applies(self, data):
        "Whether the exemption applies to a dossier with this eForm data."
        if not self.form_field:
            return True
        return (data or {}).get(self.form_field) is True

    def waived(self, amount):
        "The part of amount (đồng) waived, rounded to the đồng."
        if amount is None:
            return None
        return (Decimal(amount) * (self.rate or 0) / HUNDRED).quantize(
            Decimal(1))

    @classmethod
    def validate_fields(cls, exemptions, field_names):
        super().validate_fields(exemptions, field_names)
        if field_names and not (field_names & {'rate', 'form_field', 'fee'}):
            return
        for exemption in exemptions:
            if exemption.rate is None or not (
                    0 <= exemption.rate <= HUNDRED):
                raise FeeValidationError(gettext(
                        'gov_fee.msg_exemption_rate',
                        exemption=exemption.rec_name))
            if exemption.form_field:
                procedure = exemption.fee.procedure
                booleans = {f.name for f in procedure.form_fields
                    if f.type_ == 'boolean'}
                if exemption.form_field not in booleans:
                    raise FeeValidationError(gettext(
                            'gov_fee.msg_exemption_form_field',
                            exemption=exemption.rec_name,
                            field=exemption.form_field,
                            procedure=procedure.rec_name))

    @classmethod
    def check_modification(cls, mode, exemptions, values=None,
            external=False):
        "Like the other lines of a procedure: changed while it is a draft."
        super().check_modification(
            mode, exemptions, values=values, external=external)
        allowed = {'draft', 'cancelled'} if mode == 'delete' else {'draft'}
        for procedure in {e.fee.procedure for e in exemptions}:
            if procedure.state not in allowed:
                raise ProcedureStateError(gettext(
                        'gov_procedure.msg_procedure_line_not_draft',
                        procedure=procedure.rec_name,
                        state=procedure.state_string,
                        model=cls.__names__()['model']))


class Fee(metaclass=PoolMeta):
    __name__ = 'gov.procedure.fee'

    exemptions = fields.One2Many(
        'gov.procedure.fee.exemption', 'fee', "Exemptions",
        states={
            'readonly': Eval('procedure_state').in_(
                ['published', 'suspended', 'cancelled']),
            },
        help="The cases in which the fee is waived in full or in part.")

    def exemption_for(self, data):
        """The exemption of the fee that applies to the eForm data: the one
        waiving the most when several do; None when none does."""
        applying = [e for e in self.exemptions if e.applies(data)]
        if not applying:
            return None
        return max(applying, key=lambda e: (e.rate, -e.id))


class Procedure(metaclass=PoolMeta):
    __name__ = 'gov.procedure'

    fee_due_before_reception = fields.Boolean(
        "Fees Paid Before Reception",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The one-stop desk receives a dossier only once the fees due "
        "before submission are paid.")

    @classmethod
    def default_fee_due_before_reception(cls):
        return False

    def total_fee(self, payment_time=None, data=None):
        """The sum in đồng of what a dossier with this eForm data owes,
        exemptions deducted: the lines of Dossier.preview_fee_lines (the
        one computation), so that the portal's totals are what the dossier
        will owe."""
        Dossier = Pool().get('gov.dossier')
        return sum((line.amount for line in Dossier.preview_fee_lines(
                        self, data)
                if payment_time in {None, line.payment_time}), Decimal(0))
