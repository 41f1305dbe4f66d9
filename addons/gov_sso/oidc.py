# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The OpenID Connect protocol, done by authlib (nothing of it written
here): discovery, the authorization code flow with PKCE (S256), the ID
token's signature against the provider's JWKS and its claims (iss, aud,
exp, iat, nonce, azp, at_hash), as authlib's own OpenID client does
(authlib.integrations.base_client.sync_openid).

The provider's metadata and keys are cached per process for
CACHE_SECONDS; a token signed with a key the cache does not have (the
provider rotated its keys) makes the keys be fetched again once."""
import logging
import threading
import time

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

logger = logging.getLogger(__name__)

TIMEOUT = 10
CACHE_SECONDS = 3600
# Seconds of clock difference tolerated on exp and iat.
LEEWAY = 60
# Only signatures by the provider's published keys: never "none" nor a
# shared-secret HMAC.
ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
    'ES256', 'ES384', 'ES512', 'EdDSA']


class SSOError(Exception):
    """The sign-in cannot go on. kind: 'unreachable' (the provider did not
    answer or answered nonsense), 'token' (its token endpoint refused the
    code), 'id_token' (the ID token is not valid)."""

    def __init__(self, kind, detail):
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


_cache = {}
_lock = threading.Lock()


def _get_json(url):
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise SSOError('unreachable', f'{url}: {error}') from error


def _cached(key, fetch, force=False):
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit and not force and hit[0] > now:
        return hit[1]
    value = fetch()
    with _lock:
        _cache[key] = (now + CACHE_SECONDS, value)
    return value


def clear_cache():
    with _lock:
        _cache.clear()


def metadata(issuer):
    "The provider's discovery document, checked (issuer, endpoints)."
    def fetch():
        data = _get_json(
            issuer.rstrip('/') + '/.well-known/openid-configuration')
        try:
            OpenIDProviderMetadata(data).validate()
        except (ValueError, TypeError, AttributeError) as error:
            raise SSOError('unreachable', f'metadata: {error}') from error
        # The document must describe the configured issuer (OpenID
        # Connect Discovery 1.0, 4.3).
        if data.get('issuer') != issuer:
            raise SSOError('unreachable',
                f'metadata issuer {data.get("issuer")!r} is not {issuer!r}')
        return data
    return _cached(('metadata', issuer), fetch)


def key_set(meta, force=False):
    uri = meta['jwks_uri']

    def fetch():
        try:
            return KeySet.import_key_set(_get_json(uri))
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise SSOError('unreachable', f'{uri}: {error}') from error
    return _cached(('jwks', uri), fetch, force=force)


def _session(provider, redirect_uri):
    return OAuth2Session(provider.client_id, provider.client_secret,
        scope=' '.join(provider.scope_list), redirect_uri=redirect_uri,
        code_challenge_method='S256')


def authorization_request(provider, redirect_uri):
    """(URL to send the browser to, state, nonce, PKCE code verifier):
    the last three are kept by the caller until the callback."""
    meta = metadata(provider.issuer)
    state, nonce = generate_token(32), generate_token(32)
    verifier = generate_token(64)
    with _session(provider, redirect_uri) as session:
        url, _ = session.create_authorization_url(
            meta['authorization_endpoint'], state=state, nonce=nonce,
            code_verifier=verifier)
    return url, state, nonce, verifier


def _decode(token, meta, force=False):
    algorithms = [a for a in meta.get(
            'id_token_signing_alg_values_supported') or ['RS256']
        if a in ALGORITHMS]
    return jwt.decode(token, key_set(meta, force=force),
        algorithms=algorithms)


def id_token_claims(provider, meta, token, nonce):
    """The ID token's claims, once its signature (the provider's keys)
    and claims (iss, aud, exp, iat, nonce …) are verified."""
    id_token = token.get('id_token')
    if not id_token:
        raise SSOError('id_token', 'no id_token in the token response')
    try:
        try:
            decoded = _decode(id_token, meta)
        except InvalidKeyIdError:
            # An unknown kid: the provider rotated its keys.
            decoded = _decode(id_token, meta, force=True)
        claims = CodeIDToken(decoded.claims, decoded.header, {
                'iss': {'essential': True, 'value': meta['issuer']},
                'aud': {'essential': True, 'value': provider.client_id},
                }, {
                'nonce': nonce,
                'client_id': provider.client_id,
                'access_token': token.get('access_token'),
                })
        claims.validate(leeway=LEEWAY)
    except (JoseError, ValueError, TypeError) as error:
        raise SSOError('id_token', repr(error)) from error
    if not isinstance(claims.get('sub'), str) or not claims['sub']:
        raise SSOError('id_token', 'no subject')
    return dict(claims)


def exchange(provider, code, verifier, redirect_uri, nonce):
    """Trade the authorization code (with the PKCE verifier and the client
    secret) for tokens; return the verified claims of the person, those of
    the ID token completed by the userinfo endpoint's when it has one."""
    meta = metadata(provider.issuer)
    with _session(provider, redirect_uri) as session:
        try:
            token = session.fetch_token(meta['token_endpoint'],
                grant_type='authorization_code', code=code,
                code_verifier=verifier, timeout=TIMEOUT)
        except AuthlibBaseError as error:
            raise SSOError('token', repr(error)) from error
        except (requests.RequestException, ValueError) as error:
            raise SSOError('unreachable', repr(error)) from error
        claims = id_token_claims(provider, meta, token, nonce)
        if meta.get('userinfo_endpoint'):
            try:
                response = session.get(meta['userinfo_endpoint'],
                    timeout=TIMEOUT)
                response.raise_for_status()
                info = response.json()
            except (AuthlibBaseError, requests.RequestException,
                    ValueError) as error:
                raise SSOError('unreachable', repr(error)) from error
            # OpenID Connect Core 5.3.2: the userinfo of another subject
            # is not used.
            if isinstance(info, dict) and info.get('sub') == claims['sub']:
                for key, value in info.items():
                    claims.setdefault(key, value)
            else:
                raise SSOError('id_token', 'userinfo of another subject')
    return claims
