# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The postal offers on the portal's procedure page: live, in one query."""
import html
from unittest.mock import patch

from werkzeug.test import Client

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.tests.dossier_fixtures import make_world
from gov_dossier.tests.tools import configured
from gov_portal.tests.test_catalogue_pages import executed_queries

from .tools import PostalTestCase, make_contract


class ProcedurePageTestCase(PostalTestCase):
    "R-POST-4, R-CAT-2: the offers of the procedure page"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enterClassContext(configured('gov', database=DB_NAME,
                portal_url='https://dichvucong.daknong.gov.vn',
                secret='portal-test-secret'))

    def get(self, path):
        response = Client(app).get(path, base_url='http://localhost/')
        self.assertEqual(response.status_code, 200, path)
        return html.unescape(response.get_data(as_text=True))

    def block_queries(self, path):
        """The page at path and the statements run by its postal block
        (Procedure.postal_offers, as the template calls it)."""
        with Transaction().start(DB_NAME, 0):
            Procedure = Pool().get('gov.procedure')
        offers = Procedure.postal_offers
        block = []

        def postal_offers(procedure):
            start = len(executed)
            try:
                return offers(procedure)
            finally:
                block.extend(map(str, executed[start:]))
        with executed_queries() as executed, \
                patch.object(Procedure, 'postal_offers', postal_offers):
            page = self.get(path)
        self.assertTrue(block or 'id="postal"' not in page)
        return page, block

    def test_offers_in_one_query_and_fresh(self):
        """R-POST-4, R-CAT-2: the postal block of the procedure page finds
        the contracts covering the procedure in one query, with no read of
        the procedure (its code is matched in SQL), and shows a contract
        signed or ended at the next request (nothing kept)"""
        with Transaction().start(DB_NAME, 0):
            code = make_world().procedure.code
        path = '/thu-tuc/' + code
        self.get(path)  # the catalogue's parts kept from now on
        page, block = self.block_queries(path)
        self.assertNotIn('id="postal"', page)
        self.assertEqual(len(block), 1, block)

        with Transaction().start(DB_NAME, 0) as transaction:
            contract = make_contract(make_world())
            contract_id, agency_id = contract.id, contract.agency.id
            transaction.commit()
        page, block = self.block_queries(path)
        self.assertIn('id="postal"', page)
        self.assertIn('postal-offer-%s' % agency_id, page)
        self.assertIn("Bưu điện tỉnh", page)

        with Transaction().start(DB_NAME, 0) as transaction:
            Contract = Pool().get('gov.postal.contract')
            Contract.write([Contract(contract_id)], {'state': 'terminated'})
            transaction.commit()
        page, block = self.block_queries(path)
        self.assertNotIn('id="postal"', page)
        self.assertEqual(len(block), 1, block)
        # Its code is matched in SQL: no read of the procedure (a record
        # not read yet, as the page's may be).
        with Transaction().start(DB_NAME, 0):
            Procedure = Pool().get('gov.procedure')
            procedure = Procedure(make_world().procedure.id)
            with executed_queries() as executed:
                self.assertEqual(procedure.postal_offers(), [])
            self.assertEqual(len(executed), 1, executed)
