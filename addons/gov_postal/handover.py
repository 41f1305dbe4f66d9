# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The handover list (biên bản bàn giao) of results to the post (R-POST-3;
QĐ 04/2019, Điều 29.2).

The one-stop desk hands the results to return by post to the postal
staff who collects them, with a list both sides sign: a
``gov.postal.handover`` numbered from its own sequence (BG-<year>-0001),
of one agency and one postal enterprise (the contract covering the
dossiers), listing the dossiers. Its button "Hand Over" registers their
result shipments with the carrier (``Shipment.request(dossiers,
'result')``: each gets its tracking number), links them to the list and
records who handed them over and when: draft → handed.

The wizard "Hand Over to the Post" (the Action menu of the dossiers,
among others of the list "Results for the Post") takes the selected
dossiers — all with their result ready, returned by post, of one agency,
without a result shipment yet — creates the list, hands it over and
prints it (``gov.postal.handover.report``, report/handover.html: the
parties, the table of the dossiers with their tracking numbers and the
amounts to collect on delivery, the totals, the signatures)."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, check_access, \
    without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from gov_agency.l10n import place_name, to_local
from gov_dossier.ir import scope_by_dossier_agencies
from gov_dossier.report import helpers

# Their record rules read Eval('dossier_agencies') (R-SEC-2).
scope_by_dossier_agencies(
    'gov.postal.handover', 'gov.postal.handover-gov.dossier')

STATES = [
    ('draft', "Draft"),
    ('handed', "Handed Over"),
    ]
ZERO = Decimal(0)
# What may still change through RPC, by state (the rest: the wizard and
# the button only).
WRITABLE = {
    'draft': {'postal_staff', 'note', 'date'},
    'handed': {'note'},
    }


class HandoverError(UserError):
    "The dossiers cannot be handed over to the post together."


class Handover(Workflow, ModelSQL, ModelView):
    "A list of results handed over to the post, signed by both sides."
    __name__ = 'gov.postal.handover'
    __string__ = "Postal Handover List"
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT')
    enterprise = fields.Many2One(
        'gov.postal.enterprise', "Postal Enterprise", required=True,
        readonly=True, ondelete='RESTRICT')
    contract = fields.Many2One(
        'gov.postal.contract', "Contract", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, states=_draft)
    officer = fields.Many2One(
        'res.user', "Handed Over By", readonly=True,
        ondelete='RESTRICT',
        help="The officer of the one-stop desk who hands the results over.")
    postal_staff = fields.Char(
        "Received By", required=True, states=_draft,
        help="The name of the postal employee who receives the results.")
    dossiers = fields.Many2Many(
        'gov.postal.handover-gov.dossier', 'handover', 'dossier',
        "Dossiers", readonly=True)
    shipments = fields.One2Many(
        'gov.postal.shipment', 'handover', "Shipments", readonly=True)
    note = fields.Text("Note")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    handed_by = fields.Many2One(
        'res.user', "Recorded By", readonly=True, ondelete='RESTRICT')
    handed_at = fields.DateTime("Handed Over At", readonly=True)
    count = fields.Function(fields.Integer("Items"), 'get_totals')
    cod_total = fields.Function(
        fields.Numeric("To Collect on Delivery (đồng)", digits=(16, 0)),
        'get_totals')

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.enterprise, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'handed')}
        cls._buttons.update({
                'hand_over': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('gov.dossier')._now()

    @classmethod
    def default_officer(cls):
        return Transaction().user or None

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def get_totals(cls, handovers, names):
        result = {n: {} for n in names}
        for handover in handovers:
            if handover.state == 'handed':
                cod = sum((s.cod_amount for s in handover.shipments), ZERO)
                count = len(handover.shipments)
            else:
                cod, count = None, len(handover.dossiers)
            if 'count' in names:
                result['count'][handover.id] = count
            if 'cod_total' in names:
                result['cod_total'][handover.id] = cod
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        "The number comes from the handover sequence (BG-<year>-0001)."
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            with without_check_access():
                sequence = Sequence(ModelData.get_id(
                        'gov_postal', 'sequence_handover'))
                values['number'] = sequence.get()
        return values

    @classmethod
    def copy(cls, handovers, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'shipments', 'handed_by', 'handed_at']:
            default.setdefault(name, None)
        return super().copy(handovers, default=default)

    # ----------------------------------------------------------- checks
    @classmethod
    def check_modification(cls, mode, handovers, values=None,
            external=False):
        super().check_modification(
            mode, handovers, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            if any(set(values) - WRITABLE[h.state] for h in handovers):
                raise HandoverError(gettext(
                        'gov_postal.msg_handover_wizard_only'))
        else:
            raise HandoverError(gettext(
                    'gov_postal.msg_handover_wizard_only'))

    @classmethod
    def check_dossiers(cls, dossiers):
        """The contract under which the dossiers go to the post together:
        HandoverError unless each has its result ready, is returned by
        post, has no result shipment yet, and all are of one agency and
        one postal enterprise."""
        Contract = Pool().get('gov.postal.contract')
        if not dossiers:
            raise HandoverError(gettext('gov_postal.msg_handover_empty'))
        with without_check_access():
            agencies = {d.agency for d in dossiers}
            if len(agencies) > 1:
                raise HandoverError(gettext(
                        'gov_postal.msg_handover_agencies',
                        agencies=', '.join(sorted(
                                a.rec_name for a in agencies))))
            contracts = set()
            for dossier in dossiers:
                if dossier.state != 'result_ready':
                    raise HandoverError(gettext(
                            'gov_postal.msg_handover_not_ready',
                            dossier=dossier.rec_name,
                            state=dossier.state_string))
                if not dossier.returned_by_post():
                    raise HandoverError(gettext(
                            'gov_postal.msg_handover_not_postal',
                            dossier=dossier.rec_name))
                if any(s.direction == 'result' for s in dossier.shipments):
                    raise HandoverError(gettext(
                            'gov_postal.msg_handover_already',
                            dossier=dossier.rec_name))
                service = Contract.offer(dossier.agency, dossier.procedure,
                    {'return_result'})
                if service is None:
                    raise HandoverError(gettext(
                            'gov_postal.msg_no_contract',
                            dossier=dossier.rec_name,
                            procedure=dossier.procedure.rec_name,
                            agency=dossier.agency.rec_name))
                contracts.add(service.contract)
            if len({c.enterprise for c in contracts}) > 1:
                raise HandoverError(gettext(
                        'gov_postal.msg_handover_enterprises'))
            return min(contracts, key=lambda c: c.id)

    @classmethod
    def prepare(cls, dossiers, postal_staff, note=None):
        """A new draft list of the dossiers for the postal employee
        (HandoverError when they cannot go together, see
        check_dossiers)."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Dossier = pool.get('gov.dossier')
        contract = cls.check_dossiers(dossiers)
        # What RPC may not write, the wizard does for whom may create a
        # list and read the dossiers (model access, record rules).
        ModelAccess.check(cls.__name__, 'create')
        Dossier.read([d.id for d in dossiers], ['id'])
        with without_check_access():
            handover, = cls.create([{
                        'agency': contract.agency.id,
                        'enterprise': contract.enterprise.id,
                        'contract': contract.id,
                        'postal_staff': postal_staff,
                        'note': note,
                        'dossiers': [('add', [d.id for d in dossiers])],
                        }])
        return handover

    # ---------------------------------------------------------- buttons
    @classmethod
    @ModelView.button
    @Workflow.transition('handed')
    def hand_over(cls, handovers):
        """Register the result shipments of the listed dossiers with the
        carrier (R-POST-3) and link them to the list, with who and when."""
        pool = Pool()
        Shipment = pool.get('gov.postal.shipment')
        now = cls.default_date()
        user = Transaction().user or None
        for handover in handovers:
            dossiers = list(handover.dossiers)
            cls.check_dossiers(dossiers)
            shipments = Shipment.request(dossiers, 'result')
            with without_check_access():
                Shipment.write(shipments, {'handover': handover.id})
                cls.write([handover], {
                        'handed_by': user,
                        'handed_at': now,
                        })


class HandoverDossier(ModelSQL):
    "A dossier of a handover list."
    __name__ = 'gov.postal.handover-gov.dossier'
    __string__ = "Handover List - Dossier"

    handover = fields.Many2One(
        'gov.postal.handover', "Handover List", required=True,
        ondelete='CASCADE')
    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('handover')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.handover, Index.Equality())),
                Index(t, (t.dossier, Index.Equality())),
                })


class Shipment(metaclass=PoolMeta):
    __name__ = 'gov.postal.shipment'

    handover = fields.Many2One(
        'gov.postal.handover', "Handover List", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.handover, Index.Equality()),
                where=t.handover != None))  # noqa: E711

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('handover', None)
        return super().copy(shipments, default=default)


class HandoverReport(Report):
    "Biên bản bàn giao kết quả qua dịch vụ bưu chính công ích (R-POST-3)."
    __name__ = 'gov.postal.handover.report'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update(helpers())
        with without_check_access():
            context['docs'] = [cls.values(r) for r in records]
        return context

    @classmethod
    def values(cls, handover):
        "What the list shows of one handover."
        agency = handover.agency
        parent = agency.parent
        enterprise = handover.enterprise
        at = to_local(handover.handed_at or handover.date, agency)
        shipments = {s.dossier.id: s for s in handover.shipments}
        lines = []
        for dossier in sorted(handover.dossiers, key=lambda d: d.code or ''):
            shipment = shipments.get(dossier.id)
            if shipment:
                name, address, phone = (shipment.recipient_name,
                    shipment.address, shipment.phone)
            else:
                values = dossier.shipment_values('result')
                name, address, phone = (values['recipient_name'],
                    values['address'], values['phone'])
            lines.append({
                    'code': dossier.code or '',
                    'applicant': name or '',
                    'address': ' '.join((address or '').split()),
                    'phone': phone or '',
                    'tracking': shipment.tracking_number if shipment else '',
                    'cod': shipment.cod_amount if shipment else None,
                    })
        return {
            'agency_parent': parent.name if parent else '',
            'agency': agency.name,
            'agency_address': ' '.join((agency.address or '').split()),
            'agency_phone': agency.phone or '',
            'place': place_name(),
            'date': at.date(),
            'at': at,
            'number': handover.number or '',
            'enterprise': enterprise.name,
            'enterprise_address': ' '.join(
                (enterprise.address or '').split()),
            'enterprise_phone': enterprise.phone or '',
            'contract': handover.contract.number,
            'contract_date': handover.contract.signed_date,
            'officer': handover.officer.name if handover.officer else '',
            'postal_staff': handover.postal_staff or '',
            'lines': lines,
            'count': len(lines),
            'cod_total': sum((l['cod'] or ZERO for l in lines), ZERO),
            'handed': handover.state == 'handed',
            }


class HandoverStart(ModelView):
    "Hand Over to the Post"
    __name__ = 'gov.postal.handover.create.start'
    __string__ = "Hand Over to the Post"

    count = fields.Integer("Dossiers", readonly=True)
    postal_staff = fields.Char(
        "Received By", required=True,
        help="The name of the postal employee who receives the results.")
    note = fields.Text("Note")


class CreateHandover(Wizard):
    """Hand the selected results over to the post: the handover list, the
    shipments registered with the carrier, and the list printed (R-POST-3)."""
    __name__ = 'gov.postal.handover.create'

    start = StateView('gov.postal.handover.create.start',
        'gov_postal.handover_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Hand Over and Print", 'print_', 'tryton-print',
                default=True),
            ])
    print_ = StateReport('gov.postal.handover.report')

    def default_start(self, fields):
        Handover = Pool().get('gov.postal.handover')
        Handover.check_dossiers(list(self.records))
        return {'count': len(self.records)}

    def do_print_(self, action):
        Handover = Pool().get('gov.postal.handover')
        with check_access():
            handover = Handover.prepare(list(self.records),
                self.start.postal_staff, self.start.note)
            Handover.hand_over([handover])
        return action, {
            'id': handover.id,
            'ids': [handover.id],
            'model': 'gov.postal.handover',
            }

    def transition_print_(self):
        return 'end'
