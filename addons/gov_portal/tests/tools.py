# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of the portal's pages over HTTP share."""
import contextlib
import unittest

from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from gov_dossier.tests import dossier_fixtures
from gov_dossier.tests.dossier_fixtures import make_world
from gov_dossier.tests.tools import configured, load_vietnamese

PORTAL = 'https://dichvucong.daknong.gov.vn'


class PortalPagesTestCase(unittest.TestCase):
    """gov_portal and gov_fee activated (gov_fee's parts of the pages are
    included whenever it is installed, as served) with gov_dossier's world
    committed once for the class; the pages are asked to trytond's WSGI
    application, as a browser would (no browser). set_up_world(world)
    keeps what the tests need of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['gov_portal', 'gov_fee'])
        cls.addClassCleanup(drop_db)
        stack = contextlib.ExitStack()
        cls.addClassCleanup(stack.close)
        stack.enter_context(configured('gov', database=DB_NAME,
                portal_url=PORTAL, secret='portal-test-secret'))
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            load_vietnamese()
            dossier_fixtures._SHARED.update({
                    'agencies': {k: a.id for k, a in world.agencies.items()},
                    'users': {k: u.id for k, u in world.users.items()},
                    'procedure': world.procedure.id,
                    })
            cls.set_up_world(world)
            transaction.commit()

    @classmethod
    def set_up_world(cls, world):
        pass

    @classmethod
    def tearDownClass(cls):
        dossier_fixtures._SHARED.clear()
        super().tearDownClass()
