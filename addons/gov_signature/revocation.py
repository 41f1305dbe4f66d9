# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The agency annuls a signed result (R-RES-3): issued in error, replaced
by a corrected one, or cancelled by a decision. The file stays (evidence)
but the verification page says, to anyone, that the result was annulled
and when; the reason and who annulled it are in the back office and the
dossier's history."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import SignatureError

RESULT_REVOKED = 'result_revoked'


class DossierDocument(metaclass=PoolMeta):
    __name__ = 'gov.dossier.document'

    revoked_date = fields.DateTime("Annulled On", readonly=True)
    revoked_by = fields.Many2One('res.user', "Annulled By", readonly=True,
        ondelete='RESTRICT')
    revoked_reason = fields.Text("Reason of the Annulment", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'revoke_result': {
                    'invisible': (~Eval('result_code')
                        | Eval('revoked_date')),
                    'depends': ['result_code', 'revoked_date'],
                    },
                })

    @classmethod
    @ModelView.button
    def revoke_result(cls, documents, reason=None):
        """Annul the signed results with the reason; without the reason,
        the wizard asking for it."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        if reason is None:
            ModelData = pool.get('ir.model.data')
            Action = pool.get('ir.action')
            return Action.get_action_id(ModelData.get_id(
                    'gov_signature', 'wizard_revoke_result'))
        reason = reason.strip()
        if not reason:
            raise SignatureError(gettext(
                    'gov_signature.msg_revoke_reason'))
        for document in documents:
            if not document.result_code or document.revoked_date:
                raise SignatureError(gettext(
                        'gov_signature.msg_revoke_not_signed',
                        document=document.name))
        with without_check_access():
            cls.write(list(documents), {
                    'revoked_date': Dossier._now(),
                    'revoked_by': Transaction().user or None,
                    'revoked_reason': reason,
                    })
        for document in cls.browse(documents):
            cls._record_hashes([document], RESULT_REVOKED,
                reason=f'{document.result_code}: {reason}')


class DossierHistory(metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection.append((RESULT_REVOKED, "Result Annulled"))


class RevokeStart(ModelView):
    "Annul the Signed Result"
    __name__ = 'gov.dossier.document.revoke.start'
    __string__ = "Annul the Signed Result"

    reason = fields.Text("Reason", required=True,
        help="Why the result is annulled (e.g. issued in error, replaced "
        "by result code …).")


class Revoke(Wizard):
    "Annul the Signed Result"
    __name__ = 'gov.dossier.document.revoke'
    start = StateView('gov.dossier.document.revoke.start',
        'gov_signature.revoke_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Annul", 'revoke', 'tryton-ok', default=True),
            ])
    revoke = StateTransition()

    def transition_revoke(self):
        Document = Pool().get('gov.dossier.document')
        # The button's groups are checked again, whatever started it.
        with check_access():
            Document.revoke_result(list(self.records),
                reason=self.start.reason)
        return 'end'

    def end(self):
        return 'reload'
