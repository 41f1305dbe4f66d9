# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the portal's procedure and submission pages show of the postal
service (R-POST-4, Điều 20.3): the offers of the active contracts
covering the procedure, read by the templates of this module."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Procedure(metaclass=PoolMeta):
    __name__ = 'gov.procedure'

    def postal_offers(self):
        """Contract.public_offers of this procedure: per agency with an
        active contract, its postal enterprise and services (kind, name,
        full-journey hours, charge); [] when none."""
        Contract = Pool().get('gov.postal.contract')
        if not self.id or self.id < 0:
            return []
        with without_check_access():
            return Contract.public_offers(self)

    def postal_pickup_offered(self, agency=None):
        """Whether the post collects the paper originals at home for this
        procedure: at agency, or at any of its agencies when None (the
        server checks the agency chosen when the dossier is submitted)."""
        try:
            agency_id = int(agency) if agency else None
        except (TypeError, ValueError):
            agency_id = None
        return any(
            s['kind'] == 'pickup_home'
            for o in self.postal_offers()
            if agency_id is None or o['agency'].id == agency_id
            for s in o['services'])
