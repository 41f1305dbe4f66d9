# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Files left in the filestore by transactions that rolled back are
removed; every file a record refers to stays (R-OPS-1)."""
import os
import shutil
import tempfile
import time
import unittest

from trytond.config import config
from trytond.filestore import filestore
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

DAY = 24 * 3600


class FilestoreSweepTestCase(unittest.TestCase):
    "R-OPS-1: no file without its record, none of a record lost"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    def setUp(self):
        path = config.get('database', 'path')
        directory = tempfile.mkdtemp()
        config.set('database', 'path', directory)
        self.addCleanup(config.set, 'database', 'path', path)
        self.addCleanup(shutil.rmtree, directory)

    def age(self, file_id, seconds):
        "Make the file look written `seconds` ago."
        path = filestore._filename(file_id, Transaction().database.name)
        moment = time.time() - seconds
        os.utime(path, (moment, moment))
        return path

    @with_transaction()
    def test_sweep_keeps_referenced_and_removes_orphans(self):
        "R-OPS-1: an orphan of two days ago is removed; files of records, files queued for removal, too recent or too old ones stay"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Queue = pool.get('ir.filestore.queue')
        database = Transaction().database.name
        kept, replaced = Attachment.create([
                {'name': 'don.pdf', 'resource': 'res.user,1',
                    'type': 'data', 'data': b'%PDF-1.4 don'},
                {'name': 'cu.pdf', 'resource': 'res.user,1',
                    'type': 'data', 'data': b'%PDF-1.4 cu'},
                ])
        old_file = replaced.file_id
        # Replaced: its old file waits in ir.filestore.queue, still kept.
        Attachment.write([replaced], {'data': b'%PDF-1.4 moi'})
        self.assertTrue(Queue.search([('file_id', '=', old_file)]))
        orphan = filestore.set(b'rolled back', database)
        recent = filestore.set(b'being written', database)
        ancient = filestore.set(b'before the window', database)
        paths = {
            'kept': self.age(kept.file_id, 2 * DAY),
            'queued': self.age(old_file, 2 * DAY),
            'new': self.age(Attachment(replaced.id).file_id, 2 * DAY),
            'orphan': self.age(orphan, 2 * DAY),
            'recent': self.age(recent, 60),
            'ancient': self.age(ancient, 30 * DAY),
            }
        self.assertEqual(Queue.sweep_orphans(), 1)
        self.assertFalse(os.path.exists(paths.pop('orphan')))
        for name, path in paths.items():
            with self.subTest(file=name):
                self.assertTrue(os.path.exists(path))
        self.assertEqual(bytes(Attachment(kept.id).data), b'%PDF-1.4 don')
        # Nothing more to remove the next day.
        self.assertEqual(Queue.sweep_orphans(), 0)
