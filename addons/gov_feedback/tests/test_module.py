# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class GovFeedbackTestCase(ModuleTestCase):
    "R-FB-1, R-FB-2, R-AG-3: the module's views, buttons, access and workflow are consistent"
    module = 'gov_feedback'


del ModuleTestCase
