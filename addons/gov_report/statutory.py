# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The statutory six-monthly and annual reports (R-REP-2).

A ``gov.report.statutory`` is the report of one agency (its subtree; one
row per field of procedures, lĩnh vực) or the province's consolidation
(one row per agency directly under the province), for a period whose
default comes from the reporting regime (period.py). The figures are
those of figures.compute — never defined here; the layout, its columns
and the form it follows are in statutory_layout.py.

While a report is a draft its figures are computed afresh at each export.
Closing it (button "Close") computes them one last time, stores them as
JSON (``snapshot``) with the XLSX and the PDF made from them, and who
closed it and when: a closed report is frozen — it never changes again,
whatever later happens to its dossiers — and its exports are the stored
files, byte for byte.

Who: the agency's leader for the agencies of his subtree (the record rule
on gov_agency's Eval('agencies'): his agencies and those under them), the provincial office
administrator for any agency and for the consolidation, the auditor
reading only; nobody else (statutory.xml). The export methods check the
same rights again (check_read) before computing as root."""
import json

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import LANGUAGE, format_datetime, to_local

from . import figures as figures_module
from .period import KINDS, default_period
from .statutory_layout import FORM, figure_names

# Written by export() and close() only.
SERVER_FIELDS = {'state', 'closed_by', 'closed_date', 'snapshot', 'xlsx',
    'xlsx_name', 'pdf', 'pdf_name'}
SCOPES = [
    ('agency', "Agency"),
    ('province', "Province (Consolidated)"),
    ]
STATES = [
    ('draft', "Draft"),
    ('closed', "Closed"),
    ]
_draft = {'readonly': Eval('state') != 'draft'}


class StatutoryReport(Workflow, ModelSQL, ModelView):
    "A six-monthly or annual report of an agency or of the province."
    __name__ = 'gov.report.statutory'
    __string__ = "Statutory Report"

    scope = fields.Selection(SCOPES, "Scope", required=True, sort=False,
        states=_draft,
        help="An agency's report (its subtree, by field of procedures) or "
        "the province's consolidation (by agency under the province).")
    agency = fields.Many2One('gov.agency', "Agency", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[If(Eval('scope') == 'province',
                ('parent', '=', None), ())],
        help="For the consolidation: the province (the agency at the top).")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_draft)
    year = fields.Integer("Year", required=True, states=_draft)
    start_date = fields.Date("From", required=True, states=_draft,
        domain=[('start_date', '<=', Eval('end_date', None))])
    end_date = fields.Date("To", required=True, states=_draft)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    closed_by = fields.Many2One('res.user', "Closed By", readonly=True,
        ondelete='RESTRICT')
    closed_date = fields.DateTime("Closed On", readonly=True)
    snapshot = fields.Text("Frozen Figures", readonly=True,
        help="The figures as they were when the report was closed (JSON).")
    xlsx = fields.Binary("Spreadsheet", filename='xlsx_name', readonly=True,
        states={'invisible': ~Bool(Eval('xlsx'))})
    xlsx_name = fields.Char("Spreadsheet Name", readonly=True)
    pdf = fields.Binary("PDF", filename='pdf_name', readonly=True,
        states={'invisible': ~Bool(Eval('pdf'))})
    pdf_name = fields.Char("PDF Name", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('end_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'closed')}
        cls._buttons.update({
                'export': {
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_scope(cls):
        return 'agency'

    @classmethod
    def default_kind(cls):
        return 'semester'

    @classmethod
    def default_year(cls):
        Dossier = Pool().get('gov.dossier')
        return Dossier._today().year

    @classmethod
    def default_start_date(cls):
        return default_period(cls.default_kind(), cls.default_year())[0]

    @classmethod
    def default_end_date(cls):
        return default_period(cls.default_kind(), cls.default_year())[1]

    @classmethod
    def period_of(cls, kind, year):
        "The default (start, end) of a report of kind and year."
        return default_period(kind, year)

    @fields.depends('kind', 'year')
    def on_change_kind(self):
        if self.kind and self.year:
            self.start_date, self.end_date = default_period(
                self.kind, self.year)

    @fields.depends(methods=['on_change_kind'])
    def on_change_year(self):
        self.on_change_kind()

    def get_rec_name(self, name):
        return '%s %s %s — %s' % (
            dict(KINDS)[self.kind], self.year,
            self.agency.rec_name if self.agency else '',
            dict(SCOPES)[self.scope])

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        for report in reports:
            if report.scope == 'province' and report.agency.parent:
                raise ValidationError(gettext(
                        'gov_report.msg_statutory_province_root',
                        agency=report.agency.rec_name))

    @classmethod
    def check_modification(cls, mode, reports, values=None, external=False):
        super().check_modification(
            mode, reports, values=values, external=external)
        # The client shows them read-only; the server keeps it so: only
        # export() and close() write them (without the access check).
        if external and (set(values or {}) & SERVER_FIELDS or (
                    mode == 'create' and any(
                        getattr(r, f, None) for r in reports
                        for f in SERVER_FIELDS - {'state'}))):
            raise AccessError(gettext('gov_report.msg_report_server_field'))
        if external and mode == 'create' and any(
                r.state != 'draft' for r in reports):
            raise AccessError(gettext('gov_report.msg_report_server_field'))
        if mode in {'write', 'delete'}:
            for report in reports:
                if report.state == 'closed':
                    # Frozen: not even the administrator changes it.
                    raise AccessError(gettext(
                            'gov_report.msg_statutory_closed',
                            report=report.rec_name))

    # ------------------------------------------------------- who may
    @classmethod
    def check_read(cls, reports):
        """With the access check on (RPC, the wizards): the model access
        and the record rules of reading these reports, as read() does."""
        transaction = Transaction()
        if not (transaction.user and transaction.check_access):
            return
        Pool().get('ir.model.access').check(cls.__name__, 'read')
        # read() applies the record rules and raises AccessError.
        cls.read([r.id for r in reports], ['id'])

    @classmethod
    def _check_rule(cls, reports, mode):
        "The record rules of mode on reports (the leader's subtree)."
        Rule = Pool().get('ir.rule')
        domain = Rule.domain_get(cls.__name__, mode=mode)
        ids = [r.id for r in reports]
        with without_check_access():
            allowed = cls.search([('id', 'in', ids), domain])
        if len(allowed) != len(set(ids)):
            raise AccessError(gettext(
                    'gov_report.msg_statutory_access'))

    # ------------------------------------------------------- figures
    def compute_values(self):
        """The plain values of the report (what the exports show and what
        closing stores): the figures now, computed as root after
        check_read."""
        self.check_read([self])
        Agency = Pool().get('gov.agency')
        Dossier = Pool().get('gov.dossier')
        names = figure_names()
        with without_check_access():
            agency = Agency(self.agency.id)
            if self.scope == 'province':
                rows = self._agency_rows(agency, names)
                row_kind = 'agency'
            else:
                rows = self._field_rows(agency, names)
                row_kind = 'field'
            made = Dossier._now()
        return {
            'form': FORM['code'],
            'scope': self.scope,
            'kind': self.kind,
            'year': self.year,
            'start_date': self.start_date.isoformat(),
            'end_date': self.end_date.isoformat(),
            'agency': {
                'id': agency.id,
                'code': agency.code or '',
                'name': agency.name,
                'parent': agency.parent.name if agency.parent else '',
                },
            'row_kind': row_kind,
            'rows': rows,
            'made': made.replace(microsecond=0).isoformat(),
            }

    def _compute(self, agencies, by, subtree=True):
        return figures_module.compute(self.start_date, self.end_date,
            agencies=agencies, by=by, subtree=subtree)

    @staticmethod
    def _pick(values, names):
        return {n: int(values.get(n) or 0) for n in names}

    def _field_rows(self, agency, names):
        "One row per field of procedures, in the order of their names."
        Field = Pool().get('gov.field')
        result = self._compute([agency.id], ('field',))
        rows = []
        for (field_id,), values in result.items():
            label = (Field(field_id).name if field_id is not None
                else gettext('gov_report.msg_statutory_no_field', LANGUAGE))
            code = Field(field_id).code if field_id is not None else ''
            rows.append({'label': label, 'code': code or '',
                    'figures': self._pick(values, names)})
        rows.sort(key=lambda r: (r['label'], r['code']))
        return rows

    def _agency_rows(self, province, names):
        """One row per agency under the province (with its subtree), and
        the province's own dossiers in a row of its own when it has any."""
        Agency = Pool().get('gov.agency')
        # An agency merged or moved during or after the period has figures
        # of its own for it (R-CAT-9): its row stays.
        with Transaction().set_context(active_test=False):
            children = Agency.search([
                    ('parent', '=', province.id),
                    ['OR',
                        ('active', '=', True),
                        ('restructured_date', '>', self.start_date),
                        ],
                    ], order=[('code', 'ASC'), ('id', 'ASC')])
        rows = []
        own = self._compute([province.id], (), subtree=False).get(())
        if own and any(self._pick(own, names).values()):
            rows.append({'label': province.name, 'code': province.code or '',
                    'figures': self._pick(own, names)})
        for child in children:
            values = self._compute([child.id], ()).get((), {})
            rows.append({'label': child.name, 'code': child.code or '',
                    'figures': self._pick(values, names)})
        return rows

    def values(self):
        "The frozen values of a closed report, else the figures now."
        if self.state == 'closed' and self.snapshot:
            self.check_read([self])
            return json.loads(self.snapshot)
        return self.compute_values()

    # ------------------------------------------------------- exports
    def file_name(self, extension):
        return 'bao-cao-%s-%s-%s-%s.%s' % (
            'tong-hop' if self.scope == 'province' else 'co-quan',
            '6-thang' if self.kind == 'semester' else 'nam',
            self.year, self.agency.code or self.agency.id, extension)

    def to_xlsx(self):
        "The XLSX of the report: the stored file once it is closed."
        if self.state == 'closed' and self.xlsx:
            self.check_read([self])
            return bytes(self.xlsx)
        from .statutory_export import to_xlsx
        return to_xlsx(self.values())

    def to_pdf(self):
        "The PDF of the report: the stored file once it is closed."
        if self.state == 'closed' and self.pdf:
            self.check_read([self])
            return bytes(self.pdf)
        from .statutory_export import to_pdf
        return to_pdf(self.values())

    @classmethod
    @ModelView.button
    def export(cls, reports):
        """Attach the XLSX and the PDF of draft reports to their form (a
        preview, replaced at each export; a closed report keeps the files
        stored when it was closed)."""
        for report in reports:
            if report.state == 'closed':
                report.check_read([report])
                continue
            from .statutory_export import to_pdf, to_xlsx
            values = report.values()  # once for both files
            xlsx, pdf = to_xlsx(values), to_pdf(values)
            # Written as root: the preview is not a change of the report.
            with without_check_access():
                cls.write([cls(report.id)], {
                        'xlsx': xlsx, 'xlsx_name': report.file_name('xlsx'),
                        'pdf': pdf, 'pdf_name': report.file_name('pdf'),
                        })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, reports):
        """Freeze the reports: their figures now, the files made from them
        and who closed them, stored for good."""
        from .statutory_export import to_pdf, to_xlsx
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            pool.get('ir.model.access').check(cls.__name__, 'write')
            cls._check_rule(reports, 'write')
        now = Dossier._now().replace(microsecond=0)
        for report in reports:
            values = report.compute_values()
            values['closed'] = now.isoformat()
            values['closed_text'] = format_datetime(to_local(
                    now, report.agency))
            values['closed_by'] = (
                pool.get('res.user')(transaction.user).name
                if transaction.user else '')
            with without_check_access():
                # check_modification refuses writing a closed report: the
                # state is written last, by the transition.
                cls.write([cls(report.id)], {
                        'snapshot': json.dumps(values, ensure_ascii=False,
                            sort_keys=True),
                        'closed_by': transaction.user or None,
                        'closed_date': now,
                        'xlsx': to_xlsx(values),
                        'xlsx_name': report.file_name('xlsx'),
                        'pdf': to_pdf(values),
                        'pdf_name': report.file_name('pdf'),
                        })

    @classmethod
    def copy(cls, reports, default=None):
        default = dict(default or {})
        for name in ['snapshot', 'closed_by', 'closed_date', 'xlsx',
                'xlsx_name', 'pdf', 'pdf_name']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(reports, default=default)

