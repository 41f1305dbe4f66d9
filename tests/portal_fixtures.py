"""Fixtures and helpers of the portal tests (import them in the test
module): the live server with the test procedures, headless Chromium
(Debian's, through Playwright), screenshots and axe-core."""
import http.client
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / 'screenshots' / 'portal'
SAO_SCREENSHOTS = ROOT / 'screenshots' / 'sao'
AXE = ROOT / 'var' / 'axe-core' / 'axe.min.js'
CHROMIUM = os.environ.get('GOV_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync']
WIDTHS = {'phone': 360, 'desktop': 1280}


@pytest.fixture(scope='session')
def portal(live_server):
    "The live server with the portal's test procedures published."
    subprocess.run([sys.executable, '-m', 'tests.portal_seed',
            live_server.database], env=live_server.env, cwd=ROOT, check=True,
        stdout=subprocess.DEVNULL)
    return live_server


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def desktop(browser, portal):
    context = browser.new_context(base_url=portal.url, locale='vi-VN',
        viewport={'width': WIDTHS['desktop'], 'height': 900},
        bypass_csp=True)
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser, portal):
    context = browser.new_context(base_url=portal.url, locale='vi-VN',
        viewport={'width': WIDTHS['phone'], 'height': 740},
        is_mobile=True, has_touch=True, bypass_csp=True)
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def shot(page, name):
    "Save a full-page screenshot under screenshots/portal/ (git-ignored)."
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size['width']
    page.screenshot(path=str(SCREENSHOTS / f'{name}-{width}.png'),
        full_page=True)


def axe_violations(page, impacts=('serious', 'critical')):
    """Run axe-core in the page (WCAG 2.x A/AA rules); return the
    violations of the given impacts as readable strings."""
    if not page.evaluate('typeof window.axe !== "undefined"'):
        page.evaluate(AXE.read_text(encoding='utf-8'))
    result = page.evaluate('''async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}));
    }''')
    return [f"{v['impact']} {v['id']}: {v['help']} at {v['nodes'][:3]}"
        for v in result if v['impact'] in impacts]


def check_page(page, name):
    """Screenshot the page at phone and desktop width and assert axe finds
    nothing serious or critical at either (R-A11Y-1)."""
    original = page.viewport_size
    try:
        for width in WIDTHS.values():
            page.set_viewport_size({'width': width,
                    'height': original['height']})
            shot(page, name)
            violations = axe_violations(page)
            assert not violations, f'{name} at {width}px: ' + '\n'.join(
                violations)
            # Nothing wider than the screen on a phone.
            overflow = page.evaluate('document.documentElement.scrollWidth')
            assert overflow <= width, f'{name}: {overflow}px wide at {width}px'
    finally:
        page.set_viewport_size(original)


def request(server, method, path, data=None, headers=None, source=None,
        cookies=None):
    """A raw HTTP request (no redirects followed), optionally from another
    loopback address (source) so that per-address limits are isolated."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port,
        timeout=30, source_address=(source, 0) if source else None)
    body = None
    headers = dict(headers or {})
    if data is not None:
        body = urllib.parse.urlencode(data)
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    if cookies:
        headers['Cookie'] = '; '.join(f'{k}={v}' for k, v in cookies.items())
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read().decode('utf-8', 'replace')
    result = response.status, response.headers, content
    connection.close()
    return result


def csrf_token(html):
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    return match.group(1) if match else None


class Client:
    """A browser-less visitor with its own cookies (and optionally its own
    loopback address), for the attack tests."""

    def __init__(self, server, source=None):
        self.server = server
        self.source = source
        self.cookies = {}

    def request(self, method, path, data=None, files=None, headers=None):
        parts = urllib.parse.urlsplit(self.server.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port,
            timeout=60,
            source_address=(self.source, 0) if self.source else None)
        headers = dict(headers or {})
        body = None
        if files is not None:
            boundary = 'b' + os.urandom(8).hex()
            chunks = []
            for key, value in (data or {}).items():
                chunks.append((f'--{boundary}\r\nContent-Disposition: '
                        f'form-data; name="{key}"\r\n\r\n{value}\r\n'
                        ).encode())
            for key, (filename, content) in files.items():
                chunks.append((f'--{boundary}\r\nContent-Disposition: '
                        f'form-data; name="{key}"; filename="{filename}"\r\n'
                        'Content-Type: application/octet-stream\r\n\r\n'
                        ).encode() + content + b'\r\n')
            chunks.append(f'--{boundary}--\r\n'.encode())
            body = b''.join(chunks)
            headers['Content-Type'] = (
                f'multipart/form-data; boundary={boundary}')
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        if self.cookies:
            headers['Cookie'] = '; '.join(
                f'{k}={v}' for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for cookie in response.headers.get_all('Set-Cookie') or []:
            name, _, rest = cookie.partition('=')
            value = rest.split(';', 1)[0]
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        connection.close()
        if 'text' in (response.headers.get('Content-Type') or ''):
            content = content.decode('utf-8', 'replace')
        return response.status, response.headers, content

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, data=None, files=None, form_path=None):
        "POST with the CSRF token of the page at form_path (default path)."
        _, _, page = self.get(form_path or path)
        data = dict(data or {})
        data.setdefault('csrf_token', csrf_token(page))
        return self.request('POST', path, data=data, files=files)

    def register(self, email, name, id_number, password='Mat-khau-2026'):
        "Register, verify through the e-mail and log in."
        status, _, body = self.post('/dang-ky', {
                'email': email, 'full_name': name,
                'identification_number': id_number, 'phone': '0987654321',
                'address': 'Gia Nghĩa', 'password': password,
                'password_confirm': password, 'consent': '1'})
        assert status == 200, body
        message = self.server.mails.wait_for(email, 'Xác thực')
        text = message.get_body(preferencelist=('plain',)).get_content()
        token = re.search(r'xac-thuc-email\?token=(\w+)', text).group(1)
        status, _, body = self.post('/xac-thuc-email', {'token': token},
            form_path=f'/xac-thuc-email?token={token}')
        assert 'E-mail đã được xác thực' in body
        status, headers, body = self.post('/dang-nhap', {
                'email': email, 'password': password})
        assert status == 303, body
        return self


@pytest.fixture
def sao_page(browser, live_server):
    """A page for sao (the back office) in a browser set to English: sao
    must still speak Vietnamese; page.errors collects its script errors."""
    context = browser.new_context(base_url=live_server.url, locale='en-US',
        viewport={'width': 1366, 'height': 900})
    context.set_default_timeout(20000)
    page = context.new_page()
    page.errors = []
    page.on('pageerror', lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def click_until(page, click, appeared, attempts=4):
    """Click, then wait for what the click opens; sao ignores a click on a
    record it is still loading, so click again (a few times) until it
    opens. click: the locator to click; appeared: the locator awaited."""
    for _ in range(attempts - 1):
        page.wait_for_load_state('networkidle')
        click.click()
        try:
            appeared.wait_for(timeout=5000)
            return
        except Exception:
            # Opened but slow (a busy machine): wait, do not click into it.
            if page.locator('.modal-dialog:visible').count():
                break
    else:
        click.click()
    appeared.wait_for()


def sao_login(page, database, login, password, before=None):
    """Sign in to sao as `login`, the database given in the address (sao
    lists every database of a PostgreSQL server). before(page): called
    once the login dialog is ready (a screenshot of it)."""
    page.goto(f'/admin/#{database}')
    page.get_by_text('Tên đăng nhập').wait_for()
    # sao fills the database field once its list of databases has come.
    page.wait_for_function(
        """db => [...document.querySelectorAll(
            '.modal-dialog select, .modal-dialog input')].some(
            e => e.offsetParent !== null && e.value === db)""",
        arg=database)
    if before:
        before(page)
    login_field = page.locator('.modal-dialog input:visible').last
    login_field.fill(login)
    login_field.press('Enter')
    # sao asks the server how this login signs in before it shows the
    # password field: slow on a machine running both test lanes, and an
    # Enter pressed while sao was still binding its keys is lost: pressed
    # again only when nothing is in flight and the login still shows.
    password_field = page.locator('input[type=password]').last
    for _ in range(6):
        try:
            password_field.wait_for(timeout=15000)
            break
        except Exception:
            page.wait_for_load_state('networkidle')
            if (not password_field.is_visible()
                    and login_field.is_visible()):
                login_field.press('Enter')
    password_field.fill(password)
    password_field.press('Enter')
    page.get_by_text('Hành chính công', exact=True).wait_for(timeout=60000)


def sao_shot(page, name):
    "A screenshot of sao in screenshots/sao/<name>.png."
    SAO_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SAO_SCREENSHOTS / f'{name}.png'))
