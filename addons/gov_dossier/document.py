# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The files of a dossier (R-SUB-7): components, result and other
documents, checked on upload (size, type by content) and locked with the
dossier's state."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import filetype
from .access import RuleCheckedExportMixin
from .exceptions import DossierAccessError, UploadError
from .workflow import FINAL_STATES


class DossierDocument(RuleCheckedExportMixin, ModelSQL, ModelView):
    """A file of a dossier: a component of the procedure's list, the result,
    or another document. Stored in the filestore like an attachment, with
    the dossier's access."""
    __name__ = 'gov.dossier.document'
    __string__ = "Dossier Document"

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('component', "Component"),
            ('result', "Result"),
            ('other', "Other"),
            ], "Kind", required=True, sort=False)
    component = fields.Many2One(
        'gov.procedure.component', "Component", ondelete='SET NULL',
        domain=[
            ('procedure', '=', Eval('_parent_dossier', {}).get(
                    'procedure', Eval('procedure', -1))),
            ],
        states={
            'invisible': Eval('kind') != 'component',
            'required': Eval('kind') == 'component',
            })
    procedure = fields.Function(
        fields.Many2One('gov.procedure', "Procedure"),
        'on_change_with_procedure')
    name = fields.Char("File Name", required=True)
    data = fields.Binary(
        "File", filename='name', file_id='file_id', required=True)
    file_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size (bytes)", readonly=True)
    description = fields.Char("Description")
    uploaded_by = fields.Many2One(
        'res.user', "Uploaded By", readonly=True, ondelete='SET NULL')
    web_user = fields.Many2One(
        'web.user', "Uploaded by Citizen", readonly=True, ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))
        cls._order = [('dossier', 'ASC'), ('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'component'

    @fields.depends('dossier', '_parent_dossier.procedure')
    def on_change_with_procedure(self, name=None):
        if self.dossier and self.dossier.procedure:
            return self.dossier.procedure.id

    ALIASES = filetype.ALIASES

    @classmethod
    def detect_type(cls, data):
        "Return (type, mimetype) from the content, or (None, None)."
        return filetype.detect_type(data)

    @classmethod
    def allowed_types(cls, component=None):
        Configuration = Pool().get('gov.dossier.configuration')
        file_types = component.file_types if component else None
        if file_types:
            types = {t.strip().lower().lstrip('.')
                for t in file_types.replace(';', ',').split(',')
                if t.strip()}
        else:
            types = Configuration(1).get_file_types()
        return {cls.ALIASES.get(t, t) for t in types}

    @classmethod
    def check_upload(cls, filename, data, component=None):
        """Check a file before it is stored (R-SUB-7): size limit of the
        configuration, type recognised by its content and allowed by the
        component's file types (or the configuration's). The extension of
        the file name must agree with the content. Returns the mimetype.
        Extend it (PoolMeta) to add the malware scan; call super()."""
        Configuration = Pool().get('gov.dossier.configuration')
        if data is None:
            return None
        configuration = Configuration(1)
        limit = int(Decimal(configuration.max_upload_size or 10)
            * 1024 * 1024)
        if len(data) > limit:
            raise UploadError(gettext('gov_dossier.msg_upload_too_large',
                    filename=filename or '',
                    size='%.1f' % (len(data) / 1024 / 1024),
                    limit=configuration.max_upload_size))
        if not len(data):
            raise UploadError(gettext('gov_dossier.msg_upload_empty',
                    filename=filename or ''))
        type_, mimetype = cls.detect_type(data)
        allowed = cls.allowed_types(component)
        if type_ is None or type_ not in allowed:
            raise UploadError(gettext('gov_dossier.msg_upload_type',
                    filename=filename or '',
                    types=', '.join(sorted(allowed)),
                    component=component.name if component else '-'))
        extension = (filename or '').rsplit('.', 1)[-1].lower() \
            if '.' in (filename or '') else ''
        extension = cls.ALIASES.get(extension, extension)
        if extension and extension != type_:
            raise UploadError(gettext('gov_dossier.msg_upload_extension',
                    filename=filename or '', type=type_))
        return mimetype

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Component = pool.get('gov.procedure.component')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if values.get('data') is not None:
                component = (Component(values['component'])
                    if values.get('component') else None)
                values['mimetype'] = cls.check_upload(
                    values.get('name'), values['data'], component=component)
                values['size'] = len(values['data'])
            user = Transaction().user
            if user:
                values.setdefault('uploaded_by', user)
        elif mode == 'write' and values.get('data') is not None:
            values['size'] = len(values['data'])
            values['mimetype'] = cls.detect_type(values['data'])[1]
        return values

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'write' and values and (
                'data' in values or 'name' in values
                or 'component' in values):
            for document in documents:
                component = document.component
                if 'component' in values:
                    Component = Pool().get('gov.procedure.component')
                    component = (Component(values['component'])
                        if values['component'] else None)
                if 'data' in values:
                    cls.check_upload(values.get('name', document.name),
                        values['data'], component=component)
        if not external:
            return
        if ((mode == 'create' and any(d.web_user for d in documents))
                or (mode == 'write' and 'web_user' in values)):
            # Only the portal says a citizen uploaded a file.
            raise DossierAccessError(gettext(
                    'gov_dossier.msg_dossier_field_protected',
                    field=cls.web_user.string))
        for document in documents:
            state = document.dossier.state
            if state in FINAL_STATES:
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_final',
                        dossier=document.dossier.rec_name))
            if mode == 'delete' and state != 'draft':
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_delete',
                        dossier=document.dossier.rec_name))
            if mode == 'write' and state != 'draft' and (
                    set(values) - {'description'}):
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_locked',
                        dossier=document.dossier.rec_name))
            if (mode == 'create' and document.kind == 'result'
                    and state not in {'processing', 'result_ready'}):
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_document_result_state',
                        dossier=document.dossier.rec_name))

    def check_owner(self, web_user):
        self.dossier.check_owner(web_user)
