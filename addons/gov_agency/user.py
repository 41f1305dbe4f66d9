# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.cache import Cache
from trytond.exceptions import LoginException, UserError
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

# The name of the root user, shown where the system did something.
ROOT_NAME = "Hệ thống"


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    agency_memberships = fields.One2Many(
        'gov.agency.officer', 'user', "Agency Memberships")
    agencies = fields.Many2Many(
        'gov.agency.officer', 'user', 'agency', "Agencies",
        help="The agencies the officer works for; "
        "they see the records of these agencies and their sub-units.")

    password_change_required = fields.Boolean(
        "Password Change Required",
        help="The user must choose a new password at the next login "
        "(set when an administrator creates the account or sets its "
        "password).")

    _get_agencies_cache = Cache('res_user.get_agencies', context=False)

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        # The root user (id 0) is the system acting on its own: data loaded
        # at set-up, scheduled tasks, the portal. Officers read its name as
        # the author of what it did ("Người công bố"): not "Root".
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.name], [ROOT_NAME],
                where=(table.id == 0) & (table.name == 'Root')))

    @classmethod
    def default_password_change_required(cls):
        # Accounts created by an administrator get a temporary password.
        return Transaction().user != 0

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        user = Transaction().user
        # A password set by someone else (an administrator) is temporary.
        if (mode == 'write' and values.get('password') and user != 0
                and 'password_change_required' not in values
                and not Transaction().context.get('_own_password')):
            values['password_change_required'] = True
        return values

    @classmethod
    def set_preferences(cls, values):
        # The user changing their own password: it is not temporary.
        with Transaction().set_context(_own_password=True):
            super().set_preferences(values)

    @classmethod
    def _login_password(cls, login, parameters):
        "R-AG-4: personal accounts change their temporary password first."
        user_id = super()._login_password(login, parameters)
        if not user_id:
            return user_id
        with without_check_access():
            user = cls(user_id)
            if not user.password_change_required:
                return user_id
            new_password = parameters.get('new_password')
            if not new_password:
                raise LoginException('new_password', gettext(
                        'gov_agency.msg_password_change_required'),
                    type='password')
            if new_password == parameters['password']:
                raise LoginException('new_password', gettext(
                        'gov_agency.msg_password_change_same'),
                    type='password')
            # Validate before writing: a failed login's transaction is
            # committed, so nothing may be half-written.
            try:
                cls.validate_password(new_password, [user])
            except UserError as error:
                raise LoginException(
                    'new_password', error.message, type='password')
            with Transaction().set_context(_own_password=True):
                cls.write([user], {
                        'password': new_password,
                        'password_change_required': False,
                        })
        return user_id

    @classmethod
    def get_agencies(cls):
        """Ids of the current user's agencies and all their descendants.

        Used by record rules (see ir.Rule) so that every module restricts
        officers to their agency subtree the same way."""
        pool = Pool()
        Agency = pool.get('gov.agency')
        Officer = pool.get('gov.agency.officer')
        user = Transaction().user
        result = cls._get_agencies_cache.get(user)
        if result is not None:
            return result
        officer = Officer.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*officer.select(
                officer.agency, where=officer.user == user))
        result = Agency.subtree_ids([a for a, in cursor])
        cls._get_agencies_cache.set(user, result)
        return result

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        cls._get_agencies_cache.clear()
