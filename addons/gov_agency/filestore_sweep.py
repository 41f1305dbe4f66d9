# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Files of the filestore that no record refers to (R-OPS-1).

trytond writes an uploaded file to the filestore when the record is
written, before the transaction commits; a transaction that then rolls back
— a refused submission, a worker killed in the middle of one — leaves the
file behind with no record. Nothing is lost, but the files pile up and the
restore drill cannot tell them from lost ones. trytond itself only removes
the files of records changed or deleted (ir.filestore.queue, after
`[attachment] retention_days`).

A daily job removes the files written between `WINDOW` and `GRACE` ago
that no record refers to. Only that window is checked: a file is referred
to by a record written after the file (its create or write date), so the
records to read are those of the window too, not the whole database;
files still waiting in ir.filestore.queue count as referred to. `GRACE`
leaves any running transaction far behind."""
import datetime as dt
import logging
import os
import time

from sql import Column, Null
from sql.conditionals import Coalesce

from trytond.filestore import filestore
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

GRACE = dt.timedelta(hours=6)
WINDOW = dt.timedelta(days=8)
# A record is written at most this long after its file (a slow request).
MARGIN = dt.timedelta(hours=1)


def _file_fields():
    "(Model, field name) of every stored binary kept in the filestore."
    for _, Model in Pool().iterobject():
        if not issubclass(Model, ModelSQL) or Model._is_table_query():
            continue
        for name, field in Model._fields.items():
            # A Function field is not a Binary: only stored ones here.
            if (isinstance(field, fields.Binary) and field.file_id
                    and field.store_prefix is None):
                yield Model, name, field.file_id


class FilestoreQueue(metaclass=PoolMeta):
    __name__ = 'ir.filestore.queue'

    @classmethod
    def referenced_since(cls, since):
        "File ids referred to by the records written since `since`."
        cursor = Transaction().connection.cursor()
        ids = set()
        for Model, _, file_id in _file_fields():
            table = Model.__table__()
            column = Column(table, file_id)
            cursor.execute(*table.select(column,
                    where=(column != Null)
                    & (Coalesce(table.write_date, table.create_date)
                        >= since)))
            ids.update(r for r, in cursor)
        queue = cls.__table__()
        cursor.execute(*queue.select(queue.file_id,
                where=queue.create_date >= since))
        ids.update(r for r, in cursor)
        return ids

    @classmethod
    def sweep_orphans(cls, now=None):
        """Remove this database's unreferenced files written between WINDOW
        and GRACE ago; return how many were removed."""
        now = now or time.time()
        database = Transaction().database.name
        root = os.path.join(filestore.path, database)
        oldest = now - WINDOW.total_seconds()
        newest = now - GRACE.total_seconds()
        candidates = {}
        for folder, _, names in os.walk(root):
            for name in names:
                # trytond's file ids are uuid4 (with dashes); older ids are
                # never touched (ir.filestore's own rule).
                if '-' not in name:
                    continue
                path = os.path.join(folder, name)
                try:
                    modified = os.stat(path).st_mtime
                except FileNotFoundError:
                    continue
                if oldest <= modified <= newest:
                    candidates[name] = path
        if not candidates:
            return 0
        since = dt.datetime.fromtimestamp(oldest, dt.timezone.utc).replace(
            tzinfo=None) - MARGIN
        orphans = set(candidates) - cls.referenced_since(since)
        for name in orphans:
            filestore.delete(name, prefix=database)
        if orphans:
            logger.warning('removed %d unreferenced files from the '
                'filestore of %s', len(orphans), database)
        return len(orphans)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ir.filestore.queue|sweep_orphans',
                "Remove Unreferenced Stored Files"))
