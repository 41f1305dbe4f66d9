# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Settings of the public-utility postal service (QĐ 04/2019, Điều 19, 29).

- The cap of a contract's full-journey time: Điều 19.5 bounds the agreed
  time by the national postal quality rules (Thông tư 15/2011/TT-BTTTT
  and its successors); the value depends on the route and is set here by
  the administrator, not written in the code.
- The handover time: Điều 29.2, results are carried to the citizen within
  24 hours of the post receiving them; the one-stop desk hands a ready
  result to the post within the same time (counted on working days)."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

# Thông tư 15/2011/TT-BTTTT gives full-journey times of a few days for
# letters within a province; three days is the demo's assumption, to be
# confirmed by the provincial Department of Information and Communications.
DEFAULT_JOURNEY_HOURS_CAP = 72
# QĐ 04/2019, Điều 29.2.
DEFAULT_HANDOVER_HOURS = 24


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Settings of the public-utility postal service."
    __name__ = 'gov.postal.configuration'
    __string__ = "Postal Service Configuration"

    journey_hours_cap = fields.Integer(
        "Full-Journey Time Cap (Hours)", required=True,
        domain=[('journey_hours_cap', '>', 0)],
        help="No contract may agree a longer full-journey time (QĐ 04/2019, "
        "Điều 19.5: the national postal quality rules).")
    handover_hours = fields.Integer(
        "Handover Time (Working Hours)", required=True,
        domain=[('handover_hours', '>', 0)],
        help="A result to be returned by post is handed to the post within "
        "this time after it is ready; only the hours of working days count "
        "(QĐ 04/2019, Điều 29.2: 24 hours).")

    @classmethod
    def default_journey_hours_cap(cls):
        return DEFAULT_JOURNEY_HOURS_CAP

    @classmethod
    def default_handover_hours(cls):
        return DEFAULT_HANDOVER_HOURS
