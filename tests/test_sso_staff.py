"""Officers sign in to the back office with the identity provider (R-AG-4,
R-SEC-4; Điều 5.5): gov_sso/staff.py against the sandbox identity provider
over real HTTP, the way sao's login button does it (its popup opens
/admin/<database>/sso/staff, comes back with sao's session cookie).

- sao is told the service (common.authentication.services);
- the demo officer `motcua`, whose identification number the demo gives
  her account, comes back signed in: sao's session cookie opens RPC calls
  as her, and the audit log has her sign-in;
- an identity of no officer, a replayed state, a state from another
  browser, a citizen's portal state and a tampered ID token open nothing.
"""
import http.client
import json
import urllib.parse

from tests.portal_fixtures import Client, sao_page, sao_shot  # noqa: F401
from tests.test_portal_sso import at_provider, control

OFFICER = ('motcua', '067188004242')  # gov_server/data_sso.py


def staff_start(client, server):
    "sao's popup: to the provider; the URL sao will be sent back to."
    next_ = f'{server.url}/admin/?login_service=/sso/staff'
    status, headers, body = client.get(
        f'/admin/{server.database}/sso/staff?'
        + urllib.parse.urlencode({'next': next_}))
    assert status == 302, body
    return headers['Location']


def back(client, server, callback):
    prefix = f'{server.url}/admin/{server.database}/sso/staff/callback?'
    assert callback.startswith(prefix), callback
    return client.get(callback[len(server.url):])


def rpc_as_cookie(server, client, method, params):
    "A JSON-RPC call with sao's session cookie only (no other credential)."
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port,
        timeout=30)
    connection.request('POST', f'/admin/{server.database}/rpc/',
        body=json.dumps({'id': 1, 'method': method, 'params': params}),
        headers={'Content-Type': 'application/json',
            'Cookie': f"tryton_session={client.cookies['tryton_session']}"})
    response = connection.getresponse()
    answer = response.status, response.read()
    connection.close()
    return answer


def test_sao_lists_the_service(live_server):
    "R-AG-4: sao's login dialog is told the officers' sign-in service"
    answer = live_server.rpc('common.authentication.services', [],
        database=False)
    assert ['VNeID', '/sso/staff'] in answer['result']


def test_officer_signs_in_to_sao(live_server):
    "R-AG-4, R-SEC-4: the officer with that identification number comes back to sao signed in, with sao's session cookie; the sign-in is audited"
    server = live_server
    client = Client(server)
    authorize = staff_start(client, server)
    login, number = OFFICER
    status, headers, body = back(client, server, at_provider(authorize, {
                'identification_number': number, 'name': 'Nguyễn Thị Hoa'}))
    assert status == 302, body
    target = urllib.parse.urlsplit(headers['Location'])
    query = dict(urllib.parse.parse_qsl(target.query))
    assert target.path == '/admin/'
    assert (query['login_service'], query['database'], query['login']) == (
        '/sso/staff', server.database, login)
    assert 'tryton_session' in client.cookies
    status, body = rpc_as_cookie(server, client,
        'model.res.user.get_preferences', [False, {}])
    assert status == 200, body
    # The session is hers: her preferences (her name), her account.
    preferences = json.loads(body)['result']
    assert preferences['name'] == 'Nguyễn Thị Hoa', preferences
    status, body = rpc_as_cookie(server, client, 'model.res.user.read',
        [[int(query['user_id'])], ['login'], {}])
    assert json.loads(body)['result'][0]['login'] == login
    # The auditor sees the sign-in.
    session, _ = server.login('kiemtra', 'dvc@2026')
    events = server.rpc('model.gov.audit.event.search_read', [
            [('kind', '=', 'staff_login'), ('login', '=', login),
                ('details', 'ilike', '%single sign-on%')],
            0, None, None, ['user', 'ip_address'], {}], session)['result']
    assert events and events[-1]['user'] == int(query['user_id']), events


def test_no_officer_replayed_or_foreign_state_opens_nothing(live_server):
    "R-SEC-4, R-SEC-1: an identity of no officer, a replayed state, another browser's state, a citizen's state and a tampered token open no session"
    server = live_server
    # A citizen's identity: no officer account carries her number.
    client = Client(server)
    callback = at_provider(staff_start(client, server), {
            'identification_number': '067195001234', 'name': "Nguyễn Thị Lan"})
    status, _, body = back(client, server, callback)
    assert status == 403 and 'Không có tài khoản cán bộ' in body
    assert 'tryton_session' not in client.cookies
    # Replayed: refused even to its own browser.
    status, _, body = back(client, server, callback)
    assert status == 400 and 'Phiên đăng nhập không hợp lệ' in body
    # Another browser brings the officer's answer.
    client = Client(server)
    callback = at_provider(staff_start(client, server), {
            'identification_number': OFFICER[1], 'name': 'Nguyễn Thị Hoa'})
    thief = Client(server)
    status, _, body = back(thief, server, callback)
    assert status == 400 and 'tryton_session' not in thief.cookies
    # A citizen's portal sign-in state is not an officer's.
    portal = Client(server)
    status, _, page = portal.get('/dang-nhap')
    href = page.split('id="login-sso-vneid-sandbox" href="')[1].split('"')[0]
    status, headers, _ = portal.get(href)
    portal_callback = at_provider(headers['Location'], {
            'identification_number': OFFICER[1], 'name': 'Nguyễn Thị Hoa'})
    query = urllib.parse.urlsplit(portal_callback).query
    status, _, body = portal.get(
        f'/admin/{server.database}/sso/staff/callback?{query}')
    assert status == 400 and 'tryton_session' not in portal.cookies
    # A tampered ID token.
    client = Client(server)
    authorize = staff_start(client, server)
    control(server, misbehave='tampered')
    status, _, body = back(client, server, at_provider(authorize, {
                'identification_number': OFFICER[1], 'name': 'Nguyễn Thị Hoa'}))
    assert status == 400 and 'Thông tin định danh không hợp lệ' in body
    assert 'Traceback' not in body
    assert 'tryton_session' not in client.cookies


def test_officer_signs_in_with_sao_in_chromium(sao_page, live_server):
    "R-AG-4, R-SEC-4: in Chromium, sao's login dialog's VNeID button, the provider's page in the popup, then sao signed in as the officer"
    page = sao_page
    page.goto(f'/admin/#{live_server.database}')
    page.get_by_text('Tên đăng nhập').wait_for()
    page.wait_for_function(
        """db => [...document.querySelectorAll(
            '.modal-dialog select, .modal-dialog input')].some(
            e => e.offsetParent !== null && e.value === db)""",
        arg=live_server.database)
    with page.expect_popup() as popup_info:
        page.locator('.modal-dialog button', has_text='VNeID').click()
    popup = popup_info.value
    popup.wait_for_url(live_server.sandboxes['oidc'] + '/authorize*')
    popup.fill('#f-identification_number', OFFICER[1])
    popup.fill('#f-name', 'Nguyễn Thị Hoa')
    sao_shot(popup, 'sso-staff-provider')
    with popup.expect_event('close', timeout=30000):
        popup.locator('form:has(#f-name) button').click()
    page.get_by_text('Hành chính công', exact=True).wait_for()
    page.get_by_text('Nguyễn Thị Hoa').first.wait_for()
    sao_shot(page, 'sso-staff-signed-in')
    assert page.errors == []
