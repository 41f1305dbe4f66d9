#!/usr/bin/env bash
# The benchmark command (README, Performance; `make bench`): start the local
# PostgreSQL 15 when it is down, then python -m bench with the arguments.
#   scripts/bench.sh [--dossiers N] [python -m bench arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pg_isready -q -h /var/run/postgresql 2>/dev/null; then
    version=$(ls /etc/postgresql | sort -n | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 30); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done
fi
# The bench's own configuration is generated (bench/config.py).
unset TRYTOND_CONFIG
exec .venv/bin/python -m bench "$@"
