# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the versions of a procedure (R-CAT-6, gov_procedure/version.py)
mean for dossiers.

A dossier keeps pointing to the version of the procedure it was submitted
under: its components, fees, eForm and processing time are read from that
version, which stays as it is once superseded. So a procedure that
dossiers refer to cannot go back to draft (that would change what they
were submitted under): a decision that changes it makes a new version. A
dossier still a draft under a version that is no longer (or not yet) in
force is not submitted under it: the citizen's draft of a superseded
version opens on the portal in the current version's form, with the
applicant, the eForm values of the fields the form still has and the
files of the components of the same name, and a notice that the
procedure was amended (draft_version_notice); saving it moves it to the
current version (move_to_version)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_procedure.exceptions import ProcedureStateError

from .exceptions import DossierAccessError, DossierWorkflowError


class Procedure(metaclass=PoolMeta):
    __name__ = 'gov.procedure'
    has_dossiers = fields.Function(fields.Boolean("Has Dossiers"),
        'get_has_dossiers')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Back to draft is refused once dossiers refer to it: not offered.
        button = cls._buttons['draft']
        button['invisible'] = button['invisible'] | Eval('has_dossiers', False)
        button['depends'] = list(button.get('depends', [])) + ['has_dossiers']

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//label[@id="not_draft_note"]', 'states', {
                    'invisible': Eval('has_dossiers', False),
                    }),
            ]

    @classmethod
    def get_has_dossiers(cls, procedures, name):
        dossier = Pool().get('gov.dossier').__table__()
        cursor = Transaction().connection.cursor()
        ids = [p.id for p in procedures]
        cursor.execute(*dossier.select(dossier.procedure,
                where=dossier.procedure.in_(ids),
                group_by=[dossier.procedure]))
        used = {p for p, in cursor}
        return {i: i in used for i in ids}

    @classmethod
    def draft(cls, procedures):
        Dossier = Pool().get('gov.dossier')
        for procedure in procedures:
            if procedure.state == 'draft':
                continue
            with without_check_access(), \
                    Transaction().set_context(active_test=False):
                dossiers = Dossier.search([
                        ('procedure', '=', procedure.id),
                        ], order=[('id', 'ASC')], limit=1)
            if dossiers:
                dossier, = dossiers
                raise ProcedureStateError(gettext(
                        'gov_dossier.msg_procedure_draft_has_dossiers',
                        procedure=procedure.rec_name,
                        dossier=dossier.rec_name))
        super().draft(procedures)


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    def check_submission(self):
        procedure = self.procedure
        if self.state == 'draft' and not procedure.active:
            if procedure.state == 'superseded':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_procedure_superseded',
                        dossier=self.rec_name, procedure=procedure.rec_name,
                        version=procedure.version))
            if procedure.state == 'published':
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_procedure_not_in_effect',
                        procedure=procedure.rec_name,
                        version=procedure.version,
                        date=(procedure.effective_date.strftime('%d/%m/%Y')
                            if procedure.effective_date else '')))
        super().check_submission()

    # A draft under a superseded version (the portal) ----------------------

    def version_carry_over(self, procedure):
        """What moving this draft to procedure (another version of its
        national code) keeps: (form data, {component id of procedure:
        [documents]}, documents dropped). The eForm values of the fields
        procedure's form still has (same name) are kept, and the files of
        its components of the same name; the other files are dropped."""
        names = {f.name for f in procedure.form_fields}
        data = {k: v for k, v in (self.form_data or {}).items()
            if k in names}
        components = {}
        for component in procedure.components:
            components.setdefault(component.name, component.id)
        kept, dropped = {}, []
        for document in self.documents:
            if document.kind != 'component':
                continue
            new = components.get(
                document.component.name if document.component else None)
            if new is None:
                dropped.append(document)
            else:
                kept.setdefault(new, []).append(document)
        return data, kept, dropped

    @classmethod
    def move_to_version(cls, dossiers, procedure):
        """Move the draft dossiers to procedure, another version of their
        procedure's national code, keeping what version_carry_over keeps
        (the applicant and the other fields are unchanged); the files of
        components procedure no longer has are deleted."""
        Document = Pool().get('gov.dossier.document')
        for dossier in dossiers:
            if (dossier.state != 'draft'
                    or dossier.procedure.code != procedure.code):
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_procedure_superseded',
                        dossier=dossier.rec_name,
                        procedure=dossier.procedure.rec_name,
                        version=dossier.procedure.version))
            if dossier.procedure == procedure:
                continue
            data, kept, dropped = dossier.version_carry_over(procedure)
            with without_check_access():
                if dropped:
                    Document.delete(dropped)
                cls.write([dossier], {
                        'procedure': procedure.id,
                        'form_data': data,
                        'documents': [
                            ('write', [d.id for d in moved],
                                {'component': component})
                            for component, moved in kept.items()],
                        })

    def draft_version_notice(self, procedure):
        """The notice shown to the citizen opening this draft of hers in
        procedure's form (the current version of its code): the procedure
        was amended, from when and on which basis; she checks the form and
        uploads again the files of the components that changed."""
        Calendar = Pool().get('gov.calendar')
        date = procedure.effective_date
        if not date and procedure.published_date:
            date = Calendar.to_local(procedure.published_date).date()
        values = dict(procedure=procedure.name, version=procedure.version,
            date=date.strftime('%d/%m/%Y') if date else '',
            basis=(procedure.change_basis or '').strip())
        if values['basis']:
            return gettext('gov_dossier.msg_dossier_draft_new_version',
                **values)
        return gettext(
            'gov_dossier.msg_dossier_draft_new_version_no_basis', **values)

    @classmethod
    def portal_draft(cls, procedure, web_user, draft):
        """Also her draft under another version of procedure's national
        code when procedure is the current one (a version superseded since
        she saved it): draft.procedure tells it; portal_save_form moves it
        to procedure (move_to_version)."""
        try:
            return super().portal_draft(procedure, web_user, draft)
        except DossierAccessError:
            if not procedure.active:
                raise
            drafts = cls.search_owned(web_user, [
                    ('id', '=', int(draft)),
                    ('procedure.code', '=', procedure.code),
                    ('procedure', '!=', procedure.id),
                    ('state', '=', 'draft'),
                    ], limit=1)
            if not drafts:
                raise
            return drafts[0]

    @classmethod
    def portal_save_form(cls, procedure, web_user, form, files, **kwargs):
        existing = cls.portal_draft(procedure, web_user, kwargs.get('draft'))
        if existing and existing.procedure != procedure:
            cls.move_to_version([existing], procedure)
        return super().portal_save_form(
            procedure, web_user, form, files, **kwargs)
