# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from gov_dossier.ir import scope_by_dossier_agencies

# The record rules of payments, refunds and bank statement lines use
# Eval('dossier_agencies') as the dossiers' rule does: the user's agency
# subtree and the agencies its one-stop desks serve.
scope_by_dossier_agencies(
    'gov.fee.payment', 'gov.fee.refund', 'gov.fee.statement.line')
