# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The accountant's wizard "Import Bank Statement" (R-FEE-2): the agency
whose account the statement is, and the bank's CSV file
(statement_csv.py). It calls StatementLine.import_file with the access
check on, so that the role and the agency are checked on the server, then
shows what was matched, queued and skipped."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, check_access, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard


class ImportStatementStart(ModelView):
    "Import a Bank Statement"
    __name__ = 'gov.fee.statement.import.start'
    __string__ = "Import a Bank Statement"

    agencies = fields.Many2Many(
        'gov.agency', None, None, "Agencies", readonly=True)
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True,
        domain=[('id', 'in', Eval('agencies', []))],
        help="The agency whose bank account the statement is.")
    file = fields.Binary("File", required=True, filename='file_name',
        help="The bank's CSV file: see the documentation of the module "
        "for its columns.")
    file_name = fields.Char("File Name")


class ImportStatementDone(ModelView):
    "Bank Statement Imported"
    __name__ = 'gov.fee.statement.import.done'
    __string__ = "Bank Statement Imported"

    matched = fields.Integer("Matched", readonly=True)
    unmatched = fields.Integer(
        "Waiting in the Queue", readonly=True,
        help="Lines to assign by hand or to ignore: Fees and Payments ▸ "
        "Bank Statement Lines ▸ Unmatched.")
    duplicates = fields.Integer(
        "Already Imported", readonly=True,
        help="Rows whose bank reference was imported before: left out.")


class ImportStatement(Wizard):
    "Import a Bank Statement"
    __name__ = 'gov.fee.statement.import'
    start = StateView('gov.fee.statement.import.start',
        'gov_fee.statement_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('gov.fee.statement.import.done',
        'gov_fee.statement_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        User = pool.get('res.user')
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        agencies = (Agency.dossier_agencies(User.get_agencies())
            if Transaction().user else [])
        with without_check_access():
            own = [o.agency.id for o in Officer.search([
                        ('user', '=', Transaction().user)])]
        return {
            'agencies': list(agencies),
            'agency': own[0] if len(own) == 1 else None,
            }

    def transition_import_(self):
        StatementLine = Pool().get('gov.fee.statement.line')
        with check_access():
            result = StatementLine.import_file(
                self.start.agency, self.start.file)
        self.done.matched = result['matched']
        self.done.unmatched = result['unmatched']
        self.done.duplicates = result['duplicates']
        return 'done'

    def default_done(self, fields):
        return {
            'matched': self.done.matched,
            'unmatched': self.done.unmatched,
            'duplicates': self.done.duplicates,
            }
