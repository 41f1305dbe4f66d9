"""The one WSGI application: citizen portal at /, back office (sao) at /admin/.

gunicorn -c config/gunicorn.conf.py gov_server.wsgi:application
(with TRYTOND_CONFIG pointing to the configuration file).

sao builds its JSON-RPC URLs relative to its page (`<database>/rpc/`), so
everything under /admin/ goes to trytond's application with the prefix moved
to SCRIPT_NAME; trytond's own static middleware serves sao there. Every
other path reaches trytond's routes without that static layer, so the
portal routes registered by our modules (see gov_agency.portal) answer at /.

Before anything, a request must be addressed to a trusted host
(gov_agency.public.trusted_hosts: `[gov] portal_url`'s, `[gov]
trusted_hosts`, and the loopback names in development) — others get a 400
page — and loses the X-Forwarded-Host/Port/Prefix headers a client could
send to pose as nginx (nginx sets Host itself). `[gov] portal_url` is
required: links never come from a request's headers.

`/healthz` (gov_server.health) is answered here, before trytond's routes:
no rate limit of the portal applies to a health checker, and no page
machinery runs. It answers on the trusted hosts and on the loopback names
(a local check by address): it writes no link.
"""
import logging
import os

from werkzeug.sansio.utils import host_is_trusted
from werkzeug.utils import redirect

from gov_server import configure

configure()

from trytond import config  # noqa: E402

from gov_agency.public import (  # noqa: E402
    LOOPBACK, configured_portal_url, trusted_hosts)

# Checked before the database is opened: a production server without it
# would write links from nowhere (the development server sets it).
if not configured_portal_url():
    raise RuntimeError(
        '[gov] portal_url is not set: the public address of the portal '
        '(e.g. https://dichvucong.daknong.gov.vn) is required, links in '
        'e-mails and printed documents are built from it')

# Load the portal's database when the process starts (trytond.application
# initialises the pools listed here), so that the first request — a sao
# login, say — finds it ready.
os.environ.setdefault(
    'TRYTOND_DATABASE_NAMES', config.get('gov', 'database', default='dvc'))

from trytond.application import app as tryton_app  # noqa: E402
from trytond.wsgi import TrytondWSGI  # noqa: E402

from gov_server import devmail, health, speedups  # noqa: E402
from gov_server.logjson import log_thread_exceptions  # noqa: E402

speedups.install()
log_thread_exceptions()
logger = logging.getLogger(__name__)
TRUSTED_HOSTS = trusted_hosts()
HEALTH_HOSTS = list(dict.fromkeys(TRUSTED_HOSTS + list(LOOPBACK)))
# Set by a proxy, but nginx does not use them (config/nginx.conf.sample):
# when present they come from the client.
FORGEABLE = (
    'HTTP_X_FORWARDED_HOST', 'HTTP_X_FORWARDED_PORT',
    'HTTP_X_FORWARDED_PREFIX')

ADMIN_PREFIX = '/admin'

# trytond's routes without the sao static-file layer.
_routes_only = TrytondWSGI.wsgi_app.__get__(tryton_app)
if config.getint('web', 'num_proxies'):
    from werkzeug.middleware.proxy_fix import ProxyFix
    _n = config.getint('web', 'num_proxies')
    _routes_only = ProxyFix(_routes_only, x_for=_n, x_proto=_n)


# The back office is never shown in another site's frame (clickjacking of
# an officer's session) and its files are taken for what their type says
# (R-SEC-1); the portal sets its own, stricter, headers (gov_portal.web).
BACK_OFFICE_HEADERS = [
    ('X-Frame-Options', 'DENY'),
    ('Content-Security-Policy', "frame-ancestors 'none'"),
    ('X-Content-Type-Options', 'nosniff'),
    ]


def _back_office_response(start_response, prefix):
    """trytond sets its session cookie with Path=/<database>; under /admin/
    the browser must send it back to /admin/<database>. Every answer gets
    BACK_OFFICE_HEADERS."""
    def wrapped(status, headers, exc_info=None):
        headers = [
            (name, value.replace('; Path=/', f'; Path={prefix}/', 1))
            if name.lower() == 'set-cookie' else (name, value)
            for name, value in headers]
        present = {name.lower() for name, _ in headers}
        headers.extend((name, value) for name, value in BACK_OFFICE_HEADERS
            if name.lower() not in present)
        return start_response(status, headers, exc_info)
    return wrapped


def refuse_host(environ, start_response):
    from werkzeug.wrappers import Request

    from gov_portal.web import error_response
    logger.info('request for host %r refused', environ.get('HTTP_HOST'))
    return error_response(Request(environ), 400)(environ, start_response)


def application(environ, start_response):
    for name in FORGEABLE:
        environ.pop(name, None)
    path = environ.get('PATH_INFO') or '/'
    if path == health.PATH and host_is_trusted(
            environ.get('HTTP_HOST'), HEALTH_HOSTS):
        return health.application(environ, start_response)
    if not host_is_trusted(environ.get('HTTP_HOST'), TRUSTED_HOSTS):
        return refuse_host(environ, start_response)
    if devmail.DIRECTORY is not None and (
            path == devmail.PATH or path.startswith(devmail.PATH + '/')):
        return devmail.application(environ, start_response)
    if path == ADMIN_PREFIX:
        return redirect(ADMIN_PREFIX + '/', 301)(environ, start_response)
    if path.startswith(ADMIN_PREFIX + '/'):
        script_name = environ.get('SCRIPT_NAME', '') + ADMIN_PREFIX
        environ['SCRIPT_NAME'] = script_name
        environ['PATH_INFO'] = path[len(ADMIN_PREFIX):]
        return tryton_app(
            environ, _back_office_response(start_response, script_name))
    return _routes_only(environ, start_response)
