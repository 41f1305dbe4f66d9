# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's account: web_user's web.user plus the profile that
pre-fills every form (R-AG-4, R-SUB-8)."""
import re

from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta

IDENTIFICATION = re.compile(r'^\d{12}$')
PHONE = re.compile(r'^(\+84|0)\d{9,10}$')


class ProfileValidationError(ValidationError):
    pass


def valid_identification(value):
    """A personal identification number (số định danh cá nhân) has 12
    digits: province of birth, century and sex, year of birth, then a
    6-digit random part (checked as gov_dossier checks applicants)."""
    from gov_dossier.identity import personal_id_error
    if not value or not IDENTIFICATION.match(value):
        return False
    return personal_id_error(value) is None


def normalize_phone(value):
    return re.sub(r'[\s.\-()]', '', value or '')


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    full_name = fields.Char("Full Name")
    identification_number = fields.Char(
        "Personal Identification Number", size=12,
        help="The 12-digit personal identification number "
        "(số định danh cá nhân) of the citizen.")
    phone = fields.Char("Phone")
    address = fields.Text("Address")

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names and not (
                field_names & {'identification_number', 'phone'}):
            return
        for user in users:
            if (user.identification_number
                    and not valid_identification(user.identification_number)):
                raise ProfileValidationError(gettext(
                        'gov_portal.msg_identification_invalid',
                        number=user.identification_number))
            if user.phone and not PHONE.match(normalize_phone(user.phone)):
                raise ProfileValidationError(gettext(
                        'gov_portal.msg_phone_invalid', phone=user.phone))

    def sync_party(self):
        "Keep the linked party (the applicant of dossiers) named as the user."
        Party = Pool().get('party.party')
        if not self.full_name:
            return
        if not self.party:
            self.party = Party(name=self.full_name)
        elif self.party.name != self.full_name:
            self.party.name = self.full_name
        self.party.save()
        self.save()
