# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Working calendar: the one place where working days are counted.

The documented default rule (R-PROC-2, Điều 13.1.a of QĐ 04/2019):
- the *effective receipt day* is the day of receipt when it is a working day
  and the receipt time (in the province's timezone) is before the cut-off
  hour (default 15:00); otherwise it is the next working day;
- the due date is the N-th working day after the effective receipt day (the
  day of receipt itself is not counted); a fractional N rounds up; N = 0
  means the effective receipt day itself.
A working day is a day of the agency's working week (Monday–Friday unless
configured) that is not a holiday or compensatory day off, or any day marked
as a make-up working day.
"""
import datetime as dt
import math
from decimal import Decimal
from zoneinfo import ZoneInfo

from trytond.cache import Cache
from trytond import config
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool

from .agency import WEEKDAYS
from .exceptions import CalendarError

DEFAULT_WEEK = ['0', '1', '2', '3', '4']
# Longest run of non-working days we accept before declaring the calendar
# broken (e.g. an empty working week): ten years.
MAX_SCAN_DAYS = 3660


def default_timezone():
    return config.get('gov', 'timezone', default='Asia/Ho_Chi_Minh')


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Settings of the working calendar."
    __name__ = 'gov.configuration'
    __string__ = "Working Calendar Configuration"

    timezone = fields.Char(
        "Timezone", required=True,
        help="Receipt times (stored in UTC) are read in this timezone.")
    cutoff_time = fields.Time(
        "Cut-off Time", required=True,
        help="A dossier received at or after this time counts from the "
        "next working day.")
    working_weekdays = fields.MultiSelection(
        WEEKDAYS, "Working Weekdays", sort=False, required=True)

    @classmethod
    def default_timezone(cls):
        return default_timezone()

    @classmethod
    def default_cutoff_time(cls):
        return dt.time(15, 0)

    @classmethod
    def default_working_weekdays(cls):
        return list(DEFAULT_WEEK)

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'timezone' not in field_names:
            return
        for record in records:
            try:
                ZoneInfo(record.timezone)
            except Exception:
                raise CalendarError(gettext(
                        'gov_agency.msg_configuration_timezone_invalid',
                        timezone=record.timezone))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('gov.calendar')._week_cache.clear()


class Holiday(ModelSQL, ModelView):
    "A day off or a make-up working day of the province's calendar."
    __name__ = 'gov.holiday'
    __string__ = "Holiday"

    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('public_holiday', "Public Holiday"),
            ('compensatory_day_off', "Compensatory Day Off"),
            ('makeup_working_day', "Make-up Working Day"),
            ], "Kind", required=True, sort=False,
        help="A make-up working day is worked even when it falls on a "
        "weekend; the other kinds are days off.")
    source = fields.Char("Source", help="The decision announcing this day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_uniq', Unique(t, t.date),
                'gov_agency.msg_holiday_date_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range(order='ASC'))))
        cls._order.insert(0, ('date', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'public_holiday'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('gov.calendar')._days_cache.clear()


class Calendar(ModelView):
    "The working-day arithmetic service."
    __name__ = 'gov.calendar'
    __string__ = "Working Calendar"

    _days_cache = Cache('gov.calendar.days', context=False)
    _week_cache = Cache('gov.calendar.week', context=False)

    @classmethod
    def _special_days(cls):
        "Map ISO date → True (working) / False (day off) for listed days."
        days = cls._days_cache.get(None)
        if days is None:
            Holiday = Pool().get('gov.holiday')
            days = {h.date.isoformat(): h.kind == 'makeup_working_day'
                for h in Holiday.search([])}
            cls._days_cache.set(None, days)
        return days

    @classmethod
    def _settings(cls, agency=None):
        "Return (timezone name, cut-off time, working weekdays)."
        key = int(agency) if agency is not None else None
        settings = cls._week_cache.get(key)
        if settings is None:
            pool = Pool()
            Configuration = pool.get('gov.configuration')
            Agency = pool.get('gov.agency')
            configuration = Configuration(1)
            week = None
            if key is not None:
                week = Agency(key).get_working_weekdays()
            week = week or configuration.working_weekdays or DEFAULT_WEEK
            settings = (
                configuration.timezone or default_timezone(),
                configuration.cutoff_time or dt.time(15, 0),
                sorted(int(d) for d in week))
            cls._week_cache.set(key, settings)
        tz, cutoff, week = settings
        return tz, cutoff, frozenset(week)

    @classmethod
    def is_working_day(cls, day, agency=None):
        _, _, week = cls._settings(agency)
        return cls._is_working_day(day, week, cls._special_days())

    @staticmethod
    def _is_working_day(day, week, special_days):
        special = special_days.get(day.isoformat())
        if special is not None:
            return special
        return day.weekday() in week

    @classmethod
    def _next_working_day(cls, day, week, special_days):
        for _ in range(MAX_SCAN_DAYS):
            day += dt.timedelta(days=1)
            if cls._is_working_day(day, week, special_days):
                return day
        raise CalendarError(gettext('gov_agency.msg_calendar_no_working_day'))

    @classmethod
    def to_local(cls, value, agency=None):
        "Read a naive UTC datetime in the configured timezone (naive result)."
        tz, _, _ = cls._settings(agency)
        return (value.replace(tzinfo=dt.timezone.utc)
            .astimezone(ZoneInfo(tz)).replace(tzinfo=None))

    @classmethod
    def effective_receipt_day(cls, start, agency=None):
        """The day the count starts from.

        start is a naive UTC datetime (as Tryton stores it), or a date (taken
        as received during working hours of that day)."""
        _, cutoff, week = cls._settings(agency)
        special_days = cls._special_days()
        if isinstance(start, dt.datetime):
            local = cls.to_local(start, agency)
            day, in_time = local.date(), local.time() < cutoff
        else:
            day, in_time = start, True
        if in_time and cls._is_working_day(day, week, special_days):
            return day
        return cls._next_working_day(day, week, special_days)

    @classmethod
    def add_working_days(cls, start, days, agency=None):
        """Return the due date: the N-th working day after the effective
        receipt day of start (N = days, rounded up; 0 is that day itself)."""
        if days is None or Decimal(str(days)) < 0:
            raise CalendarError(gettext(
                    'gov_agency.msg_calendar_negative_days', days=days))
        count = math.ceil(Decimal(str(days)))
        _, _, week = cls._settings(agency)
        special_days = cls._special_days()
        day = cls.effective_receipt_day(start, agency)
        for _ in range(count):
            day = cls._next_working_day(day, week, special_days)
        return day

    @classmethod
    def working_days_between(cls, start, end, agency=None):
        """Number of working days d with start < d <= end.

        Negative when end is before start, so that
        working_days_between(a, b) == -working_days_between(b, a) and
        working_days_between(d, add_working_days(d, n)) == n for a working
        day d received before the cut-off."""
        if isinstance(start, dt.datetime):
            start = cls.to_local(start, agency).date()
        if isinstance(end, dt.datetime):
            end = cls.to_local(end, agency).date()
        if end < start:
            return -cls.working_days_between(end, start, agency)
        _, _, week = cls._settings(agency)
        special_days = cls._special_days()
        # Whole weeks first, then the remaining days one by one.
        span = (end - start).days
        weeks, rest = divmod(span, 7)
        count = weeks * len(week)
        day = start
        for _ in range(rest):
            day += dt.timedelta(days=1)
            count += day.weekday() in week
        for iso, working in special_days.items():
            if start.isoformat() < iso <= end.isoformat():
                normal = dt.date.fromisoformat(iso).weekday() in week
                count += int(working) - int(normal)
        return count

    @classmethod
    def add_working_hours(cls, start, hours, agency=None):
        """The moment `hours` after start (naive UTC datetimes) when only
        the hours of working days count: a result ready on Friday at 16:00
        with 24 hours to go is due on Monday at 16:00, Tuesday when Monday
        is a holiday (QĐ 04/2019, Điều 29.2, the postal handover)."""
        if hours is None or hours < 0:
            raise CalendarError(gettext(
                    'gov_agency.msg_calendar_negative_days', days=hours))
        tz, _, week = cls._settings(agency)
        zone = ZoneInfo(tz)
        special_days = cls._special_days()
        local = cls.to_local(start, agency)
        remaining = dt.timedelta(hours=float(hours))
        day = local.date()
        if not cls._is_working_day(day, week, special_days):
            day = cls._next_working_day(day, week, special_days)
            local = dt.datetime.combine(day, dt.time())
        while True:
            midnight = dt.datetime.combine(
                local.date() + dt.timedelta(days=1), dt.time())
            if local + remaining <= midnight:
                local += remaining
                break
            remaining -= midnight - local
            local = dt.datetime.combine(cls._next_working_day(
                    local.date(), week, special_days), dt.time())
        return (local.replace(tzinfo=zone).astimezone(dt.timezone.utc)
            .replace(tzinfo=None))
