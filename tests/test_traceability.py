"""The README tells the truth about requirements and how to run things."""
import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / 'shared' / 'spec' / 'REQUIREMENTS.md'


def test_readme_requirements_table_is_current():
    "The table in README.md is what scripts/traceability.py generates"
    sys.path.insert(0, str(ROOT / 'scripts'))
    try:
        import traceability
    finally:
        sys.path.pop(0)
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert traceability.table() in readme, (
        'run: python scripts/traceability.py --write')


def test_every_requirement_has_a_status_and_done_ones_a_test():
    "Every R-id of the specification is listed; done ones are proved by a test"
    with open(ROOT / 'doc' / 'requirements-status.csv', encoding='utf-8') as f:
        rows = {r['id']: r for r in csv.DictReader(f)}
    assert {r['status'] for r in rows.values()} <= {
        'done', 'partial', 'not yet'}
    if SPEC.exists():
        spec_ids = set(re.findall(
            r'^- (R-[A-Z0-9]+-[0-9]+)', SPEC.read_text(encoding='utf-8'),
            re.M))
        assert spec_ids == set(rows)
    sys.path.insert(0, str(ROOT / 'scripts'))
    try:
        import traceability
    finally:
        sys.path.pop(0)
    proofs = traceability.tests_by_requirement()
    for rid, row in rows.items():
        if row['status'] in ('done', 'partial'):
            assert proofs.get(rid), f'{rid} is {row["status"]} but no test names it'


def test_ci_runs_the_readme_test_command():
    "CI calls the README's test command"
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert 'make test' in readme and 'make run' in readme
    assert 'make test' in (ROOT / '.ci' / 'run').read_text(encoding='utf-8')
