# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the server lets a client write on a dossier and its children:
the fields only the workflow writes, the fields still open once the
dossier left draft, the children written only by the workflow, and the
record-rule checks Tryton leaves to Python (R-AG-3, R-SEC-1, R-SEC-2)."""
from sql import Literal
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import DossierAccessError
from .identity import compact

# Fields only the workflow writes: refused on create/write through RPC.
PROTECTED_FIELDS = {
    'state', 'code', 'code_key', 'code_date', 'code_sequence', 'pin',
    'qr_token',
    'web_user', 'submitted_by', 'received_by', 'submitted_date',
    'received_date', 'processing_days', 'suspended_days', 'suspended_date',
    'suspended_from', 'due_date', 'completed_date', 'returned_date',
    'timeliness', 'current_step', 'current_unit', 'involved_agencies',
    'supplement_components', 'supplement_reason', 'rejection_reason',
    'withdrawal_reason', 'suspension_reason', 'backfilled',
    'late_warning_date', 'steps', 'history',
    }
# Fields an officer may still change through RPC once the dossier left draft.
WRITABLE_AFTER_DRAFT = {
    'submitted': {'notes', 'documents', 'result_type', 'return_method',
        'return_address', 'return_phone', 'result_note'},
    'supplement': {'notes', 'documents'},
    'received': {'notes', 'documents', 'result_type', 'return_method',
        'return_address', 'return_phone', 'result_note'},
    'processing': {'notes', 'documents', 'result_type', 'return_method',
        'return_address', 'return_phone', 'result_note'},
    'suspended': {'notes', 'documents', 'result_type', 'return_method',
        'return_address', 'return_phone', 'result_note'},
    'result_ready': {'notes', 'documents', 'return_method',
        'return_address', 'return_phone', 'result_note'},
    'done': {'notes'},
    'rejected': {'notes'},
    'withdrawn': {'notes'},
    }
# The states each action starts from (the workflow's _transitions also hold


def _empty(value):
    return value in (None, False, 0, '', (), [], {})


class RuleCheckedExportMixin:
    """Tryton's export_data() evaluates record rules in Python, where the
    rules a child model takes through __access__ (operator 'where') always
    pass: without this, an officer could export the files of another
    agency's dossier by its ids. Check the ids with read(), whose rules are
    evaluated by the database, first (R-AG-3, R-SEC-2)."""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            cls.read([r.id for r in records], ['id'])
        return super().export_data(records, fields_names, header=header)


class _ChildCheckMixin:
    "Children written only by the workflow (not through RPC)."
    __slots__ = ()
    _rpc_writable = set()

    @classmethod
    def _refuse_rpc(cls):
        raise DossierAccessError(gettext(
                'gov_dossier.msg_workflow_only',
                model=cls.__names__()['model']))

    @classmethod
    def create(cls, vlist):
        # Refused before the values are even validated.
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            cls._refuse_rpc()
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if not external:
            return
        if mode == 'write' and not (set(values) - cls._rpc_writable):
            return
        cls._refuse_rpc()


class AccessMixin:
    "Server-side checks of what RPC clients write on gov.dossier."
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Extended by other modules for the fields only they write.
        cls._protected_fields = set(PROTECTED_FIELDS)
        # Protected fields that every creation computes itself
        # (preprocess_values), whatever a client sent: not refused there.
        cls._generated_fields = {'submitted_by', 'pin', 'qr_token'}

    @classmethod
    def domain_involved_agencies(cls, domain, tables):
        """Search by involved agency ids with a correlated EXISTS.

        The officers' record rule is "agency in my agencies OR involved
        agencies in my agencies". Tryton writes the second part
        `id IN (SELECT dossier FROM relation WHERE agency IN …)`, which
        PostgreSQL cannot join under an OR: it hashes every relation row of
        the officer's agencies (hundreds of thousands for a district after
        a few years) on each search, count or read. A correlated EXISTS
        probes the relation's index only for the rows the rest of the query
        selects. Its correlation is written as a range (dossier >= id AND
        dossier <= id), which PostgreSQL cannot turn back into the hashed
        form: with an equality it would, as soon as it misjudges how many
        rows the rest of the query keeps (deadline filters)."""
        pool = Pool()
        Involved = pool.get('gov.dossier-gov.agency')
        Rule = pool.get('ir.rule')
        field = cls._fields['involved_agencies']
        name, operator, value = domain[:3]
        ids = [value] if isinstance(value, int) else value
        if ('.' not in name and operator in {'in', '='}
                and isinstance(ids, (list, tuple))
                and all(isinstance(i, int) and not isinstance(i, bool)
                    for i in ids)
                and not Rule.domain_get(Involved.__name__, mode='read')):
            if not ids:
                return Literal(False)
            table, _ = tables[None]
            involved = Involved.__table__()
            return Exists(involved.select(Literal(1),
                    where=(involved.dossier >= table.id)
                    & (involved.dossier <= table.id)
                    & involved.agency.in_(list(ids))))
        return fields.Many2Many.convert_domain.__wrapped__(
            field, domain, tables, cls)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Secrets are always generated here, never taken from a client.
            values['pin'] = cls.generate_pin()
            values['qr_token'] = cls.generate_qr_token()
            if not values.get('submitted_by') and Transaction().user:
                values['submitted_by'] = Transaction().user
        for name in ['applicant_id_number', 'applicant_tax_code']:
            if values.get(name):
                values[name] = compact(values[name]) if (
                    name == 'applicant_id_number') else values[name].strip()
        return values

    @classmethod
    def check_modification(cls, mode, dossiers, values=None, external=False):
        super().check_modification(
            mode, dossiers, values=values, external=external)
        if not external:
            return
        if mode == 'create':
            for dossier in dossiers:
                for name in sorted(
                        cls._protected_fields - cls._generated_fields):
                    if name in {'steps', 'history', 'involved_agencies',
                            'supplement_components'}:
                        if getattr(dossier, name):
                            cls._raise_protected(name)
                    elif name == 'state':
                        if dossier.state != 'draft':
                            cls._raise_protected(name)
                    elif not _empty(getattr(dossier, name)):
                        cls._raise_protected(name)
        elif mode == 'write':
            protected = set(values) & cls._protected_fields
            if protected:
                cls._raise_protected(sorted(protected)[0])
            for dossier in dossiers:
                if dossier.state == 'draft':
                    continue
                allowed = WRITABLE_AFTER_DRAFT.get(dossier.state, set())
                refused = set(values) - allowed
                if refused:
                    raise DossierAccessError(gettext(
                            'gov_dossier.msg_dossier_field_locked',
                            dossier=dossier.rec_name,
                            field=cls._field_string(sorted(refused)[0]),
                            state=dossier.state_string))
        elif mode == 'delete':
            for dossier in dossiers:
                if dossier.state != 'draft' or dossier.code:
                    raise DossierAccessError(gettext(
                            'gov_dossier.msg_dossier_delete_draft',
                            dossier=dossier.rec_name))

    @classmethod
    def _field_string(cls, name):
        field = cls._fields.get(name)
        return field.string if field else name

    @classmethod
    def _raise_protected(cls, name):
        raise DossierAccessError(gettext(
                'gov_dossier.msg_dossier_field_protected',
                field=cls._field_string(name)))

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default else {}
        for name in cls._protected_fields - {'state'}:
            default.setdefault(name, None)
        default.setdefault('suspended_days', 0)
        default.setdefault('backfilled', False)
        default.setdefault('documents', None)
        return super().copy(dossiers, default=default)
