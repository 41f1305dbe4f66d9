# Two commands on a fresh Debian machine with Python 3.11:
#   make run    install everything, create/update the SQLite demo database, serve on :8000
#   make test   all tests on SQLite, then again on PostgreSQL 15
PY := .venv/bin/python

.PHONY: run test test-sqlite test-pg demo-db install bench lint

install:
	scripts/bootstrap.sh

demo-db: install
	$(PY) -m gov_server.setup_db

run: demo-db
	$(PY) -m gov_server.run

test:
	scripts/test.sh

test-sqlite:
	scripts/test.sh sqlite

test-pg:
	scripts/test.sh postgresql

# Province-scale benchmarks (README, Performance): make bench ARGS="--dossiers 2000000"
bench: install
	scripts/bench.sh $(ARGS)

# Backups (README, "Backups and restore"): make backup puts the configured
# database and its filestore into var/backups/<database>/ (or [gov]
# backup_dir); make drill restores the newest into a throw-away database and
# checks it. E.g. make backup ARGS="--database dvc --keep-daily 7"
.PHONY: backup drill
backup:
	$(PY) -m gov_server.backup $(ARGS)

drill:
	$(PY) -m gov_server.restore_drill $(ARGS)
