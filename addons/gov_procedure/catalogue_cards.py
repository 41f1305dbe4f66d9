# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The catalogue's cards: what the list of procedures and its ranking show
of a procedure (Procedure.catalogue_card), computed through the ORM once
per procedure and language and kept until a record they show changes;
and, the same way, the catalogue parts of the portal's procedure page
(catalogue_cached); and the catalogue's index (catalogue_index): what
the search and the filters read of every published procedure, so that a
search runs no query and builds no SQL.

The catalogue search is the page citizens use most and the catalogue
changes a few times a month: reading every procedure, field, level,
agency and fee again at each search cost 19 queries and about 30 ms of a
worker. The cards are cleared (trytond's Cache, which tells the other
processes) whenever a procedure, its links, components, fees, steps,
field, sector, service level, an agency, a kind of agency or a
translation is created, written or deleted (CardsClearedMixin below, and
gov_fee's exemptions)."""
from bisect import bisect_left

from trytond import config
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

_cards = Cache('gov_procedure.catalogue_cards', context=False)
if config.get('cache', _cards._name) is None:
    # Four entries a procedure and language (its card, the card rendered
    # and the two parts of its page): trytond's default of 1,024 entries
    # would drop and compute them again all day for a province's 2,000
    # procedures ([cache] gov_procedure.catalogue_cards sets another size).
    _cards.size_limit = max(_cards.size_limit, 20000)


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


class CatalogueIndex:
    """What the catalogue's search and filters read of the published
    procedures (R-CAT-2), in the catalogue's order (name, then id, as
    PostgreSQL sorts them in the language): their ranking keys, filter
    values and the words of their search text, each word pointing to the
    procedures whose text has it. search() answers as
    Procedure.search_catalogue does (a word of the text starts with each
    word typed, the same ranking), from memory."""

    def __init__(self, procedures):
        from .catalogue import normalize
        self.order = []  # ids in the catalogue's order
        self.codes = {}  # code: id
        self.entries = {}  # id: {filter: its values, ranking keys}
        postings = {}
        for procedure in procedures:
            field = procedure.field
            self.order.append(procedure.id)
            self.codes[procedure.code] = procedure.id
            self.entries[procedure.id] = {
                'sector': {field.sector.id} if field else set(),
                'field': {field.id} if field else set(),
                'level': {k.id for k in procedure.levels},
                'agency': {a.id for a in procedure.agencies},
                'service_level': ({procedure.service_level.id}
                    if procedure.service_level else set()),
                'search_code': normalize(procedure.code),
                'search_name': normalize(procedure.name),
                'code': procedure.code,
                }
            for word in set((procedure.search_text or '').split(' ')):
                if word:
                    postings.setdefault(word, set()).add(procedure.id)
        self.words = sorted(postings)
        self.postings = postings

    def _matching(self, word):
        "The procedures with a word of their text starting with word."
        found = set()
        words, postings = self.words, self.postings
        i = bisect_left(words, word)
        while i < len(words) and words[i].startswith(word):
            found |= postings[words[i]]
            i += 1
        return found

    def filtered(self, selected, ids=None):
        """The ids (of ids, else of all in the catalogue's order) of the
        procedures with every selected filter value ({filter: id or
        None})."""
        ids = self.order if ids is None else ids
        selected = [(k, v) for k, v in selected.items() if v]
        if not selected:
            return list(ids)
        entries = self.entries
        return [i for i in ids
            if all(v in entries[i][k] for k, v in selected)]

    def search(self, text, selected=None):
        """The ids of the procedures matching text and the selected filters,
        best match first (Procedure.search_catalogue's order)."""
        from .catalogue import normalize
        words = normalize(text).split()
        found = None
        for word in words:
            matching = self._matching(word)
            found = matching if found is None else found & matching
        ids = self.filtered(selected or {}, found)
        phrase = ' '.join(words)
        entries = self.entries

        def key(id_):
            entry = entries[id_]
            name = entry['search_name']
            position = name.find(phrase)
            return (
                entry['search_code'] != phrase,
                name != phrase,
                position < 0,
                position if position >= 0 else 0,
                len(name),
                name,
                # search_catalogue's ties: the procedures' order (code, id)
                entry['code'],
                id_)
        ids.sort(key=key)
        return ids


def catalogue_index():
    """The CatalogueIndex of the published procedures in the transaction's
    language, built through the ORM (its default search: the current
    versions) once until the catalogue changes."""
    def build():
        Procedure = Pool().get('gov.procedure')
        return CatalogueIndex(Procedure.search(
                [('state', '=', 'published')],
                order=[('name', 'ASC'), ('id', 'ASC')]))
    return catalogue_cached('index', None, build)


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
