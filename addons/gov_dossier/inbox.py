# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The one-stop desk's inbox: what just arrived, and telling its officers.

A dossier *arrives* at the desk serving its agency (routing.py) when it is
submitted online or by the post office, or submitted again after a
supplement request. Until an officer of the desk handles it (receives it,
asks for a supplement, refuses it) it is `arrival` 'new' or 'supplement':

- the officers' dossier list has a tab "New dossiers" with the count of
  these (dossier.xml), and marks their rows (green, bold, an icon before
  the code: a bell for a new dossier, a paper clip for a supplement);
- at the arrival, every officer who could receive the dossier
  (Agency.receiving_officers) is told through Tryton's back-office
  notifications (`res.notification`, the bell of sao, with the count of the
  unread ones), in their own language; clicking it opens the dossier.

`arrival` is computed from two columns of the dossier (state = submitted,
and whether a supplement was asked for before); its search is the indexed
`state` equality, so the tab's count stays as cheap as "To Check" on the
province's hundreds of thousands of dossiers (bench/).

The lists show `submission_date`: the last submission online or by post,
or the reception for a dossier brought to the desk (which has no
submission of its own)."""
from collections import defaultdict

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

ARRIVALS = [
    (None, ""),
    ('new', "New"),
    ('supplement', "Supplement Received"),
    ]
ARRIVAL_ICONS = {
    'new': 'tryton-notification',
    'supplement': 'tryton-attach',
    }
# The state of a dossier waiting for the desk.
ARRIVED = 'submitted'


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    arrival = fields.Function(fields.Selection(ARRIVALS, "Arrival",
            help="New: submitted online or by post and not yet handled by "
            "the one-stop desk. Supplement received: submitted again after "
            "a supplement request."),
        'get_arrival', searcher='search_arrival')
    arrival_icon = fields.Function(
        fields.Char("Arrival Icon"), 'get_arrival')
    submission_date = fields.Function(fields.DateTime("Submission Date",
            help="The last submission online or by post; for a dossier "
            "brought to the desk, its reception."),
        'get_submission_date', searcher='search_submission_date')

    @classmethod
    def view_attributes(cls):
        """The rows of the dossiers that just arrived are marked (custom.css
        writes them in bold); they are never overdue nor due soon, whose
        colours stay."""
        attributes = super().view_attributes()
        visual = next((value for xpath, name, value in reversed(attributes)
                if xpath == '/tree' and name == 'visual'), '')
        return attributes + [
            ('/tree', 'visual',
                If(Bool(Eval('arrival')), 'success', visual)),
            ]

    @classmethod
    def get_arrival(cls, dossiers, names):
        result = {name: {} for name in names}
        for dossier in dossiers:
            arrival = None
            if dossier.state == ARRIVED:
                arrival = ('supplement' if dossier.supplement_reason
                    else 'new')
            if 'arrival' in result:
                result['arrival'][dossier.id] = arrival
            if 'arrival_icon' in result:
                result['arrival_icon'][dossier.id] = ARRIVAL_ICONS.get(
                    arrival)
        return result

    @classmethod
    def search_arrival(cls, name, clause):
        _, operator, value, *_ = clause
        if operator in {'=', '!='}:
            values = {value}
        elif operator in {'in', 'not in'}:
            values = set(value or [])
        else:
            return [('id', '=', -1)]
        arrivals = {a for a, _ in ARRIVALS}
        if operator in {'!=', 'not in'}:
            values = arrivals - values
        values &= arrivals
        domains = {
            'new': [('state', '=', ARRIVED),
                ('supplement_reason', '=', None)],
            'supplement': [('state', '=', ARRIVED),
                ('supplement_reason', '!=', None)],
            None: [('state', '!=', ARRIVED)],
            }
        if values == {'new', 'supplement'}:
            # The tab "New dossiers": one indexed equality.
            return [('state', '=', ARRIVED)]
        if not values:
            return [('id', '=', -1)]
        return [['OR'] + [domains[v] for v in values]]

    def get_submission_date(self, name):
        return self.submitted_date or self.received_date

    @classmethod
    def search_submission_date(cls, name, clause):
        _, operator, value, *extra = clause
        return ['OR',
            ('submitted_date', operator, value, *extra),
            [('submitted_date', '=', None),
                ('received_date', operator, value, *extra)],
            ]

    @classmethod
    def order_submission_date(cls, tables):
        table, _ = tables[None]
        return [Coalesce(table.submitted_date, table.received_date)]

    @classmethod
    def _on_event(cls, dossiers, event):
        super()._on_event(dossiers, event)
        if event == 'submitted':
            cls.tell_receiving_officers(dossiers)

    @classmethod
    def tell_receiving_officers(cls, dossiers):
        """A back-office notification to every officer who could receive
        the dossiers (but the one who submitted them), in the officer's
        language; saved when the transaction commits (a submission that
        fails tells nobody). Returns {user id: [dossiers]}."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        User = pool.get('res.user')
        with without_check_access():
            officers = Agency.receiving_officers()
        me = Transaction().user
        by_user = defaultdict(list)
        for dossier in dossiers:
            for user_id in sorted(officers.get(dossier.agency.id, ())):
                if user_id != me:
                    by_user[user_id].append(dossier)
        if not by_user:
            return {}
        with without_check_access():
            users = User.browse(sorted(by_user))
            for user in users:
                context = {}
                if user.language:
                    context['language'] = user.language.code
                with Transaction().set_context(context):
                    for dossier in by_user[user.id]:
                        cls._notify_officer(dossier, user)
        return dict(by_user)

    @classmethod
    def _notify_officer(cls, dossier, user):
        arrival = 'supplement' if dossier.supplement_reason else 'new'
        agency = dossier.agency
        label = gettext('gov_dossier.msg_inbox_%s' % arrival,
            code=dossier.code or dossier.rec_name)
        description = gettext('gov_dossier.msg_inbox_description',
            procedure=dossier.procedure.name,
            applicant=dossier.applicant_name or '',
            agency=agency.short_name or agency.name)
        cls.notify_user([dossier], ARRIVAL_ICONS[arrival], label,
            description=description, user=user.id)
