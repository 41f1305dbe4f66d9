"""The "after 1 July 2025" demo scenario (R-CAT-9, R-AG-1): the agency
restructuring wizard run over the demo data as shipped, by
gov_server/demo_reform.py (make demo-2025), with --dry-run so that the
live database the other tests read is left as it was (a rolled back copy
of the demo data)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FINAL = {'rejected', 'done', 'withdrawn'}
CITY_DESK = '000.30.21.H16'
WARD = '000.01.21.H16'         # UBND phường Nghĩa Đức
NEW_WARD = '000.51.00.H16'     # phường Bắc Gia Nghĩa (demo_reform.STEPS)
CITY = '000.00.21.H16'
PROVINCE = '000.00.00.H16'


def test_restructuring_the_demo_data_loses_no_dossier(live_server):
    """R-CAT-9, R-AG-1: on the demo data, the 2025 restructuring (two-level
    tree: province and communes; departments merged) keeps the counts of
    dossiers per state, moves every in-flight dossier of an abolished
    agency to its successor with a history entry naming both, keeps
    codes and due dates, leaves finished dossiers where they were, and
    deletes no agency (the old ones are inactive with their successor)"""
    server = live_server
    output = subprocess.run(
        [sys.executable, '-m', 'gov_server.demo_reform', '--database',
            server.database, '--dry-run', '--json'],
        env=server.env, cwd=ROOT, check=True, capture_output=True,
        text=True, timeout=300).stdout
    result = json.loads(output.strip().splitlines()[-1])
    before, after = result['before'], result['after']
    agencies = result['agencies']
    assert result['restructurings'] == 15
    assert before['states'] == after['states']
    assert before['dossiers'].keys() == after['dossiers'].keys()

    moved = 0
    for key, old in before['dossiers'].items():
        new = after['dossiers'][key]
        assert (new['code'], new['due_date'], new['state']) == (
            old['code'], old['due_date'], old['state']), key
        entries = new['restructured']
        assert new['history'] == old['history'] + len(entries), key
        if old['state'] in FINAL:
            assert (new['agency'], new['current_unit']) == (
                old['agency'], old['current_unit']), key
            assert not entries, key
            continue
        # Held by an abolished agency: at its successor now, traceably.
        for field in ['agency', 'current_unit']:
            if old[field] and not agencies[old[field]]['active']:
                assert agencies[new[field]]['active'], (key, field)
                assert any(agencies[old[field]]['name'] in e
                    and agencies[new[field]]['name'] in e
                    for e in entries), (key, field, entries)
            elif not entries:
                assert new[field] == old[field], (key, field)
        if entries:
            moved += 1
            assert all('[demo-2025]' in e for e in entries), key
    # The ward's and the city committee's in-flight dossiers.
    assert moved >= 10

    # The tree has two levels under the province, nothing was deleted.
    assert set(agencies) >= set(before_codes(before)) | {PROVINCE}
    assert agencies[CITY]['active'] is False
    assert agencies[CITY]['successor'] == NEW_WARD
    assert agencies[WARD]['successor'] == NEW_WARD
    assert agencies[NEW_WARD]['parent'] == PROVINCE
    assert agencies[CITY_DESK]['parent'] == NEW_WARD
    assert agencies[PROVINCE]['name'] == "Ủy ban nhân dân tỉnh Lâm Đồng"
    districts = [c for c, a in agencies.items()
        if c.startswith('000.00.2') and a['active']]
    assert districts == []
    # A closed month keeps its figures (old agencies), if the demo has one.
    for period, rows in before['figures'].items():
        if period.endswith('(closed)'):
            assert after['figures'][period] == rows


def before_codes(before):
    return {d['agency'] for d in before['dossiers'].values()}
