# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class GovReportTestCase(ModuleTestCase):
    "Tryton's automatic checks of gov_report (views, access, buttons…)."
    module = 'gov_report'


del ModuleTestCase
