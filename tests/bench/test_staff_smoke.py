"""The staff users' benchmark keeps working (issue #22): a tiny run of
`python -m bench.staff` against the PostgreSQL test server's database —
two steps (2 and 4 officers, so that every role of the mix runs), two
seconds each, no think time — that must produce every figure: each
step's calls/s, median, p95, errors and refusals, the figures per call
type, the actions that ran, and the capacity. No time is ever compared
with a limit here: the figures of a CI machine mean nothing."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.environ.get('GOV_TEST_BACKEND') != 'postgresql',
    reason='the benchmarks need PostgreSQL (second pass of the tests)')


def test_staff_smoke(live_server, tmp_path):
    "Officers' sessions, every role's script, every figure (R-OPS-1)"
    output = tmp_path / 'staff.json'
    env = {k: v for k, v in os.environ.items()
        if not k.startswith(('TRYTOND_', 'DB_'))}
    run = subprocess.run([sys.executable, '-m', 'bench.staff',
            '--database', live_server.database,
            '--uri', os.environ['TRYTOND_DATABASE_URI'],
            '--workers', '2', '--steps', '2,4', '--duration', '2',
            '--warmup', '0', '--think', '0', '--warm', '0',
            '--output', str(output),
            '--filestore', str(tmp_path / 'filestore')],
        cwd=ROOT, env=env, timeout=300,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert run.returncode == 0, run.stdout.decode()[-3000:]
    report = json.loads(output.read_text(encoding='utf-8'))

    steps = report['steps']
    assert [s['users'] for s in steps] == [2, 4]
    assert steps[0]['roles'] == {'one_stop': 1, 'specialist': 1}
    assert steps[1]['roles'] == {
        'one_stop': 1, 'specialist': 1, 'head': 1, 'leader': 1}
    for step in steps:
        assert step['calls'] > 0, step
        assert step['errors'] == 0, step['error_kinds']
        for key in ['calls_per_s', 'p50_ms', 'p95_ms', 'max_ms']:
            assert step[key] is not None and step[key] > 0, key
        assert step['refused'] >= 0
        assert step['types'], step
        for kind, figure in step['types'].items():
            assert figure['calls'] > 0, kind
            if figure['served']:
                assert figure['p50_ms'] > 0 and figure['p95_ms'] > 0, kind
        # The tabs as sao loads them: search, read and the tabs' counts.
        assert {'tab.search', 'tab.read', 'tab.counts'} <= set(
            step['types']), step['types'].keys()
        assert step['actions'], step
    # Every role clicked something in the second step.
    acted = {name.split()[0] for name in steps[1]['actions']}
    calls = set(steps[1]['types'])
    assert 'one_stop' in acted and 'specialist' in acted, acted
    assert calls & {'approve', 'open.read', 'steps.read'}, calls
    capacity = report['capacity']
    assert capacity['baseline_p50_ms'] > 0
    assert capacity['users'] in {None, 2, 4}
    assert capacity['target_users'] == 60
    assert report['slowest_types']
    assert list(tmp_path.glob('staff-run-*/server.log'))
