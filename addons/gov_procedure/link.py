# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The link tables of a procedure's Many2Many fields: its administrative
levels (kinds of agency) and its implementing agencies."""
from trytond.model import Index, ModelSQL, Unique, fields

from .catalogue_cards import CardsClearedMixin


class ProcedureLinkMixin(CardsClearedMixin):
    """A row linking a procedure to a record of the model of the field
    `_link_field`: it takes the procedure's access, and a record is linked
    once to a procedure (`_link_unique_message` says so)."""
    __slots__ = ()
    _link_field = None
    _link_unique_message = None

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('procedure')
        t = cls.__table__()
        cls._sql_constraints += [
            (f'procedure_{cls._link_field}_uniq',
                Unique(t, t.procedure, getattr(t, cls._link_field)),
                cls._link_unique_message),
            ]


class Procedure_AgencyKind(ProcedureLinkMixin, ModelSQL):
    "Administrative level (kind of agency) of a procedure."
    __name__ = 'gov.procedure-gov.agency.kind'
    __string__ = "Procedure - Agency Kind"
    _link_field = 'kind'
    _link_unique_message = 'gov_procedure.msg_procedure_level_unique'

    kind = fields.Many2One(
        'gov.agency.kind', "Agency Kind", required=True, ondelete='CASCADE')


class Procedure_Agency(ProcedureLinkMixin, ModelSQL):
    "Implementing agency of a procedure."
    __name__ = 'gov.procedure-gov.agency'
    __string__ = "Procedure - Agency"
    _link_field = 'agency'
    _link_unique_message = 'gov_procedure.msg_procedure_agency_unique'

    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.agency, Index.Equality())))
