# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A dossier-like record, registered only when testing, that stores eForm
data the way gov_dossier does: a fields.Dict whose schema is the
procedure's form fields, checked with Procedure.check_form_data."""
from trytond.model import ModelSQL, fields
from trytond.pyson import Eval


class FormRecord(ModelSQL):
    __name__ = 'gov.procedure.test.form_record'
    __string__ = "eForm Test Record"

    procedure = fields.Many2One('gov.procedure', "Procedure", required=True)
    form_data = fields.Dict(
        'gov.procedure.form_field', "Form Data",
        domain=[('procedure', '=', Eval('procedure', -1))])

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            record.procedure.check_form_data(record.form_data)
