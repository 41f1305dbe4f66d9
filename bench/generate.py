"""Province-scale data generator (issue #7).

    python -m bench.generate --database dvc_bench --dossiers 200000

Fills a database whose schema the ORM created (python -m gov_server.setup_db
--no-demo) with N dossiers spread over the last `--years` years and over
every state, with their processing steps, audit history, involved agencies,
notifications (when gov.notification exists) and satisfaction ratings
(when gov.rating exists: a quarter of the dossiers done or refused, rated
within three days of their result), plus the citizens' portal accounts.

Everything is bulk SQL run by PostgreSQL itself (INSERT … SELECT over
generate_series, chunk by chunk, on `--jobs` connections at once): no ORM
call per row. For large runs the secondary indexes and the foreign keys of
the filled tables are dropped first and re-created (and so validated: the
data is consistent) at the end; their definitions are kept in
bench_gen.saved_ddl until then, so an interrupted run is repaired by the
next one. Then ANALYZE.

Distributions (documented in README, Performance):
- procedures weighted towards the commune's civil-status (hộ tịch) and
  certification (chứng thực) procedures, then land registration and driving
  licences; the receiving agency is one of the procedure's agencies;
- receipt moments over the window with +30 % growth, desk and postal
  dossiers on working days in office hours, online ones any day 06:00–23:00
  (Asia/Ho_Chi_Minh); online share growing from 25 % to 50 %;
- the working calendar of the database (gov.holiday, Monday–Friday, 15:00
  cut-off) gives the effective receipt day and the due date, as
  gov.calendar does;
- outcomes: about 50 % early, 41.5 % on time, 8.5 % late (0.5 % stuck far
  beyond their due date); 2 % rejected, 1 % withdrawn, 0.5 % suspended;
  online drafts never submitted (1 %), supplements requested (4 %, pending
  when recent); states follow from the age: old dossiers are done, recent
  ones received, processing, result ready — so the open late ones are
  overdue;
- dossier codes in the real format <agency code>-<yymmdd>-<nnnn>, numbered
  per agency and local day after the numbers already used (unique); PIN
  and QR token random.
"""
import argparse
import datetime as dt
import json
import math
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import psycopg
from trytond.protocols.jsonrpc import JSONEncoder

SCHEMA = 'bench_gen'
TZ_OFFSET = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving
CUTOFF = '15:00'
STEP_SLOTS = 8  # step ids: base + (n - 1) * STEP_SLOTS + k
BULK_THRESHOLD = 20000
CHUNK = 25000
# Tables filled (their secondary indexes and foreign keys are dropped and
# re-created around a bulk load).
TABLES = ['gov_dossier', 'gov_dossier_step', 'gov_dossier_history',
    '"gov_dossier-gov_agency"', 'gov_notification']

FAMILY = ['Nguyễn'] * 38 + ['Trần'] * 11 + ['Lê'] * 9 + ['Phạm'] * 7 + [
    'Hoàng'] * 4 + ['Huỳnh', 'Phan', 'Phan', 'Vũ', 'Vũ', 'Võ', 'Võ', 'Đặng',
    'Đặng', 'Bùi', 'Bùi', 'Đỗ', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh',
    'Trịnh', 'Mai', 'Hà', 'Lương', 'Y', 'H\'', 'Điểu', 'Thị']
MIDDLE = ['Văn', 'Văn', 'Văn', 'Thị', 'Thị', 'Thị', 'Đức', 'Minh', 'Ngọc',
    'Thanh', 'Hữu', 'Quang', 'Thu', 'Xuân', 'Công', 'Hoài', 'Kim', 'Bảo']
GIVEN = ['An', 'Anh', 'Bình', 'Chi', 'Cường', 'Dũng', 'Dung', 'Giang', 'Hà',
    'Hải', 'Hạnh', 'Hiếu', 'Hoa', 'Hùng', 'Hương', 'Huy', 'Khánh', 'Lan',
    'Linh', 'Long', 'Mai', 'Minh', 'Nam', 'Nga', 'Ngọc', 'Nhung', 'Phúc',
    'Phương', 'Quân', 'Quang', 'Sơn', 'Tâm', 'Thảo', 'Thắng', 'Thủy',
    'Trang', 'Trung', 'Tuấn', 'Tùng', 'Vân', 'Việt', 'Vy', 'Yến', 'Blông',
    'Kông', 'Bia']
STREETS = ['Lê Duẩn', 'Huỳnh Thúc Kháng', 'Trần Hưng Đạo', 'Nguyễn Tất Thành',
    'Quang Trung', 'Lê Thánh Tông', 'Hùng Vương', '23 tháng 3',
    'Thôn 1', 'Thôn 3', 'Bon Bu Prăng', 'Buôn Buôr', 'Tổ dân phố 2']
TOWNS = ['phường Nghĩa Đức, TP Gia Nghĩa', 'phường Nghĩa Tân, TP Gia Nghĩa',
    'xã Đắk Nia, TP Gia Nghĩa', 'thị trấn Đắk Mâm, huyện Krông Nô',
    'thị trấn Ea T\'Ling, huyện Cư Jút', 'xã Quảng Khê, huyện Đắk Glong',
    'thị trấn Đắk Mil, huyện Đắk Mil', 'thị trấn Đức An, huyện Đắk Song',
    'thị trấn Kiến Đức, huyện Đắk R\'lấp', 'xã Đắk Búk So, huyện Tuy Đức']
COMPANIES = ['Công ty TNHH Xây dựng', 'Công ty Cổ phần Cà phê',
    'Hợp tác xã Nông nghiệp', 'Công ty TNHH Thương mại Dịch vụ',
    'Doanh nghiệp tư nhân Vận tải', 'Công ty TNHH Hồ tiêu']
REASONS = {
    'supplement': 'Thiếu bản sao giấy tờ tùy thân; ảnh chụp bị mờ, đề nghị '
        'bổ sung bản rõ nét.',
    'rejected': 'Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.',
    'withdrawn': 'Người nộp đề nghị rút hồ sơ để bổ sung giấy tờ.',
    'suspended': 'Tạm dừng để chờ ý kiến của cơ quan phối hợp.',
    }


class Progress:
    "A progress bar on stderr (one line, redrawn), thread-safe."

    def __init__(self, label, total, stream=sys.stderr, enabled=True):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream, self.enabled = stream, enabled
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self._draw()

    def advance(self, amount):
        with self.lock:
            self.done += amount
            self._draw()

    def _draw(self, final=False):
        if not self.enabled:
            return
        fraction = min(self.done / self.total, 1)
        elapsed = time.monotonic() - self.started
        eta = (elapsed / fraction - elapsed) if fraction > 0 else 0
        bar = '#' * int(fraction * 30)
        tail = f'{elapsed:6.1f}s' if final else f'eta {eta:5.0f}s'
        self.stream.write(f'\r  {self.label:<22} [{bar:<30}] '
            f'{fraction * 100:5.1f}% {self.done:>10,}/{self.total:,} {tail}')
        self.stream.flush()

    def close(self):
        with self.lock:
            self.done = self.total
            self._draw(final=True)
            if self.enabled:
                self.stream.write('\n')
                self.stream.flush()


def connect(conninfo):
    conn = psycopg.connect(conninfo, autocommit=True)
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '256MB'")
    conn.execute("SET work_mem = '64MB'")
    # Parallel query workers compete with the --jobs connections.
    conn.execute("SET max_parallel_workers_per_gather = 0")
    return conn


def table_exists(conn, name):
    return conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()[0] \
        is not None


def reserve_ids(conn, table, count):
    """Return base so that ids base + 1 … base + count are free: the
    table's sequence is moved past them first (a running server keeps
    taking its own ids meanwhile)."""
    sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')",
        (table,)).fetchone()[0]
    with conn.transaction():
        conn.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        top = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}"
            ).fetchone()[0]
        last, called = conn.execute(
            f"SELECT last_value, is_called FROM {sequence}").fetchone()
        base = max(top, last if called else last - 1)
        conn.execute("SELECT setval(%s, %s)", (sequence, base + count))
    return base


def fix_sequence(conn, table):
    sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')",
        (table,)).fetchone()[0]
    conn.execute(f"SELECT setval('{sequence}', GREATEST("
        f"(SELECT COALESCE(MAX(id), 0) FROM {table}), "
        f"(SELECT last_value FROM {sequence}), 1))")


# ------------------------------------------------------------ indexes, FKs

def save_and_drop_ddl(conn, tables):
    """Drop the secondary indexes, unique and foreign-key constraints of
    tables (primary keys stay), keeping their definitions in
    bench_gen.saved_ddl."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.saved_ddl ("
        "id serial PRIMARY KEY, tbl text, kind text, name text, ddl text)")
    rows = []
    for table in tables:
        if not table_exists(conn, table):
            continue
        for name, definition, contype in conn.execute("""
                SELECT conname, pg_get_constraintdef(oid), contype
                FROM pg_constraint
                WHERE conrelid = %s::regclass AND contype IN ('f', 'u')
                ORDER BY contype DESC""", (table,)):
            rows.append((table, 'constraint', name,
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" '
                    f'{definition}'))
        for name, definition in conn.execute("""
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                        WHERE c.conindid = x.indexrelid)""", (table,)):
            rows.append((table, 'index', name, definition))
    with conn.transaction():
        for row in rows:
            conn.execute(f"INSERT INTO {SCHEMA}.saved_ddl "
                "(tbl, kind, name, ddl) VALUES (%s, %s, %s, %s)", row)
        for table, kind, name, _ in rows:
            if kind == 'constraint':
                conn.execute(
                    f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for table, kind, name, _ in rows:
            if kind == 'index':
                conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    return len(rows)


def restore_ddl(conninfo, jobs=2, progress=True):
    """Re-create what save_and_drop_ddl dropped: indexes (in parallel, one
    table per connection), then unique and foreign-key constraints (which
    validate the data)."""
    with connect(conninfo) as conn:
        if not table_exists(conn, f'{SCHEMA}.saved_ddl'):
            return 0
        rows = conn.execute(f"SELECT id, tbl, kind, name, ddl FROM "
            f"{SCHEMA}.saved_ddl ORDER BY id").fetchall()
    if not rows:
        return 0
    bar = Progress('indexes, constraints', len(rows), enabled=progress)
    indexes = [r for r in rows if r[2] == 'index']
    by_table = {}
    for row in indexes:
        by_table.setdefault(row[1], []).append(row)

    def build(table_rows):
        with connect(conninfo) as conn:
            for id_, _, _, name, ddl in table_rows:
                if not conn.execute("SELECT to_regclass(%s)",
                        (f'"{name}"',)).fetchone()[0]:
                    conn.execute(ddl)
                conn.execute(f"DELETE FROM {SCHEMA}.saved_ddl WHERE id = %s",
                    (id_,))
                bar.advance(1)
    # Largest tables first so that the connections finish together.
    ordered = sorted(by_table.values(), key=len, reverse=True)
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(build, ordered))
    with connect(conninfo) as conn:
        for id_, table, kind, name, ddl in rows:
            if kind != 'constraint':
                continue
            exists = conn.execute("SELECT 1 FROM pg_constraint WHERE "
                "conrelid = %s::regclass AND conname = %s",
                (table, name)).fetchone()
            if not exists:
                conn.execute(ddl)
            conn.execute(f"DELETE FROM {SCHEMA}.saved_ddl WHERE id = %s",
                (id_,))
            bar.advance(1)
    bar.close()
    return len(rows)


# ------------------------------------------------------------- reference

def read_reference(conn):
    "Agencies, procedures, their agencies and steps, form fields, holidays."
    agencies = {}
    for id_, code, parent, kind in conn.execute("""
            SELECT a.id, a.code, a.parent, k.code FROM gov_agency a
            JOIN gov_agency_kind k ON k.id = a.kind
            WHERE COALESCE(a.active, TRUE)"""):
        agencies[id_] = {'id': id_, 'code': code, 'parent': parent,
            'kind': kind}
    procedures = {}
    for row in conn.execute("""
            SELECT p.id, p.code, p.name, COALESCE(p.processing_days, 0),
                f.code, s.code
            FROM gov_procedure p
            JOIN gov_field f ON f.id = p.field
            JOIN gov_sector s ON s.id = f.sector
            WHERE p.state = 'published'"""):
        id_, code, name, days, field, sector = row
        procedures[id_] = {'id': id_, 'code': code, 'name': name,
            'days': Decimal(days), 'field': field, 'sector': sector,
            'agencies': [], 'steps': [], 'form': {}}
    for procedure, agency in conn.execute("""
            SELECT pa.procedure, pa.agency FROM "gov_procedure-gov_agency" pa
            ORDER BY pa.procedure, pa.agency"""):
        if procedure in procedures and agency in agencies:
            procedures[procedure]['agencies'].append(agency)
    for row in conn.execute("""
            SELECT id, procedure, kind, name, COALESCE(duration, 0), unit,
                "group"
            FROM gov_procedure_step ORDER BY procedure, sequence, id"""):
        id_, procedure, kind, name, duration, unit, group = row
        if procedure in procedures:
            procedures[procedure]['steps'].append({'id': id_, 'kind': kind,
                    'name': name, 'duration': Decimal(duration),
                    'unit': unit, 'group': group})
    for procedure, name, type_, selection in conn.execute("""
            SELECT procedure, name, type_, selection
            FROM gov_procedure_form_field ORDER BY procedure, sequence"""):
        if procedure in procedures:
            procedures[procedure]['form'][name] = sample_value(
                type_, selection)
    procedures = {k: v for k, v in procedures.items() if v['agencies']}
    holidays = {}
    for day, kind in conn.execute("SELECT date, kind FROM gov_holiday"):
        holidays[day] = kind
    return agencies, procedures, holidays


def sample_value(type_, selection):
    """A value of the eForm type as the portal stores it (typed: a date is
    a date, a number has no decimal a field might refuse), so that the
    dossier's validation accepts it when an officer receives it."""
    if type_ == 'selection':
        first = (selection or '').strip().splitlines()[:1]
        return first[0].split(':', 1)[0].strip() if first else ''
    if type_ == 'date':
        return dt.date(1990, 5, 17)
    if type_ == 'integer':
        return 1
    if type_ == 'numeric':
        return Decimal(1)
    if type_ == 'float':
        return 1.0
    if type_ == 'boolean':
        return True
    return 'Theo giấy tờ kèm theo'


def procedure_weight(procedure, agencies):
    """Relative frequency: commune civil-status and certification procedures
    dominate a province's dossiers, then land and driving licences."""
    kinds = {agencies[a]['kind'] for a in procedure['agencies']}
    if 'commune_committee' in kinds:
        weight = 8.0
    elif 'district_committee' in kinds:
        weight = 2.0
    else:
        weight = 1.0
    field = procedure['field']
    if field.startswith('TP.CT'):
        weight *= 2.5
    elif field.startswith('TP.HT'):
        weight *= 1.5
    elif field.startswith('TNMT.DD'):
        weight *= 3
    elif field.startswith('GTVT.GPLX'):
        weight *= 3
    elif field.startswith('KHDT'):
        weight *= 1.5
    return weight


def level1(agencies, agency_id):
    "The ancestor just under the root (district, department …)."
    agency = agencies.get(agency_id)
    while agency and agency['parent'] and agencies.get(
            agency['parent'], {}).get('parent'):
        agency = agencies[agency['parent']]
    return agency['id'] if agency else None


def step_unit(agencies, step, agency_id):
    """The unit of a step for a dossier received by agency_id: the step's
    own unit, unless it is a unit of another district than the agency's
    (the demo catalogue names Gia Nghĩa's units), then the agency."""
    unit = step['unit']
    if not unit or unit not in agencies:
        return agency_id
    top = level1(agencies, unit)
    if (agencies[top]['kind'] == 'district_committee'
            and top != level1(agencies, agency_id)):
        return agency_id
    return unit


def prepare(conn, agencies, procedures, holidays, start, end):
    "Create the small reference tables of bench_gen used by the SQL."
    s = SCHEMA
    conn.execute(f"""
        CREATE TABLE {s}.proc (pidx int PRIMARY KEY, procedure int,
            code text, name text, pdays numeric, p int, nag int,
            form jsonb, nsteps int);
        CREATE TABLE {s}.proc_bucket (b int PRIMARY KEY, pidx int);
        CREATE TABLE {s}.proc_agency (procedure int, k int, agency int,
            code text, PRIMARY KEY (procedure, k));
        CREATE TABLE {s}.pstep (procedure int, k int, pstep int, name text,
            kind text, grp int, duration numeric, cum int, fs float8,
            fe float8, routed bool, first_routed bool,
            PRIMARY KEY (procedure, k));
        CREATE TABLE {s}.pstep_unit (pstep int, agency int, unit int,
            PRIMARY KEY (pstep, agency));
        CREATE TABLE {s}.day (day date PRIMARY KEY, working bool,
            idx_ge int, idx_gt int);
        CREATE TABLE {s}.wd (idx int PRIMARY KEY, day date);
        -- An organisation's tax code with its check digit (stdnum's
        -- vn.mst), so that the dossier's validation accepts it.
        CREATE OR REPLACE FUNCTION {s}.tax_code(base text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            weights int[] := ARRAY[31, 29, 23, 19, 17, 13, 7, 5, 3];
            total int := 0;
        BEGIN
            FOR i IN 1..9 LOOP
                total := total + substr(base, i, 1)::int * weights[i];
            END LOOP;
            IF total % 11 = 0 THEN  -- no digit fits: change the last one
                base := left(base, 8)
                    || ((right(base, 1)::int + 1) % 10)::text;
                total := total + CASE WHEN right(base, 1) = '0'
                    THEN -27 ELSE 3 END;
            END IF;
            RETURN base || (10 - total % 11)::text;
        END $$;
        """)
    weights = []
    with conn.cursor() as cur:
        for pidx, procedure in enumerate(
                sorted(procedures.values(), key=lambda p: p['code'])):
            days = procedure['days']
            routed = [st for st in procedure['steps']
                if st['kind'] in {'check', 'process', 'approve'}]
            cur.execute(f"INSERT INTO {s}.proc VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (pidx, procedure['id'], procedure['code'], procedure['name'],
                    days, math.ceil(days), len(procedure['agencies']),
                    json.dumps(procedure['form'], cls=JSONEncoder,
                        ensure_ascii=False),
                    len(procedure['steps'])))
            weights.append((pidx, procedure_weight(procedure, agencies)))
            for k, agency in enumerate(procedure['agencies']):
                cur.execute(f"INSERT INTO {s}.proc_agency VALUES "
                    "(%s, %s, %s, %s)",
                    (procedure['id'], k, agency, agencies[agency]['code']))
            total_routed = sum(max(st['duration'], Decimal('0.1'))
                for st in routed) or Decimal(1)
            cumulative, position = Decimal(0), Decimal(0)
            for k, st in enumerate(procedure['steps'], 1):
                cumulative += st['duration']
                fs = fe = None
                if st in routed:
                    fs = float(position / total_routed)
                    position += max(st['duration'], Decimal('0.1'))
                    fe = float(position / total_routed)
                cur.execute(f"INSERT INTO {s}.pstep VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (procedure['id'], k, st['id'], st['name'], st['kind'],
                        st['group'], st['duration'], math.ceil(cumulative),
                        fs, fe, st in routed,
                        bool(routed) and st is routed[0]))
                for agency in procedure['agencies']:
                    cur.execute(f"INSERT INTO {s}.pstep_unit VALUES "
                        "(%s, %s, %s)",
                        (st['id'], agency, step_unit(agencies, st, agency)))
        total = sum(w for _, w in weights)
        buckets, acc, b = [], 0.0, 0
        for pidx, weight in weights:
            acc += weight / total
            while b < 10000 and b < round(acc * 10000):
                buckets.append((b, pidx))
                b += 1
        while b < 10000:
            buckets.append((b, weights[-1][0]))
            b += 1
        cur.executemany(f"INSERT INTO {s}.proc_bucket VALUES (%s, %s)",
            buckets)
        # The working calendar (gov.calendar's rule, Monday–Friday).
        first = start - dt.timedelta(days=15)
        last = end + dt.timedelta(days=400)
        working_days, day = [], first
        while day <= last:
            kind = holidays.get(day)
            working = (day.weekday() < 5 and kind not in {
                    'public_holiday', 'compensatory_day_off'}) or (
                kind == 'makeup_working_day')
            working_days.append((day, working))
            day += dt.timedelta(days=1)
        idx, wd_rows, day_rows = 0, [], []
        for day, working in working_days:
            if working:
                idx += 1
                wd_rows.append((idx, day))
        # idx_ge: first working day >= day; idx_gt: first working day > day
        position = {d: i for i, d in wd_rows}
        ge = idx + 1
        for day, working in reversed(working_days):
            gt = ge
            if working:
                ge = position[day]
            day_rows.append((day, working, ge, gt))
        cur.executemany(f"INSERT INTO {s}.wd VALUES (%s, %s)", wd_rows)
        cur.executemany(f"INSERT INTO {s}.day VALUES (%s, %s, %s, %s)",
            day_rows)
    conn.execute(f"ANALYZE {s}.proc; ANALYZE {s}.proc_bucket; "
        f"ANALYZE {s}.proc_agency; ANALYZE {s}.pstep; "
        f"ANALYZE {s}.pstep_unit; ANALYZE {s}.day; ANALYZE {s}.wd")


# ------------------------------------------------------------------ SQL
# Every statement reads the chunk [lo, hi) of n. Times are computed in the
# province's local time (…_l) and stored as naive UTC, as Tryton does.
RECEIVED_STATES = ('received', 'processing', 'suspended', 'result_ready',
    'done', 'rejected', 'withdrawn')

STAGE_SQL = """
INSERT INTO bench_gen.d0
WITH r AS MATERIALIZED (
    SELECT n, random() AS r_proc, random() AS r_ag, random() AS r_t,
        random() AS r_ch, random() AS r_h, random() AS r_out,
        random() AS r_fac, random() AS r_lag, random() AS r_lagh,
        random() AS r_kind, random() AS r_wu, random() AS r_chk,
        random() AS r_chkh, random() AS r_f, random() AS r_m,
        random() AS r_g, random() AS r_ph, random() AS r_em,
        random() AS r_sex, random() AS r_yob, random() AS r_id,
        random() AS r_addr, random() AS r_town, random() AS r_pin,
        random() AS r_res, random() AS r_co,
        md5(random()::text || n::text || clock_timestamp()::text) AS qr_md5
    FROM generate_series(%(lo)s::int, %(hi)s::int - 1) AS n),
a AS (
    SELECT r.*, pr.pidx, pr.procedure, pr.p, pr.pdays, pa.agency,
        pa.code AS acode,
        (-1 + sqrt(1 + 2 * %(g)s * r.r_t * (1 + %(g)s / 2))) / %(g)s AS t
    FROM r
    JOIN bench_gen.proc_bucket b ON b.b = floor(r.r_proc * 10000)::int
    JOIN bench_gen.proc pr ON pr.pidx = b.pidx
    JOIN bench_gen.proc_agency pa
        ON pa.procedure = pr.procedure AND pa.k = floor(r.r_ag * pr.nag)::int),
b AS (
    SELECT a.*,
        CASE WHEN a.r_ch < 0.25 + 0.25 * a.t THEN 'online'
            WHEN a.r_ch < 0.30 + 0.25 * a.t THEN 'postal'
            ELSE 'desk' END AS channel
    FROM a),
c AS (
    SELECT b.*, LEAST(
            CASE WHEN b.channel = 'online'
                THEN (%(start)s::date + LEAST(floor(b.t * %(ndays)s)::int,
                        %(ndays)s - 1))
                    + make_interval(secs => 6 * 3600 + b.r_h * 17 * 3600)
                ELSE w.day
                    + make_interval(secs => 7.5 * 3600 + b.r_h * 9.5 * 3600)
                END,
            %(now_l)s::timestamp - make_interval(secs => 60 + b.r_h * 1800))
            AS sub_l
    FROM b
    LEFT JOIN bench_gen.wd w ON w.idx = %(wd_lo)s
        + LEAST(floor(b.t * %(wd_n)s)::int, %(wd_n)s - 1)),
d AS (
    SELECT c.*, dy.idx_gt, dy.working,
        CASE WHEN c.sub_l::time < %(cutoff)s::time THEN dy.idx_ge
            ELSE dy.idx_gt END AS eff_idx
    FROM c JOIN bench_gen.day dy ON dy.day = c.sub_l::date),
e AS (
    SELECT d.*,
        CASE WHEN d.channel = 'desk' THEN d.sub_l
            WHEN d.working AND d.sub_l::time < '13:00'::time
                AND d.r_chk < 0.5
                THEN d.sub_l + make_interval(secs => 1800 + d.r_chkh * 10800)
            ELSE wg.day + make_interval(secs => 27000 + d.r_chkh * 27000)
            END AS chk_l,
        d.eff_idx + d.p AS due_idx,
        CASE WHEN d.channel = 'online' AND d.r_out < 0.01 THEN 'draft'
            WHEN d.channel <> 'desk' AND d.r_out >= 0.01 AND d.r_out < 0.05
                THEN 'supplement'
            WHEN d.r_out >= 0.05 AND d.r_out < 0.07 THEN 'rejected'
            WHEN d.r_out >= 0.07 AND d.r_out < 0.08 THEN 'withdrawn'
            WHEN d.r_out >= 0.08 AND d.r_out < 0.085 THEN 'suspended'
            ELSE 'normal' END AS outcome,
        CASE WHEN d.r_out >= 0.05 AND d.r_out < 0.07
                THEN floor(d.p * 0.3 * d.r_fac)::int
            WHEN d.r_out >= 0.07 AND d.r_out < 0.08
                THEN floor(d.p * 0.6 * d.r_fac)::int
            WHEN d.r_fac < 0.52
                THEN floor(d.p * (0.1 + 0.85 * d.r_fac / 0.52))::int
            WHEN d.r_fac < 0.915 THEN d.p
            WHEN d.r_fac < 0.995
                THEN d.p + 1 + floor(d.p * 1.5 * (d.r_fac - 0.915) / 0.08)::int
            ELSE d.p + 6
                + floor(d.p * (3 + 7 * (d.r_fac - 0.995) / 0.005))::int
            END AS off
    FROM d LEFT JOIN bench_gen.wd wg ON wg.idx = d.idx_gt),
f AS (
    SELECT e.*, e.eff_idx + e.off AS comp_idx,
        CASE
            WHEN e.outcome = 'draft' THEN 'draft'
            WHEN e.outcome = 'supplement'
                AND e.sub_l > %(now_l)s::timestamp - interval '20 days'
                THEN 'supplement'
            WHEN e.chk_l > %(now_l)s::timestamp THEN 'submitted'
            WHEN e.eff_idx + e.off < %(today_idx)s THEN
                CASE e.outcome WHEN 'rejected' THEN 'rejected'
                    WHEN 'withdrawn' THEN 'withdrawn'
                    ELSE 'completed' END
            WHEN e.outcome = 'suspended' THEN 'suspended'
            WHEN %(today_idx)s <= e.eff_idx THEN 'received'
            ELSE 'processing' END AS st0
    FROM e),
h AS (
    SELECT f.*, GREATEST(
            wc.day + make_interval(secs => 28800 + f.r_lagh * 30600),
            f.chk_l + interval '20 minutes') AS comp_l
    FROM f LEFT JOIN bench_gen.wd wc ON wc.idx = f.comp_idx
        AND f.st0 IN ('completed', 'rejected', 'withdrawn')),
i AS (
    SELECT h.*,
        h.comp_l + CASE WHEN h.r_lag < 0.45
                THEN make_interval(secs => 600 + h.r_lag * 21600)
            WHEN h.r_lag < 0.85
                THEN make_interval(days => 1 + floor((h.r_lag - 0.45) * 7.5)::int)
            ELSE make_interval(days => 3 + floor((h.r_lag - 0.85) * 53)::int)
            END AS ret_l
    FROM h),
j AS (
    SELECT i.*,
        CASE WHEN i.st0 = 'completed' THEN
            CASE WHEN i.ret_l <= %(now_l)s::timestamp THEN 'done'
                ELSE 'result_ready' END
            ELSE i.st0 END AS state,
        CASE WHEN i.st0 IN ('processing', 'suspended') THEN LEAST(0.999,
                (%(today_idx)s - i.eff_idx + 0.5) / (i.off + 1.0))
            ELSE 0 END AS prog
    FROM i)
SELECT j.n, %(dbase)s + j.n, j.pidx, j.procedure, j.p, j.pdays, j.agency,
    j.acode, j.channel, j.r_kind < 0.08,
    CASE WHEN j.channel = 'online'
        THEN %(wbase)s + 1 + floor(j.r_wu * %(nweb)s)::int END,
    j.sub_l, j.chk_l, j.eff_idx, j.due_idx, wdue.day, j.outcome, j.off,
    j.comp_idx,
    CASE WHEN j.state IN ('result_ready', 'done', 'rejected', 'withdrawn')
        THEN j.comp_l END,
    CASE WHEN j.state = 'done' THEN j.ret_l END,
    j.state,
    CASE WHEN j.state IN ('result_ready', 'done') THEN
        CASE WHEN j.comp_l::date < wdue.day THEN 'early'
            WHEN j.comp_l::date = wdue.day THEN 'on_time'
            ELSE 'late' END END,
    j.prog,
    CASE WHEN j.state = 'suspended' THEN GREATEST(j.chk_l,
        %(now_l)s::timestamp - make_interval(secs => j.r_lagh * 432000)) END,
    -- the unit that holds the dossier (k of the procedure's steps)
    CASE WHEN j.state IN ('processing', 'suspended') THEN COALESCE(
            (SELECT ps.k FROM bench_gen.pstep ps
                WHERE ps.procedure = j.procedure AND ps.routed
                    AND j.prog >= ps.fs AND j.prog < ps.fe
                ORDER BY ps.k LIMIT 1),
            (SELECT max(ps.k) FROM bench_gen.pstep ps
                WHERE ps.procedure = j.procedure AND ps.routed))
        WHEN j.state IN ('result_ready', 'done') THEN
            (SELECT max(ps.k) FROM bench_gen.pstep ps
                WHERE ps.procedure = j.procedure AND ps.kind = 'return')
        WHEN j.state IN ('received', 'rejected', 'withdrawn') THEN
            (SELECT min(ps.k) FROM bench_gen.pstep ps
                WHERE ps.procedure = j.procedure AND ps.first_routed)
        END,
    -- applicant
    (%(family)s::text[])[1 + floor(j.r_f * %(nfamily)s)::int] || ' '
        || (%(middle)s::text[])[1 + floor(j.r_m * %(nmiddle)s)::int] || ' '
        || (%(given)s::text[])[1 + floor(j.r_g * %(ngiven)s)::int],
    CASE WHEN j.r_kind < 0.08 THEN
        (%(companies)s::text[])[1 + floor(j.r_co * %(ncompanies)s)::int]
        || ' ' || (%(given)s::text[])[1 + floor(j.r_m * %(ngiven)s)::int]
        END,
    CASE WHEN j.r_kind < 0.08 THEN
        bench_gen.tax_code('6400'
            || lpad((1 + floor(j.r_id * 99999))::int::text, 5, '0')) END,
    '067' || (CASE WHEN j.r_yob < 0.85 THEN 0 ELSE 2 END
            + CASE WHEN j.r_sex < 0.5 THEN 0 ELSE 1 END)::text
        || lpad((CASE WHEN j.r_yob < 0.85 THEN 40 + floor(j.r_yob * 70)
                ELSE floor((j.r_yob - 0.85) * 40) END)::int::text, 2, '0')
        || lpad(floor(j.r_id * 1000000)::text, 6, '0'),
    CASE WHEN j.r_ph < 0.8 THEN
        (ARRAY['09', '03', '08', '07'])[1 + floor(j.r_ph * 5)::int]
        || lpad(floor(j.r_chkh * 100000000)::text, 8, '0') END,
    CASE WHEN j.r_em < 0.3 THEN 'nguoidan' || j.n::text || '.'
        || %(tag)s || '@example.vn' END,
    (1 + floor(j.r_addr * 200))::int::text || ' '
        || (%(streets)s::text[])[1 + floor(j.r_addr * %(nstreets)s)::int]
        || ', ' || (%(towns)s::text[])[1 + floor(j.r_town * %(ntowns)s)::int],
    lpad(floor(j.r_pin * 1000000)::text, 6, '0'),
    translate(rtrim(encode(decode(j.qr_md5, 'hex'), 'base64'), '='),
        '+/', '-_'),
    CASE WHEN j.r_res < 0.3 AND j.channel = 'online' THEN 'electronic'
        ELSE 'paper' END
FROM j LEFT JOIN bench_gen.wd wdue ON wdue.idx = j.due_idx
"""

D0_COLUMNS = """n int, id int, pidx int, procedure int, p int, pdays numeric,
    agency int, acode text, channel text, org bool, web_user int,
    sub_l timestamp, chk_l timestamp, eff_idx int, due_idx int,
    due_date date, outcome text, off int, comp_idx int, comp_l timestamp,
    ret_l timestamp, state text, timeliness text, prog float8,
    susp_l timestamp, unit_k int, person text, company text, taxcode text,
    idnum text, phone text, email text, address text, pin text, qr text,
    result_type text"""

# The steps of the dossiers of the chunk, as the workflow leaves them.
STEPS_SQL = """
SELECT d.n, d.id, d.state, d.web_user, ps.k, ps.pstep, ps.kind, ps.routed,
    ps.first_routed, ps.name, ps.grp, ps.duration,
    COALESCE(pu.unit, d.agency) AS unit,
    CASE WHEN ps.kind = 'return' THEN d.due_date
        ELSE LEAST(wst.day, d.due_date) END AS due,
    CASE
        WHEN ps.kind = 'receive' THEN 'done'
        WHEN d.state IN ('rejected', 'withdrawn') THEN 'cancelled'
        WHEN ps.kind = 'return' THEN CASE d.state WHEN 'done' THEN 'done'
            WHEN 'result_ready' THEN 'running' ELSE 'waiting' END
        WHEN NOT ps.routed THEN 'waiting'
        WHEN d.state IN ('done', 'result_ready') THEN 'done'
        WHEN d.state IN ('processing', 'suspended') THEN
            CASE WHEN ps.fe <= d.prog THEN 'done'
                WHEN ps.fs <= d.prog THEN 'running' ELSE 'waiting' END
        ELSE 'waiting' END AS st,
    CASE
        WHEN ps.kind = 'receive' THEN d.sub_l
        WHEN d.state IN ('rejected', 'withdrawn') THEN NULL
        WHEN ps.kind = 'return' THEN CASE WHEN d.state IN ('done',
            'result_ready') THEN d.comp_l END
        WHEN NOT ps.routed THEN NULL
        WHEN d.state IN ('done', 'result_ready')
            THEN d.chk_l + (d.comp_l - d.chk_l) * ps.fs
        WHEN d.state IN ('processing', 'suspended') AND ps.fs <= d.prog
            THEN d.chk_l + (%(now_l)s::timestamp - d.chk_l)
                * (ps.fs / d.prog)
        END AS st_start,
    CASE
        WHEN ps.kind = 'receive' THEN d.sub_l
        WHEN d.state IN ('rejected', 'withdrawn') THEN NULL
        WHEN ps.kind = 'return' THEN d.ret_l
        WHEN NOT ps.routed THEN NULL
        WHEN d.state IN ('done', 'result_ready')
            THEN d.chk_l + (d.comp_l - d.chk_l) * ps.fe
        WHEN d.state IN ('processing', 'suspended') AND ps.fe <= d.prog
            THEN d.chk_l + (%(now_l)s::timestamp - d.chk_l)
                * (ps.fe / d.prog)
        END AS st_end,
    d.timeliness, d.chk_l
FROM bench_gen.d d
JOIN bench_gen.pstep ps ON ps.procedure = d.procedure
LEFT JOIN bench_gen.pstep_unit pu
    ON pu.pstep = ps.pstep AND pu.agency = d.agency
LEFT JOIN bench_gen.wd wst ON wst.idx = d.eff_idx + ps.cum
WHERE d.n >= %(lo)s AND d.n < %(hi)s
    AND d.state IN ('received', 'processing', 'suspended', 'result_ready',
        'done', 'rejected', 'withdrawn')
"""

DOSSIER_SQL = """
INSERT INTO gov_dossier (id, agency, applicant_address, applicant_email,
    applicant_id_number, applicant_kind, applicant_name, applicant_phone,
    applicant_tax_code, backfilled, channel, code, code_date, code_key,
    code_sequence, completed_date, create_date, create_uid, current_unit,
    due_date, form_data, pin, procedure, processing_days, qr_token,
    received_date, rejection_reason, result_note, result_type,
    return_method, returned_date, state, submitted_date, submitter_name,
    supplement_reason, suspended_date, suspended_days, suspended_from,
    suspension_reason, timeliness, web_user, withdrawal_reason, write_date,
    write_uid)
SELECT d.id, d.agency, d.address, d.email, d.idnum,
    CASE WHEN d.org THEN 'organisation' ELSE 'citizen' END,
    COALESCE(d.company, d.person), d.phone, d.taxcode, FALSE, d.channel,
    d.code,
    CASE WHEN d.seq IS NOT NULL THEN d.sub_l::date END,
    CASE WHEN d.seq IS NOT NULL THEN d.acode END,
    d.seq,
    CASE WHEN d.state IN ('result_ready', 'done') THEN d.comp_l - %(tz)s END,
    d.sub_l - %(tz)s, 0,
    CASE WHEN d.state = ANY(%(received)s::text[]) THEN COALESCE(pu.unit, d.agency) END,
    CASE WHEN d.state = ANY(%(received)s::text[]) THEN d.due_date END,
    pr.form, d.pin, d.procedure,
    CASE WHEN d.state = ANY(%(received)s::text[]) THEN d.pdays END,
    d.qr,
    CASE WHEN d.state = ANY(%(received)s::text[]) THEN d.sub_l - %(tz)s END,
    CASE WHEN d.state = 'rejected' THEN %(reason_rejected)s END,
    CASE WHEN d.state IN ('result_ready', 'done')
        THEN 'Kết quả số ' || d.n::text || '/QĐ' END,
    CASE WHEN d.state <> 'draft' THEN d.result_type END,
    CASE WHEN d.state = 'done' THEN
        CASE WHEN d.result_type = 'electronic' THEN 'online'
            WHEN d.channel = 'postal' THEN 'postal' ELSE 'desk' END END,
    d.ret_l - %(tz)s,
    d.state,
    CASE WHEN d.channel <> 'desk' AND d.state <> 'draft'
        THEN d.sub_l - %(tz)s END,
    CASE WHEN d.org THEN d.person END,
    CASE WHEN d.state = 'supplement' THEN %(reason_supplement)s END,
    d.susp_l - %(tz)s, 0,
    CASE WHEN d.state = 'suspended' THEN 'processing' END,
    CASE WHEN d.state = 'suspended' THEN %(reason_suspended)s END,
    d.timeliness, d.web_user,
    CASE WHEN d.state = 'withdrawn' THEN %(reason_withdrawn)s END,
    COALESCE(d.ret_l, d.comp_l, d.susp_l, LEAST(d.chk_l, %(now_l)s), d.sub_l)
        - %(tz)s,
    0
FROM bench_gen.d d
JOIN bench_gen.proc pr ON pr.pidx = d.pidx
LEFT JOIN bench_gen.pstep ps ON ps.procedure = d.procedure AND ps.k = d.unit_k
LEFT JOIN bench_gen.pstep_unit pu
    ON pu.pstep = ps.pstep AND pu.agency = d.agency
WHERE d.n >= %(lo)s AND d.n < %(hi)s
"""

STEP_INSERT_SQL = """
INSERT INTO gov_dossier_step (id, create_date, create_uid, dossier, due_date,
    duration, end_date, "group", kind, name, procedure_step, sequence,
    start_date, state, timeliness, unit, write_date, write_uid)
SELECT %(sbase)s + (s.n - 1) * {slots} + s.k, s.chk_l - %(tz)s, 0, s.id,
    s.due, s.duration, s.st_end - %(tz)s, s.grp, s.kind, s.name, s.pstep,
    s.k * 100, s.st_start - %(tz)s, s.st,
    CASE WHEN s.st = 'done' AND s.kind <> 'receive'
        THEN COALESCE(s.timeliness, 'early')
        WHEN s.kind = 'receive' THEN 'early' END,
    s.unit, COALESCE(s.st_end, s.st_start, s.chk_l) - %(tz)s, 0
FROM ({steps}) s
""".format(slots=STEP_SLOTS, steps=STEPS_SQL)

INVOLVED_SQL = """
INSERT INTO "gov_dossier-gov_agency" (create_date, create_uid, dossier, agency)
SELECT DISTINCT ON (s.id, s.unit) s.chk_l - %(tz)s, 0, s.id, s.unit
FROM ({steps}) s
WHERE s.routed AND (s.st_start IS NOT NULL OR s.first_routed)
""".format(steps=STEPS_SQL)

HISTORY_SQL = """
INSERT INTO gov_dossier_history (create_date, create_uid, date, dossier,
    event, from_state, public, reason, step_name, to_state, unit, "user",
    web_user, write_date, write_uid)
SELECT h.date - %(tz)s, 0, h.date - %(tz)s, h.dossier, h.event, h.from_state,
    h.public, h.reason, h.step_name, h.to_state, h.unit, NULL, h.web_user,
    h.date - %(tz)s, 0
FROM (
    SELECT d.sub_l AS date, d.id AS dossier, 'submitted' AS event,
        'draft' AS from_state, TRUE AS public, NULL AS reason,
        NULL AS step_name, 'submitted' AS to_state, NULL::int AS unit,
        d.web_user
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s AND d.channel <> 'desk'
        AND d.state <> 'draft'
    UNION ALL
    SELECT LEAST(d.chk_l, %(now_l)s), d.id, 'supplement', 'submitted', TRUE,
        %(reason_supplement)s, NULL, 'supplement', NULL, NULL
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s AND d.state = 'supplement'
    UNION ALL
    SELECT d.chk_l, d.id, 'received',
        CASE WHEN d.channel = 'desk' THEN 'draft' ELSE 'submitted' END,
        TRUE, NULL, NULL, 'received', d.agency, NULL
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s AND d.state = ANY(%(received)s::text[])
    UNION ALL
    SELECT s.st_start,  s.id,
        CASE WHEN s.first_routed THEN 'processing' ELSE 'forwarded' END,
        CASE WHEN s.first_routed THEN 'received' ELSE 'processing' END,
        TRUE, NULL, s.name, 'processing', s.unit, NULL
    FROM ({steps}) s
    WHERE s.routed AND s.st_start IS NOT NULL
    UNION ALL
    SELECT d.comp_l, d.id, 'result_ready', 'processing', TRUE, NULL, NULL,
        'result_ready', d.agency, NULL
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s
        AND d.state IN ('result_ready', 'done')
    UNION ALL
    SELECT d.ret_l, d.id, 'done', 'result_ready', TRUE, NULL, NULL, 'done',
        d.agency, NULL
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s AND d.state = 'done'
    UNION ALL
    SELECT d.comp_l, d.id, d.state, 'received', TRUE,
        CASE d.state WHEN 'rejected' THEN %(reason_rejected)s
            ELSE %(reason_withdrawn)s END,
        NULL, d.state, d.agency, NULL
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s
        AND d.state IN ('rejected', 'withdrawn')
    UNION ALL
    SELECT d.susp_l, d.id, 'suspended', 'processing', TRUE,
        %(reason_suspended)s, NULL, 'suspended', d.agency, NULL
    FROM bench_gen.d d
    WHERE d.n >= %(lo)s AND d.n < %(hi)s AND d.state = 'suspended'
    ) h
""".format(steps=STEPS_SQL)

NOTIFICATION_SQL = """
INSERT INTO gov_notification (attempts, body, channel, create_date,
    create_uid, dossier, kind, last_attempt_date, read_date, recipient,
    sent_date, state, subject, web_user, gateway, write_date, write_uid)
SELECT 1, x.body, x.channel, x.date - %(tz)s, 0, x.dossier, x.kind,
    x.date - %(tz)s,
    CASE WHEN x.channel = 'portal' AND random() < 0.6
        THEN x.date - %(tz)s + interval '1 day' END,
    x.recipient, x.date - %(tz)s, 'sent', x.subject,
    CASE WHEN x.channel = 'portal' THEN x.web_user END,
    CASE x.channel WHEN 'sms' THEN 'fake' WHEN 'email' THEN 'smtp'
        ELSE NULL END,
    x.date - %(tz)s, 0
FROM (
    SELECT e.date, d.id AS dossier, e.kind, ch.channel, d.web_user,
        CASE ch.channel WHEN 'sms' THEN d.phone WHEN 'email' THEN d.email
            END AS recipient,
        'Hồ sơ ' || COALESCE(d.code, '') || ': ' || e.title AS subject,
        'Kính gửi ' || d.person || '. Hồ sơ ' || COALESCE(d.code, '') || ' '
            || e.title
            || ' lúc ' || to_char(e.date, 'HH24:MI DD/MM/YYYY')
            || CASE WHEN e.kind = 'valid' THEN '. Ngày hẹn trả kết quả: '
                || to_char(d.due_date, 'DD/MM/YYYY') ELSE '' END
            || '. Tra cứu tại https://dichvucong.daknong.gov.vn/tra-cuu.'
            AS body
    FROM bench_gen.d d
    CROSS JOIN LATERAL (VALUES
        ('received', d.sub_l, 'đã được tiếp nhận trực tuyến',
            d.channel <> 'desk' AND d.state NOT IN ('draft')),
        ('valid', d.chk_l, 'hợp lệ, đã được tiếp nhận xử lý',
            d.state = ANY(%(received)s::text[])),
        ('invalid', LEAST(d.chk_l, %(now_l)s), 'cần bổ sung, sửa đổi',
            d.state = 'supplement'),
        ('result', d.comp_l, 'đã có kết quả',
            d.state IN ('result_ready', 'done')),
        ('refused', d.comp_l, 'không được giải quyết',
            d.state = 'rejected')) AS e(kind, date, title, wanted)
    CROSS JOIN (VALUES ('portal'), ('sms'), ('email')) AS ch(channel)
    WHERE d.n >= %(lo)s AND d.n < %(hi)s AND e.wanted
        AND CASE ch.channel WHEN 'portal' THEN d.web_user IS NOT NULL
            WHEN 'sms' THEN d.phone IS NOT NULL
            ELSE d.email IS NOT NULL END
    ) x
"""

# A quarter of the dossiers done or refused rated within three days of the
# result (the channel: the kiosk without an account), mostly satisfied;
# half of them with the three details, mostly as the overall rating.
RATED_SHARE = 0.25
RATING_SQL = """
INSERT INTO gov_rating (dossier, agency, procedure, web_user, channel,
    overall, convenience, timeliness, attitude, rated_at, create_date,
    create_uid)
SELECT v.id, v.agency, v.procedure,
    CASE WHEN v.channel = 'kiosk' THEN NULL ELSE v.web_user END, v.channel,
    v.overall, v.detail[1], v.detail[2], v.detail[3], v.at, v.at, 0
FROM (
    SELECT g.id, g.agency, g.procedure, g.web_user,
        CASE WHEN g.web_user IS NULL THEN 'kiosk'
            WHEN random() < 0.6 THEN 'notification' ELSE 'portal'
            END AS channel,
        o.overall,
        CASE WHEN random() < 0.5 THEN ARRAY(
            SELECT CASE WHEN random() < 0.8 THEN o.overall
                ELSE (ARRAY['very_satisfied', 'satisfied',
                    'unsatisfied'])[1 + floor(random() * 3)::int] END
            FROM generate_series(1, 3) k(i)) END AS detail,
        LEAST(COALESCE(g.returned_date, g.completed_date)
            + random() * interval '3 days', %(now)s) AS at
    FROM gov_dossier g
    -- g.id makes the draw one per dossier, not one per statement.
    CROSS JOIN LATERAL (SELECT CASE WHEN g.id IS NULL THEN NULL
        WHEN random() < 0.70 THEN 'very_satisfied'
        WHEN random() < 0.85 THEN 'satisfied'
        ELSE 'unsatisfied' END AS overall) o
    WHERE g.id >= %(lo)s AND g.id < %(hi)s
        AND g.state IN ('done', 'rejected')
        AND COALESCE(g.returned_date, g.completed_date) IS NOT NULL
        AND random() < %(rated)s
    ) v
"""

WEB_USER_SQL = """
INSERT INTO web_user (id, active, create_date, create_uid, email,
    email_valid, full_name, identification_number, phone, address,
    write_date, write_uid)
SELECT %(wbase)s + k, TRUE, %(now)s, 0,
    'congdan' || k::text || '.' || %(tag)s || '@example.vn', TRUE,
    (%(family)s::text[])[1 + floor(random() * %(nfamily)s)::int] || ' '
        || (%(middle)s::text[])[1 + floor(random() * %(nmiddle)s)::int]
        || ' ' || (%(given)s::text[])[1 + floor(random() * %(ngiven)s)::int],
    '067' || (floor(random() * 2))::int::text
        || lpad((40 + floor(random() * 60))::int::text, 2, '0')
        || lpad(floor(random() * 1000000)::text, 6, '0'),
    '09' || lpad(floor(random() * 100000000)::text, 8, '0'),
    (%(towns)s::text[])[1 + floor(random() * %(ntowns)s)::int],
    %(now)s, 0
FROM generate_series(%(lo)s::int, %(hi)s::int - 1) AS k
"""

NUMBER_SQL = """
CREATE UNLOGGED TABLE bench_gen.d AS
SELECT x.*, CASE WHEN x.seq IS NOT NULL THEN x.acode || '-'
        || to_char(x.sub_l, 'YYMMDD') || '-'
        || CASE WHEN x.seq < 10000 THEN lpad(x.seq::text, 4, '0')
            ELSE x.seq::text END END AS code
FROM (
    SELECT o.*, CASE WHEN o.state <> 'draft'
            THEN o.rn + COALESCE(m.top, 0) END AS seq
    FROM (
        SELECT d0.*, row_number() OVER (
                PARTITION BY d0.acode, d0.sub_l::date, d0.state = 'draft'
                ORDER BY d0.sub_l, d0.n) AS rn
        FROM bench_gen.d0 d0) o
    LEFT JOIN (
        SELECT code_key, code_date, max(code_sequence) AS top
        FROM gov_dossier WHERE code_key IS NOT NULL GROUP BY 1, 2) m
        ON m.code_key = o.acode AND m.code_date = o.sub_l::date
    ) x
"""


class Runner:
    "Runs one SQL statement per chunk of n on `jobs` connections."

    def __init__(self, conninfo, jobs, progress):
        self.conninfo, self.jobs, self.progress = conninfo, jobs, progress
        self.local = threading.local()
        self.connections = []
        self.lock = threading.Lock()

    def connection(self):
        conn = getattr(self.local, 'conn', None)
        if conn is None:
            conn = self.local.conn = connect(self.conninfo)
            with self.lock:
                self.connections.append(conn)
        return conn

    def run(self, label, sql, params, total, chunk=CHUNK, first=1):
        "Execute sql for lo, hi over [first, first + total); return rows."
        bar = Progress(label, total, enabled=self.progress)
        ranges = [(lo, min(lo + chunk, first + total))
            for lo in range(first, first + total, chunk)]
        rows = [0]

        def one(bounds):
            lo, hi = bounds
            cur = self.connection().execute(sql, dict(params, lo=lo, hi=hi))
            with self.lock:
                rows[0] += max(cur.rowcount, 0)
            bar.advance(hi - lo)
        with ThreadPoolExecutor(self.jobs) as pool:
            for _ in pool.map(one, ranges):
                pass
        bar.close()
        return rows[0]

    def close(self):
        for conn in self.connections:
            conn.close()


def conninfo_for(database, uri=None):
    from bench.config import database_uri
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(uri or database_uri())
    return urlunsplit(parts._replace(scheme='postgresql',
            path='/' + database))


def reset(conninfo):
    """Empty the tables the generator fills — only in a database the
    generator filled (bench_gen.meta) or without any dossier yet: never a
    database with real dossiers."""
    with connect(conninfo) as conn:
        generated = table_exists(conn, f'{SCHEMA}.meta')
        if not generated and conn.execute(
                "SELECT EXISTS (SELECT 1 FROM gov_dossier)").fetchone()[0]:
            raise SystemExit('The database has dossiers the generator did '
                'not create: refusing to empty it (use --append, or a '
                'bench database).')
        conn.execute("TRUNCATE gov_dossier, web_user, "
            "gov_portal_lookup_attempt CASCADE")
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def generated_count(conninfo):
    "Dossiers generated so far in this database (bench_gen.meta)."
    with connect(conninfo) as conn:
        if not table_exists(conn, f'{SCHEMA}.meta'):
            return 0
        return conn.execute(
            f"SELECT COALESCE(sum(dossiers), 0) FROM {SCHEMA}.meta"
            ).fetchone()[0]


def generate(conninfo, dossiers, years=3, seed=7, jobs=2, progress=True,
        bulk=None, log=print):
    """Add `dossiers` dossiers (and their children) to the database.
    Return a dict of counts and timings."""
    started = time.monotonic()
    timings = {}
    if bulk is None:
        bulk = dossiers >= BULK_THRESHOLD
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    now_l = now + TZ_OFFSET
    today = now_l.date()
    start = today - dt.timedelta(days=round(365.25 * years))
    tag = '%08x' % (int(time.time() * 1000) & 0xffffffff)
    stats = {'dossiers': dossiers, 'years': years, 'seed': seed,
        'jobs': jobs, 'bulk': bulk}
    # A previous run interrupted before its indexes came back: repair.
    restore_ddl(conninfo, jobs=jobs, progress=progress)
    with connect(conninfo) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.meta (
            id serial PRIMARY KEY, dossiers int, years numeric, seed int,
            tag text, generated_at timestamp, seconds float8,
            stats jsonb)""")
        for name in ['d0', 'd', 'proc', 'proc_bucket', 'proc_agency',
                'pstep', 'pstep_unit', 'day', 'wd']:
            conn.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{name}")
        agencies, procedures, holidays = read_reference(conn)
        if not procedures:
            raise SystemExit('No published procedure with agencies: run '
                'python -m gov_server.setup_db --no-demo first.')
        prepare(conn, agencies, procedures, holidays, start, today)
        wd_lo = conn.execute(f"SELECT idx_ge FROM {SCHEMA}.day WHERE day = %s",
            (start,)).fetchone()[0]
        today_idx = conn.execute(
            f"SELECT idx_ge FROM {SCHEMA}.day WHERE day = %s",
            (today,)).fetchone()[0]
        today_working = conn.execute(
            f"SELECT working FROM {SCHEMA}.day WHERE day = %s",
            (today,)).fetchone()[0]
        wd_n = max(1, today_idx - wd_lo + (1 if today_working else 0))
        conn.execute(f"CREATE UNLOGGED TABLE {SCHEMA}.d0 ({D0_COLUMNS})")
        conn.execute("SELECT setseed(%s)", (((seed % 1000) / 1000.0),))
        nweb = max(10, math.ceil(dossiers * 0.45 / 3))
        dbase = reserve_ids(conn, 'gov_dossier', dossiers)
        sbase = reserve_ids(conn, 'gov_dossier_step', dossiers * STEP_SLOTS)
        wbase = reserve_ids(conn, 'web_user', nweb)
        has_notification = table_exists(conn, 'gov_notification')
        has_rating = table_exists(conn, 'gov_rating')
        dropped = 0
        if bulk:
            dropped = save_and_drop_ddl(conn, [t for t in TABLES
                    if t != 'gov_notification' or has_notification])
    timings['prepare'] = time.monotonic() - started
    params = {
        'g': 0.3, 'start': start, 'ndays': (today - start).days + 1,
        'wd_lo': wd_lo, 'wd_n': wd_n, 'today_idx': today_idx,
        'now_l': now_l, 'now': now, 'cutoff': CUTOFF, 'tz': TZ_OFFSET,
        'dbase': dbase, 'sbase': sbase, 'wbase': wbase, 'nweb': nweb,
        'tag': tag, 'received': list(RECEIVED_STATES), 'rated': RATED_SHARE,
        'family': FAMILY, 'nfamily': len(FAMILY),
        'middle': MIDDLE, 'nmiddle': len(MIDDLE),
        'given': GIVEN, 'ngiven': len(GIVEN),
        'companies': COMPANIES, 'ncompanies': len(COMPANIES),
        'streets': STREETS, 'nstreets': len(STREETS),
        'towns': TOWNS, 'ntowns': len(TOWNS),
        'reason_supplement': REASONS['supplement'],
        'reason_rejected': REASONS['rejected'],
        'reason_withdrawn': REASONS['withdrawn'],
        'reason_suspended': REASONS['suspended'],
        }
    runner = Runner(conninfo, jobs, progress)
    counts = {}

    def phase(name, label, sql, total, **kw):
        t0 = time.monotonic()
        counts[name] = runner.run(label, sql, params, total, **kw)
        timings[name] = time.monotonic() - t0

    try:
        phase('web_users', 'citizen accounts', WEB_USER_SQL, nweb)
        phase('staging', 'dossier plan', STAGE_SQL, dossiers)
        t0 = time.monotonic()
        with connect(conninfo) as conn:
            conn.execute(NUMBER_SQL)
            conn.execute(f"ALTER TABLE {SCHEMA}.d ADD PRIMARY KEY (n)")
            conn.execute(f"DROP TABLE {SCHEMA}.d0")
            conn.execute(f"ANALYZE {SCHEMA}.d")
        timings['numbering'] = time.monotonic() - t0
        phase('dossiers', 'dossiers', DOSSIER_SQL, dossiers)
        phase('steps', 'steps', STEP_INSERT_SQL, dossiers)
        t0 = time.monotonic()
        with connect(conninfo) as conn:
            cur = conn.execute(f"""
                UPDATE gov_dossier g SET current_step = %(sbase)s
                    + (d.n - 1) * {STEP_SLOTS} + d.unit_k
                FROM {SCHEMA}.d d
                WHERE g.id = d.id AND d.unit_k IS NOT NULL
                    AND d.state IN ('processing', 'suspended',
                        'result_ready')""", params)
            counts['current_steps'] = cur.rowcount
        timings['current_steps'] = time.monotonic() - t0
        phase('involved', 'involved agencies', INVOLVED_SQL, dossiers)
        phase('history', 'history', HISTORY_SQL, dossiers)
        if has_notification:
            phase('notifications', 'notifications', NOTIFICATION_SQL,
                dossiers)
        else:
            log('   gov.notification is not installed: no notification')
    finally:
        runner.close()
    t0 = time.monotonic()
    if bulk:
        restore_ddl(conninfo, jobs=jobs, progress=progress)
    timings['indexes'] = time.monotonic() - t0
    # After the dossiers' keys are back: the ratings refer to them.
    if has_rating:
        runner = Runner(conninfo, jobs, progress)
        try:
            phase('ratings', 'ratings', RATING_SQL, dossiers, first=dbase)
        finally:
            runner.close()
    else:
        log('   gov.rating is not installed: no rating')
        counts['ratings'] = 0
    t0 = time.monotonic()
    with connect(conninfo) as conn:
        for table in ['gov_dossier', 'gov_dossier_step', 'web_user',
                'gov_dossier_history', '"gov_dossier-gov_agency"'] + (
                    ['gov_notification'] if has_notification else []):
            fix_sequence(conn, table)
        conn.execute(f"DROP TABLE IF EXISTS {SCHEMA}.d")
    vacuum(conninfo, has_notification, has_rating, jobs)
    timings['analyze'] = time.monotonic() - t0
    seconds = time.monotonic() - started
    stats.update(counts=counts, timings={k: round(v, 1)
            for k, v in timings.items()}, seconds=round(seconds, 1),
        rate=round(dossiers / seconds), dropped_ddl=dropped, tag=tag)
    with connect(conninfo) as conn:
        conn.execute(f"INSERT INTO {SCHEMA}.meta (dossiers, years, seed, tag,"
            " generated_at, seconds, stats) VALUES (%s, %s, %s, %s, %s, %s,"
            " %s)", (dossiers, years, seed, tag, now, seconds,
                json.dumps(stats, default=str)))
    return stats


def vacuum(conninfo, has_notification, has_rating, jobs):
    "VACUUM ANALYZE what was filled (visibility map, planner statistics)."
    tables = ['gov_dossier', 'gov_dossier_step', 'gov_dossier_history',
        '"gov_dossier-gov_agency"', 'web_user'] + (
            ['gov_notification'] if has_notification else []) + (
            ['gov_rating'] if has_rating else [])

    def one(table):
        with connect(conninfo) as conn:
            conn.execute(f"VACUUM (ANALYZE) {table}")
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        list(pool.map(one, tables))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default='dvc_bench')
    parser.add_argument('--uri', default=None,
        help='postgresql://user@/?host=/var/run/postgresql (default: the '
        'local server as the current user, or BENCH_DATABASE_URI)')
    parser.add_argument('--dossiers', type=int, default=200000)
    parser.add_argument('--years', type=float, default=3)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--jobs', type=int, default=2,
        help='connections filling chunks at once (default 2)')
    parser.add_argument('--reset', action='store_true',
        help='empty the dossier tables first (bench databases only)')
    parser.add_argument('--no-progress', action='store_true')
    args = parser.parse_args(argv)
    conninfo = conninfo_for(args.database, args.uri)
    if args.reset:
        reset(conninfo)
    stats = generate(conninfo, args.dossiers, years=args.years,
        seed=args.seed, jobs=args.jobs, progress=not args.no_progress)
    print(json.dumps(stats, indent=2, default=str))


if __name__ == '__main__':
    main()
