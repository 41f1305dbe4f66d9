# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The portal's small web framework on top of trytond's routes.

- `page(path, methods)` registers a portal page: clean URL (gov_agency's
  portal_route), one database transaction, the visitor's language, web
  user and CSRF check, and Vietnamese error pages: no exception text or
  stack trace ever reaches a citizen.
- `Portal` is what a page function receives: the request, the pool, the
  signed-in web user (or None), the language, `render()` for templates and
  `redirect()`.
- Sessions are web_user's sessions (web.user.session) kept in an HttpOnly,
  SameSite=Lax cookie, Secure whenever the request came over HTTPS (also
  behind nginx: ProxyFix sets the scheme from X-Forwarded-Proto).
- CSRF: every POST carries a token = HMAC(secret, browser cookie | session
  key); it is checked before the page function runs.
"""
import hashlib
import hmac
import logging
import secrets
from functools import wraps
from pathlib import Path
from tempfile import SpooledTemporaryFile
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.utils import redirect as _redirect

from trytond import backend, config
from trytond.pool import Pool
from trytond.protocols.wrappers import Response, with_transaction
from trytond.transaction import Transaction

from gov_agency import l10n
from gov_agency.portal import portal_route

from .i18n import translate

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = 'dvc_session'
BROWSER_COOKIE = 'dvc_browser'
LANG_COOKIE = 'dvc_lang'
LANGUAGES = ('vi', 'en')
PROVINCE = 'Đắk Nông'
# An uploaded file up to this size stays in memory while the form is
# parsed (read_upload); the request as a whole is bounded by the page's
# max_size.
UPLOAD_IN_MEMORY = 16 * 1024 * 1024


class PageError(Exception):
    "Stop the page and answer with an error page (404, 403, 429 …)."

    def __init__(self, status, message=None, headers=None):
        super().__init__(status, message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def not_found():
    return PageError(404)


# ---------------------------------------------------------------- formats
# gov_agency.l10n writes them for the portal, the printed forms and the
# notifications alike (R-L10N-1); the portal shows stored datetimes in the
# province's time.
to_local = l10n.to_local
format_date = l10n.format_date_utc
format_datetime = l10n.format_datetime_utc
format_days = l10n.format_days


def format_amount(value):
    "1.234.567 đ (R-L10N-1)."
    return l10n.format_amount(value, short=True)


def format_size(value):
    if value is None:
        return ''
    if value >= 1024 * 1024:
        return ('%.1f MB' % (value / 1024 / 1024)).replace('.', ',')
    return '%d KB' % max(1, round(value / 1024))


def mask_name(name):
    """Hide a submitter's name from strangers (R-LOOK-2, R-SEC-2):
    "Nguyễn Văn An" → "Nguyễn V** A**"."""
    words = (name or '').split()
    if not words:
        return ''
    return ' '.join([words[0]] + [w[0] + '**' for w in words[1:]])


# -------------------------------------------------------------- templates

# The portal's templates, then those of the modules adding pages
# (add_template_folder): their pages extend base.html and import
# macros.html like the portal's own.
ENV = Environment(
    loader=FileSystemLoader(str(HERE / 'templates')),
    autoescape=select_autoescape(['html', 'xml'], default=True),
    trim_blocks=True, lstrip_blocks=True)
ENV.filters.update({
        'date': format_date,
        'datetime': format_datetime,
        'amount': format_amount,
        'size': format_size,
        'days': format_days,
        'mask': mask_name,
        })


def has_model(name):
    """Whether the current database has the model (its module activated):
    the template a module adds to a portal page renders only then, as a
    module's Python code is loaded for every database of the server."""
    try:
        Pool().get(name)
    except KeyError:
        return False
    return True


ENV.globals['has_model'] = has_model


def add_template_folder(path):
    """Let the portal's renderer find the templates of another module's
    pages (e.g. gov_fee/templates), after its own. A page template of the
    portal may offer a place for them: ``{% include 'x.html' ignore
    missing %}`` renders a module's x.html there when it is installed; x.html
    renders nothing in a database where its module is not activated
    (``{% if has_model('<its model>') %}``)."""
    path = str(Path(path).resolve())
    if path not in ENV.loader.searchpath:
        ENV.loader.searchpath.append(path)
        if ENV.cache is not None:
            ENV.cache.clear()


def _static_version():
    digest = hashlib.sha256()
    for path in sorted((HERE / 'static').rglob('*')):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


STATIC_VERSION = _static_version()


def render_template(template_name, /, lang='vi', **values):
    values.setdefault('lang', lang)
    values.setdefault('_', lambda msg, /, **kw: translate(msg, lang, **kw))
    values.setdefault('province', PROVINCE)
    values.setdefault('static_version', STATIC_VERSION)
    return ENV.get_template(template_name).render(**values)


# ---------------------------------------------------------------- secrets

# The database's secret by database name: created with the database and
# never changed (read-only field), so read once per process, not on every
# page (each page signs its CSRF token).
_SECRETS = {}


def _secret(pool):
    value = config.get('gov', 'secret', default=None)
    if value:
        return value.encode()
    secret = _SECRETS.get(pool.database_name)
    if not secret:
        secret = pool.get('gov.portal.configuration').get_secret().encode()
        if secret:
            _SECRETS[pool.database_name] = secret
    return secret


def sign(pool, *parts):
    message = '|'.join(str(p) for p in parts).encode()
    return hmac.new(_secret(pool), message, hashlib.sha256).hexdigest()


def safe_next(value, default='/'):
    "Only local paths are followed after log in or a language switch."
    if not value or not value.startswith('/') or value.startswith('//') \
            or '\\' in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


# ----------------------------------------------------------------- portal

class Portal:
    "What a page function receives."

    def __init__(self, request, pool):
        self.request = request
        self.pool = pool
        self.cookies = []  # (name, value, max_age) to set on the response
        lang = request.args.get('lang') or request.cookies.get(LANG_COOKIE)
        self.lang = lang if lang in LANGUAGES else 'vi'
        self.browser = request.cookies.get(BROWSER_COOKIE)
        if not self.browser or len(self.browser) != 32:
            self.browser = secrets.token_hex(16)
            self.cookies.append((BROWSER_COOKIE, self.browser, None))
        self.session_key = request.cookies.get(SESSION_COOKIE)
        self._user = False
        self._unread = None
        self.flashes = []

    # The signed-in citizen
    @property
    def user(self):
        if self._user is False:
            self._user = None
            if self.session_key:
                WebUser = self.pool.get('web.user')
                user = WebUser.get_user(self.session_key)
                if user and user.active:
                    self._user = user
        return self._user

    @property
    def unread(self):
        """Unread portal notifications of the signed-in citizen, for the
        inbox link of every page: one count query, once per request."""
        if self._unread is None:
            self._unread = 0
            if self.user:
                try:
                    Notification = self.pool.get('gov.notification')
                except KeyError:
                    return 0
                self._unread = Notification.portal_unread_count(self.user)
        return self._unread

    def require_user(self):
        if not self.user:
            raise PageError(302, headers={'Location': '/dang-nhap?'
                    + urlencode({'next': self.request.full_path.rstrip('?')})})
        return self.user

    def log_in(self, web_user):
        """Open a session for a web user. The one entry point of every way
        of authenticating (password today, OpenID Connect later)."""
        if self.session_key:
            self.pool.get('web.user.session').remove(self.session_key)
        self.session_key = web_user.new_session()
        self._user = web_user
        self._unread = None
        self.cookies.append((SESSION_COOKIE, self.session_key,
                int(self.pool.get('web.user.session').timeout()
                    .total_seconds())))

    def log_out(self):
        if self.session_key:
            self.pool.get('web.user.session').remove(self.session_key)
        self.session_key = None
        self._user = None
        self._unread = None
        self.cookies.append((SESSION_COOKIE, '', 0))

    # CSRF
    @property
    def csrf_token(self):
        return sign(self.pool, 'csrf', self.browser, self.session_key or '')

    def check_csrf(self):
        token = self.request.form.get('csrf_token', '')
        if not hmac.compare_digest(token, self.csrf_token):
            raise PageError(403, translate(
                    'Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. '
                    'Vui lòng tải lại trang và thử lại.', self.lang))

    def _(self, msg, /, **kw):
        return translate(msg, self.lang, **kw)

    def flash(self, text):
        self.flashes.append(text)

    @property
    def remote_addr(self):
        return self.request.remote_addr or ''

    def render(self, template, /, status=200, **values):
        values.update(
            portal=self, user=self.user, csrf_token=self.csrf_token,
            path=self.request.path,
            full_path=self.request.full_path.rstrip('?'),
            flashes=self.flashes)
        html = render_template(template, lang=self.lang, **values)
        return Response(html, status=status,
            content_type='text/html; charset=utf-8')

    def redirect(self, location, code=303):
        return _redirect(location, code=code)

    def finish(self, response):
        secure = self.request.scheme == 'https'
        for name, value, max_age in self.cookies:
            response.set_cookie(name, value, max_age=max_age, path='/',
                secure=secure, httponly=True, samesite='Lax')
        headers = response.headers
        headers.setdefault('X-Content-Type-Options', 'nosniff')
        headers.setdefault('Referrer-Policy', 'same-origin')
        # Only the embeddable lookup (routes_embed.py) may be framed.
        if not getattr(response, 'embeddable', False):
            headers.setdefault('X-Frame-Options', 'DENY')
        headers.setdefault('Content-Security-Policy',
            "default-src 'self'; img-src 'self' data:; "
            "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'none'")
        if self.user or self.request.method != 'GET':
            headers.setdefault('Cache-Control', 'no-store')
        return response


def error_response(request, status, message=None, headers=None):
    "A Vietnamese (or English) error page that needs no database."
    lang = request.cookies.get(LANG_COOKIE)
    lang = lang if lang in LANGUAGES else 'vi'
    html = render_template('error.html', lang=lang, status=status,
        message=message, user=None, csrf_token='', path=request.path,
        full_path=request.path, flashes=[], portal=None)
    response = Response(html, status=status,
        content_type='text/html; charset=utf-8')
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


# The database went away under the request (connections cut, a restart, a
# fail-over): the citizen is told to retry, with Retry-After, never a 500
# (R-OPS-1). InterfaceError: psycopg's "the connection is closed".
RETRY_AFTER = 5  # seconds


def _database_unavailable_errors():
    errors = [backend.DatabaseOperationalError]
    try:
        import psycopg
    except ImportError:
        pass
    else:
        errors.append(psycopg.InterfaceError)
    return tuple(errors)


DATABASE_UNAVAILABLE = _database_unavailable_errors()


def unavailable_response(request):
    "The Vietnamese 503 page with Retry-After."
    return error_response(request, 503,
        headers={'Retry-After': str(RETRY_AFTER)})


def upload_stream(total_content_length, content_type, filename=None,
        content_length=None):
    return SpooledTemporaryFile(max_size=UPLOAD_IN_MEMORY, mode='rb+')


class UploadParser(FormDataParser):
    "werkzeug's form parser with each file kept in memory (upload_stream)."

    def __init__(self, stream_factory=None, **kwargs):
        super().__init__(stream_factory=upload_stream, **kwargs)


def read_upload(request):
    """Read the body of a form with files at once, before it is parsed.

    The page reads every file whole right after (the checks, the
    fingerprint and the filestore want its bytes), so how the parser got
    them was pure cost. Read 64 kB at a time, the body went through
    gunicorn's buffer, copied again for each piece, and werkzeug spooled
    each file above 500 kB to a temporary file on disk: 14 ms of a
    worker's CPU for three files of 1 MB, 6–7 ms read at once and parsed
    in memory. A body larger than the page's max_size is refused (413)
    before it is read."""
    request.form_data_parser_class = UploadParser
    request.get_data(cache=True)


def page(path, methods=('GET',), readonly=None, max_size=None):
    """Register a portal page.

    The function gets a Portal then the URL's values and returns a response.
    POSTs are checked for their CSRF token first."""
    methods = set(methods)
    if 'GET' in methods:
        methods.add('HEAD')

    def decorator(func):
        @with_transaction(readonly=readonly)
        def transactional(request, pool, *args, **kwargs):
            portal = Portal(request, pool)
            with Transaction().set_context(language=portal.lang):
                if request.method == 'POST':
                    portal.check_csrf()
                response = func(portal, *args, **kwargs)
            return portal.finish(response)

        def guarded(request, pool, *args, **kwargs):
            try:
                if max_size and request.method == 'POST':
                    read_upload(request)
                response = transactional(request, pool, *args, **kwargs)
            except PageError as error:
                if error.status in {301, 302, 303}:
                    response = _redirect(
                        error.headers['Location'], code=error.status)
                else:
                    response = error_response(request, error.status,
                        error.message, error.headers)
            except RequestEntityTooLarge:
                response = error_response(request, 413)
            except HTTPException as error:
                response = error_response(request, error.code or 500)
            except DATABASE_UNAVAILABLE:
                # trytond already retried a write; the cause is logged.
                logger.warning('portal page %s: database unavailable',
                    request.path, exc_info=True)
                response = unavailable_response(request)
            except Exception:
                logger.exception('portal page %s failed', request.path)
                response = error_response(request, 500)
            return response
        if max_size:
            guarded.max_request_size = max_size
        portal_route(path, methods=methods)(wraps(func)(guarded))
        return func
    return decorator


def markup(value):
    return Markup(value)
