# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta

from gov_dossier.ir import scope_by_dossier_agencies

# The officers' rules of feedback read Eval('dossier_agencies'), as the
# dossiers' rule does (R-AG-3).
scope_by_dossier_agencies(
    'gov.feedback', 'gov.feedback.history', 'gov.feedback.attachment')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('gov.feedback|escalate_overdue',
                    "Escalate Complaints Unanswered Past Their Deadline"),
                ('gov.feedback|send_warnings',
                    "Warn Unit Heads of Feedback Due Soon or Overdue"),
                ])

