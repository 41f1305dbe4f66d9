# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class GovAuditTestCase(ModuleTestCase):
    "R-OPS-3, R-SEC-1: the module's views, access and menus are consistent"
    module = 'gov_audit'


del ModuleTestCase
