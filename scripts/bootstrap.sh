#!/usr/bin/env bash
# Install everything the project needs from its own files, on a fresh Debian
# machine with Python 3.11: system packages, the virtualenv, the Python
# packages (pyproject.toml) and the sao web client (npm registry).
# Idempotent: each step is skipped when its stamp is newer than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
WITH_TEST=${WITH_TEST:-0}

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo ">> apt-get install ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

# System packages: weasyprint needs pango; sao needs node/npm; fonts with
# Vietnamese glyphs for PDFs; PostgreSQL, Chromium and poppler for the tests.
if command -v dpkg-query >/dev/null; then
    python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
    command -v npm >/dev/null || apt_install nodejs npm
    apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation2
    if [ "$WITH_TEST" = 1 ]; then
        command -v pg_ctlcluster >/dev/null || apt_install postgresql
        apt_install chromium poppler-utils
        # ClamAV's daemon for the malware scan tests (gov_dossier/tests/test_scan.py).
        apt_install clamav-daemon
    fi
fi

# Python packages.
PYTHON=${PYTHON:-python3}
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
stamp=$VENV/.installed
extras=""
if [ "$WITH_TEST" = 1 ]; then stamp=$VENV/.installed-test; extras="[test]"; fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo ">> pip install (pyproject.toml)"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -e ".$extras"
    touch "$stamp"
fi

# sao, the Tryton web client, from the npm registry (8.0 series).
SAO=$ROOT/var/sao
if [ ! -f "$SAO/.installed" ]; then
    echo ">> npm: tryton-sao@8.0"
    rm -rf "$SAO" && mkdir -p "$SAO"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent tryton-sao@8.0 >/dev/null)
    tar -xzf "$tmp"/tryton-sao-*.tgz -C "$SAO" --strip-components=1
    rm -rf "$tmp"
    # sao 8.0's own dependencies stop on a peer-dependency conflict without
    # --legacy-peer-deps.
    (cd "$SAO" && npm install --silent --omit=dev --legacy-peer-deps --no-audit --no-fund >/dev/null)
    touch "$SAO/.installed"
fi
"$VENV/bin/python" -m gov_server.install_assets "$SAO"

# Chart.js (npm) for the chart of the public statistics /thong-ke
# (gov_report serves var/chart.js/dist/chart.umd.min.js itself: the
# portal's CSP allows only the site's own scripts).
if [ ! -f "$ROOT/var/chart.js/dist/chart.umd.min.js" ]; then
    echo ">> npm: chart.js@4"
    rm -rf "$ROOT/var/chart.js" && mkdir -p "$ROOT/var/chart.js"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent chart.js@4 >/dev/null)
    tar -xzf "$tmp"/chart.js-*.tgz -C "$ROOT/var/chart.js" --strip-components=1
    rm -rf "$tmp"
fi

# axe-core (npm) for the portal's accessibility tests: tests read
# var/axe-core/axe.min.js and inject it into each page.
if [ "$WITH_TEST" = 1 ] && [ ! -f "$ROOT/var/axe-core/axe.min.js" ]; then
    echo ">> npm: axe-core@4"
    rm -rf "$ROOT/var/axe-core" && mkdir -p "$ROOT/var/axe-core"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent axe-core@4 >/dev/null)
    tar -xzf "$tmp"/axe-core-*.tgz -C "$ROOT/var/axe-core" --strip-components=1
    rm -rf "$tmp"
fi
