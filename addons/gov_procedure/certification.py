# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Certification of a procedure's online service level (R-CAT-7; QĐ
04/2019, Điều 21.5: the ICT department checks and recognises the level of
each online service before it is announced; Điều 24.8: agencies state the
right level).

The ICT department administrator records who certified which level of
which procedure, when, with the evidence (a file and notes). When the
catalogue configuration requires it, a procedure is not published at a
level with online submission (levels 3, 4, fully or partly online) unless
that level is certified. The requirement applies to the levels raised after
it is switched on: a procedure already published at a level before then
may be published again at that same level (suspended and resumed, or
edited without changing its level); the demo and the existing catalogue
thus keep working while every new or raised level goes through the ICT
department.
"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import PublishError


class CertificationError(UserError):
    "A service level certification cannot take this step."


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class CatalogueConfiguration(ModelSingleton, ModelSQL, ModelView):
    "Settings of the procedure catalogue."
    __name__ = 'gov.procedure.configuration'
    __string__ = "Catalogue Configuration"

    certification_required = fields.Boolean(
        "Service Level Certification Required",
        help="A procedure is published at an online level only when the "
        "ICT department certified that level (Điều 21.5). Levels published "
        "before this is switched on are kept.")
    certification_required_since = fields.DateTime(
        "Certification Required Since", readonly=True)

    @classmethod
    def default_certification_required(cls):
        return False

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'certification_required' in values:
            # The clock of gov.procedure's published_date, to compare them.
            values['certification_required_since'] = (
                dt.datetime.now() if values['certification_required']
                else None)
        return values


class Certification(Workflow, ModelSQL, ModelView):
    "The ICT department's certification of a procedure's service level."
    __name__ = 'gov.procedure.certification'
    __string__ = "Service Level Certification"

    _states = {'readonly': Eval('state') != 'draft'}

    procedure = fields.Many2One('gov.procedure', "Procedure", required=True,
        ondelete='CASCADE', states=_states)
    service_level = fields.Many2One('gov.service.level', "Service Level",
        required=True, ondelete='RESTRICT', states=_states)
    note = fields.Text("Findings", states=_states,
        help="What was checked and found (Điều 21.5).")
    evidence = fields.Binary("Evidence", filename='evidence_name',
        states=_states)
    evidence_name = fields.Char("Evidence File Name", states=_states)
    certified_by = fields.Many2One('res.user', "Certified By", readonly=True,
        ondelete='RESTRICT')
    certified_date = fields.DateTime("Certified At", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('certified', "Certified"),
            ('revoked', "Revoked"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality()),
                (t.service_level, Index.Equality())))
        cls._order = [('certified_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'certified'),
            ('certified', 'revoked'),
            }
        cls._buttons.update({
                'certify': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'revoke': {
                    'invisible': Eval('state') != 'certified',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('procedure', 'service_level')
    def on_change_procedure(self):
        if self.procedure and not self.service_level:
            self.service_level = self.procedure.service_level

    def get_rec_name(self, name):
        return f'{self.procedure.rec_name} — {self.service_level.rec_name}'

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if record.state != 'draft':
                    raise CertificationError(gettext(
                            'gov_procedure.msg_certification_delete',
                            certification=record.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('certified')
    def certify(cls, certifications):
        for certification in certifications:
            if not ((certification.note or '').strip()
                    or certification.evidence):
                raise CertificationError(gettext(
                        'gov_procedure.msg_certification_no_evidence',
                        certification=certification.rec_name))
        cls.write(certifications, {
                'certified_by': Transaction().user,
                'certified_date': utcnow(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('revoked')
    def revoke(cls, certifications):
        pass


class Procedure(metaclass=PoolMeta):
    __name__ = 'gov.procedure'

    certifications = fields.One2Many('gov.procedure.certification',
        'procedure', "Level Certifications", readonly=True)
    published_level = fields.Many2One('gov.service.level',
        "Published at Level", readonly=True, ondelete='RESTRICT',
        help="The service level of the procedure's last publication.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._not_draft_writable = (
            cls._not_draft_writable | {'published_level'})

    def check_publishable(self):
        super().check_publishable()
        self.check_level_certified()

    def check_level_certified(self):
        """Raise PublishError when the procedure's online level needs the
        ICT department's certification and has none (Điều 21.5)."""
        pool = Pool()
        Configuration = pool.get('gov.procedure.configuration')
        Certification = pool.get('gov.procedure.certification')
        level = self.service_level
        if not level or not level.online_submission:
            return
        configuration = Configuration(1)
        if not configuration.certification_required:
            return
        since = configuration.certification_required_since
        if (since and self.published_level == level and self.published_date
                and self.published_date < since):
            return
        if not Certification.search([
                    ('procedure', '=', self.id),
                    ('service_level', '=', level.id),
                    ('state', '=', 'certified'),
                    ], limit=1):
            raise PublishError(gettext(
                    'gov_procedure.msg_procedure_level_not_certified',
                    procedure=self.rec_name, level=level.rec_name))

    @classmethod
    def publish(cls, procedures):
        super().publish(procedures)
        for procedure in procedures:
            if procedure.state == 'published':
                cls.write([procedure], {
                        'published_level': (procedure.service_level.id
                            if procedure.service_level else None),
                        })

    @classmethod
    def copy(cls, procedures, default=None):
        default = default.copy() if default else {}
        default.setdefault('certifications', None)
        default.setdefault('published_level', None)
        return super().copy(procedures, default=default)
