# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Contracts between an agency and a postal enterprise (R-POST-1, R-POST-4;
QĐ 04/2019, Điều 19, 20).

A contract names the procedures it covers (Điều 19.3), its services —
pickup of dossiers at home or at the post office, return of results —
each with its agreed full-journey time, capped by the configuration
(Điều 19.5), and its charge (Điều 20.2), how fees are collected (Điều
20.4), the staff-training clause (Điều 19.4); extra agreements are files
attached to it (Điều 19.6). Draft → active → expired (at its end date,
by the daily job) or terminated (with a reason), each change with who and
when.

Only active contracts valid on the day count: `offer()` answers whether a
service is offered for a dossier, `public_offers()` what the portal's
procedure page publishes (Điều 20.3). A contract covers the procedures it
names by their national code, so every version of them (R-CAT-6): a new
version is offered as soon as it is current, and a dossier keeps its
offer under the superseded version it was submitted under."""
import datetime as dt

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ContractError, PostalValidationError

STATES = [
    ('draft', "Draft"),
    ('active', "Active"),
    ('expired', "Expired"),
    ('terminated', "Terminated"),
    ]
SERVICES = [
    ('pickup_home', "Pickup of Dossiers at Home"),
    ('pickup_office', "Receipt of Dossiers at the Post Office"),
    ('return_result', "Return of Results"),
    ]
# The services that bring a dossier's paper originals to the agency.
PICKUP_SERVICES = {'pickup_home', 'pickup_office'}


class Contract(Workflow, ModelSQL, ModelView):
    "A contract for the public-utility postal service."
    __name__ = 'gov.postal.contract'
    __string__ = "Postal Contract"
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", required=True, states=_draft)
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT',
        states=_draft,
        help="The agency competent for the procedures, party to the "
        "contract.")
    enterprise = fields.Many2One(
        'gov.postal.enterprise', "Postal Enterprise", required=True,
        ondelete='RESTRICT', states=_draft)
    agency_signatory = fields.Char("Signed for the Agency", states=_draft)
    enterprise_signatory = fields.Char(
        "Signed for the Enterprise", states=_draft)
    signed_date = fields.Date("Signed On", required=True, states=_draft)
    start_date = fields.Date("Valid From", required=True, states=_draft)
    end_date = fields.Date(
        "Valid Until", states=_draft,
        domain=['OR',
            ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None)),
            ])
    procedures = fields.Many2Many(
        'gov.postal.contract-gov.procedure', 'contract', 'procedure',
        "Procedures", states=_draft,
        help="The published procedures the agency chose for the postal "
        "service (Điều 19.3).")
    services = fields.One2Many(
        'gov.postal.contract.service', 'contract', "Services",
        states=_draft)
    collect_cod = fields.Boolean(
        "Collection on Delivery", states=_draft,
        help="The post collects the fees from the citizen (Điều 20.4).")
    collect_transfer = fields.Boolean("Bank Transfer", states=_draft)
    collect_card = fields.Boolean("Card", states=_draft)
    responsibilities = fields.Text(
        "Responsibilities of the Parties", states=_draft)
    training_clause = fields.Text(
        "Staff Training Clause", states=_draft,
        help="How the agency trains the enterprise's staff to receive paper "
        "dossiers and enter them online (Điều 19.4); required to activate.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    activated_by = fields.Many2One(
        'res.user', "Activated By", readonly=True, ondelete='RESTRICT')
    activated_at = fields.DateTime("Activated At", readonly=True)
    ended_by = fields.Many2One(
        'res.user', "Ended By", readonly=True, ondelete='RESTRICT')
    ended_at = fields.DateTime("Ended At", readonly=True)
    end_reason = fields.Text("Reason for Ending", readonly=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_uniq', Unique(t, t.number),
                'gov_postal.msg_contract_number_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.agency, Index.Equality()),
                (t.state, Index.Equality(cardinality='low'))))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'expired'),
            ('active', 'terminated'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'terminate': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_collect_cod(cls):
        return True

    @classmethod
    def _today(cls):
        Date = Pool().get('ir.date')
        return Date.today()

    @classmethod
    def _now(cls):
        return Pool().get('gov.dossier')._now()

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        if field_names and not field_names & {'start_date', 'signed_date'}:
            return
        for contract in contracts:
            if contract.signed_date > contract.start_date + dt.timedelta(
                    days=366):
                # A contract is signed before it applies (or soon after).
                raise PostalValidationError(gettext(
                        'gov_postal.msg_contract_signed_late',
                        contract=contract.rec_name))

    @classmethod
    def check_active(cls, contracts):
        "What an active contract needs (Điều 19)."
        for contract in contracts:
            if not contract.procedures:
                raise ContractError(gettext(
                        'gov_postal.msg_contract_no_procedure',
                        contract=contract.rec_name))
            if not contract.services:
                raise ContractError(gettext(
                        'gov_postal.msg_contract_no_service',
                        contract=contract.rec_name))
            if not (contract.training_clause or '').strip():
                raise ContractError(gettext(
                        'gov_postal.msg_contract_no_training',
                        contract=contract.rec_name))
            if not (contract.collect_cod or contract.collect_transfer
                    or contract.collect_card):
                raise ContractError(gettext(
                        'gov_postal.msg_contract_no_collection',
                        contract=contract.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, contracts):
        cls.check_active(contracts)
        cls.write(contracts, {
                'activated_by': Transaction().user,
                'activated_at': cls._now(),
                })

    @classmethod
    @ModelView.button_action('gov_postal.wizard_terminate_contract')
    def terminate(cls, contracts):
        pass

    @classmethod
    @Workflow.transition('terminated')
    def end(cls, contracts, reason):
        "Terminate the active contracts for reason (the wizard calls it)."
        if not (reason or '').strip():
            raise ContractError(gettext('gov_postal.msg_reason_required'))
        cls.write(contracts, {
                'ended_by': Transaction().user,
                'ended_at': cls._now(),
                'end_reason': reason.strip(),
                })

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, contracts):
        cls.write(contracts, {'ended_at': cls._now()})

    @classmethod
    def expire_ended(cls, date=None):
        "The daily job: active contracts past their end date expire."
        date = date or cls._today()
        cls.expire(cls.search([
                    ('state', '=', 'active'),
                    ('end_date', '<', date),
                    ]))

    # -------------------------------------------------------- the offer
    @classmethod
    def _valid_domain(cls, date, prefix=''):
        "The active contracts valid on date (fields under prefix)."
        return [
            (prefix + 'state', '=', 'active'),
            (prefix + 'start_date', '<=', date),
            ['OR', (prefix + 'end_date', '=', None),
                (prefix + 'end_date', '>=', date)],
            ]

    @classmethod
    def offer(cls, agency, procedure, kinds, date=None):
        """The service line of an active contract of the agency covering
        the procedure on date (default today) for one of kinds (service
        values), the shortest journey first; None when not offered."""
        Service = Pool().get('gov.postal.contract.service')
        services = Service.search([
                ('kind', 'in', list(kinds)),
                # The contract of the agency or of an agency above it (the
                # district's People's Committee for its one-stop desk).
                ('contract.agency', 'parent_of', [int(agency)], 'parent'),
                ('contract.procedures.code', '=', _code(procedure)),
                *cls._valid_domain(date or cls._today(), 'contract.'),
                ], order=[('journey_hours', 'ASC'), ('id', 'ASC')], limit=1)
        return services[0] if services else None

    @classmethod
    def public_offers(cls, procedure, date=None):
        """What the procedure page publishes (R-POST-4): for each agency of
        the procedure with an active contract, a dict(agency, enterprise,
        services: [dict(kind, name, hours, charge)]) — one line per
        service kind, the shortest journey."""
        Service = Pool().get('gov.postal.contract.service')
        date = date or cls._today()
        contracts = cls._covering(procedure, date)
        kind_names = dict(Service.fields_get(['kind'])['kind']['selection']
            ) if contracts else {}
        result = {}
        for contract in contracts:
            offer = result.setdefault(contract.agency.id, {
                    'agency': contract.agency,
                    'enterprise': contract.enterprise,
                    'services': {},
                    })
            for service in contract.services:
                known = offer['services'].get(service.kind)
                if known is None or service.journey_hours < known['hours']:
                    offer['services'][service.kind] = {
                        'kind': service.kind,
                        'name': kind_names.get(service.kind, service.kind),
                        'hours': service.journey_hours,
                        'charge': service.charge,
                        }
        return [dict(o, services=[o['services'][k]
                        for k, _ in SERVICES if k in o['services']])
            for o in result.values()]

    @classmethod
    def _covering(cls, procedure, date):
        """The contracts of _valid_domain(date) covering procedure (a
        record or an id) by its code, by id: what search would find, in
        one query whose text is written once per process and database
        (building it through search took longer than running it, and the
        procedure's code needed a read of its own). Run on each call:
        nothing of the contracts is kept."""
        query, params = _covering_query(Transaction().database.name)
        values = {_PROCEDURE: int(procedure), _DATE: date}
        cursor = Transaction().connection.cursor()
        cursor.execute(query, [values.get(p, p) for p in params])
        return cls.browse([id_ for id_, in cursor])


# Stand for the procedure's id and the day in _covering's query.
_PROCEDURE, _DATE = object(), object()
_covering_queries = {}


def _covering_query(database):
    if database not in _covering_queries:
        pool = Pool()
        contract = pool.get('gov.postal.contract').__table__()
        line = pool.get('gov.postal.contract-gov.procedure').__table__()
        covered = pool.get('gov.procedure').__table__()
        asked = pool.get('gov.procedure').__table__()
        codes = line.join(covered, condition=line.procedure == covered.id
            ).join(asked, condition=asked.code == covered.code
            ).select(line.contract, where=asked.id == _PROCEDURE)
        query, params = tuple(contract.select(contract.id,
                where=(contract.state == 'active')
                & (contract.start_date <= _DATE)
                & ((contract.end_date == Null)
                    | (contract.end_date >= _DATE))
                & contract.id.in_(codes),
                order_by=[contract.id.asc]))
        _covering_queries[database] = (query, tuple(params))
    return _covering_queries[database]


def _code(procedure):
    """The national code of procedure (a record or an id): a contract
    covers a procedure by its code, so every version of it (R-CAT-6) —
    the one current when the contract was signed, the later ones, and the
    superseded ones the dossiers in progress were submitted under."""
    if isinstance(procedure, int):
        procedure = Pool().get('gov.procedure')(procedure)
    return procedure.code


class ContractProcedure(ModelSQL):
    "A procedure covered by a postal contract."
    __name__ = 'gov.postal.contract-gov.procedure'
    __string__ = "Postal Contract - Procedure"

    contract = fields.Many2One(
        'gov.postal.contract', "Contract", required=True,
        ondelete='CASCADE')
    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('contract_procedure_uniq', Unique(t, t.contract, t.procedure),
                'gov_postal.msg_contract_procedure_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality())))


class ContractService(ModelSQL, ModelView):
    "A service of a postal contract, its full-journey time and charge."
    __name__ = 'gov.postal.contract.service'
    __string__ = "Postal Contract Service"

    contract = fields.Many2One(
        'gov.postal.contract', "Contract", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(SERVICES, "Service", required=True, sort=False)
    journey_hours = fields.Integer(
        "Full-Journey Time (Hours)", required=True,
        help="From the acceptance of the item to its valid delivery "
        "(Điều 19.5).")
    charge = fields.Numeric(
        "Charge (đồng)", digits=(16, 0), required=True,
        domain=[('charge', '>=', 0)],
        help="The postal charge the citizen pays for this service "
        "(Điều 20.2).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('contract_kind_uniq', Unique(t, t.contract, t.kind),
                'gov_postal.msg_contract_service_unique'),
            ]

    @classmethod
    def default_charge(cls):
        return 0

    @classmethod
    def validate_fields(cls, services, field_names):
        "The journey time is positive and within the configured cap."
        super().validate_fields(services, field_names)
        if field_names and 'journey_hours' not in field_names:
            return
        cap = Pool().get('gov.postal.configuration')(1).journey_hours_cap
        for service in services:
            if not 0 < service.journey_hours <= cap:
                raise PostalValidationError(gettext(
                        'gov_postal.msg_journey_hours_cap',
                        hours=service.journey_hours, cap=cap))
