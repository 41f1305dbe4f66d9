# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class DossierValidationError(ValidationError):
    "A dossier field holds an invalid value."


class DossierStateError(UserError):
    "The dossier cannot make this transition from its current state."


class DossierWorkflowError(UserError):
    "A transition is not possible with the dossier's data or steps."


class DossierAccessError(AccessError):
    "The user (officer or citizen) may not act on this dossier."


class UploadError(UserError):
    "An uploaded file is refused (size, type)."


class CodePatternError(ValidationError):
    "The dossier code pattern of the configuration is not usable."


class DossierFormError(UserError):
    """The citizen's form is refused as a whole (submission.py): nothing of
    it is kept. form is the PortalForm, with the messages by field."""

    def __init__(self, form):
        super().__init__('\n'.join(form.errors.values()))
        self.form = form


class ReturnChoiceError(UserError):
    """How the applicant receives the result is refused (delivery.py): a
    way not offered, a postal address or phone missing, or a change asked
    once the result is ready. errors: the messages by field
    (return_method, return_address, return_phone; ``_`` for the dossier
    as a whole)."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = dict(errors or {'_': message})
