# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Clean portal URLs: routes without the database name in the path.

trytond's with_pool() takes the database from the URL; the citizen portal's
paths (/thu-tuc, /tra-cuu …) have none, so portal_route() takes it from the
configuration ([gov] database, or the TRYTOND_GOV__DATABASE variable).
Use it instead of app.route for every portal page:

    @portal_route('/tra-cuu', methods={'GET'})
    @with_transaction()
    def lookup(request, pool): ...
"""
from functools import wraps

from trytond import config
from trytond.protocols.wrappers import with_pool
from trytond.wsgi import app


def portal_database():
    return config.get('gov', 'database', default='dvc')


def portal_route(path, methods=None, defaults=None):
    def decorator(func):
        pooled = with_pool(func)

        @wraps(func)
        def endpoint(request, *args, **kwargs):
            return pooled(request, portal_database(), *args, **kwargs)
        app.route(path, methods=methods, defaults=defaults)(endpoint)
        return func
    return decorator
