#!/usr/bin/env bash
# The test command (README, `make test`, .ci/run): install what the tests
# need, run the whole suite on SQLite and on PostgreSQL 15 (at once).
#   scripts/test.sh [sqlite|postgresql|all] [pytest arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
which=${1:-all}
[ $# -gt 0 ] && shift
WITH_TEST=1 scripts/bootstrap.sh

PYTEST=("$ROOT/.venv/bin/python" -m pytest -q -p no:cacheprovider -rfEs --durations=15)
mkdir -p var/test
rm -f var/test/junit-*.xml var/test/junit-*.xml.counts
# Module tests build their own databases: never read the demo configuration.
unset TRYTOND_CONFIG

run_pass() {  # name, then env assignments for the pass
    local name=$1; shift
    local report=var/test/junit-$name.xml
    echo "=== tests on $name ==="
    env "$@" "${PYTEST[@]}" --junitxml="$report" "${PYTEST_ARGS[@]}" || true
    # A pass that ran nothing is a failure, not a success.
    "$ROOT/.venv/bin/python" - "$report" "$name" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root if root.tag == 'testsuite' else root.find('testsuite')
# Count test cases, not the subtests pytest also adds to the totals.
cases = suite.findall('testcase')
total = len(cases)
bad = sum(1 for c in cases if c.find('failure') is not None
    or c.find('error') is not None)
skipped = sum(1 for c in cases if c.find('skipped') is not None)
# A failing subtest fails its test too.
bad = max(bad, min(total, int(suite.get('failures')) + int(suite.get('errors'))))
print(f"{sys.argv[2]}: {total - bad - skipped} passed, {bad} failed, {skipped} skipped")
with open(sys.argv[1] + '.counts', 'w') as f:
    f.write(f"{total - bad - skipped} {bad} {skipped}\n")
sys.exit(1 if total == 0 or bad else 0)
PY
}
failed=0

PYTEST_ARGS=("$@")
# Initialised test databases are cached between test classes; the cache is
# keyed by the modules' content so that a changed module is never served a
# stale database.
fingerprint=$("$ROOT/.venv/bin/python" -c 'from gov_server.setup_db import modules_fingerprint as f; print(f()[:16])')
sqlite_pass() {
    run_pass sqlite DB_NAME=:memory: DB_CACHE="$ROOT/var/test/cache-sqlite-$fingerprint"
}

pg_up() {
    # Use the local PostgreSQL 15 when it runs, else start the Debian cluster.
    if ! pg_isready -q -h /var/run/postgresql 2>/dev/null; then
        version=$(ls /etc/postgresql | sort -n | tail -1)
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
        for _ in $(seq 30); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done
    fi
}
pg_db=test_dvc_$$
pg_cleanup() {
    for d in $(psql -h /var/run/postgresql -d postgres -Atc \
            "SELECT datname FROM pg_database WHERE datname LIKE '${pg_db}%' OR datname LIKE 'test-%'" 2>/dev/null); do
        dropdb -h /var/run/postgresql --if-exists "$d" 2>/dev/null || true
    done
}

postgresql_pass() {  # report name (postgresql…), then pytest paths if any
    local name=${1:-postgresql}; shift || true
    local user uri
    user=$(id -un)
    uri="postgresql://$user@/?host=/var/run/postgresql"
    local saved=("${PYTEST_ARGS[@]}") rc=0
    PYTEST_ARGS+=("$@")
    # Each pass its own database; the module caches (test-*) are shared.
    run_pass "$name" \
        DB_NAME="${pg_db}_${name//[^a-z0-9]/}" TRYTOND_DATABASE_URI="$uri" \
        DB_CACHE="postgresql://" GOV_TEST_BACKEND=postgresql || rc=$?
    PYTEST_ARGS=("${saved[@]}")
    return $rc
}

module_chunks() {
    # The modules' tests in chunks of about 100 kB of test code, the largest
    # module first: a lane that finishes its first pass takes the next
    # chunk, and the last chunks are small enough not to keep it waiting.
    local dir size chunk='' chunk_size=0
    for dir in addons/*/tests; do
        size=$(find "$dir" -maxdepth 1 \( -name '*.py' -o -name '*.rst' \) \
            -exec cat {} + | wc -c)
        echo "$size $dir"
    done | sort -rn | {
        while read -r size dir; do
            chunk="$chunk ${dir%/tests}"; chunk_size=$((chunk_size + size))
            if [ "$chunk_size" -ge 100000 ]; then
                echo "${chunk# }"; chunk=''; chunk_size=0
            fi
        done
        [ -n "$chunk" ] && echo "${chunk# }"
        true
    }
}

case $which in
    sqlite) sqlite_pass || failed=1 ;;
    postgresql)
        pg_up; pg_cleanup; trap pg_cleanup EXIT
        postgresql_pass postgresql || failed=1 ;;
    all)
        # Two lanes, one per core: the SQLite pass in one, the system tests
        # on PostgreSQL (tests/: live server, browser, stack) in the other;
        # then the modules' tests on PostgreSQL, in chunks (module_chunks)
        # that each lane takes when it is free (an atomic mkdir claims a
        # chunk), so that neither lane waits long for the other. The second
        # lane's output follows the first's. Given test paths, the
        # PostgreSQL pass runs them in the second lane.
        pg_up; pg_cleanup; trap pg_cleanup EXIT
        log=var/test/postgresql.log
        claims=var/test/claims
        rm -rf "$claims"; mkdir -p "$claims"
        chunks=()
        if [ ${#PYTEST_ARGS[@]} -eq 0 ]; then
            mapfile -t chunks < <(module_chunks)
            if [ ${#chunks[@]} -eq 0 ]; then
                echo "no module tests found under addons/*/tests" >&2
                exit 1
            fi
        fi
        free_chunks() {  # the chunks no lane took yet, one after the other
            local i rc=0
            for i in "${!chunks[@]}"; do
                mkdir "$claims/$i" 2>/dev/null || continue
                # shellcheck disable=SC2086  # a chunk is a list of paths
                postgresql_pass "postgresql-modules-$((i + 1))" ${chunks[$i]} \
                    || rc=1
            done
            return $rc
        }
        if [ ${#PYTEST_ARGS[@]} -eq 0 ]; then
            { rc=0; postgresql_pass postgresql tests || rc=1
              free_chunks || rc=1; exit $rc; } > "$log" 2>&1 &
        else
            postgresql_pass postgresql > "$log" 2>&1 &
        fi
        pg=$!
        sqlite_pass || failed=1
        free_chunks || failed=1
        wait $pg || failed=1
        rm -rf "$claims"
        cat "$log"
        # Every chunk ran, whichever lane took it (a chunk left out would
        # otherwise pass unnoticed).
        for i in "${!chunks[@]}"; do
            if [ ! -s "var/test/junit-postgresql-modules-$((i + 1)).xml.counts" ]; then
                echo "postgresql-modules-$((i + 1)) (${chunks[$i]}): did not run" >&2
                failed=1
            fi
        done
        ;;
    *) echo "usage: scripts/test.sh [sqlite|postgresql|all] [pytest arguments…]" >&2; exit 2 ;;
esac
# One closing line for the whole run (both databases).
cat var/test/junit-*.xml.counts 2>/dev/null | awk '{p+=$1; f+=$2; s+=$3} END {printf "all: %d passed, %d failed, %d skipped\n", p, f, s}'
exit $failed
