"""The back office's lists and forms on a 1366 px screen, in Chromium, on
the demo data as make run loads it (issue 12, officers and administrator).

The one-stop officer (Chị Hoa, `motcua`) sees in her dossier list, without
scrolling, the whole dossier code, the submission date, the due date and
the days left; a "New dossiers" tab with its count, the new rows marked,
and Tryton's notifications of their arrival. Agencies are named shortly,
and no technical value (a kind code, "Root", "0B") is shown. The
administrator (Ông Quang, `quantri`) opens a published procedure: the form
fits the screen, says before any edit that it must go back to draft, and
nothing in it can be typed into. Screenshots land in screenshots/sao/.
"""
import re
from pathlib import Path

import pytest

from tests.portal_fixtures import sao_login

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / 'screenshots' / 'sao'
WIDTH, HEIGHT = 1366, 900
# The codes of the agency kinds of the demo data (data/agencies.csv) and
# other values that are not words for people.
RAW = ['province_committee', 'provincial_office', 'service_centre',
    'department', 'district_committee', 'commune_committee', 'postal',
    'one_stop_desk', 'Root', 'Tên bản ghi']
RAW_PATTERN = re.compile(
    r'\b(?:%s)\b|(?<![\d,.])0\s?B\b' % '|'.join(map(re.escape, RAW)))


@pytest.fixture
def sao(browser, live_server):
    contexts = []

    def login(user, password='dvc@2026'):
        context = browser.new_context(base_url=live_server.url,
            locale='vi-VN', viewport={'width': WIDTH, 'height': HEIGHT})
        context.set_default_timeout(20000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on('pageerror', lambda error: page.errors.append(str(error)))
        sao_login(page, live_server.database, user, password)
        return page
    yield login
    for context in contexts:
        context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f'{name}.png'))


def menu(page, *names):
    for name in names:
        page.locator('#menu').get_by_text(name, exact=True).first.click()


def visible_text(page):
    "The text of the visible tab: what people read."
    return page.evaluate("""() => {
        const pane = document.querySelector('#tabcontent .tab-pane.active')
            || document.body;
        return pane.innerText;
    }""")


def assert_no_raw_value(page, where):
    text = visible_text(page)
    found = sorted(set(RAW_PATTERN.findall(text)))
    assert not found, f'{where}: {found}'


def header_boxes(page):
    "{header text: (left, right)} of the visible list's columns."
    return {text: (left, right) for text, left, right in page.evaluate(
        """() => [...document.querySelectorAll(
                '#tabcontent .tab-pane.active .treeview th')]
            .filter(th => th.offsetParent !== null && th.innerText.trim())
            .map(th => {
                const box = th.getBoundingClientRect();
                return [th.innerText.trim(), box.left, box.right];
            })""")}


def list_area(page):
    "(left, right) of the visible part of the list."
    return tuple(page.evaluate("""() => {
        const tree = [...document.querySelectorAll(
            '#tabcontent .tab-pane.active .treeview')].find(
            e => e.offsetParent !== null);
        const box = tree.getBoundingClientRect();
        return [box.left, Math.min(box.right, window.innerWidth)];
    }"""))


def test_officer_inbox_fits_and_tells_what_is_new(sao, live_server):
    """R-SUB-1, R-PROC-2, R-PROC-4, R-NOT-2, R-L10N-1: the officer's dossier
    list at 1366 px: code, submission date, due date and days left visible
    in full; a "New dossiers" tab with a count and marked rows; officers
    told of arrivals; short agency names; no technical value"""
    page = sao('motcua')
    # Tryton's notifications: the demo's online and postal dossiers told
    # the desk's officer of their arrival.
    page.wait_for_function("""() => [...document.querySelectorAll(
        '.notification-badge')].some(
        e => e.offsetParent !== null && Number(e.innerText) > 0
            || e.innerText === '9+')""")
    menu(page, 'Hành chính công', 'Hồ sơ')
    new_tab = page.locator('#tabcontent .nav-tabs a',
        has_text=re.compile(r'^\s*Hồ sơ mới'))
    badge = new_tab.first.locator('.badge')
    badge.filter(has_text=re.compile(r'\d')).wait_for()
    count = badge.inner_text()
    assert int(count) >= 1
    codes = page.locator('td', has_text=re.compile(r'^\s*000\.\d\d\.21\.H16-'))
    codes.first.wait_for()
    marked = page.locator('#tabcontent tr.success')
    # Every row of the tab is marked; sao draws a list's first
    # Sao.config.display_size rows, and more on scrolling.
    display_size = page.evaluate('Sao.config.display_size')
    assert marked.count() == codes.count() == min(int(count), display_size)
    assert marked.first.locator('img.column-affix').count() == 1
    shot(page, 'lists-1-new-dossiers')
    assert_no_raw_value(page, 'dossier list')

    # The dossiers being processed: dates and days left.
    page.locator('#tabcontent .nav-tabs a', has_text='Đang xử lý').click()
    page.locator('#tabcontent td', has_text=re.compile(
            r'^\s*\d\d/\d\d/20\d\d\s*$')).first.wait_for()
    page.wait_for_timeout(500)
    shot(page, 'lists-2-processing')
    left, right = list_area(page)
    boxes = header_boxes(page)
    for header in ['Mã hồ sơ', 'Ngày nộp', 'Ngày hẹn trả', 'Còn lại']:
        assert header in boxes, (header, list(boxes))
        start, end = boxes[header]
        assert left <= start and end <= right + 0.5, (header, boxes, right)
    # Every code is readable in full: no cell cuts it.
    cut = page.evaluate("""() => [...document.querySelectorAll(
            '#tabcontent .tab-pane.active td')]
        .filter(td => /^\\s*000\\.\\d\\d\\.\\d\\d\\.H16-\\d{6}-\\d{4}\\s*$/.test(
            td.innerText))
        .filter(td => {
            const text = td.querySelector('.widget') || td;
            return text.scrollWidth > text.clientWidth + 1;
        }).map(td => td.innerText)""")
    assert cut == []
    assert page.evaluate(
        'document.documentElement.scrollWidth') <= WIDTH
    assert_no_raw_value(page, 'dossiers being processed')

    # A dossier: agencies by their names, not their path from the province.
    codes.first.dblclick()
    page.get_by_text('Cơ quan tiếp nhận').first.wait_for()
    page.locator('#tabcontent .nav-tabs a', has_text='Đang xử lý').last.click()
    page.get_by_text('Các bước xử lý').first.wait_for()
    page.wait_for_timeout(800)
    shot(page, 'lists-3-dossier-steps')
    text = visible_text(page)
    assert 'Ủy ban nhân dân tỉnh Đắk Nông /' not in text
    # The path of an agency starts with the province's committee.
    assert 'Đắk Nông / ' not in page.evaluate("""() => [
        ...document.querySelectorAll('#tabcontent .tab-pane.active input')]
        .filter(e => e.offsetParent !== null)
        .map(e => e.value).join('\\n')""")
    assert page.evaluate(
        'document.documentElement.scrollWidth') <= WIDTH
    assert_no_raw_value(page, 'dossier form')
    for name in ['Thành phần hồ sơ', 'Thời gian', 'Lịch sử xử lý']:
        page.locator('#tabcontent .nav-tabs a', has_text=name).last.click()
        page.wait_for_timeout(600)
        assert_no_raw_value(page, f'dossier form, {name}')
    shot(page, 'lists-4-dossier-history')
    assert page.errors == []


def test_administrator_sees_a_published_procedure_read_only(sao):
    """R-CAT-1, R-CAT-5, R-CAT-6, R-AG-1, R-L10N-1: a published procedure
    fits the screen, says before any edit how to change it and takes no
    typing — with dossiers (the demo's birth registration has some) only
    through a new version, never back to draft; the agencies' lists show
    names, not paths nor codes of kinds"""
    page = sao('quantri')
    menu(page, 'Hành chính công', 'Thủ tục hành chính')
    page.locator('td', has_text=re.compile(r'^\s*1\.001193\s*$')).first \
        .dblclick()
    note = page.get_by_text('hãy bấm "Phiên bản mới"')
    note.wait_for()
    page.get_by_role('button', name=re.compile(
            '^Phiên bản mới$', re.I)).wait_for()
    page.wait_for_timeout(800)
    assert not page.get_by_text(
        'Thủ tục không ở trạng thái dự thảo').is_visible()
    assert not page.get_by_role('button', name=re.compile(
            'Sửa \\(chuyển về dự thảo\\)', re.I)).is_visible()
    shot(page, 'lists-5-procedure-published')
    assert page.evaluate(
        'document.documentElement.scrollWidth') <= WIDTH
    assert_no_raw_value(page, 'procedure form')
    assert 'Ủy ban nhân dân tỉnh Đắk Nông /' not in visible_text(page)

    # The components: typing in a line changes nothing, nothing to save.
    page.locator('#tabcontent .nav-tabs a', has_text='Thành phần hồ sơ') \
        .last.click()
    cell = page.locator('#tabcontent td', has_text='Giấy chứng sinh').first
    cell.dblclick()
    page.keyboard.type('XYZ')
    page.wait_for_timeout(500)
    shot(page, 'lists-6-procedure-components')
    assert 'XYZ' not in page.evaluate("""() => [...document.querySelectorAll(
        '#tabcontent input')].map(e => e.value).join(' ')""")
    assert_no_raw_value(page, 'procedure components')
    for name in ['Thông tin chung', 'Công bố']:
        page.locator('#tabcontent .nav-tabs a', has_text=name).last.click()
        page.wait_for_timeout(600)
        assert_no_raw_value(page, f'procedure form, {name}')
    shot(page, 'lists-7-procedure-publication')

    # The agencies: names and kinds, no path, no code of a kind.
    agencies = page.locator('#menu').get_by_text('Cơ quan', exact=True)
    agencies.first.click()
    agencies.nth(1).wait_for()
    agencies.nth(1).click()
    page.locator('td', has_text='Bộ phận Một cửa UBND thành phố Gia Nghĩa') \
        .first.wait_for()
    page.wait_for_timeout(500)
    shot(page, 'lists-8-agencies')
    assert 'Đắk Nông / ' not in visible_text(page)
    assert_no_raw_value(page, 'agency list')
    page.locator('td', has_text='Bộ phận Một cửa UBND thành phố Gia Nghĩa') \
        .first.dblclick()
    page.get_by_text('Bộ phận Một cửa tiếp nhận').first.wait_for()
    page.wait_for_timeout(800)
    shot(page, 'lists-9-agency-form')
    assert page.evaluate(
        'document.documentElement.scrollWidth') <= WIDTH
    assert_no_raw_value(page, 'agency form')
    assert page.errors == []
