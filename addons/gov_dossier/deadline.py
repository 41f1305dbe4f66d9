# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Deadlines of a dossier (R-PROC-2, R-PROC-4): the due date counted in
working days with the agency's calendar, the days left and the deadline
status of the lists, the timeliness of a finished dossier or step, and the
daily late warning."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.pool import Pool

from .workflow import CLOCK_STATES

TIMELINESS = [
    (None, ""),
    ('early', "Early"),
    ('on_time', "On Time"),
    ('late', "Late"),
    ]


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class DeadlineMixin:
    "The clock and the deadlines of gov.dossier."
    __slots__ = ()

    @classmethod
    def _now(cls):
        """The current time (naive UTC). A transition done at another
        moment (backfill, the demo's history) takes it as `at=`; tests
        freeze the clock by patching this method."""
        return utcnow()

    @classmethod
    def _today(cls, agency=None):
        Calendar = Pool().get('gov.calendar')
        return Calendar.to_local(cls._now(), agency).date()

    @classmethod
    def get_deadline(cls, dossiers, names):
        """days_left and deadline_status of many dossiers at once (a list
        view reads 80): today, the due-soon limit and the working-day counts
        are computed once per agency and due date, not once per record."""
        Calendar = Pool().get('gov.calendar')
        result = {name: {} for name in names}
        todays, limits, counts = {}, {}, {}

        def today_of(agency):
            key = agency.id if agency else None
            if key not in todays:
                todays[key] = cls._today(agency)
            return todays[key]

        for dossier in dossiers:
            due, agency = dossier.due_date, dossier.agency
            if 'days_left' in result:
                value = None
                if due and dossier.state in CLOCK_STATES + ['suspended']:
                    today = today_of(agency)
                    key = (today, due, agency.id if agency else None)
                    if key not in counts:
                        counts[key] = Calendar.working_days_between(
                            today, due, agency)
                    value = counts[key]
                elif dossier.state == 'submitted' and dossier.submitted_date:
                    # Waiting for the desk: the days left before its
                    # completeness check is due (citizen.py).
                    value = Calendar.working_days_between(today_of(agency),
                        dossier.expected_check_date(), agency)
                result['days_left'][dossier.id] = value
            if 'deadline_status' in result:
                status = None
                if due and dossier.state in CLOCK_STATES:
                    today = today_of(agency)
                    if due < today:
                        status = 'overdue'
                    else:
                        if today not in limits:
                            limits[today] = cls._due_soon_limit(today)
                        status = ('due_soon' if due <= limits[today]
                            else 'on_track')
                result['deadline_status'][dossier.id] = status
        return result

    @classmethod
    def _due_soon_limit(cls, today):
        """The last day with at most due_soon_days working days left, as
        days_left counts them (working_days_between): on a Sunday, due
        within 1 working day is due by Monday, not Tuesday — the receipt
        rule of add_working_days would move Sunday to Monday first."""
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Configuration = pool.get('gov.dossier.configuration')
        days = Configuration(1).due_soon_days
        if days is None:
            days = 1
        limit = Calendar.add_working_days(today, days)
        if Calendar.working_days_between(today, limit) > days:
            # today is not a working day: one working day fewer.
            limit = (Calendar.add_working_days(today, days - 1)
                if days else today)
        return limit

    @classmethod
    def search_deadline_status(cls, name, clause):
        _, operator, value, *_ = clause
        statuses = {'overdue', 'due_soon', 'on_track', None}
        if operator in {'=', '!='}:
            values = {value}
        elif operator in {'in', 'not in'}:
            values = set(value or [])
        else:
            return [('id', '=', -1)]
        if operator in {'!=', 'not in'}:
            values = statuses - values
        values &= statuses
        today = cls._today()
        clock = ('state', 'in', CLOCK_STATES)
        domains = {
            'overdue': [clock, ('due_date', '<', today)],
            None: ['OR',
                ('state', 'not in', CLOCK_STATES), ('due_date', '=', None)],
            }
        if values & {'due_soon', 'on_track'}:
            # The officers' Overdue tab needs no working-day count.
            limit = cls._due_soon_limit(today)
            domains['due_soon'] = [clock,
                ('due_date', '>=', today), ('due_date', '<=', limit)]
            domains['on_track'] = [clock, ('due_date', '>', limit)]
        domain = ['OR'] + [domains[v] for v in values]
        if len(domain) == 1:
            return [('id', '=', -1)]
        return [domain]

    def get_received_day(self, name):
        if self.received_date:
            Calendar = Pool().get('gov.calendar')
            return Calendar.to_local(self.received_date, self.agency).date()

    @classmethod
    def search_received_day(cls, name, clause):
        "Local days → ranges of naive UTC datetimes."
        from zoneinfo import ZoneInfo
        Calendar = Pool().get('gov.calendar')
        _, operator, value, *_ = clause
        if value is None:
            return [('received_date', operator, None)]
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if isinstance(value, dt.datetime):
            value = value.date()
        tz = ZoneInfo(Calendar._settings()[0])

        def utc(day):
            return (dt.datetime.combine(day, dt.time(), tzinfo=tz)
                .astimezone(dt.timezone.utc).replace(tzinfo=None))
        start, end = utc(value), utc(value + dt.timedelta(days=1))
        if operator == '=':
            return [('received_date', '>=', start),
                ('received_date', '<', end)]
        elif operator == '!=':
            return ['OR', ('received_date', '<', start),
                ('received_date', '>=', end), ('received_date', '=', None)]
        elif operator == '>=':
            return [('received_date', '>=', start)]
        elif operator == '>':
            return [('received_date', '>=', end)]
        elif operator == '<':
            return [('received_date', '<', start)]
        elif operator == '<=':
            return [('received_date', '<', end)]
        return []

    def compute_due_date(self):
        """received_date + processing days + suspended working days, with
        the agency's working calendar (R-PROC-2)."""
        Calendar = Pool().get('gov.calendar')
        if not self.received_date or self.processing_days is None:
            return None
        days = Decimal(self.processing_days) + (self.suspended_days or 0)
        return Calendar.add_working_days(
            self.received_date, days, self.agency)

    @classmethod
    def classify_timeliness(cls, completion_day, due_date):
        "early before the due date, on_time on it, late after (R-PROC-4)."
        if not completion_day or not due_date:
            return None
        if completion_day < due_date:
            return 'early'
        if completion_day == due_date:
            return 'on_time'
        return 'late'

    def compute_timeliness(self):
        Calendar = Pool().get('gov.calendar')
        if not self.completed_date:
            return None
        day = Calendar.to_local(self.completed_date, self.agency).date()
        return self.classify_timeliness(day, self.due_date)

    @classmethod
    def send_late_warnings(cls):
        """Daily: the dossiers at a unit that are overdue or due within the
        configured working days (default 1) are announced once a day —
        _on_event(dossiers, 'late_warning') once per current unit, whose
        heads are get_unit_heads() (R-PROC-4)."""
        today = cls._today()
        limit = cls._due_soon_limit(today)
        dossiers = cls.search([
                ('state', 'in', CLOCK_STATES),
                ('due_date', '<=', limit),
                ['OR',
                    ('late_warning_date', '=', None),
                    ('late_warning_date', '<', today),
                    ],
                ], order=[('due_date', 'ASC'), ('id', 'ASC')])
        if not dossiers:
            return []
        cls.write(dossiers, {'late_warning_date': today})
        by_unit = defaultdict(list)
        for dossier in dossiers:
            unit = dossier.current_unit or dossier.agency
            by_unit[unit.id].append(dossier)
        for unit_id, group in sorted(by_unit.items()):
            cls._on_event(group, 'late_warning')
        return dossiers

    def get_unit_heads(self):
        """The users flagged head of the dossier's current unit, or of the
        nearest ancestor that has one."""
        Officer = Pool().get('gov.agency.officer')
        unit = self.current_unit or self.agency
        while unit:
            heads = Officer.search([
                    ('agency', '=', unit.id),
                    ('head', '=', True),
                    ])
            if heads:
                return [h.user for h in heads]
            unit = unit.parent
        return []
