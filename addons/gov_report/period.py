# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The reporting periods of the statutory reports (R-REP-2).

The national reporting regime (Nghị định 09/2019/NĐ-CP, Điều 12: "thời gian
chốt số liệu") closes the figures of a year's reports on these days, which
are the defaults here:

- six-monthly report of year Y: 15 December of Y-1 to 14 June of Y;
- annual report of year Y: 15 December of Y-1 to 14 December of Y.

Both start on the same day; the provincial office may change the day and
month of the start and of both ends (Configuration). A start later in the
year than the end belongs to the previous year, as the default does."""
import datetime as dt

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool

KINDS = [
    ('semester', "Six-Monthly"),
    ('annual', "Annual"),
    ]
DEFAULTS = {
    'start_month': 12, 'start_day': 15,
    'semester_end_month': 6, 'semester_end_day': 14,
    'annual_end_month': 12, 'annual_end_day': 14,
    }
# Pairs (month field, day field) checked to be a day of every year.
DAYS = [
    ('start_month', 'start_day'),
    ('semester_end_month', 'semester_end_day'),
    ('annual_end_month', 'annual_end_day'),
    ]


class PeriodConfiguration(ModelSingleton, ModelSQL, ModelView):
    "The default reporting periods of the statutory reports."
    __name__ = 'gov.report.period.configuration'
    __string__ = "Reporting Periods"
    # The configured days (DEFAULTS' names), read once per process and
    # database until the configuration changes (on_modification): every
    # procedure page shows two periods computed from them.
    _days_cache = Cache('gov.report.period.configuration.days',
        context=False)

    start_month = fields.Integer("Start Month", required=True,
        help="The month of the first day of the reporting year "
        "(default: December of the previous year).")
    start_day = fields.Integer("Start Day", required=True)
    semester_end_month = fields.Integer(
        "Six-Monthly End Month", required=True)
    semester_end_day = fields.Integer("Six-Monthly End Day", required=True)
    annual_end_month = fields.Integer("Annual End Month", required=True)
    annual_end_day = fields.Integer("Annual End Day", required=True)

    @classmethod
    def default_start_month(cls):
        return DEFAULTS['start_month']

    @classmethod
    def default_start_day(cls):
        return DEFAULTS['start_day']

    @classmethod
    def default_semester_end_month(cls):
        return DEFAULTS['semester_end_month']

    @classmethod
    def default_semester_end_day(cls):
        return DEFAULTS['semester_end_day']

    @classmethod
    def default_annual_end_month(cls):
        return DEFAULTS['annual_end_month']

    @classmethod
    def default_annual_end_day(cls):
        return DEFAULTS['annual_end_day']

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            for month, day in DAYS:
                try:
                    # 2001: not a leap year, so 29 February is refused.
                    dt.date(2001, getattr(record, month),
                        getattr(record, day))
                except (TypeError, ValueError):
                    raise ValidationError(gettext(
                            'gov_report.msg_period_day',
                            month=getattr(record, month),
                            day=getattr(record, day)))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._days_cache.clear()

    @classmethod
    def days(cls):
        "{name: value} of the configured days (DEFAULTS' names)."
        days = cls._days_cache.get(None)
        if days is None:
            config = cls(1)
            days = {name: getattr(config, name) for name in DEFAULTS}
            cls._days_cache.set(None, days)
        return days

    @classmethod
    def period(cls, kind, year):
        """(start, end) dates, both included, of the report of kind
        ('semester' or 'annual') of year."""
        days = cls.days()
        end = dt.date(year, *{
                'semester': (days['semester_end_month'],
                    days['semester_end_day']),
                'annual': (days['annual_end_month'], days['annual_end_day']),
                }[kind])
        start = dt.date(year, days['start_month'], days['start_day'])
        if start > end:
            start = start.replace(year=year - 1)
        return start, end


def default_period(kind, year):
    "The configured default period of a report of kind and year."
    return Pool().get('gov.report.period.configuration').period(kind, year)
