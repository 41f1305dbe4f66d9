# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Officers sign in to the back office (sao) with the identity provider
(R-AG-4, R-SEC-4; Điều 5.5): their accounts are made by the
administrators, never by a sign-in.

sao 8.0 lists on its login dialog the authentication services the server
registers (`register_authentication_service`, the RPC
``common.authentication.services``); its button opens
``/admin/<database>/sso/staff?next=<sao>?login_service=/sso/staff`` in a
popup. This module registers one when ``[gov_sso] staff_login`` names it
(the label of the button), then:

``/<database>/sso/staff``
    sends the popup to the provider marked for officers (authorization code
    with PKCE, state and nonce kept in gov.sso.authorization, bound to a
    cookie of this browser);
``/<database>/sso/staff/callback``
    takes the state once, verifies the identity (oidc.py), finds the active
    officer whose *identification number for single sign-on* is the
    verified one, opens a Tryton session for him, sets sao's session
    cookie and sends the popup back to sao, which closes it and goes on
    signed in. An identity of no officer opens nothing.

Each refusal is a short Vietnamese page (4xx, 502 when the provider does not
answer); the details go to the log. The sign-in is in the audit log when
gov_audit is installed."""
import html
import logging
import secrets
import urllib.parse

from trytond import config
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.protocols.dispatcher import register_authentication_service
from trytond.protocols.wrappers import (
    Response, add_auth_cookies, redirect, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_agency.public import public_url
from gov_portal.web_user import valid_identification

from . import oidc
from .identity import digest, profile_from_claims

logger = logging.getLogger(__name__)

SERVICE = '/sso/staff'
BROWSER_COOKIE = 'dvc_sso_staff'
LABEL = config.get('gov_sso', 'staff_login', default=None)
if LABEL:
    register_authentication_service(LABEL, SERVICE)


class Provider(metaclass=PoolMeta):
    __name__ = 'gov.sso.provider'

    staff = fields.Boolean("Officers' Sign-in",
        help="Officers sign in to the back office with this provider "
        "(the first active one so marked).")


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    sso_identification_number = fields.Char(
        "Identification Number for Single Sign-On", size=12, strip=True,
        help="The officer's 12-digit personal identification number: the "
        "identity provider's sign-in with it opens this account.")


def page(status, title, line):
    "A short Vietnamese page in sao's popup."
    body = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f'<title>{html.escape(title)}</title></head><body>'
        f'<h1>{html.escape(title)}</h1><p>{html.escape(line)}</p>'
        '<p>Đóng cửa sổ này và đăng nhập lại, hoặc liên hệ quản trị hệ '
        'thống.</p></body></html>')
    return Response(body, status=status,
        content_type='text/html; charset=utf-8')


def callback_uri(database):
    return public_url() + f'/admin/{urllib.parse.quote(database)}' + (
        SERVICE + '/callback')


def staff_provider(pool):
    Provider = pool.get('gov.sso.provider')
    providers = Provider.search([('staff', '=', True)], limit=1)
    return providers[0] if providers else None


def safe_next(request, database):
    "Back to this server's sao only (never another site)."
    next_ = request.args.get('next', '')
    root = request.host_url.rstrip('/')
    if next_.startswith(root + '/') and '\\' not in next_:
        return next_
    return public_url() + '/admin/'


@app.route('/<database_name>' + SERVICE, methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def staff_start(request, pool):
    provider = staff_provider(pool)
    if not LABEL or provider is None:
        return page(404, "Chưa cấu hình đăng nhập một lần",
            "Chưa có nhà cung cấp định danh nào dành cho cán bộ.")
    database = pool.database_name
    try:
        url, state, nonce, verifier = oidc.authorization_request(
            provider, callback_uri(database))
    except oidc.SSOError as error:
        logger.warning('staff single sign-on: %s %s', error.kind,
            error.detail)
        return page(502, "Không kết nối được nhà cung cấp định danh",
            "Nhà cung cấp định danh không trả lời. Vui lòng thử lại sau.")
    browser = secrets.token_urlsafe(24)
    Authorization = pool.get('gov.sso.authorization')
    Authorization.clean()
    Authorization.create([{
                'state_hash': digest(state), 'provider': provider.id,
                'nonce': nonce, 'code_verifier': verifier,
                'browser': digest(browser), 'staff': True,
                'next_path': safe_next(request, database),
                }])
    response = redirect(url, 302)
    response.set_cookie(BROWSER_COOKIE, browser, max_age=600,
        httponly=True, samesite='Lax', secure=request.scheme == 'https',
        # gov_server.wsgi puts /admin in front of the back office's paths.
        path=f'/{database}' + SERVICE)
    return response


@app.route('/<database_name>' + SERVICE + '/callback', methods={'GET'})
@with_pool
@with_transaction(readonly=False)
def staff_callback(request, pool):
    Authorization = pool.get('gov.sso.authorization')
    User = pool.get('res.user')
    Session = pool.get('ir.session')
    state = request.args.get('state', '')
    taken = Authorization.take(state) if state else None
    # Taken for good whatever follows: a state is never accepted twice.
    Transaction().commit()
    browser = request.cookies.get(BROWSER_COOKIE, '')
    if (taken is None or not taken.get('staff')
            or taken['browser'] != digest(browser)):
        return page(400, "Phiên đăng nhập không hợp lệ",
            "Yêu cầu đăng nhập này không hợp lệ, đã được sử dụng hoặc đã "
            "hết hạn.")
    provider = taken['provider']
    if request.args.get('error') or not request.args.get('code'):
        return page(400, "Chưa đăng nhập",
            "Bạn đã hủy hoặc nhà cung cấp định danh đã từ chối lần đăng "
            "nhập này.")
    try:
        claims = oidc.exchange(provider, request.args['code'],
            taken['code_verifier'], callback_uri(pool.database_name),
            taken['nonce'])
    except oidc.SSOError as error:
        logger.warning('staff single sign-on refused: %s %s', error.kind,
            error.detail)
        if error.kind == 'unreachable':
            return page(502, "Không kết nối được nhà cung cấp định danh",
                "Nhà cung cấp định danh không trả lời. Vui lòng thử lại "
                "sau.")
        return page(400, "Thông tin định danh không hợp lệ",
            "Thông tin định danh nhận được không hợp lệ nên không thể đăng "
            "nhập.")
    number = profile_from_claims(provider, claims).get(
        'identification_number')
    users = User.search([
            ('sso_identification_number', '=', number),
            ], limit=1) if valid_identification(number) else []
    if not users:
        logger.info('staff single sign-on: no officer for this identity')
        audit(pool, 'staff_login_failure', None,
            f'Single sign-on ({provider.code}): no officer account')
        return page(403, "Không có tài khoản cán bộ",
            "Định danh này không gắn với tài khoản cán bộ nào đang hoạt "
            "động. Quản trị hệ thống gắn số định danh vào tài khoản của "
            "bạn.")
    user, = users
    with Transaction().set_user(user.id):
        key = Session.new()
    audit(pool, 'staff_login', user,
        f'Single sign-on ({provider.code})')
    parts = urllib.parse.urlsplit(taken['next_path'])
    query = urllib.parse.parse_qsl(parts.query)
    if 'login_service' not in dict(query):
        query.append(('login_service', SERVICE))
    query += [('database', pool.database_name), ('login', user.login),
        ('user_id', str(user.id)), ('bus_url_host', '')]
    response = redirect(urllib.parse.urlunsplit(
            parts._replace(query=urllib.parse.urlencode(query))), 302)
    add_auth_cookies(response, pool.database_name, user.login,
        str(user.id), key)
    response.delete_cookie(BROWSER_COOKIE,
        path=f'/{pool.database_name}' + SERVICE)
    return response


def audit(pool, kind, user, details):
    "The audit log's event, when gov_audit is installed."
    try:
        Event = pool.get('gov.audit.event')
    except KeyError:
        return
    Event.log(kind, user=user, login=user.login if user else None,
        details=details)
