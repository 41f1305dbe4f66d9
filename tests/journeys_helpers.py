"""Helpers of the journey tests (tests/test_journeys.py): screenshots per
journey, the portal as a phone, sao as an officer, printed PDFs read back.

Everything goes through Chromium (Playwright) the way a person would:
menus, tabs, buttons and dialogs of sao by their Vietnamese labels, the
portal's forms by their fields. RPC is only used by the tests to read what
a person could not see (an SMS kept by the fake gateway)."""
import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.portal_fixtures import sao_login

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / 'screenshots' / 'journeys'
PASSWORD = 'dvc@2026'  # every demo officer's (README)


class Shots:
    """The numbered screenshots of one journey, under
    screenshots/journeys/<journey>/NN-step.png (git-ignored)."""

    def __init__(self, journey):
        self.folder = SHOTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, step, full_page=True):
        self.count += 1
        path = self.folder / f'{self.count:02d}-{step}.png'
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def save(self, name, data):
        "Keep a document (a printed PDF) next to the screenshots."
        path = self.folder / name
        path.write_bytes(data)
        return path


class Expectations:
    """What a journey expects of a screen that is not a blocking step:
    each one missed is kept and the test fails at its end with all of
    them, after walking the rest of the journey."""

    def __init__(self):
        self.missed = []

    def __call__(self, condition, message):
        if not condition:
            self.missed.append(message)
        return condition

    def check(self):
        assert not self.missed, 'expected:\n- ' + '\n- '.join(self.missed)


def text(value):
    "Text as a person reads it: NFC, non-breaking spaces as spaces."
    value = unicodedata.normalize('NFC', value or '')
    return re.sub(r'[\u00a0\u202f]', ' ', value)


# ------------------------------------------------------------------ images

def png_photo(caption):
    """A small but real PNG: a 'photo' of a paper with a caption, as a
    phone would send it."""
    from PIL import Image, ImageDraw
    image = Image.new('RGB', (480, 320), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 310), outline=(40, 40, 120), width=4)
    draw.text((30, 40), caption, fill=(20, 20, 20))
    for y in range(90, 290, 24):
        draw.line((30, y, 450, y), fill=(160, 160, 160), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return buffer.getvalue()


def pdf_scan(caption):
    "A small but real one-page PDF: a scanned paper."
    from PIL import Image
    photo = Image.open(io.BytesIO(png_photo(caption)))
    buffer = io.BytesIO()
    photo.save(buffer, format='PDF', resolution=72)
    return buffer.getvalue()


# -------------------------------------------------------------------- PDFs

def pdf_text(data):
    "The text of a PDF (poppler's pdftotext, layout kept), NFC."
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / 'doc.pdf'
        path.write_bytes(data)
        result = subprocess.run(['pdftotext', '-layout', str(path), '-'],
            capture_output=True, text=True, check=True)
    return text(result.stdout)


def pdf_pages(data):
    "poppler's pdfinfo of a PDF (its page count and size)."
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / 'doc.pdf'
        path.write_bytes(data)
        info = subprocess.run(['pdfinfo', str(path)], capture_output=True,
            text=True, check=True).stdout
    return info


def pdf_qr_codes(data, png=None):
    """The texts of the QR codes of a PDF's pages (rendered by pdftoppm,
    decoded by zxing-cpp); the first page kept as png when given."""
    import zxingcpp
    from PIL import Image
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / 'doc.pdf'
        path.write_bytes(data)
        subprocess.run(['pdftoppm', '-r', '150', '-png', str(path),
                f'{tmp}/page'], check=True)
        pages = sorted(Path(tmp).glob('page*.png'))
        for page in pages:
            with Image.open(page) as image:
                texts += [r.text for r in zxingcpp.read_barcodes(image)
                    if r.format == zxingcpp.BarcodeFormat.QRCode]
        if png and pages:
            shutil.copy(pages[0], png)
    return texts


def page_qr_codes(page, selector='img'):
    "The texts of the QR codes shown as images in a portal page."
    import base64

    import zxingcpp
    from PIL import Image
    texts = []
    for src in page.eval_on_selector_all(selector,
            'images => images.map(i => i.src)'):
        if not src.startswith('data:image/png;base64,'):
            continue
        image = Image.open(io.BytesIO(base64.b64decode(src.split(',', 1)[1])))
        texts += [r.text for r in zxingcpp.read_barcodes(image.convert('L'))]
    return texts


# ---------------------------------------------------------------- calendar

def vietnam_today():
    return dt.datetime.now(ZoneInfo('Asia/Ho_Chi_Minh')).date()


def parse_date(value):
    return dt.datetime.strptime(DATE.search(value).group(0), '%d/%m/%Y').date()


def shipped_days_off():
    """The days of data/holidays.csv: {date: kind} (public holidays and
    compensatory days off are not worked, make-up days are)."""
    with open(ROOT / 'data' / 'holidays.csv', encoding='utf-8',
            newline='') as f:
        lines = [line for line in f if not line.startswith('#')]
    return {dt.date.fromisoformat(r['date']): r['kind']
        for r in csv.DictReader(lines)}


def working_day(day, days_off):
    kind = days_off.get(day)
    if kind == 'makeup_working_day':
        return True
    return day.weekday() < 5 and kind is None


def add_working_days(moment, days, days_off):
    """README's documented rule, written again here: the receipt day
    counts when it is a working day before 15:00, else the next working
    day; the due date is the N-th working day after it."""
    day = moment.date()
    if not (working_day(day, days_off) and moment.time() < dt.time(15)):
        day += dt.timedelta(days=1)
        while not working_day(day, days_off):
            day += dt.timedelta(days=1)
    for _ in range(days):
        day += dt.timedelta(days=1)
        while not working_day(day, days_off):
            day += dt.timedelta(days=1)
    return day


# ------------------------------------------------------------------ portal

WARD = 'Ủy ban nhân dân phường Nghĩa Đức'   # served by motcua's desk


def portal_login(page, email, password):
    page.goto('/dang-nhap')
    page.fill('#f-email', email)
    page.fill('#f-password', password)
    page.click('main button[type=submit]')
    page.wait_for_url(re.compile(r'.*/ho-so$'))


# ------------------------------------------------------------ Chị Lan



def new_page(browser, server, width, height=800, phone=False):
    "A fresh browser (own cookies) at the given width, Vietnamese."
    options = {}
    if phone:
        options = {'is_mobile': True, 'has_touch': True}
    context = browser.new_context(base_url=server.url, locale='vi-VN',
        viewport={'width': width, 'height': height}, accept_downloads=True,
        timezone_id='Asia/Ho_Chi_Minh', **options)
    context.set_default_timeout(20000)
    page = context.new_page()
    page.errors = []
    page.on('pageerror', lambda error: page.errors.append(str(error)))
    return page


def mail_text(message):
    "The plain text of an e-mail of the sink."
    return text(message.get_body(preferencelist=('plain',)).get_content())


def local(url):
    "The path and query of a link of an e-mail (the portal's own address)."
    return re.sub(r'^https?://[^/]+', '', url)


def fact(page, label):
    """The value next to a label of a portal facts list (<dt>/<dd>), as
    shown; None when the label is not there."""
    dt = page.locator('dl.facts dt', has_text=re.compile(
            '^' + re.escape(label) + '$'))
    if not dt.count():
        return None
    return text(dt.first.locator('xpath=following-sibling::dd[1]')
        .inner_text()).strip()


DATE = re.compile(r'\d\d/\d\d/\d{4}')


# --------------------------------------------------------------------- sao

class Sao:
    """One officer working in sao (Chromium, Vietnamese, 1366 px wide by
    default): log in with the database in the address, menus, tabs of
    lists, a dossier's form, its buttons and wizards, printed reports."""

    def __init__(self, browser, server, login, shots, width=1366,
            password=PASSWORD):
        self.server = server
        self.login_name = login
        self.shots = shots
        self.page = new_page(browser, server, width, height=900)
        self.login(login, password)

    def close(self):
        self.page.context.close()

    def shot(self, step, full_page=False):
        return self.shots(self.page, step, full_page=full_page)

    @property
    def errors(self):
        return self.page.errors

    def login(self, login, password):
        sao_login(self.page, self.server.database, login, password)

    # -- menus and lists
    def menu(self, *labels):
        "Open a menu entry by its path of labels."
        menu = self.page.locator('#menu')
        for parent, child in zip(labels, labels[1:]):
            # A folder opens on a click (and closes on the next one).
            if not menu.get_by_text(child, exact=True).first.is_visible():
                menu.get_by_text(parent, exact=True).first.click()
                menu.get_by_text(child, exact=True).first.wait_for()
        menu.get_by_text(labels[-1], exact=True).first.click()

    def open_dossiers(self):
        self.menu('Hành chính công', 'Hồ sơ')
        self.page.locator('th:visible', has_text='Mã hồ sơ').first\
            .wait_for()
        self.wait_idle()

    def wait_idle(self, timeout=300):
        "Let sao finish its pending calls (lists reload asynchronously)."
        self.page.wait_for_load_state('networkidle')
        self.page.wait_for_timeout(timeout)

    def domain_tab(self, label):
        """Click the tab of a list (Hồ sơ mới, Quá hạn…); its count as
        shown in the badge (None without one)."""
        page = self.page
        tab = page.locator('.tab-domain a[role=tab]:visible, '
            'a[role=tab]:visible', has_text=re.compile(
                '^' + re.escape(label))).first
        tab.click()
        self.wait_idle()
        badge = tab.locator('.badge')
        if not badge.count():
            return None
        # The counts of the tabs come after the list.
        for _ in range(50):
            value = (badge.get_attribute('title') or '').strip()
            if value.isdigit():
                return int(value)
            page.wait_for_timeout(100)
        return None

    def back_to_list(self):
        "From a record's form back to its list (sao's switch button)."
        self.page.locator('button[title="Chuyển giao diện"]:visible').click()
        self.page.locator('th:visible').first.wait_for()
        self.wait_idle()

    def search(self, value):
        box = self.page.get_by_placeholder('Tìm kiếm').locator('visible=true')
        box.fill(value)
        box.press('Enter')
        self.wait_idle()

    def rows(self):
        "The visible rows of the list, each as the texts of its cells."
        return self.page.locator('table tbody tr:visible').evaluate_all(
            """rows => rows.filter(r => !r.closest('#menu')).map(
                r => [...r.querySelectorAll('td')].filter(
                    td => td.offsetParent !== null).map(
                    td => td.innerText.trim()))""")

    def header(self):
        "The visible column titles of the list."
        return self.page.locator('table thead tr:visible').evaluate_all(
            """rows => rows.filter(r => !r.closest('#menu')).map(
                r => [...r.querySelectorAll('th')].filter(
                    th => th.offsetParent !== null).map(
                    th => th.innerText.trim()))""")[0]

    def column(self, label):
        "The values of a column of the visible list, by its title."
        index = self.header().index(label)
        return [row[index] for row in self.rows() if len(row) > index]

    def open(self, code):
        """Open a dossier of the list by its code (its row clicked, then
        double-clicked: sao's way to open a record)."""
        page = self.page
        cell = page.locator('tr:visible', has_text=code).locator(
            'td', has_text=code).first
        cell.click()
        page.wait_for_timeout(200)
        cell.dblclick()
        page.locator('input[name=code]:visible').wait_for()
        page.wait_for_function(
            """code => [...document.querySelectorAll('input[name=code]')]
                .some(e => e.offsetParent !== null && e.value === code)""",
            arg=code)
        self.wait_idle()

    # -- forms
    def value(self, name):
        "The value of a field of the form, as shown."
        field = self.page.locator(
            f'[name="{name}"]:visible').first
        tag = field.evaluate('e => e.tagName')
        if tag == 'SELECT':
            return field.evaluate(
                'e => e.options[e.selectedIndex] ? '
                'e.options[e.selectedIndex].text : ""')
        return text(field.input_value()).strip()

    def wait_value(self, name, expected):
        self.page.wait_for_function(
            """([name, expected]) => [...document.querySelectorAll(
                `[name="${name}"]`)].some(e => e.offsetParent !== null && (
                e.tagName === 'SELECT' ? (e.options[e.selectedIndex] || {})
                    .text === expected : e.value === expected))""",
            arg=[name, expected])

    def notebook(self, label):
        self.page.locator('a[role=tab]:visible', has_text=label).first\
            .click()
        self.wait_idle()

    def buttons(self):
        "The labels of the form's visible action buttons."
        return [text(t).strip().upper() for t in self.page.locator(
                '.form-buttons button:visible, '
                '.form .btn-group button:visible, '
                'form button.btn:visible').all_inner_texts() if t.strip()]

    def form_buttons(self):
        "The labels of the dossier form's buttons (bottom row)."
        return [text(t).strip().upper() for t in self.page.locator(
                '.form-container button.btn:visible, '
                '.form button.btn:visible').all_inner_texts()
            if t.strip()]

    def button(self, label):
        "Click a button of the form by its label (any letter case)."
        self.page.locator('button:visible', has_text=re.compile(
                '^\\s*' + re.escape(label) + '\\s*$', re.I)).last.click()

    def dialog(self):
        return self.page.locator('.modal-dialog:visible').last

    def many2one(self, name, typed, choice, scope=None):
        """Type in a many2one of the form (or of a dialog: scope) and pick
        a completion by its text."""
        scope = scope or self.page
        field = scope.locator(f'input[name="{name}"]:visible').first
        field.fill(typed)
        item = self.page.locator('ul.dropdown-completion:visible li a',
            has_text=choice).first
        try:
            item.wait_for(timeout=5000)
        except PlaywrightTimeout:
            # The completion starts on typing; type again, key by key.
            field.fill('')
            field.press_sequentially(typed, delay=50)
            item.wait_for()
        item.click()
        self.wait_idle()

    @staticmethod
    def type_in(field, value):
        """Type a value in a sao widget and leave it: sao reads a widget's
        value when it changes (on leaving it), as a person's Tab does."""
        field.fill(value)
        field.press('Tab')

    def wait_dialog_closed(self):
        self.page.locator('.modal-dialog:visible').first.wait_for(
            state='detached')
        self.wait_idle()

    def dialog_button(self, label):
        self.dialog().locator('button', has_text=re.compile(
                '^\\s*' + re.escape(label) + '\\s*$', re.I)).last.click()

    def print_report(self, label):
        """Print a report of the open record (the printer menu): sao
        offers the file in a dialog and starts its download itself; the
        file's bytes."""
        page = self.page
        page.locator('button[title="In báo cáo"]:visible').click()
        with page.expect_download(timeout=60000) as info:
            page.locator('ul.dropdown-menu:visible a', has_text=label)\
                .first.click()
        data = Path(info.value.path()).read_bytes()
        # Following the link closes sao's download dialog.
        self.wait_dialog_closed()
        return data


# ------------------------------------------------------ dossiers in sao

def new_dossier(sao):
    "A new dossier in sao (the list's 'Tạo mới' button)."
    sao.page.locator('button[title="Tạo mới"]:visible').click()
    sao.page.locator('input[name=code]:visible').wait_for()
    # The defaults (channel, agency) come with the new record.
    sao.page.wait_for_function("""() => [...document.querySelectorAll(
        'select[name=channel]')].some(e => e.offsetParent !== null
        && e.selectedIndex >= 0 && e.options[e.selectedIndex].text)""")
    sao.wait_idle()


def fill_applicant(sao, name, id_number, phone, address):
    page = sao.page
    sao.type_in(page.locator('input[name=applicant_name]:visible'), name)
    sao.type_in(page.locator('input[name=applicant_id_number]:visible'),
        id_number)
    sao.type_in(page.locator('input[name=applicant_phone]:visible'), phone)
    sao.type_in(page.locator('textarea[name=applicant_address]:visible'),
        address)


def fill_eform(sao, values):
    "The eForm tab lists every field of the procedure: type in each."
    sao.notebook('Dữ liệu tờ khai điện tử')
    for name, value in values.items():
        sao.type_in(sao.page.locator(f'[name="{name}"]:visible').first,
            value)


def attach_files(sao, files):
    """Several files at once through sao's attachments (Tệp đính kèm ▸
    Thêm…), then made the dossier's documents with its button."""
    page = sao.page
    page.keyboard.press('Control+s')   # attachments need a saved record
    sao.wait_idle()
    # The attachment menu opens only once the record is saved: a click
    # while sao still saves opens nothing, so it is tried again.
    file_input = page.locator('ul.dropdown-menu:visible input[type=file]')
    for _ in range(6):
        page.locator('button[title^="Tệp đính kèm"]:visible').click()
        try:
            file_input.wait_for(state='attached', timeout=5000)
            break
        except Exception:
            page.keyboard.press('Escape')
            sao.wait_idle()
    file_input.set_input_files(files=files)
    sao.dialog().locator('tbody tr', has_text=files[-1]['name']).wait_for()
    sao.shot('attachments-added')
    sao.dialog_button('Đóng')
    sao.wait_dialog_closed()
    sao.button('Nhập tệp đính kèm')
    sao.dialog().get_by_text('Tiếp tục?').wait_for()
    sao.dialog_button('Đồng ý')
    sao.wait_dialog_closed()
    sao.notebook('Thành phần hồ sơ')
    # The list is read once the import reloaded it (a busy machine is
    # slower than the click).
    sao.page.locator('table tbody tr:visible',
        has_text=files[-1]['name']).first.wait_for()
    return sao.rows()


def list_rows(sao):
    "The rows of the visible list: their sao colour class and cells."
    return sao.page.locator('table tbody tr:visible').evaluate_all(
        """rows => rows.filter(r => !r.closest('#menu')).map(r => ({
            visual: r.className,
            cells: [...r.querySelectorAll('td')].filter(
                td => td.offsetParent !== null).map(
                td => td.innerText.trim())}))""")


def leader_signs_the_result(sao, code, name, text, author='chuyenvien'):
    """The specialist (author) attaches the result (a PDF) and the leader
    signs it for the agency (gov_signature's button *Ký số thay mặt cơ
    quan*), both over sao's JSON-RPC as tests/test_portal_signature.py
    does, with this run's test PKI in the server's signature folder: a
    result the citizen receives online is approved only once signed."""
    import base64
    from gov_signature.tests.pki import minimal_pdf
    from tests.test_portal_signature import install_test_pki
    server = sao.server
    install_test_pki(server)
    session, _ = server.login(author, 'dvc@2026')
    ids = server.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    data = {'__class__': 'bytes',
        'base64': base64.b64encode(minimal_pdf(text)).decode()}
    created = server.rpc('model.gov.dossier.document.create', [[{
                    'dossier': ids[0], 'kind': 'result', 'name': name,
                    'data': data}], {}], session=session)
    assert 'error' not in created, created
    session, _ = server.login(sao.login_name, 'dvc@2026')
    signed = server.rpc('model.gov.dossier.document.sign',
        [created['result'], {}], session=session)
    assert 'error' not in signed, signed
