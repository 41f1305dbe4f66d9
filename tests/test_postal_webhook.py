"""The carrier's webhook over real HTTP (R-POST-3, R-SEC-2): the live
server, the sandbox postal operator of tests/conftest.py, and the events
the sandbox's control endpoint makes it send, signed, to
/buu-chinh/su-kien.

The data is prepared in the live server's database as
tests/test_portal_fee_payment.py does (a subprocess with the server's
configuration, as root): an active postal contract of the city for the
test construction permit, a postal dossier whose result is ready, handed
to the post (``Shipment.request``), which registers it with the sandbox
— the callback address is the live server's.
"""
import configparser
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from gov_agency import signed_http
from tests.conftest import ROOT
from tests.portal_seed import start_pool

PERMIT = 'TEST.XD.01'
CITY = '000.00.21.H16'
CONTRACT = 'TEST-BC-2026-01'
TUAN = {
    'applicant_name': 'Trần Văn Tuấn',
    'applicant_id_number': '067080009999',
    'applicant_phone': '0987000222',
    'applicant_address': 'Thôn 2, phường Nghĩa Trung, thành phố Gia Nghĩa',
    }
WEBHOOK = '/buu-chinh/su-kien'


# The pool of the live server's database, in the step's process.
_start = start_pool


def contract(database):
    """The city's active postal contract for the test permit: pickup at
    home (48 h, 20.000 đ) and return of results (24 h, 25.000 đ)."""
    from tests.portal_seed import seed
    seed(database)
    pool = _start(database)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Enterprise = pool.get('gov.postal.enterprise')
        Contract = pool.get('gov.postal.contract')
        Agency = pool.get('gov.agency')
        Procedure = pool.get('gov.procedure')
        Date = pool.get('ir.date')
        city, = Agency.search([('code', '=', CITY)])
        if not (city.address and city.phone):
            # The sender of the results sent by post.
            Agency.write([city], {
                    'address': city.address or '01 Lê Duẩn, Gia Nghĩa',
                    'phone': city.phone or '02613544123'})
        if not Contract.search([('number', '=', CONTRACT)]):
            permit, = Procedure.search([('code', '=', PERMIT)])
            enterprise = (Enterprise.search([('code', '=', 'TEST.BD')])
                or Enterprise.create([{'code': 'TEST.BD',
                            'name': 'Bưu điện tỉnh Đắk Nông (kiểm thử)'}]))[0]
            today = Date.today()
            record, = Contract.create([{
                        'number': CONTRACT, 'agency': city.id,
                        'enterprise': enterprise.id,
                        'signed_date': today, 'start_date': today,
                        'procedures': [('add', [permit.id])],
                        'services': [('create', [
                                    {'kind': 'pickup_home',
                                        'journey_hours': 48,
                                        'charge': 20000},
                                    {'kind': 'return_result',
                                        'journey_hours': 24,
                                        'charge': 25000},
                                    ])],
                        'collect_cod': True,
                        'training_clause': 'Bưu điện cử nhân viên dự tập '
                        'huấn tiếp nhận hồ sơ trước khi thực hiện.',
                        }])
            Contract.activate([record])
        Transaction().commit()


def handed_to_post(database, url):
    """A new postal dossier of Anh Tuấn for the permit, its result ready
    and handed to the post: prints {code, pin, tracking_number}."""
    contract(database)
    pool = _start(database, url)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        Shipment = pool.get('gov.postal.shipment')
        Agency = pool.get('gov.agency')
        Procedure = pool.get('gov.procedure')
        city, = Agency.search([('code', '=', CITY)])
        permit, = Procedure.search([('code', '=', PERMIT)])
        dossier, = Dossier.create([dict(TUAN,
                    procedure=permit.id, agency=city.id, channel='postal',
                    return_method='postal')])
        Dossier.submit([dossier])
        Dossier.receive([Dossier(dossier.id)])
        Dossier.process([Dossier(dossier.id)])
        Document.create([{'dossier': dossier.id, 'kind': 'result',
                    'name': 'giay-phep-xay-dung.pdf',
                    'data': b'%PDF-1.4\n% giay phep\n%%EOF\n'}])
        Dossier.result_ready([Dossier(dossier.id)])
        shipment, = Shipment.request([Dossier(dossier.id)], 'result')
        dossier = Dossier(dossier.id)
        print(json.dumps({'code': dossier.code, 'pin': dossier.pin,
                    'tracking_number': shipment.tracking_number,
                    'cod_amount': int(shipment.cod_amount)}))
        Transaction().commit()


def inspect(database, code):
    "Prints what the database holds of the dossier and its shipment."
    pool = _start(database)
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        Dossier = pool.get('gov.dossier')
        dossier, = Dossier.search([('code', '=', code)])
        shipment, = dossier.shipments
        history = [(h['event'], h['state'], str(h['date']))
            for h in dossier.get_public_history()]
        print(json.dumps({
                    'state': dossier.state,
                    'returned_date': str(dossier.returned_date),
                    'history': history,
                    'shipment': shipment.state,
                    'delivered_at': str(shipment.delivered_at),
                    'events': [(e.status, e.source, e.external_id)
                        for e in shipment.events],
                    'paid': str(dossier.get_payment_summary()['paid']),
                    }))


def run(server, function, *args):
    process = subprocess.run([sys.executable, '-c',
            'import sys; from tests.test_postal_webhook import '
            f'{function}; {function}(*sys.argv[1:])', *args],
        env=server.env, cwd=ROOT, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def post(url, body, headers=None):
    request = urllib.request.Request(url, data=body, method='POST',
        headers={'Content-Type': 'application/json', **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b'{}')
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b'{}')


def control(server, tracking_number, status, **values):
    "The sandbox records an event and sends it to the server, signed."
    status_, answer = post(
        f"{server.sandboxes['postal']}/shipments/{tracking_number}/events",
        json.dumps(dict(values, status=status)).encode())
    assert status_ == 201, answer
    return answer


def secret(server):
    "The carrier's secret, as the live server's configuration has it."
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(server.env['TRYTOND_CONFIG'], encoding='utf-8')
    return parser.get('gov_postal', 'secret')


@pytest.fixture(scope='module')
def shipped(live_server):
    return run(live_server, 'handed_to_post', live_server.database,
        live_server.url)


def test_delivery_events_over_http_close_the_dossier(live_server, shipped):
    "R-POST-3, R-SEC-2: the sandbox's signed events move the shipment; delivered, the dossier is done at the delivery time, the COD recorded; a forged body is refused (403) and changes nothing; an unknown tracking number 404; a replay 200 duplicate; an older event never moves the state back"
    server, number = live_server, shipped['tracking_number']
    assert number and shipped['cod_amount'] > 0
    facts = run(server, 'inspect', server.database, shipped['code'])
    assert (facts['state'], facts['shipment']) == ('result_ready',
        'requested')

    for status in ('picked_up', 'in_transit'):
        answer = control(server, number, status, location='Bưu cục Gia Nghĩa')
        assert answer['callback']['accepted'], answer
        assert answer['callback']['status'] == 200
    facts = run(server, 'inspect', server.database, shipped['code'])
    assert (facts['state'], facts['shipment']) == ('result_ready',
        'in_transit')

    # A forged event: the body of a real one changed (delivered) under
    # its signature → 403, nothing recorded.
    body = json.dumps(dict(answer['event'], status='delivered',
            event_id='EVFORGED')).encode()
    status, refused = post(server.url + WEBHOOK, body,
        {'X-Signature': signed_http.sign(secret(server),
                json.dumps(answer['event']).encode())})
    assert (status, refused['result']) == (403, 'forbidden'), refused
    status, _ = post(server.url + WEBHOOK, body)
    assert status == 403
    after = run(server, 'inspect', server.database, shipped['code'])
    assert after == facts

    # Delivered: the dossier is done at the delivery time.
    delivered = control(server, number, 'delivered', note='Đã phát cho '
        'người nhận', location='Gia Nghĩa')
    assert delivered['callback']['accepted'], delivered
    facts = run(server, 'inspect', server.database, shipped['code'])
    assert (facts['state'], facts['shipment']) == ('done', 'delivered')
    assert facts['returned_date'] == facts['delivered_at']
    at = delivered['event']['at'].replace('T', ' ').rstrip('Z')
    assert facts['delivered_at'] == at
    done = [h for h in facts['history'] if h[1] == 'done']
    assert done and done[-1][2] == at, facts['history']
    assert int(float(facts['paid'])) > 0, facts
    assert [e[0] for e in facts['events']] == ['requested', 'picked_up',
        'in_transit', 'delivered']

    # The same event again (correctly signed): 200 duplicate, nothing new.
    event = json.dumps(delivered['event'], ensure_ascii=False).encode()
    key = secret(server)
    status, answer = post(server.url + WEBHOOK, event,
        {'X-Signature': signed_http.sign(key, event)})
    assert (status, answer['result'], answer['state']) == (
        200, 'duplicate', 'delivered'), answer

    # An older status after delivery (a late in_transit, a new event id):
    # kept in the timeline, the state does not move back.
    late = json.dumps(dict(delivered['event'], status='in_transit',
            event_id='EVLATE0001', note='Đến bưu cục')).encode()
    status, answer = post(server.url + WEBHOOK, late,
        {'X-Signature': signed_http.sign(key, late)})
    assert (status, answer['state']) == (200, 'delivered'), answer
    later = run(server, 'inspect', server.database, shipped['code'])
    assert (later['state'], later['shipment']) == ('done', 'delivered')
    assert later['returned_date'] == facts['returned_date']
    assert len(later['events']) == 5

    # An unknown tracking number, correctly signed: 404.
    unknown = json.dumps(dict(delivered['event'],
            tracking_number='EB99999999' + '5VN',
            event_id='EVUNKNOWN01')).encode()
    status, answer = post(server.url + WEBHOOK, unknown,
        {'X-Signature': signed_http.sign(key, unknown)})
    assert (status, answer['result']) == (404, 'unknown_tracking_number')
