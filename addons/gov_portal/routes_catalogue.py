# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The public catalogue of procedures (R-CAT-2, R-CAT-3)."""
import math
import mimetypes
from urllib.parse import urlencode

from markupsafe import Markup, escape

from trytond.protocols.wrappers import Response

from gov_dossier.filename import content_disposition
from gov_procedure.catalogue_cards import (
    catalogue_cached, catalogue_cards, catalogue_index)

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
    """The published procedure of the code, or 404: read now, for the
    pages that act on it (submission, forms)."""
    Procedure = pool.get('gov.procedure')
    procedures = Procedure.search([
            ('code', '=', code),
            ('state', '=', 'published'),
            ], limit=1)
    if not procedures:
        raise PageError(404)
    return procedures[0]


def catalogue_procedure(pool, code):
    """The published procedure of the code as the catalogue shows it (its
    index, kept with the cards and the page's parts), or 404."""
    id_ = catalogue_index().codes.get(code)
    if id_ is None:
        raise PageError(404)
    return pool.get('gov.procedure')(id_)


def filter_options(pool):
    """The values of each filter that published procedures use (kept
    until the catalogue changes, like its cards)."""
    return catalogue_cached('filter_options', None,
        lambda: _filter_options(pool))


def filter_tags(pool, selected):
    """{filter: the <option> tags of its values, the selected one marked}
    (Markup): the tags are written once per language, like the options."""
    tags = catalogue_cached('filter_tags', None, lambda: {
            name: [(id_, '<option value="%d">%s</option>' % (
                        id_, escape(label)))
                for id_, label in values]
            for name, values in filter_options(pool).items()})
    return {name: Markup(''.join(
                tag if id_ != selected[name]
                else tag.replace('">', '" selected>', 1)
                for id_, tag in values))
        for name, values in tags.items()}


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
    """Search and filter the published procedures, paginated: from the
    catalogue's index (no query), each result a card rendered once per
    procedure and language."""
    args = portal.request.args
    text = (args.get('q') or '').strip()[:200]
    selected = {name: int_arg(args, name) for name in FILTERS}
    page_number = int_arg(args, 'trang') or 1
    index = catalogue_index()
    if text:
        ids = index.search(text, selected)
    else:
        ids = index.filtered(selected)
    count = len(ids)
    ids = ids[(page_number - 1) * PAGE_SIZE:page_number * PAGE_SIZE]
    cards = catalogue_cards(ids)
    procedures = [Markup(catalogue_cached('catalogue_card.html', i,
                lambda: render_template('catalogue_card.html',
                    lang=portal.lang, p=cards[i])))
        for i in ids]
    pages = max(1, math.ceil(count / PAGE_SIZE))
    query = {k: v for k, v in selected.items() if v}
    if text:
        query['q'] = text

    def page_url(number):
        return '/thu-tuc?' + urlencode(dict(query, trang=number))
    return portal.render('catalogue.html', procedures=procedures,
        count=count, text=text, selected=selected, page=page_number,
        pages=pages, page_url=page_url,
        options=filter_tags(portal.pool, selected),
        filtered=any(selected.values()))


@page('/thu-tuc/<code>')
def procedure(portal, code):
    "Everything a citizen needs before submitting (R-CAT-2, R-FEE-1)."
    procedure = catalogue_procedure(portal.pool, code)
    card = catalogue_cards([procedure.id])[procedure.id]
    values = dict(procedure=procedure, online=card['online'])

    def part(name):
        # Catalogue data only: rendered once per procedure and language.
        return catalogue_cached(name, procedure.id,
            lambda: render_template(name, lang=portal.lang, **values))
    return portal.render('procedure.html', procedure_name=card['name'],
        catalogue_head=Markup(part('procedure_head.html')),
        catalogue_tail=Markup(part('procedure_tail.html')),
        # R-CAT-3: the model counts (gov_dossier service_counts.py).
        counts=portal.pool.get('gov.dossier').service_counts(code),
        **values)


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
