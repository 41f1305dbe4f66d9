# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from gov_dossier.ir import scope_by_dossier_agencies

# The officers' rule of ratings and the leaders' rule of follow-ups use
# Eval('dossier_agencies') as the dossiers' rule does.
scope_by_dossier_agencies('gov.rating', 'gov.rating.followup')
