# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta

from gov_dossier.ir import scope_by_dossier_agencies

# The officers' rule of ratings and the leaders' rule of follow-ups use
# Eval('dossier_agencies') as the dossiers' rule does.
scope_by_dossier_agencies('gov.rating', 'gov.rating.followup')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gov.rating.tally|tally', "Tally the Final Satisfaction Ratings"))
