"""Ông Quang's steps (tests/test_journeys.py): a fee changed through a
new version of the procedure, a day off added to the calendar, and a citizen
who meets both on the portal."""
import datetime as dt
import re

from tests.journeys_helpers import (
    WARD, fact, new_page, parse_date, png_photo, portal_login, text,
    vietnam_today)


COPY = 'H16.TAM.002'   # Cấp bản sao Trích lục hộ tịch, 8.000 đ a copy


HONG = {   # a demo citizen with a portal account (data_dossiers.py)
    'email': 'hong.le@example.com', 'name': 'Lê Thị Hồng',
    'password': 'dvc@2026',
    }


def versions_tab(sao):
    """The form's "Các phiên bản" tab (not sao's tab of the window, named
    "Các phiên bản thủ tục (…)")."""
    sao.page.locator('a[role=tab]:visible', has_text=re.compile(
            r'^\s*Các phiên bản\s*$')).first.click()
    sao.wait_idle()


def quang_changes_the_fee(sao, shot, server):
    """A decision raises the fee: a new version of the published procedure
    (the dossiers already submitted keep theirs), in effect today on the
    decision's basis, its fee line 8.000 → 10.000 đ a copy, published: the
    portal shows it at once, the version before is superseded."""
    sao.menu('Hành chính công', 'Thủ tục hành chính')
    sao.page.locator('th:visible', has_text='Mã thủ tục').first.wait_for()
    sao.wait_idle()
    sao.search(COPY)
    sao.open(COPY)
    assert sao.value('state') == 'Đã công bố'
    # A published procedure says why it cannot be typed into.
    assert 'không sửa được' in sao.page.inner_text('body')
    sao.shot('procedure-published')
    # The new version opens as a draft in a tab of its own.
    sao.button('Phiên bản mới')
    sao.wait_value('state', 'Dự thảo')
    sao.wait_idle()
    sao.shot('new-version-draft')
    # Meanwhile the portal keeps offering the version in force.
    page = new_page(sao.page.context.browser, server, 1280)
    page.goto(f'/thu-tuc/{COPY}')
    assert '8.000 đ' in text(page.inner_text('main'))
    shot(page, 'portal-while-preparing')
    versions_tab(sao)
    sao.type_in(sao.page.locator('input[name=effective_date]:visible'),
        vietnam_today().strftime('%d/%m/%Y'))
    sao.type_in(sao.page.locator('textarea[name=change_basis]:visible'),
        'Quyết định số 15/2026/QĐ-UBND ngày 01/12/2026 của UBND tỉnh '
        'Đắk Nông về mức thu phí cấp bản sao trích lục hộ tịch')
    sao.shot('version-basis')
    sao.notebook('Phí, lệ phí')
    row = sao.page.locator('tr:visible', has_text='Mỗi bản sao trích lục')
    # A click selects the line, the next one opens its cell for typing.
    cell = row.locator('td', has_text='8.000').first
    cell.click()
    cell.click()
    amount = row.locator('input[name=amount]:visible')
    amount.wait_for()
    amount.fill('10.000')
    amount.press('Tab')
    sao.page.keyboard.press('Control+s')
    sao.wait_idle()
    row.filter(has_text='10.000').first.wait_for()
    sao.shot('fee-edited')
    sao.button('Công bố')
    sao.dialog().get_by_text('Công bố thủ tục này trên Cổng').wait_for()
    sao.dialog_button('Đồng ý')
    sao.wait_dialog_closed()
    sao.wait_value('state', 'Đã công bố')
    sao.shot('new-version-published')
    page.goto(f'/thu-tuc/{COPY}')
    fees = text(page.inner_text('main'))
    assert 'Mỗi bản sao trích lục, mỗi sự kiện hộ tịch đã đăng ký' in fees
    assert '10.000 đ' in fees and '8.000 đ' not in fees
    shot(page, 'portal-new-fee')
    page.context.close()
    # The Versions tab: this one current, the one before superseded.
    versions_tab(sao)
    # The list is below the fold: sao shows its rows once scrolled to.
    more = sao.page.locator('tr.more-row:visible')
    if more.count():
        more.first.scroll_into_view_if_needed()
    sao.page.locator('tr:visible', has_text='Đã được thay thế').first\
        .wait_for()
    sao.shot('versions')
    rows = [' '.join(r) for r in sao.rows()]
    assert any('Đã được thay thế' in r for r in rows), rows
    assert any('Đã công bố' in r and '15/2026/QĐ-UBND' in r
        for r in rows), rows


def quang_adds_a_holiday(sao, day):
    "A day off added to the calendar in its editable list."
    sao.menu('Hành chính công', 'Cấu hình', 'Ngày nghỉ lễ, ngày làm bù')
    sao.page.locator('th:visible', has_text='Loại').first.wait_for()
    sao.wait_idle()
    sao.page.locator('button[title="Tạo mới"]:visible').click()
    row = sao.page.locator('tr:visible', has=sao.page.locator(
            'input[name=date]:visible'))
    sao.type_in(row.locator('input[name=date]'), day.strftime('%d/%m/%Y'))
    sao.type_in(row.locator('input[name=name]'),
        'Nghỉ lễ kỷ niệm (ngày nghỉ thêm do tỉnh công bố)')
    row.locator('select[name=kind]').select_option(label='Ngày nghỉ lễ, Tết')
    sao.page.keyboard.press('Control+s')
    sao.wait_idle()
    sao.page.locator('button[title="Tải lại/Hoàn tác"]:visible').first.click()
    sao.wait_idle()
    row = sao.page.locator('tr:visible', has_text=day.strftime('%d/%m/%Y'))
    row.scroll_into_view_if_needed()
    assert any(day.strftime('%d/%m/%Y') in r and 'Ngày nghỉ lễ, Tết' in r
        for r in sao.rows()), sao.rows()
    sao.shot('holiday-added')


def hong_asks_for_copies(browser, server, shot):
    """A citizen asks for two copies: the form charges the new fee, the
    confirmation's dates skip the new holiday."""
    page = new_page(browser, server, 360, phone=True)
    portal_login(page, HONG['email'], HONG['password'])
    page.goto(f'/nop-ho-so/{COPY}')
    page.select_option('#f-agency', label=WARD)
    page.select_option('#f-f_loai_su_kien', index=1)
    page.fill('#f-f_ho_ten', 'Lê Minh Khôi')
    page.fill('#f-f_so_ban', '2')
    # The total follows the copies asked for, at the new fee.
    page.locator('#fee-total', has_text=re.compile(r'^20\.000\s*đ$'))\
        .wait_for()
    for label, caption in (('Tờ khai cấp bản sao', 'TO KHAI'),
            ('Giấy tờ tùy thân', 'CCCD - LE THI HONG')):
        page.locator('.field', has=page.locator('label', has_text=label))\
            .locator('input[type=file]').set_input_files(files=[{
                    'name': f'{caption.lower().replace(" ", "-")}.png',
                    'mimeType': 'image/png', 'buffer': png_photo(caption)}])
    page.check('#f-declaration')
    shot(page, 'citizen-form-new-fee')
    page.click('button[value=submit]')
    page.wait_for_url('**/da-nop')
    submitted = dt.datetime.strptime(fact(page, 'Ngày nộp'),
        '%H:%M %d/%m/%Y')
    check = parse_date(page.inner_text('#check-date'))
    due = parse_date(page.inner_text('#due-date'))
    shot(page, 'citizen-dates-skip-holiday')
    page.context.close()
    return submitted, check, due
