# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who signed in through which provider (R-SEC-4, R-AG-4, R-SUB-8).

- gov.sso.identity links a provider's subject to one citizen account: the
  next sign-in of that subject opens that account.
- gov.sso.authorization keeps, server-side, what a sign-in started with
  (state, nonce, PKCE verifier, the browser that started it) until the
  provider sends the citizen back; it is deleted when used, so a state is
  good once, and refused after MAX_AGE.
- gov.sso.link keeps an identity the provider vouched for whose number is
  that of an existing local account: it is linked only after the
  account's password (no account taken over by a matching number or
  e-mail)."""
import datetime as dt
import hashlib
import json

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import without_check_access

from gov_portal.web_user import normalize_phone, valid_identification, PHONE

MAX_AGE = dt.timedelta(minutes=10)


def digest(value):
    "Tokens are stored as their SHA-256 only."
    return hashlib.sha256(value.encode('utf-8')).hexdigest()


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _text(value, size=None):
    if isinstance(value, dict):  # an OpenID Connect address object
        value = value.get('formatted')
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    value = ' '.join(str(value).split())
    return (value[:size] if size else value) or None


def profile_from_claims(provider, claims):
    """The profile fields the provider vouches for, from its claims by the
    provider's mapping: {identification_number, full_name, birth_date,
    address, phone, email} (missing or malformed ones left out)."""
    def claim(name):
        return claims.get(name) if name else None
    values = {
        'identification_number': _text(
            claim(provider.claim_identification), 12),
        'full_name': _text(claim(provider.claim_name), 200),
        'address': _text(claim(provider.claim_address), 500),
        }
    phone = normalize_phone(_text(claim(provider.claim_phone)) or '')
    if phone and PHONE.match(phone):
        values['phone'] = phone
    birth = _text(claim(provider.claim_birth_date))
    try:
        values['birth_date'] = dt.date.fromisoformat(birth) if birth else None
    except ValueError:
        values['birth_date'] = None
    email = _text(claim(provider.claim_email), 200)
    if email and '@' in email:
        values['email'] = email.lower()
        values['email_verified'] = claims.get('email_verified') is True
    return {k: v for k, v in values.items() if v is not None}


class Identity(ModelSQL, ModelView):
    "The account a provider's subject signs in to."
    __name__ = 'gov.sso.identity'
    __string__ = "Single Sign-On Identity"

    provider = fields.Many2One('gov.sso.provider', "Provider",
        required=True, ondelete='RESTRICT')
    subject = fields.Char("Subject", required=True, readonly=True,
        help="The provider's identifier of the person (claim \"sub\").")
    web_user = fields.Many2One('web.user', "Citizen Account",
        required=True, ondelete='CASCADE')
    identification_number = fields.Char(
        "Personal Identification Number", readonly=True)
    birth_date = fields.Date("Birth Date", readonly=True,
        help="As the provider vouched for it at the last sign-in.")
    last_login = fields.DateTime("Last Sign-In", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('subject_unique', Unique(t, t.provider, t.subject),
                'gov_sso.msg_identity_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.web_user, Index.Range())))

    @classmethod
    def find(cls, provider, subject):
        identities = cls.search([
                ('provider', '=', provider.id),
                ('subject', '=', subject),
                ], limit=1)
        return identities[0] if identities else None


class Authorization(ModelSQL):
    "A sign-in sent to a provider, waiting for the citizen to come back."
    __name__ = 'gov.sso.authorization'
    __string__ = "Single Sign-On Request"

    state_hash = fields.Char("State Hash", required=True)
    provider = fields.Many2One('gov.sso.provider', "Provider",
        required=True, ondelete='CASCADE')
    nonce = fields.Char("Nonce", required=True)
    code_verifier = fields.Char("Code Verifier", required=True)
    browser = fields.Char("Browser", required=True,
        help="The browser cookie of who started the sign-in: the answer "
        "is taken from that browser only.")
    next_path = fields.Char("Next")
    staff = fields.Boolean("Officer",
        help="An officer's sign-in to the back office (staff.py), not a "
        "citizen's to the portal.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('state_unique', Unique(t, t.state_hash),
                'gov_sso.msg_state_unique'),
            ]

    @classmethod
    def take(cls, state):
        """The request of this state, deleted (once only), or None when
        there is none (unknown, used, or older than MAX_AGE)."""
        requests = cls.search([('state_hash', '=', digest(state))], limit=1)
        if not requests:
            return None
        request, = requests
        values = {
            'provider': request.provider, 'nonce': request.nonce,
            'code_verifier': request.code_verifier,
            'browser': request.browser, 'next_path': request.next_path,
            'staff': request.staff, 'create_date': request.create_date,
            }
        cls.delete([request])
        if values['create_date'] < utcnow() - MAX_AGE:
            return None
        return values

    @classmethod
    def clean(cls):
        "Forget the sign-ins never finished."
        cls.delete(cls.search([('create_date', '<', utcnow() - MAX_AGE)]))


class PendingLink(ModelSQL):
    """An identity vouched for by a provider, waiting for the password of
    the local account with the same identification number — or, without
    an account (web_user empty), for her consent before one is made."""
    __name__ = 'gov.sso.link'
    __string__ = "Single Sign-On Pending Link"

    token_hash = fields.Char("Token Hash", required=True)
    browser = fields.Char("Browser", required=True)
    provider = fields.Many2One('gov.sso.provider', "Provider",
        required=True, ondelete='CASCADE')
    subject = fields.Char("Subject", required=True)
    web_user = fields.Many2One('web.user', "Citizen Account",
        ondelete='CASCADE')
    claims = fields.Text("Claims")
    next_path = fields.Char("Next")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_unique', Unique(t, t.token_hash),
                'gov_sso.msg_state_unique'),
            ]

    @classmethod
    def find(cls, token, browser):
        if not token:
            return None
        links = cls.search([
                ('token_hash', '=', digest(token)),
                ('browser', '=', browser),
                ('create_date', '>=', utcnow() - MAX_AGE),
                ], limit=1)
        return links[0] if links else None

    @property
    def claim_values(self):
        return json.loads(self.claims or '{}')


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # An account made by a provider that gives no e-mail has no
        # password either (it signs in through the provider only): the
        # e-mail, the login of the password, is required with a password.
        cls.email.states = cls.email.states.copy()
        cls.email.states['required'] = (Eval('active', True)
            & Bool(Eval('password_hash', True)))

    @classmethod
    def portal_authenticators(cls):
        "The password, then a button per active provider."
        Provider = Pool().get('gov.sso.provider')
        result = super().portal_authenticators()
        for provider in Provider.search([]):
            result.append(('sso-%s' % provider.code, provider.name,
                    '/dang-nhap/sso/%d' % provider.id))
        return result

    def apply_identity(self, values):
        """Replace the profile's typed data by what the provider vouched
        for (R-SEC-4: data pulled from the identity replaces typed data);
        the e-mail, the account's login, is not changed here."""
        changed = False
        for field in ('full_name', 'identification_number', 'birth_date',
                'address', 'phone'):
            value = values.get(field)
            if value and getattr(self, field) != value:
                setattr(self, field, value)
                changed = True
        if self.birth_date_error():
            # A date the number contradicts is not pre-filled anywhere;
            # it stays on the identity record for the administrator.
            self.birth_date = None
            changed = True
        if changed:
            self.save()
        self.sync_party()

    @classmethod
    def create_from_identity(cls, values):
        """A new account from the provider's claims; it has the e-mail the
        provider gave unless another account has it (never taken over)."""
        email = values.get('email')
        with without_check_access():
            if email and cls.search([('email', '=', email)], limit=1):
                email = None
        user = cls(
            email=email,
            email_valid=bool(email and values.get('email_verified')),
            full_name=values.get('full_name'),
            identification_number=values['identification_number'],
            birth_date=values.get('birth_date'),
            address=values.get('address'),
            phone=values.get('phone'))
        if user.birth_date_error():
            user.birth_date = None
        user.save()
        user.sync_party()
        return user

    @classmethod
    def local_with_number(cls, number):
        "The local account carrying this identification number, if any."
        if not valid_identification(number):
            return None
        users = cls.search([('identification_number', '=', number)],
            limit=1)
        return users[0] if users else None
