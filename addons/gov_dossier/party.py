# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The personal identification number as a party identifier (R-SUB-8)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import PoolMeta

from .identity import compact, personal_id_error

PERSONAL_ID = ('vn_cccd', "Vietnamese Personal Identification Number")


class Configuration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = list(cls.identifier_types.selection)
        if PERSONAL_ID not in selection:
            selection.append(PERSONAL_ID)
        cls.identifier_types.selection = selection


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @fields.depends('type', 'code')
    def check_code(self):
        super().check_code()
        if self.type == PERSONAL_ID[0]:
            reason = personal_id_error(self.code)
            if reason:
                raise InvalidIdentifierCode(gettext(
                        'gov_dossier.msg_personal_id_%s' % reason,
                        code=self.code))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('type') == PERSONAL_ID[0] and values.get('code'):
            values['code'] = values['code_compact'] = compact(values['code'])
        return values

    @classmethod
    def validate_fields(cls, identifiers, field_names):
        super().validate_fields(identifiers, field_names)
        if field_names and not (field_names & {'type', 'code'}):
            return
        for identifier in identifiers:
            if identifier.type == PERSONAL_ID[0]:
                identifier.check_code()
