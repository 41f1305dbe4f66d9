# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Bounds of what is typed into a dossier (R-SEC-1, R-SUB-1).

Every text of a dossier, its documents, steps and history has a maximum
length and no control character (gov_procedure.bounds); the e-mail must
look like one; the eForm values stay within their fields' bounds, in a
draft too, and the whole eForm within FORM_DATA_SIZE. Checked on every
create and write (portal, back office, RPC); the portal asks
`applicant_field_errors` first to show the messages next to the fields."""
import json
import re

from trytond.i18n import gettext
from trytond.pool import PoolMeta

from gov_procedure.bounds import LINE, LONG_TEXT, TextBoundsMixin, text_error

from .exceptions import DossierValidationError

EMAIL = re.compile(r'^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$')
# The serialised eForm, keys the form no longer has included.
FORM_DATA_SIZE = 64 * 1024
IDENTIFIER = 20
PHONE = 20
EMAIL_SIZE = 254  # RFC 5321
ADDRESS = 1000
NOTES = 20000


class Dossier(TextBoundsMixin, metaclass=PoolMeta):
    __name__ = 'gov.dossier'
    _text_bounds = {
        'applicant_name': (LINE, False),
        'submitter_name': (LINE, False),
        'applicant_id_number': (IDENTIFIER, False),
        'applicant_tax_code': (IDENTIFIER, False),
        'applicant_phone': (PHONE, False),
        'applicant_email': (EMAIL_SIZE, False),
        'applicant_address': (ADDRESS, True),
        'notes': (NOTES, True),
        'result_note': (LONG_TEXT, True),
        'supplement_reason': (LONG_TEXT, True),
        'rejection_reason': (LONG_TEXT, True),
        'withdrawal_reason': (LONG_TEXT, True),
        'suspension_reason': (LONG_TEXT, True),
        }

    @classmethod
    def applicant_field_errors(cls, values):
        """{field name: message} for the values of a form not saved yet:
        the texts' bounds and the e-mail's shape."""
        errors = cls.text_errors(values)
        email = values.get('applicant_email')
        if (email and 'applicant_email' not in errors
                and not EMAIL.match(email)):
            errors['applicant_email'] = gettext(
                'gov_dossier.msg_email_invalid', email=email)
        return errors

    @classmethod
    def preprocess_values(cls, mode, values):
        # The eForm's texts before the database sees them (PostgreSQL
        # refuses a NUL character with a database error); their other
        # bounds are checked by check_form_bounds once the dossier is
        # written.
        values = super().preprocess_values(mode, values)
        for key, value in (values.get('form_data') or {}).items():
            message = text_error(value, key, len(value), multiline=True) \
                if isinstance(value, str) else None
            if message:
                raise DossierValidationError(message)
        return values

    @classmethod
    def validate_fields(cls, dossiers, field_names):
        super().validate_fields(dossiers, field_names)
        check_email = not field_names or 'applicant_email' in field_names
        check_form = not field_names or 'form_data' in field_names
        for dossier in dossiers:
            if check_email:
                errors = cls.applicant_field_errors(
                    {'applicant_email': dossier.applicant_email})
                if errors:
                    raise DossierValidationError(errors['applicant_email'])
            if check_form and dossier.form_data:
                dossier.check_form_bounds()

    def check_form_bounds(self):
        "The eForm's values within bounds, whatever the dossier's state."
        data = dict(self.form_data or {})
        if len(json.dumps(data, default=str)) > FORM_DATA_SIZE:
            raise DossierValidationError(gettext(
                    'gov_dossier.msg_form_data_too_large',
                    dossier=self.rec_name, size=FORM_DATA_SIZE // 1024))
        errors = self.procedure.bounds_errors(data)
        if errors:
            raise DossierValidationError(next(iter(errors.values())))


class DossierDocument(TextBoundsMixin, metaclass=PoolMeta):
    __name__ = 'gov.dossier.document'
    _text_bounds = {
        'name': (LINE, False),
        'description': (LINE, False),
        }


class DossierStep(TextBoundsMixin, metaclass=PoolMeta):
    __name__ = 'gov.dossier.step'
    _text_bounds = {
        'note': (LONG_TEXT, True),
        }


class DossierHistory(TextBoundsMixin, metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'
    _text_bounds = {
        'reason': (LONG_TEXT, True),
        'backfill_note': (LONG_TEXT, True),
        }
