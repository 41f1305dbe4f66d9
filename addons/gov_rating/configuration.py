# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Settings of the satisfaction rating (R-RATE-1): how long a citizen may
change the rating she gave."""
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

    @classmethod
    def default_change_days(cls):
        return DEFAULT_CHANGE_DAYS
