# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The dossier and the postal service (R-POST-2, R-POST-3, R-SUB-10,
R-RES-1), through the workflow's extension point:

- the post is offered to return the result only where an active contract
  of the agency covers the procedure (``_postal_return_offered``), and the
  citizen may ask for the pickup of her paper originals at home where the
  contract offers it (``pickup_requested``, requested when she submits);
- a result to return by post is due at the post within the handover time
  (24 working hours, Điều 29.2) after the result is ready:
  ``postal_handover_due``, cleared when its shipment is requested;
  ``postal_late`` tells the late ones;
- a dossier returned by post is ``done`` only when its result shipment is
  delivered, at the delivery time (``_check_event``; shipment.py moves
  it)."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import without_check_access

from .exceptions import PostalReturnError


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    shipments = fields.One2Many(
        'gov.postal.shipment', 'dossier', "Shipments", readonly=True)
    pickup_requested = fields.Boolean(
        "Pickup of Originals at Home",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The citizen asks the post to collect the paper originals at "
        "her home (QĐ 04/2019, Điều 17.1, 18.3.a).")
    postal_handover_due = fields.DateTime(
        "Due at the Post", readonly=True,
        help="The result to return by post is handed to the post before "
        "this time (24 working hours after it is ready).")
    postal_late = fields.Function(
        fields.Boolean("Late for the Post"), 'get_postal_late',
        searcher='search_postal_late')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.postal_handover_due, Index.Range(order='ASC')),
                where=t.postal_handover_due != None))  # noqa: E711

    @classmethod
    def view_attributes(cls):
        """The list of the results for the post is red when late, whatever
        colours the other lists of dossiers give their rows."""
        return super().view_attributes() + [
            ("/tree[field[@name='postal_handover_due']]", 'visual',
                If(Eval('postal_late', False), 'danger', '')),
            ]

    # -------------------------------------------------------- the offer
    def _postal_return_offered(self):
        "The post returns results only under an active contract."
        Contract = Pool().get('gov.postal.contract')
        if not (self.agency and self.procedure):
            return False
        return Contract.offer(
            self.agency, self.procedure, {'return_result'}) is not None

    def postal_pickup_offered(self):
        "Whether the contract offers to collect the originals at home."
        Contract = Pool().get('gov.postal.contract')
        if not (self.agency and self.procedure):
            return False
        return Contract.offer(
            self.agency, self.procedure, {'pickup_home'}) is not None

    def return_errors(self, values=None):
        "The pickup at home only where a contract offers it."
        errors = super().return_errors(values)
        values = values or {}
        # A dossier being built by the portal's form may not have it yet.
        pickup = values.get('pickup_requested',
            getattr(self, 'pickup_requested', False))
        if pickup and not self.postal_pickup_offered():
            errors['pickup_requested'] = gettext(
                'gov_postal.msg_pickup_not_offered')
        return errors

    def shipment_values(self, direction):
        "The recipient of a new shipment of the dossier in direction."
        if direction == 'result':
            return {
                'recipient_name': self.applicant_name,
                'address': self.delivery_address(),
                'phone': self.delivery_phone(),
                }
        return {
            'recipient_name': self.applicant_name,
            'address': self.applicant_address,
            'phone': self.applicant_phone,
            }

    def postal_amount_due(self):
        "The fees still owed (collected on delivery with the charge)."
        with without_check_access():
            amounts = self.get_fee_amounts([self])[self.id]
        return max(amounts['due'], Decimal(0))

    def returned_by_post(self):
        return (self.return_method or self._default_return_method()) == (
            'postal')

    # ------------------------------------------------- the 24-hour rule
    def get_postal_late(self, name):
        return bool(self.postal_handover_due
            and self.postal_handover_due < self._now())

    @classmethod
    def search_postal_late(cls, name, clause):
        _, operator, value = clause[:3]
        late = (operator == '=') == bool(value)
        now = cls._now()
        if late:
            return [('postal_handover_due', '<', now)]
        return ['OR', ('postal_handover_due', '=', None),
            ('postal_handover_due', '>=', now)]

    @classmethod
    def _set_postal_handover_due(cls, dossiers):
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.postal.configuration')
        hours = Configuration(1).handover_hours
        args = []
        for dossier in dossiers:
            if dossier.backfilled or not dossier.returned_by_post():
                continue
            if any(s.direction == 'result' for s in dossier.shipments):
                continue
            ready = dossier.completed_date or cls._now()
            args.extend(([dossier], {
                        'postal_handover_due': Calendar.add_working_hours(
                            ready, hours, dossier.agency),
                        }))
        if args:
            with without_check_access():
                cls.write(*args)

    # ------------------------------------------------ the extension point
    @classmethod
    def _check_event(cls, dossiers, event):
        # Before the other checks: by post, nothing else is asked of the
        # desk until the post delivered.
        if event == 'done':
            cls._check_delivered(dossiers)
        super()._check_event(dossiers, event)

    @classmethod
    def _check_delivered(cls, dossiers):
        for dossier in dossiers:
            if dossier.backfilled or not dossier.returned_by_post():
                continue
            if not any(s.direction == 'result' and s.state == 'delivered'
                    for s in dossier.shipments):
                raise PostalReturnError(gettext(
                        'gov_postal.msg_done_before_delivery',
                        dossier=dossier.rec_name))

    @classmethod
    def _on_event(cls, dossiers, event):
        Shipment = Pool().get('gov.postal.shipment')
        super()._on_event(dossiers, event)
        if event == 'result_ready':
            cls._set_postal_handover_due(cls.browse(dossiers))
        elif event == 'submitted':
            pickups = [d for d in cls.browse(dossiers)
                if d.pickup_requested and not any(
                    s.direction == 'pickup' for s in d.shipments)]
            if pickups:
                Shipment.request(pickups, 'pickup', strict=False)
        elif event in {'done', 'rejected', 'withdrawn'}:
            due = [d for d in cls.browse(dossiers) if d.postal_handover_due]
            if due:
                with without_check_access():
                    cls.write(due, {'postal_handover_due': None})

    @classmethod
    def portal_return_fields(cls):
        return super().portal_return_fields() + ['pickup_requested']

    @classmethod
    def _portal_return_values(cls, form, errors):
        "The citizen's request for the pickup of her originals at home."
        values = super()._portal_return_values(form, errors)
        values['pickup_requested'] = bool(form.get('pickup_requested'))
        return values

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('shipments', None)
        default.setdefault('postal_handover_due', None)
        return super().copy(dossiers, default=default)

