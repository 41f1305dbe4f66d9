# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class GovApiTestCase(ModuleTestCase):
    "Tryton's automatic checks of gov_api (views, access, buttons…)."
    module = 'gov_api'


del ModuleTestCase
