# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Citizen accounts (R-AG-4, R-SUB-8) on trytond-web-user: register, verify
the e-mail, log in and out, reset the password, keep a profile.

Authentication goes through `authenticators`: the password form is the
first; an OpenID Connect provider (gov_sso) adds a route that, once the
provider vouched for the person, finds or creates the web.user and calls
`portal.log_in(web_user)` — the only place a session is opened."""
import datetime as dt
import logging
from urllib.parse import unquote, urlencode, urlsplit

from markupsafe import escape

from trytond import config
from trytond.exceptions import RateLimitException, UserError
from trytond.sendmail import send_message
from trytond.tools.email_ import EmailNotValidError, validate_email
from trytond.transaction import Transaction

from gov_agency.public import make_message, public_url
from gov_procedure.eform import parse_date

from .web import page, safe_next
from .web_user import PHONE, normalize_phone, valid_identification

logger = logging.getLogger(__name__)

MIN_PASSWORD = 8


def asked_next(portal):
    """The page the citizen was going to when asked to sign in (a local
    path, else None): kept through log in, registration, the verification
    e-mail and its page, so that she ends where she started."""
    next_ = safe_next(portal.request.values.get('next'), None)
    # Not back to an account page (a loop).
    if next_ and urlsplit(next_).path in {
            '/dang-nhap', '/dang-ky', '/dang-xuat', '/dang-ky/gui-lai'}:
        return None
    return next_


def with_next(path, next_):
    return path + ('?' + urlencode({'next': next_}) if next_ else '')


def purpose(portal, next_):
    """Why she is asked to sign in, from the page she was going to:
    (kind, procedure name) — the templates say it in a sentence."""
    path = urlsplit(next_ or '').path
    if path.startswith('/nop-ho-so/'):
        code = unquote(path[len('/nop-ho-so/'):]).split('/')[0]
        Procedure = portal.pool.get('gov.procedure')
        procedures = Procedure.search([
                ('code', '=', code),
                ('state', '=', 'published'),
                ], limit=1)
        return 'submit', procedures[0].name if procedures else None
    for prefix, kind in [('/ho-so', 'dossiers'), ('/thong-bao', 'inbox'),
            ('/tai-khoan', 'profile')]:
        if path == prefix or path.startswith(prefix + '/'):
            return kind, None
    return None, None


def authenticators(portal):
    """The ways a citizen can log in, in the order the login page shows
    them: (key, label, url) — web.user.portal_authenticators, which other
    modules extend (gov_sso adds its identity providers)."""
    return portal.pool.get('web.user').portal_authenticators()


def profile_errors(portal, form, errors):
    _ = portal._
    name = ' '.join(form.get('full_name', '').split())
    if not name:
        errors['full_name'] = _('Vui lòng nhập họ và tên.')
    number = form.get('identification_number', '').strip()
    if not number:
        errors['identification_number'] = _(
            'Vui lòng nhập số định danh cá nhân (12 chữ số).')
    elif not valid_identification(number):
        errors['identification_number'] = _(
            'Số định danh cá nhân phải gồm đúng 12 chữ số, '
            'ví dụ 066190001234.')
    phone = normalize_phone(form.get('phone', ''))
    if phone and not PHONE.match(phone):
        errors['phone'] = _(
            'Số điện thoại không hợp lệ, ví dụ 0912345678.')
    values = {
        'full_name': name,
        'identification_number': number,
        'phone': phone or None,
        'address': form.get('address', '').strip() or None,
        }
    WebUser = portal.pool.get('web.user')
    if 'birth_date' in form:
        birth = form.get('birth_date', '').strip()
        values['birth_date'], message = (
            parse_date(birth, _('Ngày sinh')) if birth else (None, None))
        # The account model says whether the date can be hers.
        message = message or WebUser(identification_number=number
            if 'identification_number' not in errors else None,
            birth_date=values['birth_date']).birth_date_error()
        if message:
            errors['birth_date'] = message
    # Lengths and control characters: the account model's own check.
    for field, message in WebUser.text_errors(
            values).items():
        errors.setdefault(field, message)
    return values


def password_errors(portal, password, confirm, errors, field='password'):
    _ = portal._
    if len(password) < MIN_PASSWORD:
        errors[field] = _('Mật khẩu phải có ít nhất %(n)s ký tự.',
            n=MIN_PASSWORD)
    elif password != confirm:
        errors[field + '_confirm'] = _('Hai mật khẩu không giống nhau.')
    else:
        try:
            portal.pool.get('res.user').validate_password(password, [])
        except UserError:
            errors[field] = _(
                'Mật khẩu quá dễ đoán. Hãy dùng mật khẩu dài hơn, '
                'không trùng với e-mail hay tên.')


def send_mail(portal, to, subject, lines, link, button):
    """Send a short Vietnamese e-mail with one link (text and HTML parts)
    now; False when it could not be sent, for the page to say so.

    What the page wrote (the account, the token) is committed first: the
    link must work as soon as the mail arrives, and a mail server that is
    down must not undo the registration."""
    text = '\n\n'.join(lines + [link, portal._(
                'Nếu bạn không yêu cầu, vui lòng bỏ qua thư này.')])
    html = ''.join('<p>%s</p>' % escape(line) for line in lines)
    html += '<p><a href="%s">%s</a></p><p>%s</p>' % (
        escape(link), escape(button), escape(link))
    msg = make_message(to, subject, text,
        '<!DOCTYPE html><html lang="vi"><body>%s</body></html>' % html)
    Transaction().commit()
    try:
        send_message(msg, strict=True)
    except Exception as error:
        logger.warning('account e-mail to %s not sent: %s', to, error)
        return False
    return True


def server_time(value):
    """hh:mm dd/mm/yyyy in the province of a time web_user stamped with
    the server's naive local clock (its token expiry)."""
    from zoneinfo import ZoneInfo
    zone = ZoneInfo(config.get('gov', 'timezone',
            default='Asia/Ho_Chi_Minh'))
    return value.astimezone(zone).strftime('%H:%M %d/%m/%Y')


def link_to(path, **params):
    "A link for a mail: the configured public address, never the Host."
    return public_url() + path + ('?' + urlencode(params) if params else '')


def send_validation(portal, user, next_=None):
    user.set_email_token()
    user.save()
    _ = portal._
    sent = send_mail(portal, user.email,
        _('Xác thực địa chỉ e-mail — Cổng dịch vụ công tỉnh Đắk Nông'),
        [_('Chào %(name)s,', name=user.full_name or user.email),
            _('Bạn vừa đăng ký tài khoản trên Cổng dịch vụ công trực tuyến '
                'tỉnh Đắk Nông. Vui lòng mở liên kết sau để xác thực địa '
                'chỉ e-mail:')],
        link_to('/xac-thuc-email', token=user.email_token,
            **({'next': next_} if next_ else {})),
        _('Xác thực e-mail'))
    if sent:
        user.mailed('validation')
    return sent


def send_already_registered(portal, user):
    "Tell the owner of an address that someone registered with it again."
    _ = portal._
    sent = send_mail(portal, user.email,
        _('Đăng ký tài khoản — Cổng dịch vụ công tỉnh Đắk Nông'),
        [_('Chào %(name)s,', name=user.full_name or user.email),
            _('Có người vừa dùng địa chỉ e-mail %(email)s để đăng ký tài '
                'khoản trên Cổng dịch vụ công trực tuyến tỉnh Đắk Nông, '
                'nhưng địa chỉ này đã có tài khoản nên không có tài khoản '
                'mới nào được tạo.', email=user.email),
            _('Nếu đó là bạn, hãy đăng nhập bằng tài khoản hiện có; nếu '
                'quên mật khẩu, hãy dùng liên kết sau để đặt mật khẩu mới.')],
        link_to('/quen-mat-khau'), _('Đặt mật khẩu mới'))
    if sent:
        user.mailed('register')
    return sent


def mail_sent_page(portal, email, lines=None, next_=None):
    _ = portal._
    return portal.render('message.html',
        title=_('Kiểm tra hộp thư của bạn'), kind='ok',
        lines=lines or [_('Chúng tôi đã gửi thư đến %(email)s. Vui lòng mở '
                'thư và làm theo hướng dẫn trong thư để hoàn tất đăng ký.',
                email=email)],
        links=[(with_next('/dang-nhap', next_), _('Đăng nhập'))])


def mail_failed_page(portal, email, action, next_=None):
    """Sending failed for real: say so (never "sent") and offer to send
    again — the form posts the address to `action` once more."""
    return portal.render('mail_failed.html', email=email, action=action,
        next=next_)


@page('/dang-ky', methods=('GET', 'POST'))
def register(portal):
    "Create a citizen account; it is usable once the e-mail is verified."
    WebUser = portal.pool.get('web.user')
    form, errors = portal.request.form, {}
    next_ = asked_next(portal)
    if portal.user:
        return portal.redirect(next_ or '/tai-khoan')
    if portal.request.method == 'POST':
        _ = portal._
        email = form.get('email', '').strip().lower()
        try:
            validate_email(email)
        except EmailNotValidError:
            errors['email'] = _(
                'Địa chỉ e-mail không hợp lệ, ví dụ ten@example.com.')
        values = profile_errors(portal, form, errors)
        password_errors(portal, form.get('password', ''),
            form.get('password_confirm', ''), errors)
        if not form.get('consent'):
            errors['consent'] = _(
                'Vui lòng đồng ý để cơ quan nhà nước sử dụng thông tin của '
                'bạn khi giải quyết hồ sơ.')
        if not errors:
            # The same answer whether or not the address already has an
            # account (R-SEC-2): its owner is told by e-mail instead.
            existing = WebUser.search([('email', '=', email)])
            if existing:
                user, = existing
                # As long as creating an account, so the time tells nothing.
                WebUser.hash_password(form['password'])
                sent = (send_already_registered(portal, user)
                    if user.may_mail('register') else True)
            else:
                user = WebUser(email=email, password=form['password'],
                    **values)
                user.save()
                user.sync_party()
                # What she agreed to, with its version (R-SEC-5).
                portal.pool.get('gov.portal.consent').record(
                    user, 'registration',
                    consent_text=shown_consent(portal, 'registration'))
                sent = send_validation(portal, user, next_)
            if not sent:
                return mail_failed_page(portal, email, '/dang-ky/gui-lai',
                    next_)
            return mail_sent_page(portal, email, next_=next_)
    return portal.render('register.html', form=form, errors=errors,
        next=next_, purpose=purpose(portal, next_),
        consent=portal.pool.get('gov.portal.consent.text').current(
            'registration'))


def shown_consent(portal, purpose):
    """The consent text's version the form showed (its hidden
    consent_version), else the one in force."""
    Text = portal.pool.get('gov.portal.consent.text')
    try:
        text_id = int(portal.request.form.get('consent_version') or 0)
    except ValueError:
        text_id = 0
    if text_id > 0:
        texts = Text.search([('id', '=', text_id),
                ('purpose', '=', purpose)], limit=1)
        if texts:
            return texts[0]
    return Text.current(purpose)


@page('/dang-ky/gui-lai', methods=('POST',))
def register_resend(portal):
    """"Send again" after a failed registration mail: the verification
    link to an account not yet verified, the notice to a verified one;
    nothing to an unknown address — the same answer in every case."""
    WebUser = portal.pool.get('web.user')
    email = portal.request.form.get('email', '').strip().lower()
    next_ = asked_next(portal)
    users = WebUser.search([('email', '=', email)]) if email else []
    sent = True
    for user in users:
        if not user.email_valid and user.may_mail('validation'):
            sent = send_validation(portal, user, next_)
        elif user.email_valid and user.may_mail('register'):
            sent = send_already_registered(portal, user)
    if not sent:
        return mail_failed_page(portal, email, '/dang-ky/gui-lai', next_)
    return mail_sent_page(portal, email, next_=next_)


@page('/xac-thuc-email', methods=('GET', 'POST'))
def verify_email(portal):
    """The link of the verification e-mail. GET shows a button (mail
    scanners that open links do not verify by accident); POST verifies."""
    _ = portal._
    token = (portal.request.values.get('token') or '').strip()
    next_ = asked_next(portal)
    login = with_next('/dang-nhap', next_)
    if portal.request.method == 'POST':
        WebUser = portal.pool.get('web.user')
        users = WebUser.validate_email_token([token]) if token else []
        if users:
            return portal.render('message.html',
                title=_('E-mail đã được xác thực'), kind='ok',
                lines=[_('Cảm ơn bạn. Tài khoản đã sẵn sàng, mời bạn đăng '
                        'nhập.')],
                links=[(login, _('Đăng nhập'))])
        return portal.render('message.html', status=400,
            title=_('Liên kết không còn hiệu lực'), kind='error',
            lines=[_('Liên kết xác thực không đúng hoặc đã được dùng. Nếu '
                    'bạn chưa xác thực, hãy đăng nhập để nhận thư mới.')],
            links=[(login, _('Đăng nhập'))])
    return portal.render('verify.html', token=token, next=next_)


@page('/dang-nhap', methods=('GET', 'POST'))
def login(portal):
    WebUser = portal.pool.get('web.user')
    _ = portal._
    form, errors = portal.request.form, {}
    asked = asked_next(portal)
    next_ = asked or '/ho-so'
    if portal.request.method == 'POST':
        email = form.get('email', '').strip().lower()
        password = form.get('password', '')
        user = None
        if not email or not password:
            errors['_'] = _('Vui lòng nhập e-mail và mật khẩu.')
        else:
            try:
                user = WebUser.authenticate(email, password)
            except RateLimitException:
                errors['_'] = _(
                    'Bạn đã nhập sai quá nhiều lần. Vì an toàn, tài khoản '
                    'tạm thời bị khóa đăng nhập; vui lòng thử lại sau '
                    '%(minutes)s phút hoặc dùng chức năng "Quên mật khẩu".',
                    minutes=max(1, config.getint(
                            'session', 'timeout', default=300) // 60))
            else:
                if not user:
                    errors['_'] = _('E-mail hoặc mật khẩu không đúng.')
        if user and not user.email_valid:
            if send_validation(portal, user, asked):
                errors['_'] = _(
                    'E-mail của bạn chưa được xác thực. Chúng tôi vừa gửi '
                    'lại thư xác thực đến %(email)s.', email=user.email)
            else:
                errors['_'] = _(
                    'E-mail của bạn chưa được xác thực, và hệ thống chưa '
                    'gửi được thư xác thực đến %(email)s. Vui lòng đăng '
                    'nhập lại sau ít phút để nhận thư.', email=user.email)
            user = None
        if user:
            portal.log_in(user)
            return portal.redirect(next_)
    return portal.render('login.html', form=form, errors=errors, next=asked,
        purpose=purpose(portal, asked), authenticators=authenticators(portal))


@page('/dang-xuat', methods=('POST',))
def logout(portal):
    portal.log_out()
    return portal.redirect('/')


@page('/quen-mat-khau', methods=('GET', 'POST'))
def forgot_password(portal):
    _ = portal._
    form = portal.request.form
    if portal.request.method == 'POST':
        WebUser = portal.pool.get('web.user')
        email = form.get('email', '').strip().lower()
        users = WebUser.search([('email', '=', email)]) if email else []
        sent = True
        for user in users:
            if not user.may_mail('reset'):
                continue  # sent a moment ago: no flood of mails
            if not (user.reset_password_token_expire
                    and user.reset_password_token_expire
                    > dt.datetime.now()):
                user.set_reset_password_token()
                user.save()
            # else the link still valid is sent again: links come from the
            # configured address, so an earlier one is as good, and the
            # owner who lost it is not left waiting a day.
            sent = send_mail(portal, user.email,
                _('Đặt lại mật khẩu — Cổng dịch vụ công tỉnh Đắk Nông'),
                [_('Có yêu cầu đặt lại mật khẩu cho tài khoản %(email)s. '
                        'Mở liên kết sau để đặt mật khẩu mới (hiệu lực đến '
                        '%(expire)s):', email=user.email,
                        expire=server_time(
                            user.reset_password_token_expire))],
                link_to('/dat-lai-mat-khau',
                    token=user.reset_password_token, email=user.email),
                _('Đặt mật khẩu mới'))
            if sent:
                user.mailed('reset')
        if not sent:
            return mail_failed_page(portal, email, '/quen-mat-khau')
        # The same answer whether or not the address has an account.
        return mail_sent_page(portal, email,
            [_('Nếu %(email)s là e-mail của một tài khoản, thư hướng dẫn '
                    'đặt lại mật khẩu đã được gửi đến đó.', email=email)])
    return portal.render('forgot.html', form=form, errors={})


@page('/dat-lai-mat-khau', methods=('GET', 'POST'))
def reset_password(portal):
    _ = portal._
    values = portal.request.values
    form, errors = portal.request.form, {}
    email, token = values.get('email', ''), values.get('token', '')
    if portal.request.method == 'POST':
        WebUser = portal.pool.get('web.user')
        password_errors(portal, form.get('password', ''),
            form.get('password_confirm', ''), errors)
        if not errors:
            if WebUser.set_password_token(email, token, form['password']):
                return portal.render('message.html',
                    title=_('Đã đặt mật khẩu mới'), kind='ok',
                    lines=[_('Mật khẩu đã được thay đổi. Mời bạn đăng '
                            'nhập.')],
                    links=[('/dang-nhap', _('Đăng nhập'))])
            errors['_'] = _('Liên kết đặt lại mật khẩu không đúng hoặc đã '
                'hết hạn. Vui lòng yêu cầu liên kết mới.')
    return portal.render('reset.html', email=email, token=token,
        errors=errors)


@page('/tai-khoan', methods=('GET', 'POST'))
def profile(portal):
    "The profile that pre-fills every dossier form (R-SUB-8)."
    user = portal.require_user()
    _ = portal._
    errors = {}
    if portal.request.method == 'POST':
        form = portal.request.form
        values = profile_errors(portal, form, errors)
        if not errors:
            for key, value in values.items():
                setattr(user, key, value)
            user.save()
            user.sync_party()
            portal.flash(_('Đã lưu thông tin cá nhân.'))
    else:
        form = {
            'full_name': user.full_name or '',
            'identification_number': user.identification_number or '',
            'birth_date': user.birth_date.strftime('%d/%m/%Y')
            if user.birth_date else '',
            'phone': user.phone or '',
            'address': user.address or '',
            }
    return portal.render('profile.html', form=form, errors=errors)
