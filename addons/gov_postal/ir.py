# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta

from gov_dossier.ir import scope_by_dossier_agencies

# The officers' rule of shipments: the dossiers' agencies.
scope_by_dossier_agencies(
    'gov.postal.shipment', 'gov.postal.shipment.event')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('gov.postal.contract|expire_ended',
                    "Expire Postal Contracts Past Their End Date"),
                ('gov.postal.shipment|poll',
                    "Fetch the Carrier's Tracking of Moving Shipments"),
                ])
