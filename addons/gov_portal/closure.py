# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A citizen's request to close her portal account (R-SEC-5; Decree
13/2023/NĐ-CP, Điều 9.5 and 16: withdrawal of consent, deletion).

She asks from "Dữ liệu của tôi"; the provincial office handles it in sao:
done (the account is closed) or refused with a reason. Closing deactivates
the account, ends its sessions and erases what no law requires to keep:
the profile's phone, address and identification number, the password and
the account's tokens. Kept: the e-mail and full name naming the account,
her dossiers (state records, with the applicant's data they carry), their
notifications and her consents (the proof of what she agreed to)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_dossier.deadline import utcnow

STATES = [
    ('requested', "Requested"),
    ('done', "Closed"),
    ('refused', "Refused"),
    ]


class ClosureError(ValidationError):
    pass


class ClosureRequest(Workflow, ModelSQL, ModelView):
    "A citizen's request to close her portal account."
    __name__ = 'gov.portal.closure'
    __string__ = "Account Closure Request"

    web_user = fields.Many2One('web.user', "Citizen Account", required=True,
        readonly=True, ondelete='RESTRICT')
    email = fields.Function(fields.Char("E-mail"), 'get_account')
    full_name = fields.Function(fields.Char("Full Name"), 'get_account')
    reason = fields.Text("Citizen's Reason", readonly=True)
    request_date = fields.DateTime("Requested At", required=True,
        readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    refusal_reason = fields.Text("Refusal Reason",
        states={
            'readonly': Eval('state') != 'requested',
            },
        help="Required to refuse; shown to the citizen.")
    handled_by = fields.Many2One('res.user', "Handled By", readonly=True)
    done_date = fields.DateTime("Handled At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.web_user, Index.Range())))
        cls._order = [('request_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('requested', 'done'), ('requested', 'refused')}
        cls._buttons.update({
                'close_account': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'requested'

    @staticmethod
    def default_request_date():
        return utcnow()

    @classmethod
    def get_account(cls, requests, names):
        result = {n: {} for n in names}
        with without_check_access():
            for request in requests:
                user = request.web_user
                for name in names:
                    result[name][request.id] = getattr(user, name)
        return result

    @classmethod
    def ask(cls, web_user, reason=None):
        """Her request from the portal; ClosureError when one is already
        waiting."""
        with without_check_access():
            if cls.search([('web_user', '=', int(web_user)),
                        ('state', '=', 'requested')], limit=1):
                raise ClosureError(gettext(
                        'gov_portal.msg_closure_pending'))
            request, = cls.create([{
                        'web_user': int(web_user),
                        'reason': reason or None,
                        }])
        return request

    @classmethod
    def pending(cls, web_user):
        with without_check_access():
            requests = cls.search([('web_user', '=', int(web_user)),
                    ('state', '=', 'requested')], limit=1)
        return requests[0] if requests else None

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def close_account(cls, requests):
        WebUser = Pool().get('web.user')
        with without_check_access():
            WebUser.close_accounts([r.web_user for r in requests])
        cls.write(requests, cls._handled())

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        for request in requests:
            if not (request.refusal_reason or '').strip():
                raise ClosureError(gettext(
                        'gov_portal.msg_closure_refusal_reason'))
        cls.write(requests, cls._handled())

    @classmethod
    def _handled(cls):
        return {'handled_by': Transaction().user, 'done_date': utcnow()}

    @classmethod
    def delete(cls, requests):
        raise AccessError(gettext('gov_portal.msg_closure_no_delete'))


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    # What closing erases (R-SEC-5): the profile's contact data and
    # identifier, the secrets. The e-mail and name stay to name the
    # account in the dossiers and consents kept as state records.
    ERASED_ON_CLOSURE = {
        'phone': None, 'address': None, 'identification_number': None,
        'password_hash': None, 'email_token': None,
        'reset_password_token': None, 'reset_password_token_expire': None,
        'mail_dates': None,
        }

    @classmethod
    def close_accounts(cls, users):
        "Deactivate and erase (sessions end with active, web_user.py)."
        values = {k: v for k, v in cls.ERASED_ON_CLOSURE.items()
            if k in cls._fields}
        values['active'] = False
        cls.write(users, values)
        cls.revoke_sessions(users)
