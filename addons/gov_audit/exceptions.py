# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class AuditAppendOnlyError(AccessError):
    pass


class RetentionError(ValidationError):
    pass


class RetentionConfigError(UserError):
    pass
