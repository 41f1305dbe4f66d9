# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Bounds of what a person may type (R-SEC-1, R-CAT-4).

Every text has a maximum length and no control character (a line break
only where the field has several lines); eForm numbers and dates have a
range. The checks live here, in the model, once: the eForm fields below,
the dossier (gov_dossier/bounds.py) and the citizen's profile
(gov_portal/web_user.py) use them, so the portal and the back office
refuse the same values with the same words."""
import datetime as dt
import re
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .eform import format_number
from .exceptions import CatalogueValidationError, TextBoundsError

# Default lengths, in characters.
LINE = 255
LONG_TEXT = 5000
# Defaults of an eForm field without its own bounds.
FORM_LINE = 500
MAX_FORM_LENGTH = 20000
INTEGER_RANGE = (0, 10 ** 9)
# Beyond 10^15 a JavaScript client (sao) no longer holds every digit.
NUMBER_LIMIT = Decimal(10) ** 15
DATE_MIN = dt.date(1900, 1, 1)
DATE_YEARS_AHEAD = 100

# C0 and C1 controls, and the bidirectional controls that make a text show
# other than it reads (U+202E turns "gpj.exe" into "exe.jpg").
_BIDI = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'
CONTROL = re.compile(f'[\x00-\x1f\x7f-\x9f{_BIDI}]')
CONTROL_MULTILINE = re.compile(
    f'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]')


def text_error(value, field, size=LINE, multiline=False):
    """The message when the text value does not fit, else None: longer
    than size, a line break in a one-line field, a control character."""
    if not value:
        return None
    if not isinstance(value, str):
        return gettext('gov_procedure.msg_form_value_text', field=field)
    if len(value) > size:
        return gettext('gov_procedure.msg_text_too_long', field=field,
            size=size, length=len(value))
    if not multiline and ('\n' in value or '\r' in value):
        return gettext('gov_procedure.msg_text_one_line', field=field)
    if (CONTROL_MULTILINE if multiline else CONTROL).search(value):
        return gettext('gov_procedure.msg_text_control', field=field)
    return None


def date_window(today=None):
    "The dates an eForm accepts when its field sets no bound."
    today = today or dt.date.today()
    return DATE_MIN, dt.date(today.year + DATE_YEARS_AHEAD, 12, 31)


class TextBoundsMixin:
    """Model mixin: `_text_bounds` maps a field name to (size, multiline);
    the values are checked on create and write, and `text_errors(values)`
    gives the messages by field for a form that has not been saved yet."""
    __slots__ = ()
    _text_bounds = {}

    @classmethod
    def text_errors(cls, values):
        errors = {}
        for name, value in values.items():
            if name in cls._text_bounds:
                size, multiline = cls._text_bounds[name]
                # The field's translated label costs queries: read only
                # for a message (a submission checks some 70 values).
                if text_error(value, '', size, multiline):
                    errors[name] = text_error(value,
                        cls.__names__(name)['field'], size, multiline)
        return errors

    @classmethod
    def preprocess_values(cls, mode, values):
        # Before the database sees them: PostgreSQL refuses a NUL character
        # with a database error instead of a message (validate_fields runs
        # once the row is written).
        values = super().preprocess_values(mode, values)
        errors = cls.text_errors(values)
        if errors:
            raise TextBoundsError(next(iter(errors.values())))
        return values

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        names = set(cls._text_bounds)
        if field_names:
            names &= set(field_names)
        for record in records:
            errors = cls.text_errors(
                {n: getattr(record, n, None) for n in sorted(names)})
            if errors:
                raise TextBoundsError(next(iter(errors.values())))


class FormField(metaclass=PoolMeta):
    """Optional bounds of an eForm field; without them, sane defaults: a
    text of 500 characters (5,000 for a long text), a whole number from 0
    to 10^9, a number within ±10^15, a date from 1900 to 100 years
    ahead."""
    __name__ = 'gov.procedure.form_field'

    max_length = fields.Integer(
        "Maximum Length",
        states={
            'invisible': Eval('type_') != 'char',
            },
        help="In characters. Empty: 500, or 5,000 for a long text.")
    min_value = fields.Numeric(
        "Minimum",
        states={
            'invisible': ~Eval('type_').in_(['integer', 'numeric']),
            },
        help="Empty: 0 for a whole number, -10^15 for a number.")
    max_value = fields.Numeric(
        "Maximum",
        states={
            'invisible': ~Eval('type_').in_(['integer', 'numeric']),
            },
        help="Empty: 10^9 for a whole number, 10^15 for a number.")
    min_date = fields.Date(
        "Earliest Date",
        states={
            'invisible': Eval('type_') != 'date',
            },
        help="Empty: 01/01/1900.")
    max_date = fields.Date(
        "Latest Date",
        states={
            'invisible': Eval('type_') != 'date',
            },
        help="Empty: the end of the year 100 years from today.")

    @classmethod
    def validate_fields(cls, form_fields, field_names):
        super().validate_fields(form_fields, field_names)
        for form_field in form_fields:
            names = {'field': form_field.string}
            if form_field.max_length is not None and not (
                    0 < form_field.max_length <= MAX_FORM_LENGTH):
                raise CatalogueValidationError(gettext(
                        'gov_procedure.msg_form_field_length_invalid',
                        size=MAX_FORM_LENGTH, **names))
            for value in (form_field.min_value, form_field.max_value):
                if value is not None and abs(value) > NUMBER_LIMIT:
                    raise CatalogueValidationError(gettext(
                            'gov_procedure.msg_form_field_bound_too_large',
                            **names))
            for low, high in [
                    (form_field.min_value, form_field.max_value),
                    (form_field.min_date, form_field.max_date)]:
                if low is not None and high is not None and low > high:
                    raise CatalogueValidationError(gettext(
                            'gov_procedure.msg_form_field_range_invalid',
                            **names))

    def text_size(self):
        "The longest text the field takes (the form's maxlength too)."
        if self.max_length:
            return self.max_length
        return LONG_TEXT if self.long_text else FORM_LINE

    def value_range(self):
        "(lowest, highest) value of a number or date field."
        if self.type_ == 'date':
            low, high = date_window()
            return self.min_date or low, self.max_date or high
        if self.type_ == 'integer':
            low, high = INTEGER_RANGE
        else:
            low, high = -NUMBER_LIMIT, NUMBER_LIMIT
        return (low if self.min_value is None else self.min_value,
            high if self.max_value is None else self.max_value)

    def bounds_error(self, value):
        """The message when a value of the right type is out of the field's
        bounds, else None."""
        names = {'field': self.string}
        if value is None or isinstance(value, bool):
            return None
        if self.type_ == 'char':
            return text_error(value, self.string, self.text_size(),
                multiline=bool(self.long_text))
        if self.type_ in {'integer', 'numeric', 'float'}:
            if not isinstance(value, (int, float, Decimal)):
                return None
            number = Decimal(str(value))
            if not number.is_finite():
                return None
            low, high = self.value_range()
            if not (low <= number <= high):
                return gettext('gov_procedure.msg_number_range',
                    min=format_number(low), max=format_number(high),
                    **names)
        elif self.type_ == 'date':
            if not isinstance(value, dt.date) or isinstance(
                    value, dt.datetime):
                return None
            low, high = self.value_range()
            if not (low <= value <= high):
                return gettext('gov_procedure.msg_date_range',
                    min=low.strftime('%d/%m/%Y'),
                    max=high.strftime('%d/%m/%Y'), **names)
        return None

    def value_error(self, value):
        return super().value_error(value) or self.bounds_error(value)


class Procedure(metaclass=PoolMeta):
    __name__ = 'gov.procedure'

    def bounds_errors(self, data):
        """{field name: message} of the values of data out of their
        field's bounds: a form that carries one is refused as a whole, as
        the server does not keep such a value, not even in a draft."""
        data = data or {}
        errors = {}
        for form_field in self.form_fields:
            message = form_field.bounds_error(data.get(form_field.name))
            if message:
                errors[form_field.name] = message
        return errors
