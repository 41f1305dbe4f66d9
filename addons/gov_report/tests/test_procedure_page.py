# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The procedure page's statistics and ratings: what each costs."""
import html

from werkzeug.test import Client

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.tests.dossier_fixtures import make_world
from gov_dossier.tests.tools import configured
from gov_portal.tests.test_catalogue_pages import executed_queries

from .. import routes
from .tools import ReportTestCase

# The singleton's first write creates its record (a table lock).
TABLE = 'gov_report_period_configuration'


def touching(executed, table):
    "The statements of executed that name table."
    return [q for q in map(str, executed) if '"%s"' % table in q]


class ProcedurePageTestCase(ReportTestCase):
    "R-CAT-3, R-RATE-2, R-REP-2: the blocks of the procedure page"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Whether gov_report is activated is kept per process and database
        # name: another class's database of the same name may have said no.
        routes._activated.clear()
        cls.addClassCleanup(routes._activated.clear)
        cls.enterClassContext(configured('gov', database=DB_NAME,
                portal_url='https://dichvucong.daknong.gov.vn',
                secret='portal-test-secret'))

    def get(self, path):
        response = Client(app).get(path, base_url='http://localhost/')
        self.assertEqual(response.status_code, 200, path)
        return html.unescape(response.get_data(as_text=True))

    def test_blocks_query_counts_and_periods_fresh(self):
        """R-CAT-3, R-RATE-2, R-REP-2: on the procedure page the reporting
        periods' configuration is read once, then kept until it changes
        (a changed start day shows at the next request), and the four
        criteria of the ratings are counted in one query"""
        with Transaction().start(DB_NAME, 0):
            path = '/thu-tuc/' + make_world().procedure.code
        self.get(path)  # the catalogue's parts and the periods kept
        with executed_queries() as executed:
            page = self.get(path)
        self.assertIn('id="procedure-statistics"', page)
        self.assertIn('id="rating-results"', page)
        self.assertIn('15/12/', page)
        self.assertEqual(
            touching(executed, TABLE), [])
        self.assertEqual(len(touching(executed, 'gov_rating')), 1,
            touching(executed, 'gov_rating'))

        with Transaction().start(DB_NAME, 0,
                _lock_tables=[TABLE]) as transaction:
            Configuration = Pool().get('gov.report.period.configuration')
            Configuration.write([Configuration(1)], {'start_day': 1})
            transaction.commit()
        try:
            page = self.get(path)
            self.assertNotIn('15/12/', page)
            self.assertIn('01/12/', page)
            with executed_queries() as executed:
                self.get(path)
            self.assertEqual(
                touching(executed, TABLE), [])
        finally:
            with Transaction().start(DB_NAME, 0,
                    _lock_tables=[TABLE]) as transaction:
                Configuration = Pool().get('gov.report.period.configuration')
                Configuration.write([Configuration(1)], {'start_day': 15})
                transaction.commit()
