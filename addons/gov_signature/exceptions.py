# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class SignatureError(UserError):
    "The result cannot be signed (not a PDF, no key, wrong state)."


class SignatureAccessError(AccessError):
    "Who may not sign, or fields only the server writes."


class UnsignedResultError(UserError):
    "The procedure promises a signed electronic result, none is signed."
