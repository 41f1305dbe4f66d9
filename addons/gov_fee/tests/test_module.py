# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from .tools import FeeModuleTestCase


class GovFeeTestCase(FeeModuleTestCase):
    "Tryton's automatic checks of gov_fee (views, access, buttons…)."


del FeeModuleTestCase
