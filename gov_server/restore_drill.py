"""Restore a backup into a fresh database and prove nothing is missing.

    python -m gov_server.restore_drill --database NAME [--backup DIR]
        [--dest DIR] [--keep | --restore-as NAME]

Takes the newest backup of NAME made by gov_server.backup (or the folder
DIR), restores it into a new database ``<NAME>_drill_<timestamp>`` with its
own new filestore folder, opens it with the application's modules, then
checks (R-OPS-1, R-OPS-3):

- the dump and the filestore archive have the SHA-256 of the manifest;
- every table (hence every model of ir.model that has a table) has the row
  count the manifest took in the dump's snapshot;
- every file of the manifest is restored with the same SHA-256, and every
  file a record refers to (binary fields kept in the filestore) exists;
- every dossier file's content matches its SHA-256 recorded in the
  dossier's append-only history (gov_signature, events file_stored and
  result_signed).

Prints the problems, then one line ``DRILL PASS`` or ``DRILL FAIL`` with
the figures (models and tables compared, rows, files, times); exits 0 or 1.
The drill database and its filestore folder are dropped unless --keep.

A real restore is the same with ``--restore-as NAME``: the backup goes
into the new database NAME (the production name once the damaged database
is renamed away, the application stopped), is checked the same way, and
is kept: see README, "Backups and restore".
"""
import argparse
import datetime as dt
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from gov_server.backup import (
    DUMP, FILESTORE, MANIFEST, SQLITE, backups, conninfo, default_dest,
    filestore_folder, is_sqlite, settings, sha256_file, sqlite_file)

HASH_RE = re.compile(r'SHA-256 ([0-9a-f]{64})')
HASHED_EVENTS = ('file_stored', 'result_signed')


class DrillError(Exception):
    "The drill cannot go on (no backup, restore failed): one line."


@dataclass
class Result:
    problems: list = field(default_factory=list)
    models: int = 0
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    referenced: int = 0
    history_hashes: int = 0

    @property
    def passed(self):
        return not self.problems


# ------------------------------------------------------------------ restore
def newest_backup(database, dest=None):
    config = settings()
    found = backups(Path(dest or default_dest(config)) / database)
    if not found:
        raise DrillError(f'no backup of {database} under '
            f'{Path(dest or default_dest(config)) / database}')
    return found[-1]


def read_manifest(folder):
    return json.loads((Path(folder) / MANIFEST).read_text(encoding='utf-8'))


def verify_archives(folder, manifest, result):
    "The dump and the archive are those the manifest describes."
    folder = Path(folder)
    for part in ('dump', 'filestore'):
        path = folder / manifest[part]['file']
        if not path.is_file():
            result.problems.append(f'{path.name} missing from the backup')
        elif sha256_file(path) != manifest[part]['sha256']:
            result.problems.append(
                f'{path.name}: SHA-256 differs from the manifest')


def _database_exists(name):
    from trytond.transaction import Transaction
    with Transaction().start(None, 0, readonly=True, close=True) as t:
        return name in t.database.list()


def target_exists(target):
    "Whether the database target or its filestore folder exists."
    config = settings()
    if filestore_folder(config, target).exists():
        return True
    if is_sqlite(config):
        return sqlite_file(config, target).exists()
    return _database_exists(target)


def restore(folder, target):
    """Restore the backup folder into the new database target and its new
    filestore folder (neither may exist)."""
    config = settings()
    folder = Path(folder)
    manifest = read_manifest(folder)
    store = filestore_folder(config, target)
    if target_exists(target):
        raise DrillError(f'database {target} or its filestore folder '
            'exists already')
    if is_sqlite(config):
        if manifest['backend'] != 'sqlite':
            raise DrillError('a PostgreSQL backup needs a PostgreSQL '
                'configuration')
        path = sqlite_file(config, target)
        src = sqlite3.connect(f'file:{folder / SQLITE}?mode=ro', uri=True)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        if manifest['backend'] != 'postgresql':
            raise DrillError('a SQLite backup needs a SQLite configuration')
        from trytond.transaction import Transaction
        with Transaction().start(None, 0, close=True, autocommit=True) as t:
            t.database.create(t.connection, target)
        done = subprocess.run(['pg_restore', '--no-owner', '--exit-on-error',
                f'--dbname={conninfo(config, target)}', str(folder / DUMP)],
            capture_output=True, text=True)
        if done.returncode:
            raise DrillError('pg_restore failed: '
                + (done.stderr.strip().splitlines() or ['?'])[-1])
    store.mkdir(parents=True)
    with tarfile.open(folder / FILESTORE) as tar:
        # 'data': no absolute paths, links out of the folder or devices.
        tar.extractall(store, filter='data')
    return manifest


def drop(target):
    "Drop the drill database and its filestore folder."
    config = settings()
    from trytond import backend
    from trytond.cache import Cache
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if is_sqlite(config) or _database_exists(target):
        database = backend.Database(target)
        database.close()
        with Transaction().start(None, 0, close=True, autocommit=True) as t:
            database.drop(t.connection, target)
        Pool.stop(target)
        Cache.drop(target)
    shutil.rmtree(filestore_folder(config, target), ignore_errors=True)


# -------------------------------------------------------------------- check
def _table_models(pool):
    "{table: [model names]} of the models of ir.model stored in a table."
    from trytond.model import ModelSQL
    Model = pool.get('ir.model')
    tables = {}
    for record in Model.search([]):
        try:
            klass = pool.get(record.name)
        except KeyError:  # a model of a module no longer installed
            continue
        if issubclass(klass, ModelSQL) and not klass._is_table_query():
            tables.setdefault(klass._table, []).append(record.name)
    return tables


def _count(cursor, table):
    cursor.execute(f'SELECT count(*) FROM "{table}"')
    return cursor.fetchone()[0]


def _check_rows(pool, cursor, manifest, result):
    by_table = _table_models(pool)
    result.models = sum(len(m) for m in by_table.values())
    expected = manifest['tables']
    for table in sorted(set(expected) | set(by_table)):
        names = ', '.join(by_table.get(table, [])) or table
        if table not in expected:
            result.problems.append(f'{names}: table {table} not in the '
                'backup')
            continue
        try:
            count = _count(cursor, table)
        except Exception:  # noqa: BLE001 — the table itself is missing
            result.problems.append(f'{names}: table {table} missing')
            cursor.connection.rollback()
            continue
        result.tables += 1
        result.rows += count
        if count != expected[table]:
            result.problems.append(f'{names}: {count} rows restored, '
                f'{expected[table]} backed up')


def _check_files(store, manifest, result):
    for name, info in sorted(manifest['files'].items()):
        path = store / name
        if not path.is_file():
            result.problems.append(f'file {name} missing')
        elif sha256_file(path) != info['sha256']:
            result.problems.append(f'file {name}: SHA-256 differs '
                '(expected {})'.format(info['sha256']))
        else:
            result.files += 1
            result.file_bytes += info['size']


def _check_references(pool, cursor, target, result):
    """Every file id a record holds (binary fields kept in the filestore
    under the database's name) names a restored file."""
    from trytond.filestore import filestore
    from trytond.model import ModelSQL, fields
    for name, klass in pool.iterobject():
        if not issubclass(klass, ModelSQL) or klass._is_table_query():
            continue
        for fname, field_ in klass._fields.items():
            if (not isinstance(field_, fields.Binary) or not field_.file_id
                    or field_.store_prefix is not None):
                continue
            table = klass.__table__()
            column = getattr(table, field_.file_id)
            cursor.execute(*table.select(table.id, column,
                    where=column != None))  # noqa: E711
            for id_, file_id in cursor.fetchall():
                result.referenced += 1
                if not Path(filestore._filename(file_id, target)).is_file():
                    result.problems.append(f'{name},{id_} {fname}: file '
                        f'{file_id} missing')


def _check_history(pool, cursor, target, result):
    """Each dossier file's content matches a SHA-256 its dossier's history
    recorded (gov_signature)."""
    from trytond.filestore import filestore
    try:
        Document = pool.get('gov.dossier.document')
        History = pool.get('gov.dossier.history')
    except KeyError:
        return
    if 'sha256' not in Document._fields:
        return
    history = History.__table__()
    cursor.execute(*history.select(history.dossier, history.reason,
            where=history.event.in_(HASHED_EVENTS)))
    recorded = {}
    for dossier, reason in cursor.fetchall():
        recorded.setdefault(dossier, set()).update(
            HASH_RE.findall(reason or ''))
    document = Document.__table__()
    cursor.execute(*document.select(document.id, document.dossier,
            document.file_id, document.sha256,
            where=document.sha256 != None))  # noqa: E711
    for id_, dossier, file_id, expected in cursor.fetchall():
        label = f'gov.dossier.document,{id_} (dossier {dossier})'
        if expected not in recorded.get(dossier, ()):
            result.problems.append(f'{label}: SHA-256 {expected} not in '
                'its dossier history')
            continue
        try:
            data = filestore.get(file_id, prefix=target)
        except (OSError, TypeError):
            result.problems.append(f'{label}: file {file_id} missing')
            continue
        if hashlib.sha256(data).hexdigest() != expected:
            result.problems.append(f'{label}: file {file_id} does not '
                f'match the SHA-256 {expected} of its dossier history')
            continue
        result.history_hashes += 1


def check(target, manifest, result=None):
    """Compare the restored database target (and its filestore folder) with
    the manifest; return the Result (problems empty when nothing is
    missing)."""
    config = settings()
    result = result or Result()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    _check_files(filestore_folder(config, target), manifest, result)
    pool = Pool(target)
    pool.init()
    with Transaction().start(target, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        _check_rows(pool, cursor, manifest, result)
        _check_references(pool, cursor, target, result)
        _check_history(pool, cursor, target, result)
    return result


# --------------------------------------------------------------------- main
def drill(database, folder=None, dest=None, keep=False, out=sys.stdout,
        target=None):
    """Restore folder (default: the newest backup) into target (default:
    a new drill database), check it, print the verdict; return the
    Result."""
    start = time.monotonic()
    folder = Path(folder) if folder else newest_backup(database, dest)
    manifest = read_manifest(folder)
    target = target or f'{database}_drill_' + dt.datetime.now().strftime(
        '%Y%m%d%H%M%S')
    # Never drop what this run did not create.
    if target_exists(target):
        raise DrillError(f'database {target} or its filestore folder '
            'exists already')
    result = Result()
    verify_archives(folder, manifest, result)
    restored = checked = None
    try:
        restore(folder, target)
        restored = time.monotonic() - start
        check(target, manifest, result)
        checked = time.monotonic() - start - restored
    except DrillError as error:
        result.problems.append(str(error))
    finally:
        if not keep:
            drop(target)
    for problem in result.problems:
        print(f'  missing or different: {problem}', file=out)
    verdict = 'PASS' if result.passed else 'FAIL'
    times = (f'restored in {restored:.1f} s, checked in {checked:.1f} s'
        if checked is not None else '')
    print(f'DRILL {verdict} {database} backup {folder.name} -> {target}'
        f'{" (kept)" if keep else " (dropped)"}: '
        f'{len(result.problems)} problems; {result.models} models / '
        f'{result.tables} tables compared, {result.rows} rows, '
        f'{result.files} files ({result.file_bytes / 1e6:.1f} MB), '
        f'{result.referenced} file references, {result.history_hashes} '
        f'history hashes matched; {times}, '
        f'{time.monotonic() - start:.1f} s in all', file=out, flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default=None,
        help="the backed-up database (default: [gov] database)")
    parser.add_argument('--backup', default=None,
        help="a backup folder (default: the newest of the database)")
    parser.add_argument('--dest', default=None,
        help="where the backups are (default: as gov_server.backup)")
    parser.add_argument('--keep', action='store_true',
        help="keep the drill database and filestore folder")
    parser.add_argument('--restore-as', default=None, metavar='NAME',
        help="a real restore: into the new database NAME (it must not "
        "exist), checked and kept")
    args = parser.parse_args(argv)
    config = settings()
    database = args.database or config.get('gov', 'database', default='dvc')
    try:
        result = drill(database, args.backup, args.dest,
            args.keep or bool(args.restore_as), target=args.restore_as)
    except Exception as error:  # noqa: BLE001 — one line, no stack trace
        print(f'DRILL FAIL {database}: {type(error).__name__}: {error}',
            flush=True)
        return 1
    return 0 if result.passed else 1


if __name__ == '__main__':
    sys.exit(main())
