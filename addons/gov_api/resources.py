# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What each endpoint of /api/v1/ answers (R-OPS-2, R-LOOK-1, R-LOOK-2,
R-SEC-2), as plain JSON-ready dicts; api.py authenticates, checks scopes
and turns ApiError into the error body.

No personal data leaves here: a dossier is its code, procedure, agency,
state, dates and timeliness; the lookup is the stranger's view of the
portal's lookup (gov.dossier lookup_facts / public_view) without even the
masked names; the statistics are counts of gov_report's figures.compute.
"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
MAX_PERIOD_DAYS = 3 * 366
# The counts of figures.compute the API publishes (the per-unit step
# figures are internal to the agencies).
STATISTICS = ('carried_over', 'received', 'received_online',
    'received_desk', 'received_post', 'resolved', 'resolved_early',
    'resolved_on_time', 'resolved_late', 'in_progress_on_time',
    'in_progress_overdue', 'supplement_requested', 'rejected', 'withdrawn',
    'returned', 'fees_collected', 'ratings', 'ratings_satisfied',
    'online_share')


class ApiError(Exception):
    """An answer other than 200: status, a stable code for programs and
    the id of the ir.message the people read."""

    def __init__(self, status, code, message_id, headers=None, **values):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message_id = message_id
        self.values = values
        self.headers = headers or {}


def utc_text(value):
    "A naive UTC datetime as RFC 3339 text."
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() + 'Z'


def date_text(value):
    return value.isoformat() if value else None


def number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() \
            else float(value)
    return value


def integer_param(args, name, default, low, high):
    value = args.get(name)
    if value is None or value == '':
        return default
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, 'invalid_parameter',
            'gov_api.msg_api_invalid_parameter', name=name[:40])
    if not (low <= value <= high):
        raise ApiError(400, 'invalid_parameter',
            'gov_api.msg_api_invalid_parameter', name=name[:40])
    return value


def paging(args):
    page = integer_param(args, 'page', 1, 1, 10 ** 6)
    size = integer_param(args, 'page_size', DEFAULT_PAGE_SIZE, 1,
        MAX_PAGE_SIZE)
    return page, size


def page_body(items, page, size, total):
    return {'items': items, 'page': page, 'page_size': size,
        'total': total}


def date_param(args, name, default=None):
    value = args.get(name)
    if not value:
        if default is not None:
            return default
        raise ApiError(400, 'missing_parameter',
            'gov_api.msg_api_missing_parameter', name=name)
    if len(value) != 10:
        _bad(name)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _bad(name)


def datetime_param(args, name):
    "An RFC 3339 moment as naive UTC, None when absent."
    value = args.get(name)
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value[:40].replace('Z', '+00:00'))
    except ValueError:
        _bad(name)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def _bad(name):
    raise ApiError(400, 'invalid_parameter',
        'gov_api.msg_api_invalid_parameter', name=name)


# Catalogue (scope catalogue:read)

def procedure_body(procedure):
    def named(record):
        return {'code': record.code, 'name': record.name} if record \
            else None
    return {
        'code': procedure.code,
        'name': procedure.name,
        'sector': named(procedure.sector),
        'field': named(procedure.field),
        'levels': [named(k) for k in procedure.levels],
        'agencies': [named(a) for a in procedure.agencies],
        'processing_days': number(procedure.processing_days),
        'service_level': named(procedure.service_level),
        'result_type': procedure.result_type,
        'fees': [{
                'kind': fee.kind,
                'amount': number(fee.amount),
                'condition': fee.condition or None,
                'conditional': bool(fee.conditional),
                'payment_time': fee.payment_time,
                } for fee in procedure.fees],
        'fee_total': number(procedure.fee_total),
        }


def procedures(client, args):
    Procedure = Pool().get('gov.procedure')
    page, size = paging(args)
    domain = [('state', '=', 'published')]
    total = Procedure.search_count(domain)
    records = Procedure.search(domain, offset=(page - 1) * size, limit=size,
        order=[('code', 'ASC'), ('id', 'ASC')])
    return page_body([procedure_body(p) for p in records], page, size,
        total)


def procedure(client, args, code):
    Procedure = Pool().get('gov.procedure')
    found = Procedure.search([
            ('code', '=', code[:64]),
            ('state', '=', 'published'),
            ], limit=1)
    if not found:
        raise ApiError(404, 'not_found', 'gov_api.msg_api_procedure_unknown')
    return procedure_body(found[0])


# Dossier status (scope dossier:read): the client's agency subtree

def dossier_body(dossier):
    return {
        'code': dossier.code,
        'procedure_code': dossier.procedure.code,
        'agency_code': dossier.agency.code,
        'state': dossier.state,
        'received_date': utc_text(dossier.received_date),
        'due_date': date_text(dossier.due_date),
        'completed_date': utc_text(dossier.completed_date),
        'timeliness': dossier.timeliness or None,
        'changed': utc_text(dossier.write_date or dossier.create_date),
        }


def scope_domain(client):
    ids = client.agency_ids()
    domain = [('state', '!=', 'draft')]
    if ids is not None:
        domain.append(('agency', 'in', list(ids)))
    return domain


def dossiers(client, args):
    Dossier = Pool().get('gov.dossier')
    page, size = paging(args)
    since = datetime_param(args, 'changed_since')
    domain = scope_domain(client)
    if since:
        domain.append(['OR',
                ('write_date', '>=', since),
                [('write_date', '=', None), ('create_date', '>=', since)],
                ])
    total = Dossier.search_count(domain)
    records = Dossier.search(domain, offset=(page - 1) * size, limit=size,
        order=[('id', 'ASC')])
    return page_body([dossier_body(d) for d in records], page, size, total)


def dossier(client, args, code):
    Dossier = Pool().get('gov.dossier')
    found = Dossier.search(scope_domain(client) + [
            ('code', '=', Dossier.normalize_code(code)),
            ], limit=1)
    if not found:
        # Another agency's dossier is "not found" too: nothing tells a
        # client that it exists.
        raise ApiError(404, 'not_found', 'gov_api.msg_api_dossier_unknown')
    return dossier_body(found[0])


# Statistics (scope statistics:read)

def statistics(client, args):
    pool = Pool()
    Agency = pool.get('gov.agency')
    from gov_report import figures
    start = date_param(args, 'from')
    end = date_param(args, 'to')
    if end < start or (end - start).days > MAX_PERIOD_DAYS:
        raise ApiError(400, 'invalid_period', 'gov_api.msg_api_period')
    code = args.get('agency')
    allowed = client.agency_ids()
    if code:
        found = Agency.search([('code', '=', code[:64])], limit=1)
        if not found:
            raise ApiError(404, 'not_found',
                'gov_api.msg_api_agency_unknown')
        agency, = found
        if allowed is not None and agency.id not in allowed:
            raise ApiError(403, 'out_of_scope',
                'gov_api.msg_api_agency_out_of_scope')
        ids = [agency.id]
    elif allowed is None:
        agency, ids = None, None
    else:
        agency, ids = client.agency, [client.agency.id]
    rows = figures.compute(start, end, agencies=ids, by=('agency',))
    total = figures.empty()
    for values in rows.values():
        for name, value in values.items():
            if name in figures.STORED:
                total[name] += value
    figures.derive(total)
    names = {a.id: a for a in Agency.browse([k[0] for k in rows if k[0]])}

    def pick(values):
        return {n: number(values.get(n) or 0) for n in STATISTICS}
    return {
        'from': start.isoformat(),
        'to': end.isoformat(),
        'agency': ({'code': agency.code, 'name': agency.name}
            if agency else None),
        'total': pick(total),
        'agencies': [{
                'code': names[k[0]].code,
                'name': names[k[0]].name,
                'figures': pick(values),
                } for k, values in sorted(rows.items(),
                key=lambda i: names[i[0][0]].code if i[0][0] else '')
            if k[0] in names],
        }


# Public lookup (scope lookup): the portal's stranger view

LOOKUP_FIELDS = ('code', 'state', 'state_label', 'procedure', 'agency',
    'unit', 'step', 'invalid', 'supplement_components')


def lookup(client, args, code):
    Dossier = Pool().get('gov.dossier')
    if not isinstance(code, str) or not Dossier.normalize_code(code):
        raise ApiError(400, 'missing_parameter',
            'gov_api.msg_api_missing_parameter', name='code')
    facts, _ = Dossier.lookup_facts(code)
    if facts is None:
        raise ApiError(404, 'not_found', 'gov_api.msg_api_dossier_unknown')
    # The stranger's view of the portal (no PIN), without the masked
    # names: a partner system needs no name at all (R-SEC-2).
    view = Dossier.public_view(facts, False)
    body = {name: view.get(name) for name in LOOKUP_FIELDS}
    body['received_date'] = utc_text(view.get('received_date'))
    body['due_date'] = date_text(view.get('due_date'))
    body['completed_date'] = utc_text(view.get('completed_date'))
    return body
