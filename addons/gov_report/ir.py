# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gov.report.extraction|extract_closed_months',
                "Extract the Figures of the Closed Months"))
        cls.method.selection.append(
            ('gov.report.day|count_days',
                "Count the Figures of the Past Days of the Open Months"))
