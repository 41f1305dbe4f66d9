# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The dossier and its signatures, through the workflow's extension point
(R-RES-1, R-RES-3, R-SUB-2):

- a dossier whose result is returned online (its return method, by
  default online when the procedure's result is electronic only) reaches
  ``result_ready`` by an officer's action only with a signed result
  (``_result_ready`` before the steps are closed); a paper result handed
  at the desk or by post carries the handwritten signature and seal;
- a level-4 dossier (submitted online for a procedure whose service level
  offers online submission and result) without a validly signed
  component is flagged: the officer asks for the paper originals by post
  (Điều 9.2, ``paper_originals_needed``)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .exceptions import UnsignedResultError

SIGNED_RESULT_TYPES = {'electronic', 'both'}


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    paper_originals_needed = fields.Function(fields.Boolean(
            "Paper Originals Needed",
            help="A level-4 dossier submitted online without a validly "
            "signed file: ask the applicant for the paper originals by "
            "post (QĐ 04/2019, Điều 9.2)."),
        'get_paper_originals_needed',
        searcher='search_paper_originals_needed')
    signature_summary = fields.Function(fields.Char("Signed Files"),
        'get_signature_summary')

    def is_level_4(self):
        level = self.procedure.service_level if self.procedure else None
        return bool(self.channel == 'online' and level
            and level.online_submission and level.online_result)

    def signed_components(self):
        return [d for d in self.documents
            if d.kind != 'result' and d.signature_verdict == 'valid']

    def get_paper_originals_needed(self, name):
        if not self.is_level_4() or self.state == 'draft':
            return False
        return not self.signed_components()

    @classmethod
    def search_paper_originals_needed(cls, name, clause):
        "The officers' filter of the level-4 dossiers to ask paper for."
        _, operator, value = clause[:3]
        valid = [('kind', '!=', 'result'), ('signature_verdict', '=', 'valid')]
        if (operator == '=') == bool(value):
            return [
                ('channel', '=', 'online'),
                ('state', '!=', 'draft'),
                ('procedure.service_level.online_submission', '=', True),
                ('procedure.service_level.online_result', '=', True),
                ('documents', 'not where', valid),
                ]
        return ['OR',
            ('channel', '!=', 'online'),
            ('state', '=', 'draft'),
            ('procedure.service_level', '=', None),
            ('procedure.service_level.online_submission', '=', False),
            ('procedure.service_level.online_result', '=', False),
            ('documents', 'where', valid),
            ]

    def get_signature_summary(self, name):
        counts = {}
        for document in self.documents:
            if document.signature_verdict:
                counts.setdefault(document.signature_verdict_string, 0)
                counts[document.signature_verdict_string] += 1
        return ', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))

    def promises_signed_result(self):
        """The citizen receives the result online: the signed electronic
        document is what she gets (R-RES-1, level 4)."""
        method = self.return_method or self._default_return_method()
        return bool(self.procedure
            and self.procedure.result_type in SIGNED_RESULT_TYPES
            and method == 'online')

    def signed_results(self):
        return [d for d in self.documents
            if d.kind == 'result' and d.result_code]

    @classmethod
    def _check_signed_results(cls, dossiers):
        # As gov_dossier's officers' checks (``external``): enforced on
        # what a user does (sao, RPC), not on server code that builds
        # dossiers (demo, imports, test seeds) — see doc/index.rst.
        if not Transaction().context.get('_gov_signature_external'):
            return
        for dossier in dossiers:
            if dossier.backfilled:
                continue
            if dossier.promises_signed_result() and not (
                    dossier.signed_results()):
                raise UnsignedResultError(gettext(
                        'gov_signature.msg_result_unsigned',
                        dossier=dossier.rec_name,
                        procedure=dossier.procedure.rec_name))

    @classmethod
    def _as_external(cls, kwargs):
        "The context telling _result_ready a user asked (external)."
        transaction = Transaction()
        external = kwargs.get('external',
            bool(transaction.user and transaction.check_access))
        return transaction.set_context(_gov_signature_external=external)

    @classmethod
    def approve(cls, dossiers, *args, **kwargs):
        with cls._as_external(kwargs):
            return super().approve(dossiers, *args, **kwargs)

    @classmethod
    def result_ready(cls, dossiers, *args, **kwargs):
        with cls._as_external(kwargs):
            return super().result_ready(dossiers, *args, **kwargs)

    @classmethod
    def _result_ready(cls, dossiers, date=None, backfill=None):
        # Refused before the steps are finished.
        if not backfill:
            cls._check_signed_results(dossiers)
        return super()._result_ready(dossiers, date=date, backfill=backfill)
