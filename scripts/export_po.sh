#!/usr/bin/env bash
# Refresh addons/MODULE/locale/vi.po from the module's current strings,
# keeping the existing translations: installs the module in a throw-away
# SQLite database with its current catalogue, then exports it.
#   scripts/export_po.sh gov_agency
set -euo pipefail
cd "$(dirname "$0")/.."
module=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '[database]\nuri = sqlite://\npath = %s\n' "$tmp" > "$tmp/t.conf"
touch "$tmp/po.sqlite"
echo 'export-only-1' > "$tmp/pass"
mkdir -p "addons/$module/locale"
export TRYTONPASSFILE=$tmp/pass
.venv/bin/trytond-admin -c "$tmp/t.conf" -d po -u "$module" \
    --activate-dependencies -l vi --email a@b.c >/dev/null
.venv/bin/trytond-admin -c "$tmp/t.conf" -d po -u "$module" -l vi \
    --export-translations >/dev/null
.venv/bin/python - "addons/$module/locale/vi.po" <<'PY'
import sys, polib
po = polib.pofile(sys.argv[1])
todo = po.untranslated_entries() + po.fuzzy_entries()
print(f"{sys.argv[1]}: {len(po)} entries, {len(todo)} to translate")
for entry in todo:
    print(f"  {entry.msgctxt} | {entry.msgid}")
PY
