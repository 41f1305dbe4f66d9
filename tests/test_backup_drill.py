"""Backups and the restore drill (R-OPS-1, R-OPS-3).

A small database (gov_dossier's test world with gov_signature: three
dossiers with their files and the files' SHA-256 in the dossiers' history)
is backed up by ``python -m gov_server.backup`` and restored by
``python -m gov_server.restore_drill`` into a fresh database, as the
operators run them (subprocesses with their own configuration). The drill
must PASS, and FAIL naming what is missing when a file of the backup is
corrupted or a row is lost. On PostgreSQL the source is the test database
(pg_dump); on SQLite a file copy of the in-memory test database (the sqlite3
backup API). The retention policy is checked on fake dated backups.
"""
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from contextlib import ExitStack
from pathlib import Path

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, make_dossier, make_world)
from gov_dossier.tests.tools import configured
from gov_server import backup as backup_module
from gov_server import restore_drill
from gov_signature.tests.pki import minimal_pdf

ROOT = Path(__file__).resolve().parent.parent
POSTGRESQL = backend.name == 'postgresql'
# On SQLite the test database is in memory: a file copy is backed up.
SOURCE = DB_NAME if POSTGRESQL else 'backup_source'


def _databases():
    "The PostgreSQL databases of the cluster (empty on SQLite)."
    if not POSTGRESQL:
        return set()
    with Transaction().start(None, 0, readonly=True, close=True) as t:
        return set(t.database.list())


class BackupDrillTestCase(ModuleDossierTestCase):
    "R-OPS-1, R-OPS-3: scheduled backups are restorable and proved complete"
    module = 'gov_signature'

    @classmethod
    def setUpClass(cls):
        # The files of this class go to a folder of their own, which the
        # operators' commands are configured with.
        cls.tmp = Path(tempfile.mkdtemp(prefix='dvc_backup_'))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        stack = ExitStack()
        stack.enter_context(configured('database',
                path=str(cls.tmp / 'store')))
        cls.addClassCleanup(stack.close)
        super().setUpClass()
        from trytond import config
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            for n in range(3):
                make_dossier(world, documents=[('create', [{
                                    'kind': 'component',
                                    'component': c.id,
                                    'name': f'don-{n}.pdf',
                                    'data': minimal_pdf(f'Don so {n}'),
                                    } for c in world.procedure.components
                                if c.mandatory])])
            transaction.commit()
            if not POSTGRESQL:
                target = backup_module.sqlite_file(config, SOURCE)
                target.parent.mkdir(parents=True, exist_ok=True)
                import sqlite3
                copy = sqlite3.connect(target)
                transaction.connection.backup(copy)
                copy.close()
                shutil.copytree(cls.tmp / 'store' / DB_NAME,
                    cls.tmp / 'store' / SOURCE)
        conf = cls.tmp / 'trytond.conf'
        conf.write_text('[database]\n'
            f'uri = {config.get("database", "uri")}\n'
            f'path = {cls.tmp / "store"}\n'
            '[gov]\n'
            f'database = {SOURCE}\n'
            f'backup_dir = {cls.tmp / "backups"}\n', encoding='utf-8')
        cls.env = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'DB_'))}
        cls.env['TRYTOND_CONFIG'] = str(conf)
        cls.addClassCleanup(cls._drop_drills)

    @classmethod
    def _drop_drills(cls):
        # A failed test may leave a kept drill database behind.
        for name in _databases():
            if name.startswith(f'{SOURCE}_drill_'):
                restore_drill.drop(name)

    def run_command(self, module, *args):
        done = subprocess.run([sys.executable, '-W', 'ignore', '-m', module,
                *args], env=self.env, cwd=ROOT, capture_output=True,
            text=True, timeout=600)
        return done.returncode, done.stdout + done.stderr

    def make_backup(self):
        code, out = self.run_command('gov_server.backup',
            '--database', SOURCE)
        self.assertEqual(code, 0, out)
        self.assertIn(f'BACKUP OK {SOURCE}', out)
        return restore_drill.newest_backup(SOURCE, self.tmp / 'backups')

    def documents(self):
        "{file_id: (document id, sha256)} of the dossiers' files."
        with Transaction().start(DB_NAME, 0, readonly=True):
            Document = Pool().get('gov.dossier.document')
            return {d.file_id: (d.id, d.sha256)
                for d in Document.search([('sha256', '!=', None)])}

    def test_backup_then_drill_passes(self):
        "R-OPS-1, R-OPS-3: the backup holds the database, every file and their SHA-256; the drill restores it into a fresh database and passes"
        before = _databases()
        folder = self.make_backup()
        manifest = json.loads((folder / 'manifest.json').read_text())
        self.assertEqual(manifest['database'], SOURCE)
        self.assertEqual(manifest['tables']['gov_dossier'], 3)
        self.assertGreater(manifest['tables']['gov_dossier_history'], 0)
        documents = self.documents()
        self.assertEqual(len(documents), 3)
        files = {name.rsplit('/', 1)[-1]: info['sha256']
            for name, info in manifest['files'].items()}
        for file_id, (_, sha256) in documents.items():
            self.assertEqual(files[file_id], sha256)
        self.assertEqual(manifest['dump']['sha256'], backup_module.sha256_file(
                folder / manifest['dump']['file']))

        code, out = self.run_command('gov_server.restore_drill',
            '--database', SOURCE)
        self.assertEqual(code, 0, out)
        line, = [l for l in out.splitlines() if l.startswith('DRILL ')]
        self.assertTrue(line.startswith(f'DRILL PASS {SOURCE} backup '
                f'{folder.name} -> {SOURCE}_drill_'), line)
        self.assertIn(f'{len(manifest["files"])} files', line)
        self.assertIn('3 history hashes matched', line)
        self.assertIn(f'{manifest["rows"]} rows', line)
        # The drill database and its filestore folder are gone.
        self.assertEqual(_databases(), before)
        self.assertEqual(sorted(p.name for p in (self.tmp / 'store').iterdir()
                if '_drill_' in p.name), [])

    def test_drill_fails_on_a_corrupted_file(self):
        "R-OPS-1, R-OPS-3: a file changed in the backup's archive makes the drill FAIL, naming the file and its dossier document"
        folder = self.make_backup()
        documents = self.documents()
        archive = folder / 'filestore.tar'
        rewritten = folder / 'filestore.new'
        victim = None
        with tarfile.open(archive) as src, tarfile.open(rewritten, 'w') as dst:
            for member in src.getmembers():
                data = src.extractfile(member).read()
                file_id = member.name.rsplit('/', 1)[-1]
                if victim is None and file_id in documents:
                    victim = member.name
                    data = data.replace(b'Don so', b'Don s0')
                dst.addfile(member, io.BytesIO(data))
        rewritten.replace(archive)
        self.assertIsNotNone(victim)
        document_id = documents[victim.rsplit('/', 1)[-1]][0]

        code, out = self.run_command('gov_server.restore_drill',
            '--database', SOURCE, '--backup', str(folder))
        self.assertEqual(code, 1, out)
        self.assertIn(f'DRILL FAIL {SOURCE}', out)
        self.assertIn(f'file {victim}: SHA-256 differs', out)
        self.assertIn(f'gov.dossier.document,{document_id} ', out)
        self.assertIn('filestore.tar: SHA-256 differs from the manifest', out)
        self.assertEqual(
            [n for n in _databases() if n.startswith(f'{SOURCE}_drill_')], [])

    def test_drill_fails_on_a_missing_row(self):
        "R-OPS-1, R-OPS-3: the drill's check names the model whose rows are missing in the restored database"
        folder = self.make_backup()
        target = f'{SOURCE}_drill_rows'
        self.addCleanup(restore_drill.drop, target)
        manifest = restore_drill.restore(folder, target)
        self.assertTrue(restore_drill.check(target, manifest).passed)
        with Transaction().start(target, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute('DELETE FROM gov_dossier_history WHERE id = '
                '(SELECT max(id) FROM gov_dossier_history)')
            transaction.commit()
        expected = manifest['tables']['gov_dossier_history']
        result = restore_drill.check(target, manifest)
        self.assertFalse(result.passed)
        self.assertIn(f'gov.dossier.history: {expected - 1} rows restored, '
            f'{expected} backed up', result.problems)


class RetentionTestCase(unittest.TestCase):
    "R-OPS-1: the retention policy of the backups"

    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix='dvc_retention_'))
        self.addCleanup(shutil.rmtree, self.root, True)

    def fake(self, when):
        folder = self.root / when.strftime(backup_module.STAMP)
        folder.mkdir()
        (folder / 'manifest.json').write_text('{}')
        return folder.name

    def test_keeps_days_weeks_and_months(self):
        "R-OPS-1: 7 daily, 4 weekly and 12 monthly backups kept, the newest of each period; a stale partial backup removed"
        day = dt.datetime(2025, 1, 1, 1, 30)
        while day <= dt.datetime(2026, 3, 31, 1, 30):
            self.fake(day)
            day += dt.timedelta(days=1)
        newest = self.fake(dt.datetime(2026, 3, 31, 13, 0))
        partial = self.root / '.partial-20260330T013000Z-1'
        partial.mkdir()
        os.utime(partial, (0, 0))
        removed = backup_module.apply_retention(self.root, 7, 4, 12)
        kept = sorted(p.name for p in self.root.iterdir())
        stamp = '{}T013000Z'.format
        expected = sorted(
            [newest]
            # the 6 days before (31 March's newest is 13:00)
            + [stamp(f'202603{d:02}') for d in range(25, 31)]
            # the newest of ISO weeks 12 and 11 (weeks 14, 13 are in
            # the days)
            + [stamp('20260322'), stamp('20260315')]
            # the newest of the 11 months before March 2026
            + [stamp(d) for d in ['20260228', '20260131', '20251231',
                    '20251130', '20251031', '20250930', '20250831',
                    '20250731', '20250630', '20250531', '20250430']])
        self.assertEqual(kept, expected)
        self.assertEqual(len(removed) + len(kept), 455 + 1)
        self.assertIn(stamp('20260331'), removed)

    def test_never_removes_the_newest(self):
        "R-OPS-1: with nothing to keep, the newest backup still stays"
        names = [self.fake(dt.datetime(2026, 1, d, 1, 30)) for d in (1, 2, 3)]
        backup_module.apply_retention(self.root, 0, 0, 0)
        self.assertEqual([p.name for p in self.root.iterdir()], [names[-1]])

    def test_failed_backup_removes_nothing(self):
        "R-OPS-1: a failed backup exits non-zero with one clear line and leaves the older backups alone"
        names = [self.fake(dt.datetime(2025, 1, d, 1, 30))
            for d in range(1, 11)]
        store = self.root / 'store'
        conf = self.root / 'trytond.conf'
        conf.write_text(f'[database]\nuri = sqlite://\npath = {store}\n')
        env = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'DB_'))}
        env['TRYTOND_CONFIG'] = str(conf)
        # The folder of this test is the database's backup folder.
        database = self.root.name
        done = subprocess.run([sys.executable, '-m', 'gov_server.backup',
                '--database', database, '--dest', str(self.root.parent),
                '--keep-daily', '1', '--keep-weekly', '0',
                '--keep-monthly', '0'],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn(f'BACKUP FAILED {database}: no SQLite database',
            done.stderr)
        self.assertNotIn('Traceback', done.stderr)
        self.assertEqual(sorted(p.name for p in self.root.iterdir()
                if p.name[0].isdigit()), names)
        self.assertEqual(list(self.root.glob('.partial-*')), [])
