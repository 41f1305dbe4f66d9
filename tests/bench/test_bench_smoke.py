"""The benchmark harness keeps working (issue #7): a tiny run of `python -m
bench` against the PostgreSQL test server — 1,000 generated dossiers added
to the live server's database, each benchmark for a second — that must
produce every figure and every ratio. No time is ever compared with a
limit here: the figures of a CI machine mean nothing."""
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


def test_bench_smoke(live_server, tmp_path):
    "Generator, server, load, every figure and ratio (R-OPS-1)"
    output = tmp_path / 'bench.json'
    env = {k: v for k, v in os.environ.items()
        if not k.startswith(('TRYTOND_', 'DB_'))}
    subprocess.run([sys.executable, '-m', 'bench',
            '--database', live_server.database,
            '--uri', os.environ['TRYTOND_DATABASE_URI'],
            '--append', '--no-setup', '--dossiers', '1000',
            '--duration', '1', '--warmup', '0.5', '--repeat', '2',
            '--workers', '2', '--no-progress', '--output', str(output),
            '--filestore', str(tmp_path / 'filestore')],
        cwd=ROOT, env=env, check=True, timeout=240,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    report = json.loads(output.read_text(encoding='utf-8'))

    generation = report['generation']['counts']
    assert generation['dossiers'] == 1000
    for name in ['steps', 'history', 'involved', 'web_users']:
        assert generation[name] > 0, name
    if report['dataset']['notifications'] is not None:
        assert generation['notifications'] > 0
    if report['dataset']['ratings'] is not None:
        # A quarter of the dossiers done or refused are rated.
        assert 0 < generation['ratings'] < generation['dossiers'] / 2
        assert report['dataset']['ratings'] >= generation['ratings']

    figures = report['figures']
    http = ['empty', 'transaction', 'lookup', 'catalogue', 'procedure',
        'inbox', 'submission', 'statistics_page']
    # statistics: the raw query; figures and annual_xlsx: gov_report's
    # computation and export, in process.
    assert set(figures) == set(http) | {
        'statistics', 'sql', 'figures', 'annual_xlsx'}
    for name, figure in figures.items():
        assert figure['requests'] > 0, name
        assert figure['errors'] == 0, (name, figure['error_kinds'])
        for key in ['throughput', 'p50_ms', 'p95_ms']:
            assert figure[key] is not None and figure[key] > 0, (name, key)
    for name in http:
        assert figures[name]['queries_mean'] is not None, name
        assert figures[name]['server_ms_p50'] is not None, name
        # The server's CPU per operation (bench/cpu.py).
        assert figures[name]['worker_cpu_ms'] > 0, name
        assert figures[name]['postgres_cpu_ms'] is not None, name
    assert figures['empty']['queries_mean'] == 0
    for name in ['transaction', 'lookup', 'catalogue', 'procedure', 'inbox',
            'submission']:
        assert figures[name]['queries_mean'] > 0, name
        assert figures[name]['throughput_vs_empty'] > 0, name
        assert figures[name]['p50_vs_sql'] > 0, name
    assert figures['statistics']['p50_vs_sql'] > 0
    assert figures['statistics_page']['queries_mean'] is not None
    assert figures['statistics_page']['throughput_vs_empty'] > 0
    assert figures['lookup']['throughput_vs_transaction'] > 0
    assert set(report['targets']) == {
        'lookup', 'catalogue', 'procedure', 'inbox', 'submission',
        'statistics', 'statistics_page', 'figures', 'annual_xlsx'}
    assert report['details']['statistics']['province_total']
    assert (tmp_path / 'latest.json').exists()
    assert list(tmp_path.glob('run-*/server.log'))

    # The generated dossiers are valid ones (issue #22: 9 receptions in 10
    # were refused by the dossier's checks): organisations' tax codes with
    # their check digit, eForm dates stored as dates, not as text.
    from stdnum.vn import mst
    admin, _ = live_server.login('admin', 'admin@2026')
    rows = live_server.rpc('model.gov.dossier.search_read', [
            [('applicant_tax_code', 'like', '6400%')], 0, None, None,
            ['applicant_tax_code', 'form_data'], {}], session=admin)
    rows = rows['result']
    assert rows, "no generated organisation"
    assert all(mst.is_valid(r['applicant_tax_code']) for r in rows), [
        r['applicant_tax_code'] for r in rows
        if not mst.is_valid(r['applicant_tax_code'])][:5]
    texts = [v for r in rows for v in (r['form_data'] or {}).values()
        if isinstance(v, str) and v[:4].isdigit() and v[4:5] == '-']
    assert not texts, texts[:5]
