# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""OAuth 2.0 client credentials on /api/v1/ (R-OPS-2, R-SEC-1) on
gov_dossier's test world: the wizard's credentials, the token endpoint
(Basic and post client authentication, scope narrowing, RFC 6749 §5.2
errors), tokens giving exactly what the client's key gives, expiry,
revocation, forgery, rate limit and call log; answers checked against the
OpenAPI document."""
import base64
import json
import time

from joserfc import jwt
from joserfc.jwk import OctKey
from werkzeug.test import EnvironBuilder

from trytond import config
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_api import api, oauth, openapi
from gov_api.client import key_hash
from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, as_user, make_world)

from .contract import check_answer, check_document
from .test_api import ALL, call, make_client, received


def credentials(world, client):
    "The wizard as the ICT department runs it: (client id, secret)."
    Issue = Pool().get('gov.api.oauth.issue', type='wizard')
    with as_user(world['ict']):
        session, _, _ = Issue.create()
        with Transaction().set_context(active_model='gov.api.client',
                active_id=client.id, active_ids=[client.id]):
            result = Issue.execute(session, {}, 'result')
        Issue.delete(session)
    defaults = result['view']['defaults']
    return defaults['client_id'], defaults['client_secret']


def basic(client_id, secret):
    raw = ('%s:%s' % (client_id, secret)).encode()
    return {'Authorization': 'Basic ' + base64.b64encode(raw).decode()}


def token_call(form, headers=None, method='POST', content_type=None):
    "POST /api/v1/oauth/token, logged as routes.py does: (status, body, h)."
    builder = EnvironBuilder(path=api.PREFIX + oauth.TOKEN_PATH,
        method=method, headers=headers or {},
        data=form if content_type is None else json.dumps(form),
        content_type=content_type)
    answer = api.dispatch(builder.get_request())
    Pool().get('gov.api.call').record(answer.client, answer.key_prefix,
        method, api.PREFIX + oauth.TOKEN_PATH, answer.status, 1,
        '127.0.0.1')
    body = json.loads(answer.content())
    if method == 'POST':
        check_answer(oauth.TOKEN_PATH, method, answer.status, body,
            answer.headers)
    return answer.status, body, answer.headers


def get_token(client_id, secret, scope=None, post=False):
    form = {'grant_type': 'client_credentials'}
    if scope is not None:
        form['scope'] = scope
    if post:
        form.update(client_id=client_id, client_secret=secret)
        status, body, _ = token_call(form)
    else:
        status, body, _ = token_call(form, basic(client_id, secret))
    assert status == 200, body
    return body


class OAuthTestCase(ModuleDossierTestCase):
    "gov_dossier's world on a database with gov_api activated."
    module = 'gov_api'

    def test_document_has_the_oauth2_scheme(self):
        """R-OPS-2: the document offers OAuth 2.0 client credentials with
        the token URL and the client scopes, and each operation names the
        scope the API checks for it"""
        check_document()
        scheme = openapi.DOCUMENT['components']['securitySchemes']['oauth2']
        flow = scheme['flows']['clientCredentials']
        self.assertEqual(flow['tokenUrl'], api.PREFIX + oauth.TOKEN_PATH)
        self.assertEqual(list(flow['scopes']), oauth.SCOPE_NAMES)
        checked = 0
        for template, methods in openapi.DOCUMENT['paths'].items():
            adapter = api.ROUTES.bind('localhost',
                path_info=template.replace('{code}', 'x'))
            for method, operation in methods.items():
                endpoint, _ = adapter.match(method=method.upper())
                if endpoint == 'lookup_body':
                    endpoint = 'lookup'
                if endpoint not in api.ENDPOINTS:
                    continue
                self.assertIn({'oauth2': [api.ENDPOINTS[endpoint][1]]},
                    operation['security'], template)
                checked += 1
        self.assertEqual(checked, 7)

    @with_transaction()
    def test_credentials_shown_once_secret_stored_as_hash(self):
        "R-SEC-1: the wizard shows the secret once; only its hash is kept"
        Client = Pool().get('gov.api.client')
        world = make_world()
        client, _ = make_client(world)
        client_id, secret = credentials(world, client)
        self.assertTrue(client_id.startswith('dvcapp_'))
        client = Client(client.id)
        self.assertEqual(client.oauth_client_id, client_id)
        self.assertEqual(client.oauth_secret_hash, key_hash(secret))
        table = Client.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(where=table.id == client.id))
        self.assertNotIn(secret, repr(cursor.fetchone()))
        with as_user(world['ict']):
            with self.assertRaises(AccessError):
                Client.read([client.id], ['oauth_secret_hash'])
            # Only the wizard and the revoke button change them.
            for values in [{'oauth_client_id': 'dvcapp_x'},
                    {'oauth_secret_hash': key_hash('x')}]:
                with self.assertRaises(Exception):
                    Client.write([Client(client.id)], values)
        # A new secret keeps the client id, replaces the secret.
        again_id, again = credentials(world, client)
        self.assertEqual(again_id, client_id)
        self.assertNotEqual(again, secret)
        self.assertEqual(token_call({'grant_type': 'client_credentials'},
                basic(client_id, secret))[0], 401)
        get_token(client_id, again)

    @with_transaction()
    def test_token_gives_what_the_key_gives(self):
        """R-OPS-2: a token by Basic or by post authentication reads the
        same as the client's key; the token is a signed JWT with exp,
        client_id, scope and jti, living token_minutes"""
        world = make_world()
        received(world)
        received(world, agency='desk_b')
        client, key = make_client(world)
        client_id, secret = credentials(world, client)
        for post in [False, True]:
            body = get_token(client_id, secret, post=post)
            self.assertEqual(body['token_type'], 'Bearer')
            self.assertEqual(body['expires_in'], 15 * 60)
            self.assertEqual(body['scope'].split(), ALL)
            token = body['access_token']
            for path in ['/dossiers', '/procedures']:
                with_key = call('GET', path, key, path)
                with_token = call('GET', path, token, path)
                self.assertEqual(with_key[0], 200)
                self.assertEqual(with_token[:2], with_key[:2])
        claims = jwt.decode(token, oauth.signing_key()).claims
        self.assertEqual(claims['client_id'], client_id)
        self.assertEqual(claims['exp'] - claims['iat'], 15 * 60)
        self.assertTrue(claims['jti'])
        tokens = {get_token(client_id, secret)['access_token']
            for _ in range(3)}
        self.assertEqual(len(tokens), 3)

    @with_transaction()
    def test_token_errors(self):
        """R-SEC-1: wrong secret, unknown client, wrong grant type, wider
        or unknown scope, two authentications: RFC 6749 §5.2 errors"""
        world = make_world()
        client, _ = make_client(world, scopes=['catalogue:read'])
        client_id, secret = credentials(world, client)
        grant = {'grant_type': 'client_credentials'}
        for form, headers in [
                (grant, basic(client_id, secret + 'x')),
                (grant, basic('dvcapp_0000000000000000', secret)),
                (grant, {}),
                (dict(grant, client_id=client_id, client_secret='x'), {}),
                (dict(grant, client_id='nobody', client_secret=secret), {}),
                (dict(grant, client_id=client_id), {}),
                (grant, {'Authorization': 'Basic !!!'}),
                (grant, {'Authorization': 'Basic '
                        + base64.b64encode(b'\xff\xfe:x').decode()}),
                ]:
            status, body, headers = token_call(form, headers)
            self.assertEqual((status, body['error']), (401, 'invalid_client'),
                form)
            self.assertIn('Basic', headers['WWW-Authenticate'])
        auth = basic(client_id, secret)
        for form, error in [
                ({'grant_type': 'password', 'username': 'a',
                    'password': 'b'}, 'unsupported_grant_type'),
                ({'grant_type': 'authorization_code', 'code': 'x'},
                    'unsupported_grant_type'),
                ({}, 'unsupported_grant_type'),
                (dict(grant, scope='catalogue:read dossier:read'),
                    'invalid_scope'),
                (dict(grant, scope='admin'), 'invalid_scope'),
                ]:
            status, body, _ = token_call(form, auth)
            self.assertEqual((status, body['error']), (400, error), form)
            self.assertNotIn('access_token', body)
        status, body, _ = token_call(dict(grant, client_id=client_id,
                client_secret=secret), auth)
        self.assertEqual((status, body['error']), (400, 'invalid_request'))
        status, body, _ = token_call(grant, auth,
            content_type='application/json')
        self.assertEqual(status, 400)
        status, body, _ = token_call(None, auth, method='GET')
        self.assertEqual((status, body['error']['code']),
            (405, 'method_not_allowed'))

    @with_transaction()
    def test_scope_narrowing(self):
        """R-SEC-1: a token asked for fewer scopes has only those; a scope
        taken from the client is taken from its tokens at once"""
        Client = Pool().get('gov.api.client')
        world = make_world()
        client, _ = make_client(world)
        client_id, secret = credentials(world, client)
        body = get_token(client_id, secret, scope='catalogue:read')
        self.assertEqual(body['scope'], 'catalogue:read')
        narrow = body['access_token']
        self.assertEqual(call('GET', '/procedures', narrow)[0], 200)
        status, body, headers = call('GET', '/dossiers', narrow,
            '/dossiers')
        self.assertEqual((status, body['error']['code']), (403, 'forbidden'))
        self.assertIn('insufficient_scope', headers['WWW-Authenticate'])
        full = get_token(client_id, secret)['access_token']
        self.assertEqual(call('GET', '/dossiers', full)[0], 200)
        Client.write([client], {'scopes': ['catalogue:read']})
        self.assertEqual(call('GET', '/dossiers', full)[0], 403)

    @with_transaction()
    def test_expired_token_refused(self):
        "R-SEC-1: a token is refused from its exp on ([gov_api] token_minutes)"
        world = make_world()
        client, _ = make_client(world)
        client_id, secret = credentials(world, client)
        added = not config.has_section('gov_api')
        if added:
            config.add_section('gov_api')
        config.set('gov_api', 'token_minutes', '2')
        config._cache_clear()  # its getters are cached
        try:
            body = get_token(client_id, secret)
        finally:
            if added:
                config._config.remove_section('gov_api')
            else:
                config._config.remove_option('gov_api', 'token_minutes')
            config._cache_clear()
        self.assertEqual(body['expires_in'], 120)
        token = body['access_token']
        exp = jwt.decode(token, oauth.signing_key()).claims['exp']
        # The clock moved: one second before exp, at exp.
        self.assertIsNotNone(oauth.authenticate(token, now=exp - 1))
        self.assertIsNone(oauth.authenticate(token, now=exp))
        # A token of the right key whose exp is past, through the API.
        claims = jwt.decode(token, oauth.signing_key()).claims
        claims.update(iat=int(time.time()) - 600,
            exp=int(time.time()) - 1)
        expired = jwt.encode({'alg': 'HS256', 'typ': 'at+jwt'}, claims,
            oauth.signing_key())
        status, body, headers = call('GET', '/procedures', expired,
            '/procedures')
        self.assertEqual(status, 401)
        self.assertIn('error="invalid_token"', headers['WWW-Authenticate'])
        self.assertEqual(call('GET', '/procedures', token)[0], 200)

    @with_transaction()
    def test_revoked_and_forged_tokens_refused(self):
        """R-SEC-1: deactivating a client or revoking its secret refuses
        its tokens at once; forged tokens are refused"""
        Client = Pool().get('gov.api.client')
        world = make_world()
        client, _ = make_client(world)
        client_id, secret = credentials(world, client)
        token = get_token(client_id, secret)['access_token']
        self.assertEqual(call('GET', '/procedures', token)[0], 200)
        head, payload, signature = token.split('.')
        claims = json.loads(base64.urlsafe_b64decode(payload + '=='))
        other_key = OctKey.import_key(b'k' * 32)
        none_header = base64.urlsafe_b64encode(
            b'{"alg":"none","typ":"at+jwt"}').rstrip(b'=').decode()
        wider = base64.urlsafe_b64encode(json.dumps(dict(claims,
                    client_id='dvcapp_other')).encode()).rstrip(b'=')
        for forged in [
                head + '.' + wider.decode() + '.' + signature,
                none_header + '.' + payload + '.',
                jwt.encode({'alg': 'HS256', 'typ': 'at+jwt'}, claims,
                    other_key),
                jwt.encode({'alg': 'HS256', 'typ': 'JWT'}, claims,
                    oauth.signing_key()),
                token[:-2], 'x' * 3000, 'a.b.c']:
            status, body, headers = call('GET', '/procedures', forged,
                '/procedures')
            self.assertEqual((status, body['error']['code']),
                (401, 'unauthorized'), forged[:60])
            self.assertIn('invalid_token', headers['WWW-Authenticate'])
        with as_user(world['ict']):
            Client.write([Client(client.id)], {'active': False})
        self.assertEqual(call('GET', '/procedures', token)[0], 401)
        self.assertEqual(token_call({'grant_type': 'client_credentials'},
                basic(client_id, secret))[0], 401)
        with as_user(world['ict']):
            Client.write([Client(client.id)], {'active': True})
        self.assertEqual(call('GET', '/procedures', token)[0], 200)
        with as_user(world['ict']):
            Client.revoke_oauth([Client(client.id)])
        self.assertEqual(call('GET', '/procedures', token)[0], 401)
        self.assertEqual(token_call({'grant_type': 'client_credentials'},
                basic(client_id, secret))[0], 401)

    @with_transaction()
    def test_rate_limit_and_call_log(self):
        """R-SEC-1: a token's calls and the token requests are logged
        under the client and count in its rate limit"""
        Call = Pool().get('gov.api.call')
        world = make_world()
        client, _ = make_client(world, rate_limit=3)
        client_id, secret = credentials(world, client)
        token = get_token(client_id, secret)['access_token']
        self.assertEqual(call('GET', '/procedures', token)[0], 200)
        self.assertEqual(call('GET', '/procedures', token)[0], 200)
        status, body, headers = call('GET', '/procedures', token,
            '/procedures')
        self.assertEqual(status, 429)
        status, body, headers = token_call(
            {'grant_type': 'client_credentials'}, basic(client_id, secret))
        self.assertEqual((status, body['error']), (429, 'rate_limited'))
        self.assertTrue(1 <= int(headers['Retry-After']) <= 61)
        logged = Call.search([('client', '=', client.id)],
            order=[('id', 'ASC')])
        self.assertEqual([(c.status, c.key_prefix, c.path[:20])
                for c in logged], [
                (200, client_id, '/api/v1/oauth/token'),
                (200, client_id, '/api/v1/procedures?'),
                (200, client_id, '/api/v1/procedures?'),
                (429, client_id, '/api/v1/procedures?'),
                (429, client_id, '/api/v1/oauth/token'),
                ])
