# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Changes of permissions (R-OPS-3, R-SEC-1): groups, membership of a
group, model and field access, record rules, buttons of a group, and the
activation of a staff account. One event per change (create, write or
delete of records of one model), naming what changed.

A user's groups are changed through the relation res.user-res.group
(Many2Many), which logs them: res.user's own hook logs only `active`.
The data of a module being activated or updated (its XML, loaded as root
with the module in the context) is the code's own and is not logged."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

MODES = {'create': "Created", 'write': "Changed", 'delete': "Deleted"}


def _loading_module():
    transaction = Transaction()
    # RPC is never root: a client cannot hide a change behind the context.
    return not transaction.user and transaction.context.get('module')


def _value(value):
    if isinstance(value, (list, tuple)):
        return '[%s]' % ', '.join(_value(v) for v in value)
    if hasattr(value, 'rec_name'):
        return value.rec_name
    return repr(value) if isinstance(value, str) else str(value)


class PermissionAuditMixin:
    __slots__ = ()
    # The fields whose change is logged (None: every field).
    _audit_fields = None

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if _loading_module():
            return
        changed = None
        if mode == 'write':
            changed = set(field_names or [])
            if cls._audit_fields is not None:
                changed &= cls._audit_fields
            changed -= {'write_date', 'write_uid'}
            if not changed:
                return
        lines = [record._audit_describe(mode, changed) for record in records]
        user = Transaction().user or None
        Pool().get('gov.audit.event').log('permission_change', user=user,
            model=cls.__name__, records=records,
            details='%s: %s' % (MODES[mode], '\n'.join(lines)))

    def _audit_describe(self, mode, changed):
        "One line naming the record and, for a change, its new values."
        text = self.rec_name
        if changed:
            text += ' (%s)' % ', '.join(
                '%s=%s' % (name, self._audit_value(name))
                for name in sorted(changed))
        return text

    def _audit_value(self, name):
        value = getattr(self, name, None)
        field = self._fields.get(name)
        if field is not None and field._type == 'boolean':
            # SQLite gives the integer back.
            value = bool(value)
        return _value(value)


class User(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    _audit_fields = {'active', 'login'}


class Group(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'res.group'
    # Members are logged by the relation.
    _audit_fields = {'name', 'active', 'parent', 'model_access',
        'field_access', 'buttons', 'rule_groups', 'menu_access'}


class UserGroup(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    def _audit_describe(self, mode, changed):
        return '%s (%s) -> %s' % (self.user.rec_name, self.user.login,
            self.group.rec_name)


class ModelAccess(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'ir.model.access'

    def _audit_describe(self, mode, changed):
        perms = ''.join(p[0] if getattr(self, 'perm_' + p) else '-'
            for p in ('read', 'write', 'create', 'delete'))
        text = '%s / %s: %s' % (self.model,
            self.group.rec_name if self.group else '*', perms)
        if changed:
            text += ' (changed: %s)' % ', '.join(sorted(changed))
        return text


class ModelFieldAccess(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'ir.model.field.access'


class Rule(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'ir.rule'

    def _audit_describe(self, mode, changed):
        return '%s: %s' % (self.rule_group.rec_name, self.domain)


class RuleGroup(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'ir.rule.group'


class ModelButtonGroup(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'ir.model.button-res.group'

    def _audit_describe(self, mode, changed):
        return '%s -> %s' % (self.button.rec_name, self.group.rec_name)


class RuleGroupGroup(PermissionAuditMixin, metaclass=PoolMeta):
    __name__ = 'ir.rule.group-res.group'

    def _audit_describe(self, mode, changed):
        return '%s -> %s' % (self.rule_group.rec_name, self.group.rec_name)
