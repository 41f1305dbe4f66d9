# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Postal contracts in an agency restructuring (R-CAT-9, R-POST-1; see
gov_agency/restructure.py): the draft and active contracts of a merged or
split agency pass to the successor, which takes over the agency's rights
and duties; expired and terminated contracts keep the agency that signed
them."""
from trytond.pool import Pool, PoolMeta

# The contracts still to run.
LIVE_STATES = ['draft', 'active']


class RestructuringLine(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructuring.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.append(('postal_contracts', "Postal Contracts"))


class Restructure(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructure'

    def _restructure_items(self, source):
        Contract = Pool().get('gov.postal.contract')
        items = super()._restructure_items(source)
        items['postal_contracts'] = Contract.search([
                ('agency', '=', source.id),
                ('state', 'in', LIVE_STATES),
                ], order=[('number', 'ASC')])
        return items

    def _restructure_apply(self, kind, records, source, successor):
        if kind == 'postal_contracts':
            Pool().get('gov.postal.contract').write(
                list(records), {'agency': successor.id})
        else:
            super()._restructure_apply(kind, records, source, successor)
