# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Wizards of the transitions that need input (reason, components, agency,
real dates). Each one calls the dossier's button method with the input,
with the access check on, so that the button's groups and states are
checked again on the server whatever way the wizard was started."""
from decimal import Decimal

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .dossier import RETURN_METHODS


class _DossierWizard(Wizard):
    "Shared behaviour: run the dossier method as the user, then reload."
    __slots__ = ()

    def _call(self, method, **kwargs):
        Dossier = Pool().get('gov.dossier')
        records = [r for r in self.records]
        with check_access():
            getattr(Dossier, method)(records, **kwargs)
        return 'end'

    def end(self):
        return 'reload'


class SupplementStart(ModelView):
    "Request a Supplement"
    __name__ = 'gov.dossier.supplement.start'
    __string__ = "Request a Supplement"

    procedure = fields.Many2One('gov.procedure', "Procedure", readonly=True)
    components = fields.Many2Many(
        'gov.procedure.component', None, None, "Components",
        domain=[('procedure', '=', Eval('procedure', -1))],
        help="The components to add or correct.")
    reason = fields.Text(
        "Reason", required=True,
        help="What is missing or invalid and how to fix it; the applicant "
        "reads it.")


class Supplement(_DossierWizard):
    "Request a Supplement"
    __name__ = 'gov.dossier.request_supplement'
    start = StateView('gov.dossier.supplement.start',
        'gov_dossier.supplement_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Request Supplement", 'request', 'tryton-ok',
                default=True),
            ])
    request = StateTransition()

    def default_start(self, fields):
        return {'procedure': self.record.procedure.id if self.record else None}

    def transition_request(self):
        return self._call('request_supplement', reason=self.start.reason,
            components=[c.id for c in self.start.components])


class ReasonStart(ModelView):
    "Reason"
    __name__ = 'gov.dossier.reason.start'
    __string__ = "Reason"

    reason = fields.Text("Reason", required=True)


class _ReasonWizard(_DossierWizard):
    __slots__ = ()
    _method = None
    start = StateView('gov.dossier.reason.start',
        'gov_dossier.reason_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("OK", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def transition_apply(self):
        return self._call(self._method, reason=self.start.reason)


class Reject(_ReasonWizard):
    "Reject Dossier"
    __name__ = 'gov.dossier.reject'
    _method = 'reject'


class SendBack(_ReasonWizard):
    "Send Back to the Previous Step"
    __name__ = 'gov.dossier.send_back'
    _method = 'send_back'


class Withdraw(_ReasonWizard):
    "Withdraw Dossier"
    __name__ = 'gov.dossier.withdraw'
    _method = 'withdraw'


class Suspend(_ReasonWizard):
    "Suspend Dossier"
    __name__ = 'gov.dossier.suspend'
    _method = 'suspend'


class TransferStart(ModelView):
    "Inter-Agency Transfer"
    __name__ = 'gov.dossier.transfer.start'
    __string__ = "Inter-Agency Transfer"

    agency = fields.Many2One(
        'gov.agency', "Agency", required=True,
        help="The cooperating agency that handles this step.")
    days = fields.Numeric(
        "Deadline (Working Days)", digits=(16, 2), required=True,
        domain=[('days', '>=', 0)],
        help="The step's own deadline; the dossier's due date does not "
        "change.")
    reason = fields.Text(
        "Request", required=True, help="What the agency is asked to do.")

    @classmethod
    def default_days(cls):
        return Decimal(1)


class Transfer(_DossierWizard):
    "Inter-Agency Transfer"
    __name__ = 'gov.dossier.transfer'
    start = StateView('gov.dossier.transfer.start',
        'gov_dossier.transfer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Transfer", 'transfer', 'tryton-ok', default=True),
            ])
    transfer = StateTransition()

    def transition_transfer(self):
        return self._call('transfer', agency=self.start.agency.id,
            days=self.start.days, reason=self.start.reason)


class BackfillStart(ModelView):
    "Enter a Paper Dossier"
    __name__ = 'gov.dossier.backfill.start'
    __string__ = "Enter a Paper Dossier"

    received_date = fields.DateTime(
        "Received Date", required=True,
        help="When the complete dossier was received on paper.")
    due_date = fields.Date(
        "Due Date",
        help="The appointment date written on the paper receipt; leave "
        "empty to compute it from the received date.")
    outcome = fields.Selection([
            ('received', "Received (still being handled)"),
            ('result_ready', "Result Ready"),
            ('done', "Result Returned"),
            ('rejected', "Rejected"),
            ], "Reached", required=True, sort=False)
    completed_date = fields.DateTime(
        "Completed Date",
        states={
            'required': Eval('outcome').in_(['result_ready', 'done']),
            'invisible': ~Eval('outcome').in_(
                ['result_ready', 'done', 'rejected']),
            })
    returned_date = fields.DateTime(
        "Returned Date",
        states={
            'required': Eval('outcome') == 'done',
            'invisible': Eval('outcome') != 'done',
            })
    return_method = fields.Selection(
        RETURN_METHODS, "Return Method",
        states={
            'invisible': Eval('outcome') != 'done',
            })
    reason = fields.Text(
        "Note",
        states={
            'required': Eval('outcome') == 'rejected',
            },
        help="Why the dossier was handled on paper (and, when rejected, "
        "the reason of the rejection).")

    @classmethod
    def default_outcome(cls):
        return 'received'


class Backfill(_DossierWizard):
    "Enter a Paper Dossier"
    __name__ = 'gov.dossier.backfill'
    start = StateView('gov.dossier.backfill.start',
        'gov_dossier.backfill_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Enter", 'backfill', 'tryton-ok', default=True),
            ])
    backfill = StateTransition()

    def transition_backfill(self):
        start = self.start
        return self._call('backfill',
            received_date=start.received_date,
            outcome=start.outcome,
            completed_date=start.completed_date,
            returned_date=start.returned_date,
            due_date=start.due_date,
            return_method=start.return_method,
            reason=start.reason)
