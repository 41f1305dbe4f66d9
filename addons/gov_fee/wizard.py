# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The officers' "Record Payment" wizard on the dossier form: cash taken at
the one-stop desk, or cash on delivery by the postal service (R-FEE-2). It
calls Payment.record with the access check on, so that the method's role
and the dossier's record rules are checked on the server."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .payment import METHODS

WIZARD_METHODS = [(k, v) for k, v in METHODS if k in {'desk', 'postal'}]


class RecordPaymentStart(ModelView):
    "Record a Payment"
    __name__ = 'gov.fee.record_payment.start'
    __string__ = "Record a Payment"

    dossier = fields.Many2One('gov.dossier', "Dossier", readonly=True)
    amount_due = fields.Numeric(
        "Due (đồng)", digits=(16, 0), readonly=True)
    method = fields.Selection(
        WIZARD_METHODS, "Method", required=True, sort=False)
    amount = fields.Numeric(
        "Amount Received (đồng)", digits=(16, 0), required=True)
    payer_name = fields.Char("Payer")
    reference = fields.Char(
        "Reference",
        help="The number of the postal service's collection note, if any.")


class RecordPayment(Wizard):
    "Record a Payment"
    __name__ = 'gov.fee.record_payment'
    start = StateView('gov.fee.record_payment.start',
        'gov_fee.record_payment_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'pay', 'tryton-ok', default=True),
            ])
    pay = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        dossier = self.record
        amounts = dossier.get_fee_amounts([dossier])[dossier.id]
        groups = set(User.get_groups()) if Transaction().user else set()
        postal = ModelData.get_id('gov_agency', 'group_postal')
        receiver = ModelData.get_id('gov_agency', 'group_receiver')
        method = ('postal' if postal in groups and receiver not in groups
            else 'desk')
        return {
            'dossier': dossier.id,
            'amount_due': amounts['due'],
            'amount': amounts['due_now'] or amounts['due'],
            'method': method,
            'payer_name': dossier.submitter_name or dossier.applicant_name,
            }

    def transition_pay(self):
        Payment = Pool().get('gov.fee.payment')
        start = self.start
        with check_access():
            Payment.record(self.record, start.method, start.amount,
                payer_name=start.payer_name, reference=start.reference)
        return 'end'

    def end(self):
        return 'reload'
