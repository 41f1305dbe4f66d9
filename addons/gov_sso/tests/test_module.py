# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class GovSsoTestCase(ModuleTestCase):
    "Tryton's automatic checks of gov_sso (views, access, …): R-SEC-4"
    module = 'gov_sso'


del ModuleTestCase
