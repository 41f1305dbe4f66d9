# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class RatingError(UserError):
    "A rating cannot be given or changed (state, owner, period)."


class RatingValidationError(ValidationError):
    "A rating or a follow-up holds an invalid value."


class RatingAccessError(AccessError):
    "Ratings and follow-ups change through their methods and buttons only."
