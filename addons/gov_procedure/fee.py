# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The fee schedule of a procedure (R-FEE-1): fees, charges and postal
charges; Procedure.fee_lines computes what a dossier owes."""
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from .catalogue_cards import CardsClearedMixin
from .line import ProcedureLineMixin


class Fee(CardsClearedMixin, ProcedureLineMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "A line of the fee schedule of a procedure (R-FEE-1)."
    __name__ = 'gov.procedure.fee'
    __string__ = "Procedure Fee"
    _rec_name = 'condition'

    kind = fields.Selection([
            ('fee', "Fee"),
            ('charge', "Charge"),
            ('postal', "Postal Charge"),
            ], "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    amount = fields.Numeric(
        "Amount (đồng)", digits=(16, 0), required=True)
    condition = fields.Char(
        "Condition", translate=True,
        help='When the amount applies, in words, e.g. "cấp mới", '
        '"cấp lại", "mỗi bản sao".')
    conditional = fields.Boolean(
        "Only in That Case",
        help="The amount is due only in the case the condition describes; "
        "it is left out of the standard total.")
    payment_time = fields.Selection([
            ('before', "Before Submission"),
            ('on_collection', "On Collection of the Result"),
            ], "Payment Time", required=True, sort=False)
    quantity_field = fields.Char(
        "Quantity from the eForm Field",
        help="The name of a whole-number field of the eForm (e.g. "
        "so_ban_sao): the amount is due once per unit the citizen asks for "
        "there. Empty: once.")

    @classmethod
    def default_kind(cls):
        return 'charge'

    @classmethod
    def default_amount(cls):
        return Decimal(0)

    @classmethod
    def default_conditional(cls):
        return False

    @classmethod
    def default_payment_time(cls):
        return 'before'

    def get_rec_name(self, name):
        return ' — '.join(filter(None, [self.kind_string, self.condition]))

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('condition',) + tuple(clause[1:])]

    @classmethod
    def validate_fields(cls, fees, field_names):
        super().validate_fields(fees, field_names)
        cls.check_not_negative(fees, field_names, ['amount'])
