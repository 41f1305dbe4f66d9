# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A transaction that fails keeps nothing, on every backend (R-SEC-1):
the cache's bookkeeping used to commit a request's writes on SQLite (see
gov_agency/sqlite_transaction.py)."""
import sqlite3
import tempfile
import unittest
from pathlib import Path

from trytond import backend
from trytond.cache import Cache
from trytond.config import config
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module
from trytond.transaction import Transaction


class Refused(Exception):
    pass


class TransactionTestCase(unittest.TestCase):
    "R-SEC-1: what a failed request wrote is rolled back"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    def setUp(self):
        saved = config.get('cache', 'clean_timeout')
        # The demo's setting: the cache synchronises at every transaction
        # start, the case that committed every write on SQLite.
        config.set('cache', 'clean_timeout', '0')
        self.addCleanup(config.set, 'cache', 'clean_timeout', saved)
        # On PostgreSQL that setting starts the cache's LISTEN thread, whose
        # connection would keep the test database from being copied.
        self.addCleanup(Cache.drop, DB_NAME)

    def agency_count(self, code):
        with Transaction().start(DB_NAME, 0, readonly=True):
            return Pool().get('gov.agency').search_count(
                [('code', '=', code)])

    def test_failed_transaction_keeps_no_row(self):
        "R-SEC-1: a write followed by an error is not stored"
        # Several transactions, so that the cache really synchronises
        # (its first call only records the time).
        for attempt in range(3):
            code = f'REFUSED{attempt}'
            with self.assertRaises(Refused):
                with Transaction().start(DB_NAME, 0):
                    pool = Pool()
                    kind, = pool.get('gov.agency.kind').search(
                        [('code', '=', 'district_committee')])
                    pool.get('gov.agency').create([{
                                'name': code, 'code': code, 'kind': kind.id}])
                    raise Refused
            self.assertEqual(self.agency_count(code), 0)

    @unittest.skipUnless(backend.name == 'sqlite', 'SQLite backend')
    def test_cache_connection_leaves_transaction_open(self):
        "R-SEC-1: the cache's autocommit connection commits nothing"
        with tempfile.TemporaryDirectory() as directory:
            saved = config.get('database', 'path')
            config.set('database', 'path', directory)
            self.addCleanup(config.set, 'database', 'path', saved)
            sqlite3.connect(Path(directory) / 'probe.sqlite').close()

            database = backend.Database('probe').connect()
            connection = database.get_connection()  # the transaction's
            connection.execute('CREATE TABLE t (x INTEGER)')
            connection.commit()
            connection.execute('INSERT INTO t VALUES (1)')
            # What Cache.sync and Cache.commit ask for in the middle.
            cache = database.get_connection(readonly=True, autocommit=True)
            cache.execute('SELECT 1')
            database.put_connection(cache)
            self.assertTrue(connection.in_transaction)
            connection.rollback()
            count, = connection.execute('SELECT count(*) FROM t').fetchone()
            database.put_connection(connection)
            database.close()
            self.assertEqual(count, 0)
