# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sectors (ngành), fields (lĩnh vực) and online service levels.

They classify procedures (R-CAT-1, R-CAT-2); all three are data that an
administrator edits without code."""
import re
import unicodedata

from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)

from .catalogue_cards import CardsClearedMixin

_TOKEN = re.compile(r'[a-z0-9]+(?:\.[a-z0-9]+)*')


def unaccent(text):
    """Lower-case text without Vietnamese diacritics ("Đăng ký" → "dang ky").

    "đ" has no Unicode decomposition, so it is mapped by hand."""
    text = (text or '').replace('đ', 'd').replace('Đ', 'D')
    text = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def normalize(text):
    """The searchable form of a text: unaccented words separated by one space.

    Dots inside a word are kept so that codes such as "1.001193" stay whole;
    any other punctuation separates words."""
    return ' '.join(_TOKEN.findall(unaccent(text)))


class CodeMixin:
    "Search the record by its name or its code."
    __slots__ = ()

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]


class Sector(CardsClearedMixin, CodeMixin, DeactivableMixin,
        sequence_ordered(), ModelSQL, ModelView):
    "A sector (ngành): the state management area a field belongs to."
    __name__ = 'gov.sector'
    __string__ = "Sector"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True)
    description = fields.Text("Description")
    # The trailing underscore keeps the `fields` module usable in the body.
    fields_ = fields.One2Many('gov.field', 'sector', "Fields")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_procedure.msg_sector_code_unique'),
            ]
        cls._order.append(('name', 'ASC'))


class Field(CardsClearedMixin, CodeMixin, DeactivableMixin,
        sequence_ordered(), ModelSQL, ModelView):
    "A field (lĩnh vực) of procedures, inside a sector."
    __name__ = 'gov.field'
    __string__ = "Field"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True)
    sector = fields.Many2One(
        'gov.sector', "Sector", required=True, ondelete='RESTRICT')
    procedures = fields.One2Many('gov.procedure', 'field', "Procedures")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_procedure.msg_field_code_unique'),
            ]
        cls._order.append(('name', 'ASC'))


class ServiceLevel(CardsClearedMixin, CodeMixin, DeactivableMixin,
        sequence_ordered(), ModelSQL, ModelView):
    """An online service level. Both schemes are data: the levels 2, 3 and 4
    of Decree 43/2011 (in force when QĐ 04/2019 was issued) and today's
    "toàn trình" / "một phần" of Decree 42/2022."""
    __name__ = 'gov.service.level'
    __string__ = "Service Level"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True, strip=True)
    scheme = fields.Selection([
            ('2019', "Levels 2–4 (Decree 43/2011)"),
            ('current', "Full or Partial Online (Decree 42/2022)"),
            ], "Scheme", required=True, sort=False)
    online_submission = fields.Boolean(
        "Online Submission", help="The citizen may submit the dossier online.")
    online_payment = fields.Boolean(
        "Online Payment", help="Fees and charges may be paid online.")
    online_result = fields.Boolean(
        "Online Result",
        help="The result may be returned online (signed electronic document).")
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_procedure.msg_service_level_code_unique'),
            ]

    @classmethod
    def default_scheme(cls):
        return 'current'
