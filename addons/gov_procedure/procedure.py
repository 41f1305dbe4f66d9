# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Administrative procedures (thủ tục hành chính), their lifecycle and
publishing rules.

A procedure is configured without code (R-CAT-1): its dossier components
(component.py), fee schedule (fee.py, R-FEE-1), eForm (eform.py, R-CAT-4)
and internal processing steps (step.py) are lines edited in the procedure's
form; its levels and agencies are link tables (link.py). The lifecycle is
draft → published → suspended / cancelled; only a draft procedure is
edited, so what citizens see on the portal is always a procedure that
passed the publishing rules."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .catalogue import CodeMixin, normalize
from .catalogue_cards import catalogue_cards, clear_catalogue_cards
from .eform import format_number
from .exceptions import (
    CatalogueValidationError, FormDataError, ProcedureStateError,
    PublishError)


class Procedure(CodeMixin, Workflow, ModelSQL, ModelView):
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
    # Eager: every page and list that shows a procedure shows its name.
    name = fields.Char(
        "Name", required=True, translate=True, states=_states,
        loading='eager',
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
    committed_days = fields.Numeric(
        "Committed Processing Time (Working Days)", digits=(16, 2),
        states=_states,
        help="A shorter time the province commits to than the legal one "
        "(Điều 13.1.c of the regulation): dossiers received are due by it. "
        "Empty: the legal processing time.")
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
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
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
        cards = catalogue_cards([p.id for p in procedures])

        def key(procedure):
            card = cards[procedure.id]
            name = card['search_name']
            position = name.find(phrase)
            return (
                card['search_code'] != phrase,
                name != phrase,
                position < 0,
                position if position >= 0 else 0,
                len(name),
                name)
        procedures.sort(key=key)
        if limit is not None:
            procedures = procedures[:limit]
        return procedures

    def catalogue_card(self):
        """What the catalogue's list shows of the procedure, and its
        ranking keys (kept by catalogue_cards until a record shown
        changes)."""
        agencies = [a.name for a in self.agencies]
        return {
            'id': self.id,
            'code': self.code,
            'name': self.name,
            'search_code': normalize(self.code),
            'search_name': normalize(self.name),
            'field': self.field.name if self.field else None,
            'levels': [k.name for k in self.levels],
            'processing_days': self.processing_days,
            'committed_days': self.committed_days,
            'processing_time_note': self.processing_time_note,
            'fee': self.total_fee(),
            'service_level': (
                self.service_level.name if self.service_level else None),
            'agencies': agencies,
            'online': bool(self.service_level
                and self.service_level.online_submission),
            }

    @classmethod
    def on_modification(cls, mode, procedures, field_names=None):
        super().on_modification(mode, procedures, field_names=field_names)
        clear_catalogue_cards()

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
        duration = self.on_change_with_steps_duration()
        if duration > self.dossier_days():
            raise PublishError(gettext(
                    'gov_procedure.msg_procedure_steps_too_long',
                    steps=format_number(duration),
                    days=format_number(self.dossier_days()), **names))
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

    def dossier_days(self):
        """The working days a dossier received now is given (R-PROC-8): the
        committed time when the province set one, else the legal time."""
        if self.committed_days is not None:
            return self.committed_days
        return self.processing_days

    # Integrity --------------------------------------------------------------

    @classmethod
    def validate_fields(cls, procedures, field_names):
        super().validate_fields(procedures, field_names)
        if field_names and not (
                {'processing_days', 'committed_days'} & set(field_names)):
            return
        for procedure in procedures:
            for field in [cls.processing_days, cls.committed_days]:
                value = getattr(procedure, field.name)
                if value is not None and value < 0:
                    raise CatalogueValidationError(gettext(
                            'gov_procedure.msg_negative_value',
                            field=field.string, record=procedure.rec_name))
            # Điều 13.1.c: a commitment shortens the time, never lengthens.
            if (procedure.committed_days is not None
                    and (procedure.processing_days is None
                        or procedure.committed_days
                        > procedure.processing_days)):
                raise CatalogueValidationError(gettext(
                        'gov_procedure.msg_committed_days_longer',
                        record=procedure.rec_name,
                        committed=format_number(procedure.committed_days),
                        days=format_number(procedure.processing_days)
                        if procedure.processing_days is not None else '—'))

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
