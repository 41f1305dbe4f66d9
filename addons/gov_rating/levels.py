# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The three levels of Điều 14.2 (QĐ 04/2019) and what is rated on them:
the service overall, then optionally its three details."""

LEVELS = [
    ('very_satisfied', "Very Satisfied"),
    ('satisfied', "Satisfied"),
    ('unsatisfied', "Not Satisfied"),
    ]
LEVEL_KEYS = tuple(k for k, _ in LEVELS)
# Điều 14.2.b: convenience (easy to use, fast), on-time handling and
# results, attitude of the staff.
DETAILS = ('convenience', 'timeliness', 'attitude')
CRITERIA = ('overall',) + DETAILS
