# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Forwarding a dossier to its next step with an opinion and a draft result
(R-PROC-1, R-PROC-7).

In the back office, "Forward" opens a wizard that says where the dossier
goes (the next step and its unit) and asks for confirmation; the officer may
write an opinion for the next officer and attach a draft result. The
opinion is kept on the finished step and in the history entry of the
handover (internal: the citizen's history never shows it); the draft is a
document of the dossier of kind "Draft Result", kept out of the dossier's
`documents` (which the portal and the printed documents read) and listed in
its `draft_documents`. Dossier.forward(dossiers) without them still forwards
directly (the server's own callers, the RPC button)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessButtonError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from gov_procedure.bounds import LONG_TEXT

from .exceptions import DossierAccessError, DossierWorkflowError
from .wizard import _DossierWizard

# Documents of these kinds are the officers' own: never shown to the
# applicant (the portal lists the others).
INTERNAL_DOCUMENT_KINDS = {'draft'}


class DossierStep(metaclass=PoolMeta):
    __name__ = 'gov.dossier.step'

    opinion = fields.Text(
        "Opinion", readonly=True,
        help="What the officer who finished the step wrote for the next "
        "one; not shown to the applicant.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._text_bounds = dict(cls._text_bounds, opinion=(LONG_TEXT, True))


class DossierDocument(metaclass=PoolMeta):
    __name__ = 'gov.dossier.document'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.append(('draft', "Draft Result"))

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if external and mode == 'create':
            for document in documents:
                if (document.kind == 'draft'
                        and document.dossier.state != 'processing'):
                    raise DossierAccessError(gettext(
                            'gov_dossier.msg_document_draft_state',
                            dossier=document.dossier.rec_name))


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    draft_documents = fields.One2Many(
        'gov.dossier.document', 'dossier', "Draft Results", readonly=True,
        filter=[('kind', '=', 'draft')],
        help="Drafts of the result attached when forwarding; the applicant "
        "does not see them.")
    previous_opinion = fields.Function(fields.Text(
            "Previous Opinion",
            help="The opinion written by the officer who forwarded the "
            "dossier to its current step."),
        'get_previous_opinion')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Drafts are the officers' own: whatever reads the documents (the
        # portal, the receipt) never gets them.
        cls.documents.filter = list(cls.documents.filter or []) + [
            ('kind', 'not in', list(INTERNAL_DOCUMENT_KINDS))]
        # The same visibility as Forward (routing.py hides it from who
        # cannot act on the step).
        cls._buttons['forward_opinion'] = dict(cls._buttons['forward'])

    def get_previous_opinion(self, name):
        steps = [s for s in self.steps if s.opinion and s.end_date]
        if not steps:
            return None
        step = max(steps, key=lambda s: (s.end_date, s.id))
        return gettext('gov_dossier.msg_previous_opinion',
            step=step.name, user=step.user.rec_name if step.user else '',
            opinion=step.opinion)

    @classmethod
    @ModelView.button_action('gov_dossier.wizard_forward')
    def forward_opinion(cls, dossiers):
        "Open the forward wizard (opinion, draft result, confirmation)."
        pass

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default else {}
        default.setdefault('draft_documents')
        return super().copy(dossiers, default=default)

    @classmethod
    def forward(cls, dossiers, opinion=None, draft=None, draft_name=None,
            **kwargs):
        """Forward (dossier.py) with the officer's opinion, kept on the
        finished step and in the history, and a draft result attached as a
        document of kind "draft"."""
        opinion = (opinion or '').strip() or None
        if draft is not None:
            cls._check_forward_access(dossiers)
            if len(dossiers) != 1:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_forward_draft_one'))
            # Stored first: a file the upload checks refuse stops the
            # handover before anything moves.
            cls._attach_draft(dossiers[0], draft, draft_name)
        return super().forward(dossiers, opinion=opinion, **kwargs)

    @classmethod
    def _check_forward_access(cls, dossiers):
        """Through RPC, the roles of the Forward button and the dossiers'
        record rules, before the draft is stored (the button checks them
        again, with the states and the unit)."""
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        transaction = Transaction()
        if not (transaction.user and transaction.check_access):
            return
        groups = Button.get_groups(cls.__name__, 'forward')
        if groups and not groups & set(User.get_groups()):
            raise AccessButtonError(gettext('ir.msg_access_button_error',
                    button='forward', **cls.__names__()))
        cls.read([d.id for d in dossiers], ['id'])

    @classmethod
    def _attach_draft(cls, dossier, draft, draft_name):
        Document = Pool().get('gov.dossier.document')
        with without_check_access():
            dossier = cls(dossier.id)
            step = dossier.current_step
            if dossier.state != 'processing' or not step:
                raise DossierWorkflowError(gettext(
                        'gov_dossier.msg_dossier_no_current_step',
                        dossier=dossier.rec_name))
            Document.create([{
                        'dossier': dossier.id,
                        'kind': 'draft',
                        'name': draft_name or 'du-thao',
                        'data': draft,
                        'description': gettext(
                            'gov_dossier.msg_draft_description',
                            step=step.name),
                        }])

    @classmethod
    def _forward(cls, dossiers, event, reason=None, at=None, opinion=None,
            **handover):
        "The opinion of the forward wizard goes with the handover."
        Step = Pool().get('gov.dossier.step')
        if not opinion:
            return super()._forward(
                dossiers, event, reason=reason, at=at, **handover)
        finished = [d.current_step for d in dossiers if d.current_step]
        result = super()._forward(dossiers, event,
            reason=reason if reason is not None else opinion, at=at,
            **handover)
        Step.write(finished, {'opinion': opinion})
        return result


class ForwardStart(ModelView):
    "Forward to the Next Step"
    __name__ = 'gov.dossier.forward.start'
    __string__ = "Forward to the Next Step"

    step = fields.Char("Current Step", readonly=True)
    next_step = fields.Char("Next Step", readonly=True)
    next_unit = fields.Many2One('gov.agency', "Next Unit", readonly=True)
    opinion = fields.Text(
        "Opinion",
        help="Your opinion for the next officer (for example what you "
        "checked and what you propose); the applicant does not see it.")
    draft = fields.Binary(
        "Draft Result", filename='draft_name',
        help="The draft of the result (decision, permit, letter) for the "
        "next officer to check; the applicant does not see it.")
    draft_name = fields.Char("Draft File Name")


class Forward(_DossierWizard):
    "Forward to the Next Step"
    __name__ = 'gov.dossier.forward'
    start = StateView('gov.dossier.forward.start',
        'gov_dossier.forward_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Forward", 'forward', 'tryton-forward', default=True),
            ])
    forward = StateTransition()

    def default_start(self, fields):
        dossier = self.record
        step = dossier._current_running(dossier)
        target = dossier._handover_target(step)
        return {
            'step': step.name,
            'next_step': target.name,
            'next_unit': target.unit.id if target.unit else None,
            }

    def transition_forward(self):
        start = self.start
        return self._call('forward', opinion=start.opinion,
            draft=start.draft if start.draft else None,
            draft_name=start.draft_name)
