# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The internal processing steps of a procedure (Điều 24.1)."""
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from .catalogue_cards import CardsClearedMixin
from .line import ProcedureLineMixin


class Step(CardsClearedMixin, ProcedureLineMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "A step of the internal electronic process (Điều 24.1)."
    __name__ = 'gov.procedure.step'
    __string__ = "Processing Step"

    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('receive', "Receive"),
            ('check', "Check"),
            ('process', "Process"),
            ('approve', "Approve"),
            ('return', "Return the Result"),
            ], "Kind", required=True, sort=False)
    unit = fields.Many2One(
        'gov.agency', "Responsible Unit", ondelete='SET NULL',
        help="Leave empty when the unit is the one of the receiving agency "
        "that holds the role.")
    group = fields.Many2One(
        'res.group', "Role", ondelete='SET NULL',
        help="The role of the officers who carry out the step.")
    duration = fields.Numeric(
        "Duration (Working Days)", digits=(16, 2), required=True,
        help="Fractions are allowed, e.g. 0.5 for half a day.")
    note = fields.Text("Note", translate=True)

    @classmethod
    def default_kind(cls):
        return 'process'

    @classmethod
    def default_duration(cls):
        return Decimal(0)

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        cls.check_not_negative(steps, field_names, ['duration'])
