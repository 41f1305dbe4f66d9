# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class PublishError(UserError):
    "A procedure does not satisfy the publishing rules."


class ProcedureStateError(AccessError):
    "A procedure (or a line of it) is changed outside the draft state."


class CatalogueValidationError(ValidationError):
    "A catalogue record holds an invalid value."


class TextBoundsError(ValidationError):
    "A text is too long or holds a control character (bounds.py)."


class FormDataError(UserError):
    "The eForm data of a dossier does not match the procedure's form."

    def __init__(self, message, description='', domain=None, errors=None):
        super().__init__(message, description, domain)
        # field name → message, for callers that show errors next to fields
        self.errors = dict(errors or {})
