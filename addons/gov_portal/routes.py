# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Portal pages that need no other module: home, static files, language
switch and the Vietnamese 404 for every unknown path."""
import mimetypes
from pathlib import Path

from werkzeug.security import safe_join

from trytond.protocols.wrappers import Response

from gov_agency.portal import portal_route

from .web import LANG_COOKIE, LANGUAGES, HERE, PageError, page, safe_next

STATIC = HERE / 'static'


@page('/')
def home(portal):
    return portal.render('home.html')


@portal_route('/static/<path:name>', methods={'GET', 'HEAD'})
def static(request, pool, name):
    "The portal's own CSS, scripts and images (no CDN)."
    path = safe_join(str(STATIC), name)
    if path is None or not Path(path).is_file():
        from .web import error_response
        return error_response(request, 404)
    content_type = mimetypes.guess_type(path)[0] or 'application/octet-stream'
    if content_type.startswith('text/') or content_type.endswith(
            'javascript'):
        content_type += '; charset=utf-8'
    response = Response(Path(path).read_bytes(), content_type=content_type)
    # URLs carry ?v=<content hash>: cache for a year.
    if request.args.get('v'):
        response.headers['Cache-Control'] = 'public, max-age=31536000, immutable'
    else:
        response.headers['Cache-Control'] = 'public, max-age=300'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@page('/ngon-ngu/<lang>')
def language(portal, lang):
    "Switch between Vietnamese (default) and English."
    if lang not in LANGUAGES:
        raise PageError(404)
    portal.cookies.append((LANG_COOKIE, lang, 365 * 24 * 3600))
    return portal.redirect(safe_next(portal.request.args.get('next')))


@page('/<path:anything>', methods=('GET', 'POST'))
def not_found(portal, anything):
    raise PageError(404)
