"""The server of `make run` answers as a person and sao expect (R-L10N-1, R-AG-3)."""


def test_portal_home_is_vietnamese_page(live_server):
    "R-L10N-1: / is the citizen portal, a real Vietnamese page"
    status, headers, body = live_server.get('/')
    assert status == 200
    assert headers['Content-Type'].startswith('text/html')
    html = body.decode('utf-8')
    assert '<html lang="vi">' in html
    assert 'Cổng dịch vụ công trực tuyến tỉnh Đắk Nông' in html
    assert 'Tra cứu hồ sơ' in html


def test_admin_serves_sao(live_server):
    "/admin/ is the sao back office with its scripts reachable"
    status, _, body = live_server.get('/admin/')
    assert status == 200
    html = body.decode('utf-8')
    assert 'dist/tryton-sao.js' in html
    status, _, script = live_server.get('/admin/dist/tryton-sao.js')
    assert status == 200 and b'Sao' in script
    status, _, _ = live_server.get(
        '/admin/node_modules/jquery/dist/jquery.js')
    assert status == 200
    # /admin redirects to /admin/ (urllib follows it to sao's page).
    status, _, body = live_server.get('/admin')
    assert status == 200 and b'dist/tryton-sao.js' in body


def test_rpc_login_with_demo_account(live_server):
    "R-AG-3: demo officer logs in over JSON-RPC and gets its own context"
    assert live_server.rpc('common.server.version', [], database=False)[
        'result'].startswith('8.0')
    session, user_id = live_server.login('motcua', 'dvc@2026')
    result = live_server.rpc('model.res.user.get_preferences', [True, {}],
        session=session)['result']
    assert result['language'] == 'vi'
    # The receiving officer sees the staff of the Gia Nghĩa one-stop desk…
    result = live_server.rpc('model.gov.agency.officer.search_read',
        [[], 0, None, None, ['user.login', 'agency.code'], {}],
        session=session)['result']
    logins = {r['user.']['login'] for r in result}
    assert 'motcua' in logins
    assert 'chuyenvien' not in logins  # another unit of the district


def test_rpc_login_wrong_password_refused(live_server):
    "R-AG-4: a wrong password gives no session"
    import urllib.error
    try:
        result = live_server.rpc('common.db.login',
            ['motcua', {'password': 'wrong-password'}, 'vi'])
    except urllib.error.HTTPError as error:
        assert error.code in (401, 403, 429)
    else:
        assert 'error' in result and 'result' not in result
