# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The wizards of the feedback buttons that need a reason: transfer to
another agency, close as out of scope."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard


class TransferStart(ModelView):
    "Transfer Feedback"
    __name__ = 'gov.feedback.transfer.start'
    __string__ = "Transfer Feedback"

    agency = fields.Many2One('gov.agency', "To Agency", required=True)
    reason = fields.Text("Reason", required=True)


class Transfer(Wizard):
    "Transfer Feedback"
    __name__ = 'gov.feedback.transfer'
    start = StateView('gov.feedback.transfer.start',
        'gov_feedback.feedback_transfer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Transfer", 'transfer', 'tryton-ok', default=True),
            ])
    transfer = StateTransition()

    def transition_transfer(self):
        Feedback = Pool().get('gov.feedback')
        Feedback.do_transfer(list(self.records), self.start.agency,
            self.start.reason)
        return 'end'


class CloseStart(ModelView):
    "Close Feedback Out of Scope"
    __name__ = 'gov.feedback.close.start'
    __string__ = "Close Feedback Out of Scope"

    reason = fields.Text("Reason", required=True,
        help="Told to the sender: why it is outside the remit of the "
        "agencies, and where to turn.")


class Close(Wizard):
    "Close Feedback Out of Scope"
    __name__ = 'gov.feedback.close'
    start = StateView('gov.feedback.close.start',
        'gov_feedback.feedback_close_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Close", 'close', 'tryton-ok', default=True),
            ])
    close = StateTransition()

    def transition_close(self):
        Feedback = Pool().get('gov.feedback')
        Feedback.do_close_out_of_scope(list(self.records), self.start.reason)
        return 'end'
