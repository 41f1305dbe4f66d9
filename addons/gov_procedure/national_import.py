# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Import of the national catalogue of administrative procedures with a
diff shown before it is applied (R-CAT-6; QĐ 04/2019, Điều 17.3: where the
province's catalogue differs from the national database, the national one
wins).

The provincial office administrator attaches the file exported from the
national database (the format is in doc/national_import.md) and presses
Compare: the file is read and checked as a whole (a malformed file is
refused with the record and the field at fault, and nothing is written),
then each national procedure is compared with the current version of the
procedure of the same code:

- a code unknown here is *new*;
- a code known here whose national data differs is *changed*, with each
  differing field, old → new;
- a code marked abolished ("Bãi bỏ") in the file and still in force here is
  *abolished*;
- the procedures equal to the national data are counted, not listed.

A code known here but absent from the file is left alone: a file may hold
one field or one decision only.

The administrator unticks the lines he refuses and presses Apply, which in
one transaction creates a new version of each changed procedure with the
national values (published when it satisfies the publishing rules, else
left as a draft), creates each new procedure as a draft (the national data
does not name the province's implementing agencies, steps or eForm), and
cancels each abolished procedure, with a draft cancellation request for its
online service (Điều 8.3.b, R-CAT-8). Who compared and who applied, and
when, are kept on the import; the result of each line on the line.

The file is read and checked by national_format.py and compared with the
catalogue by national_diff.py; this file holds the import and its lines."""
import datetime as dt
import json
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import PublishError
from .national_diff import component_key, diff_records, fee_key, match_lines
from .national_format import NationalFile, NationalImportError

__all__ = ['NationalImport', 'NationalImportLine', 'NationalImportError']


class NationalImport(Workflow, ModelSQL, ModelView):
    "An import of the national catalogue of administrative procedures."
    __name__ = 'gov.procedure.national_import'
    __string__ = "National Catalogue Import"

    file = fields.Binary(
        "National File", filename='file_name', required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The procedures exported from the national database of "
        "administrative procedures (JSON, or an XLSX workbook with the same "
        "keys).")
    file_name = fields.Char(
        "File Name", states={'readonly': Eval('state') != 'draft'})
    note = fields.Text("Note",
        states={'readonly': Eval('state').in_(['applied', 'cancelled'])},
        help="Where the file comes from, which decision it follows…")
    lines = fields.One2Many(
        'gov.procedure.national_import.line', 'national_import',
        "Differences", readonly=True)
    new_count = fields.Integer("New", readonly=True)
    changed_count = fields.Integer("Changed", readonly=True)
    abolished_count = fields.Integer("Abolished", readonly=True)
    unchanged_count = fields.Integer(
        "Unchanged", readonly=True,
        help="National procedures equal to the catalogue: not listed.")
    compared_by = fields.Many2One('res.user', "Compared By", readonly=True)
    compared_date = fields.DateTime("Compared At", readonly=True)
    applied_by = fields.Many2One('res.user', "Applied By", readonly=True)
    applied_date = fields.DateTime("Applied At", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('compared', "Compared"),
            ('applied', "Applied"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low'))))
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'compared'),
            ('compared', 'compared'),
            ('compared', 'applied'),
            ('draft', 'cancelled'),
            ('compared', 'cancelled'),
            ('compared', 'draft'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'compare': {
                    'invisible': ~Eval('state').in_(['draft', 'compared']),
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'apply': {
                    'invisible': Eval('state') != 'compared',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'compared']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['compared', 'cancelled']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return self.file_name or str(self.id)

    @classmethod
    def check_modification(cls, mode, imports, values=None, external=False):
        super().check_modification(
            mode, imports, values=values, external=external)
        if mode == 'delete':
            for import_ in imports:
                if import_.state == 'applied':
                    raise NationalImportError(gettext(
                            'gov_procedure.msg_national_import_delete',
                            import_=import_.rec_name))

    # Workflow ---------------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('compared')
    def compare(cls, imports):
        """Read each file, check it as a whole and list its differences
        with the catalogue (the lines), replacing those of a previous
        comparison."""
        Line = Pool().get('gov.procedure.national_import.line')
        for import_ in imports:
            records = import_.parse()
            lines, unchanged = import_.diff(records)
            Line.delete(list(import_.lines))
            Line.create([dict(l, national_import=import_.id) for l in lines])
            kinds = [l['kind'] for l in lines]
            cls.write([import_], {
                    'new_count': kinds.count('new'),
                    'changed_count': kinds.count('changed'),
                    'abolished_count': kinds.count('abolished'),
                    'unchanged_count': unchanged,
                    'compared_by': Transaction().user,
                    'compared_date': dt.datetime.now(),
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('applied')
    def apply(cls, imports):
        """Apply the accepted lines (national data wins, Điều 17.3): all or
        nothing, as one transaction."""
        Line = Pool().get('gov.procedure.national_import.line')
        for import_ in imports:
            lines = sorted(import_.lines, key=lambda l: l.sequence or 0)
            for line in lines:
                line.check_current()
            for line in lines:
                line.apply_line()
            Line.save(lines)
        cls.write(imports, {
                'applied_by': Transaction().user,
                'applied_date': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, imports):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, imports):
        Line = Pool().get('gov.procedure.national_import.line')
        Line.delete([l for i in imports for l in i.lines])
        cls.write(imports, {
                'new_count': None, 'changed_count': None,
                'abolished_count': None, 'unchanged_count': None,
                'compared_by': None, 'compared_date': None,
                })

    # Reading and comparing --------------------------------------------------

    def parse(self):
        """The national records of the file, checked and converted
        (national_format.py). Raise NationalImportError naming the record
        and the key at fault."""
        return NationalFile(self.file, self.file_name).parse()

    def diff(self, records):
        """([line values], number of unchanged) of the parsed records
        (national_diff.py)."""
        return diff_records(records)


class NationalImportLine(ModelSQL, ModelView):
    "A difference between the national catalogue and the province's."
    __name__ = 'gov.procedure.national_import.line'
    __string__ = "National Catalogue Difference"

    national_import = fields.Many2One(
        'gov.procedure.national_import', "Import", required=True,
        ondelete='CASCADE', readonly=True)
    import_state = fields.Function(
        fields.Selection('get_import_states', "Import State"),
        'on_change_with_import_state')
    sequence = fields.Integer("Sequence", readonly=True)
    kind = fields.Selection([
            ('new', "New"),
            ('changed', "Changed"),
            ('abolished', "Abolished"),
            ], "Kind", readonly=True, required=True, sort=False)
    kind_string = kind.translated('kind')
    code = fields.Char("National Code", readonly=True, required=True)
    name = fields.Char("Name", readonly=True)
    procedure = fields.Many2One(
        'gov.procedure', "Procedure", readonly=True, ondelete='SET NULL',
        help="The procedure of the catalogue the national data changes.")
    diff = fields.Text(
        "Differences", readonly=True,
        help="One field a line: the catalogue's value → the national one.")
    effective_date = fields.Date("Effective Date", readonly=True)
    decision = fields.Char("Announcing Decision", readonly=True)
    national_data = fields.Text("National Data", readonly=True)
    accepted = fields.Boolean(
        "Accepted",
        states={'readonly': Eval('import_state') != 'compared'},
        depends=['import_state'],
        help="Untick to refuse this difference: Apply leaves it out.")
    result = fields.Text("Result", readonly=True)
    result_procedure = fields.Many2One(
        'gov.procedure', "Resulting Procedure", readonly=True,
        ondelete='SET NULL',
        help="The new version, or the new procedure, the line created.")
    cancellation_request = fields.Many2One(
        'gov.procedure.integration_request', "Cancellation Request",
        readonly=True, ondelete='SET NULL',
        states={'invisible': ~Bool(Eval('cancellation_request'))})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('national_import')
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.national_import, Index.Equality())))
        cls._order = [('national_import', 'DESC'), ('sequence', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def default_accepted(cls):
        return True

    @classmethod
    def get_import_states(cls):
        Import = Pool().get('gov.procedure.national_import')
        return Import.fields_get(['state'])['state']['selection']

    @fields.depends('national_import', '_parent_national_import.state')
    def on_change_with_import_state(self, name=None):
        if self.national_import:
            return self.national_import.state

    def get_rec_name(self, name):
        return f'{self.code} {self.name or ""}'.strip()

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external and (mode != 'write' or set(values) - {'accepted'}
                or any(l.national_import.state != 'compared'
                    for l in lines)):
            raise NationalImportError(gettext(
                    'gov_procedure.msg_national_import_line_readonly'))

    # Applying ---------------------------------------------------------------

    def check_current(self):
        """Raise when the procedure of the line is no longer the current
        one of its code (changed since the comparison)."""
        Procedure = Pool().get('gov.procedure')
        if not self.accepted:
            return
        current = Procedure.search([('code', '=', self.code)], limit=1)
        expected = [self.procedure] if self.procedure else []
        if current != expected:
            raise NationalImportError(gettext(
                    'gov_procedure.msg_national_import_stale',
                    code=self.code, name=self.name or ''))

    @property
    def values(self):
        "The national values of gov.procedure kept by the comparison."
        values = json.loads(self.national_data or '{}')
        if values.get('processing_days') is not None:
            values['processing_days'] = Decimal(values['processing_days'])
        return values

    def apply_line(self):
        "Apply the line (accepted or not: a refused one says so)."
        if not self.accepted:
            self.result = gettext('gov_procedure.msg_national_import_refused')
            return
        getattr(self, f'_apply_{self.kind}')()

    def _apply_new(self):
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        values = self.values
        create = {'code': self.code, 'source': self._source()}
        create.update(_write_values(values, None))
        with _catalogue_language():
            procedure, = Procedure.create([create])
        self.result_procedure = procedure
        self.result = gettext('gov_procedure.msg_national_import_result_new')

    def _apply_changed(self):
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        current = self.procedure
        version = {}
        if 'effective_date' in Procedure._fields:
            # Empty: in effect as soon as published.
            version['effective_date'] = self.effective_date
        if 'change_basis' in Procedure._fields:
            version['change_basis'] = self._source()
        if current.state == 'draft':
            # Not published yet: the draft itself takes the national data.
            new = current
        else:
            new, = Procedure.new_version([current], version)
        with _catalogue_language():
            Procedure.write([new], _write_values(self.values, new))
        self.result_procedure = new
        try:
            new.check_publishable()
        except PublishError as exception:
            self.result = gettext(
                'gov_procedure.msg_national_import_result_draft',
                reason=exception.message)
            return
        Procedure.publish([new])
        if getattr(new, 'active', True) is False and new.effective_date:
            # Published ahead of its effective date (version.py).
            self.result = gettext(
                'gov_procedure.msg_national_import_result_scheduled',
                date=new.effective_date.strftime('%d/%m/%Y'))
        else:
            self.result = gettext(
                'gov_procedure.msg_national_import_result_published')

    def _apply_abolished(self):
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        procedure = self.procedure
        Procedure.cancel([procedure])
        request = self._cancellation_request(procedure)
        if request:
            self.cancellation_request = request
            self.result = gettext(
                'gov_procedure.msg_national_import_result_abolished_request',
                request=request.rec_name)
        else:
            self.result = gettext(
                'gov_procedure.msg_national_import_result_abolished')

    def _cancellation_request(self, procedure):
        """A draft request to cancel the online service of the procedure
        (Điều 8.3.b), filed by the agency that integrated it, else its
        first implementing agency; None when it has no online service."""
        pool = Pool()
        Request = pool.get('gov.procedure.integration_request')
        level = procedure.service_level
        if not level or not level.online_submission:
            return None
        integrated = Request.search([
                ('procedure', '=', procedure.id),
                ('kind', 'in', ['integrate', 'update']),
                ], order=[('id', 'DESC')], limit=1)
        if integrated:
            agency = integrated[0].agency
        elif procedure.agencies:
            agency = procedure.agencies[0]
        else:
            return None
        request, = Request.create([{
                    'kind': 'cancel',
                    'agency': agency.id,
                    'procedure': procedure.id,
                    'service_name': procedure.name,
                    'service_level': level.id,
                    'requester_name': (Request.default_requester_name()
                        or procedure.rec_name),
                    'abolished_date': self.effective_date or dt.date.today(),
                    'description': self._source(),
                    }])
        return request

    def _source(self):
        return gettext('gov_procedure.msg_national_import_source',
            file=self.national_import.file_name or '',
            decision=self.decision or '—').strip()


def _catalogue_language():
    """The context to write the national texts in: the database's
    language (the one the national data is written in), whatever the
    administrator's."""
    Config = Pool().get('ir.configuration')
    return Transaction().set_context(language=Config.get_language())


def _write_values(values, procedure):
    """The values to write on a draft procedure (None: to create one) so
    that it holds the national data; the lines absent nationally are
    removed, those matched keep what the national data does not give (a
    component's template, a fee's payment time…)."""
    result = {}
    for name in ['name', 'field', 'processing_days', 'result_description',
            'conditions', 'legal_basis']:
        if name in values:
            result[name] = values[name]
    if 'levels' in values:
        old = {k.id for k in procedure.levels} if procedure else set()
        new = set(values['levels'])
        actions = []
        if old - new:
            actions.append(('remove', sorted(old - new)))
        if new - old:
            actions.append(('add', sorted(new - old)))
        if actions:
            result['levels'] = actions
    for name, key, model_filter in [
            ('components', component_key, lambda l: True),
            ('fees', fee_key, lambda l: l.kind != 'postal')]:
        if name not in values:
            continue
        old_lines = [l for l in getattr(procedure, name) if model_filter(l)] \
            if procedure else []
        actions, create, delete = [], [], []
        for sequence, (old, new) in enumerate(
                match_lines(old_lines, values[name], key), 1):
            if new is None:
                delete.append(old.id)
                continue
            line = {k: v for k, v in new.items() if v is not None}
            line['sequence'] = sequence * 10
            if old is None:
                create.append(line)
            else:
                actions.append(('write', [old.id], line))
        # The local lines the national data does not list (postal
        # charges) follow the national ones.
        kept = [l for l in getattr(procedure, name) if not model_filter(l)] \
            if procedure else []
        for sequence, line in enumerate(kept, len(values[name]) + 1):
            actions.append(('write', [line.id], {'sequence': sequence * 10}))
        if delete:
            actions.append(('delete', delete))
        if create:
            actions.append(('create', create))
        if actions:
            result[name] = actions
    return result
