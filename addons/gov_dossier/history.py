# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The audit history of a dossier: one entry per transition, append-only
(R-PROC-1, R-LOOK-3)."""
from trytond.model import Index, ModelSQL, ModelView, fields

from .access import RuleCheckedExportMixin, _ChildCheckMixin
from .workflow import EVENTS, STATES


class DossierHistory(RuleCheckedExportMixin, _ChildCheckMixin, ModelSQL,
        ModelView):
    "One transition of a dossier: who, when, from, to, why (R-PROC-1)."
    __name__ = 'gov.dossier.history'
    __string__ = "Dossier History"
    _rec_name = 'event_label'

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE',
        readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    web_user = fields.Many2One(
        'web.user', "Citizen Account", readonly=True, ondelete='SET NULL')
    from_state = fields.Selection(
        [(None, '')] + STATES, "From", readonly=True, sort=False)
    from_state_string = from_state.translated('from_state')
    to_state = fields.Selection(
        [(None, '')] + STATES, "To", readonly=True, sort=False)
    to_state_string = to_state.translated('to_state')
    event = fields.Selection(
        EVENTS, "Event", required=True, readonly=True, sort=False)
    event_string = event.translated('event')
    event_label = fields.Function(fields.Char("Event"), 'get_event_label',
        searcher='search_event_label')
    reason = fields.Text("Reason", readonly=True)
    unit = fields.Many2One(
        'gov.agency', "Unit", readonly=True, ondelete='RESTRICT')
    step_name = fields.Char("Step", readonly=True)
    public = fields.Boolean(
        "Shown to the Citizen", readonly=True,
        help="Shown in the citizen's history (without officers' names).")
    backfill_note = fields.Text("Backfill", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.dossier, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_public(cls):
        return True

    def get_event_label(self, name):
        return self.event_string

    @classmethod
    def search_event_label(cls, name, clause):
        return [('event',) + tuple(clause[1:])]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        """The audit trail is append-only: only the workflow creates
        entries; nobody changes them, through RPC nobody deletes them."""
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write':
            cls._refuse_rpc()
