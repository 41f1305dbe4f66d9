# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sign-ins (R-OPS-3, R-SEC-1): of the staff (sao, res.user.get_login,
called by trytond.security.login) and of the citizens on the portal
(web.user.authenticate for the password, web.user.session for every way
of signing in — the password, single sign-on).

A citizen's password sign-in is one event: authenticate() logs it and
the session it opens in the same transaction is not logged again."""
import weakref

from trytond.exceptions import LoginException, RateLimitException
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The citizen accounts whose password sign-in was logged, per transaction.
_AUTHENTICATED = weakref.WeakKeyDictionary()

RATE_LIMITED = "Too many attempts: refused without checking the password."


def _log(*args, **kwargs):
    Pool().get('gov.audit.event').log(*args, **kwargs)


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        """Log the outcome of a staff sign-in. trytond's login transaction
        is writable and is committed also on failure; a missing parameter
        (sao asking for the password) is not an attempt."""
        try:
            user_id = super().get_login(login, parameters)
        except RateLimitException:
            _log('staff_login_failure', login=login, details=RATE_LIMITED)
            raise
        except LoginException:
            raise
        if user_id:
            _log('staff_login', user=user_id, login=login)
        else:
            _log('staff_login_failure', login=login,
                user=cls._audit_user_id(login))
        return user_id

    @classmethod
    def _audit_user_id(cls, login):
        "The id of the account of login, when it exists."
        user_id, _, _ = cls._get_login(login)
        return user_id


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def authenticate(cls, email, password):
        try:
            user = super().authenticate(email, password)
        except RateLimitException:
            _log('portal_login_failure', login=email, details=RATE_LIMITED)
            raise
        if user:
            _log('portal_login', web_user=user, login=user.email,
                details="Password")
            _AUTHENTICATED.setdefault(Transaction(), set()).add(user.id)
        else:
            found = cls.search([('email', '=', (email or '').lower())],
                limit=1)
            _log('portal_login_failure', login=email,
                web_user=found[0] if found else None)
        return user


class WebUserSession(metaclass=PoolMeta):
    __name__ = 'web.user.session'

    @classmethod
    def on_modification(cls, mode, sessions, field_names=None):
        """A new session is a sign-in (single sign-on included), unless
        the password sign-in that opened it was logged already."""
        super().on_modification(mode, sessions, field_names=field_names)
        if mode != 'create':
            return
        logged = _AUTHENTICATED.get(Transaction(), set())
        for session in sessions:
            user = session.user
            if user.id in logged:
                continue
            _log('portal_login', web_user=user, login=user.email,
                details="New session")
