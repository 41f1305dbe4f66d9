# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Versions of a procedure (R-CAT-6).

When a decision changes a published procedure, the administrator (or the
national catalogue import) makes a new version of it: a copy with the same
national code, the next version number, the decision it comes from and the
day it takes effect. The copy is a draft, edited like any procedure; once
published and in effect it becomes the current version and the one before
is superseded: read only, kept for the dossiers submitted under it, which
keep reading their components, fees, eForm and processing time from it.

Every version is a gov.procedure record. The current one is active: the
default searches (portal, catalogue, look-ups by code) see only it, and
the national code is unique among the active procedures. A version being
prepared, or published with an effective date still to come, is inactive
until it takes effect: the daily job takes effect_due versions on their
day.

The `active` field is declared here rather than through DeactivableMixin,
which would make an inactive record and its buttons read only: a version
being prepared is inactive and must still be edited and published."""
import datetime as dt

from sql import Literal
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ProcedureStateError, PublishError


def local_today():
    "Today in the province (the working calendar's timezone)."
    Calendar = Pool().get('gov.calendar')
    return Calendar.to_local(dt.datetime.utcnow()).date()


class Procedure(metaclass=PoolMeta):
    __name__ = 'gov.procedure'

    version = fields.Integer(
        "Version", required=True, readonly=True,
        help="1 for the procedure as first published, then one more for "
        "each new version made when a decision changes it.")
    previous_version = fields.Many2One(
        'gov.procedure', "Previous Version", readonly=True,
        ondelete='RESTRICT',
        help="The version this one was made from.")
    effective_date = fields.Date(
        "Effective Date",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The day this version applies from (the effective date of "
        "the decision that changed the procedure). Published before that "
        "day, it replaces the current version on that day; empty: as soon "
        "as it is published.")
    change_basis = fields.Text(
        "Basis of the Change",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The decision that changed the procedure: its number, date and "
        "issuing body.")
    active = fields.Boolean(
        "Current Version", readonly=True,
        help="The version the portal shows and new dossiers are submitted "
        "under. A new version becomes current once it is published and in "
        "effect; the one before is then superseded.")
    versions = fields.Function(
        fields.Many2Many('gov.procedure', None, None, "Versions",
            readonly=True,
            help="Every version of the procedure, the newest first."),
        'get_versions')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The national code is unique among the current versions only.
        cls._sql_constraints = [
            c for c in cls._sql_constraints if c[0] != 'code_uniq']
        cls._sql_constraints += [
            ('code_current_uniq',
                Exclude(t, (t.code, Equal), where=t.active == Literal(True)),
                'gov_procedure.msg_procedure_code_unique'),
            ]
        cls.state.selection.append(('superseded', "Superseded"))
        cls._not_draft_writable = cls._not_draft_writable | {'active'}
        cls._order = [
            ('code', 'ASC'), ('version', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {
            ('published', 'superseded'),
            ('suspended', 'superseded'),
            }
        for name in ['draft', 'cancel']:
            button = cls._buttons[name]
            button['invisible'] = (
                button['invisible'] | (Eval('state') == 'superseded'))
        cls._buttons.update({
                'open_new_version': {
                    'invisible': ~Eval('state').in_(
                        ['published', 'suspended', 'cancelled']),
                    'icon': 'tryton-copy',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        table_h = cls.__table_handler__(module_name)
        # Replaced by code_current_uniq (unique among current versions).
        table_h.drop_constraint('code_uniq')

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_active(cls):
        return True

    @classmethod
    def get_versions(cls, procedures, name):
        codes = {p.code for p in procedures}
        with Transaction().set_context(active_test=False):
            versions = cls.search([
                    ('code', 'in', list(codes)),
                    ], order=[('version', 'DESC'), ('id', 'DESC')])
        by_code = {}
        for version in versions:
            by_code.setdefault(version.code, []).append(version.id)
        return {p.id: by_code.get(p.code, []) for p in procedures}

    # Making a new version ---------------------------------------------------

    @classmethod
    def new_version(cls, procedures, values=None):
        """Make the next version of each procedure and return the new
        versions (a list, in the order of procedures).

        Each procedure must be published, suspended or cancelled, and the
        latest version of its national code (no newer version exists that
        is not cancelled), else ProcedureStateError is raised.

        A new version is a copy of the procedure with its components,
        fees, eForm fields, steps, administrative levels and implementing
        agencies; it has the same national code, the version number after
        the highest of the code, previous_version set to the procedure,
        state 'draft' and is not current (active False): the procedure
        stays what the portal shows and what dossiers are submitted under.

        values (a dict, optional) is then written on the new versions with
        write(): typically 'effective_date' (datetime.date; empty: in
        effect once published) and 'change_basis' (the decision: number,
        date, issuing body), and any field to change (name,
        processing_days…, x2many actions). The lines of the copy are new
        records: edit them on the returned drafts.

        Call publish() on the returned versions when they are ready: a
        version whose effective date has come becomes current at once
        and its previous version is superseded; one with a later date
        stays published but not current until the daily job makes it
        current on that date (take_effect_due)."""
        procedures = list(procedures)
        if not procedures:
            return []
        with Transaction().set_context(active_test=False):
            for procedure in procedures:
                procedure.check_new_version()
            last = {}
            for version in cls.search([
                        ('code', 'in', list({p.code for p in procedures})),
                        ]):
                last[version.code] = max(
                    last.get(version.code, 0), version.version or 1)
        Fee = Pool().get('gov.procedure.fee')
        new_versions = []
        for procedure in procedures:
            last[procedure.code] += 1
            new_version, = cls.copy([procedure], default={
                    'code': procedure.code,
                    'version': last[procedure.code],
                    'previous_version': procedure.id,
                    'active': False,
                    'effective_date': None,
                    'change_basis': None,
                    'fees': [],
                    })
            # The fees after the eForm: an exemption names an eForm field
            # the new version must already have.
            Fee.copy(procedure.fees, default={'procedure': new_version.id})
            new_versions.append(new_version)
        if values:
            cls.write(new_versions, values)
        return cls.browse([v.id for v in new_versions])

    def check_new_version(self):
        """Raise ProcedureStateError when no new version can be made of the
        procedure: it is a draft (edit it instead), superseded, or a newer
        version of it exists."""
        if self.state not in {'published', 'suspended', 'cancelled'}:
            raise ProcedureStateError(gettext(
                    'gov_procedure.msg_procedure_new_version_state',
                    procedure=self.rec_name, state=self.state_string))
        with Transaction().set_context(active_test=False):
            newer = self.search([
                    ('code', '=', self.code),
                    ('version', '>', self.version or 1),
                    ('state', '!=', 'cancelled'),
                    ], limit=1)
        if newer:
            newer, = newer
            raise ProcedureStateError(gettext(
                    'gov_procedure.msg_procedure_newer_version',
                    procedure=self.rec_name, version=newer.version,
                    state=newer.state_string))

    @classmethod
    @ModelView.button
    def open_new_version(cls, procedures):
        "Make a new version of the procedures and open it in the client."
        ActWindow = Pool().get('ir.action.act_window')
        new_versions = cls.new_version(procedures)
        action = ActWindow.get('gov_procedure.act_procedure_version')
        action['res_id'] = [v.id for v in new_versions]
        return action

    @classmethod
    def copy(cls, procedures, default=None):
        # A plain copy is a new procedure, not a version of this one.
        default = default.copy() if default else {}
        default.setdefault('version', 1)
        default.setdefault('previous_version', None)
        default.setdefault('active', True)
        default.setdefault('effective_date', None)
        default.setdefault('change_basis', None)
        return super().copy(procedures, default=default)

    def check_level_certified(self):
        # A new version at the level its previous version was certified
        # (or published) at keeps that certification (certification.py):
        # the online service is the same, only its content changed.
        try:
            super().check_level_certified()
        except PublishError as error:
            previous = self.previous_version
            if not previous or previous.service_level != self.service_level:
                raise
            try:
                previous.check_level_certified()
            except PublishError:
                raise error
            return

    # Taking effect ----------------------------------------------------------

    @classmethod
    def publish(cls, procedures):
        super().publish(procedures)
        cls.take_effect([p for p in procedures if p.state == 'published'])

    @classmethod
    def take_effect(cls, procedures, date=None):
        """Make current the published procedures that are not and whose
        effective date has come (by date, default today in the province);
        the other versions of their code that were current are superseded
        (published or suspended) or just no longer current (cancelled).
        Of several versions of a code, the newest is made current; a
        version older than the current one is superseded at once.
        Return the procedures made current."""
        date = date or local_today()
        due = [p for p in procedures
            if p.state == 'published' and not p.active
            and (not p.effective_date or p.effective_date <= date)]
        if not due:
            return []
        current = cls.search([
                ('code', 'in', list({p.code for p in due})),
                ('active', '=', True),
                ])
        current_versions = {p.code: p.version for p in current}
        # Per code, the newest version due replaces the current one; the
        # others due (older) are outdated: superseded without being
        # current.
        winners, outdated = {}, []
        for procedure in sorted(due, key=lambda p: p.version):
            if procedure.version < current_versions.get(procedure.code, 0):
                outdated.append(procedure)
                continue
            if procedure.code in winners:
                outdated.append(winners[procedure.code])
            winners[procedure.code] = procedure
        current = [p for p in current if p.code in winners]
        for procedure in current:
            if procedure.state == 'draft':
                raise PublishError(gettext(
                        'gov_procedure.msg_procedure_current_version_draft',
                        procedure=procedure.rec_name,
                        version=winners[procedure.code].version,
                        current_version=procedure.version))
        superseded = [p for p in current
            if p.state in {'published', 'suspended'}]
        due = list(winners.values())
        # First no longer current, then superseded (read only from then
        # on), then the new versions current: the code is unique among the
        # current procedures at every step.
        cls.write(current, {'active': False})
        cls.supersede(superseded + outdated)
        cls.write(due, {'active': True})
        return due

    @classmethod
    @Workflow.transition('superseded')
    def supersede(cls, procedures):
        pass

    @classmethod
    def take_effect_due(cls, date=None):
        """The daily job: make current the published versions whose
        effective date has come (R-CAT-6)."""
        date = date or local_today()
        with Transaction().set_context(active_test=False):
            procedures = cls.search([
                    ('state', '=', 'published'),
                    ('active', '=', False),
                    ('effective_date', '<=', date),
                    ], order=[('code', 'ASC'), ('version', 'ASC')])
        return cls.take_effect(procedures, date=date)

    # Integrity --------------------------------------------------------------

    @classmethod
    def check_modification(cls, mode, procedures, values=None,
            external=False):
        if mode in {'write', 'delete'}:
            changed = set(values or {}) - {'search_text'}
            for procedure in procedures:
                if (procedure.state == 'superseded'
                        and (mode == 'delete' or changed)):
                    raise ProcedureStateError(gettext(
                            'gov_procedure.msg_procedure_superseded',
                            procedure=procedure.rec_name,
                            version=procedure.version))
        super().check_modification(
            mode, procedures, values=values, external=external)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gov.procedure|take_effect_due',
                "Put Procedure Versions into Effect on Their Day"))
