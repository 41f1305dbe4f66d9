# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's account: web_user's web.user plus the profile that
pre-fills every form (R-AG-4, R-SUB-8)."""
import datetime as dt
import re

from trytond import config
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from gov_agency.l10n import strip_phone
from gov_dossier.bounds import ADDRESS, EMAIL_SIZE, IDENTIFIER
from gov_dossier.bounds import PHONE as PHONE_SIZE
from gov_procedure.bounds import LINE, TextBoundsMixin

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


# The profile keeps the number as typed, without its separators (PHONE
# checks it); notifications write it in national form (l10n).
normalize_phone = strip_phone


class User(TextBoundsMixin, metaclass=PoolMeta):
    __name__ = 'web.user'
    # Lengths and control characters of the profile (R-SEC-1); the portal's
    # forms can ask text_errors(values) before saving.
    _text_bounds = {
        'email': (EMAIL_SIZE, False),
        'full_name': (LINE, False),
        'identification_number': (IDENTIFIER, False),
        'phone': (PHONE_SIZE, False),
        'address': (ADDRESS, True),
        }

    full_name = fields.Char("Full Name")
    identification_number = fields.Char(
        "Personal Identification Number", size=12,
        help="The 12-digit personal identification number "
        "(số định danh cá nhân) of the citizen.")
    birth_date = fields.Date(
        "Birth Date",
        help="Pre-fills the eForm fields the administrator marked so; set "
        "from the electronic identity when the citizen signs in with it.")
    phone = fields.Char("Phone")
    address = fields.Text("Address")
    mail_dates = fields.Dict(
        None, "Account E-mails Sent", readonly=True,
        help="When each kind of account e-mail was last sent, to limit "
        "how often a stranger can have one sent to this address.")

    @classmethod
    def portal_authenticators(cls):
        """The ways a citizen can log in, in the order the login page shows
        them: [(key, label, url)]. Modules add theirs by extending this
        method (gov_sso: a button per identity provider)."""
        return [('password', 'Mật khẩu', '/dang-nhap')]

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('mail_dates')
        return super().copy(users, default=default)

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        # A new password (reset by e-mail, or set in the back office) or a
        # closed account ends every session of the account: the cookie of
        # whoever knew the old password stops working (R-AG-4, R-SEC-1).
        # web_user itself keeps them.
        if mode == 'write' and (field_names is None
                or {'password', 'active'} & set(field_names)):
            cls.revoke_sessions(users)

    @classmethod
    def revoke_sessions(cls, users):
        Session = Pool().get('web.user.session')
        with without_check_access():
            Session.delete(Session.search(
                    [('user', 'in', [u.id for u in users])]))

    # Account e-mails a stranger can trigger (a password reset sent again,
    # "someone registered with your address") are sent at most once per
    # interval and kind, so that the form cannot flood a mailbox.
    @staticmethod
    def mail_interval():
        return dt.timedelta(seconds=config.getint(
                'gov', 'account_mail_interval', default=120))

    def may_mail(self, kind):
        last = (self.mail_dates or {}).get(kind)
        if not last:
            return True
        last = dt.datetime.fromisoformat(last)
        return abs(dt.datetime.now() - last) >= self.mail_interval()

    def mailed(self, kind):
        dates = dict(self.mail_dates or {})
        dates[kind] = dt.datetime.now().isoformat()
        self.mail_dates = dates
        self.save()

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names and not (field_names
                & {'identification_number', 'phone', 'birth_date'}):
            return
        for user in users:
            if message := user.birth_date_error():
                raise ProfileValidationError(message)
            if (user.identification_number
                    and not valid_identification(user.identification_number)):
                raise ProfileValidationError(gettext(
                        'gov_portal.msg_identification_invalid',
                        number=user.identification_number))
            if user.phone and not PHONE.match(normalize_phone(user.phone)):
                raise ProfileValidationError(gettext(
                        'gov_portal.msg_phone_invalid', phone=user.phone))

    def birth_date_error(self, today=None):
        """Why the birth date cannot be right, else None: not in the
        future, and in the year of birth the identification number
        carries (its digits 4-6)."""
        from gov_dossier.identity import personal_id_birth
        if not self.birth_date:
            return None
        if self.birth_date > (today or dt.date.today()):
            return gettext('gov_portal.msg_birth_date_future',
                date=self.birth_date.strftime('%d/%m/%Y'))
        if self.identification_number and valid_identification(
                self.identification_number):
            year, _ = personal_id_birth(self.identification_number)
            if year != self.birth_date.year:
                return gettext('gov_portal.msg_birth_date_number',
                    date=self.birth_date.strftime('%d/%m/%Y'),
                    number=self.identification_number, year=year)
        return None

    def profile_value(self, name):
        """The profile's value an eForm field marked "pre-fill from the
        profile" (gov.procedure.form_field prefill) starts with."""
        if name in {'full_name', 'birth_date', 'identification_number',
                'phone', 'address'}:
            return getattr(self, name)
        return None

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
