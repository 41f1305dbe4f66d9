# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class PostalValidationError(ValidationError):
    "A postal contract, shipment or compensation holds an invalid value."


class ContractError(UserError):
    "A postal contract cannot change state."


class ShipmentError(UserError):
    "A shipment cannot be created or cannot take this event."


class ShipmentAccessError(AccessError):
    "A shipment changes through its buttons and the carrier's events only."


class PostalReturnError(UserError):
    "The result of a dossier returned by post waits for its delivery."
