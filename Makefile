# Two commands on a fresh Debian machine with Python 3.11:
#   make run    install everything, create/update the SQLite demo database, serve on :8000
#   make test   all tests on SQLite, then again on PostgreSQL 15
#   make prod   the production stack on PostgreSQL under supervisor
#               (gov_server/prod.py; make prod-status, make prod-stop)
PY := .venv/bin/python

.PHONY: run test test-sqlite test-pg demo-db install bench lint prod prod-stop prod-status

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

# Two gunicorn instances, trytond-cron and trytond-worker under supervisor,
# on PostgreSQL (README, Operations): make prod PROD_ARGS="--database dvc
# --ports 8000,8001 --portal-url https://…"; state and logs in var/prod/.
prod: install
	$(PY) -m gov_server.prod start $(PROD_ARGS)

prod-stop:
	$(PY) -m gov_server.prod stop

prod-status:
	$(PY) -m gov_server.prod status

# Fault drills on a throw-away `make prod` stack (README, "Fault drills";
# gov_server/drills.py): worker killed during submissions, database
# connections cut, overload, trytond-worker killed while sending,
# PostgreSQL restarted and a point-in-time recovery (on a PostgreSQL
# cluster of the drills' own). E.g. make drill-faults ARGS="--scale full"
.PHONY: drill-faults
drill-faults:
	$(PY) -m gov_server.drills $(ARGS)

# Point-in-time recovery from a base backup and the WAL archive (README,
# Operations; gov_server/pitr.py): make pitr ARGS="base-backup --dest D" or
# ARGS="restore --base D --archive W --data NEW --target '2026-12-07
# 09:41:00+07'". Its drill: make drill-faults ARGS="--only pitr".
.PHONY: pitr
pitr:
	$(PY) -m gov_server.pitr $(ARGS)

# The demo's "after 1 July 2025" scenario (README; gov_server/demo_reform.py):
# on the demo database of make run, the agency restructuring wizard loads
# the merged province's two-level tree and prints the dossiers per state
# and the figures per agency before and after. ARGS="--dry-run" keeps nothing.
.PHONY: demo-2025
demo-2025: demo-db
	$(PY) -m gov_server.demo_reform $(ARGS)
