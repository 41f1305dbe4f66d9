"""OAuth 2.0 client credentials on /api/v1/ over real HTTP (R-OPS-2,
R-SEC-1, R-SEC-2): the live server with the demo data, the ICT department
(`sotttt`) issuing OAuth credentials with sao's wizard over JSON-RPC,
clients asking POST /api/v1/oauth/token for tokens (HTTP Basic and form
authentication) and calling the API with them — the same answers as with
their keys, within their agency, refused once revoked — and the auditor
reading their calls in the log. Every answer is checked against the
OpenAPI document (gov_api.tests.contract).
"""
import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from gov_api.tests.contract import check_answer
from tests.test_api_http import (
    CITY, DEPARTMENT, Ict, all_dossiers, checked, request, rpc)

TOKEN = '/api/v1/oauth/token'


def token_request(server, form, client_id=None, secret=None,
        content_type='application/x-www-form-urlencoded'):
    """(status, headers, JSON) of POST /api/v1/oauth/token, the client
    authenticated by HTTP Basic when client_id is given."""
    headers = {'Content-Type': content_type}
    if client_id is not None:
        raw = f'{client_id}:{secret}'.encode()
        headers['Authorization'] = 'Basic ' + base64.b64encode(raw).decode()
    data = urllib.parse.urlencode(form).encode()
    req = urllib.request.Request(server.url + TOKEN, data=data,
        headers=headers, method='POST')
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            status, head, raw = (response.status, dict(response.headers),
                response.read())
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, dict(error.headers), error.read()
    assert head['Content-Type'].startswith('application/json'), head
    assert head.get('Cache-Control') == 'no-store'
    body = json.loads(raw)
    check_answer('/oauth/token', 'POST', status, body, head)
    return status, head, body


def oauth_credentials(ict, client_id):
    "The wizard Issue OAuth Credentials as sao runs it: (id, secret)."
    session, _, _ = ict('wizard.gov.api.oauth.issue.create')
    context = {'active_model': 'gov.api.client', 'active_id': client_id,
        'active_ids': [client_id]}
    result = rpc(ict.server, ict.session,
        'wizard.gov.api.oauth.issue.execute', session, {}, 'result',
        context)
    rpc(ict.server, ict.session, 'wizard.gov.api.oauth.issue.delete',
        session, context)
    defaults = result['view']['defaults']
    assert defaults['token_url'] == TOKEN
    return defaults['client_id'], defaults['client_secret']


GRANT = {'grant_type': 'client_credentials'}


def agency_outside_city(server, ict):
    "The code of an agency outside the city with dossiers in the demo."
    admin, _ = server.login('admin', 'admin@2026')
    dossier, = rpc(server, admin, 'model.gov.dossier.search_read', [
            ('agency', 'not child_of', [ict.agency(CITY)], 'parent'),
            ('state', '!=', 'draft')], 0, 1, None, ['agency'], {})
    agency, = ict('model.gov.agency.read', [dossier['agency']], ['code'])
    return agency['code']


@pytest.fixture(scope='module')
def oauth_clients(live_server):
    """Clients of the city, of another agency with dossiers and of the
    department, each with a key and OAuth credentials: name → (record id,
    key, client id, secret)."""
    ict = Ict(live_server)
    result = {}
    for name, agency, scopes in [
            ('city', CITY, ['dossier:read', 'lookup', 'statistics:read',
                    'catalogue:read']),
            ('other', agency_outside_city(live_server, ict),
                ['dossier:read', 'catalogue:read']),
            ('department', DEPARTMENT, ['dossier:read', 'catalogue:read']),
            ('revoked', CITY, ['catalogue:read'])]:
        record, key = ict.client(f'OAuth {name}', agency, scopes,
            rate_limit=1000)
        result[name] = (record, key) + oauth_credentials(ict, record)
    return ict, result


def test_token_reads_what_the_key_reads(live_server, oauth_clients):
    """R-OPS-2: tokens got by HTTP Basic and by form authentication give
    the same dossiers, statistics and catalogue as the client's key"""
    _, clients = oauth_clients
    _, key, client_id, secret = clients['city']
    status, head, basic = token_request(live_server, GRANT, client_id,
        secret)
    assert status == 200 and basic['token_type'] == 'Bearer'
    assert basic['expires_in'] == 15 * 60
    assert set(basic['scope'].split()) == {'dossier:read', 'lookup',
        'statistics:read', 'catalogue:read'}
    status, _, post = token_request(live_server, dict(GRANT,
            client_id=client_id, client_secret=secret))
    assert status == 200 and post['access_token'] != basic['access_token']
    by_key = all_dossiers(live_server, key)
    assert by_key
    for token in [basic['access_token'], post['access_token']]:
        assert all_dossiers(live_server, token) == by_key
        for path, template in [
                ('/api/v1/statistics?from=2026-01-01&to=2026-12-31',
                    '/statistics'),
                ('/api/v1/procedures?page_size=5', '/procedures'),
                ('/api/v1/lookup/' + by_key[0]['code'], '/lookup/{code}')]:
            assert checked(live_server, 'GET', path, template, token)[:3:2] \
                == checked(live_server, 'GET', path, template, key)[:3:2]


def test_token_reads_its_agency_only(live_server, oauth_clients):
    """R-SEC-1, R-SEC-2: the city's token cannot read what only another
    agency's client may, and the other way round"""
    _, clients = oauth_clients
    tokens = {name: token_request(live_server, GRANT, *clients[name][2:])[2]
        ['access_token'] for name in ['city', 'other']}
    city = all_dossiers(live_server, tokens['city'])
    other = all_dossiers(live_server, tokens['other'])
    assert city and other
    assert not {d['code'] for d in city} & {d['code'] for d in other}
    for token, dossier, expected in [
            (tokens['city'], other[0], 404),
            (tokens['other'], city[0], 404),
            (tokens['other'], other[0], 200)]:
        status, _, body = checked(live_server, 'GET',
            '/api/v1/dossiers/' + dossier['code'], '/dossiers/{code}', token)
        assert status == expected
        if status == 200:
            assert body == dossier
        else:
            assert body['error']['code'] == 'not_found'
    status, _, body = checked(live_server, 'GET',
        f'/api/v1/statistics?from=2026-01-01&to=2026-06-30'
        f'&agency={DEPARTMENT}', '/statistics', tokens['city'])
    assert (status, body['error']['code']) == (403, 'out_of_scope')


def test_scope_narrowing_and_refused_requests(live_server, oauth_clients):
    """R-SEC-1: a requested scope narrows, never widens; wrong secret,
    unknown client, wrong grant type are refused as RFC 6749 §5.2 says;
    forged tokens get 401 invalid_token"""
    _, clients = oauth_clients
    _, _, client_id, secret = clients['department']
    status, _, body = token_request(live_server,
        dict(GRANT, scope='catalogue:read'), client_id, secret)
    assert status == 200 and body['scope'] == 'catalogue:read'
    narrow = body['access_token']
    assert checked(live_server, 'GET', '/api/v1/procedures', '/procedures',
        narrow)[0] == 200
    status, head, body = checked(live_server, 'GET', '/api/v1/dossiers',
        '/dossiers', narrow)
    assert (status, body['error']['code']) == (403, 'forbidden')
    assert 'insufficient_scope' in head['WWW-Authenticate']
    for form, auth, expected in [
            (GRANT, (client_id, secret + 'x'), (401, 'invalid_client')),
            (GRANT, ('dvcapp_0123456789abcdef', secret),
                (401, 'invalid_client')),
            (dict(GRANT, client_id=client_id, client_secret='sai'), (),
                (401, 'invalid_client')),
            (GRANT, (), (401, 'invalid_client')),
            ({'grant_type': 'password', 'username': 'sotttt',
                'password': 'dvc@2026'}, (client_id, secret),
                (400, 'unsupported_grant_type')),
            (dict(GRANT, scope='catalogue:read statistics:read'),
                (client_id, secret), (400, 'invalid_scope')),
            ]:
        status, head, body = token_request(live_server, form, *auth)
        assert (status, body['error']) == expected, form
        assert 'access_token' not in body
        if status == 401:
            assert head['WWW-Authenticate'].startswith('Basic')
    # A token whose claims were changed (another client, later exp).
    head_part, payload, signature = narrow.split('.')
    claims = json.loads(base64.urlsafe_b64decode(payload + '=='))
    claims.update(exp=claims['exp'] + 86400, scope='dossier:read')
    forged = '.'.join([head_part, base64.urlsafe_b64encode(json.dumps(
                    claims).encode()).decode().rstrip('='), signature])
    for token in [forged, narrow + 'x', 'eyJhbGciOiJub25lIn0.e30.']:
        status, head, body = checked(live_server, 'GET', '/api/v1/dossiers',
            '/dossiers', token)
        assert (status, body['error']['code']) == (401, 'unauthorized')
        assert 'error="invalid_token"' in head['WWW-Authenticate']
    assert request(live_server, 'GET', TOKEN)[0] == 405


def test_revoked_client_token_refused_at_once(live_server, oauth_clients):
    """R-SEC-1: once the ICT department deactivates the client or revokes
    its secret in sao, its tokens are refused from the next call on"""
    ict, clients = oauth_clients
    record, key, client_id, secret = clients['revoked']
    token = token_request(live_server, GRANT, client_id, secret)[2][
        'access_token']
    path = '/api/v1/procedures?page_size=1'
    assert checked(live_server, 'GET', path, '/procedures', token)[0] == 200
    ict('model.gov.api.client.write', [record], {'active': False})
    status, head, body = checked(live_server, 'GET', path, '/procedures',
        token)
    assert status == 401 and 'invalid_token' in head['WWW-Authenticate']
    assert token_request(live_server, GRANT, client_id, secret)[0] == 401
    ict('model.gov.api.client.write', [record], {'active': True})
    assert checked(live_server, 'GET', path, '/procedures', token)[0] == 200
    ict('model.gov.api.client.revoke_oauth', [record])
    assert checked(live_server, 'GET', path, '/procedures', token)[0] == 401
    assert token_request(live_server, GRANT, client_id, secret)[0] == 401
    # Its key is another credential, untouched.
    assert checked(live_server, 'GET', path, '/procedures', key)[0] == 200
    # The secret's hash is never read by the ICT department.
    answer = live_server.rpc('model.gov.api.client.read',
        [[record], ['oauth_secret_hash'], {}], session=ict.session)
    assert 'error' in answer


def test_token_calls_logged(live_server, oauth_clients):
    """R-SEC-1: token requests and the calls made with a token are in the
    auditor's log under the client, with its OAuth client id"""
    _, clients = oauth_clients
    record, _, client_id, secret = clients['city']
    token = token_request(live_server, GRANT, client_id, secret)[2][
        'access_token']
    checked(live_server, 'GET', '/api/v1/procedures/khong-co',
        '/procedures/{code}', token)
    session, _ = live_server.login('kiemtra', 'dvc@2026')
    calls = rpc(live_server, session, 'model.gov.api.call.search_read',
        [('client', '=', record)], 0, 2, [('id', 'DESC')],
        ['key_prefix', 'status', 'path', 'method'], {})
    assert [(c['method'], c['path'], c['status'], c['key_prefix'])
        for c in calls] == [
        ('GET', '/api/v1/procedures/khong-co', 404, client_id),
        ('POST', TOKEN, 200, client_id)]
    assert token not in json.dumps(calls) and secret not in json.dumps(calls)
