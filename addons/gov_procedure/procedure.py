# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Administrative procedures (thủ tục hành chính) and their parts.

A procedure is configured without code (R-CAT-1): its dossier components,
fee schedule (R-FEE-1), eForm (R-CAT-4) and internal processing steps are
lines edited in the procedure's form. The lifecycle is draft → published →
suspended / cancelled; only a draft procedure is edited, so what citizens see
on the portal is always a procedure that passed the publishing rules."""
import calendar
import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import (
    DictSchemaMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .catalogue import normalize, unaccent
from .exceptions import (
    CatalogueValidationError, FormDataError, ProcedureStateError,
    PublishError)

# The eForm field types offered to administrators (R-CAT-4). "Long text" is
# a char field with long_text set: Tryton's clients have no dict text type.
FORM_TYPES = ['char', 'integer', 'numeric', 'date', 'selection', 'boolean']
FORM_NAME = re.compile(r'^[a-z][a-z0-9_]*$')
FILE_TYPE = re.compile(r'^[a-z0-9]+$')
# dd/mm/yyyy, yyyy-mm-dd (ISO, what a date picker sends) and dd-mm-yyyy.
DATE_FORMATS = [
    re.compile(r'^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$'),
    re.compile(r'^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$'),
    re.compile(r'^(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})$'),
    ]
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


class Procedure(Workflow, ModelSQL, ModelView):
    "An administrative procedure of the public-service catalogue."
    __name__ = 'gov.procedure'
    __string__ = "Procedure"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    code = fields.Char(
        "National Code", required=True, strip=True, states=_states,
        help="The procedure's code in the national database of "
        "administrative procedures, e.g. 1.001193.")
    name = fields.Char(
        "Name", required=True, translate=True, states=_states,
        help="The standardised name of the procedure (Điều 7.2.c).")
    field = fields.Many2One(
        'gov.field', "Field", required=True, ondelete='RESTRICT',
        states=_states)
    sector = fields.Function(
        fields.Many2One('gov.sector', "Sector"),
        'on_change_with_sector', searcher='search_sector')
    levels = fields.Many2Many(
        'gov.procedure-gov.agency.kind', 'procedure', 'kind',
        "Administrative Levels", states=_states,
        help="The kinds of agency (province, district, commune…) that "
        "carry out the procedure.")
    agencies = fields.Many2Many(
        'gov.procedure-gov.agency', 'procedure', 'agency',
        "Implementing Agencies", states=_states)
    service_level = fields.Many2One(
        'gov.service.level', "Service Level", ondelete='RESTRICT',
        states=_states)
    processing_days = fields.Numeric(
        "Processing Time (Working Days)", digits=(16, 2), states=_states,
        help="Counted in working days from the receipt of a complete "
        "dossier; fractions are allowed, 0 means the same day.")
    processing_time_note = fields.Char(
        "Processing Time as Published", translate=True, states=_states)
    result_type = fields.Selection([
            ('paper', "Paper"),
            ('electronic', "Signed Electronic Document"),
            ('both', "Paper and Signed Electronic Document"),
            ], "Result Type", required=True, sort=False, states=_states)
    result_description = fields.Char(
        "Result", translate=True, states=_states,
        help="What the citizen receives, e.g. the birth certificate.")
    postal_receipt = fields.Boolean(
        "Postal Receipt Allowed", states=_states,
        help="The dossier may be submitted through the public postal "
        "service.")
    postal_return = fields.Boolean(
        "Postal Return Allowed", states=_states,
        help="The result may be returned by the public postal service.")
    conditions = fields.Text(
        "Requirements and Conditions", translate=True, states=_states)
    legal_basis = fields.Text("Legal Basis", translate=True, states=_states)
    legal_links = fields.Text(
        "Legal Links", states=_states, help="One URL per line.")
    guide = fields.Text("Usage Guide", translate=True, states=_states)
    implementing_note = fields.Text(
        "Implementation Note", translate=True, states=_states)
    source = fields.Text(
        "Source of the Data", states=_states,
        help="Where the published facts come from; assumptions are marked.")
    components = fields.One2Many(
        'gov.procedure.component', 'procedure', "Dossier Components",
        states=_states)
    fees = fields.One2Many(
        'gov.procedure.fee', 'procedure', "Fees and Charges", states=_states)
    form_fields = fields.One2Many(
        'gov.procedure.form_field', 'procedure', "eForm Fields",
        states=_states)
    steps = fields.One2Many(
        'gov.procedure.step', 'procedure', "Processing Steps", states=_states)
    fee_total = fields.Function(
        fields.Numeric("Standard Fees (đồng)", digits=(16, 0)),
        'get_fee_total')
    steps_duration = fields.Function(
        fields.Numeric("Duration of the Steps", digits=(16, 2)),
        'on_change_with_steps_duration')
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('suspended', "Suspended"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    published_by = fields.Many2One('res.user', "Published By", readonly=True)
    published_date = fields.DateTime("Published At", readonly=True)
    search_text = fields.Char(
        "Search Text", readonly=True,
        help="Code and names without diacritics, for searching.")

    # Fields that may change on a procedure which is not a draft.
    _not_draft_writable = {
        'state', 'published_by', 'published_date', 'search_text'}

    @classmethod
    def __setup__(cls):
        cls.code.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_procedure.msg_procedure_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.search_text, Index.Similarity())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.field, Index.Equality())),
                })
        cls._order = [('code', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('suspended', 'published'),
            ('published', 'suspended'),
            ('draft', 'cancelled'),
            ('published', 'cancelled'),
            ('suspended', 'cancelled'),
            ('published', 'draft'),
            ('suspended', 'draft'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': ~Eval('state').in_(['draft', 'suspended']),
                    'icon': 'tryton-public',
                    'depends': ['state'],
                    },
                'suspend': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-notification-off',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') == 'draft',
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def view_attributes(cls):
        # A procedure that is not a draft says before any edit why its
        # fields are read only and how to change it.
        return super().view_attributes() + [
            ('//group[@id="not_draft"]', 'states', {
                    'invisible': Eval('state') == 'draft',
                    }),
            ]

    @classmethod
    def default_result_type(cls):
        return 'paper'

    @classmethod
    def default_postal_receipt(cls):
        return False

    @classmethod
    def default_postal_return(cls):
        return False

    @fields.depends('field', '_parent_field.sector')
    def on_change_with_sector(self, name=None):
        return self.field.sector if self.field else None

    @classmethod
    def search_sector(cls, name, clause):
        nested = clause[0][len(name):]
        return [('field.sector' + nested, *clause[1:])]

    @fields.depends('steps')
    def on_change_with_steps_duration(self, name=None):
        return sum(
            (s.duration or Decimal(0) for s in self.steps or []), Decimal(0))

    def get_fee_total(self, name):
        return self.total_fee()

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        domain = [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]
        if operator in {'like', 'ilike', 'not like', 'not ilike'} \
                and isinstance(operand, str):
            # Typed without diacritics (or with): compare unaccented forms.
            pattern = '%'.join(normalize(p) for p in operand.split('%'))
            if pattern.strip('%'):
                domain.append(
                    ('search_text', operator.replace('ilike', 'like'),
                        pattern))
        return domain

    # Diacritic-insensitive search (R-CAT-2) ---------------------------------

    normalize_text = staticmethod(normalize)

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or {'code', 'name'} & field_names:
            search_text = self._get_search_text()
            if search_text != self.search_text:
                values['search_text'] = search_text
        return values

    def _get_search_text(self):
        "The code and the name in every language, without diacritics."
        pool = Pool()
        Config = pool.get('ir.configuration')
        Lang = pool.get('ir.lang')
        languages = [Transaction().language, Config.get_language()]
        languages += Lang.get_translatable_languages()
        texts = [normalize(self.code)]
        for language in dict.fromkeys(languages):
            with Transaction().set_context(language=language):
                text = normalize(self.__class__(self.id).name)
            if text not in texts:
                texts.append(text)
        return ' | '.join(texts)

    @classmethod
    def search_catalogue(cls, text, domain=None, limit=None,
            published=True):
        """Procedures whose code or name has a word starting with each
        word of text, ignoring case and diacritics ("khai sinh" finds "Đăng
        ký khai sinh"), best match first: the exact code, then the names
        where the words come together, earliest and shortest first."""
        words = normalize(text).split()
        query = list(domain or [])
        if published:
            query.append(('state', '=', 'published'))
        for word in words:
            query.append(['OR',
                    ('search_text', 'like', f'{word}%'),
                    ('search_text', 'like', f'% {word}%'),
                    ])
        procedures = cls.search(query)
        phrase = ' '.join(words)

        def key(procedure):
            name = normalize(procedure.name)
            position = name.find(phrase)
            return (
                normalize(procedure.code) != phrase,
                name != phrase,
                position < 0,
                position if position >= 0 else 0,
                len(name),
                name)
        procedures.sort(key=key)
        if limit is not None:
            procedures = procedures[:limit]
        return procedures

    # Fees (R-FEE-1) ---------------------------------------------------------

    def fee_lines(self, data=None, payment_time=None):
        """[(fee, quantity, amount)] of the fee lines, restricted to a
        payment time ('before' or 'on_collection') when given, for the
        eForm data (a dict) of a dossier.

        A line with a quantity field is due once per unit asked for in that
        field of the data (8.000 đ × 2 copies); while the field is empty,
        once, or not at all when the line is conditional. The other lines
        are due once, except the lines marked "conditional", which apply
        only in the case their condition describes: their amount is None
        (not in the total)."""
        data = data or {}
        lines = []
        for fee in self.fees:
            if payment_time not in {None, fee.payment_time}:
                continue
            price = fee.amount or Decimal(0)
            if fee.quantity_field:
                quantity = data.get(fee.quantity_field)
                if (isinstance(quantity, bool)
                        or not isinstance(quantity, int) or quantity < 0):
                    quantity = 0 if fee.conditional else 1
                lines.append((fee, quantity, price * quantity))
            elif fee.conditional:
                lines.append((fee, None, None))
            else:
                lines.append((fee, 1, price))
        return lines

    def total_fee(self, payment_time=None, data=None):
        """The sum in đồng of fee_lines(data, payment_time): the lines that
        always apply and the quantities asked for in the eForm data."""
        return sum((amount for _, _, amount in self.fee_lines(
                        data, payment_time) if amount is not None),
            Decimal(0))

    # eForm data (R-CAT-4) ---------------------------------------------------

    def form_errors(self, data):
        """Map each invalid or missing required value of data to a message
        for the user; empty when data is valid. Keys that are not (or no
        longer) fields of the form are ignored, so data saved before a
        field was removed stays valid."""
        data = data or {}
        errors = {}
        for form_field in self.form_fields:
            message = form_field.value_error(data.get(form_field.name))
            if message:
                errors[form_field.name] = message
        return errors

    def check_form_data(self, data):
        "Raise FormDataError with the first error of form_errors(data)."
        errors = self.form_errors(data)
        if errors:
            raise FormDataError(next(iter(errors.values())), errors=errors)

    def format_form_data(self, data):
        """The (label, text) pairs to show data to a person: the current
        form's fields in order, then the keys the form no longer has (under
        their technical name, sorted), so that old data stays readable.

        Use it rather than fields.Dict.translated(): the keys of different
        procedures' forms share names."""
        data = data or {}
        lines = []
        for form_field in self.form_fields:
            if form_field.name in data:
                lines.append((form_field.string,
                        form_field.format(data[form_field.name])))
        names = {f.name for f in self.form_fields}
        for name, value in sorted(data.items()):
            if name not in names:
                lines.append((name, '' if value is None else str(value)))
        return lines

    def parse_form_data(self, raw):
        """Convert the texts submitted by an HTML form into typed values.

        Return (data, errors): data holds the typed values of the form's
        fields (a value that cannot be converted is kept as typed, so the
        form can show it again) and errors is as form_errors. A boolean
        missing from raw is False, as an unticked checkbox is not sent."""
        raw = raw or {}
        data, errors = {}, {}
        for form_field in self.form_fields:
            value, message = form_field.parse_value(raw.get(form_field.name))
            if value is not None:
                data[form_field.name] = value
            if message:
                errors[form_field.name] = message
        for name, message in self.form_errors(data).items():
            errors.setdefault(name, message)
        return data, errors

    # Publishing (R-CAT-1, R-CAT-2) ------------------------------------------

    def check_publishable(self):
        "Raise PublishError naming what prevents publishing and the fix."
        names = {'procedure': self.rec_name}
        if not self.components:
            raise PublishError(gettext(
                    'gov_procedure.msg_procedure_no_component', **names))
        if not self.steps:
            raise PublishError(gettext(
                    'gov_procedure.msg_procedure_no_step', **names))
        if self.processing_days is None:
            raise PublishError(gettext(
                    'gov_procedure.msg_procedure_no_processing_days',
                    **names))
        duration = sum(
            (s.duration or Decimal(0) for s in self.steps), Decimal(0))
        if duration > self.processing_days:
            raise PublishError(gettext(
                    'gov_procedure.msg_procedure_steps_too_long',
                    steps=format_number(duration),
                    days=format_number(self.processing_days), **names))
        self.check_eform_links()

    def check_eform_links(self):
        """Raise PublishError when a component is replaced by an eForm the
        procedure does not have, or a fee line counts a quantity that is
        not a whole-number field of the eForm."""
        names = {'procedure': self.rec_name}
        for component in self.components:
            if component.replaced_by_eform and not self.form_fields:
                raise PublishError(gettext(
                        'gov_procedure.msg_component_replaced_no_eform',
                        component=component.rec_name, **names))
        integers = {f.name for f in self.form_fields if f.type_ == 'integer'}
        for fee in self.fees:
            if fee.quantity_field and fee.quantity_field not in integers:
                raise PublishError(gettext(
                        'gov_procedure.msg_fee_quantity_field_invalid',
                        fee=fee.rec_name, field=fee.quantity_field, **names))

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, procedures):
        for procedure in procedures:
            procedure.check_publishable()
        cls.write(procedures, {
                'published_by': Transaction().user,
                'published_date': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('suspended')
    def suspend(cls, procedures):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, procedures):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, procedures):
        pass

    # Integrity --------------------------------------------------------------

    @classmethod
    def validate_fields(cls, procedures, field_names):
        super().validate_fields(procedures, field_names)
        if field_names and 'processing_days' not in field_names:
            return
        for procedure in procedures:
            if (procedure.processing_days is not None
                    and procedure.processing_days < 0):
                raise CatalogueValidationError(gettext(
                        'gov_procedure.msg_negative_value',
                        field=cls.processing_days.string,
                        record=procedure.rec_name))

    @classmethod
    def check_modification(cls, mode, procedures, values=None,
            external=False):
        super().check_modification(
            mode, procedures, values=values, external=external)
        if mode == 'write' and set(values) - cls._not_draft_writable:
            for procedure in procedures:
                if procedure.state != 'draft':
                    raise ProcedureStateError(gettext(
                            'gov_procedure.msg_procedure_not_draft',
                            procedure=procedure.rec_name,
                            state=procedure.state_string))
        elif mode == 'delete':
            for procedure in procedures:
                if procedure.state not in {'draft', 'cancelled'}:
                    raise ProcedureStateError(gettext(
                            'gov_procedure.msg_procedure_delete',
                            procedure=procedure.rec_name,
                            state=procedure.state_string))

    @classmethod
    def copy(cls, procedures, default=None):
        default = default.copy() if default else {}
        default.setdefault('published_by', None)
        default.setdefault('published_date', None)
        default.setdefault('search_text', None)
        taken = set()

        def copy_code(data):
            number = 1
            while True:
                code = f"{data['code']}-{number}"
                if code not in taken and not cls.search(
                        [('code', '=', code)], limit=1):
                    taken.add(code)
                    return code
                number += 1
        default.setdefault('code', copy_code)
        return super().copy(procedures, default=default)


class Procedure_AgencyKind(ModelSQL):
    "Administrative level (kind of agency) of a procedure."
    __name__ = 'gov.procedure-gov.agency.kind'
    __string__ = "Procedure - Agency Kind"

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    kind = fields.Many2One(
        'gov.agency.kind', "Agency Kind", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('procedure')
        t = cls.__table__()
        cls._sql_constraints += [
            ('procedure_kind_uniq', Unique(t, t.procedure, t.kind),
                'gov_procedure.msg_procedure_level_unique'),
            ]


class Procedure_Agency(ModelSQL):
    "Implementing agency of a procedure."
    __name__ = 'gov.procedure-gov.agency'
    __string__ = "Procedure - Agency"

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('procedure')
        t = cls.__table__()
        cls._sql_constraints += [
            ('procedure_agency_uniq', Unique(t, t.procedure, t.agency),
                'gov_procedure.msg_procedure_agency_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.agency, Index.Equality())))


class ProcedureLineMixin:
    """A line of a procedure: it takes the procedure's access and is only
    changed while the procedure is a draft (deleted also when cancelled).
    Its fields are read only in the forms of a procedure that is not a
    draft, so that nothing looks editable that saving would refuse."""
    __slots__ = ()

    procedure_state = fields.Function(fields.Selection(
            'get_procedure_states', "Procedure State"),
        'on_change_with_procedure_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('procedure')
        locked = Eval('procedure_state').in_(
            ['published', 'suspended', 'cancelled'])
        for name in dir(cls):
            field = getattr(cls, name)
            if (name.startswith('_') or not isinstance(field, fields.Field)
                    or name in {'procedure', 'procedure_state'}
                    or field.readonly):
                continue
            states = dict(field.states or {})
            readonly = states.get('readonly', False)
            if readonly is True:
                continue
            states['readonly'] = (readonly | locked) if readonly else locked
            field.states = states

    @classmethod
    def get_procedure_states(cls):
        Procedure = Pool().get('gov.procedure')
        return Procedure.fields_get(['state'])['state']['selection']

    @fields.depends('procedure', '_parent_procedure.state')
    def on_change_with_procedure_state(self, name=None):
        if self.procedure:
            return self.procedure.state

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        super().check_modification(
            mode, lines, values=values, external=external)
        allowed = {'draft', 'cancelled'} if mode == 'delete' else {'draft'}
        procedures = {line.procedure for line in lines}
        if mode == 'write' and values and values.get('procedure'):
            procedures.add(Procedure(values['procedure']))
        for procedure in procedures:
            if procedure.state not in allowed:
                raise ProcedureStateError(gettext(
                        'gov_procedure.msg_procedure_line_not_draft',
                        procedure=procedure.rec_name,
                        state=procedure.state_string,
                        model=cls.__names__()['model']))

    @classmethod
    def check_not_negative(cls, records, field_names, names):
        "Raise when one of the fields names of records is negative."
        for name in names:
            if field_names and name not in field_names:
                continue
            for record in records:
                value = getattr(record, name)
                if value is not None and value < 0:
                    raise CatalogueValidationError(gettext(
                            'gov_procedure.msg_negative_value',
                            field=getattr(cls, name).string,
                            record=record.rec_name))


class Component(ProcedureLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "A document of the dossier (thành phần hồ sơ)."
    __name__ = 'gov.procedure.component'
    __string__ = "Dossier Component"

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    originals = fields.Integer(
        "Originals", required=True, help="Number of originals (bản chính).")
    copies = fields.Integer(
        "Copies", required=True, help="Number of copies (bản sao).")
    mandatory = fields.Boolean(
        "Mandatory", help="Untick for documents needed only in some cases; "
        "the note says which.")
    replaced_by_eform = fields.Boolean(
        "Replaced by the eForm",
        help="The document is the declaration the eForm asks for: a dossier "
        "submitted online does not need its file (at the desk or by post "
        "the paper is still asked for).")
    file_types = fields.Char(
        "Accepted File Types",
        help="File name extensions, separated by commas, e.g. pdf,jpg,png.")
    template = fields.Binary(
        "Template Form", filename='template_name', file_id='template_id',
        help="The blank form the citizen downloads and fills in.")
    template_name = fields.Char("Template File Name")
    template_id = fields.Char("Template File ID", readonly=True)
    note = fields.Text(
        "Note for the Citizen", translate=True,
        help="When the document is needed, where to get it…")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality())))

    @classmethod
    def default_originals(cls):
        return 1

    @classmethod
    def default_copies(cls):
        return 0

    @classmethod
    def default_mandatory(cls):
        return True

    @classmethod
    def default_replaced_by_eform(cls):
        return False

    @classmethod
    def default_file_types(cls):
        return 'pdf,jpg,jpeg,png'

    def required_for(self, channel):
        """Whether a file of the component must be in a dossier of the
        channel: a mandatory one, except online when the eForm replaces it
        (R-SUB-4, R-CAT-4)."""
        return bool(self.mandatory) and not (
            channel == 'online' and self.replaced_by_eform)

    @fields.depends('file_types')
    def on_change_file_types(self):
        if self.file_types:
            self.file_types = ','.join(self.extensions())

    def extensions(self):
        "The accepted extensions, lower-case and without dots."
        return [t.strip().lstrip('.').lower()
            for t in (self.file_types or '').split(',') if t.strip()]

    def accepts_file(self, filename):
        "Whether a file of this name may be uploaded for this component."
        extensions = self.extensions()
        if not extensions:
            return True
        _, dot, extension = (filename or '').rpartition('.')
        return bool(dot) and extension.lower() in extensions

    @classmethod
    def validate_fields(cls, components, field_names):
        super().validate_fields(components, field_names)
        cls.check_not_negative(
            components, field_names, ['originals', 'copies'])
        if field_names and 'file_types' not in field_names:
            return
        for component in components:
            for extension in component.extensions():
                if not FILE_TYPE.match(extension):
                    raise CatalogueValidationError(gettext(
                            'gov_procedure.msg_component_file_types',
                            file_types=component.file_types,
                            component=component.rec_name))


class Fee(ProcedureLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "A line of the fee schedule of a procedure (R-FEE-1)."
    __name__ = 'gov.procedure.fee'
    __string__ = "Procedure Fee"
    _rec_name = 'condition'

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('fee', "Fee"),
            ('charge', "Charge"),
            ('postal', "Postal Charge"),
            ], "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    amount = fields.Numeric(
        "Amount (đồng)", digits=(16, 0), required=True)
    condition = fields.Char(
        "Condition", translate=True,
        help='When the amount applies, in words, e.g. "cấp mới", '
        '"cấp lại", "mỗi bản sao".')
    conditional = fields.Boolean(
        "Only in That Case",
        help="The amount is due only in the case the condition describes; "
        "it is left out of the standard total.")
    payment_time = fields.Selection([
            ('before', "Before Submission"),
            ('on_collection', "On Collection of the Result"),
            ], "Payment Time", required=True, sort=False)
    quantity_field = fields.Char(
        "Quantity from the eForm Field",
        help="The name of a whole-number field of the eForm (e.g. "
        "so_ban_sao): the amount is due once per unit the citizen asks for "
        "there. Empty: once.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality())))

    @classmethod
    def default_kind(cls):
        return 'charge'

    @classmethod
    def default_amount(cls):
        return Decimal(0)

    @classmethod
    def default_conditional(cls):
        return False

    @classmethod
    def default_payment_time(cls):
        return 'before'

    def get_rec_name(self, name):
        return ' — '.join(filter(None, [self.kind_string, self.condition]))

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('condition',) + tuple(clause[1:])]

    @classmethod
    def validate_fields(cls, fees, field_names):
        super().validate_fields(fees, field_names)
        cls.check_not_negative(fees, field_names, ['amount'])


class FormField(
        ProcedureLineMixin, DictSchemaMixin, sequence_ordered(), ModelSQL,
        ModelView):
    """A field of a procedure's eForm (R-CAT-4). The dossier keeps the
    values in a fields.Dict whose schema is this model, filtered by its
    procedure; form_errors checks them."""
    __name__ = 'gov.procedure.form_field'
    __string__ = "eForm Field"

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type_.selection = [
            (k, v) for k, v in cls.type_.selection if k in FORM_TYPES]
        t = cls.__table__()
        cls._sql_constraints += [
            ('procedure_name_uniq', Unique(t, t.procedure, t.name),
                'gov_procedure.msg_form_field_name_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality())))

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


class Step(ProcedureLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "A step of the internal electronic process (Điều 24.1)."
    __name__ = 'gov.procedure.step'
    __string__ = "Processing Step"

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('receive', "Receive"),
            ('check', "Check"),
            ('process', "Process"),
            ('approve', "Approve"),
            ('return', "Return the Result"),
            ], "Kind", required=True, sort=False)
    unit = fields.Many2One(
        'gov.agency', "Responsible Unit", ondelete='SET NULL',
        help="Leave empty when the unit is the one of the receiving agency "
        "that holds the role.")
    group = fields.Many2One(
        'res.group', "Role", ondelete='SET NULL',
        help="The role of the officers who carry out the step.")
    duration = fields.Numeric(
        "Duration (Working Days)", digits=(16, 2), required=True,
        help="Fractions are allowed, e.g. 0.5 for half a day.")
    note = fields.Text("Note", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality())))

    @classmethod
    def default_kind(cls):
        return 'process'

    @classmethod
    def default_duration(cls):
        return Decimal(0)

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        cls.check_not_negative(steps, field_names, ['duration'])
