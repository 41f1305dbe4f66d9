"""The demo data as shipped (make run) holds together: every published
procedure can be received wherever the portal offers it, an online dossier
to a ward lands at the one-stop desk serving it, and the head of unit
approves at her step (issue "five journeys", blocking items 1 and 2).
Runs against the live server over JSON-RPC, as sao does."""
import re

from tests.portal_fixtures import Client
from tests.test_portal_attacks import submit_dossier

DEMO_PASSWORD = 'dvc@2026'
WARD = '000.01.21.H16'         # UBND phường Nghĩa Đức
CITY_DESK = '000.30.21.H16'    # Bộ phận Một cửa UBND thành phố Gia Nghĩa
CENTRE = '000.01.01.H16'       # Trung tâm Phục vụ hành chính công tỉnh


def call(server, session, model, method, *args):
    "The JSON-RPC answer: ('ok', result) or ('error', message)."
    answer = server.rpc(f'model.{model}.{method}', [*args, {}], session)
    if 'error' in answer:
        return 'error', answer['error']
    return 'ok', answer['result']


def ok(server, session, model, method, *args):
    status, result = call(server, session, model, method, *args)
    assert status == 'ok', (model, method, result)
    return result


def session(server, login):
    password = 'admin@2026' if login == 'admin' else DEMO_PASSWORD
    return server.login(login, password)[0]


def test_reception_check_lists_nothing_on_the_demo(live_server):
    """R-AG-3, R-SUB-3, R-CAT-1: every published procedure × offering agency
    of the demo has an officer who can receive its dossiers"""
    server = live_server
    for login in ['admin', 'quantri']:
        user = session(server, login)
        gaps = ok(server, user, 'gov.dossier.reception_check', 'search_read',
            [('receivable', '=', False)], 0, None, None,
            ['procedure.code', 'agency.code'])
        assert gaps == [], gaps
    admin = session(server, 'admin')
    rows = ok(server, admin, 'gov.dossier.reception_check', 'search_read',
        [], 0, None, None, ['agency.code', 'desk.code', 'officers'])
    assert len(rows) > 53  # the 53 procedures, communes offer many
    desks = {r['agency.']['code']: r['desk.']['code'] for r in rows}
    assert desks[WARD] == CITY_DESK
    assert desks['000.00.08.H16'] == CENTRE  # Sở Tài nguyên và Môi trường
    # The sao report is under Configuration, for the administrator.
    status, _ = call(server, session(server, 'motcua'),
        'gov.dossier.reception_check', 'search', [], 0, None, None)
    assert status == 'error'


def test_desk_officer_finds_the_demo_ward_dossier(live_server):
    """R-SUB-3, R-AG-3: the birth registration submitted online to UBND
    phường Nghĩa Đức is in motcua's inbox, found by its code; not elsewhere"""
    server = live_server
    admin = session(server, 'admin')
    ids = ok(server, admin, 'gov.dossier', 'search', [
            ('procedure.code', '=', '1.001193'), ('agency.code', '=', WARD),
            ('channel', '=', 'online'), ('state', '=', 'submitted')],
        0, None, None)
    assert ids, 'the demo has no submitted birth registration at the ward'
    code = ok(server, admin, 'gov.dossier', 'read', ids[:1], ['code'])[0][
        'code']
    expected = {'motcua': ids[:1], 'lanhdao': ids[:1], 'chuyenvien': [],
        'motcuatinh': []}
    for login, found in expected.items():
        user = session(server, login)
        assert ok(server, user, 'gov.dossier', 'search',
            [('code', '=', code)], 0, None, None) == found, login
    # The "To Check" tab of the one-stop officer lists it.
    motcua = session(server, 'motcua')
    inbox = ok(server, motcua, 'gov.dossier', 'search',
        [('state', 'in', ['submitted', 'supplement'])], 0, None, None)
    assert ids[0] in inbox


def test_online_dossier_to_the_ward_is_received_by_its_desk(portal):
    """R-SUB-1, R-SUB-3, R-AG-3: a citizen submits on the portal to UBND
    phường Nghĩa Đức; motcua finds it by its code and receives it"""
    citizen = Client(portal).register(
        'phuong.nghiaduc@example.com', 'Hà Thị Phương', '066192005555')
    _, _, page = citizen.get('/nop-ho-so/TEST.KS.01')
    ward = re.search(
        r'<option value="(\d+)"[^>]*>[^<]*phường Nghĩa Đức', page).group(1)
    (status, headers, _), _ = submit_dossier(citizen, extra={
            'agency': ward, 'applicant_name': 'Hà Thị Phương',
            'applicant_id_number': '066192005555'})
    assert status == 303
    code = re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)
    assert code.startswith(WARD + '-')
    motcua = session(portal, 'motcua')
    ids = ok(portal, motcua, 'gov.dossier', 'search',
        [('code', '=', code)], 0, None, None)
    assert len(ids) == 1
    ok(portal, motcua, 'gov.dossier', 'receive', ids)
    state, = ok(portal, motcua, 'gov.dossier', 'read', ids, ['state'])
    assert state['state'] == 'received'


def test_head_of_unit_approves_the_demo_land_dossier(live_server):
    """R-PROC-1, R-AG-3, R-CAT-1: truongphong approves the land dossier her
    specialist forwarded; then Approve is hidden from her and refused, and
    lanhdao signs"""
    server = live_server
    admin = session(server, 'admin')
    ids = ok(server, admin, 'gov.dossier', 'search', [
            ('procedure.code', '=', 'H16.TAM.024'),
            ('state', '=', 'processing')], 0, None, None)
    assert len(ids) == 1, ids
    head, leader = session(server, 'truongphong'), session(server, 'lanhdao')
    specialist = session(server, 'chuyenvien')
    fields = ['can_act', 'current_step_kind', 'current_unit.code', 'state']

    def read(user):
        return ok(server, user, 'gov.dossier', 'read', ids, fields)[0]
    before = read(head)
    assert (before['current_step_kind'], before['current_unit.']['code'],
        before['can_act']) == ('approve', '000.31.21.H16', True)
    assert read(specialist)['can_act'] is False
    ok(server, head, 'gov.dossier', 'approve', ids)
    after = read(head)
    assert (after['state'], after['current_step_kind'],
        after['current_unit.']['code'], after['can_act']) == (
        'processing', 'approve', '000.00.21.H16', False)
    status, _ = call(server, head, 'gov.dossier', 'approve', ids)
    assert status == 'error'
    assert read(leader)['can_act'] is True
    ok(server, leader, 'gov.dossier', 'approve', ids)
    assert read(admin)['state'] == 'result_ready'
