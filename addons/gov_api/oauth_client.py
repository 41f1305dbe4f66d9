# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The OAuth 2.0 credentials of an API client (R-OPS-2, R-SEC-1): a client
id and a client secret for the client credentials grant (RFC 6749 §4.4,
oauth.py), next to its API keys.

The client id is public and stays the same for the client's life; the
secret is ``<random>`` shown once by the *Issue OAuth Credentials* wizard,
of which only the SHA-256 is stored (as the keys: a random secret of 256
bits needs no slow hash) and compared in constant time. Issuing a new
secret replaces the old one, *Revoke OAuth Secret* removes it: either way
the access tokens issued with the old secret are refused from the next
call on, since each token names the secret it came from (oauth.py)."""
import hmac
import secrets

from trytond.i18n import gettext
from trytond.model import ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateView, Wizard

from .client import key_hash, utcnow

CLIENT_ID_PREFIX = 'dvcapp_'
OAUTH_FIELDS = {'oauth_client_id', 'oauth_secret_hash', 'oauth_secret_date'}


class Client(metaclass=PoolMeta):
    __name__ = 'gov.api.client'

    oauth_client_id = fields.Char("OAuth Client ID", readonly=True,
        strip=False,
        help="The public identifier of the client for OAuth 2.0 (client "
        "credentials), given with its secret.")
    oauth_secret_hash = fields.Char("OAuth Secret Hash", readonly=True,
        strip=False)
    oauth_secret_date = fields.DateTime("OAuth Secret Issued At",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('oauth_client_id_uniq', Unique(t, t.oauth_client_id),
                'gov_api.msg_oauth_client_id_unique'),
            ]
        cls._buttons.update({
                'issue_oauth': {
                    'invisible': ~Eval('active', True),
                    'depends': ['active'],
                    },
                'revoke_oauth': {
                    'invisible': ~Bool(Eval('oauth_secret_date')),
                    'depends': ['oauth_secret_date'],
                    },
                })

    @classmethod
    def copy(cls, clients, default=None):
        "A copy is another client: it gets its own credentials."
        default = dict(default or {})
        for name in OAUTH_FIELDS:
            default.setdefault(name, None)
        return super().copy(clients, default=default)

    @classmethod
    def check_modification(cls, mode, clients, values=None, external=False):
        "The credentials are made by the wizard and the revoke button only."
        super().check_modification(
            mode, clients, values=values, external=external)
        if (external and mode in {'create', 'write'}
                and set(values or {}) & OAUTH_FIELDS):
            raise ValidationError(gettext('gov_api.msg_oauth_readonly'))

    @classmethod
    @ModelView.button_action('gov_api.wizard_issue_oauth')
    def issue_oauth(cls, clients):
        pass

    @classmethod
    @ModelView.button
    def revoke_oauth(cls, clients):
        # The hash is closed to every group (field access).
        with without_check_access():
            cls.write(list(clients), {
                    'oauth_secret_hash': None,
                    'oauth_secret_date': None,
                    })

    def issue_oauth_secret(self):
        "A new secret of the client, in clear, once: (client id, secret)."
        client_id = self.oauth_client_id or (
            CLIENT_ID_PREFIX + secrets.token_hex(8))
        secret = secrets.token_urlsafe(32)
        with without_check_access():
            self.write([self], {
                    'oauth_client_id': client_id,
                    'oauth_secret_hash': key_hash(secret),
                    'oauth_secret_date': utcnow(),
                    })
        return client_id, secret

    def check_oauth_secret(self, secret):
        "Whether secret is the client's current secret (constant time)."
        if not self.oauth_secret_hash or not isinstance(secret, str):
            return False
        return hmac.compare_digest(key_hash(secret).encode(),
            self.oauth_secret_hash.encode())

    @property
    def oauth_secret_stamp(self):
        """Names the current secret in the tokens issued with it (a part
        of its hash): a new or revoked secret refuses the old tokens."""
        return (self.oauth_secret_hash or '')[:16] or None


class IssueOAuthResult(ModelView):
    "The issued OAuth credentials"
    __name__ = 'gov.api.oauth.issue.result'
    __string__ = "Issued OAuth Credentials"

    client_id = fields.Char("Client ID", readonly=True, strip=False)
    client_secret = fields.Char("Client Secret", readonly=True, strip=False,
        help="Copy it now and give it to the client's operator: it is "
        "shown only once and cannot be read again.")
    token_url = fields.Char("Token URL", readonly=True)


class IssueOAuth(Wizard):
    "Issue OAuth client credentials to an API client and show them once"
    __name__ = 'gov.api.oauth.issue'
    start_state = 'result'
    result = StateView('gov.api.oauth.issue.result',
        'gov_api.oauth_issue_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        Client = Pool().get('gov.api.client')
        client = Client(self.record.id)
        if not client.active:
            raise ValidationError(gettext(
                    'gov_api.msg_oauth_client_inactive', client=client.name))
        client_id, secret = client.issue_oauth_secret()
        return {'client_id': client_id, 'client_secret': secret,
            'token_url': '/api/v1/oauth/token'}
