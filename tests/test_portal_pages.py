"""Portal pages without a dossier: catalogue, accounts' forms, errors,
language, security headers (R-CAT-2, R-L10N-1, R-A11Y-1, R-SEC-1)."""
import re

from tests.portal_fixtures import check_page, csrf_token, request
from tests.portal_seed import BIRTH, PERMIT


def test_catalogue_search_without_diacritics(portal):
    "R-CAT-2: 'khai sinh' and 'KHAI SINH' find 'Đăng ký khai sinh'"
    for text in ('khai+sinh', 'KHAI+SINH', 'dang+ky+khai+sinh',
            '%C4%91%C4%83ng+k%C3%BD+khai+sinh'):
        status, _, body = request(portal, 'GET', f'/thu-tuc?q={text}')
        assert status == 200
        assert f'/thu-tuc/{BIRTH}' in body, text
        assert f'/thu-tuc/{PERMIT}' not in body


def test_catalogue_filters_and_pagination(portal):
    "R-CAT-2: filters by field, level, service level; counts and pages"
    status, _, body = request(portal, 'GET', '/thu-tuc')
    assert status == 200
    options = dict(re.findall(
            r'<option value="(\d+)"[^>]*>(Xây dựng \(kiểm thử\))</option>', body))
    assert options, 'field filter offers the used fields'
    field_id = next(iter(options))
    status, _, body = request(portal, 'GET', f'/thu-tuc?field={field_id}')
    assert f'/thu-tuc/{PERMIT}' in body
    assert f'/thu-tuc/{BIRTH}' not in body
    status, _, body = request(portal, 'GET', '/thu-tuc?q=khai&trang=2')
    assert status == 200 and f'/thu-tuc/{BIRTH}' not in body
    status, _, body = request(portal, 'GET', '/thu-tuc?field=abc')
    assert status == 200


def test_procedure_page_has_everything(portal):
    "R-CAT-2, R-FEE-1: components, template, fees, time, agency, steps"
    status, _, body = request(portal, 'GET', f'/thu-tuc/{BIRTH}')
    assert status == 200
    for text in ('Đăng ký khai sinh', 'Tờ khai đăng ký khai sinh',
            'Giấy chứng sinh', '8.000 đ', '1 ngày làm việc',
            'Ủy ban nhân dân phường Nghĩa Đức', 'Luật Hộ tịch',
            'Công chức tư pháp - hộ tịch xử lý', f'/nop-ho-so/{BIRTH}'):
        assert text in body, text
    link = re.search(r'href="(/thu-tuc/[^"]+/mau/\d+)"', body).group(1)
    status, headers, content = request(portal, 'GET', link)
    assert status == 200 and content.startswith('%PDF')
    assert 'to-khai-khai-sinh.pdf' in headers['Content-Disposition']
    status, _, body = request(portal, 'GET', '/thu-tuc/KHONG.CO')
    assert status == 404 and 'Không tìm thấy trang' in body


def test_errors_are_vietnamese_pages(portal):
    "R-L10N-1: 404 in Vietnamese, no stack trace; English switch"
    status, headers, body = request(portal, 'GET', '/khong-co-trang-nay')
    assert status == 404
    assert '<html lang="vi">' in body and 'Không tìm thấy trang' in body
    assert 'Traceback' not in body
    status, headers, _ = request(portal, 'GET', '/ngon-ngu/en?next=/thu-tuc')
    assert status == 303 and headers['Location'].endswith('/thu-tuc')
    assert any('dvc_lang=en' in c for c in headers.get_all('Set-Cookie'))
    status, _, body = request(portal, 'GET', '/thu-tuc',
        cookies={'dvc_lang': 'en'})
    assert '<html lang="en">' in body and 'Procedures' in body
    # An open redirect is not followed.
    status, headers, _ = request(
        portal, 'GET', '/ngon-ngu/vi?next=//evil.example/')
    assert headers['Location'] in {'/', 'http://127.0.0.1/'} or \
        headers['Location'].endswith('/')
    assert 'evil' not in headers['Location']


def test_post_without_csrf_token_is_refused(portal):
    "R-SEC-1: a POST without (or with a wrong) CSRF token is refused"
    status, _, body = request(portal, 'POST', '/dang-nhap',
        data={'email': 'a@example.com', 'password': 'x' * 10})
    assert status == 403 and 'tải lại trang' in body
    status, headers, body = request(portal, 'GET', '/dang-nhap')
    cookie = headers['Set-Cookie']
    assert 'HttpOnly' in cookie and 'SameSite=Lax' in cookie
    status, _, _ = request(portal, 'POST', '/dang-nhap',
        data={'email': 'a@example.com', 'password': 'x' * 10,
            'csrf_token': csrf_token(body)})
    assert status == 403  # the token belongs to another browser cookie
    browser_cookie = re.search(r'dvc_browser=(\w+)', cookie).group(1)
    status, _, body = request(portal, 'POST', '/dang-nhap',
        data={'email': 'a@example.com', 'password': 'x' * 10,
            'csrf_token': csrf_token(body)},
        cookies={'dvc_browser': browser_cookie})
    assert status == 200 and 'E-mail hoặc mật khẩu không đúng' in body


def test_security_headers(portal):
    "R-SEC-1: CSP, no framing, no sniffing on portal pages"
    status, headers, _ = request(portal, 'GET', '/')
    assert "default-src 'self'" in headers['Content-Security-Policy']
    assert headers['X-Frame-Options'] == 'DENY'
    assert headers['X-Content-Type-Options'] == 'nosniff'
    status, headers, _ = request(portal, 'GET', '/static/portal.css')
    assert status == 200 and headers['Content-Type'].startswith('text/css')
    status, _, _ = request(portal, 'GET', '/static/../web.py')
    assert status == 404


def test_lookup_rate_limited_per_address(portal):
    "R-LOOK-1: 30 lookups in a minute from one address → 429, Vietnamese"
    statuses = []
    for number in range(30):
        status, headers, body = request(portal, 'GET',
            f'/tra-cuu?ma=000.00.00.H16-990101-{number:04d}',
            source='127.0.0.9')
        statuses.append(status)
    assert statuses[0] == 200
    assert statuses[-1] == 429
    assert 'quá nhiều lần' in body and headers['Retry-After'] == '60'
    # Another address is not affected.
    status, _, _ = request(portal, 'GET', '/tra-cuu?ma=X', source='127.0.0.10')
    assert status == 200


def test_keyboard_only(desktop):
    "R-A11Y-1: the first Tab reaches the skip link, then the menu"
    page = desktop
    page.goto('/')
    page.keyboard.press('Tab')
    assert page.evaluate('document.activeElement.className') == 'skip'
    page.keyboard.press('Enter')
    assert page.evaluate('document.activeElement.id') == 'main'
    page.goto('/')
    page.keyboard.press('Tab')
    page.keyboard.press('Tab')
    page.keyboard.press('Tab')
    assert page.evaluate('document.activeElement.textContent') == 'Thủ tục'
    page.keyboard.press('Enter')
    page.wait_for_url('**/thu-tuc')


def test_public_pages_accessible(phone):
    "R-A11Y-1, R-L10N-1: axe finds no serious issue; phone and desktop"
    for page in (phone,):
        for path, name in [('/', 'home'), ('/thu-tuc?q=khai+sinh',
                    'catalogue'), (f'/thu-tuc/{BIRTH}', 'procedure'),
                ('/dang-nhap', 'login'), ('/dang-ky', 'register'),
                ('/quen-mat-khau', 'forgot'), ('/tra-cuu', 'lookup'),
                ('/tra-cuu?ma=KHONG-CO', 'lookup-unknown'),
                ('/kiosk', 'kiosk'), ('/khong-co', 'error-404'),
                ('/xac-thuc-email?token=abc', 'verify'),
                ('/dat-lai-mat-khau?token=abc&email=a@example.com', 'reset'),
                ('/ngon-ngu/en?next=/thu-tuc', 'catalogue-en'),
                ('/ngon-ngu/en?next=/kiosk', 'kiosk-en'),
                ('/ngon-ngu/vi?next=/', 'home-again')]:
            page.goto(path)
            check_page(page, name)


def portal_texts():
    """The Vietnamese texts the portal translates: the _('…') of the
    templates, the _() and translate() of its code called with a text, and
    the labels of its own dictionaries."""
    import ast
    from pathlib import Path

    from gov_portal import dossiers
    here = Path(dossiers.__file__).parent
    texts = set()
    for path in (here / 'templates').glob('*.html'):
        texts.update(re.findall(r"_\('((?:[^'\\]|\\.)*)'",
                path.read_text(encoding='utf-8')))
    for path in here.glob('*.py'):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, 'id', getattr(node.func, 'attr', None))
            text = node.args[0]
            if (name in {'_', 'translate'}
                    and isinstance(text, ast.Constant)
                    and isinstance(text.value, str)):
                texts.add(text.value)
    # The states and events come from gov_dossier in the reader's
    # language (public_state_labels, get_public_history).
    for mapping in (dossiers.TIMELINESS, dossiers.RETURN_METHODS):
        texts.update(mapping.values())
    return texts


def test_every_template_text_has_english():
    "R-L10N-1: the English switch translates all the portal's chrome"
    from pathlib import Path

    import polib

    from gov_portal import i18n
    catalogue = polib.pofile(
        str(Path(i18n.__file__).parent / 'i18n' / 'en.po'))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    english = {e.msgid: e.msgstr for e in catalogue.translated_entries()}
    assert len(english) == len(catalogue), 'a text has two entries'
    missing = sorted(t for t in portal_texts() if t not in english)
    assert not missing, missing
    # An English text names the values of its Vietnamese one: a missing
    # placeholder would break the English page.
    for msgid, msgstr in english.items():
        assert (sorted(re.findall(r'%\((\w+)\)', msgid))
            == sorted(re.findall(r'%\((\w+)\)', msgstr))), msgid
    # The portal translates with this catalogue, read once.
    assert i18n.CATALOGUES['en'] == english
    assert i18n.translate('Thủ tục', 'en') == 'Procedures'
    assert i18n.translate('Thủ tục', 'vi') == 'Thủ tục'
    assert i18n.translate('Trang %(page)s / %(pages)s', 'en', page=2,
        pages=5) == 'Page 2 of 5'
    assert i18n.translate('Không có trong danh mục', 'en') == (
        'Không có trong danh mục')
