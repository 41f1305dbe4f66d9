# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The bank statement of an agency's account and its lines (R-FEE-2).

The accountant imports the bank's CSV file (statement_csv.py) with the
wizard "Import Bank Statement". The whole file is read and checked first:
a wrong row stops the import with a message naming the row and nothing of
the file is imported. Then each row whose bank reference was not imported
before for the agency becomes a ``gov.fee.statement.line`` and is matched:

1. the memo is normalised (letters and digits only, upper case, without
   diacritics) as are the codes, so that ``000.30.21.H16-261206-0001``,
   ``0003021H162612060001`` and ``ho so 000.30.21.h16 261206 0001`` match;
2. an order code (``DVC`` + 12 characters) of a transfer order of the
   agency found in the memo gives the dossier of that order; otherwise the
   dossier codes of the agency (and of the agencies under it) found in the
   memo; several different dossiers → not matched;
3. the dossier found, open and owing at least the amount: the pending
   transfer order of that amount is confirmed (``Payment.confirm``), or a
   transfer is recorded (``Payment.record``), with the bank's reference;
4. anything else waits in the queue (*Unmatched*) with the reason: the
   accountant picks the dossier and clicks *Assign* (the same step 3), or
   *Ignore* with a reason (not a fee: another transfer to the account)."""
from collections import defaultdict

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import format_amount

from .exceptions import FeeAccessError, StatementError
from .payment import CLOSED_STATES, CURRENCY, ORDER_PREFIX
from .statement_csv import StatementFormatError, normalize_code, parse

STATES = [
    ('unmatched', "Unmatched"),
    ('matched', "Matched"),
    ('ignored', "Ignored"),
    ]
# What the accountant changes by hand, on a line waiting in the queue.
WRITABLE = {'dossier', 'ignore_reason'}
ORDER_LENGTH = len(ORDER_PREFIX) + 12


def scope(agency):
    "Ids of agency and the agencies under it."
    Agency = Pool().get('gov.agency')
    with without_check_access():
        return [a.id for a in Agency.search(
                [('parent', 'child_of', [int(agency)])])]


class StatementLine(Workflow, ModelSQL, ModelView):
    "A credit on the bank statement of an agency's account."
    __name__ = 'gov.fee.statement.line'
    __string__ = "Bank Statement Line"
    _rec_name = 'reference'

    _queued = {'readonly': Eval('state') != 'unmatched'}

    agency = fields.Many2One(
        'gov.agency', "Agency", required=True, ondelete='RESTRICT',
        readonly=True, help="The agency whose account received the money.")
    date = fields.Date("Date", required=True, readonly=True)
    amount = fields.Numeric(
        "Amount (đồng)", digits=(16, 0), required=True, readonly=True)
    memo = fields.Char("Memo", readonly=True)
    reference = fields.Char(
        "Bank Reference", required=True, readonly=True, strip=False)
    payer = fields.Char("Payer", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    dossier = fields.Many2One(
        'gov.dossier', "Dossier", ondelete='RESTRICT', states=_queued,
        help="The dossier the transfer pays: found from the memo, or chosen "
        "by the accountant before Assign.")
    payment = fields.Many2One(
        'gov.fee.payment', "Payment", ondelete='RESTRICT', readonly=True)
    match_note = fields.Text(
        "Why Unmatched", readonly=True,
        help="Why the line was not matched with a dossier on import.")
    ignore_reason = fields.Text(
        "Reason to Ignore", states=_queued)
    imported_by = fields.Many2One(
        'res.user', "Imported By", readonly=True, ondelete='RESTRICT')

    del _queued

    @classmethod
    def __setup__(cls):
        cls.reference.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('agency_reference_uniq', Unique(t, t.agency, t.reference),
                'gov_fee.msg_statement_reference_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.agency, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.dossier, Index.Equality()),
                    where=t.dossier != Null),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('unmatched', 'matched'),
            ('unmatched', 'ignored'),
            }
        cls._buttons.update({
                'assign': {
                    'invisible': Eval('state') != 'unmatched',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'ignore': {
                    'invisible': Eval('state') != 'unmatched',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'unmatched'

    def get_rec_name(self, name):
        return '%s — %s' % (self.reference,
            format_amount(self.amount, short=True))

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('reference', operator, operand, *extra),
            ('memo', operator, operand, *extra),
            ('payer', operator, operand, *extra),
            ]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        """Through RPC, lines are neither created nor deleted (the import
        creates them) and only the dossier and the reason to ignore of a
        line waiting in the queue change."""
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        if mode == 'write' and not (set(values) - WRITABLE) and all(
                l.state == 'unmatched' for l in lines):
            return
        raise FeeAccessError(gettext('gov_fee.msg_statement_import_only'))

    @classmethod
    def copy(cls, lines, default=None):
        "A line is the bank's: it is never duplicated."
        if lines:
            raise FeeAccessError(gettext('gov_fee.msg_statement_import_only'))
        return super().copy(lines, default=default)

    # ------------------------------------------------------------ import
    @classmethod
    def check_import(cls, agency):
        """With the access check on (the wizard), the user may create
        statement lines (the accountant) and agency is one of theirs."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        User = pool.get('res.user')
        Agency = pool.get('gov.agency')
        transaction = Transaction()
        if not (transaction.user and transaction.check_access):
            return
        ModelAccess.check(cls.__name__, 'create')
        if int(agency) not in set(Agency.dossier_agencies(
                    User.get_agencies())):
            raise FeeAccessError(gettext(
                    'gov_fee.msg_statement_agency',
                    agency=Agency(int(agency)).rec_name))

    @classmethod
    def import_file(cls, agency, data):
        """Import the bank's CSV file of agency's account (see the module
        docstring): all the rows or none. Returns {'lines': the lines
        created, 'matched', 'unmatched', 'duplicates': counts}."""
        Agency = Pool().get('gov.agency')
        agency = Agency(int(agency))
        cls.check_import(agency)
        try:
            rows = parse(data)
        except StatementFormatError as error:
            raise StatementError(gettext(
                    f'gov_fee.msg_statement_{error.code}', **error.values))
        with without_check_access():
            cls.lock()
            known = {l.reference for l in cls.search([
                        ('agency', '=', agency.id),
                        ('reference', 'in', [r['reference'] for r in rows]),
                        ])}
            vlist = []
            duplicates = 0
            user = Transaction().user or None
            for row in rows:
                if row['reference'] in known:
                    duplicates += 1
                    continue
                known.add(row['reference'])
                vlist.append({
                        'agency': agency.id,
                        'date': row['date'],
                        'amount': row['amount'],
                        'memo': row['memo'] or None,
                        'reference': row['reference'],
                        'payer': row['payer'],
                        'state': 'unmatched',
                        'imported_by': user,
                        })
            lines = cls.create(vlist) if vlist else []
            cls.match(lines)
            lines = cls.browse(lines)
        return {
            'lines': lines,
            'matched': sum(1 for l in lines if l.state == 'matched'),
            'unmatched': sum(1 for l in lines if l.state == 'unmatched'),
            'duplicates': duplicates,
            }

    # ---------------------------------------------------------- matching
    @classmethod
    def _dossier_codes(cls, agency_ids):
        """{normalised code: dossier id} of the dossiers of the agencies
        whose fees are fixed (those that can owe something)."""
        Dossier = Pool().get('gov.dossier')
        table = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        codes = defaultdict(set)
        cursor.execute(*table.select(table.id, table.code,
                where=table.agency.in_(agency_ids)
                & (table.code != Null) & (table.fee_date != Null)))
        for dossier_id, code in cursor:
            codes[normalize_code(code)].add(dossier_id)
        return codes

    @classmethod
    def find_dossiers(cls, memo, codes, agency_ids):
        """The dossiers a memo names: those of the transfer orders whose
        code it holds, else those whose code it holds (codes:
        _dossier_codes)."""
        Payment = Pool().get('gov.fee.payment')
        text = normalize_code(memo)
        if not text:
            return set()
        orders = {text[i:i + ORDER_LENGTH]
            for i in range(len(text) - ORDER_LENGTH + 1)
            if text.startswith(ORDER_PREFIX, i)}
        if orders:
            payments = Payment.search([
                    ('order_code', 'in', list(orders)),
                    ('agency', 'in', agency_ids),
                    ])
            if payments:
                return {p.dossier.id for p in payments}
        found = set()
        for length in {len(c) for c in codes}:
            for i in range(len(text) - length + 1):
                found |= codes.get(text[i:i + length], set())
        return found

    @classmethod
    def match(cls, lines):
        """Match the lines with their dossiers and pay them (see the module
        docstring); the others stay unmatched with the reason."""
        Dossier = Pool().get('gov.dossier')
        by_agency = defaultdict(list)
        for line in lines:
            by_agency[line.agency].append(line)
        with without_check_access():
            for agency, agency_lines in by_agency.items():
                agency_ids = scope(agency)
                codes = cls._dossier_codes(agency_ids)
                for line in agency_lines:
                    found = cls.find_dossiers(line.memo, codes, agency_ids)
                    if not found:
                        cls.write([line], {'match_note': gettext(
                                    'gov_fee.msg_statement_note_no_code')})
                        continue
                    if len(found) > 1:
                        names = ', '.join(sorted(
                                d.rec_name for d in Dossier.browse(found)))
                        cls.write([line], {'match_note': gettext(
                                    'gov_fee.msg_statement_note_several',
                                    dossiers=names)})
                        continue
                    dossier = Dossier(found.pop())
                    note = cls._refusal(dossier, line.amount)
                    if note:
                        cls.write([line], {
                                'dossier': dossier.id,
                                'match_note': note,
                                })
                        continue
                    cls._settle(line, dossier)

    @classmethod
    def _refusal(cls, dossier, amount):
        "Why amount cannot pay dossier now, or None."
        if dossier.state in CLOSED_STATES:
            return gettext('gov_fee.msg_statement_note_closed',
                dossier=dossier.rec_name, state=dossier.state_string)
        due = dossier.get_fee_amounts([dossier])[dossier.id]['due']
        if amount > due:
            return gettext('gov_fee.msg_statement_note_exceeds',
                dossier=dossier.rec_name,
                amount=format_amount(amount, short=True),
                due=format_amount(due, short=True))
        return None

    @classmethod
    def _settle(cls, line, dossier):
        """Pay dossier with line: confirm its pending transfer order of
        that amount, or record a transfer; the line is matched."""
        Payment = Pool().get('gov.fee.payment')
        orders = Payment.search([
                ('dossier', '=', dossier.id),
                ('method', '=', 'transfer'),
                ('state', '=', 'pending'),
                ('amount', '=', line.amount),
                ], order=[('id', 'ASC')], limit=1)
        if orders:
            payment = Payment.confirm(
                orders[0], line.amount, CURRENCY, line.reference)
            if line.payer and not payment.payer_name:
                Payment.write([payment], {'payer_name': line.payer})
        else:
            payment = Payment.record(dossier, 'transfer', line.amount,
                payer_name=line.payer, reference=line.reference)
        cls.write([line], {
                'state': 'matched',
                'dossier': dossier.id,
                'payment': payment.id,
                })
        return payment

    # ----------------------------------------------------------- buttons
    @classmethod
    @ModelView.button
    def assign(cls, lines):
        """The accountant assigns unmatched lines to the dossier chosen:
        the dossier's transfer is confirmed or recorded."""
        Dossier = Pool().get('gov.dossier')
        for line in lines:
            if line.state != 'unmatched':
                raise StatementError(gettext(
                        'gov_fee.msg_statement_assign_state',
                        line=line.rec_name))
            if not line.dossier:
                raise StatementError(gettext(
                        'gov_fee.msg_statement_assign_dossier',
                        line=line.rec_name))
            dossier = Dossier(line.dossier.id)
            if dossier.agency.id not in scope(line.agency):
                raise StatementError(gettext(
                        'gov_fee.msg_statement_assign_agency',
                        line=line.rec_name, dossier=dossier.rec_name,
                        agency=line.agency.rec_name))
            refusal = cls._refusal(dossier, line.amount)
            if refusal:
                raise StatementError(refusal)
            cls._settle(line, dossier)

    @classmethod
    @ModelView.button
    @Workflow.transition('ignored')
    def ignore(cls, lines):
        "Not a fee of a dossier: out of the queue, with the reason."
        for line in lines:
            if not (line.ignore_reason or '').strip():
                raise StatementError(gettext(
                        'gov_fee.msg_statement_ignore_reason',
                        line=line.rec_name))
