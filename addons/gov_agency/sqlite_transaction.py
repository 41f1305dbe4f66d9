# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""SQLite: the cache's bookkeeping must not commit a request's writes.

trytond's cache (`Cache.sync` at every transaction start when
`[cache] clean_timeout = 0`, else once per timeout; `Cache.commit` when a
cache was cleared) asks the backend for an *autocommit* connection.
PostgreSQL lends another connection from its pool. trytond 8.0's SQLite
backend has one connection per transaction and hands back that very
connection, switching it to `isolation_level = None`: Python's sqlite3
then commits what the transaction wrote so far, and every later statement
of the transaction commits on its own. A request refused with an access or
record-rule error, or one that crashed, kept its rows.

The fix is at the backend, for every caller: while a transaction holds the
SQLite connection, a nested request for it gets the connection as it is —
in the transaction's own mode — and giving it back does not end anything.
Only the first holder (the transaction) chooses the isolation level."""
from trytond.backend.sqlite.database import Database


def install():
    if getattr(Database.get_connection, 'nested_holders', False):
        return
    get_connection = Database.get_connection
    put_connection = Database.put_connection
    close = Database.close

    def get_connection_nested(
            self, autocommit=False, readonly=False, statement_timeout=None):
        holders = self.__dict__.get('_holders', 0)
        if holders and self._conn is not None:
            self._holders = holders + 1
            return self._conn
        connection = get_connection(self, autocommit=autocommit,
            readonly=readonly, statement_timeout=statement_timeout)
        self._holders = 1
        return connection

    def put_connection_nested(self, connection=None):
        holders = self.__dict__.get('_holders', 0)
        if holders > 1:
            self._holders = holders - 1
            return
        self._holders = 0
        return put_connection(self, connection)

    def close_nested(self):
        self._holders = 0
        return close(self)

    get_connection_nested.nested_holders = True
    Database.get_connection = get_connection_nested
    Database.put_connection = put_connection_nested
    Database.close = close_nested
