# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Deadlines of feedback (R-FB-1, R-FB-2), in working days of gov.calendar:

- the answer is due answer_days after the receipt (escalation_days after an
  escalation or a transfer);
- every morning (cron ``escalate_overdue``) a complaint about a dossier
  still unanswered after its due day escalates to the superior agency;
- every morning (cron ``send_warnings``) the unit heads of the responsible
  agency (or of its nearest ancestor with one) are told, in sao's
  notifications, of the feedback due within due_soon_days and overdue."""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

DEADLINE_STATUSES = [
    (None, ""),
    ('on_track', "On Track"),
    ('due_soon', "Due Soon"),
    ('overdue', "Overdue"),
    ]


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class DeadlineMixin:
    "The clock and the deadlines of gov.feedback."
    __slots__ = ()

    deadline_status = fields.Function(fields.Selection(
            DEADLINE_STATUSES, "Deadline", sort=False),
        'get_deadline_status', searcher='search_deadline_status')
    my_agency = fields.Function(fields.Boolean("Of My Agency"),
        'get_my_agency', searcher='search_my_agency')

    @classmethod
    def _now(cls):
        "The current time (naive UTC); tests freeze it by patching."
        return utcnow()

    @classmethod
    def _today(cls):
        Calendar = Pool().get('gov.calendar')
        return Calendar.to_local(cls._now()).date()

    @classmethod
    def compute_due_date(cls, start, agency, days=None):
        "start + days (answer_days by default) working days of the agency."
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.feedback.configuration')
        if days is None:
            days = Configuration(1).answer_days
        return Calendar.add_working_days(start, days, agency)

    @classmethod
    def _due_soon_limit(cls, today):
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.feedback.configuration')
        days = Configuration(1).due_soon_days or 0
        limit = Calendar.add_working_days(today, days)
        if days and Calendar.working_days_between(today, limit) > days:
            limit = Calendar.add_working_days(today, days - 1)
        return limit

    def get_deadline_status(self, name):
        from .feedback import OPEN_STATES
        if self.state not in OPEN_STATES or not self.due_date:
            return None
        today = self._today()
        if self.due_date < today:
            return 'overdue'
        if self.due_date <= self._due_soon_limit(today):
            return 'due_soon'
        return 'on_track'

    @classmethod
    def search_deadline_status(cls, name, clause):
        from .feedback import OPEN_STATES
        _, operator, value, *_ = clause
        if operator not in {'=', '!='}:
            return [('id', '=', -1)]
        today = cls._today()
        limit = cls._due_soon_limit(today)
        open_ = ('state', 'in', OPEN_STATES)
        domains = {
            'overdue': [open_, ('due_date', '<', today)],
            'due_soon': [open_, ('due_date', '>=', today),
                ('due_date', '<=', limit)],
            'on_track': [open_, ('due_date', '>', limit)],
            None: ['OR', ('state', 'not in', OPEN_STATES),
                ('due_date', '=', None)],
            }
        domain = domains.get(value, [('id', '=', -1)])
        if operator == '!=':
            return ['OR'] + [d for k, d in domains.items() if k != value]
        return domain

    def get_my_agency(self, name):
        pool = Pool()
        Agency = pool.get('gov.agency')
        User = pool.get('res.user')
        return bool(self.agency and self.agency.id in Agency.dossier_agencies(
                User.get_agencies()))

    @classmethod
    def search_my_agency(cls, name, clause):
        pool = Pool()
        Agency = pool.get('gov.agency')
        User = pool.get('res.user')
        _, operator, value, *_ = clause
        agencies = list(Agency.dossier_agencies(User.get_agencies()))
        mine = bool(value) == (operator == '=')
        return [('agency', 'in' if mine else 'not in', agencies)]

    # -------------------------------------------------------- daily jobs

    @classmethod
    def escalate_overdue(cls):
        """Daily (R-FB-2): the complaints about a dossier still unanswered
        after their due day (working days) go to the superior agency."""
        today = cls._today()
        feedbacks = cls.search([
                ('kind', '=', 'complaint'),
                ('state', 'in', ['received', 'assigned']),
                ('due_date', '<', today),
                ], order=[('due_date', 'ASC'), ('id', 'ASC')])
        if feedbacks:
            with Transaction().set_user(0):
                cls.escalate(feedbacks, gettext(
                        'gov_feedback.msg_escalated_overdue'))
        return feedbacks

    @classmethod
    def send_warnings(cls):
        """Daily: the open feedback overdue or due within due_soon_days,
        once a day, to the unit heads of its agency (R-FB-1)."""
        today = cls._today()
        limit = cls._due_soon_limit(today)
        from .feedback import OPEN_STATES
        feedbacks = cls.search([
                ('state', 'in', OPEN_STATES),
                ('agency', '!=', None),
                ('due_date', '<=', limit),
                ['OR',
                    ('warning_date', '=', None),
                    ('warning_date', '<', today),
                    ],
                ], order=[('due_date', 'ASC'), ('id', 'ASC')])
        if not feedbacks:
            return {}
        cls._write(feedbacks, {'warning_date': today})
        by_user = defaultdict(list)
        for feedback in feedbacks:
            for user in feedback.get_unit_heads():
                by_user[user.id].append(feedback)
        User = Pool().get('res.user')
        with without_check_access():
            for user in User.browse(sorted(by_user)):
                context = {}
                if user.language:
                    context['language'] = user.language.code
                with Transaction().set_context(context):
                    for feedback in by_user[user.id]:
                        overdue = feedback.due_date < today
                        cls.notify_user([feedback],
                            'tryton-warning' if overdue
                            else 'tryton-notification',
                            gettext('gov_feedback.msg_warning_%s' % (
                                    'overdue' if overdue else 'due_soon'),
                                code=feedback.code),
                            description=gettext(
                                'gov_feedback.msg_warning_description',
                                title=feedback.title,
                                due=feedback.due_date.strftime('%d/%m/%Y')),
                            user=user.id)
        return dict(by_user)

    def get_unit_heads(self):
        """The users flagged head of the responsible agency, or of its
        nearest ancestor that has one."""
        Officer = Pool().get('gov.agency.officer')
        unit = self.agency
        while unit:
            heads = Officer.search([
                    ('agency', '=', unit.id),
                    ('head', '=', True),
                    ])
            if heads:
                return [h.user for h in heads]
            unit = unit.parent
        return []
