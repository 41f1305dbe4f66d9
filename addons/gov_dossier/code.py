# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The dossier code (mã hồ sơ, R-SUB-5) and the secrets printed on the
receipt: the lookup PIN and the QR token."""
import secrets

from sql.aggregate import Max

from trytond import backend
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import DossierWorkflowError

MAX_CODE_ATTEMPTS = 1000


class CodeMixin:
    "Codes, PINs and QR tokens of gov.dossier."
    __slots__ = ()

    @staticmethod
    def generate_pin():
        "6 random digits printed on the receipt (R-SUB-5)."
        return '%06d' % secrets.randbelow(10 ** 6)

    @staticmethod
    def generate_qr_token():
        return secrets.token_urlsafe(16)

    @classmethod
    def _assign_codes(cls, dossiers, moments):
        """Give a code to the dossiers without one.

        The number is the next one of the receiving agency for the local
        day of `moments[dossier.id]`. It is taken inside the transaction
        (no gap when a submission fails) and made unique by the unique
        index on code: a concurrent transaction that took the same number
        first makes the UPDATE fail; the savepoint is rolled back and the
        next number (after the highest committed one) is tried. The
        dossiers are numbered in a fixed order (agency, day) so that two
        batches cannot wait for each other."""
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.dossier.configuration')
        configuration = Configuration(1)
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = cls.__table__()
        items = []
        for dossier in dossiers:
            if dossier.code:
                continue
            day = Calendar.to_local(moments[dossier.id], dossier.agency).date()
            items.append((dossier.agency.code, day, dossier.id, dossier))
        items.sort(key=lambda i: i[:3])
        savepoints = backend.name == 'postgresql'
        for key, day, _, dossier in items:
            cursor.execute(*table.select(Max(table.code_sequence),
                    where=(table.code_key == key) & (table.code_date == day)))
            seq = (cursor.fetchone()[0] or 0) + 1
            for _ in range(MAX_CODE_ATTEMPTS):
                code = configuration.format_code(
                    key, day, seq, dossier.procedure.code)
                update = table.update(
                    [table.code, table.code_key, table.code_date,
                        table.code_sequence],
                    [code, key, day, seq],
                    where=table.id == dossier.id)
                if not savepoints:
                    # SQLite: the database lock serialises the writers.
                    cursor.execute(*table.select(table.id,
                            where=(table.code == code)
                            & (table.id != dossier.id),
                            limit=1))
                    if cursor.fetchone():
                        seq += 1
                        continue
                    cursor.execute(*update)
                    break
                cursor.execute('SAVEPOINT gov_dossier_code')
                try:
                    cursor.execute(*update)
                except (backend.DatabaseIntegrityError,
                        backend.DatabaseOperationalError):
                    cursor.execute('ROLLBACK TO SAVEPOINT gov_dossier_code')
                    seq = max(seq + 1,
                        cls._committed_code_sequence(key, day) + 1)
                    continue
                cursor.execute('RELEASE SAVEPOINT gov_dossier_code')
                break
            else:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_code_exhausted',
                        agency=key, day=day.strftime('%d/%m/%Y')))
        if items:
            # The codes were written with SQL: drop the cached records.
            transaction.counter += 1

    @classmethod
    def _committed_code_sequence(cls, key, day):
        "The highest number committed by other transactions (PostgreSQL)."
        if backend.name != 'postgresql':
            return 0
        table = cls.__table__()
        with Transaction().new_transaction() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(Max(table.code_sequence),
                    where=(table.code_key == key) & (table.code_date == day)))
            return cursor.fetchone()[0] or 0
