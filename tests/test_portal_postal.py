"""Anh Tuấn follows his construction permit returned by post (JOURNEYS,
"Anh Tuấn"; R-POST-3, R-POST-4), in Chromium against the live server and
the sandbox postal operator:

- the procedure page publishes the postal service of the agency's active
  contract: pickup at home and return of results, with their charge and
  full-journey time (R-POST-4, QĐ 04/2019 Điều 20.3);
- his dossier (entered by the post office, channel postal: prepared in the
  database as tests/test_postal_webhook.py does) has its result handed to
  the post; the public lookup shows "Đang chuyển phát", without any
  personal data to a stranger, and the tracking number once he types the
  PIN (R-SEC-2);
- the carrier's signed events (the sandbox's control endpoint) deliver
  it: the lookup shows "Đã phát" and the dossier done.
"""
import re

from tests.portal_fixtures import check_page
from tests.test_postal_webhook import TUAN, control, run

PERMIT = 'TEST.XD.01'


def text(page, selector):
    return page.inner_text(selector).replace('\u00a0', ' ')


def look_up(page, code, pin=None):
    page.goto('/tra-cuu?ma=' + code)
    if pin:
        page.fill('#pin', pin)
        page.locator('#pin').press('Enter')
        page.wait_for_load_state()
    page.wait_for_selector('#result-title')


def test_tuan_follows_his_result_by_post(desktop, portal, tmp_path):
    "R-POST-3, R-POST-4, R-SEC-2, R-LOOK-2: the procedure page publishes the postal charge and journey time; the lookup shows the result on its way by post, then delivered and the dossier done, never the recipient's address or phone"
    page = desktop
    shipped = run(portal, 'handed_to_post', portal.database, portal.url)
    code, number = shipped['code'], shipped['tracking_number']

    # The procedure page: what the post offers, its charge and time.
    page.goto(f'/thu-tuc/{PERMIT}')
    offer = text(page, '.postal-offer')
    assert 'Bưu điện tỉnh Đắk Nông (kiểm thử)' in offer
    home = text(page, '.postal-service.pickup_home')
    assert 'Nhận hồ sơ giấy tại nhà' in home
    assert '20.000 đ' in home and '48 giờ' in home
    result = text(page, '.postal-service.return_result')
    assert '25.000 đ' in result and '24 giờ' in result
    page.locator('#postal').scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / 'postal-procedure.png', full_page=True)
    check_page(page, 'postal-procedure')

    # A stranger with the code: on its way, nothing personal.
    look_up(page, code)
    status = text(page, '#postal-status')
    assert 'Đang chuyển phát' in status
    assert number not in status
    body = text(page, 'main')
    for private in (TUAN['applicant_address'], TUAN['applicant_phone'],
            TUAN['applicant_name'], 'Nghĩa Trung'):
        assert private not in body, private
    # With the PIN: the tracking number too.
    look_up(page, code, shipped['pin'])
    status = text(page, '#postal-status')
    assert 'Đang chuyển phát' in status and number in status
    assert TUAN['applicant_address'] not in text(page, 'main')
    page.screenshot(path=tmp_path / 'postal-lookup-moving.png', full_page=True)
    check_page(page, 'postal-lookup-moving')

    # The post delivers it (signed events to the webhook).
    for status_ in ('picked_up', 'in_transit', 'delivered'):
        answer = control(portal, number, status_)
        assert answer['callback']['accepted'], answer
    look_up(page, code, shipped['pin'])
    status = text(page, '#postal-status')
    assert 'Đã phát' in status and number in status
    assert re.search(r'\d{2}/\d{2}/\d{4}', status), status
    badge = text(page, '#result-title ~ .grid .badge')
    assert badge == 'Đã trả kết quả', badge
    facts = run(portal, 'inspect', portal.database, code)
    assert (facts['state'], facts['shipment']) == ('done', 'delivered')
    page.screenshot(path=tmp_path / 'postal-lookup-delivered.png', full_page=True)
    check_page(page, 'postal-lookup-delivered')

    # The kiosk of the desk shows the same.
    page.goto('/kiosk?ma=' + code)
    assert 'Đã phát' in text(page, '#postal-status')
