# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public API /api/v1/ on gov_dossier's test world (R-OPS-2, R-SEC-1,
R-SEC-2, R-LOOK-1, R-LOOK-2): keys, scopes, the agency subtree, the rate
limit, the errors, the call log; every answer checked against the OpenAPI
document (contract.py)."""
import datetime as dt
import json

from werkzeug.test import EnvironBuilder

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_api import api, docs, openapi
from gov_api.client import key_hash
from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, as_user, at, local, make_dossier, make_world,
    reload)

from .contract import check_answer, check_document

ALL = ['catalogue:read', 'dossier:read', 'statistics:read', 'lookup']


def make_client(world, agency='a', scopes=ALL, province_wide=False,
        rate_limit=60):
    "A client of agency and a key of it: (client, key in clear)."
    pool = Pool()
    Client = pool.get('gov.api.client')
    Key = pool.get('gov.api.key')
    client, = Client.create([{
                'name': 'Hệ thống %s' % agency,
                'agency': world.agencies[agency].id,
                'scopes': scopes,
                'province_wide': province_wide,
                'rate_limit': rate_limit,
                }])
    _, key = Key.issue(client)
    return client, key


def call(method, path, key=None, template=None, query=None, body=None,
        headers=None):
    """One call through api.dispatch and the call log, as routes.py makes
    it; with template, the answer is checked against the document."""
    headers = dict(headers or {})
    if key:
        headers['Authorization'] = 'Bearer ' + key
    builder = EnvironBuilder(path=api.PREFIX + path, method=method,
        query_string=query, headers=headers,
        data=body if isinstance(body, (bytes, str)) or body is None
        else json.dumps(body),
        content_type='application/json' if body is not None else None)
    request = builder.get_request()
    answer = api.dispatch(request)
    Pool().get('gov.api.call').record(answer.client, answer.key_prefix,
        method, request.full_path, answer.status, 1, '127.0.0.1')
    body = answer.body if answer.html else json.loads(answer.content())
    if template:
        check_answer(template, method, answer.status, body, answer.headers)
    return answer.status, body, answer.headers


def received(world, agency='desk_a', moment=(2026, 6, 1, 9)):
    Dossier = Pool().get('gov.dossier')
    dossier = make_dossier(world, channel='desk', agency=agency)
    with at(local(*moment)):
        Dossier.receive([dossier])
    return reload(dossier)


class ApiTestCase(ModuleDossierTestCase):
    "gov_dossier's world on a database with gov_api activated."
    module = 'gov_api'

    def test_document_is_valid_openapi(self):
        "R-OPS-2: the served document is valid OpenAPI 3.1"
        check_document()
        self.assertEqual(openapi.document()['openapi'], '3.1.0')

    @with_transaction()
    def test_document_and_docs_are_public(self):
        "R-OPS-2: the document and its HTML page need no key, no script"
        status, body, _ = call('GET', '/openapi.json')
        self.assertEqual(status, 200)
        self.assertEqual(body, openapi.document())
        status, html, _ = call('GET', '/docs')
        self.assertEqual(status, 200)
        self.assertEqual(html, docs.render())
        for path in openapi.DOCUMENT['paths']:
            self.assertIn('/api/v1' + path, html)
        self.assertNotIn('<script', html)

    @with_transaction()
    def test_key_stored_as_hash_shown_once_by_the_wizard(self):
        "R-SEC-1: the ICT department issues a key; only its hash is kept"
        pool = Pool()
        Key = pool.get('gov.api.key')
        IssueKey = pool.get('gov.api.key.issue', type='wizard')
        world = make_world()
        client, _ = make_client(world)
        with as_user(world['ict']):
            session, _, _ = IssueKey.create()
            with Transaction().set_context(active_model='gov.api.client',
                    active_id=client.id, active_ids=[client.id]):
                result = IssueKey.execute(session,
                    {'start': {'expiry_date': None}}, 'result')
            IssueKey.delete(session)
        key = result['view']['defaults']['key']
        record, = Key.search([
                ('prefix', '=', result['view']['defaults']['prefix'])])
        self.assertEqual(record.key_hash, key_hash(key))
        table = Key.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(where=table.id == record.id))
        row = cursor.fetchone()
        self.assertNotIn(key.split('.')[1], repr(row))
        self.assertEqual(Key.authenticate(key), record)
        # The hash is closed to the ICT role itself.
        with as_user(world['ict']):
            with self.assertRaises(AccessError):
                Key.read([record.id], ['key_hash'])
            # Nobody changes a key but to revoke it.
            with self.assertRaises(Exception):
                Key.write([Key(record.id)], {'key_hash': key_hash('x')})
            with self.assertRaises(Exception):
                Key.write([Key(record.id)], {'prefix': 'abc'})
            # Keys come from the wizard only.
            with self.assertRaises(Exception):
                Key.create([{'client': client.id, 'prefix': 'abc'}])

    @with_transaction()
    def test_refused_keys(self):
        "R-SEC-1: no key, unknown, forged, expired or revoked key → 401"
        pool = Pool()
        Key = pool.get('gov.api.key')
        Client = pool.get('gov.api.client')
        world = make_world()
        client, key = make_client(world)
        status, _, _ = call('GET', '/procedures', key, '/procedures')
        self.assertEqual(status, 200)
        prefix, secret = key.split('.', 1)
        forged = prefix + '.' + secret[::-1]
        for given in [None, 'dvc_000000000000.abc', forged, 'x' * 500,
                "' OR 1=1 --", prefix]:
            status, body, headers = call('GET', '/procedures', given,
                '/procedures')
            self.assertEqual(status, 401, given)
            self.assertEqual(body['error']['code'], 'unauthorized')
            self.assertIn('Bearer', headers['WWW-Authenticate'])
        status, _, _ = call('GET', '/procedures', None, '/procedures',
            headers={'Authorization': 'Basic ' + key})
        self.assertEqual(status, 401)
        # Expired
        record, = Key.search([('client', '=', client.id)])
        Key.write([record], {'expiry_date': dt.datetime(2020, 1, 1)})
        self.assertEqual(call('GET', '/procedures', key)[0], 401)
        # Revoked by the ICT department
        Key.write([record], {'expiry_date': None})
        self.assertEqual(call('GET', '/procedures', key)[0], 200)
        with as_user(world['ict']):
            Key.revoke([Key(record.id)])
        self.assertEqual(call('GET', '/procedures', key)[0], 401)
        # A deactivated client's keys are all refused.
        _, other = Key.issue(client)
        self.assertEqual(call('GET', '/procedures', other)[0], 200)
        Client.write([client], {'active': False})
        self.assertEqual(call('GET', '/procedures', other)[0], 401)

    @with_transaction()
    def test_scopes(self):
        "R-SEC-2: a client calls only the parts of its scopes → 403"
        world = make_world()
        _, key = make_client(world, scopes=['lookup'])
        for path, template in [('/procedures', '/procedures'),
                ('/procedures/P1', '/procedures/{code}'),
                ('/dossiers', '/dossiers'),
                ('/dossiers/X', '/dossiers/{code}')]:
            status, body, _ = call('GET', path, key, template)
            self.assertEqual(status, 403, path)
            self.assertEqual(body['error']['code'], 'forbidden')
        status, body, _ = call('GET', '/statistics', key, '/statistics',
            query={'from': '2026-06-01', 'to': '2026-06-30'})
        self.assertEqual(status, 403)

    @with_transaction()
    def test_catalogue(self):
        "R-OPS-2, R-CAT-1: the published procedures, one by its code"
        world = make_world()
        _, key = make_client(world, scopes=['catalogue:read'])
        status, body, _ = call('GET', '/procedures', key, '/procedures')
        self.assertEqual(status, 200)
        self.assertEqual(body['total'], 1)
        p1, = body['items']
        self.assertEqual(p1['code'], 'P1')
        self.assertEqual(p1['processing_days'], 5)
        self.assertEqual({a['code'] for a in p1['agencies']},
            {'000.00.21.H16', '000.00.22.H16'})
        self.assertEqual(p1['field']['code'], 'TN.DD')
        self.assertEqual(p1['service_level']['code'], 'full')
        status, one, _ = call('GET', '/procedures/P1', key,
            '/procedures/{code}')
        self.assertEqual((status, one), (200, p1))
        status, body, _ = call('GET', '/procedures/NOPE', key,
            '/procedures/{code}')
        self.assertEqual((status, body['error']['code']),
            (404, 'not_found'))
        status, body, _ = call('GET', '/procedures', key, '/procedures',
            query={'page': 2, 'page_size': 1})
        self.assertEqual((status, body['items'], body['total']),
            (200, [], 1))

    @with_transaction()
    def test_dossiers_of_the_agency_subtree_only(self):
        """R-OPS-2, R-SEC-2: district A's client reads the dossiers of A's
        one-stop desk, never B's, and no personal data"""
        world = make_world()
        _, key_a = make_client(world, 'a', ['dossier:read'])
        _, key_province = make_client(world, 'a', ['dossier:read'],
            province_wide=True)
        mine = received(world, 'desk_a')
        other = received(world, 'desk_b')
        draft = make_dossier(world, channel='desk')
        status, body, _ = call('GET', '/dossiers', key_a, '/dossiers')
        self.assertEqual(status, 200)
        self.assertEqual([d['code'] for d in body['items']], [mine.code])
        item, = body['items']
        self.assertEqual(item['procedure_code'], 'P1')
        self.assertEqual(item['agency_code'], '000.30.21.H16')
        self.assertEqual(item['state'], 'received')
        self.assertEqual(item['due_date'], mine.due_date.isoformat())
        self.assertEqual(item['received_date'],
            mine.received_date.isoformat() + 'Z')
        text = json.dumps(body, ensure_ascii=False)
        for personal in ['Nguyễn Thị Lan', '067195001234', 'pin']:
            self.assertNotIn(personal, text)
        status, body, _ = call('GET', '/dossiers/' + other.code, key_a,
            '/dossiers/{code}')
        self.assertEqual(status, 404)
        status, body, _ = call('GET', '/dossiers/' + mine.code.lower(),
            key_a, '/dossiers/{code}')
        self.assertEqual((status, body['code']), (200, mine.code))
        status, body, _ = call('GET', '/dossiers', key_province,
            '/dossiers')
        codes = [d['code'] for d in body['items']]
        self.assertEqual(codes, [mine.code, other.code])
        self.assertNotIn(draft.id, [mine.id, other.id])
        # Changed since: a moment after every write finds nothing.
        later = (dt.datetime.utcnow() + dt.timedelta(hours=1))
        status, body, _ = call('GET', '/dossiers', key_province,
            '/dossiers', query={
                'changed_since': later.replace(microsecond=0).isoformat()
                + 'Z'})
        self.assertEqual((status, body['total']), (200, 0))
        status, body, _ = call('GET', '/dossiers', key_province,
            '/dossiers', query={'changed_since': '2000-01-01T00:00:00Z',
                'page_size': 1, 'page': 2})
        self.assertEqual([d['code'] for d in body['items']], [other.code])
        self.assertEqual(body['total'], 2)

    @with_transaction()
    def test_statistics(self):
        """R-OPS-2, R-REP-1: figures.compute's counts of the client's
        agency; another agency's figures refused"""
        world = make_world()
        _, key_a = make_client(world, 'a', ['statistics:read'])
        received(world, 'desk_a', (2026, 6, 1, 9))
        received(world, 'desk_b', (2026, 6, 2, 9))
        june = {'from': '2026-06-01', 'to': '2026-06-30'}
        status, body, _ = call('GET', '/statistics', key_a, '/statistics',
            query=june)
        self.assertEqual(status, 200)
        self.assertEqual(body['agency']['code'], '000.00.21.H16')
        self.assertEqual(body['total']['received'], 1)
        self.assertEqual([a['code'] for a in body['agencies']],
            ['000.30.21.H16'])
        status, body, _ = call('GET', '/statistics', key_a, '/statistics',
            query=dict(june, agency='000.00.22.H16'))
        self.assertEqual((status, body['error']['code']),
            (403, 'out_of_scope'))
        status, body, _ = call('GET', '/statistics', key_a, '/statistics',
            query=dict(june, agency='NOPE'))
        self.assertEqual(status, 404)
        for query in [{}, {'from': '2026-06-30', 'to': '2026-06-01'},
                {'from': '2020-01-01', 'to': '2026-01-01'},
                {'from': '01/06/2026', 'to': '2026-06-30'},
                {'from': "2026-06-01'; DROP TABLE gov_dossier; --",
                    'to': '2026-06-30'}]:
            status, body, _ = call('GET', '/statistics', key_a,
                '/statistics', query=query)
            self.assertEqual(status, 400, query)

    @with_transaction()
    def test_lookup_is_the_portal_public_view(self):
        """R-LOOK-1, R-LOOK-2, R-SEC-2: the lookup answers what the
        portal shows a stranger, without even the masked name"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        _, key = make_client(world, 'b', ['lookup'])
        dossier = received(world, 'desk_a')
        facts, _ = Dossier.lookup_facts(dossier.code)
        view = Dossier.public_view(facts, False)
        for path, template, body in [
                ('/lookup/' + dossier.code, '/lookup/{code}', None),
                ('/lookup', '/lookup', {'code': ' ' + dossier.code.lower()}),
                ]:
            status, answer, _ = call('POST' if body else 'GET', path, key,
                template, body=body)
            self.assertEqual(status, 200)
            self.assertEqual(answer['code'], dossier.code)
            self.assertEqual(answer['state_label'], view['state_label'])
            self.assertEqual(answer['agency'], view['agency'])
            self.assertEqual(answer['due_date'],
                dossier.due_date.isoformat())
            text = json.dumps(answer, ensure_ascii=False)
            self.assertNotIn('Nguyễn', text)
            self.assertNotIn(view['masked_name'], text)
        status, body, _ = call('GET', '/lookup/NOPE-1', key,
            '/lookup/{code}')
        self.assertEqual(status, 404)
        status, body, _ = call('POST', '/lookup', key, '/lookup',
            body=b'{"code": ')
        self.assertEqual((status, body['error']['code']),
            (400, 'invalid_json'))
        status, body, _ = call('POST', '/lookup', key, '/lookup',
            body=['a'])
        self.assertEqual(status, 400)
        status, body, _ = call('POST', '/lookup', key, '/lookup',
            body={'code': 'x' * 10000})
        self.assertEqual((status, body['error']['code']),
            (413, 'too_large'))

    @with_transaction()
    def test_bad_requests_are_json_4xx(self):
        "R-SEC-1: malformed or hostile parameters get a 4xx JSON error"
        world = make_world()
        _, key = make_client(world)
        cases = [
            ('GET', '/procedures', {'page': 'abc'}, '/procedures', 400),
            ('GET', '/procedures', {'page_size': '100000'}, '/procedures',
                400),
            ('GET', '/procedures', {'page': '-1'}, '/procedures', 400),
            ('GET', '/dossiers', {'changed_since': 'yesterday'},
                '/dossiers', 400),
            ('GET', '/dossiers', {'changed_since': "1' OR '1'='1"},
                '/dossiers', 400),
            ('GET', "/dossiers/1' OR '1'='1", None, '/dossiers/{code}',
                404),
            ('GET', '/procedures/<script>alert(1)</script>', None,
                '/procedures/{code}', 404),
            # A control character is in no code: malformed, on SQLite
            # and PostgreSQL alike (which refuses a NUL in a query).
            ('GET', '/lookup/%00%27', None, '/lookup/{code}', 400),
            ]
        for method, path, query, template, expected in cases:
            status, body, _ = call(method, path, key, template, query=query)
            self.assertEqual(status, expected, (path, query))
            self.assertNotIn('<script>', json.dumps(body))
        status, body, _ = call('GET', '/nothing-here', key)
        self.assertEqual((status, body['error']['code']),
            (404, 'not_found'))
        status, body, headers = call('DELETE', '/procedures', key)
        self.assertEqual((status, body['error']['code']),
            (405, 'method_not_allowed'))

    @with_transaction()
    def test_rate_limit(self):
        "R-SEC-1: beyond its calls per minute a client gets 429"
        world = make_world()
        _, key = make_client(world, rate_limit=3)
        _, other = make_client(world, rate_limit=3)
        for _ in range(3):
            self.assertEqual(call('GET', '/procedures', key)[0], 200)
        status, body, headers = call('GET', '/procedures', key,
            '/procedures')
        self.assertEqual((status, body['error']['code']),
            (429, 'rate_limited'))
        self.assertTrue(1 <= int(headers['Retry-After']) <= 61)
        # Refused calls do not prolong the wait; other clients go on.
        self.assertEqual(call('GET', '/procedures', key)[0], 429)
        self.assertEqual(call('GET', '/procedures', other)[0], 200)

    @with_transaction()
    def test_call_log_append_only(self):
        """R-SEC-1: every call is logged; the ICT department and the
        auditor read the log, nobody changes it, other roles see nothing"""
        pool = Pool()
        Call = pool.get('gov.api.call')
        Client = pool.get('gov.api.client')
        world = make_world()
        client, key = make_client(world)
        call('GET', '/procedures', key)
        call('GET', '/procedures', 'dvc_bad.key')
        logged = Call.search([], order=[('id', 'ASC')])
        self.assertEqual([(c.client, c.status, c.method, c.path)
                for c in logged[-2:]], [
                (client, 200, 'GET', '/api/v1/procedures?'),
                (None, 401, 'GET', '/api/v1/procedures?')])
        for login in ['ict', 'auditor']:
            with as_user(world[login]):
                self.assertEqual(len(Call.search([])), len(logged))
                with self.assertRaises(AccessError):
                    Call.write(Call.search([]), {'status': 200})
                with self.assertRaises(AccessError):
                    Call.delete(Call.search([]))
                with self.assertRaises(AccessError):
                    Call.create([{'date': dt.datetime(2026, 1, 1)}])
        for login in ['receiver_a', 'leader_a', 'admin_p', 'nobody']:
            with as_user(world[login]):
                with self.assertRaises(AccessError):
                    Call.search([])
                with self.assertRaises(AccessError):
                    Client.search([])
        with as_user(world['auditor']):
            with self.assertRaises(AccessError):
                Client.create([{'name': 'x',
                            'agency': world.agencies['a'].id}])

    @with_transaction()
    def test_ict_manages_clients(self):
        "R-OPS-2: the ICT department creates clients, checked limits"
        from trytond.model.exceptions import ValidationError
        Client = Pool().get('gov.api.client')
        world = make_world()
        with as_user(world['ict']):
            client, = Client.create([{'name': 'Cổng DVC quốc gia',
                        'agency': world.agencies['province'].id,
                        'province_wide': True,
                        'scopes': ['dossier:read']}])
            self.assertEqual(client.rate_limit, 60)
            with self.assertRaises(ValidationError):
                Client.write([client], {'rate_limit': 0})
