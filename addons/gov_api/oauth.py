# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""OAuth 2.0 client credentials for /api/v1/ (RFC 6749 §4.4; R-OPS-2,
R-SEC-1): ``POST /api/v1/oauth/token`` and the access tokens it issues.

The token endpoint is authlib's ``AuthorizationServer`` with its
``ClientCredentialsGrant`` — client authentication (``client_secret_basic``
and ``client_secret_post``), the grant type, the error bodies of RFC 6749
§5.2 — behind a small adapter for trytond's werkzeug request; what is ours
is the client (an API client's OAuth id and secret, oauth_client.py), that
a requested scope may narrow the client's scopes and never widen them
(``invalid_scope``), and the token.

The access token is a JWT (RFC 9068 ``at+jwt``, HS256, joserfc) with
``iss``, ``aud``, ``client_id``, ``scope``, ``jti``, ``iat``, ``exp`` and
``sid`` (which secret of the client it was issued with), signed with a key
derived from the database's secret (gov_portal's, or ``[gov] secret``) by
HMAC, so that it signs nothing else. Chosen over an opaque token stored as
a hash: issuing one writes nothing (the API's transactions stay
read-only) and no table of tokens grows; revocation does not need one
either, since every call reads the client anyway for its agency, scopes
and rate limit: a token is refused at once when its client is deactivated,
its secret revoked or replaced, and its scopes are those of the token that
the client still has. A token lives ``[gov_api] token_minutes`` (15).

A call with a token is then exactly a call with the client's key (api.py):
same client, agency subtree, scopes (at most), rate limit and call log
(the log's key prefix is the OAuth client id).

Error descriptions are English: RFC 6749 §5.2 allows only ASCII there;
the ``error`` code is what programs read."""
import base64
import binascii
import hashlib
import hmac
import secrets
import time

from authlib.oauth2.rfc6749 import (
    AuthorizationServer, ClientMixin, InvalidClientError, InvalidRequestError,
    InvalidScopeError, OAuth2Error, OAuth2Request)
from authlib.oauth2.rfc6749.errors import InsecureTransportError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from joserfc.jwt import JWTClaimsRegistry

from trytond import config
from trytond.pool import Pool

from .client import SCOPES
from .openapi import TOKEN_PATH

ISSUER = 'urn:dvc-daknong:gov_api'
AUDIENCE = 'urn:dvc-daknong:api:v1'
TOKEN_TYPE = 'at+jwt'
ALGORITHM = 'HS256'
MAX_TOKEN = 2048
SCOPE_NAMES = [s for s, _ in SCOPES]
AUTH_METHODS = ['client_secret_basic', 'client_secret_post']
BASIC_CHALLENGE = 'Basic realm="api"'


def token_minutes():
    "How long an access token lives, in minutes (at least a second)."
    minutes = config.getfloat('gov_api', 'token_minutes', default=15)
    return max(minutes, 1 / 60)


def signing_key():
    """The key of the tokens: HMAC of the database's secret, so that the
    tokens of one database mean nothing to another."""
    secret = config.get('gov', 'secret', default=None) or (
        Pool().get('gov.portal.configuration').get_secret())
    if not secret:
        raise RuntimeError('the database has no secret')
    raw = hmac.new(secret.encode(), b'gov_api oauth access token',
        hashlib.sha256).digest()
    return OctKey.import_key(raw)


class OAuthClient(ClientMixin):
    "An API client as authlib sees it: confidential, client credentials."

    def __init__(self, record):
        self.record = record

    def get_client_id(self):
        return self.record.oauth_client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = set(self.record.scopes or ())
        return ' '.join(s for s in SCOPE_NAMES if s in allowed
            and (not scope or s in scope.split()))

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return self.record.check_oauth_secret(client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == 'token' and method in AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == 'client_credentials'


class RateLimited(OAuth2Error):
    "Beyond the client's requests per minute (its calls and token requests)."
    error = 'rate_limited'
    status_code = 429

    def __init__(self, seconds):
        super().__init__(
            description='Too many requests: try again in %s seconds.'
            % seconds)
        self.seconds = seconds

    def get_headers(self):
        return super().get_headers() + [('Retry-After', str(self.seconds))]


class Grant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_token_request(self):
        super().validate_token_request()
        wait = Pool().get('gov.api.call').retry_after(self.client.record)
        if wait:
            raise RateLimited(wait)

    def validate_requested_scope(self):
        "A requested scope narrows the client's scopes, never widens them."
        scope = self.request.payload.scope
        if scope is None or not scope.strip():
            return
        allowed = set(self.client.record.scopes or ())
        if not set(scope.split()) <= allowed:
            raise InvalidScopeError(
                'The requested scope exceeds the scopes of the client.')


class WerkzeugRequest(OAuth2Request):
    "trytond's werkzeug request as authlib reads it: the form body only."

    def __init__(self, request):
        super().__init__(request.method, request.url, headers=request.headers)
        form = request.form if request.mimetype == (
            'application/x-www-form-urlencoded') else {}
        self.params = form.to_dict(flat=False) if form else {}
        self._form = {k: v[0] for k, v in self.params.items()}
        self.payload = BasicOAuth2Payload(self._form)

    @property
    def form(self):
        return self._form

    @property
    def args(self):
        return {}


class TokenServer(AuthorizationServer):
    "One token request: authlib's server on our clients and tokens."

    def __init__(self):
        super().__init__(scopes_supported=SCOPE_NAMES)
        self.register_grant(Grant)
        self.register_token_generator('default', self.generate)
        # The client once authenticated, for the call log.
        self.authenticated = None

    def query_client(self, client_id):
        if not isinstance(client_id, str) or len(client_id) > 64:
            return None
        Client = Pool().get('gov.api.client')
        found = Client.search([('oauth_client_id', '=', client_id)], limit=1)
        if not found or not found[0].oauth_secret_hash:
            return None
        return OAuthClient(found[0])

    def generate(self, grant_type, client, user=None, scope=None,
            expires_in=None, include_refresh_token=False):
        record = client.record
        now = int(time.time())
        lifetime = int(token_minutes() * 60)
        granted = client.get_allowed_scope(scope)
        claims = {
            'iss': ISSUER, 'aud': AUDIENCE,
            'sub': record.oauth_client_id,
            'client_id': record.oauth_client_id,
            'scope': granted,
            'jti': secrets.token_urlsafe(16),
            'iat': now, 'exp': now + lifetime,
            'sid': record.oauth_secret_stamp,
            }
        token = jwt.encode({'alg': ALGORITHM, 'typ': TOKEN_TYPE}, claims,
            signing_key(), algorithms=[ALGORITHM])
        return {'access_token': token, 'token_type': 'Bearer',
            'expires_in': lifetime, 'scope': granted}

    def save_token(self, token, request):
        "Nothing to store: the token is signed (see the module's doc)."

    def send_signal(self, name, *args, **kwargs):
        if name == 'after_authenticate_client':
            self.authenticated = kwargs['client'].record

    def create_oauth2_request(self, request):
        return WerkzeugRequest(request)

    def handle_response(self, status, body, headers):
        return status, body, dict(headers)

    def handle_error_response(self, request, error):
        # A failed client authentication is 401 with a challenge, whichever
        # way the client authenticated (RFC 6749 §5.2 allows it always).
        if error.error == 'invalid_client':
            error.status_code = 401
        status, body, headers = super().handle_error_response(request, error)
        if error.error == 'invalid_client':
            headers['WWW-Authenticate'] = BASIC_CHALLENGE
        return status, body, headers


def basic_is_text(request):
    """Whether HTTP Basic credentials, if any, are UTF-8 text (authlib
    would fail on other bytes instead of refusing the client)."""
    scheme, _, value = (request.headers.get('Authorization') or ''
        ).strip().partition(' ')
    if scheme.lower() != 'basic':
        return True
    try:
        base64.b64decode(value.strip()).decode('utf-8')
    except binascii.Error:
        return True  # refused by authlib as no credentials
    except UnicodeDecodeError:
        return False
    return True


def token_response(request):
    """(status, body, headers, API client record or None) of a token
    request: the record once the client authenticated, for the call
    log."""
    server = TokenServer()
    try:
        oauth_request = server.create_oauth2_request(request)
    except InsecureTransportError as error:
        return server.handle_error_response(None, error) + (None,)
    if not basic_is_text(request):
        return server.handle_error_response(oauth_request,
            InvalidClientError('Malformed HTTP Basic credentials.')) \
            + (None,)
    if any(len(v) > 1 for v in oauth_request.params.values()):
        # RFC 6749 §3.2: no parameter more than once.
        return server.handle_error_response(oauth_request,
            InvalidRequestError('Repeated parameter.')) + (None,)
    if (oauth_request.form.get('client_secret')
            and request.headers.get('Authorization')):
        # RFC 6749 §2.3: one way to authenticate the client, not two.
        return server.handle_error_response(oauth_request,
            InvalidRequestError('More than one client authentication.')) \
            + (None,)
    status, body, headers = server.create_token_response(request)
    return status, body, headers, server.authenticated


def authenticate(token, now=None):
    """(API client, scopes) of a valid access token; None when it is
    malformed, forged, expired, of a deactivated client, or issued with a
    secret since revoked or replaced. now: the clock, in seconds."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    try:
        decoded = jwt.decode(token, signing_key(), algorithms=[ALGORITHM])
        if decoded.header.get('typ') != TOKEN_TYPE:
            return None
        claims = decoded.claims
        JWTClaimsRegistry(now=now, leeway=0,
            iss={'essential': True, 'value': ISSUER},
            aud={'essential': True, 'value': AUDIENCE},
            exp={'essential': True}, jti={'essential': True},
            client_id={'essential': True}, sid={'essential': True},
            ).validate(claims)
    except (JoseError, ValueError, TypeError):
        return None
    client_id, scope = claims.get('client_id'), claims.get('scope', '')
    if not isinstance(client_id, str) or not isinstance(scope, str):
        return None
    Client = Pool().get('gov.api.client')
    # An inactive client is not found (DeactivableMixin).
    found = Client.search([('oauth_client_id', '=', client_id)], limit=1)
    if not found:
        return None
    client, = found
    stamp = client.oauth_secret_stamp
    if not stamp or not isinstance(claims['sid'], str) or \
            not hmac.compare_digest(stamp.encode(), claims['sid'].encode()):
        return None
    return client, set(scope.split()) & set(client.scopes or ())
