# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The eForm of a procedure (R-CAT-4): its fields, and how the texts a
person types are read into typed values and numbers are written back."""
import calendar
import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import (
    DictSchemaMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval

from .catalogue import unaccent
from .exceptions import CatalogueValidationError
from .line import ProcedureLineMixin

# The eForm field types offered to administrators (R-CAT-4). "Long text" is
# a char field with long_text set: Tryton's clients have no dict text type.
FORM_TYPES = ['char', 'integer', 'numeric', 'date', 'selection', 'boolean']
FORM_NAME = re.compile(r'^[a-z][a-z0-9_]*$')
# dd/mm/yyyy, yyyy-mm-dd (ISO, what a date picker sends) and dd-mm-yyyy.
DATE_FORMATS = [
    re.compile(r'^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$'),
    re.compile(r'^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$'),
    re.compile(r'^(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})$'),
    ]
# The eForm type a profile value pre-fills (FormField.prefill).
PREFILL_TYPES = {
    'full_name': 'char', 'identification_number': 'char',
    'birth_date': 'date', 'phone': 'char', 'address': 'char'}
TRUE_WORDS = {'1', 'true', 'on', 'yes', 'y', 'co', 'x'}


def parse_date(text, field):
    """(date, None) for a date written in one of DATE_FORMATS, else (text,
    message): a text in the right format whose day or month does not exist
    (31/11/2026) is told so, not that the format is wrong."""
    for pattern in DATE_FORMATS:
        match = pattern.match(text)
        if not match:
            continue
        day, month, year = (int(match.group(k)) for k in 'dmy')
        if not 1 <= month <= 12:
            return text, gettext('gov_procedure.msg_form_value_date_month',
                field=field, month=month)
        if year < dt.MINYEAR:
            break
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return text, gettext('gov_procedure.msg_form_value_date_day',
                field=field, date=text, month=month, year=year, days=days)
        return dt.date(year, month, day), None
    return text, gettext('gov_procedure.msg_form_value_date', field=field)


def parse_decimal(text):
    """A number as a Vietnamese writes it, read as sao reads it
    (gov_server/sao/custom.js): "8,5" and "8.5" are 8.5, "1.234,5" is
    1234.5, "1.234" and "1.234.567" group thousands (groups of three digits
    only). InvalidOperation when it is not a number."""
    number = re.sub(r'[\s\u00a0\u202f]', '', text).replace('\u2212', '-')
    dots, commas = number.count('.'), number.count(',')
    if dots and commas:
        # The last sign is the decimal one, the other groups.
        decimal = '.' if number.rfind('.') > number.rfind(',') else ','
        if number.count(decimal) > 1:
            raise InvalidOperation
    elif dots + commas == 1:
        sign = '.' if dots else ','
        head, tail = number.split(sign)
        grouped = sign == '.' and len(tail) == 3 and any(
            c.isdigit() for c in head)
        decimal = None if grouped else sign
    else:
        decimal = None  # no sign, or several of one kind: groups
    group = ',' if decimal == '.' else '.'
    whole = number.split(decimal)[0] if decimal else number
    if (group in whole or (decimal is None and ',' in whole)) and not (
            re.fullmatch(r'-?\d{1,3}([.,]\d{3})+', whole)):
        raise InvalidOperation  # groups of three digits only
    if decimal is None:
        number = number.replace('.', '').replace(',', '')
    else:
        number = number.replace(group, '').replace(decimal, '.')
    if not re.fullmatch(r'-?(\d+\.?\d*|\.\d+)', number):
        raise InvalidOperation
    return Decimal(number)


def format_number(value):
    "A number as the user's language writes it, without useless zeros."
    Lang = Pool().get('ir.lang')
    value = Decimal(value)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    return Lang.get().format_number(value)


class FormField(
        ProcedureLineMixin, DictSchemaMixin, sequence_ordered(), ModelSQL,
        ModelView):
    """A field of a procedure's eForm (R-CAT-4). The dossier keeps the
    values in a fields.Dict whose schema is this model, filtered by its
    procedure; form_errors checks them."""
    __name__ = 'gov.procedure.form_field'
    __string__ = "eForm Field"

    required = fields.Boolean(
        "Required",
        help="The citizen must fill it in; a required tick box must be "
        "ticked.")
    long_text = fields.Boolean(
        "Long Text",
        states={
            'invisible': Eval('type_') != 'char',
            },
        help="Shown as a multi-line text area.")
    prefill = fields.Selection([
            (None, ""),
            ('full_name', "Applicant's Full Name"),
            ('identification_number', "Applicant's Identification Number"),
            ('birth_date', "Applicant's Birth Date"),
            ('phone', "Applicant's Phone"),
            ('address', "Applicant's Address"),
            ], "Pre-fill From the Profile",
        help="A new form starts with this value of the applicant's profile "
        "(R-SUB-8); leave empty when the field is about someone else, "
        "e.g. the child's birth date of a birth registration.")
    prefill_string = prefill.translated('prefill')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type_.selection = [
            (k, v) for k, v in cls.type_.selection if k in FORM_TYPES]
        # The portal's form shows them all: read with the rest of the
        # field, not each text in its own query.
        for name in ['string', 'help', 'selection', 'help_selection']:
            getattr(cls, name).loading = 'eager'
        t = cls.__table__()
        cls._sql_constraints += [
            ('procedure_name_uniq', Unique(t, t.procedure, t.name),
                'gov_procedure.msg_form_field_name_unique'),
            ]

    @classmethod
    def default_type_(cls):
        return 'char'

    @classmethod
    def default_required(cls):
        return False

    @classmethod
    def default_long_text(cls):
        return False

    @fields.depends('name', 'string')
    def on_change_string(self):
        if not self.name and self.string:
            self.name = re.sub(
                r'[^a-z0-9]+', '_', unaccent(self.string)).strip('_')

    @classmethod
    def validate_fields(cls, form_fields, field_names):
        super().validate_fields(form_fields, field_names)
        for form_field in form_fields:
            if not FORM_NAME.match(form_field.name or ''):
                raise CatalogueValidationError(gettext(
                        'gov_procedure.msg_form_field_name_invalid',
                        name=form_field.name, field=form_field.string))
            if form_field.prefill and form_field.type_ != PREFILL_TYPES[
                    form_field.prefill]:
                raise CatalogueValidationError(gettext(
                        'gov_procedure.msg_form_field_prefill_type',
                        field=form_field.string,
                        prefill=form_field.prefill_string))
            if (form_field.type_ == 'selection'
                    and not form_field.choices()):
                raise CatalogueValidationError(gettext(
                        'gov_procedure.msg_form_field_selection_empty',
                        field=form_field.string))

    def choices(self):
        "The (key, label) pairs of a selection field, in order."
        return [tuple(c) for c in json.loads(self.selection_json or '[]')]

    def value_error(self, value):
        "The message for the user when value does not fit, else None."
        names = {'field': self.string}
        if value is None or value == '' or value == () or value == []:
            if self.required:
                return gettext(
                    'gov_procedure.msg_form_value_required', **names)
            return None
        if self.type_ == 'char':
            if not isinstance(value, str):
                return gettext('gov_procedure.msg_form_value_text', **names)
            if self.required and not value.strip():
                return gettext(
                    'gov_procedure.msg_form_value_required', **names)
        elif self.type_ == 'integer':
            if isinstance(value, bool) or not isinstance(value, int):
                return gettext(
                    'gov_procedure.msg_form_value_integer', **names)
        elif self.type_ in {'numeric', 'float'}:
            if (isinstance(value, bool)
                    or not isinstance(value, (int, float, Decimal))):
                return gettext(
                    'gov_procedure.msg_form_value_number', **names)
            number = Decimal(str(value))
            if not number.is_finite():
                return gettext(
                    'gov_procedure.msg_form_value_number', **names)
            if (self.digits is not None
                    and -number.normalize().as_tuple().exponent
                    > self.digits):
                return gettext('gov_procedure.msg_form_value_digits',
                    digits=self.digits, **names)
        elif self.type_ == 'date':
            if (not isinstance(value, dt.date)
                    or isinstance(value, dt.datetime)):
                return gettext('gov_procedure.msg_form_value_date', **names)
        elif self.type_ == 'selection':
            choices = self.choices()
            if value not in {k for k, _ in choices}:
                return gettext('gov_procedure.msg_form_value_selection',
                    choices=', '.join(label for _, label in choices),
                    **names)
        elif self.type_ == 'boolean':
            if not isinstance(value, bool):
                return gettext(
                    'gov_procedure.msg_form_value_boolean', **names)
            if self.required and not value:
                return gettext(
                    'gov_procedure.msg_form_value_boolean_required', **names)
        return None

    def parse_value(self, raw):
        """Convert raw (a text from an HTML form) to this field's type.

        Return (value, message): message is None when the text converts;
        otherwise value is the text as typed."""
        if raw is not None and not isinstance(raw, str):
            return raw, None
        text = (raw or '').strip()
        if self.type_ == 'boolean':
            return unaccent(text) in TRUE_WORDS, None
        if not text:
            return None, None
        names = {'field': self.string}
        if self.type_ == 'char':
            return (raw.strip('\r\n ') if self.long_text else text), None
        if self.type_ == 'integer':
            try:
                number = parse_decimal(text)
            except InvalidOperation:
                number = None
            if number is None or number != number.to_integral_value():
                return text, gettext(
                    'gov_procedure.msg_form_value_integer', **names)
            return int(number), None
        if self.type_ in {'numeric', 'float'}:
            try:
                value = parse_decimal(text)
            except InvalidOperation:
                return text, gettext(
                    'gov_procedure.msg_form_value_number', **names)
            if self.type_ == 'float':
                value = float(value)
            return value, None
        if self.type_ == 'date':
            return parse_date(text, self.string)
        return text, None
