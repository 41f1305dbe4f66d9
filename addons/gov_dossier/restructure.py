# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""In-flight dossiers in an agency restructuring (R-CAT-9; see
gov_agency/restructure.py).

A dossier not yet finished (any state but rejected, done, withdrawn) that
is addressed to, held by, or has a step still to do at a merged or split
agency moves to the successor: its receiving agency, its current unit and
the unit of its waiting or running steps. Its code, due date, state and
steps done are not touched; an entry of its history (shown to the citizen)
says why and names the old and the new agency. Finished dossiers keep
their agency: the reports of the past stay as they were.

The agencies a merged desk served (their `one_stop_desk`) are served by
the successor when it is a desk, by the default desk otherwise."""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .workflow import FINAL_STATES

# Steps whose unit still matters.
OPEN_STEP_STATES = ['waiting', 'running']


class RestructuringLine(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructuring.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection += [
            ('dossiers', "In-Flight Dossiers"),
            ('served_agencies', "Agencies Served by the Desk"),
            ]


class DossierHistory(metaclass=PoolMeta):
    __name__ = 'gov.dossier.history'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection.append(('restructured', "Agency Restructured"))
        cls.public_event.selection.append(
            ('restructured', "Moved to the successor agency"))


class Restructure(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructure'

    def _restructure_items(self, source):
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Agency = pool.get('gov.agency')
        items = super()._restructure_items(source)
        items['dossiers'] = Dossier.search([
                ('state', 'not in', list(FINAL_STATES)),
                ['OR',
                    ('agency', '=', source.id),
                    ('current_unit', '=', source.id),
                    ('steps', 'where', [
                            ('unit', '=', source.id),
                            ('state', 'in', OPEN_STEP_STATES),
                            ]),
                    ],
                ], order=[('id', 'ASC')])
        items['served_agencies'] = Agency.search([
                ('one_stop_desk', '=', source.id),
                ], order=[('code', 'ASC')])
        return items

    def _restructure_apply(self, kind, records, source, successor):
        if kind == 'dossiers':
            self._restructure_dossiers(records, source, successor)
        elif kind == 'served_agencies':
            desk = successor if successor.kind.one_stop else None
            Pool().get('gov.agency').write(list(records),
                {'one_stop_desk': desk.id if desk else None})
        else:
            super()._restructure_apply(kind, records, source, successor)

    def _restructure_dossiers(self, dossiers, source, successor):
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Step = pool.get('gov.dossier.step')
        History = pool.get('gov.dossier.history')
        to_write = []
        for dossier in dossiers:
            values = {}
            if dossier.agency == source:
                values['agency'] = successor.id
            if dossier.current_unit == source:
                values['current_unit'] = successor.id
            if source in dossier.involved_agencies or (
                    dossier.current_unit == source):
                values['involved_agencies'] = [('add', [successor.id])]
            if values:
                to_write.extend(([dossier], values))
        if to_write:
            Dossier.write(*to_write)
        steps = Step.search([
                ('dossier', 'in', [d.id for d in dossiers]),
                ('unit', '=', source.id),
                ('state', 'in', OPEN_STEP_STATES),
                ])
        if steps:
            Step.write(steps, {'unit': successor.id})
        reason = gettext('gov_dossier.msg_dossier_restructured',
            old=source.rec_name, new=successor.rec_name,
            reason=self.start.reason)
        now = Dossier._now()
        user = Transaction().user or None
        dossiers = Dossier.browse([d.id for d in dossiers])
        History.create([{
                    'dossier': d.id,
                    'date': now,
                    'user': user,
                    'from_state': d.state,
                    'to_state': d.state,
                    'event': 'restructured',
                    'reason': reason,
                    'unit': d.current_unit.id if d.current_unit else None,
                    'step_name': (d.current_step.name
                        if d.current_step else None),
                    'public': True,
                    } for d in dossiers])
