# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The files sent with a feedback, checked as a dossier's files are:
gov.dossier.document's clean_filename and check_upload (size, type by
content, extension agreeing with it; the malware scan when installed)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool

from gov_dossier.access import RuleCheckedExportMixin

from .exceptions import FeedbackAccessError

MAX_FILES = 3


class FeedbackAttachment(RuleCheckedExportMixin, ModelSQL, ModelView):
    "A file sent with a feedback."
    __name__ = 'gov.feedback.attachment'
    __string__ = "Feedback File"

    feedback = fields.Many2One('gov.feedback', "Feedback", required=True,
        ondelete='CASCADE')
    name = fields.Char("File Name", required=True)
    data = fields.Binary("File", filename='name', file_id='file_id',
        required=True)
    file_id = fields.Char("File ID", readonly=True)
    mimetype = fields.Char("Type", readonly=True)
    size = fields.Integer("Size (bytes)", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('feedback')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.feedback, Index.Equality())))

    @classmethod
    def check_upload(cls, name, data):
        "The dossiers' checks; returns (clean name, mimetype)."
        Document = Pool().get('gov.dossier.document')
        name = Document.clean_filename(name)
        return name, Document.check_upload(name, data)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('data') is not None:
            values['name'], values['mimetype'] = cls.check_upload(
                values.get('name'), values['data'])
            values['size'] = len(values['data'])
        elif values.get('name'):
            values['name'] = Pool().get(
                'gov.dossier.document').clean_filename(values['name'])
        return values

    @classmethod
    def check_modification(cls, mode, attachments, values=None,
            external=False):
        super().check_modification(
            mode, attachments, values=values, external=external)
        if not external:
            return
        # Officers add files to an open feedback; none is changed or
        # removed once sent.
        if mode != 'create' or any(
                a.feedback.state not in {'received', 'assigned', 'escalated'}
                for a in attachments):
            raise FeedbackAccessError(gettext(
                    'gov_feedback.msg_attachment_locked'))
