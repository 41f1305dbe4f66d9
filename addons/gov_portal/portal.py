# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Portal-wide records: the signing secret, the lookup rate limit and the
token of each eForm shown, which makes a form sent twice give one dossier."""
import datetime as dt
import random
import secrets

from sql import Literal, Select
from sql.aggregate import Count
from sql.functions import CurrentTimestamp
from sql.operators import Less

from trytond import backend, config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from gov_agency.sql_text import Value, bind, sql_text
from gov_dossier.submission import PortalForm


class SubmissionTokenError(UserError):
    "The token of the form is another account's."


class SubmissionSentTwice(UserError):
    """The same form is being saved by another request (sent twice at
    once): this one is rolled back, the first one wins."""


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "The portal's settings; its secret signs CSRF tokens and QR links."
    __name__ = 'gov.portal.configuration'
    __string__ = "Portal Configuration"

    secret = fields.Char("Secret", strip=False, readonly=True)

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.secret))
        row = cursor.fetchone()
        if row is None:
            cursor.execute(*table.insert(
                    [table.secret], [[secrets.token_hex(32)]]))
        elif not row[1]:
            cursor.execute(*table.update(
                    [table.secret], [secrets.token_hex(32)],
                    where=table.id == row[0]))

    @classmethod
    def get_secret(cls):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.secret, where=table.secret != None))
        row = cursor.fetchone()
        return row[0] if row else ''


# Share of the lookups that also delete the old attempts.
PURGE_PROBABILITY = 0.02


class LookupAttempt(ModelSQL):
    """One dossier lookup by one address: the per-IP rate limit of the
    public lookup (R-LOOK-1) lives in the database so that every worker of
    the server shares it."""
    __name__ = 'gov.portal.lookup.attempt'
    __string__ = "Portal Lookup Attempt"

    ip_address = fields.Char("IP Address", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Each lookup counts the address's recent attempts and, now and
        # then, purges the old ones: without these, both scan every attempt
        # of the last minutes (tens of thousands at a few hundred lookups a
        # second).
        cls._sql_indexes.update({
                Index(t, (t.ip_address, Index.Equality()),
                    (t.create_date, Index.Range())),
                Index(t, (t.create_date, Index.Range())),
                })

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        if backend.name == 'postgresql':
            # Attempts lost in a crash cost nothing: no write-ahead log for
            # them, and a lookup's commit does not wait for the disk (a
            # transaction that wrote no log is committed asynchronously).
            cursor = Transaction().connection.cursor()
            table = cls._table
            cursor.execute("SELECT relpersistence FROM pg_class "
                "WHERE oid = %s::regclass", (table,))
            if cursor.fetchone()[0] == 'p':
                cursor.execute(f'ALTER TABLE "{table}" SET UNLOGGED')

    @classmethod
    def window(cls):
        return dt.timedelta(seconds=60)

    @classmethod
    def limit(cls):
        return config.getint('gov', 'lookup_per_minute', default=20)

    @classmethod
    def hit(cls, ip_address):
        """Record a lookup from ip_address; False when it is over the limit
        (the refused one is not counted, so the window really ends)."""
        cursor = Transaction().connection.cursor()
        since = dt.datetime.now() - cls.window()
        if random.random() < PURGE_PROBABILITY:
            cls.purge(since - cls.window())
        # One statement, one round trip: the attempt is inserted only while
        # the address's attempts of the window are under the limit.
        # Per model: the SMS lookup's attempts (sms_inbound.py) have
        # their own table.
        sql, params = sql_text(cls.__name__, cls._hit_statement)
        cursor.execute(sql, bind(params, ip_address=ip_address, since=since,
                user=Transaction().user, limit=cls.limit()))
        return cursor.rowcount > 0

    @classmethod
    def _hit_statement(cls):
        table = cls.__table__()
        recent = table.select(Count(table.id),
            where=(table.ip_address == Value('ip_address'))
            & (table.create_date >= Value('since')))
        return table.insert(
            [table.ip_address, table.create_date, table.create_uid],
            Select([Literal(Value('ip_address')), CurrentTimestamp(),
                    Literal(Value('user'))],
                where=Less(recent, Value('limit'))))

    @classmethod
    def purge(cls, before):
        """Delete the attempts older than `before`. Two lookups purging the
        same rows at once make the second one's (REPEATABLE READ)
        transaction fail with a serialization error — a 500 for a citizen,
        several times a second under load when every lookup purged. So a
        lookup purges only now and then (PURGE_PROBABILITY), in a
        savepoint, and a purge that collides is simply skipped: the next
        one removes the rows."""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        delete = table.delete(where=table.create_date < before)
        if backend.name != 'postgresql':
            cursor.execute(*delete)
            return
        cursor.execute('SAVEPOINT gov_portal_lookup_purge')
        try:
            cursor.execute(*delete)
        except backend.DatabaseOperationalError:
            cursor.execute('ROLLBACK TO SAVEPOINT gov_portal_lookup_purge')
        else:
            cursor.execute('RELEASE SAVEPOINT gov_portal_lookup_purge')


class Submission(ModelSQL):
    """One eForm of the portal, by its random token: a second POST of the
    same form (double click, reload) finds the dossier of the first instead
    of creating another (R-SUB-1)."""
    __name__ = 'gov.portal.submission'
    __string__ = "Portal Submission"

    token = fields.Char("Token", required=True, strip=False)
    web_user = fields.Many2One(
        'web.user', "Web User", required=True, ondelete='CASCADE')
    dossier = fields.Many2One('gov.dossier', "Dossier", ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        from trytond.model import Unique
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_uniq', Unique(t, t.token),
                'gov_portal.msg_submission_token_unique'),
            ]


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def portal_save_form(cls, procedure, web_user, form, files, *, token,
            draft=None, **kwargs):
        """As gov_dossier's (submission.py), for the form shown with token:
        sent again (double click, reload), it goes on with the draft of the
        first time, or finds the dossier the first time submitted, instead
        of making another dossier (R-SUB-1). SubmissionTokenError when the
        token is another account's; SubmissionSentTwice when another
        request is saving the same form."""
        Submission = Pool().get('gov.portal.submission')
        submissions = Submission.search([('token', '=', token)], limit=1)
        if submissions:
            submission, = submissions
            if submission.web_user.id != int(web_user):
                raise SubmissionTokenError(gettext(
                        'gov_dossier.msg_dossier_not_owner'))
            if submission.dossier and submission.dossier.state != 'draft':
                return PortalForm(submission.dossier, submitted=True)
            if submission.dossier:
                draft = submission.dossier.id
        else:
            submission = Submission(token=token, web_user=web_user)
        result = super().portal_save_form(
            procedure, web_user, form, files, draft=draft, **kwargs)
        submission.dossier = result.dossier
        try:
            with without_check_access():
                submission.save()
        except (backend.DatabaseIntegrityError, SQLConstraintError) as error:
            raise SubmissionSentTwice(gettext(
                    'gov_portal.msg_submission_token_unique')) from error
        return result
