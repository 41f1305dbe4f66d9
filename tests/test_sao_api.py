"""API clients in the back office (R-OPS-2, R-SEC-1): the ICT department's
officer (`sotttt`) opens *Kết nối API ▸ Ứng dụng kết nối API* in sao
(Chromium, Vietnamese), opens a client, issues a key with *Cấp khóa* and
reads it once in the wizard; the key then opens the public API. Screenshots
land in screenshots/sao/.
"""
import json
import urllib.request

from tests.portal_fixtures import click_until, sao_login, sao_page, sao_shot  # noqa: F401

CLIENT = 'Cổng thông tin điện tử tỉnh (thử sao)'


shot = sao_shot


def test_ict_issues_a_key_in_sao(sao_page, live_server):
    "R-OPS-2, R-SEC-1: the ICT department issues a key in sao, shown once"
    session, _ = live_server.login('sotttt', 'dvc@2026')
    agency = live_server.rpc('model.gov.agency.search',
        [[('code', '=', '000.00.11.H16')], 0, None, None, {}],
        session=session)['result'][0]
    created = live_server.rpc('model.gov.api.client.create', [[{
                    'name': CLIENT, 'agency': agency,
                    'scopes': ['catalogue:read']}], {}], session=session)
    assert 'error' not in created, created
    page = sao_page
    sao_login(page, live_server.database, 'sotttt', 'dvc@2026')
    page.get_by_text('Hành chính công', exact=True).click()
    page.get_by_text('Kết nối API', exact=True).first.click()
    page.get_by_text('Ứng dụng kết nối API', exact=True).first.click()
    row = page.locator('td', has_text=CLIENT)
    row.first.wait_for()
    shot(page, 'api-1-clients')
    row.first.dblclick()
    page.get_by_text('Số yêu cầu mỗi phút').first.wait_for()
    dialog = page.locator('.modal-dialog:visible')
    click_until(page, page.get_by_role('button', name='Cấp khóa').last,
        dialog.get_by_text('Hết hạn vào ngày').first)
    dialog.get_by_role('button', name='Cấp khóa').click()
    dialog = page.locator('.modal-dialog:visible')
    dialog.get_by_text('chỉ hiển thị một lần').first.wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll('.modal-dialog input')]
            .some(e => e.value.startsWith('dvc_'))""")
    key = next(value for value in dialog.locator('input').evaluate_all(
            'nodes => nodes.map(n => n.value)') if value.startswith('dvc_'))
    shot(page, 'api-2-key-shown-once')
    dialog.get_by_role('button', name='Đóng').click()
    request = urllib.request.Request(live_server.url + '/api/v1/procedures',
        headers={'Authorization': 'Bearer ' + key})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert json.loads(response.read())['total'] > 0
    # The key is nowhere to be read again: the client's keys list shows
    # its prefix only.
    assert key not in page.content()
    assert page.errors == []
