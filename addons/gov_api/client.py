# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The clients of the public API and their keys (R-OPS-2, R-SEC-1, R-SEC-2).

A client (the national public service portal, the provincial e-portal, an
agency's system) belongs to an agency: it reads the dossiers of that
agency and its sub-units only, unless the ICT department marks it
province-wide. Its scopes say which parts of the API it may call; its
rate limit, how many calls a minute.

A key is ``<prefix>.<secret>``: the prefix (public, indexed) finds the key,
only the SHA-256 of the whole key is stored and compared in constant time
(hmac.compare_digest). The key is shown once, by the *Issue a Key* wizard,
and never again: a lost key is revoked and another issued."""
import datetime as dt
import hashlib
import hmac
import secrets

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

SCOPES = [
    ('catalogue:read', "Catalogue (read)"),
    ('dossier:read', "Dossier Status (read)"),
    ('statistics:read', "Statistics (read)"),
    ('lookup', "Public Lookup"),
    ]
KEY_PREFIX = 'dvc'


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def key_hash(key):
    return hashlib.sha256(key.encode('utf-8')).hexdigest()


class Client(DeactivableMixin, ModelSQL, ModelView):
    "A system allowed to call the public API with its own keys."
    __name__ = 'gov.api.client'
    __string__ = "API Client"

    name = fields.Char("Name", required=True)
    agency = fields.Many2One('gov.agency', "Agency", required=True,
        ondelete='RESTRICT',
        help="The client reads the dossiers of this agency and its "
        "sub-units.")
    province_wide = fields.Boolean("Province-Wide",
        help="The client reads the dossiers of every agency of the "
        "province (the national or provincial portal).")
    scopes = fields.MultiSelection(SCOPES, "Scopes", sort=False,
        help="The parts of the API the client may call.")
    rate_limit = fields.Integer("Requests per Minute", required=True,
        help="Calls beyond it within a minute are answered 429.")
    contact = fields.Char("Contact",
        help="Who runs the client system (name, e-mail, phone).")
    note = fields.Text("Note")
    keys = fields.One2Many('gov.api.key', 'client', "Keys", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'issue_key': {
                    'invisible': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    def default_rate_limit(cls):
        return 60

    @classmethod
    def default_scopes(cls):
        return ['catalogue:read', 'lookup']

    @classmethod
    def validate_fields(cls, clients, field_names):
        super().validate_fields(clients, field_names)
        if field_names and 'rate_limit' not in field_names:
            return
        for client in clients:
            if not (1 <= (client.rate_limit or 0) <= 10000):
                raise ValidationError(gettext(
                        'gov_api.msg_client_rate_limit', client=client.name))

    @classmethod
    @ModelView.button_action('gov_api.wizard_issue_key')
    def issue_key(cls, clients):
        pass

    def agency_ids(self):
        "Ids of the agencies whose dossiers it reads; None: all of them."
        if self.province_wide:
            return None
        Agency = Pool().get('gov.agency')
        return Agency.subtree_ids([self.agency.id])


class Key(ModelSQL, ModelView):
    "A key of an API client: only its hash is stored."
    __name__ = 'gov.api.key'
    __string__ = "API Key"
    _rec_name = 'prefix'

    client = fields.Many2One('gov.api.client', "Client", required=True,
        ondelete='CASCADE', readonly=True)
    prefix = fields.Char("Key Prefix", readonly=True,
        help="The public beginning of the key, to recognise it.")
    key_hash = fields.Char("Key Hash", readonly=True, strip=False)
    expiry_date = fields.DateTime("Expires At", readonly=True)
    revoked_date = fields.DateTime("Revoked At", readonly=True)
    revoked_by = fields.Many2One('res.user', "Revoked By", readonly=True)
    state = fields.Function(fields.Selection([
                ('valid', "Valid"),
                ('expired', "Expired"),
                ('revoked', "Revoked"),
                ], "State", sort=False), 'get_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('prefix_uniq', Unique(t, t.prefix),
                'gov_api.msg_key_prefix_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.prefix, Index.Equality())))
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._buttons.update({
                'revoke': {
                    'invisible': Bool(Eval('revoked_date')),
                    'depends': ['revoked_date'],
                    },
                })

    def get_state(self, name):
        if self.revoked_date:
            return 'revoked'
        if self.expiry_date and self.expiry_date <= utcnow():
            return 'expired'
        return 'valid'

    @classmethod
    def check_modification(cls, mode, keys, values=None, external=False):
        """Keys are made by the wizard and only revoked afterwards: their
        prefix, hash and client never change."""
        super().check_modification(
            mode, keys, values=values, external=external)
        if mode == 'create' and external:
            raise ValidationError(gettext('gov_api.msg_key_readonly'))
        if (mode == 'write' and external
                and set(values) - {'revoked_date', 'revoked_by'}):
            raise ValidationError(gettext('gov_api.msg_key_readonly'))

    @classmethod
    @ModelView.button
    def revoke(cls, keys):
        keys = [k for k in keys if not k.revoked_date]
        cls.write(keys, {
                'revoked_date': utcnow(),
                'revoked_by': Transaction().user,
                })

    @classmethod
    def issue(cls, client, expiry_date=None):
        "A new key of client: (the key record, the key in clear, once)."
        prefix = secrets.token_hex(6)
        key = '%s_%s.%s' % (KEY_PREFIX, prefix, secrets.token_urlsafe(24))
        # The hash is closed to every group (field access): written by the
        # server for whoever may issue a key (the wizard's groups).
        with without_check_access():
            record, = cls.create([{
                        'client': client.id,
                        'prefix': prefix,
                        'key_hash': key_hash(key),
                        'expiry_date': expiry_date,
                        }])
        return record, key

    @classmethod
    def authenticate(cls, key):
        """The valid key record of a key given by a caller, None when it is
        unknown, forged, expired, revoked or its client deactivated."""
        if not isinstance(key, str) or len(key) > 200:
            return None
        head, dot, _ = key.partition('.')
        if not dot or not head.startswith(KEY_PREFIX + '_'):
            return None
        prefix = head[len(KEY_PREFIX) + 1:]
        if not prefix or len(prefix) > 32:
            return None
        found = cls.search([('prefix', '=', prefix)], limit=1)
        if not found:
            return None
        record, = found
        if not hmac.compare_digest(
                key_hash(key).encode(), (record.key_hash or '').encode()):
            return None
        if record.state != 'valid' or not record.client.active:
            return None
        return record


class IssueKeyStart(ModelView):
    "Issue an API key"
    __name__ = 'gov.api.key.issue.start'
    __string__ = "Issue an API Key"

    expiry_date = fields.Date("Expires On",
        help="Leave empty for a key without expiry.")


class IssueKeyResult(ModelView):
    "The issued API key"
    __name__ = 'gov.api.key.issue.result'
    __string__ = "Issued API Key"

    key = fields.Char("Key", readonly=True, strip=False,
        help="Copy it now and give it to the client's operator: it is "
        "shown only once and cannot be read again.")
    prefix = fields.Char("Key Prefix", readonly=True)


class IssueKey(Wizard):
    "Issue a key to an API client and show it once"
    __name__ = 'gov.api.key.issue'
    start = StateView('gov.api.key.issue.start',
        'gov_api.key_issue_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Issue", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('gov.api.key.issue.result',
        'gov_api.key_issue_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        pool = Pool()
        Key = pool.get('gov.api.key')
        Client = pool.get('gov.api.client')
        client = Client(self.record.id)
        if not client.active:
            raise ValidationError(gettext('gov_api.msg_client_inactive',
                    client=client.name))
        expiry = None
        if self.start.expiry_date:
            # Valid through the local day chosen.
            from gov_report.figures import local_start
            expiry = local_start(
                self.start.expiry_date + dt.timedelta(days=1))
        record, key = Key.issue(client, expiry)
        return {'key': key, 'prefix': record.prefix}
