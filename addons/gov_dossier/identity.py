# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Shape checks of Vietnamese identifiers (R-SUB-8).

Personal identification number (số định danh cá nhân, printed on the chip
citizen identity card), Thông tư 07/2016/TT-BCA, Điều 7:
- 12 digits;
- digits 1–3: code of the province (or centrally-run city) where the birth
  was registered — one of the 63 codes of the Annex (kept after the 2025
  mergers: existing numbers do not change);
- digit 4: century of birth and gender: 0/1 = 20th century male/female,
  2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th;
- digits 5–6: the last two digits of the year of birth (which cannot be in
  the future);
- digits 7–12: a random number (not checked).

Tax code (mã số thuế) of an organisation: 10 digits with a check digit, or
10 + "-" + 3 digits for a dependent unit (checked by python-stdnum).
"""
import datetime as dt
import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

PROVINCE_CODES = {
    '001': "Hà Nội", '002': "Hà Giang", '004': "Cao Bằng", '006': "Bắc Kạn",
    '008': "Tuyên Quang", '010': "Lào Cai", '011': "Điện Biên",
    '012': "Lai Châu", '014': "Sơn La", '015': "Yên Bái", '017': "Hòa Bình",
    '019': "Thái Nguyên", '020': "Lạng Sơn", '022': "Quảng Ninh",
    '024': "Bắc Giang", '025': "Phú Thọ", '026': "Vĩnh Phúc",
    '027': "Bắc Ninh", '030': "Hải Dương", '031': "Hải Phòng",
    '033': "Hưng Yên", '034': "Thái Bình", '035': "Hà Nam",
    '036': "Nam Định", '037': "Ninh Bình", '038': "Thanh Hóa",
    '040': "Nghệ An", '042': "Hà Tĩnh", '044': "Quảng Bình",
    '045': "Quảng Trị", '046': "Thừa Thiên Huế", '048': "Đà Nẵng",
    '049': "Quảng Nam", '051': "Quảng Ngãi", '052': "Bình Định",
    '054': "Phú Yên", '056': "Khánh Hòa", '058': "Ninh Thuận",
    '060': "Bình Thuận", '062': "Kon Tum", '064': "Gia Lai",
    '066': "Đắk Lắk", '067': "Đắk Nông", '068': "Lâm Đồng",
    '070': "Bình Phước", '072': "Tây Ninh", '074': "Bình Dương",
    '075': "Đồng Nai", '077': "Bà Rịa - Vũng Tàu",
    '079': "Thành phố Hồ Chí Minh", '080': "Long An", '082': "Tiền Giang",
    '083': "Bến Tre", '084': "Trà Vinh", '086': "Vĩnh Long",
    '087': "Đồng Tháp", '089': "An Giang", '091': "Kiên Giang",
    '092': "Cần Thơ", '093': "Hậu Giang", '094': "Sóc Trăng",
    '095': "Bạc Liêu", '096': "Cà Mau",
    }

_DIGITS_12 = re.compile(r'^[0-9]{12}$')


def compact(code):
    "Remove the spaces, dots and dashes people type inside numbers."
    return re.sub(r'[\s.\-]', '', code or '')


def personal_id_error(code, today=None):
    """Return None when code has the shape of a personal identification
    number, else a short reason: 'length', 'province', 'year'."""
    code = compact(code)
    if not _DIGITS_12.match(code):
        return 'length'
    if code[:3] not in PROVINCE_CODES:
        return 'province'
    century = 1900 + 100 * (int(code[3]) // 2)
    year = century + int(code[4:6])
    today = today or dt.date.today()
    if year > today.year:
        return 'year'
    return None


def personal_id_birth(code):
    "Return (year of birth, 'male'|'female') read from a valid number."
    code = compact(code)
    digit = int(code[3])
    return (1900 + 100 * (digit // 2) + int(code[4:6]),
        'female' if digit % 2 else 'male')


def is_personal_id(code, today=None):
    return personal_id_error(code, today=today) is None


def is_tax_code(code):
    try:
        mst.validate(code)
    except StdnumError:
        return False
    return True
