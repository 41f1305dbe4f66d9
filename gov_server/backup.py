"""Back up one database and its filestore, then apply the retention policy.

    python -m gov_server.backup --database NAME [--dest DIR]
        [--keep-daily 7 --keep-weekly 4 --keep-monthly 12]

Each run writes DIR/<database>/<YYYYmmddTHHMMSSZ>/ (R-OPS-1):

- ``database.dump``: ``pg_dump -Fc`` (Debian's postgresql-client), or, on
  SQLite (the demo), ``database.sqlite`` copied with sqlite3's online
  backup API;
- ``filestore.tar``: the database's filestore folder (``[database] path``
  /<database>), where the dossiers' files are;
- ``manifest.json``: database, time, tool versions, the row count of every
  table, the SHA-256 and size of every file and of the dump.

The folder is built under a hidden temporary name and renamed when complete
(an interrupted run leaves no half backup that looks good). Old backups are
removed only after a successful one, and the newest good one is never
removed. ``gov_server.restore_drill`` restores a backup into a fresh
database and proves nothing is missing.

Why pg_dump: at this size (a province's dossiers, a few GB) a logical dump
is simple, per database (the other databases of the cluster are not
involved), consistent (one snapshot), and restorable into a newer
PostgreSQL or another machine with ``pg_restore``. pg_basebackup copies the
whole cluster and restores only into the same major version; barman or
pgBackRest add a server and a catalogue to run. What a nightly dump cannot
give is point-in-time recovery: a crash at 17:00 loses the day's dossiers
since 01:30. Archiving the WAL (``archive_mode``, pgBackRest or barman)
above a weekly base backup replays up to the last minute; R-OPS-1 ("an
outage loses no submitted data") needs it, or a streaming replica, beside
these nightly dumps, which remain the copy that survives a mistake
replicated everywhere and the one the drill proves restorable.
gov_server/pitr.py sets up WAL archiving, base backups and the restore to
a moment; its drill runs in CI (gov_server.drills, pitr).

The row counts are taken in the same snapshot as the dump: a REPEATABLE READ
transaction exports its snapshot (pg_export_snapshot) and pg_dump runs with
``--snapshot``, so the counts are those of the dump, whatever is written
meanwhile. The filestore is archived after the snapshot: files are written
once under a new id and removed only long after no record refers to them
(ir.filestore.queue, 90 days), so the archive holds every file the dump
refers to (and perhaps a few newer ones, harmless).

The signing keys (``[gov_signature] folder``) and the configuration are
not in the backup: they are secrets, backed up apart (offline).
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from gov_server import configure
from gov_server.settings import VAR

STAMP = '%Y%m%dT%H%M%SZ'
STAMP_RE = re.compile(r'^\d{8}T\d{6}Z$')
MANIFEST = 'manifest.json'
DUMP = 'database.dump'
SQLITE = 'database.sqlite'
FILESTORE = 'filestore.tar'
CHUNK = 1 << 20


class BackupError(Exception):
    "A backup that cannot be made: the message says why, in one line."


# ------------------------------------------------------------ configuration
def settings():
    """The trytond configuration (TRYTOND_CONFIG, else the demo's); as it
    is when trytond is already configured (the tests)."""
    if 'trytond.config' not in sys.modules:
        configure()
    from trytond import config
    return config


def is_sqlite(config):
    return config.get('database', 'uri', default='').startswith('sqlite')


def conninfo(config, name):
    "The libpq URI of database name, as trytond builds it."
    uri = config.parse_uri(config.get('database', 'uri'))
    return uri._replace(scheme='postgresql', path='/' + name).geturl()


def filestore_folder(config, name):
    return Path(config.get('database', 'path')) / name


def sqlite_file(config, name):
    return Path(config.get('database', 'path')) / f'{name}.sqlite'


def default_dest(config):
    return Path(config.get('gov', 'backup_dir', default=str(VAR / 'backups')))


# ------------------------------------------------------------------ hashing
def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    "A file read once: into the tar and into its SHA-256."

    def __init__(self, f):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.f.read(size)
        self.digest.update(data)
        return data


def archive_filestore(folder, target):
    """Write folder's files into the tar target; return {relative path:
    {sha256, size}}. Paths are relative to folder (restored under another
    database's folder)."""
    files = {}
    with tarfile.open(target, 'w') as tar:
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob('*') if p.is_file()):
                name = path.relative_to(folder).as_posix()
                info = tar.gettarinfo(str(path), arcname=name)
                with open(path, 'rb') as f:
                    reader = _HashingReader(f)
                    tar.addfile(info, reader)
                files[name] = {'sha256': reader.digest.hexdigest(),
                    'size': info.size}
    return files


# ----------------------------------------------------------------- database
def _pg_version(tool):
    out = subprocess.run([tool, '--version'], capture_output=True,
        text=True, check=True).stdout
    return out.strip()


def dump_postgresql(config, name, target):
    """pg_dump -Fc of name into target; return (row counts per table,
    server version), the counts of the dump's own snapshot."""
    import psycopg
    from psycopg import sql
    try:
        conn = psycopg.connect(conninfo(config, name))
    except psycopg.Error as error:
        raise BackupError(f'cannot connect to database {name}: '
            f'{str(error).strip().splitlines()[0]}') from error
    with conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cur:
            cur.execute('SELECT pg_export_snapshot(), '
                "current_setting('server_version')")
            snapshot, server = cur.fetchone()
            cur.execute("SELECT c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') "
                "AND n.nspname = current_schema() ORDER BY c.relname")
            tables = [r[0] for r in cur.fetchall()]
            counts = {}
            for table in tables:
                cur.execute(sql.SQL('SELECT count(*) FROM {}').format(
                        sql.Identifier(table)))
                counts[table] = cur.fetchone()[0]
            # The snapshot lives as long as this transaction: dump now.
            result = subprocess.run(['pg_dump', '-Fc', '--no-owner',
                    f'--snapshot={snapshot}', '-f', str(target),
                    f'--dbname={conninfo(config, name)}'],
                capture_output=True, text=True)
            if result.returncode:
                raise BackupError('pg_dump failed: '
                    + (result.stderr.strip().splitlines() or ['?'])[-1])
        conn.rollback()
    return counts, server


def sqlite_counts(path):
    "Row counts per table of the SQLite file path."
    conn = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in tables}
    finally:
        conn.close()


def dump_sqlite(config, name, target):
    """Copy the SQLite database with the online backup API (consistent
    even while the demo server writes); the counts are the copy's."""
    source = sqlite_file(config, name)
    if not source.is_file():
        raise BackupError(f'no SQLite database {source}')
    src = sqlite3.connect(f'file:{source}?mode=ro', uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return sqlite_counts(target), sqlite3.sqlite_version


# ---------------------------------------------------------------- retention
def backups(root):
    """The complete backups under root (dated folders with a readable
    manifest), oldest first."""
    found = []
    if not root.is_dir():
        return found
    for path in sorted(root.iterdir()):
        if not (path.is_dir() and STAMP_RE.match(path.name)):
            continue
        try:
            json.loads((path / MANIFEST).read_text(encoding='utf-8'))
        except (OSError, ValueError):
            continue
        found.append(path)
    return found


def to_keep(names, daily=7, weekly=4, monthly=12):
    """The dated folder names kept: the newest of each of the last `daily`
    days, `weekly` ISO weeks and `monthly` months that have a backup, and
    always the newest one."""
    stamps = sorted(((dt.datetime.strptime(n, STAMP), n) for n in names),
        reverse=True)
    keep = set()
    if stamps:
        keep.add(stamps[0][1])
    for count, period in [(daily, lambda d: d.date()),
            (weekly, lambda d: d.isocalendar()[:2]),
            (monthly, lambda d: (d.year, d.month))]:
        seen = []
        for when, name in stamps:  # newest first: the period's newest
            key = period(when)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(name)
    return keep


def apply_retention(root, daily, weekly, monthly):
    "Remove the backups the policy does not keep; return their names."
    complete = backups(root)
    keep = to_keep([p.name for p in complete], daily, weekly, monthly)
    removed = []
    for path in complete:
        if path.name not in keep:
            shutil.rmtree(path)
            removed.append(path.name)
    # Leftovers of runs that died more than a day ago.
    for path in root.glob('.partial-*'):
        if time.time() - path.stat().st_mtime > 86400:
            shutil.rmtree(path, ignore_errors=True)
    return removed


# ------------------------------------------------------------------- backup
def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(database, dest=None, now=None):
    """Back up database into dest/<database>/<stamp>/; return (folder,
    manifest). Raise BackupError when it cannot be made."""
    config = settings()
    root = Path(dest or default_dest(config)) / database
    root.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.timezone.utc)
    stamp = now.strftime(STAMP)
    final = root / stamp
    if final.exists():
        raise BackupError(f'{final} exists already')
    partial = root / f'.partial-{stamp}-{os.getpid()}'
    partial.mkdir()
    start = time.monotonic()
    try:
        import trytond
        tools = {'python': platform.python_version(),
            'trytond': trytond.__version__}
        if is_sqlite(config):
            dump = partial / SQLITE
            counts, server = dump_sqlite(config, database, dump)
            tools['sqlite'] = server
            backend = 'sqlite'
        else:
            if not shutil.which('pg_dump'):
                raise BackupError('pg_dump not found: install Debian\'s '
                    'postgresql-client')
            dump = partial / DUMP
            counts, server = dump_postgresql(config, database, dump)
            tools.update({'pg_dump': _pg_version('pg_dump'),
                    'postgresql_server': server})
            backend = 'postgresql'
        files = archive_filestore(
            filestore_folder(config, database), partial / FILESTORE)
        manifest = {
            'format': 1,
            'database': database,
            'backend': backend,
            'time': now.isoformat(),
            'tools': tools,
            'dump': {'file': dump.name, 'sha256': sha256_file(dump),
                'size': dump.stat().st_size},
            'filestore': {'file': FILESTORE,
                'sha256': sha256_file(partial / FILESTORE),
                'size': (partial / FILESTORE).stat().st_size,
                'count': len(files),
                'bytes': sum(f['size'] for f in files.values())},
            'tables': counts,
            'rows': sum(counts.values()),
            'files': files,
            'seconds': None,
            }
        manifest['seconds'] = round(time.monotonic() - start, 2)
        with open(partial / MANIFEST, 'w', encoding='utf-8') as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        for name in (dump.name, FILESTORE):
            with open(partial / name, 'rb') as f:
                os.fsync(f.fileno())
        _fsync_dir(partial)
        os.rename(partial, final)
        _fsync_dir(root)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final, manifest


def _size(n):
    return f'{n / 1e6:.1f} MB'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default=None,
        help="default: [gov] database of the configuration")
    parser.add_argument('--dest', default=None,
        help="default: [gov] backup_dir, else var/backups")
    parser.add_argument('--keep-daily', type=int, default=7)
    parser.add_argument('--keep-weekly', type=int, default=4)
    parser.add_argument('--keep-monthly', type=int, default=12)
    args = parser.parse_args(argv)
    config = settings()
    database = args.database or config.get('gov', 'database', default='dvc')
    try:
        folder, manifest = backup(database, args.dest)
    except Exception as error:  # noqa: BLE001 — one line, no stack trace
        reason = (str(error) if isinstance(error, BackupError)
            else f'{type(error).__name__}: {error}')
        print(f'BACKUP FAILED {database}: {reason}', file=sys.stderr)
        return 1
    # Only now, with a good backup in place, may older ones go.
    removed = apply_retention(folder.parent, args.keep_daily,
        args.keep_weekly, args.keep_monthly)
    print(f'BACKUP OK {database} -> {folder} '
        f'(dump {_size(manifest["dump"]["size"])}, '
        f'{len(manifest["tables"])} tables, {manifest["rows"]} rows, '
        f'{manifest["filestore"]["count"]} files '
        f'{_size(manifest["filestore"]["bytes"])}, '
        f'{manifest["seconds"]} s; retention removed {len(removed)})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
