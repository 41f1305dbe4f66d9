"""The one WSGI application: citizen portal at /, back office (sao) at /admin/.

gunicorn -c config/gunicorn.conf.py gov_server.wsgi:application
(with TRYTOND_CONFIG pointing to the configuration file).

sao builds its JSON-RPC URLs relative to its page (`<database>/rpc/`), so
everything under /admin/ goes to trytond's application with the prefix moved
to SCRIPT_NAME; trytond's own static middleware serves sao there. Every
other path reaches trytond's routes without that static layer, so the
portal routes registered by our modules (see gov_agency.portal) answer at /.
"""
from werkzeug.utils import redirect

from trytond.application import app as tryton_app  # starts the Pool
from trytond import config
from trytond.wsgi import TrytondWSGI

ADMIN_PREFIX = '/admin'

# trytond's routes without the sao static-file layer.
_routes_only = TrytondWSGI.wsgi_app.__get__(tryton_app)
if config.getint('web', 'num_proxies'):
    from werkzeug.middleware.proxy_fix import ProxyFix
    _n = config.getint('web', 'num_proxies')
    _routes_only = ProxyFix(_routes_only, x_for=_n, x_proto=_n, x_host=_n)


def application(environ, start_response):
    path = environ.get('PATH_INFO') or '/'
    if path == ADMIN_PREFIX:
        return redirect(ADMIN_PREFIX + '/', 301)(environ, start_response)
    if path.startswith(ADMIN_PREFIX + '/'):
        environ['SCRIPT_NAME'] = environ.get('SCRIPT_NAME', '') + ADMIN_PREFIX
        environ['PATH_INFO'] = path[len(ADMIN_PREFIX):]
        return tryton_app(environ, start_response)
    return _routes_only(environ, start_response)
