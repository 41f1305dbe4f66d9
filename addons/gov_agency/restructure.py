# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Agency restructuring (R-CAT-9, R-AG-1): merge, split, rename or move
agencies, with a preview of what moves, and a log of every run.

Nothing is deleted: a merged or split agency becomes inactive with its
successor and the date recorded; what it held moves to the successor.

The wizard is the extension point. Each module that owns records pointing
at an agency (dossiers, procedures, postal contracts…) extends it in a
file of its own:

- adds its kinds of item to `gov.agency.restructuring.line`'s `kind`
  selection (``__setup__``);
- ``_restructure_items(self, source)``: returns ``{kind: records}``, the
  records of that kind that move away from the source agency
  (call super() and update the result);
- ``_restructure_apply(self, kind, records, source, successor)``: moves
  them to the successor (call super() for the kinds it does not own).

Both run as the server (the administrator who runs the wizard may not
write dossiers herself); the log says who ran it."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import RestructureError

OPERATIONS = [
    ('merge', "Merge"),
    ('split', "Split"),
    ('rename', "Rename"),
    ('move', "Move"),
    ]
# The operations after which the source agencies are inactive.
ENDING = {'merge', 'split'}
# How many records the preview and the log name per line.
DETAIL_LIMIT = 50


class Agency(metaclass=PoolMeta):
    __name__ = 'gov.agency'

    successor = fields.Many2One(
        'gov.agency', "Successor", readonly=True, ondelete='RESTRICT',
        help="The agency that took over this one when it was merged or "
        "split (Restructure Agencies).")
    restructured_date = fields.Date(
        "Restructured On", readonly=True,
        help="When the agency was merged, split, renamed or moved.")
    predecessors = fields.One2Many(
        'gov.agency', 'successor', "Predecessors", readonly=True,
        filter=[('active', '=', False)], context={'active_test': False})

    @classmethod
    def copy(cls, agencies, default=None):
        default = default.copy() if default else {}
        default.setdefault('successor')
        default.setdefault('restructured_date')
        default.setdefault('predecessors')
        return super().copy(agencies, default=default)


class Restructuring(ModelSQL, ModelView):
    "One run of the restructuring wizard: who, when, what moved."
    __name__ = 'gov.agency.restructuring'
    __string__ = "Agency Restructuring"

    date = fields.Date("Effective Date", required=True, readonly=True)
    user = fields.Many2One(
        'res.user', "Done By", readonly=True, ondelete='RESTRICT')
    done_at = fields.DateTime("Done At", readonly=True)
    operation = fields.Selection(
        OPERATIONS, "Operation", required=True, readonly=True, sort=False)
    operation_string = operation.translated('operation')
    reason = fields.Text("Decision or Reason", readonly=True)
    sources = fields.Many2Many(
        'gov.agency.restructuring-gov.agency', 'restructuring', 'agency',
        "Agencies Restructured", readonly=True,
        context={'active_test': False})
    successor = fields.Many2One(
        'gov.agency', "Successor", readonly=True, ondelete='RESTRICT',
        context={'active_test': False})
    changes = fields.Text("Changes", readonly=True,
        help="For a renaming or a move: the values before and after.")
    lines = fields.One2Many(
        'gov.agency.restructuring.line', 'restructuring', "What Moved",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('done_at', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.operation_string} {self.date.strftime("%d/%m/%Y")}'


class RestructuringAgency(ModelSQL):
    "An agency restructured by a run."
    __name__ = 'gov.agency.restructuring-gov.agency'
    __string__ = "Agency Restructuring - Agency"

    restructuring = fields.Many2One(
        'gov.agency.restructuring', "Restructuring", required=True,
        ondelete='CASCADE')
    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('restructuring')


class RestructuringLine(ModelSQL, ModelView):
    """What moves from one agency to its successor, per kind of item: the
    preview shows these lines before they are saved with the log."""
    __name__ = 'gov.agency.restructuring.line'
    __string__ = "Agency Restructuring Line"

    restructuring = fields.Many2One(
        'gov.agency.restructuring', "Restructuring", ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection([
            ('children', "Sub-Agencies"),
            ('officers', "Officers"),
            ], "Kind", required=True, readonly=True, sort=False)
    source = fields.Many2One(
        'gov.agency', "From", readonly=True, ondelete='RESTRICT',
        context={'active_test': False})
    successor = fields.Many2One(
        'gov.agency', "To", readonly=True, ondelete='RESTRICT',
        context={'active_test': False},
        help="Empty in the preview when the successor is a new agency.")
    count = fields.Integer("Count", readonly=True)
    detail = fields.Text("Records", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Its own access records (restructure.xml), as the log's: the
        # preview shows lines not yet attached to a log.
        cls._order = [('restructuring', 'ASC'), ('id', 'ASC')]

    @classmethod
    def kinds(cls):
        "[(kind, translated label)] of every module's kinds."
        return cls.fields_get(['kind'])['kind']['selection']


class RestructureStart(ModelView):
    "Restructure Agencies"
    __name__ = 'gov.agency.restructure.start'
    __string__ = "Restructure Agencies"

    operation = fields.Selection(OPERATIONS, "Operation", required=True,
        sort=False,
        help="Merge: several agencies into one, existing or new. Split: "
        "one agency's items to several successors. Rename: new name or "
        "code, same agency. Move: new parent.")
    sources = fields.Many2Many(
        'gov.agency', None, None, "Agencies", required=True,
        domain=[('active', '=', True)],
        help="The agencies restructured: one, except for a merger.")
    date = fields.Date("Effective Date", required=True)
    reason = fields.Text("Decision or Reason", required=True,
        help="The decision (number, date) that orders the change; written "
        "in each moved dossier's history.")
    create_successor = fields.Boolean("New Successor",
        states={'invisible': Eval('operation') != 'merge'},
        help="The agencies merge into a new agency created here.")
    successor = fields.Many2One('gov.agency', "Successor",
        domain=[('active', '=', True)],
        states={
            'invisible': (~Eval('operation').in_(['merge', 'split'])
                | Bool(Eval('create_successor'))),
            'required': (Eval('operation').in_(['merge', 'split'])
                & ~Eval('create_successor')),
            },
        help="The agency that takes over; for a split, the one that takes "
        "the kinds of item no rule below names.")
    new_name = fields.Char("New Name",
        states={
            'invisible': ~(Eval('operation').in_(['rename'])
                | Bool(Eval('create_successor'))),
            'required': Bool(Eval('create_successor')),
            })
    new_short_name = fields.Char("New Short Name",
        states={
            'invisible': ~(Eval('operation').in_(['rename'])
                | Bool(Eval('create_successor'))),
            })
    new_code = fields.Char("New Identifier Code",
        states={
            'invisible': ~(Eval('operation').in_(['rename'])
                | Bool(Eval('create_successor'))),
            'required': Bool(Eval('create_successor')),
            },
        help="Dossiers already coded keep their codes.")
    new_kind = fields.Many2One('gov.agency.kind', "Kind of the New Agency",
        states={
            'invisible': ~Eval('create_successor'),
            'required': Bool(Eval('create_successor')),
            })
    new_parent = fields.Many2One('gov.agency', "New Parent",
        domain=[('active', '=', True)],
        states={
            'invisible': ~((Eval('operation') == 'move')
                | Bool(Eval('create_successor'))),
            'required': Eval('operation') == 'move',
            })
    rules = fields.One2Many(
        'gov.agency.restructure.rule', None, "Successor per Kind of Item",
        states={'invisible': Eval('operation') != 'split'})

    @fields.depends('operation', 'create_successor')
    def on_change_operation(self):
        if self.operation != 'merge':
            self.create_successor = False


class RestructureRule(ModelView):
    "Successor per Kind of Item"
    __name__ = 'gov.agency.restructure.rule'
    __string__ = "Successor per Kind of Item"

    kind = fields.Selection('get_kinds', "Kind of Item", required=True)
    successor = fields.Many2One('gov.agency', "Successor", required=True,
        domain=[('active', '=', True)])

    @classmethod
    def get_kinds(cls):
        return Pool().get('gov.agency.restructuring.line').kinds()


class RestructurePreview(ModelView):
    "Restructure Agencies"
    __name__ = 'gov.agency.restructure.preview'
    __string__ = "Restructure Agencies: Preview"

    summary = fields.Text("Summary", readonly=True)
    lines = fields.One2Many(
        'gov.agency.restructuring.line', None, "What Moves", readonly=True)


class Restructure(Wizard):
    "Restructure Agencies"
    __name__ = 'gov.agency.restructure'
    start = StateView('gov.agency.restructure.start',
        'gov_agency.restructure_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Preview", 'preview', 'tryton-forward', default=True),
            ])
    preview = StateView('gov.agency.restructure.preview',
        'gov_agency.restructure_preview_view_form', [
            Button("Back", 'start', 'tryton-back'),
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Apply", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def default_start(self, fields):
        values = {
            'date': Pool().get('ir.date').today(),
            'operation': 'merge',
            'create_successor': False,
            }
        if (Transaction().context.get('active_model') == 'gov.agency'
                and self.records):
            values['sources'] = [r.id for r in self.records if r.active]
        if getattr(self.start, 'operation', None):
            # Back from the preview: the values entered.
            values.update(self.start._default_values)
        return values

    # -- what the administrator asked --------------------------------

    def _check_start(self):
        "Refuse an incomplete or contradictory request before the preview."
        start = self.start
        sources = list(start.sources)
        if not sources:
            raise RestructureError(gettext(
                    'gov_agency.msg_restructure_no_source'))
        if start.operation != 'merge' and len(sources) != 1:
            raise RestructureError(gettext(
                    'gov_agency.msg_restructure_one_source',
                    operation=self._operation_string()))
        successors = set()
        if start.operation in ENDING and not start.create_successor:
            if not start.successor:
                raise RestructureError(gettext(
                        'gov_agency.msg_restructure_no_successor'))
            successors.add(start.successor)
        if start.operation == 'split':
            successors |= {r.successor for r in start.rules}
        for successor in successors:
            if successor in sources:
                raise RestructureError(gettext(
                        'gov_agency.msg_restructure_successor_is_source',
                        agency=successor.rec_name))
        if start.operation == 'move':
            subtree = set(Pool().get('gov.agency').subtree_ids(
                    [s.id for s in sources]))
            if start.new_parent.id in subtree:
                raise RestructureError(gettext(
                        'gov_agency.msg_restructure_parent_cycle',
                        agency=sources[0].rec_name,
                        parent=start.new_parent.rec_name))
        if start.operation == 'rename' and not (
                start.new_name or start.new_code or start.new_short_name):
            raise RestructureError(gettext(
                    'gov_agency.msg_restructure_nothing_to_rename'))

    def _operation_string(self):
        Start = Pool().get('gov.agency.restructure.start')
        return dict(Start.fields_get(['operation'])['operation'][
                'selection'])[self.start.operation]

    def _successor(self, kind):
        "The successor of the items of kind (None: a new agency)."
        start = self.start
        if start.operation == 'split':
            for rule in start.rules:
                if rule.kind == kind:
                    return rule.successor
        if start.create_successor:
            return getattr(self, '_new_successor', None)
        return start.successor

    # -- extension points ---------------------------------------------

    def _restructure_items(self, source):
        """{kind: records} of the source agency that move to a successor
        when it is merged or split."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        sources = {s.id for s in self.start.sources}
        children = [c for c in Agency.search([
                    ('parent', '=', source.id),
                    ], order=[('code', 'ASC')]) if c.id not in sources]
        officers = Officer.search([('agency', '=', source.id)],
            order=[('id', 'ASC')])
        return {'children': children, 'officers': officers}

    def _restructure_label(self, kind, record):
        "How the preview and the log name a record of kind."
        return record.rec_name

    def _restructure_apply(self, kind, records, source, successor):
        "Move the records of kind from source to successor."
        pool = Pool()
        if kind == 'children':
            pool.get('gov.agency').write(list(records),
                {'parent': successor.id})
        elif kind == 'officers':
            Officer = pool.get('gov.agency.officer')
            already = {o.user for o in Officer.search([
                        ('agency', '=', successor.id)])}
            # An officer already in the successor keeps both memberships:
            # nothing is deleted, the old one points at an inactive agency.
            moving = [o for o in records if o.user not in already]
            if moving:
                Officer.write(moving, {'agency': successor.id})

    # -- preview and apply --------------------------------------------

    def _lines(self):
        """[(unsaved log line, records)]: what moves, per source and
        kind."""
        Line = Pool().get('gov.agency.restructuring.line')
        lines = []
        if self.start.operation not in ENDING:
            return lines
        order = [k for k, _ in Line.kinds()]
        for source in self.start.sources:
            items = self._restructure_items(source)
            for kind in sorted(items, key=lambda k: (
                        order.index(k) if k in order else len(order), k)):
                records = items[kind]
                if not records:
                    continue
                successor = self._successor(kind)
                names = [self._restructure_label(kind, r)
                    for r in records[:DETAIL_LIMIT]]
                if len(records) > DETAIL_LIMIT:
                    names.append(gettext('gov_agency.msg_restructure_more',
                            count=len(records) - DETAIL_LIMIT))
                line = Line(kind=kind, source=source,
                    successor=successor, count=len(records),
                    detail='\n'.join(names))
                lines.append((line, records))
        return lines

    def _summary(self):
        start = self.start
        names = ', '.join(s.rec_name for s in start.sources)
        if start.operation in ENDING:
            if start.create_successor:
                successor = gettext('gov_agency.msg_restructure_new_agency',
                    name=start.new_name, code=start.new_code)
            else:
                successor = start.successor.rec_name
            return gettext('gov_agency.msg_restructure_summary_end',
                agencies=names, successor=successor,
                date=start.date.strftime('%d/%m/%Y'))
        return gettext('gov_agency.msg_restructure_summary_keep',
            agencies=names, changes=self._changes())

    def _changes(self):
        "The values written by a rename or a move, before → after."
        start = self.start
        source = start.sources[0]
        changes = []
        if start.operation == 'rename':
            for name in ['name', 'short_name', 'code']:
                new = getattr(start, f'new_{name}')
                if new and new != getattr(source, name):
                    changes.append(
                        f'{name}: {getattr(source, name) or ""} → {new}')
        elif start.operation == 'move':
            changes.append('parent: %s → %s' % (
                    source.parent.rec_name if source.parent else '',
                    start.new_parent.rec_name))
        return '\n'.join(changes)

    def default_preview(self, fields):
        self._check_start()
        with without_check_access():
            lines = self._lines()
            return {
                'summary': self._summary(),
                'lines': [l._default_values for l, _ in lines],
                }

    def transition_apply(self):
        self._check_start()
        with without_check_access():
            self._restructuring = self._apply()
        return 'end'

    def _apply(self):
        "Apply the request; return the log record."
        pool = Pool()
        Agency = pool.get('gov.agency')
        Restructuring = pool.get('gov.agency.restructuring')
        Line = pool.get('gov.agency.restructuring.line')
        start = self.start
        sources = Agency.browse([s.id for s in start.sources])
        if start.create_successor:
            new, = Agency.create([{
                        'name': start.new_name,
                        'short_name': start.new_short_name,
                        'code': start.new_code,
                        'kind': start.new_kind.id,
                        'parent': (start.new_parent.id
                            if start.new_parent else (
                                sources[0].parent.id
                                if sources[0].parent else None)),
                        'restructured_date': start.date,
                        }])
            self._new_successor = new
        changes = self._changes() if start.operation not in ENDING else ''
        lines = self._lines()
        for line, records in lines:
            self._restructure_apply(line.kind, records, line.source,
                line.successor)
        if start.operation in ENDING:
            default = self._successor(None)
            Agency.write(sources, {
                    'active': False,
                    'successor': default.id,
                    'restructured_date': start.date,
                    })
        elif start.operation == 'rename':
            values = {'restructured_date': start.date}
            for name in ['name', 'short_name', 'code']:
                new = getattr(start, f'new_{name}')
                if new:
                    values[name] = new
            Agency.write(sources, values)
        elif start.operation == 'move':
            Agency.write(sources, {
                    'parent': start.new_parent.id,
                    'restructured_date': start.date,
                    })
        default = self._successor(None) if start.operation in ENDING \
            else None
        restructuring, = Restructuring.create([{
                    'date': start.date,
                    'user': Transaction().user or None,
                    'done_at': dt.datetime.now(),
                    'operation': start.operation,
                    'reason': start.reason,
                    'sources': [('add', [s.id for s in sources])],
                    'successor': default.id if default else None,
                    'changes': changes or None,
                    }])
        if lines:
            Line.create([{
                        'restructuring': restructuring.id,
                        'kind': l.kind,
                        'source': l.source.id,
                        'successor': l.successor.id,
                        'count': l.count,
                        'detail': l.detail,
                        } for l, _ in lines])
        return restructuring

