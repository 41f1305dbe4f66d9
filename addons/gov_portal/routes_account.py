# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Citizen accounts (R-AG-4, R-SUB-8) on trytond-web-user: register, verify
the e-mail, log in and out, reset the password, keep a profile.

Authentication goes through `authenticators`: the password form is the
first; an OpenID Connect provider (single sign-on, its own issue) adds a
route that, once the provider vouched for the person, finds or creates the
web.user and calls `portal.log_in(web_user)` — the only place a session is
opened."""
import datetime as dt
from email.message import EmailMessage
from urllib.parse import urlencode

from trytond import config
from trytond.exceptions import RateLimitException, UserError
from trytond.sendmail import send_message_transactional
from trytond.tools.email_ import EmailNotValidError, validate_email

from .web import page, safe_next
from .web_user import PHONE, normalize_phone, valid_identification

MIN_PASSWORD = 8


def authenticators():
    """The ways a citizen can log in, in the order the login page shows
    them: (key, label, url). Single sign-on adds its entry here."""
    return [('password', 'Mật khẩu', '/dang-nhap')]


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
    return {
        'full_name': name,
        'identification_number': number,
        'phone': phone or None,
        'address': form.get('address', '').strip() or None,
        }


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
    "A short Vietnamese e-mail with one link (text and HTML parts)."
    from markupsafe import escape
    msg = EmailMessage()
    msg['From'] = config.get('email', 'from', default='no-reply@localhost')
    msg['To'] = to
    msg['Subject'] = subject
    text = '\n\n'.join(lines + [link, portal._(
                'Nếu bạn không yêu cầu, vui lòng bỏ qua thư này.')])
    msg.set_content(text)
    html = ''.join('<p>%s</p>' % escape(line) for line in lines)
    html += '<p><a href="%s">%s</a></p><p>%s</p>' % (
        escape(link), escape(button), escape(link))
    msg.add_alternative(
        '<!DOCTYPE html><html lang="vi"><body>%s</body></html>' % html,
        subtype='html')
    send_message_transactional(msg)


def base_url(portal):
    return portal.request.host_url.rstrip('/')


def send_validation(portal, user):
    user.set_email_token()
    user.save()
    link = base_url(portal) + '/xac-thuc-email?token=' + user.email_token
    _ = portal._
    send_mail(portal, user.email,
        _('Xác thực địa chỉ e-mail — Cổng dịch vụ công tỉnh Đắk Nông'),
        [_('Chào %(name)s,', name=user.full_name or user.email),
            _('Bạn vừa đăng ký tài khoản trên Cổng dịch vụ công trực tuyến '
                'tỉnh Đắk Nông. Vui lòng mở liên kết sau để xác thực địa '
                'chỉ e-mail:')],
        link, _('Xác thực e-mail'))


@page('/dang-ky', methods=('GET', 'POST'))
def register(portal):
    "Create a citizen account; it is usable once the e-mail is verified."
    WebUser = portal.pool.get('web.user')
    form, errors = portal.request.form, {}
    if portal.user:
        return portal.redirect('/tai-khoan')
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
        if not errors and WebUser.search([('email', '=', email)]):
            # Say no more than needed: the owner of the address can reset
            # the password from the login page.
            errors['email'] = _(
                'Đã có tài khoản dùng e-mail này. Hãy đăng nhập hoặc dùng '
                'chức năng "Quên mật khẩu".')
        if not errors:
            user = WebUser(email=email, password=form['password'], **values)
            user.save()
            user.sync_party()
            send_validation(portal, user)
            return portal.render('message.html',
                title=_('Kiểm tra hộp thư của bạn'), kind='ok',
                lines=[_('Tài khoản đã được tạo. Chúng tôi đã gửi thư đến '
                        '%(email)s. Vui lòng mở liên kết trong thư để xác '
                        'thực e-mail, sau đó đăng nhập.', email=email)],
                links=[('/dang-nhap', _('Đăng nhập'))])
    return portal.render('register.html', form=form, errors=errors)


@page('/xac-thuc-email', methods=('GET', 'POST'))
def verify_email(portal):
    """The link of the verification e-mail. GET shows a button (mail
    scanners that open links do not verify by accident); POST verifies."""
    _ = portal._
    token = (portal.request.values.get('token') or '').strip()
    if portal.request.method == 'POST':
        WebUser = portal.pool.get('web.user')
        users = WebUser.validate_email_token([token]) if token else []
        if users:
            return portal.render('message.html',
                title=_('E-mail đã được xác thực'), kind='ok',
                lines=[_('Cảm ơn bạn. Tài khoản đã sẵn sàng, mời bạn đăng '
                        'nhập.')],
                links=[('/dang-nhap', _('Đăng nhập'))])
        return portal.render('message.html', status=400,
            title=_('Liên kết không còn hiệu lực'), kind='error',
            lines=[_('Liên kết xác thực không đúng hoặc đã được dùng. Nếu '
                    'bạn chưa xác thực, hãy đăng nhập để nhận thư mới.')],
            links=[('/dang-nhap', _('Đăng nhập'))])
    return portal.render('verify.html', token=token)


@page('/dang-nhap', methods=('GET', 'POST'))
def login(portal):
    WebUser = portal.pool.get('web.user')
    _ = portal._
    form, errors = portal.request.form, {}
    next_ = safe_next(portal.request.values.get('next'), '/ho-so')
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
            send_validation(portal, user)
            errors['_'] = _(
                'E-mail của bạn chưa được xác thực. Chúng tôi vừa gửi lại '
                'thư xác thực đến %(email)s.', email=user.email)
            user = None
        if user:
            portal.log_in(user)
            return portal.redirect(next_)
    return portal.render('login.html', form=form, errors=errors, next=next_,
        authenticators=authenticators())


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
        for user in users:
            if user.reset_password_token_expire and (
                    user.reset_password_token_expire
                    > dt.datetime.now()):
                continue  # one link at a time
            user.set_reset_password_token()
            user.save()
            link = (base_url(portal) + '/dat-lai-mat-khau?'
                + urlencode({
                        'token': user.reset_password_token,
                        'email': user.email}))
            send_mail(portal, user.email,
                _('Đặt lại mật khẩu — Cổng dịch vụ công tỉnh Đắk Nông'),
                [_('Có yêu cầu đặt lại mật khẩu cho tài khoản %(email)s. '
                        'Mở liên kết sau để đặt mật khẩu mới (hiệu lực 24 '
                        'giờ):', email=user.email)],
                link, _('Đặt mật khẩu mới'))
        # The same answer whether or not the address has an account.
        return portal.render('message.html',
            title=_('Kiểm tra hộp thư của bạn'), kind='ok',
            lines=[_('Nếu %(email)s là e-mail của một tài khoản, thư hướng '
                    'dẫn đặt lại mật khẩu đã được gửi đến đó.', email=email)],
            links=[('/dang-nhap', _('Đăng nhập'))])
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
            'phone': user.phone or '',
            'address': user.address or '',
            }
    return portal.render('profile.html', form=form, errors=errors)
