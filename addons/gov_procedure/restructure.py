# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Procedures in an agency restructuring (R-CAT-9; see
gov_agency/restructure.py): the successor becomes an implementing agency
of the procedures of the merged or split agency, and the unit of the
processing steps the agency was responsible for — published procedures
included, since the reorganisation is decided above the catalogue. A
procedure already implemented by the successor keeps one link to it (the
duplicate link row is removed, the procedure is not changed otherwise)."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .catalogue_cards import clear_catalogue_cards

# Set by the wizard only: keys starting with "_" never come from RPC.
RESTRUCTURE_CONTEXT = '_gov_agency_restructure'


class RestructuringLine(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructuring.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection += [
            ('procedures', "Procedures Implemented"),
            ('procedure_steps', "Processing Steps of Procedures"),
            ]


class Step(metaclass=PoolMeta):
    __name__ = 'gov.procedure.step'

    @classmethod
    def check_modification(cls, mode, steps, values=None, external=False):
        if (mode == 'write' and set(values or {}) == {'unit'}
                and Transaction().context.get(RESTRUCTURE_CONTEXT)):
            # The responsible unit of a published procedure's step follows
            # the restructuring; nothing else changes.
            return
        super().check_modification(
            mode, steps, values=values, external=external)


class Restructure(metaclass=PoolMeta):
    __name__ = 'gov.agency.restructure'

    def _restructure_items(self, source):
        pool = Pool()
        Link = pool.get('gov.procedure-gov.agency')
        Step = pool.get('gov.procedure.step')
        items = super()._restructure_items(source)
        items['procedures'] = Link.search([
                ('agency', '=', source.id),
                ], order=[('procedure.code', 'ASC'), ('id', 'ASC')])
        items['procedure_steps'] = Step.search([
                ('unit', '=', source.id),
                ], order=[('procedure.code', 'ASC'), ('id', 'ASC')])
        return items

    def _restructure_label(self, kind, record):
        if kind == 'procedures':
            return record.procedure.rec_name
        if kind == 'procedure_steps':
            return f'{record.procedure.rec_name} — {record.name}'
        return super()._restructure_label(kind, record)

    def _restructure_apply(self, kind, records, source, successor):
        pool = Pool()
        if kind == 'procedures':
            Link = pool.get('gov.procedure-gov.agency')
            linked = {l.procedure for l in Link.search([
                        ('agency', '=', successor.id),
                        ])}
            duplicates = [l for l in records if l.procedure in linked]
            moving = [l for l in records if l.procedure not in linked]
            if duplicates:
                Link.delete(duplicates)
            if moving:
                Link.write(moving, {'agency': successor.id})
            clear_catalogue_cards()
        elif kind == 'procedure_steps':
            Step = pool.get('gov.procedure.step')
            with Transaction().set_context({RESTRUCTURE_CONTEXT: True}):
                Step.write(list(records), {'unit': successor.id})
            clear_catalogue_cards()
        else:
            super()._restructure_apply(kind, records, source, successor)
