# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public catalogue of procedures (R-CAT-2, R-CAT-3)."""
import math
import mimetypes
from urllib.parse import urlencode

from markupsafe import Markup
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction

from gov_dossier.filename import content_disposition
from gov_procedure.catalogue_cards import catalogue_cached, catalogue_cards

from .web import PageError, page, render_template

PAGE_SIZE = 20
FILTERS = ('sector', 'field', 'level', 'agency', 'service_level')
ACTIVE_TYPES = {'text/html', 'application/xhtml+xml', 'image/svg+xml',
    'text/javascript', 'application/javascript', 'text/xml',
    'application/xml'}


def int_arg(args, name):
    try:
        value = int(args.get(name) or 0)
    except ValueError:
        return None
    return value if value > 0 else None


def published_procedure(pool, code):
    Procedure = pool.get('gov.procedure')
    procedures = Procedure.search([
            ('code', '=', code),
            ('state', '=', 'published'),
            ], limit=1)
    if not procedures:
        raise PageError(404)
    return procedures[0]


def filter_options(pool):
    """The values of each filter that published procedures use (kept
    until the catalogue changes, like its cards)."""
    return catalogue_cached('filter_options', None,
        lambda: _filter_options(pool))


def _filter_options(pool):
    Procedure = pool.get('gov.procedure')
    procedures = Procedure.search([('state', '=', 'published')])
    options = {name: {} for name in FILTERS}
    for procedure in procedures:
        if procedure.field:
            options['field'][procedure.field.id] = procedure.field.name
            options['sector'][procedure.field.sector.id] = (
                procedure.field.sector.name)
        for kind in procedure.levels:
            options['level'][kind.id] = kind.name
        for agency in procedure.agencies:
            options['agency'][agency.id] = agency.name
        if procedure.service_level:
            options['service_level'][procedure.service_level.id] = (
                procedure.service_level.name)
    return {name: sorted(([k, v] for k, v in values.items()),
            key=lambda i: i[1])
        for name, values in options.items()}


@page('/thu-tuc')
def catalogue(portal):
    "Search and filter the published procedures, paginated."
    Procedure = portal.pool.get('gov.procedure')
    args = portal.request.args
    text = (args.get('q') or '').strip()[:200]
    selected = {name: int_arg(args, name) for name in FILTERS}
    domain = []
    if selected['sector']:
        domain.append(('field.sector', '=', selected['sector']))
    if selected['field']:
        domain.append(('field', '=', selected['field']))
    if selected['level']:
        domain.append(('levels', '=', selected['level']))
    if selected['agency']:
        domain.append(('agencies', '=', selected['agency']))
    if selected['service_level']:
        domain.append(('service_level', '=', selected['service_level']))
    page_number = int_arg(args, 'trang') or 1
    if text:
        procedures = Procedure.search_catalogue(text, domain=domain)
        count = len(procedures)
        procedures = procedures[
            (page_number - 1) * PAGE_SIZE:page_number * PAGE_SIZE]
    else:
        domain.append(('state', '=', 'published'))
        count = Procedure.search_count(domain)
        procedures = Procedure.search(domain,
            offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE,
            order=[('name', 'ASC'), ('id', 'ASC')])
    cards = catalogue_cards([p.id for p in procedures])
    procedures = [cards[p.id] for p in procedures]
    pages = max(1, math.ceil(count / PAGE_SIZE))
    query = {k: v for k, v in selected.items() if v}
    if text:
        query['q'] = text

    def page_url(number):
        return '/thu-tuc?' + urlencode(dict(query, trang=number))
    return portal.render('catalogue.html', procedures=procedures,
        count=count, text=text, selected=selected, page=page_number,
        pages=pages, page_url=page_url, options=filter_options(portal.pool),
        filtered=any(selected.values()))


def service_counts(pool, procedure):
    """How often the service was used and how many dossiers were resolved
    early, on time and late (R-CAT-3), in one query (an index holds the
    procedure, timeliness and state); None without the dossier module."""
    try:
        Dossier = pool.get('gov.dossier')
    except KeyError:
        return None
    dossier = Dossier.__table__()
    timeliness = ('early', 'on_time', 'late')
    columns = [Sum(Case((dossier.state != 'draft', 1), else_=0))]
    columns += [Sum(Case((dossier.timeliness == t, 1), else_=0))
        for t in timeliness]
    cursor = Transaction().connection.cursor()
    cursor.execute(*dossier.select(*columns,
            where=dossier.procedure == procedure.id))
    total, *counts = (int(v or 0) for v in cursor.fetchone())
    return dict(zip(timeliness, counts), total=total)


@page('/thu-tuc/<code>')
def procedure(portal, code):
    "Everything a citizen needs before submitting (R-CAT-2, R-FEE-1)."
    procedure = published_procedure(portal.pool, code)
    card = catalogue_cards([procedure.id])[procedure.id]
    values = dict(procedure=procedure, online=card['online'])

    def part(name):
        # Catalogue data only: rendered once per procedure and language.
        return catalogue_cached(name, procedure.id,
            lambda: render_template(name, lang=portal.lang, **values))
    return portal.render('procedure.html', procedure_name=card['name'],
        catalogue_head=Markup(part('procedure_head.html')),
        catalogue_tail=Markup(part('procedure_tail.html')),
        counts=service_counts(portal.pool, procedure), **values)


@page('/thu-tuc/<code>/mau/<int:component>')
def template(portal, code, component):
    "Download the blank form of a dossier component."
    procedure = published_procedure(portal.pool, code)
    for line in procedure.components:
        if line.id == component and line.template:
            name = line.template_name or 'mau-don'
            # Its type by its name, so that a phone opens a PDF or a .docx
            # with the right application; never a type a browser would run.
            content_type = mimetypes.guess_type(name)[0]
            if not content_type or content_type in ACTIVE_TYPES:
                content_type = 'application/octet-stream'
            response = Response(bytes(line.template),
                content_type=content_type)
            response.headers['Content-Disposition'] = content_disposition(
                name)
            return response
    raise PageError(404)
