#!/usr/bin/env python3
"""The README's requirements table: status of every R-id and its tests.

    python scripts/traceability.py          # print the table
    python scripts/traceability.py --write  # rewrite it in README.md

Statuses come from doc/requirements-status.csv; the tests proving each
requirement are found by the R-ids their docstrings or comments name.
"""
import ast
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / 'shared' / 'spec' / 'REQUIREMENTS.md'
STATUS = ROOT / 'doc' / 'requirements-status.csv'
README = ROOT / 'README.md'
BEGIN, END = '<!-- requirements:begin -->', '<!-- requirements:end -->'
RID = re.compile(r'R-[A-Z0-9]+-[0-9]+')


def statuses():
    with open(STATUS, encoding='utf-8') as f:
        return {r['id']: r for r in csv.DictReader(f)}


def test_files():
    yield from sorted((ROOT / 'addons').glob('*/tests/test_*.py'))
    yield from sorted((ROOT / 'tests').rglob('test_*.py'))


def tests_by_requirement():
    found = {}
    for path in test_files():
        tree = ast.parse(path.read_text(encoding='utf-8'))
        source = path.read_text(encoding='utf-8').splitlines()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not node.name.startswith('test'):
                continue
            text = '\n'.join(source[node.lineno - 1:node.end_lineno])
            for rid in set(RID.findall(text)):
                found.setdefault(rid, []).append(
                    f'{path.relative_to(ROOT)}::{node.name}')
    return found


def table():
    rows = statuses()
    tests = tests_by_requirement()
    lines = ['| Requirement | Status | What | Proved by |',
        '| --- | --- | --- | --- |']
    for rid, row in rows.items():
        proofs = tests.get(rid, [])
        shown = ', '.join(f'`{p.split("::")[1]}`' for p in proofs[:4])
        if len(proofs) > 4:
            shown += f' (+{len(proofs) - 4})'
        lines.append(f'| {rid} | {row["status"]} | {row["note"]} | {shown} |')
    return '\n'.join(lines)


def main():
    text = table()
    if '--write' in sys.argv:
        readme = README.read_text(encoding='utf-8')
        start = readme.index(BEGIN) + len(BEGIN)
        end = readme.index(END)
        README.write_text(
            readme[:start] + '\n' + text + '\n' + readme[end:],
            encoding='utf-8')
    else:
        print(text)


if __name__ == '__main__':
    main()
