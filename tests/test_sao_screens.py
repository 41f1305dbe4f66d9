"""The back office as an officer sees it: sao in Chromium, in Vietnamese.

Logs in as the one-stop officer of the demo data with an English browser,
opens the menu, the dossier list, a dossier and a wizard, saves a
screenshot of each under screenshots/sao/ (git-ignored) and fails on any
JavaScript error or English label where Vietnamese is expected.
"""
import re

from tests.portal_fixtures import sao_login, sao_page, sao_shot  # noqa: F401


shot = sao_shot


def test_officer_works_in_vietnamese(sao_page, live_server):
    "R-L10N-1, R-AG-3: login, menu, list, form and wizard of sao in Vietnamese"
    page = sao_page
    # The database in the URL, as sao lists every database of a PostgreSQL
    # server on its login page.
    sao_login(page, live_server.database, 'motcua', 'dvc@2026',
        before=lambda page: shot(page, '1-login'))
    page.get_by_text('Hành chính công', exact=True).click()
    page.get_by_text('Hồ sơ', exact=True).first.click()
    page.get_by_text('Mã hồ sơ', exact=True).first.wait_for()
    page.get_by_text('Quá hạn').first.wait_for()  # the overdue filter tab
    # The one-stop officer sees the dossiers waiting for her check.
    codes = page.locator('td', has_text=re.compile(r'^000\.30\.21\.H16-'))
    codes.first.wait_for()
    shot(page, '2-dossier-list')
    assert codes.count() > 0
    codes.first.dblclick()
    page.get_by_text('Cơ quan tiếp nhận').first.wait_for()
    page.get_by_text('Lịch sử xử lý').first.wait_for()
    shot(page, '3-dossier-form')
    page.get_by_role('button', name='Yêu cầu bổ sung').last.click()
    dialog = page.locator('.modal-dialog:visible')
    dialog.get_by_text('Lý do', exact=True).last.wait_for()
    assert 'Yêu cầu bổ sung (000.30.21.H16-' in dialog.inner_text()
    shot(page, '4-supplement-wizard')
    dialog.get_by_role('button', name='Hủy bỏ').click()
    assert page.errors == []
