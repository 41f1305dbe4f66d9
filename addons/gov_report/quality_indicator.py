# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""How the computed indicators of the service-quality index (Decision
766/QĐ-TTg, R-REP-6) are measured: one function per ``method`` of the
catalogue (quality_data.xml), each returning ``(numerator, denominator)``
for an agency's subtree over local days [start, end] (doc/quality.rst).

The dossier figures (received, resolved on time, ratings…) are those of
figures.py, never redefined here; the others (payments by channel,
digitised files, apology letters, the procedure catalogue) are queried
here because figures.py does not count them."""
from trytond.pool import Pool
from trytond.transaction import without_check_access

from . import figures

METHODS = {}


def method(name):
    "Register a computed indicator's measurement under its catalogue name."
    def register(function):
        METHODS[name] = function
        return function
    return register


def dossier_figures(agency, start, end):
    "figures.compute() of the agency's subtree, in total."
    result = figures.compute(start, end, agencies=[agency.id], by=(),
        subtree=True)
    return next(iter(result.values()), figures.empty())


def dossiers_of(figure, agency, start, end):
    "The ids of the dossiers counted in figure (figures.dossier_domain)."
    Dossier = Pool().get('gov.dossier')
    domain = figures.dossier_domain(figure, start, end, agencies=[agency.id],
        subtree=True)
    with without_check_access():
        return [d.id for d in Dossier.search(domain)]


def _subtree(agency):
    return list(Pool().get('gov.agency').subtree_ids([agency.id]))


# ------------------------------------------------ progress of handling
@method('on_time_rate')
def on_time_rate(agency, start, end):
    "Dossiers resolved early or on time / dossiers resolved."
    f = dossier_figures(agency, start, end)
    return (f.get('resolved_early', 0) + f.get('resolved_on_time', 0),
        f.get('resolved', 0))


@method('apology_rate')
def apology_rate(agency, start, end):
    """Late dossiers (resolved late in the period, or still in progress and
    overdue at its end) with an apology letter (form 04) / late dossiers."""
    Dossier = Pool().get('gov.dossier')
    ids = set(dossiers_of('resolved_late', agency, start, end))
    ids |= set(dossiers_of('in_progress_overdue', agency, start, end))
    if not ids:
        return 0, 0
    with without_check_access():
        apologised = Dossier.search_count([
                ('id', 'in', list(ids)),
                ('apology_date', '!=', None),
                ])
    return apologised, len(ids)


# ----------------------------------------------------------- digitisation
def _with_document(ids, kind):
    Document = Pool().get('gov.dossier.document')
    if not ids:
        return 0
    with without_check_access():
        documents = Document.search([
                ('dossier', 'in', ids),
                ('kind', '=', kind),
                ])
    return len({d.dossier.id for d in documents})


@method('digitised_dossiers')
def digitised_dossiers(agency, start, end):
    """Dossiers received in the period with their components as files
    (a component document) / dossiers received."""
    ids = dossiers_of('received', agency, start, end)
    return _with_document(ids, 'component'), len(ids)


@method('digitised_results')
def digitised_results(agency, start, end):
    """Dossiers resolved in the period whose result is a file (a result
    document) / dossiers resolved."""
    ids = dossiers_of('resolved', agency, start, end)
    return _with_document(ids, 'result'), len(ids)


# -------------------------------------------------------- online services
@method('online_submission_rate')
def online_submission_rate(agency, start, end):
    "Dossiers received online / dossiers received (figures.py)."
    f = dossier_figures(agency, start, end)
    return f.get('received_online', 0), f.get('received', 0)


@method('online_payment_rate')
def online_payment_rate(agency, start, end):
    """Fee payments paid in the period through the online payment gateway
    / fee payments paid in the period (gov_fee)."""
    Payment = Pool().get('gov.fee.payment')
    first, last = figures.bounds(start, end)
    domain = [
        ('agency', 'in', _subtree(agency)),
        ('state', '=', 'paid'),
        ('paid_date', '>=', first),
        ('paid_date', '<', last),
        ]
    with without_check_access():
        paid = Payment.search_count(domain)
        online = Payment.search_count(domain + [('method', '=', 'online')])
    return online, paid


def _published_procedures(agency):
    Procedure = Pool().get('gov.procedure')
    with without_check_access():
        return Procedure.search([
                ('state', '=', 'published'),
                ('agencies', 'in', _subtree(agency)),
                ])


@method('online_procedures')
def online_procedures(agency, start, end):
    """Published procedures of the agency's subtree offered online (their
    service level accepts online submission) / published procedures."""
    procedures = _published_procedures(agency)
    online = [p for p in procedures
        if p.service_level and p.service_level.online_submission]
    return len(online), len(procedures)


# --------------------------------------------------------------- publicity
def publicity_complete(procedure):
    """A procedure publishes the parts a procedure is made of: its
    components, its processing time and its legal basis."""
    return bool(procedure.components and procedure.processing_days
        and (procedure.legal_basis or '').strip())


@method('complete_publicity')
def complete_publicity(agency, start, end):
    "Published procedures with all their parts / published procedures."
    procedures = _published_procedures(agency)
    return (len([p for p in procedures if publicity_complete(p)]),
        len(procedures))


# ------------------------------------------------------------ satisfaction
@method('satisfaction_rate')
def satisfaction_rate(agency, start, end):
    "Ratings satisfied or very satisfied / ratings (figures.py)."
    f = dossier_figures(agency, start, end)
    return f.get('ratings_satisfied', 0), f.get('ratings', 0)
