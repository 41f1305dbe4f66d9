"""The public API /api/v1/ over real HTTP (R-OPS-2, R-SEC-1, R-SEC-2,
R-LOOK-1): the live server with the demo data, the ICT department
(`sotttt`) making clients and keys over sao's JSON-RPC, the calls of
clients of two agencies — and attacks: another agency's client, a client
without the scope, a revoked key, forged keys, hostile parameters. Every
answer is checked against the OpenAPI document (gov_api.tests.contract).
"""
import json
import urllib.error
import urllib.request

import pytest

from gov_api.tests.contract import check_answer, check_document

CITY = '000.00.21.H16'           # UBND thành phố Gia Nghĩa
DEPARTMENT = '000.00.11.H16'     # Sở TT&TT


def request(server, method, path, key=None, body=None, headers=None):
    "(status, headers, parsed JSON or text) of a call of the live server."
    headers = dict(headers or {})
    if key:
        headers['Authorization'] = 'Bearer ' + key
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers['Content-Type'] = 'application/json'
    req = urllib.request.Request(server.url + path, data=data,
        headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            status, head, raw = (response.status, dict(response.headers),
                response.read())
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, dict(error.headers), error.read()
    if head.get('Content-Type', '').startswith('application/json'):
        return status, head, json.loads(raw)
    return status, head, raw.decode('utf-8')


def checked(server, method, path, template, key=None, body=None,
        headers=None):
    "request() with the answer checked against the document."
    status, head, answer = request(server, method, path, key, body, headers)
    assert head['Content-Type'].startswith('application/json'), head
    assert head.get('Cache-Control') == 'no-store'
    check_answer(template, method, status, answer, head)
    return status, head, answer


def rpc(server, session, method, *params):
    answer = server.rpc(method, list(params), session=session)
    assert 'error' not in answer, answer
    return answer['result']


class Ict:
    "The ICT department's officer in sao (JSON-RPC)."

    def __init__(self, server):
        self.server = server
        self.session, _ = server.login('sotttt', 'dvc@2026')

    def __call__(self, method, *params):
        return rpc(self.server, self.session, method, *params, {})

    def agency(self, code):
        ids = self('model.gov.agency.search', [('code', '=', code)],
            0, None, None)
        return ids[0]

    def client(self, name, agency, scopes, **values):
        """A client of agency and a key issued by the wizard, as sao runs
        it: (client id, key)."""
        client_id, = self('model.gov.api.client.create', [dict({
                        'name': name, 'agency': self.agency(agency),
                        'scopes': scopes}, **values)])
        session, _, _ = self('wizard.gov.api.key.issue.create')
        context = {'active_model': 'gov.api.client', 'active_id': client_id,
            'active_ids': [client_id]}
        result = rpc(self.server, self.session,
            'wizard.gov.api.key.issue.execute', session,
            {'start': {'expiry_date': None}}, 'result', context)
        rpc(self.server, self.session, 'wizard.gov.api.key.issue.delete',
            session, context)
        return client_id, result['view']['defaults']['key']


@pytest.fixture(scope='module')
def clients(live_server):
    ict = Ict(live_server)
    return ict, {
        'city': ict.client('Hệ thống một cửa TP Gia Nghĩa', CITY,
            ['dossier:read', 'lookup', 'statistics:read']),
        'department': ict.client('Phần mềm Sở TT&TT', DEPARTMENT,
            ['dossier:read', 'catalogue:read']),
        'catalogue_only': ict.client('Cổng TTĐT tỉnh', DEPARTMENT,
            ['catalogue:read'], rate_limit=1000),
        'national': ict.client('Cổng Dịch vụ công quốc gia', CITY,
            ['dossier:read', 'catalogue:read'], province_wide=True),
        }


def all_dossiers(server, key):
    "Every dossier the key reads, page after page."
    items, page = [], 1
    while True:
        status, _, body = checked(server, 'GET',
            f'/api/v1/dossiers?page={page}&page_size=200', '/dossiers',
            key)
        assert status == 200, body
        items += body['items']
        if len(items) >= body['total'] or not body['items']:
            return items
        page += 1


def test_document_and_docs_page(live_server):
    "R-OPS-2: the OpenAPI 3.1 document and its page, without a key"
    status, head, document = request(live_server, 'GET',
        '/api/v1/openapi.json')
    assert status == 200
    check_document(document)
    status, head, page = request(live_server, 'GET', '/api/v1/docs')
    assert status == 200 and head['Content-Type'].startswith('text/html')
    assert "default-src 'none'" in head['Content-Security-Policy']
    assert '<script' not in page and '/api/v1/dossiers/{code}' in page


def test_dossiers_of_the_client_agency_only(live_server, clients):
    """R-OPS-2, R-SEC-2: the city's client reads the city's subtree, the
    department's client none of the city's dossiers, the national portal
    all; no personal data"""
    ict, keys = clients
    subtree = set(ict('model.gov.agency.search',
            [('parent', 'child_of', [ict.agency(CITY)])], 0, None, None))
    city_codes = {a['code'] for a in ict('model.gov.agency.read',
            list(subtree), ['code'])}
    city = all_dossiers(live_server, keys['city'][1])
    national = all_dossiers(live_server, keys['national'][1])
    assert city, 'the demo has dossiers of the city'
    assert {d['agency_code'] for d in city} <= city_codes
    assert len(national) > len(city)
    outside = [d for d in national if d['agency_code'] not in city_codes]
    assert outside
    department = all_dossiers(live_server, keys['department'][1])
    assert not {d['code'] for d in department} & {d['code'] for d in city}
    # Another agency's dossier by its code: not found, as if it did not
    # exist.
    status, _, body = checked(live_server, 'GET',
        '/api/v1/dossiers/' + outside[0]['code'], '/dossiers/{code}',
        keys['city'][1])
    assert status == 404 and body['error']['code'] == 'not_found'
    status, _, body = checked(live_server, 'GET',
        '/api/v1/dossiers/' + city[0]['code'], '/dossiers/{code}',
        keys['department'][1])
    assert status == 404
    status, _, body = checked(live_server, 'GET',
        '/api/v1/dossiers/' + city[0]['code'], '/dossiers/{code}',
        keys['city'][1])
    assert status == 200 and body == city[0]
    # No applicant's name, phone or identity number in the answers.
    admin, _ = live_server.login('admin', 'admin@2026')
    names = rpc(live_server, admin, 'model.gov.dossier.search_read',
        [('code', '=', city[0]['code'])], 0, 1, None,
        ['applicant_name', 'applicant_phone', 'applicant_id_number'], {})
    assert names[0]['applicant_name']
    text = json.dumps(city, ensure_ascii=False)
    for value in names[0].values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in text
    # Statistics of another agency: refused.
    status, _, body = checked(live_server, 'GET',
        f'/api/v1/statistics?from=2026-01-01&to=2026-06-30'
        f'&agency={DEPARTMENT}', '/statistics', keys['city'][1])
    assert (status, body['error']['code']) == (403, 'out_of_scope')
    status, _, body = checked(live_server, 'GET',
        '/api/v1/statistics?from=2026-01-01&to=2026-12-31', '/statistics',
        keys['city'][1])
    assert status == 200 and body['agency']['code'] == CITY


def test_scope_and_revocation(live_server, clients):
    """R-SEC-1: a client without the scope gets 403; once the ICT
    department revokes a key (sao), the key gets 401"""
    ict, keys = clients
    key = keys['catalogue_only'][1]
    status, _, body = checked(live_server, 'GET', '/api/v1/dossiers',
        '/dossiers', key)
    assert (status, body['error']['code']) == (403, 'forbidden')
    assert 'dossier:read' in body['error']['message']
    status, _, catalogue = checked(live_server, 'GET',
        '/api/v1/procedures?page_size=5', '/procedures', key)
    assert status == 200 and len(catalogue['items']) == 5
    assert catalogue['total'] >= 50
    code = catalogue['items'][0]['code']
    status, _, one = checked(live_server, 'GET', '/api/v1/procedures/'
        + code, '/procedures/{code}', key)
    assert status == 200 and one == catalogue['items'][0]
    # Revoked by the ICT department: refused from the next call on.
    client_id, key = keys['department']
    assert checked(live_server, 'GET', '/api/v1/procedures', '/procedures',
        key)[0] == 200
    key_ids = ict('model.gov.api.key.search', [('client', '=', client_id)],
        0, None, None)
    ict('model.gov.api.key.revoke', key_ids)
    status, head, body = checked(live_server, 'GET', '/api/v1/procedures',
        '/procedures', key)
    assert (status, body['error']['code']) == (401, 'unauthorized')
    assert 'khóa API' in body['error']['message']


def test_forged_keys_and_hostile_input(live_server, clients):
    "R-SEC-1: forged keys 401, malformed or hostile input a 4xx JSON error"
    _, keys = clients
    key = keys['city'][1]
    prefix, secret = key.split('.', 1)
    for forged in [prefix + '.' + secret[:-1] + ('A' if secret[-1] != 'A'
                else 'B'), 'dvc_' + '0' * 12 + '.x', "' OR 1=1 --"]:
        status, _, body = checked(live_server, 'GET', '/api/v1/dossiers',
            '/dossiers', forged)
        assert status == 401, forged
    status, _, body = checked(live_server, 'GET', '/api/v1/dossiers',
        '/dossiers', headers={'Authorization': 'Bearer'})
    assert status == 401
    for path, template, expected in [
            ("/api/v1/dossiers?changed_since=1'%20OR%20'1'='1", '/dossiers',
                400),
            ('/api/v1/dossiers?page=0', '/dossiers', 400),
            ('/api/v1/dossiers/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
                '/dossiers/{code}', 404),
            ("/api/v1/lookup/1'%3B%20DROP%20TABLE%20gov_dossier%3B--",
                '/lookup/{code}', 404),
            ('/api/v1/statistics?from=2026-13-01&to=2026-06-30',
                '/statistics', 400)]:
        status, _, body = checked(live_server, 'GET', path, template, key)
        assert status == expected, (path, body)
        assert '<script>' not in json.dumps(body)
    status, _, body = checked(live_server, 'POST', '/api/v1/lookup',
        '/lookup', key, body=b'{"code":')
    assert (status, body['error']['code']) == (400, 'invalid_json')
    status, _, body = checked(live_server, 'POST', '/api/v1/lookup',
        '/lookup', key, body={'code': 'x' * 20000})
    assert (status, body['error']['code']) == (413, 'too_large')
    status, _, body = request(live_server, 'GET', '/api/v1/khong-co', key)
    assert status == 404 and body['error']['code'] == 'not_found'
    # The portal's pages still work after all that.
    assert live_server.get('/tra-cuu')[0] == 200


def test_lookup_without_personal_data(live_server, clients):
    "R-LOOK-1, R-LOOK-2, R-SEC-2: the API's lookup is the stranger's view"
    _, keys = clients
    dossier = all_dossiers(live_server, keys['city'][1])[0]
    for method, path, body in [
            ('GET', '/api/v1/lookup/' + dossier['code'], None),
            ('POST', '/api/v1/lookup', {'code': dossier['code'].lower()})]:
        status, _, answer = checked(live_server, method, path,
            '/lookup/{code}' if method == 'GET' else '/lookup',
            keys['city'][1], body=body)
        assert status == 200 and answer['code'] == dossier['code']
        assert answer['state'] == dossier['state']
        assert 'masked_name' not in answer


def test_calls_logged_for_the_auditor(live_server, clients):
    """R-SEC-1: the calls — refused ones too — are in the log the auditor
    reads and nobody changes"""
    ict, keys = clients
    checked(live_server, 'GET', '/api/v1/dossiers', '/dossiers',
        'dvc_ffffffffffff.forged')
    session, _ = live_server.login('kiemtra', 'dvc@2026')
    calls = rpc(live_server, session, 'model.gov.api.call.search_read',
        [], 0, 50, [('id', 'DESC')], ['client', 'status', 'path', 'method'],
        {})
    assert calls[0]['status'] == 401 and calls[0]['client'] is None
    assert calls[0]['path'].startswith('/api/v1/dossiers')
    assert {c['status'] for c in calls} >= {200, 401}
    answer = live_server.rpc('model.gov.api.call.write',
        [[calls[0]['id']], {'status': 200}, {}], session=session)
    assert 'error' in answer
    answer = live_server.rpc('model.gov.api.call.delete',
        [[calls[0]['id']], {}], session=session)
    assert 'error' in answer
    # The citizens' desk officer sees neither clients nor calls.
    session, _ = live_server.login('motcua', 'dvc@2026')
    for model in ['gov.api.call', 'gov.api.client']:
        answer = live_server.rpc(f'model.{model}.search',
            [[], 0, None, None, {}], session=session)
        assert 'error' in answer


def test_rate_limit_over_http(live_server, clients):
    "R-SEC-1: beyond its requests per minute a client gets 429 Retry-After"
    ict, _ = clients
    _, key = ict.client('Thử giới hạn', CITY, ['catalogue:read'],
        rate_limit=2)
    for _ in range(2):
        assert request(live_server, 'GET', '/api/v1/procedures/x', key)[0] \
            == 404
    status, head, body = checked(live_server, 'GET', '/api/v1/procedures',
        '/procedures', key)
    assert (status, body['error']['code']) == (429, 'rate_limited')
    assert 1 <= int(head['Retry-After']) <= 61


def test_status_changes_queued_for_the_national_portal(live_server,
        clients):
    """R-OPS-2: with the sandbox national portal configured, the demo's
    dossier transitions left their synchronisation events, which the ICT
    department reads in sao"""
    ict, _ = clients
    assert 'national' in live_server.sandboxes
    events = ict('model.gov.api.outbox.search_read', [], 0, 5, None,
        ['event_id', 'event', 'state', 'payload'])
    assert events, 'the demo data made transitions'
    payload = json.loads(events[0]['payload'])
    assert payload['event_id'] == events[0]['event_id']
    assert set(payload['dossier']) == {'code', 'procedure_code',
        'agency_code', 'state', 'received_date', 'due_date',
        'completed_date', 'timeliness', 'changed'}
