# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The lookup widget that agencies embed in their own websites (R-OPS-4,
Điều 7.2.a, 15.1.b):

    <iframe src="https://<portal>/tra-cuu/nhung?co-quan=<agency code>"
            title="Tra cứu hồ sơ" width="100%" height="560"></iframe>

``/tra-cuu/nhung``
    the lookup form and its result (the web lookup's: the same rate limit,
    the model's public view, names masked), with ``co-quan`` the name of
    the agency and a link to its procedures. A GET form, as a framed
    page gets no cookie from another site (no session, no CSRF, no PIN:
    the full name stays on the portal's own page). Nothing but the
    portal's own stylesheet: no script, no third-party resource.

It is the only portal page other sites may frame: its Content-Security-
Policy says ``frame-ancestors`` ``[gov] embed_ancestors`` (default ``*``:
any site; a list of origins narrows it) and it sends no X-Frame-Options;
every other page keeps ``DENY`` and ``frame-ancestors 'none'``
(web.Portal.finish)."""
import re

from trytond import config

from .routes_lookup import clean_code, lookup
from .web import page

EMBED_PATH = '/tra-cuu/nhung'
# A CSP source of frame-ancestors: *, 'self', a scheme or a host name with
# an optional scheme, wildcard and port.
SOURCE = re.compile(r"\*|'self'|https?:|(https?://)?(\*\.)?"
    r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:(\d{1,5}|\*))?")


def ancestors():
    "The frame-ancestors sources of the widget ([gov] embed_ancestors)."
    value = config.get('gov', 'embed_ancestors', default='*') or '*'
    # Only well-formed sources: a typo cannot add a directive.
    sources = [s for s in value.replace(',', ' ').split()
        if SOURCE.fullmatch(s)]
    return ' '.join(sources) or "'none'"


def find_agency(portal, value):
    "The agency of its identifier code (or None)."
    value = (value or '').strip()[:64]
    if not value:
        return None
    Agency = portal.pool.get('gov.agency')
    agencies = Agency.search([('code', '=', value)], limit=1)
    return agencies[0] if agencies else None


@page(EMBED_PATH, readonly=False)
def embed(portal):
    args = portal.request.args
    code = clean_code(portal, args.get('ma'))
    agency = find_agency(portal, args.get('co-quan'))
    view = None
    if code:
        view, _ = lookup(portal, code)
    response = portal.render('lookup_embed.html', code=code, view=view,
        searched=bool(code), pin_error=None, agency=agency, embed=True,
        agency_code=agency.code if agency else '')
    # Framed by other sites (finish() adds no X-Frame-Options then).
    response.embeddable = True
    response.headers['Content-Security-Policy'] = (
        "default-src 'none'; img-src 'self' data:; style-src 'self'; "
        f"form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors()}")
    return response
