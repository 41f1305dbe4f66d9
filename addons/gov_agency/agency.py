# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from sql import Null

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields, sequence_ordered,
    tree)
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

# Monday is '0' as in datetime.date.weekday().
WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]


class AgencyKind(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Kinds of agency are records: a merger or a new level needs no code."
    __name__ = 'gov.agency.kind'
    __string__ = "Agency Kind"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    one_stop = fields.Boolean(
        "One-Stop Desk",
        help="Agencies of this kind receive dossiers and return results.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_agency.msg_agency_kind_code_unique'),
            ]


SEPARATOR = ' / '
# Context key: the agencies' rec_name is their short name (see get_rec_name).
SHORT_NAME_CONTEXT = 'agency_short_name'


class Agency(DeactivableMixin, tree(separator=SEPARATOR), ModelSQL, ModelView):
    "An agency (cơ quan, đơn vị) in a tree of any depth."
    __name__ = 'gov.agency'
    __string__ = "Agency"

    name = fields.Char("Name", required=True, translate=True)
    short_name = fields.Char("Short Name")
    code = fields.Char(
        "Identifier Code", required=True, strip=True,
        help="Mã định danh of the agency, used in dossier codes.")
    kind = fields.Many2One('gov.agency.kind', "Kind", required=True)
    parent = fields.Many2One(
        'gov.agency', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('gov.agency', 'parent', "Children")
    address = fields.Text("Address")
    email = fields.Char("E-mail")
    phone = fields.Char("Phone")
    website = fields.Char("Website")
    working_weekdays = fields.MultiSelection(
        WEEKDAYS, "Working Weekdays", sort=False,
        help="Leave empty to use the parent's or the province's week.")
    officers = fields.One2Many('gov.agency.officer', 'agency', "Officers")

    _subtree_cache = Cache('gov.agency.subtree', context=False)
    _rec_names_cache = Cache('gov.agency.rec_names', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'gov_agency.msg_agency_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.parent, Index.Equality())))
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ('short_name', operator, operand, *extra),
            ]

    @classmethod
    def subtree_ids(cls, agency_ids):
        "Return the ids of the agencies and all their descendants (cached)."
        key = tuple(sorted(set(agency_ids)))
        if not key:
            return ()
        result = cls._subtree_cache.get(key)
        if result is not None:
            return result
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        found, todo = set(key), set(key)
        while todo:
            cursor.execute(*table.select(table.id,
                    where=table.parent.in_(list(todo))
                    & (table.parent != Null)))
            todo = {i for i, in cursor} - found
            found |= todo
        result = tuple(sorted(found))
        cls._subtree_cache.set(key, result)
        return result

    def get_rec_name(self, name):
        """The path from the root, as tree() writes it, from the names of
        every agency read once per language and cached: an officer's list
        of 80 dossiers shows two agencies a row, and walking up the tree
        for each took a quarter of its read (bench/).

        With the context key `agency_short_name` (the back office's lists
        and forms set it in their actions), the agency's short name, or its
        own name when it has none: lists then show "UBND phường Nghĩa Đức",
        not the whole path from the province."""
        transaction = Transaction()
        short = bool(transaction.context.get(SHORT_NAME_CONTEXT))
        names = self._rec_names(transaction.language, short=short)
        if self.id in names:
            return names[self.id]
        if short:
            return self.short_name or self.name
        return super().get_rec_name(name)

    @classmethod
    def _rec_names(cls, language, short=False):
        "{agency id: path} or, when short, {agency id: short name}."
        cached = cls._rec_names_cache.get(language)
        if cached is not None:
            return cached[1] if short else cached[0]
        with Transaction().set_context(language=language,
                active_test=False), without_check_access():
            rows = cls.search_read(
                [], fields_names=['name', 'short_name', 'parent'])
        parents = {r['id']: r['parent'] for r in rows}
        own = {r['id']: r['name'] or '' for r in rows}
        shorts = {r['id']: (r['short_name'] or '').strip() or own[r['id']]
            for r in rows}
        names = {}

        def path(agency_id, seen=()):
            if agency_id not in names:
                parent = parents[agency_id]
                if parent in own and parent not in seen:
                    names[agency_id] = (path(parent, seen + (agency_id,))
                        + SEPARATOR + own[agency_id])
                else:
                    names[agency_id] = own[agency_id]
            return names[agency_id]
        for agency_id in own:
            path(agency_id)
        cls._rec_names_cache.set(language, (names, shorts))
        return shorts if short else names

    def get_working_weekdays(self):
        "The week of this agency, inherited from its ancestors."
        agency = self
        while agency:
            if agency.working_weekdays:
                return agency.working_weekdays
            agency = agency.parent
        return None

    @classmethod
    def on_modification(cls, mode, agencies, field_names=None):
        super().on_modification(mode, agencies, field_names=field_names)
        cls._subtree_cache.clear()
        cls._rec_names_cache.clear()
        Pool().get('res.user')._get_agencies_cache.clear()
        Pool().get('gov.calendar')._week_cache.clear()


class AgencyOfficer(ModelSQL, ModelView):
    "Membership of a user (officer) in an agency, with the position held."
    __name__ = 'gov.agency.officer'
    __string__ = "Agency Officer"

    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    position = fields.Char("Position")
    head = fields.Boolean(
        "Head of Agency",
        help="Receives the warnings about dossiers of this agency.")
    phone = fields.Char("Phone")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('agency_user_uniq', Unique(t, t.agency, t.user),
                'gov_agency.msg_agency_officer_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))

    @classmethod
    def on_modification(cls, mode, officers, field_names=None):
        super().on_modification(mode, officers, field_names=field_names)
        Pool().get('res.user')._get_agencies_cache.clear()

    def get_rec_name(self, name):
        return f'{self.user.rec_name} — {self.agency.rec_name}'
