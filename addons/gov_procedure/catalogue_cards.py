# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The catalogue's cards: what the list of procedures and its ranking show
of a procedure (Procedure.catalogue_card), computed through the ORM once
per procedure and language and kept until a record they show changes;
and, the same way, the catalogue parts of the portal's procedure page
(catalogue_cached).

The catalogue search is the page citizens use most and the catalogue
changes a few times a month: reading every procedure, field, level,
agency and fee again at each search cost 19 queries and about 30 ms of a
worker. The cards are cleared (trytond's Cache, which tells the other
processes) whenever a procedure, its links, components, fees, steps,
field, sector, service level, an agency, a kind of agency or a
translation is created, written or deleted (CardsClearedMixin below, and
gov_fee's exemptions)."""
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

_cards = Cache('gov_procedure.catalogue_cards', context=False)


def catalogue_cards(ids):
    """{id: card} of the procedures ids in the transaction's language,
    computed for those not kept yet."""
    language = Transaction().language
    result, missing = {}, []
    for id_ in ids:
        card = _cards.get((language, id_))
        if card is None:
            missing.append(id_)
        else:
            result[id_] = card
    if missing:
        Procedure = Pool().get('gov.procedure')
        # One list: the ORM reads each field for all of them at once.
        for procedure in Procedure.browse(missing):
            result[procedure.id] = _cards.set(
                (language, procedure.id), procedure.catalogue_card())
    return result


def catalogue_cached(kind, id_, compute):
    """The value of compute() for this kind of thing about the record id_
    in the transaction's language, computed once until the catalogue
    changes (a page's part rendered from catalogue data only)."""
    key = (kind, Transaction().language, id_)
    value = _cards.get(key)
    if value is None:
        value = _cards.set(key, compute())
    return value


def clear_catalogue_cards():
    "Forget every card (in every process, once the transaction commits)."
    _cards.clear()


class CardsClearedMixin:
    "A model whose records appear on the catalogue's cards."
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_catalogue_cards()


class Agency(CardsClearedMixin, metaclass=PoolMeta):
    __name__ = 'gov.agency'


class AgencyKind(CardsClearedMixin, metaclass=PoolMeta):
    __name__ = 'gov.agency.kind'


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        # A name translated by hand in Localization › Translations.
        if any((r.name or '').startswith(('gov.procedure', 'gov.field,',
                        'gov.service.level,', 'gov.agency'))
                for r in records):
            clear_catalogue_cards()
