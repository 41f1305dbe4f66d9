# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Postal enterprises and their staff (QĐ 04/2019, Điều 17–19, 29).

A user of the group Postal Staff works for one enterprise: the record
rules give it the shipments of that enterprise only."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import PoolMeta


class Enterprise(DeactivableMixin, ModelSQL, ModelView):
    "A public-utility postal enterprise."
    __name__ = 'gov.postal.enterprise'
    __string__ = "Postal Enterprise"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="The enterprise's short code, e.g. VNPOST-DNO.")
    address = fields.Text("Address")
    phone = fields.Char("Phone")
    email = fields.Char("E-mail")
    staff = fields.One2Many('res.user', 'postal_enterprise', "Staff",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_postal.msg_enterprise_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    postal_enterprise = fields.Many2One(
        'gov.postal.enterprise', "Postal Enterprise", ondelete='RESTRICT',
        help="For postal staff: the enterprise whose shipments they see and "
        "handle.")

