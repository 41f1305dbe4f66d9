# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the agency does of a "Chưa hài lòng" rating (R-RATE-2: ratings
are used to improve the services).

A rating whose overall level is ``unsatisfied`` opens a follow-up for the
leaders of the dossier's agency (record rule by agency, as the dossiers):
``open`` → ``closed`` by the leader's button, which asks for the outcome
(what was found, what was done) and stamps who closed it and when. The
follow-up is written only by that button: not through RPC."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from gov_procedure.bounds import LONG_TEXT, TextBoundsMixin

from .exceptions import RatingAccessError, RatingError
from .levels import LEVELS

STATES = [
    ('open', "Open"),
    ('closed', "Closed"),
    ]


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Followup(TextBoundsMixin, ModelSQL, ModelView):
    "The follow-up of a rating that was not satisfied."
    __name__ = 'gov.rating.followup'
    __string__ = "Rating Follow-up"
    _text_bounds = {'outcome': (LONG_TEXT, True)}

    rating = fields.Many2One(
        'gov.rating', "Rating", required=True, readonly=True,
        ondelete='CASCADE')
    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, readonly=True,
        ondelete='CASCADE')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT')
    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, readonly=True,
        ondelete='RESTRICT')
    overall = fields.Function(fields.Selection(
            LEVELS, "Overall Rating"), 'get_rating_field')
    comment = fields.Function(fields.Text("Comment"), 'get_rating_field')
    rated_at = fields.Function(
        fields.DateTime("Rated At"), 'get_rating_field')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    outcome = fields.Text(
        "Outcome", readonly=True,
        help="What was found and what was done; written when closing.")
    closed_by = fields.Many2One(
        'res.user', "Closed By", readonly=True, ondelete='RESTRICT')
    closed_at = fields.DateTime("Closed At", readonly=True)

    def get_rec_name(self, name):
        return self.dossier.rec_name if self.dossier else str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('dossier.rec_name',) + tuple(clause[1:])]

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state == 'open'))
        cls._order = [('id', 'DESC')]
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rating_field(self, name):
        value = getattr(self.rating, name)
        return value

    @classmethod
    def check_modification(
            cls, mode, followups, values=None, external=False):
        """Opened by the ratings, closed by the leader's button: nobody
        writes a follow-up through RPC (R-AG-3)."""
        super().check_modification(
            mode, followups, values=values, external=external)
        if external:
            raise RatingAccessError(gettext('gov_rating.msg_followup_rpc'))

    @classmethod
    def open_for(cls, ratings):
        """Open a follow-up for each rating overall ``unsatisfied`` that
        has none open (a rating changed to unsatisfied again after its
        follow-up was closed opens a new one)."""
        to_create = []
        for rating in ratings:
            if rating.overall != 'unsatisfied':
                continue
            if any(f.state == 'open' for f in rating.followups):
                continue
            to_create.append({
                    'rating': rating.id,
                    'dossier': rating.dossier.id,
                    'agency': rating.agency.id,
                    'procedure': rating.procedure.id,
                    })
        if to_create:
            cls.create(to_create)

    @classmethod
    @ModelView.button
    def close(cls, followups, outcome=None):
        """Close the follow-ups with their outcome (the leader's button);
        without the outcome, the wizard asking for it."""
        if outcome is None:
            ModelData = Pool().get('ir.model.data')
            Action = Pool().get('ir.action')
            return Action.get_action_id(ModelData.get_id(
                    'gov_rating', 'wizard_followup_close'))
        outcome = outcome.strip()
        if not outcome:
            raise RatingError(gettext('gov_rating.msg_followup_outcome'))
        for followup in followups:
            if followup.state != 'open':
                raise RatingError(gettext(
                        'gov_rating.msg_followup_closed',
                        followup=followup.rec_name))
        cls.write(list(followups), {
                'state': 'closed',
                'outcome': outcome,
                'closed_by': Transaction().user or None,
                'closed_at': utcnow(),
                })


class CloseStart(ModelView):
    "Close the Follow-up"
    __name__ = 'gov.rating.followup.close.start'
    __string__ = "Close the Follow-up"

    outcome = fields.Text(
        "Outcome", required=True,
        help="What was found and what was done for the citizen and the "
        "service.")


class Close(Wizard):
    "Close the Follow-up"
    __name__ = 'gov.rating.followup.close'
    start = StateView('gov.rating.followup.close.start',
        'gov_rating.followup_close_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Close", 'close', 'tryton-ok', default=True),
            ])
    close = StateTransition()

    def transition_close(self):
        Followup = Pool().get('gov.rating.followup')
        # The button's groups and state are checked again on the server,
        # whatever way the wizard was started.
        with check_access():
            Followup.close(list(self.records), outcome=self.start.outcome)
        return 'end'

    def end(self):
        return 'reload'
