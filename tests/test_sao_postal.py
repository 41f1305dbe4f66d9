"""The postal service in the back office (sao in Chromium, in Vietnamese),
on the demo data as `make run` loads it (gov_server/data_postal.py).

- The one-stop officer opens "Kết quả chờ chuyển bưu chính": the result
  ready two working days ago and not yet handed to the post is in the
  "late" tab, in red.
- The post office's clerk sees the shipments of her enterprise, with the
  tracking of one of them.

Screenshots of each step go to screenshots/sao/ (git-ignored)."""
from tests.test_sao_officer_tasks import login, sao_page, shot  # noqa: F401


def open_menu(page, *names):
    for name in names:
        page.get_by_text(name, exact=True).first.click()


def test_results_late_for_the_post(sao_page, live_server):
    """R-POST-3, R-L10N-1: the 24-hour list shows the late result in
    red, in its own tab"""
    page = sao_page
    login(page, live_server, 'motcua')
    open_menu(page, 'Dịch vụ bưu chính', 'Kết quả chờ chuyển bưu chính')
    late = page.get_by_text('Quá hạn (quá 24 giờ)')
    late.first.wait_for()
    rows = page.locator('tr.danger')
    rows.first.wait_for()
    assert rows.count() == 1
    assert '000.30.21.H16-' in rows.first.inner_text()
    shot(page, 'postal-1-results-for-the-post')
    assert page.errors == []


def test_the_clerk_follows_her_shipments(sao_page, live_server):
    """R-POST-3, R-AG-3: the postal clerk sees her enterprise's
    shipments and their tracking"""
    page = sao_page
    login(page, live_server, 'buudien')
    open_menu(page, 'Dịch vụ bưu chính', 'Bưu gửi')
    numbers = page.locator('td', has_text='EB26')
    numbers.first.wait_for()
    # Every demo shipment is the post office's: moving ones in the tab.
    assert numbers.count() >= 3
    shot(page, 'postal-2-shipments')
    numbers.first.dblclick()
    page.get_by_text('Hành trình', exact=True).first.wait_for()
    page.get_by_text('Bưu cục Gia Nghĩa').first.wait_for()
    shot(page, 'postal-3-shipment-form')
    assert page.errors == []
