# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The lookup by SMS auto-reply (R-LOOK-1, Điều 15.3): what an inbound
message from the SMS operator says and what the platform replies.

The operator forwards every message sent to the lookup number to the
portal's webhook (routes_sms.py), signed:

- ``X-SMS-Timestamp``: the time of sending, seconds since 1970 (UTC);
- ``X-SMS-Signature``: the hex HMAC-SHA256 of ``<timestamp>.`` followed
  by the raw body, keyed with ``[gov] sms_inbound_secret`` (an optional
  ``sha256=`` prefix is accepted). The timestamp is signed with the body:
  a request older (or newer) than 5 minutes is refused as a replay.

"TRACUU <code>" in any case, with or without diacritics ("Tra cứu",
"TRA CUU", "tracuu" …) and with any spaces, is answered with the
dossier's code, public state and appointment date as the public lookup
shows them to a stranger — the model's own lookup (gov_dossier
lookup.py), never a name or an address; an unknown code gets the same
"not found" as the web lookup; anything else gets the usage.

The lookups of each phone are counted in the database (shared by every
worker) and limited to ``[gov] sms_lookup_per_hour`` (10): the phone is
kept as a keyed hash, not in clear."""
import datetime as dt
import hashlib
import hmac
import re
import time

from trytond import config

from gov_agency import l10n
from gov_agency.public import public_url
from gov_dossier.gateway import unaccent

from .i18n import translate
from .portal import LookupAttempt

# The keyword, once the text is without diacritics and in capitals.
KEYWORD = re.compile(r'^\s*TRA\s*CUU(?![A-Z])\W*(.*)$', re.DOTALL)
# Seconds a signed request stays valid either side of the server's clock.
MAX_SKEW = 5 * 60
# Bytes of an inbound request (a message is 160 characters, a few fields).
MAX_BODY = 4096
# States that have no appointment any more.
CLOSED = {'done', 'rejected', 'withdrawn'}


class SignatureError(Exception):
    "The request is not the operator's: status (401, 403) and reason."

    def __init__(self, status, reason):
        super().__init__(status, reason)
        self.status = status
        self.reason = reason


def secret():
    "The shared secret; None when the webhook is not configured."
    return config.get('gov', 'sms_inbound_secret', default=None) or None


def lookup_number():
    "The number citizens send TRACUU to (Điều 15.4); '' when none."
    return (config.get('gov', 'sms_lookup_number', default='') or '').strip()


def lookup_limit():
    "SMS lookups a phone may make within an hour."
    return config.getint('gov', 'sms_lookup_per_hour', default=10)


def signature(key, timestamp, body):
    "The hex HMAC-SHA256 of '<timestamp>.' + body with the key."
    message = str(timestamp).encode('ascii') + b'.' + body
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def verify(key, timestamp, given, body, now=None):
    """Check a request's timestamp and signature (SignatureError): 401
    without them, 403 when the signature is wrong or the timestamp
    further than MAX_SKEW from now."""
    if not timestamp or not given:
        raise SignatureError(401, 'missing signature')
    given = given.strip()
    if given.lower().startswith('sha256='):
        given = given[len('sha256='):]
    if not re.fullmatch(r'\d{1,12}', timestamp.strip()):
        raise SignatureError(403, 'invalid timestamp')
    timestamp = timestamp.strip()
    if not hmac.compare_digest(
            signature(key, timestamp, body).encode(),
            given.lower().encode('ascii', 'replace')):
        raise SignatureError(403, 'invalid signature')
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_SKEW:
        raise SignatureError(403, 'stale timestamp')


def parse(text):
    """('lookup', code) for "TRACUU <code>" (code '' when none was
    typed), else ('usage', None)."""
    plain = ' '.join(unaccent(str(text or '')).upper().split())
    match = KEYWORD.match(plain)
    if not match:
        return 'usage', None
    return 'lookup', ''.join(match.group(1).split())[:64]


def _(text, **values):
    # The replies are in Vietnamese, the language of the SMS service.
    return translate(text, 'vi', **values)


def usage_reply():
    number = lookup_number()
    if number:
        return _('Để tra cứu hồ sơ, soạn TRACUU <mã hồ sơ> gửi %(number)s. '
            'Ví dụ: TRACUU 000.30.21.H16-260115-0001', number=number)
    return _('Để tra cứu hồ sơ, soạn TRACUU <mã hồ sơ>. '
        'Ví dụ: TRACUU 000.30.21.H16-260115-0001')


def limited_reply():
    return _('Số điện thoại của bạn đã tra cứu quá nhiều lần trong một giờ. '
        'Vui lòng thử lại sau.')


def not_found_reply(code):
    return _('Không tìm thấy hồ sơ có mã %(code)s. Vui lòng kiểm tra lại '
        'mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.', code=code)


def status_reply(view):
    """The reply for what a stranger may read of a dossier (public_view
    without PIN): code, state and appointment date — no name, no
    address, no officer's text."""
    text = _('Hồ sơ %(code)s: %(state)s.', code=view['code'],
        state=view['state_label'])
    if view['invalid']:
        text += ' ' + _('Xem nội dung cần bổ sung tại %(url)s',
            url=f"{public_url()}/tra-cuu?ma={view['code']}")
    elif view['state'] == 'done' and view['completed_date']:
        text += ' ' + _('Ngày trả kết quả: %(date)s.',
            date=l10n.format_date_utc(view['completed_date']))
    elif view['state'] not in CLOSED and view['due_date']:
        text += ' ' + _('Ngày hẹn trả kết quả: %(date)s.',
            date=l10n.format_date_utc(view['due_date']))
    return text


def answer(pool, phone, text):
    """(kind, reply) for an inbound message from phone (national form):
    kind is 'lookup', 'not_found', 'usage' or 'limited'. Runs in the
    transaction of the request, in Vietnamese."""
    kind, code = parse(text)
    if kind == 'usage' or not code:
        return 'usage', usage_reply()
    if not pool.get('gov.portal.sms.attempt').hit(phone_key(pool, phone)):
        return 'limited', limited_reply()
    Dossier = pool.get('gov.dossier')
    code = Dossier.normalize_code(code)
    # The model's lookup, without PIN: what a stranger may read.
    facts, _full = Dossier.lookup_facts(code)
    if facts is None:
        return 'not_found', not_found_reply(code)
    return 'lookup', status_reply(Dossier.public_view(facts, False))


def phone_key(pool, phone):
    "The keyed hash the phone is counted under (not kept in clear)."
    from .web import sign
    return 'sms:' + sign(pool, 'sms-phone', phone)[:40]


class SMSLookupAttempt(LookupAttempt):
    """One SMS lookup of one phone (its keyed hash): the per-phone limit
    of the SMS auto-reply, as the web lookup's per-address limit but per
    hour (R-LOOK-1)."""
    __name__ = 'gov.portal.sms.attempt'
    __string__ = "Portal SMS Lookup Attempt"

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.ip_address.string = "Phone Key"

    @classmethod
    def window(cls):
        return dt.timedelta(hours=1)

    @classmethod
    def limit(cls):
        return lookup_limit()
