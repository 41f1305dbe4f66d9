# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The catalogue's pages keep what they show of the catalogue between
requests (gov_procedure/catalogue_cards.py) and show every change at the
next request (R-CAT-2, R-CAT-3): against the trytond WSGI application,
one committed transaction per change, as the back office makes them."""
import contextlib
import html
from unittest.mock import patch

from werkzeug.test import Client

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.tests import dossier_fixtures
from gov_dossier.tests.dossier_fixtures import (
    make_dossier, make_procedure, make_world)
from gov_portal.tests.tools import PortalPagesTestCase
from gov_procedure.catalogue_cards import _cards, catalogue_index


@contextlib.contextmanager
def executed_queries():
    "The SQL statements run meanwhile, as the database's cursor sees them."
    if backend.name == 'postgresql':
        from trytond.backend.postgresql.database import (
            LoggingCursor as cursor_class)
    else:
        from trytond.backend.sqlite.database import (
            SQLiteCursor as cursor_class)
    executed = []
    original = cursor_class.execute

    def execute(self, query, *args, **kwargs):
        executed.append(query)
        return original(self, query, *args, **kwargs)
    with patch.object(cursor_class, 'execute', execute):
        yield executed


class CataloguePagesTestCase(PortalPagesTestCase):
    "R-CAT-2, R-CAT-3: the catalogue's pages, kept and fresh"

    @classmethod
    def set_up_world(cls, world):
        cls.code = world.procedure.code
        cls.name = world.procedure.name
        cls.agency = world.agencies['a'].id
        cls.field = world.procedure.field.id

    def get(self, path):
        response = Client(app).get(path, base_url='http://localhost/')
        self.assertEqual(response.status_code, 200, path)
        return html.unescape(response.get_data(as_text=True))

    def search(self):
        return self.get('/thu-tuc?q=' + self.name.split()[-1])

    def write(self, model, record_id, values):
        with Transaction().start(DB_NAME, 0) as transaction:
            Model = Pool().get(model)
            Model.write([Model(record_id)], values)
            transaction.commit()

    def test_names_changed_in_the_back_office_show_at_once(self):
        """R-CAT-2: the search list and the procedure page are kept
        between requests, and a renamed agency, field or service level
        shows on both at the next request"""
        page = self.get('/thu-tuc/' + self.code)
        listing = self.search()
        self.assertIn(self.name, listing)
        self.assertIn("Đất đai", listing)
        self.assertIn("Đất đai", page)
        # Kept: the card, the card rendered and both parts of the page are
        # in the cache.
        kept = [key for key in _cards._database_cache[DB_NAME]
            if key[-1] == dossier_fixtures._SHARED['procedure']]
        self.assertEqual(len(kept), 4, kept)

        self.write('gov.field', self.field, {'name': "Đất đai và nhà ở"})
        self.assertIn("Đất đai và nhà ở", self.search())
        self.assertIn("Đất đai và nhà ở", self.get('/thu-tuc/' + self.code))

        with Transaction().start(DB_NAME, 0):
            Agency = Pool().get('gov.agency')
            old = Agency(self.agency).name
        self.assertIn(old, self.get('/thu-tuc/' + self.code))
        self.write('gov.agency', self.agency, {'name': "UBND huyện Mới"})
        self.assertIn("UBND huyện Mới", self.get('/thu-tuc/' + self.code))
        self.assertIn("UBND huyện Mới", self.search())

        with Transaction().start(DB_NAME, 0):
            Procedure = Pool().get('gov.procedure')
            level = Procedure(
                dossier_fixtures._SHARED['procedure']).service_level.id
        self.write('gov.service.level', level, {'name': "Toàn trình (mới)"})
        self.assertIn("Toàn trình (mới)", self.search())
        self.assertIn("Toàn trình (mới)", self.get('/thu-tuc/' + self.code))

    def test_committed_time_shown(self):
        """R-PROC-8: a procedure with a committed time shows it beside the
        legal one, on its page and in the search list"""
        with Transaction().start(DB_NAME, 0) as transaction:
            Procedure = Pool().get('gov.procedure')
            world = make_world()
            procedure = make_procedure(world.agencies, code='P8', days='5',
                publish=False, steps=[
                    ("Tiếp nhận", 'receive', 'desk_a', '0.5', None),
                    ("Thẩm định", 'check', 'unit_a', '2', None),
                    ])
            Procedure.write([procedure], {'committed_days': 3})
            Procedure.publish([procedure])
            transaction.commit()
        page = self.get('/thu-tuc/P8')
        self.assertIn("5 ngày làm việc kể từ khi nhận đủ hồ sơ hợp lệ", page)
        self.assertIn("Thời hạn cam kết</dt><dd>3 ngày làm việc", page)
        listing = self.get('/thu-tuc?q=P8')
        self.assertIn("Cam kết: 3 ngày làm việc", listing)
        # Without a commitment, no such line.
        self.assertNotIn("Thời hạn cam kết", self.get('/thu-tuc/' + self.code))

    def test_counts_of_the_procedure_page(self):
        """R-CAT-3, R-CAT-6: the procedure page counts its dossiers
        received (drafts not) and resolved early, on time and late, as
        they are now, under every version of the procedure"""
        def counts():
            page = self.get('/thu-tuc/' + self.code)
            start = page.index('<div class="stats">')
            return page[start:page.index('</div>\n</div>', start)]
        before = counts()
        with Transaction().start(DB_NAME, 0) as transaction:
            Dossier = Pool().get('gov.dossier')
            world = make_world()
            total = Dossier.search_count([
                    ('procedure', '=', world.procedure.id),
                    ('state', '!=', 'draft'),
                    ('received_date', '!=', None)])
            early = make_dossier(world, channel='desk')
            late = make_dossier(world, channel='desk')
            make_dossier(world, channel='desk')  # a draft: not counted
            Dossier.receive([early, late])
            now = Dossier._now()
            Dossier.write([early], {'timeliness': 'early',
                    'completed_date': now})
            Dossier.write([late], {'timeliness': 'late',
                    'completed_date': now})
            transaction.commit()
        after = counts()
        self.assertNotEqual(before, after)
        self.assertIn('<strong>%s</strong>hồ sơ đã tiếp nhận' % (total + 2),
            after)
        self.assertIn('<strong>1</strong>giải quyết trước hạn', after)
        self.assertIn('<strong>1</strong>quá hạn', after)
        # A new version is the same service: it counts the dossiers of
        # every version (R-CAT-6). Rolled back: the other tests keep the
        # shared procedure current.
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Procedure = pool.get('gov.procedure')
            procedure = make_world().procedure
            version, = Procedure.new_version([procedure])
            Procedure.publish([version])
            self.assertFalse(Procedure(procedure.id).active)
            self.assertEqual(
                pool.get('gov.dossier').service_counts(version.code)['total'],
                total + 2)
            transaction.rollback()

    def test_search_runs_no_query_of_its_own(self):
        """R-CAT-2: once the catalogue is kept, a search (with or without
        diacritics, filtered or not, any page) and the procedure page
        read no procedure, field, agency or fee again: the search answers
        from the catalogue's index and its cards, the page runs only its
        live counts (R-CAT-3). One procedure read per result, or the ORM's
        search again, would fail here."""
        paths = ['/thu-tuc?q=thu tuc', '/thu-tuc?q=thủ tục',
            '/thu-tuc?q=thu&agency=%s' % self.agency,
            '/thu-tuc?field=%s' % self.field, '/thu-tuc?trang=2',
            '/thu-tuc']
        for path in paths + ['/thu-tuc/' + self.code]:
            self.get(path)  # kept from now on
        for path in paths:
            with executed_queries() as executed:
                self.assertIn(self.name, self.get(path)) \
                    if 'trang' not in path else self.get(path)
            # At most the connection pool's check of the connection.
            self.assertLessEqual(len(executed), 1, (path, executed))
        with executed_queries() as executed:
            self.assertIn(self.name, self.get('/thu-tuc/' + self.code))
        # The pool's check and the counts of R-CAT-3, read now.
        self.assertLessEqual(len(executed), 2, executed)

    def test_index_answers_as_search_catalogue(self):
        """R-CAT-2: the catalogue's index finds and ranks what
        Procedure.search_catalogue finds (words with and without
        diacritics, beginnings of words, codes, filters), lists without
        text in the order of the names, and a procedure withdrawn from
        the catalogue is gone from the search and its page at once"""
        with Transaction().start(DB_NAME, 0) as transaction:
            Procedure = Pool().get('gov.procedure')
            world = make_world()
            names = ["Đăng ký khai sinh", "Đăng ký kết hôn",
                "Đăng ký khai sinh lưu động", "Cấp bản sao trích lục"]
            for i, name in enumerate(names):
                procedure = make_procedure(world.agencies,
                    code='1.00%s' % (i + 7), publish=False)
                Procedure.write([procedure], {'name': name})
                Procedure.publish([procedure])
            transaction.commit()
        with Transaction().start(DB_NAME, 0, context={'language': 'vi'}):
            Procedure = Pool().get('gov.procedure')
            index = catalogue_index()
            domains = {'sector': 'field.sector', 'field': 'field',
                'level': 'levels', 'agency': 'agencies',
                'service_level': 'service_level'}
            none = dict.fromkeys(domains)
            filters = [(None, None), ('field', self.field),
                ('agency', self.agency), ('agency', -1)]
            for text in ["đăng ký", "dang ky", "khai sinh", "Khai",
                    "ky k", "1.007", "1.00", "lưu động", "kết", "xyz",
                    "!!", "thủ tục"]:
                for name, value in filters:
                    domain = [(domains[name], '=', value)] if name else []
                    self.assertEqual(
                        index.search(text, dict(none, **{name: value})
                            if name else none),
                        [p.id for p in Procedure.search_catalogue(
                                text, domain=domain)],
                        (text, name))
            self.assertEqual(index.filtered(none), [p.id for p in
                    Procedure.search([('state', '=', 'published')],
                        order=[('name', 'ASC'), ('id', 'ASC')])])
        self.assertIn("Đăng ký khai sinh lưu động",
            self.get('/thu-tuc?q=luu dong'))
        self.get('/thu-tuc/1.009')
        with Transaction().start(DB_NAME, 0) as transaction:
            Procedure = Pool().get('gov.procedure')
            Procedure.cancel(Procedure.search([('code', '=', '1.009')]))
            transaction.commit()
        self.assertNotIn("lưu động", self.get('/thu-tuc?q=luu dong'))
        response = Client(app).get('/thu-tuc/1.009',
            base_url='http://localhost/')
        self.assertEqual(response.status_code, 404)
