# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The portal's public address and official mail, from the configuration
only — never from a request's headers, which the client chooses (a forged
Host header must not put its own address in a mailed link).

- `public_url()`: the address of every link that leaves the page (e-mail,
  SMS, printed documents, QR codes): ``[gov] portal_url``. It is required
  in production (gov_server.wsgi refuses to start without it); the
  development server sets it to its own address (gov_server.run); any other
  process without it (module tests, trytond-admin) uses
  http://127.0.0.1:8000.
- `trusted_hosts()`: the host names the server answers to (gov_server.wsgi
  refuses the others): portal_url's, ``[gov] trusted_hosts`` (more names,
  separated by commas or spaces; ``.example.vn`` accepts its subdomains)
  and, when portal_url is unset or itself a loopback address (development,
  tests), localhost, 127.0.0.1 and ::1.
- `make_message()`: an official e-mail from "Cổng dịch vụ công tỉnh Đắk
  Nông" <``[email] from``> whose Vietnamese headers keep their spaces.
"""
import ipaddress
import re
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

from trytond import config

DEFAULT_PORTAL_URL = 'http://127.0.0.1:8000'
LOOPBACK = ('localhost', '127.0.0.1', '::1')
SENDER_NAME = 'Cổng dịch vụ công tỉnh Đắk Nông'


def configured_portal_url():
    "[gov] portal_url without its trailing slash, or None."
    url = (config.get('gov', 'portal_url', default=None) or '').strip()
    return url.rstrip('/') or None


def public_url():
    "The portal's public address, e.g. https://dichvucong.daknong.gov.vn."
    return configured_portal_url() or DEFAULT_PORTAL_URL


def public_host():
    return urlsplit(public_url()).hostname or 'localhost'


def _is_loopback(name):
    if name == 'localhost':
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def trusted_hosts():
    "The host names (without port) a request may be addressed to."
    hosts = [h for h in re.split(r'[\s,]+',
            config.get('gov', 'trusted_hosts', default='') or '') if h]
    url = configured_portal_url()
    host = urlsplit(url).hostname if url else None
    if host:
        hosts.append(host)
    if not host or _is_loopback(host):
        hosts.extend(LOOPBACK)
    return list(dict.fromkeys(h.lower() for h in hosts))


def mail_domain():
    "The portal's host name for mail (no-reply@, Message-ID), never an IP."
    host = public_host()
    if _is_loopback(host) or re.fullmatch(r'[\d.:]+', host):
        host = 'localhost'
    return host


def mail_sender():
    """The From of official mail: the portal's name (or the display name
    written in [email] from) and [email] from's address. trytond's default
    "from" is the system user ("root"): without an address, no-reply@ the
    portal's host."""
    name, address = parseaddr(config.get('email', 'from', default='') or '')
    if '@' not in address:
        address = f'no-reply@{mail_domain()}'
    # One base64 encoded word (72 characters for the portal's name): split
    # in several, Python's parser puts a space between them in a name.
    charset = Charset('utf-8')
    charset.header_encoding = BASE64
    return formataddr((name or SENDER_NAME, address), charset=charset)


def _header(name, value):
    # Python 3.11's modern e-mail policy folds a long non-ASCII header
    # between encoded words and so loses the space there ("Cổngdịch"): the
    # legacy Header encodes the spaces inside the encoded words.
    if value.isascii():
        return value
    return Header(value, 'utf-8', header_name=name)


def make_message(to, subject, text, html=None):
    "A UTF-8 e-mail (text, and HTML as an alternative) from the portal."
    charset = Charset('utf-8')
    charset.body_encoding = QP  # readable .eml, 7-bit safe
    part = MIMEText(text, 'plain', charset)
    if html is not None:
        msg = MIMEMultipart('alternative')
        msg.attach(part)
        msg.attach(MIMEText(html, 'html', charset))
    else:
        msg = part
    msg['From'] = mail_sender()
    msg['To'] = to
    msg['Subject'] = _header('Subject', subject)
    msg['Date'] = formatdate(localtime=True)
    msg['Message-ID'] = make_msgid(domain=mail_domain())
    return msg
