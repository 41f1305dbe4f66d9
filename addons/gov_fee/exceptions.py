# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class FeeValidationError(ValidationError):
    "A fee, exemption, payment or refund holds an invalid value."


class FeeUnpaidError(UserError):
    "A transition of the dossier waits for its fees to be paid."


class PaymentError(UserError):
    "A payment cannot be recorded, ordered or changed."


class RefundError(UserError):
    "A refund cannot be proposed or changed."


class FeeAccessError(AccessError):
    "Payments and refunds change through their methods and buttons only."


class StatementError(UserError):
    "A bank statement file or line cannot be imported or assigned."
