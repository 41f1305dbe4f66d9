# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The scenarios of gov_dossier (tests/scenario_*.rst): doctests driven
through proteus that are also the module's usage documentation.

Tryton's test runner (unittest) loads them with load_tests, as Tryton's own
modules do. pytest does not call load_tests: test_scenario runs the same
doctests, one test per scenario file, with the same set-up and tear-down
(the database is dropped afterwards) on the database of the pass (SQLite
with DB_NAME=:memory:, PostgreSQL with DB_NAME and TRYTOND_DATABASE_URI)."""
import os
import unittest

import pytest

from trytond.tests.test_tryton import drop_db, load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)


def _scenarios():
    return list(load_tests(
            unittest.TestLoader(), unittest.TestSuite(), None))


@pytest.mark.parametrize('scenario', _scenarios(),
    ids=lambda case: os.path.basename(case._dt_test.filename))
def test_scenario(scenario):
    "Run one scenario file; a failing example fails with doctest's report"
    # The module tests run before keep the test database open in this
    # process (connection pool, cache listener); activate_modules restores
    # it from its template by dropping it, which PostgreSQL refuses while
    # it is in use.
    drop_db()
    scenario.setUp()
    try:
        scenario.runTest()
    finally:
        scenario.tearDown()
