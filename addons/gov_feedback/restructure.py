# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Feedback in an agency restructuring (R-CAT-9, R-FB; see
gov_agency/restructure.py): feedback still waiting for an answer that a
merged or split agency is responsible for passes to the successor, which
also reads it (involved agencies); answered and closed feedback keeps the
agency that answered."""
from trytond.pool import Pool, PoolMeta

from .feedback import OPEN_STATES


class RestructuringLine(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructuring.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.append(('feedback', "Feedback Awaiting an Answer"))


class Restructure(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructure'

    def _restructure_items(self, source):
        Feedback = Pool().get('gov.feedback')
        items = super()._restructure_items(source)
        items['feedback'] = Feedback.search([
                ('agency', '=', source.id),
                ('state', 'in', OPEN_STATES),
                ], order=[('id', 'ASC')])
        return items

    def _restructure_apply(self, kind, records, source, successor):
        if kind == 'feedback':
            Pool().get('gov.feedback').write(list(records), {
                    'agency': successor.id,
                    'involved_agencies': [('add', [successor.id])],
                    })
        else:
            super()._restructure_apply(kind, records, source, successor)
