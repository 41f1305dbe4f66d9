# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    agency_memberships = fields.One2Many(
        'gov.agency.officer', 'user', "Agency Memberships")
    agencies = fields.Many2Many(
        'gov.agency.officer', 'user', 'agency', "Agencies",
        help="The agencies the officer works for; "
        "they see the records of these agencies and their sub-units.")

    _get_agencies_cache = Cache('res_user.get_agencies', context=False)

    @classmethod
    def get_agencies(cls):
        """Ids of the current user's agencies and all their descendants.

        Used by record rules (see ir.Rule) so that every module restricts
        officers to their agency subtree the same way."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        user = Transaction().user
        result = cls._get_agencies_cache.get(user)
        if result is not None:
            return result
        officer = Officer.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*officer.select(
                officer.agency, where=officer.user == user))
        result = Agency.subtree_ids([a for a, in cursor])
        cls._get_agencies_cache.set(user, result)
        return result

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        cls._get_agencies_cache.clear()
