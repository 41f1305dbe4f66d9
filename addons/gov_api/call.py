# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The log of the calls of the public API (R-OPS-2, R-SEC-1): one row per
call — client (none when the key was refused), time, method, path, status
and duration — written by the server after the answer, append-only for
everyone but root. It also counts the calls of the last minute for the
clients' rate limits: the database is shared by every worker."""
import datetime as dt
import unicodedata

from sql.aggregate import Count, Min

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.transaction import Transaction

WINDOW = dt.timedelta(minutes=1)


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)



def printable(text):
    """text with its control characters written %XX, as in a URL: the
    log keeps what was asked, and PostgreSQL refuses a NUL in a text."""
    return ''.join('%%%02X' % ord(c) if unicodedata.category(c) == 'Cc'
        else c for c in text)

class Call(ModelSQL, ModelView):
    "A call of the public API"
    __name__ = 'gov.api.call'
    __string__ = "API Call"

    client = fields.Many2One('gov.api.client', "Client", readonly=True,
        ondelete='RESTRICT')
    key_prefix = fields.Char("Key Prefix", readonly=True)
    date = fields.DateTime("Time", readonly=True, required=True)
    method = fields.Char("Method", readonly=True)
    path = fields.Char("Path", readonly=True)
    status = fields.Integer("Status", readonly=True)
    duration = fields.Integer("Duration (ms)", readonly=True)
    remote_address = fields.Char("Remote Address", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.client, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.date, Index.Range())),
                })
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def check_modification(cls, mode, calls, values=None, external=False):
        "Append-only: only root (the API itself) writes the log."
        super().check_modification(
            mode, calls, values=values, external=external)
        if Transaction().user:
            raise AccessError(gettext('gov_api.msg_call_append_only'))

    @classmethod
    def record(cls, client, key_prefix, method, path, status, duration,
            remote_address=None):
        "Log one call (as root, in the caller's transaction)."
        with Transaction().set_user(0):
            cls.create([{
                        'client': client,
                        'key_prefix': (key_prefix or '')[:32] or None,
                        'date': utcnow(),
                        'method': (method or '')[:10],
                        'path': printable(path or '')[:300],
                        'status': status,
                        'duration': int(duration),
                        'remote_address': (remote_address or '')[:64],
                        }])

    @classmethod
    def retry_after(cls, client):
        """Seconds the client must wait before its next call (0: it may
        call now): its calls answered in the last minute, the refused ones
        (429) not counted, against its rate limit."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        now = utcnow()
        cursor.execute(*table.select(Count(table.id), Min(table.date),
                where=(table.client == client.id)
                & (table.date > now - WINDOW)
                & (table.status != 429)))
        count, oldest = cursor.fetchone()
        if count < client.rate_limit:
            return 0
        if isinstance(oldest, str):  # SQLite
            oldest = dt.datetime.fromisoformat(oldest)
        wait = (oldest + WINDOW - now).total_seconds() if oldest else 60
        return max(1, int(wait) + 1)
