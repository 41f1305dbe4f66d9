"""Fault drills on the production stack (R-OPS-1: an outage must lose no
submitted data; Điều 4.6, 28.3): gov_server.drills at small scale on one
`make prod` stack (two gunicorn instances, trytond-cron, trytond-worker
under supervisor) on a throw-away PostgreSQL database.

PostgreSQL only (the production stack does not run on SQLite). The
database is named after the test run's, so the test command's cleanup
drops it even if this module is interrupted."""
import os

import pytest

from gov_server.drills import SCALES, Outcome, Stack
from gov_server import drill_checks

pytestmark = pytest.mark.skipif(
    os.environ.get('GOV_TEST_BACKEND') != 'postgresql',
    reason='the production stack runs on PostgreSQL only '
    '(scripts/test.sh postgresql)')

SCALE = SCALES['small']


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    "One stack for every drill of the module (its start is the slow part)."
    stack = Stack(os.environ['DB_NAME'] + '_drill',
        tmp_path_factory.mktemp('drills') / 'prod',
        uri=os.environ['TRYTOND_DATABASE_URI'])
    try:
        yield stack.start()
    finally:
        stack.stop(drop=True)


def run(stack, name):
    outcome = Outcome(name)
    drill_checks.DRILLS[name](stack, SCALE, outcome)
    print(outcome.line())
    return outcome


def test_kill_worker_during_submissions_loses_nothing(stack):
    """R-OPS-1: a gunicorn worker killed (SIGKILL) while 20 citizens submit
    dossiers with 3 files: every confirmed submission is complete in the
    database (code, 3 files in the filestore matching the SHA-256 of the
    history, history rows), the interrupted ones left nothing half-saved
    and no orphan file, and each citizen who saw an error submits again
    successfully; the master replaced its worker."""
    outcome = run(stack, 'kill-worker')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['half_saved'] == 0 and figures['orphan_files'] == 0
    assert figures['failed'] >= 1
    assert figures['failed_then_resubmitted'] == figures['failed']
    assert figures['ok'] + figures['failed'] == SCALE['citizens']


def test_database_connections_cut_gives_503_and_recovers(stack):
    """R-OPS-1: every PostgreSQL connection of the application terminated
    three times under load: no HTTP 500 and no stack trace, only the
    Vietnamese 503 page with Retry-After, and the portal serves again by
    itself within seconds."""
    outcome = run(stack, 'db-cut')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['connections_terminated'] > 0
    assert figures['http_500'] == 0 and figures['tracebacks'] == 0
    assert figures['non_2xx'] == figures['http_503']
    assert figures['recovery_s'] < 10


def test_overload_never_answers_500(stack):
    """R-OPS-1: five times the measured capacity of a catalogue page for
    10 s: only 2xx, 429 or 503 with Retry-After, never a 500, and the
    stack is healthy afterwards."""
    outcome = run(stack, 'overload')
    figures = outcome.figures
    assert outcome.passed, outcome.line()
    assert figures['http_500'] == 0 and figures['no_answer'] == 0
    assert figures['http_2xx'] > 0
