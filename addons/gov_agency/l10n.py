# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Vietnamese formats (R-L10N-1): the one place that writes dates, times,
amounts, working days, phone numbers and QR codes for the printed forms
(gov_dossier/report.py), the notifications (gov_dossier/notification.py)
and the portal (gov_portal/web.py).

Plain functions, usable without a database, except `to_local` and the
``*_utc`` ones: they read stored (naive UTC) datetimes in the agency's
timezone through ``gov.calendar``, inside a transaction.

- dates ``07/03/2025``; ``long_date``: "Đắk Nông, ngày 07 tháng 03 năm
  2025" (the place is ``[gov] place_name``, default Đắk Nông);
- times: ``14:05``, ``14:05 07/03/2025``, "14 giờ 05 phút, ngày
  07/03/2025";
- amounts in đồng: ``1.234.567 đồng`` (``1.234.567 đ`` when short), and in
  words as on official receipts: "Một triệu hai trăm ba mươi tư nghìn năm
  trăm sáu mươi bảy đồng" (num2words' own ``vi`` leaves out the empty
  hundreds of a group — "một nghìn lẻ năm" — and says "hai mươi bốn": it
  only words the groups here);
- working days ``5``, ``0,5``, ``2,5``;
- mobile numbers in national form ``0912345678``;
- the QR code of a URL as inline SVG (qrcode).

These are the conventions of the Vietnamese language itself (digits,
units, number words), not interface texts: the sentences around them are
ir.message records translated in each module's locale/vi.po.
"""
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from trytond import config

__all__ = [
    'LANGUAGE', 'place_name', 'to_local', 'format_date', 'format_date_utc',
    'format_clock', 'format_datetime', 'format_datetime_utc', 'format_time',
    'long_date', 'group_digits', 'format_amount', 'number_in_words',
    'amount_in_words', 'format_days', 'strip_phone', 'normalize_phone',
    'qr_svg']

# The language of the printed forms (Thông tư 01/2018/TT-VPCP) and of what
# applicants are told, whatever the officer's own language.
LANGUAGE = 'vi'
DEFAULT_PLACE = "Đắk Nông"
DATE = '%d/%m/%Y'
CLOCK = '%H:%M'


def place_name():
    "The place of the dated line of the forms: [gov] place_name."
    return config.get('gov', 'place_name', default=DEFAULT_PLACE) \
        or DEFAULT_PLACE


# ------------------------------------------------------------- date, time
def to_local(value, agency=None):
    """A stored datetime (naive UTC, as Tryton keeps it; an aware one is
    converted) → the wall-clock time of the agency's timezone, naive
    (gov.calendar). None stays None."""
    if not value:
        return None
    from trytond.pool import Pool
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return Pool().get('gov.calendar').to_local(value, agency)


def format_date(value):
    "dd/mm/yyyy of a date or of a local datetime; '' for none."
    if not value:
        return ''
    return value.strftime(DATE)


def format_date_utc(value, agency=None):
    "dd/mm/yyyy; a stored datetime is read in the agency's time first."
    if isinstance(value, dt.datetime):
        value = to_local(value, agency)
    return format_date(value)


def format_clock(value):
    "A local datetime's time: '14:05'; '' for a date or none."
    if not value or not isinstance(value, dt.datetime):
        return ''
    return value.strftime(CLOCK)


def format_datetime(value):
    "A local datetime: '14:05 03/03/2025'."
    if not value:
        return ''
    return value.strftime(f'{CLOCK} {DATE}')


def format_datetime_utc(value, agency=None):
    "A stored datetime in the agency's time: '14:05 03/03/2025'."
    return format_datetime(to_local(value, agency))


def format_time(value):
    """A local datetime as written in a form: '14 giờ 05 phút, ngày
    03/03/2025'; a date: 'ngày 03/03/2025'."""
    if not value:
        return ''
    if not isinstance(value, dt.datetime):
        return 'ngày ' + format_date(value)
    return (f'{value.hour:02d} giờ {value.minute:02d} phút, '
        f'ngày {format_date(value)}')


def long_date(value, place=None):
    "'Đắk Nông, ngày 03 tháng 03 năm 2025' (dots to fill in by hand)."
    place = place or place_name()
    if not value:
        return f'{place}, ngày ..... tháng ..... năm .....'
    return (f'{place}, ngày {value.day:02d} tháng {value.month:02d} '
        f'năm {value.year}')


# ----------------------------------------------------------------- amounts
def _whole(value):
    "The amount in whole đồng (amounts are stored without decimals)."
    return int(Decimal(value or 0).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))


def group_digits(value):
    "1234567 → '1.234.567' (Vietnamese thousands separator); None → '0'."
    value = _whole(value)
    sign = '-' if value < 0 else ''
    return sign + f'{abs(value):,}'.replace(',', '.')


def format_amount(value, short=False):
    """1234567 → '1.234.567 đồng', or '1.234.567 đ' when short (the
    portal's lists); '' for none."""
    if value is None:
        return ''
    return f'{group_digits(value)} {"đ" if short else "đồng"}'


def _num2words(value):
    from num2words import num2words
    return num2words(value, lang='vi')


def _group_words(group, leading):
    """Words of a 3-digit group. A group that is not the first one says its
    empty hundreds: 1.005 → một nghìn không trăm lẻ năm."""
    if leading:
        return _num2words(group)
    if group < 10:
        return 'không trăm lẻ ' + _num2words(group)
    if group < 100:
        return 'không trăm ' + _num2words(group)
    return _num2words(group)


def _words(value, leading):
    "Words of value >= 1; leading: no group before it was said."
    parts = []
    if value >= 10 ** 9:
        billions, value = divmod(value, 10 ** 9)
        parts.append(_words(billions, leading) + ' tỷ')
        leading = False
    for size, unit in ((10 ** 6, 'triệu'), (10 ** 3, 'nghìn'), (1, '')):
        group = value // size % 1000
        if not group:
            continue
        parts.append(_group_words(group, leading) + (' ' + unit if unit else ''))
        leading = False
    return ' '.join(parts)


def number_in_words(value):
    "An integer in Vietnamese words, lower case."
    value = int(value)
    if value < 0:
        return 'âm ' + number_in_words(-value)
    if value == 0:
        return 'không'
    text = _words(value, leading=True)
    # Usage of official documents: 24 → hai mươi tư (4 after "mươi").
    return re.sub(r'mươi bốn\b', 'mươi tư', text)


def amount_in_words(value):
    """An amount in đồng in Vietnamese words, capitalised (R-FEE-1):
    1234567 → 'Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy
    đồng'."""
    words = number_in_words(_whole(value)) + ' đồng'
    return words[:1].upper() + words[1:]


# ------------------------------------------------------------ working days
def format_days(value):
    "Working days as written in Vietnamese: 5, 0,5, 2,5; '' for none."
    if value is None:
        return ''
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(
        value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), 'f').replace('.', ',')


# ------------------------------------------------------------------ phones
_PHONE_SEPARATORS = re.compile(r'[\s.\-()]')


def strip_phone(value):
    "A phone number as typed without its spaces, dots, dashes, brackets."
    return _PHONE_SEPARATORS.sub('', value or '')


def normalize_phone(value):
    """A Vietnamese mobile number in national form (0xxxxxxxxx), or None.

    Accepts spaces, dots, dashes and brackets, and the +84 / 84 prefixes."""
    digits = strip_phone(value)
    if digits.startswith('+84'):
        digits = '0' + digits[3:]
    elif digits.startswith('84') and len(digits) in {11, 12}:
        digits = '0' + digits[2:]
    if re.fullmatch(r'0\d{9,10}', digits):
        return digits
    return None


# ---------------------------------------------------------------- QR codes
def qr_svg(payload, size_mm=28):
    """The QR code of payload as an inline SVG element (genshi Markup, for
    the printed forms): error correction M, a quiet zone of 2 modules."""
    import qrcode
    import qrcode.image.svg
    from genshi.core import Markup
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
        image_factory=qrcode.image.svg.SvgPathImage)
    qr.add_data(payload)
    qr.make(fit=True)
    svg = qr.make_image().to_string(encoding='unicode')
    svg = re.sub(r'^<\?xml[^>]*>\s*', '', svg)
    svg = re.sub(r'width="[^"]*"', f'width="{size_mm}mm"', svg, count=1)
    svg = re.sub(r'height="[^"]*"', f'height="{size_mm}mm"', svg, count=1)
    return Markup(svg)
