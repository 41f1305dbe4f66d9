# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Sign-in through an OpenID Connect provider (R-SEC-4, R-AG-4, R-SUB-8).

``/dang-nhap/sso/<provider>``
    keeps state, nonce and PKCE verifier (gov.sso.authorization, bound to
    the browser's cookie) and sends the browser to the provider.
``/dang-nhap/sso/callback``
    the provider's answer: the request of its state is taken (once), the
    code traded for tokens, the ID token verified (oidc.py); then the
    account linked to the subject is opened; else, when a local account
    has the same identification number, ``/dang-nhap/sso/lien-ket`` asks
    for that account's password before linking both; else
    ``/dang-nhap/sso/dong-y`` shows the consent text (R-SEC-5) and makes
    the account from the verified claims once she agreed, recording which
    version she agreed to, as registration does.

Every refusal is a Vietnamese page with a 4xx status (502 when the
provider cannot be reached), never a stack trace; the details go to the
log only. Sessions are opened by Portal.log_in, the portal's one entry."""
import datetime as dt
import json
import logging
import secrets
from pathlib import Path

from trytond.exceptions import RateLimitException
from trytond.transaction import Transaction

from gov_agency.public import public_url
from gov_portal.routes_account import asked_next, shown_consent
from gov_portal.web import PageError, add_template_folder, page, safe_next
from gov_portal.web_user import valid_identification

from . import oidc
from .identity import digest, profile_from_claims

logger = logging.getLogger(__name__)
add_template_folder(Path(__file__).resolve().parent / 'templates')

CALLBACK = '/dang-nhap/sso/callback'
LINK = '/dang-nhap/sso/lien-ket'
CONSENT = '/dang-nhap/sso/dong-y'
LINK_COOKIE = 'dvc_sso_link'


def redirect_uri():
    "The callback as registered at the provider: the public address."
    return public_url() + CALLBACK


def refusal(portal, title, line, status=400):
    "A Vietnamese page saying why the sign-in stopped, and what to do."
    _ = portal._
    return portal.render('message.html', status=status, title=title,
        kind='error', lines=[line, _('Vui lòng đăng nhập lại. Nếu lỗi vẫn '
                'xảy ra, hãy liên hệ Bộ phận Một cửa để được hỗ trợ.')],
        links=[('/dang-nhap', _('Đăng nhập lại'))])


def provider_refusal(portal, error):
    _ = portal._
    logger.warning('single sign-on refused: %s %s', error.kind, error.detail)
    if error.kind == 'unreachable':
        return refusal(portal, _('Chưa kết nối được nhà cung cấp định danh'),
            _('Hệ thống định danh điện tử đang không phản hồi. Vui lòng thử '
                'lại sau ít phút hoặc đăng nhập bằng mật khẩu.'), status=502)
    if error.kind == 'token':
        return refusal(portal, _('Đăng nhập không thành công'),
            _('Nhà cung cấp định danh không xác nhận lần đăng nhập này '
                '(mã xác thực không đúng hoặc đã hết hạn).'))
    return refusal(portal, _('Thông tin định danh không hợp lệ'),
        _('Thông tin định danh nhận được không hợp lệ (chữ ký, thời hạn '
            'hoặc nơi nhận không đúng), nên hệ thống không đăng nhập cho '
            'bạn.'))


def active_provider(portal, provider_id):
    Provider = portal.pool.get('gov.sso.provider')
    providers = Provider.search([('id', '=', provider_id)], limit=1)
    if not providers:
        raise PageError(404)
    return providers[0]


# Not read-only although a GET: it writes the request (and the callback
# deletes it).
@page('/dang-nhap/sso/<int:provider_id>', readonly=False)
def start(portal, provider_id):
    "Send the citizen to the provider, with a fresh state and nonce."
    provider = active_provider(portal, provider_id)
    next_ = asked_next(portal)
    if portal.user:
        return portal.redirect(next_ or '/ho-so')
    try:
        url, state, nonce, verifier = oidc.authorization_request(
            provider, redirect_uri())
    except oidc.SSOError as error:
        return provider_refusal(portal, error)
    Authorization = portal.pool.get('gov.sso.authorization')
    Authorization.clean()
    Authorization.create([{
                'state_hash': digest(state), 'provider': provider.id,
                'nonce': nonce, 'code_verifier': verifier,
                'browser': portal.browser, 'next_path': next_,
                }])
    return portal.redirect(url, code=302)


def sign_in(portal, user, next_):
    portal.log_in(user)
    return portal.redirect(safe_next(next_, '/ho-so'))


@page(CALLBACK, readonly=False)
def callback(portal):
    _ = portal._
    args = portal.request.args
    Authorization = portal.pool.get('gov.sso.authorization')
    state = args.get('state', '')
    request = Authorization.take(state) if state else None
    # Taken for good, whatever follows: a state is never accepted twice.
    Transaction().commit()
    if (request is None or request['staff']
            or request['browser'] != portal.browser):
        return refusal(portal, _('Phiên đăng nhập không hợp lệ'),
            _('Yêu cầu đăng nhập này không hợp lệ, đã được sử dụng hoặc đã '
                'hết hạn.'))
    if args.get('error'):
        logger.info('single sign-on: provider answered %s',
            args.get('error'))
        return refusal(portal, _('Chưa đăng nhập'),
            _('Bạn đã hủy hoặc nhà cung cấp định danh đã từ chối lần đăng '
                'nhập này.'))
    provider = request['provider']
    if not args.get('code') or not provider.active:
        return refusal(portal, _('Phiên đăng nhập không hợp lệ'),
            _('Yêu cầu đăng nhập này không hợp lệ, đã được sử dụng hoặc đã '
                'hết hạn.'))
    try:
        claims = oidc.exchange(provider, args['code'],
            request['code_verifier'], redirect_uri(), request['nonce'])
    except oidc.SSOError as error:
        return provider_refusal(portal, error)
    values = profile_from_claims(provider, claims)
    if not valid_identification(values.get('identification_number')):
        logger.warning('single sign-on: no valid identification number '
            'from %s', provider.code)
        return refusal(portal, _('Thiếu số định danh cá nhân'),
            _('Nhà cung cấp định danh không cho biết số định danh cá nhân '
                'hợp lệ (12 chữ số) của bạn, nên không thể đăng nhập.'))
    return signed_in(portal, provider, claims, values, request['next_path'])


def signed_in(portal, provider, claims, values, next_):
    """The provider vouched for the person: open her account, make it, or
    ask for the password of the local account with her number."""
    _ = portal._
    pool = portal.pool
    Identity = pool.get('gov.sso.identity')
    WebUser = pool.get('web.user')
    subject = claims['sub']
    identity = Identity.find(provider, subject)
    if identity:
        user = identity.web_user
        if not user.active:
            return refusal(portal, _('Tài khoản đã bị khóa'),
                _('Tài khoản gắn với định danh này đã bị khóa hoặc đóng.'),
                status=403)
    else:
        # Her password links a local account with her number; a new
        # account waits for her consent.
        local = WebUser.local_with_number(values['identification_number'])
        return keep_pending(portal, provider, claims, local, next_)
    record_identity(identity, user, values)
    return sign_in(portal, user, next_)


def record_identity(identity, user, values):
    identity.identification_number = values['identification_number']
    identity.birth_date = values.get('birth_date')
    identity.last_login = dt.datetime.now()
    identity.save()
    user.apply_identity(values)


def keep_pending(portal, provider, claims, local, next_):
    """Keep the verified identity (server-side, bound to this browser) and
    ask for the local account's password, or without one (local None) for
    her consent to a new account."""
    PendingLink = portal.pool.get('gov.sso.link')
    token = secrets.token_urlsafe(32)
    kept = {k: claims[k] for k in {'sub', provider.claim_identification,
            provider.claim_name, provider.claim_birth_date,
            provider.claim_address, provider.claim_phone,
            provider.claim_email, 'email_verified'} if k and k in claims}
    PendingLink.create([{
                'token_hash': digest(token), 'browser': portal.browser,
                'provider': provider.id, 'subject': claims['sub'],
                'web_user': local.id if local else None,
                'claims': json.dumps(kept), 'next_path': next_,
                }])
    portal.cookies.append((LINK_COOKIE, token, 600))
    return portal.redirect(LINK if local else CONSENT)


def pending_of(portal, consent):
    """The pending identity of this browser, of the kind the page handles
    (a new account to consent to, or an account to link), else None."""
    pending = portal.pool.get('gov.sso.link').find(
        portal.request.cookies.get(LINK_COOKIE), portal.browser)
    if pending is None or (pending.web_user is None) != consent:
        return None
    return pending


def no_pending(portal):
    _ = portal._
    return refusal(portal, _('Phiên liên kết đã hết hạn'),
        _('Không còn yêu cầu liên kết tài khoản nào đang chờ.'))


@page(CONSENT, methods=('GET', 'POST'))
def consent(portal):
    """Her consent to the processing of her personal data (R-SEC-5, Decree
    13/2023/NĐ-CP Điều 11) before the account is made from her identity:
    the same text and record as the registration form's."""
    _ = portal._
    pool = portal.pool
    WebUser = pool.get('web.user')
    Identity = pool.get('gov.sso.identity')
    Consent = pool.get('gov.portal.consent')
    pending = pending_of(portal, consent=True)
    if pending is None:
        return no_pending(portal)
    provider = pending.provider
    values = profile_from_claims(provider, pending.claim_values)
    errors = {}
    if portal.request.method == 'POST':
        if not portal.request.form.get('consent'):
            errors['consent'] = _(
                'Vui lòng đồng ý để cơ quan nhà nước sử dụng thông tin của '
                'bạn khi giải quyết hồ sơ.')
        elif local := WebUser.local_with_number(
                values['identification_number']):
            # An account with her number was made meanwhile: linking it
            # needs its password, as at the callback.
            pending.web_user = local
            pending.save()
            return portal.redirect(LINK)
        else:
            user = WebUser.create_from_identity(values)
            Consent.record(user, 'registration',
                consent_text=shown_consent(portal, 'registration'))
            identity = Identity.find(provider, pending.subject) or Identity(
                provider=provider, subject=pending.subject)
            identity.web_user = user
            record_identity(identity, user, values)
            next_ = pending.next_path or '/tai-khoan'
            pool.get('gov.sso.link').delete([pending])
            portal.cookies.append((LINK_COOKIE, '', 0))
            return sign_in(portal, user, next_)
    return portal.render('sso_consent.html', errors=errors,
        provider=provider, name=values.get('full_name') or '',
        consent=pool.get('gov.portal.consent.text').current('registration'))


def mask_email(email):
    "n*****@example.com: enough for her to know which account it is."
    name, _, domain = (email or '').partition('@')
    return (name[:1] + '*' * max(3, len(name) - 1) + '@' + domain
        if domain else '')


@page(LINK, methods=('GET', 'POST'))
def link(portal):
    """Link the identity to the local account with the same number, once
    its password is given: the match alone never opens an account."""
    _ = portal._
    PendingLink = portal.pool.get('gov.sso.link')
    WebUser = portal.pool.get('web.user')
    Identity = portal.pool.get('gov.sso.identity')
    pending = pending_of(portal, consent=False)
    if pending is None:
        return no_pending(portal)
    account = pending.web_user
    errors = {}
    if portal.request.method == 'POST':
        password = portal.request.form.get('password', '')
        user = None
        try:
            user = (WebUser.authenticate(account.email, password)
                if password and account.email else None)
        except RateLimitException:
            errors['password'] = _('Bạn đã nhập sai quá nhiều lần. Vui '
                'lòng thử lại sau ít phút hoặc dùng chức năng "Quên mật '
                'khẩu".')
        else:
            if not user or user.id != account.id:
                errors['password'] = _('Mật khẩu không đúng.')
        if not errors:
            provider = pending.provider
            claims = pending.claim_values
            values = profile_from_claims(provider, claims)
            identity = Identity.find(provider, pending.subject) or Identity(
                provider=provider, subject=pending.subject)
            identity.web_user = user
            record_identity(identity, user, values)
            next_ = pending.next_path
            PendingLink.delete([pending])
            portal.cookies.append((LINK_COOKIE, '', 0))
            return sign_in(portal, user, next_)
    claims = pending.claim_values
    return portal.render('sso_link.html', errors=errors,
        provider=pending.provider,
        name=claims.get(pending.provider.claim_name) or '',
        email=mask_email(account.email))
