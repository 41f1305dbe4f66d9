# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The applicant's declaration that what she submits online is accurate
(R-SUB-9; Điều 27.3–27.5 of the regulation of QĐ 04/2019/QĐ-UBND).

The portal shows the sentence of DECLARATION (an ir.message, so it has
its wording in each language) with a box to tick; `portal_submit` refuses
the first submission of a dossier without it and stores, with the dossier,
which declaration (its key: a new wording gets a new message), the text
as she read it, her account and when. Only the submission writes them."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta

from .exceptions import DossierWorkflowError

# The message holding the sentence the citizen agrees to.
DECLARATION = 'gov_dossier.msg_declaration_accurate'
DECLARATION_FIELDS = {
    'declaration', 'declaration_text', 'declared_by', 'declared_date'}


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    declaration = fields.Char(
        "Declaration", readonly=True,
        help="The key of the declaration the applicant agreed to when "
        "submitting online (R-SUB-9).")
    declaration_text = fields.Text(
        "Declaration Text", readonly=True,
        help="The declaration as the applicant read it.")
    declared_by = fields.Many2One(
        'web.user', "Declared By", readonly=True, ondelete='RESTRICT')
    declared_date = fields.DateTime("Declared At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Written by portal_submit only, never through RPC; not copied.
        cls._protected_fields |= DECLARATION_FIELDS

    @classmethod
    def declaration_sentence(cls):
        "The declaration in the language of the transaction."
        return gettext(DECLARATION)

    @classmethod
    def portal_submit(cls, dossiers, web_user, declared=False, values=None):
        """Submit from the portal. A dossier submitted for the first time
        needs the citizen's declaration (declared=True: she ticked it);
        it is stored with the dossier once submitted. A dossier sent again
        after a supplement keeps the declaration it has."""
        for dossier in dossiers:
            dossier.check_owner(web_user)
        first = [d for d in dossiers if d.state == 'draft']
        if first and not declared:
            raise DossierWorkflowError(gettext(
                    'gov_dossier.msg_declaration_required',
                    dossier=', '.join(d.rec_name for d in first)))
        declaration = {
            'declaration': DECLARATION,
            'declaration_text': cls.declaration_sentence(),
            'declared_by': int(web_user),
            'declared_date': cls._now(),
            }
        # Written with the transition: one write of the dossier, not two.
        values = dict(values or {})
        for dossier in first:
            values[dossier.id] = dict(values.get(dossier.id, {}),
                **declaration)
        super().portal_submit(dossiers, web_user, values=values)

