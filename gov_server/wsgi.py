"""The one WSGI application: citizen portal at /, back office (sao) at /admin/.

gunicorn -c config/gunicorn.conf.py gov_server.wsgi:application
(with TRYTOND_CONFIG pointing to the configuration file).

sao builds its JSON-RPC URLs relative to its page (`<database>/rpc/`), so
everything under /admin/ goes to trytond's application with the prefix moved
to SCRIPT_NAME; trytond's own static middleware serves sao there. Every
other path reaches trytond's routes without that static layer, so the
portal routes registered by our modules (see gov_agency.portal) answer at /.
"""
import os

from werkzeug.utils import redirect

from gov_server import configure

configure()

from trytond import config  # noqa: E402

# Load the portal's database when the process starts (trytond.application
# initialises the pools listed here), so that the first request — a sao
# login, say — finds it ready.
os.environ.setdefault(
    'TRYTOND_DATABASE_NAMES', config.get('gov', 'database', default='dvc'))

from trytond.application import app as tryton_app  # noqa: E402
from trytond.wsgi import TrytondWSGI  # noqa: E402

from gov_server import speedups  # noqa: E402

speedups.install()

ADMIN_PREFIX = '/admin'

# trytond's routes without the sao static-file layer.
_routes_only = TrytondWSGI.wsgi_app.__get__(tryton_app)
if config.getint('web', 'num_proxies'):
    from werkzeug.middleware.proxy_fix import ProxyFix
    _n = config.getint('web', 'num_proxies')
    _routes_only = ProxyFix(_routes_only, x_for=_n, x_proto=_n, x_host=_n)


def _cookies_under_prefix(start_response, prefix):
    """trytond sets its session cookie with Path=/<database>; under /admin/
    the browser must send it back to /admin/<database>."""
    def wrapped(status, headers, exc_info=None):
        headers = [
            (name, value.replace('; Path=/', f'; Path={prefix}/', 1))
            if name.lower() == 'set-cookie' else (name, value)
            for name, value in headers]
        return start_response(status, headers, exc_info)
    return wrapped


def application(environ, start_response):
    path = environ.get('PATH_INFO') or '/'
    if path == ADMIN_PREFIX:
        return redirect(ADMIN_PREFIX + '/', 301)(environ, start_response)
    if path.startswith(ADMIN_PREFIX + '/'):
        script_name = environ.get('SCRIPT_NAME', '') + ADMIN_PREFIX
        environ['SCRIPT_NAME'] = script_name
        environ['PATH_INFO'] = path[len(ADMIN_PREFIX):]
        return tryton_app(
            environ, _cookies_under_prefix(start_response, script_name))
    return _routes_only(environ, start_response)
