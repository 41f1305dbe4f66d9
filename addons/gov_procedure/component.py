# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The dossier components of a procedure (thành phần hồ sơ): the documents
a citizen brings or uploads."""
import re

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from .exceptions import CatalogueValidationError
from .catalogue_cards import CardsClearedMixin
from .line import ProcedureLineMixin

FILE_TYPE = re.compile(r'^[a-z0-9]+$')


class Component(CardsClearedMixin, ProcedureLineMixin, sequence_ordered(),
        ModelSQL, ModelView):
    "A document of the dossier (thành phần hồ sơ)."
    __name__ = 'gov.procedure.component'
    __string__ = "Dossier Component"

    # Eager: the portal's form shows the name and the note of every
    # component; read with the rest, not each in its own query.
    name = fields.Char(
        "Name", required=True, translate=True, loading='eager')
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
        "Note for the Citizen", translate=True, loading='eager',
        help="When the document is needed, where to get it…")

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
