# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from . import routes_sms  # noqa: F401  (the SMS operator's delivery reports)
