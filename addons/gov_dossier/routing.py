# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who receives a dossier and who acts on its steps.

One rule decides which one-stop desk (Bộ phận Một cửa, Trung tâm Phục vụ
hành chính công) receives the dossiers addressed to an agency:
Agency.serving_desks(). The officers' record rule on dossiers
(Eval('dossier_agencies'), see ir.Rule), the unit of the receive and
return steps and the reception check (ReceptionCheck) all ask it, so that
they cannot disagree: a dossier the portal addresses to a ward committee
is in the inbox of the desk serving the ward.

The step buttons of a dossier are shown only to the officers the server
would let act on the step (Dossier.can_act)."""
from collections import defaultdict

from sql import Literal

from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

# The buttons that act on the current (or, for process, the first) step.
STEP_BUTTONS = [
    'process', 'forward', 'send_back', 'transfer', 'approve', 'result_ready']


class AgencyKind(metaclass=PoolMeta):
    __name__ = 'gov.agency.kind'

    @classmethod
    def on_modification(cls, mode, kinds, field_names=None):
        super().on_modification(mode, kinds, field_names=field_names)
        # The one-stop flag and the order of kinds decide the desks.
        Pool().get('gov.agency')._clear_desks()


class Agency(metaclass=PoolMeta):
    __name__ = 'gov.agency'

    one_stop_desk = fields.Many2One(
        'gov.agency', "One-Stop Desk", ondelete='SET NULL',
        domain=[('kind.one_stop', '=', True)],
        help="The one-stop desk that receives the dossiers addressed to "
        "this agency and returns their results. Leave empty for the "
        "default: the agency itself when it is a one-stop desk, else its "
        "own one-stop sub-unit, else the desk of its parent, else the "
        "province's service centre.")
    serving_desk = fields.Function(fields.Many2One(
            'gov.agency', "Serving One-Stop Desk",
            help="The desk that receives the dossiers of this agency (the "
            "one chosen above or the default)."),
        'get_serving_desk')

    _desks_cache = Cache('gov.agency.serving_desks', context=False)
    _dossier_agencies_cache = Cache(
        'gov.agency.dossier_agencies', context=False)

    @classmethod
    def _clear_desks(cls):
        cls._desks_cache.clear()
        cls._dossier_agencies_cache.clear()

    @classmethod
    def on_modification(cls, mode, agencies, field_names=None):
        super().on_modification(mode, agencies, field_names=field_names)
        cls._clear_desks()

    def get_serving_desk(self, name):
        return self.serving_desks().get(self.id)

    @classmethod
    def serving_desks(cls):
        """{agency id: id of the one-stop desk serving it, or None}.

        In this order: the desk chosen on the agency (one_stop_desk); the
        agency itself when its kind is a one-stop kind; its own one-stop
        sub-unit (a child of a one-stop kind); the desk of its parent; at
        the top of the tree, the province's service centre — the one-stop
        agency nearest the root, the first kind in the kinds' order when
        several are as near, none when that still leaves several. Inactive
        desks are skipped."""
        desks = cls._desks_cache.get(None)
        if desks is not None:
            return desks
        Kind = Pool().get('gov.agency.kind')
        table, kind = cls.__table__(), Kind.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.join(kind, condition=table.kind == kind.id
                ).select(table.id, table.parent, table.one_stop_desk,
                table.active & kind.one_stop & kind.active,
                kind.sequence, table.code))
        rows = {r[0]: r for r in cursor}
        one_stop = {i for i, r in rows.items() if r[3]}

        def order(i):
            return (rows[i][4] if rows[i][4] is not None else 2 ** 31,
                rows[i][5] or '', i)
        own = {}
        for i in sorted(one_stop, key=order):
            parent = rows[i][1]
            if parent in rows:
                own.setdefault(parent, i)
        depth, desks = {}, {}

        def depth_of(i, seen=()):
            if i not in depth:
                parent = rows[i][1]
                depth[i] = (depth_of(parent, seen + (i,)) + 1
                    if parent in rows and parent not in seen else 0)
            return depth[i]

        centre = None
        if one_stop:
            nearest = min(depth_of(i) for i in one_stop)
            candidates = sorted(
                (i for i in one_stop if depth_of(i) == nearest), key=order)
            if len(candidates) == 1 or (
                    order(candidates[0])[0] < order(candidates[1])[0]):
                centre = candidates[0]

        def desk_of(i, seen=()):
            if i not in desks:
                _, parent, explicit = rows[i][:3]
                if explicit in one_stop:
                    desks[i] = explicit
                elif i in one_stop:
                    desks[i] = i
                elif i in own:
                    desks[i] = own[i]
                elif parent in rows and parent not in seen:
                    desks[i] = desk_of(parent, seen + (i,))
                else:
                    desks[i] = centre
            return desks[i]
        for i in rows:
            desk_of(i)
        return cls._desks_cache.set(None, desks)

    @classmethod
    def dossier_agencies(cls, agency_ids):
        """The agencies whose dossiers the officers of agency_ids see: their
        subtree, and the agencies served by the one-stop desks in it (R-AG-3:
        a desk receives the dossiers addressed to the agencies it serves)."""
        key = tuple(sorted(set(agency_ids)))
        if not key:
            return ()
        result = cls._dossier_agencies_cache.get(key)
        if result is not None:
            return result
        own = set(cls.subtree_ids(key))
        served = {a for a, d in cls.serving_desks().items() if d in own}
        return cls._dossier_agencies_cache.set(
            key, tuple(sorted(own | served)))

    @classmethod
    def receiving_officers(cls):
        """{agency id: ids of the active users who could receive a dossier
        addressed to it}: users with a role of the dossier's receive button
        whose agencies see it (dossier_agencies)."""
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        UserGroup = pool.get('res.user-res.group')
        Group = pool.get('res.group')
        Officer = pool.get('gov.agency.officer')
        with without_check_access():
            groups = Button.get_groups('gov.dossier', 'receive')
        if not groups:
            return {}
        user_group = UserGroup.user_group_all_table()
        group, user = Group.__table__(), User.__table__()
        officer = Officer.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*officer
            .join(user, condition=officer.user == user.id)
            .join(user_group, condition=user_group.user == user.id)
            .join(group, condition=user_group.group == group.id)
            .select(officer.user, officer.agency,
                where=user_group.group.in_(list(groups))
                & (group.active == Literal(True))
                & (user.active == Literal(True))))
        memberships = defaultdict(set)
        for user_id, agency_id in cursor:
            memberships[user_id].add(agency_id)
        result = defaultdict(set)
        for user_id, agency_ids in memberships.items():
            for agency_id in cls.dossier_agencies(agency_ids):
                result[agency_id].add(user_id)
        return dict(result)


class ReceptionCheck(ModelSQL, ModelView):
    """Every published procedure × agency offering it, with the desk that
    would receive its dossiers and the officers who could: the rows
    without a receiving officer are dossiers nobody would receive."""
    __name__ = 'gov.dossier.reception_check'
    __string__ = "Dossier Reception Check"

    procedure = fields.Many2One('gov.procedure', "Procedure", readonly=True)
    agency = fields.Many2One(
        'gov.agency', "Offering Agency", readonly=True,
        help="An implementing agency of the procedure: the portal offers "
        "it as the place to submit.")
    desk = fields.Function(fields.Many2One(
            'gov.agency', "Receiving Desk",
            help="The one-stop desk serving the agency."),
        'get_reception')
    officers = fields.Function(fields.Integer(
            "Receiving Officers",
            help="Active officers with the receiving role who see the "
            "dossiers addressed to the agency."),
        'get_reception')
    receivable = fields.Function(fields.Boolean(
            "Receivable",
            help="At least one officer could receive a dossier."),
        'get_reception', searcher='search_receivable')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('procedure', 'ASC'), ('agency', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Relation = pool.get('gov.procedure-gov.agency')
        Agency = pool.get('gov.agency')
        relation = Relation.__table__()
        procedure, agency = Procedure.__table__(), Agency.__table__()
        return (relation
            .join(procedure, condition=relation.procedure == procedure.id)
            .join(agency, condition=relation.agency == agency.id)
            .select(relation.id.as_('id'),
                relation.procedure.as_('procedure'),
                relation.agency.as_('agency'),
                # The current version only: one published with an
                # effective date to come is not offered yet (R-CAT-6).
                where=(procedure.state == 'published')
                & (procedure.active == Literal(True))
                & (agency.active == Literal(True))))

    @classmethod
    def get_reception(cls, checks, names):
        Agency = Pool().get('gov.agency')
        with without_check_access():
            desks = Agency.serving_desks()
            officers = Agency.receiving_officers()
        result = {name: {} for name in names}
        for check in checks:
            agency_id = check.agency.id
            count = len(officers.get(agency_id, ()))
            if 'desk' in result:
                result['desk'][check.id] = desks.get(agency_id)
            if 'officers' in result:
                result['officers'][check.id] = count
            if 'receivable' in result:
                result['receivable'][check.id] = bool(count)
        return result

    @classmethod
    def search_receivable(cls, name, clause):
        _, operator, value = clause[:3]
        gaps = [c.id for c in cls.gaps()]
        wanted = bool(value) if operator == '=' else not value
        return [('id', 'not in' if wanted else 'in', gaps)]

    @classmethod
    def gaps(cls):
        """The published procedure × offering agency pairs for which no
        officer could receive a dossier."""
        Agency = Pool().get('gov.agency')
        with without_check_access():
            officers = Agency.receiving_officers()
            return [c for c in cls.search([], order=[
                        ('procedure', 'ASC'), ('agency', 'ASC')])
                if not officers.get(c.agency.id)]


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    can_act = fields.Function(fields.Boolean(
            "Can Act on the Step",
            help="The current user may act on the dossier's step (its unit "
            "is one of theirs and they have its role)."),
        'get_can_act')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Never show a step button to whom the server would refuse it
        # (issue: the unit head saw "Approve" at the leader's step).
        for name in STEP_BUTTONS:
            states = dict(cls._buttons[name])
            states['invisible'] = (
                states.get('invisible', False) | ~Eval('can_act', False))
            states['depends'] = list(states.get('depends', [])) + ['can_act']
            cls._buttons[name] = states

    def get_can_act(self, name):
        if not Transaction().user:
            return True
        if self.state == 'processing':
            step = self.current_step
        elif self.state == 'received':
            step = self._first_waiting_step()
        else:
            step = None
        if not step:
            return False
        return self._unit_refusal(self, step.unit, step) is None
