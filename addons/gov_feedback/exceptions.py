# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class FeedbackValidationError(ValidationError):
    "A feedback holds an invalid value."


class FeedbackWorkflowError(UserError):
    "A feedback cannot take this action in its state."


class FeedbackAccessError(AccessError):
    "A feedback changes through its buttons and its owner's portal only."


class PublicationError(UserError):
    "A feedback cannot be published in the Q&A."
