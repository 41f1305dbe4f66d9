# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The wizards asking for a reason: ending a contract, and a shipment's
failed delivery, return to sender or loss (the staff's own record)."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .shipment import STATES

PROBLEMS = [(k, v) for k, v in STATES if k in {'failed', 'returned', 'lost'}]


class TerminateContractStart(ModelView):
    "Terminate a Postal Contract"
    __name__ = 'gov.postal.contract.terminate.start'
    __string__ = "Terminate a Postal Contract"

    reason = fields.Text("Reason", required=True)


class TerminateContract(Wizard):
    "Terminate a Postal Contract"
    __name__ = 'gov.postal.contract.terminate'
    start = StateView('gov.postal.contract.terminate.start',
        'gov_postal.contract_terminate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Terminate", 'terminate', 'tryton-ok', default=True),
            ])
    terminate = StateTransition()

    def transition_terminate(self):
        Contract = Pool().get('gov.postal.contract')
        with check_access():
            Contract.end(list(self.records), self.start.reason)
        return 'end'

    def end(self):
        return 'reload'


class ReportProblemStart(ModelView):
    "Report a Delivery Problem"
    __name__ = 'gov.postal.shipment.problem.start'
    __string__ = "Report a Delivery Problem"

    status = fields.Selection(PROBLEMS, "What Happened", required=True,
        sort=False)
    reason = fields.Text("Reason", required=True)


class ReportProblem(Wizard):
    "Report a Delivery Problem"
    __name__ = 'gov.postal.shipment.problem'
    start = StateView('gov.postal.shipment.problem.start',
        'gov_postal.shipment_problem_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'record_', 'tryton-ok', default=True),
            ])
    record_ = StateTransition()

    def default_start(self, fields):
        return {'status': 'failed'}

    def transition_record_(self):
        Shipment = Pool().get('gov.postal.shipment')
        with check_access():
            Shipment.record(
                list(self.records), self.start.status, self.start.reason)
        return 'end'

    def end(self):
        return 'reload'
