# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Settings of the satisfaction rating (R-RATE-1): how long a citizen may
change the rating she gave."""
from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

DEFAULT_CHANGE_DAYS = 7


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Settings of the satisfaction rating."
    __name__ = 'gov.rating.configuration'
    __string__ = "Satisfaction Rating Configuration"

    change_days = fields.Integer(
        "Change Period (Days)", required=True,
        domain=[('change_days', '>=', 0)],
        help="A citizen may change her rating during this many days after "
        "she first gave it; 0: never.")

    # Read at each view of a procedure page (the tally's frozen moment):
    # kept per database, cleared in every process by any change.
    _change_days_cache = Cache('gov.rating.change_days', context=False)

    @classmethod
    def default_change_days(cls):
        return DEFAULT_CHANGE_DAYS

    @classmethod
    def get_change_days(cls):
        "The change period in days."
        days = cls._change_days_cache.get(None, -1)
        if days == -1:
            days = cls(1).change_days
            if days is None:
                days = DEFAULT_CHANGE_DAYS
            cls._change_days_cache.set(None, days)
        return days

    @classmethod
    def create(cls, vlist):
        cls._change_days_cache.clear()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._change_days_cache.clear()
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._change_days_cache.clear()
        super().delete(records)
