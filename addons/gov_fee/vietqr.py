# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""VietQR payloads: the text of the bank-transfer QR code printed on a fee
notice, and its reading back.

VietQR is NAPAS's profile of the EMVCo Merchant-Presented QR code
(EMV QRCPS-MPM). A payload is a row of data objects, each written
ID (2 digits) + length (2 digits, in characters) + value; templates hold
data objects of their own. This module writes the objects of a transfer to
an account ("Napas 247", service QRIBFTTA), in ascending ID order:

- 00 Payload Format Indicator: ``01``;
- 01 Point of Initiation Method: ``11`` static (no amount: the payer types
  it), ``12`` dynamic (amount given: the code is for one payment);
- 38 Merchant Account Information, a template of
  00 GUID ``A000000727`` (NAPAS),
  01 beneficiary organisation, a template of 00 the acquirer BIN (the
  bank's 6-digit NAPAS BIN) and 01 the account number,
  02 service code ``QRIBFTTA`` (transfer to an account);
- 53 Transaction Currency: ``704`` (ISO 4217 numeric: VND);
- 54 Transaction Amount: whole đồng, no decimals (only when given);
- 58 Country Code: ``VN``;
- 62 Additional Data Field Template, a template of 08 purpose of
  transaction = our memo, the dossier code (only when given);
- 63 CRC: CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the whole
  payload up to and including ``6304``, as 4 uppercase hex digits.

`build()` refuses bad input with ValueError; `parse()` reads a payload
(ours or another generator's) back, checking its structure and its CRC —
for the tests and for the accountant's screen that shows what a citizen's
banking app will read.

Plain Python: no Tryton import, so that it can be used and tested anywhere.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ['GUID', 'SERVICE_TRANSFER_TO_ACCOUNT', 'CURRENCY_VND', 'COUNTRY',
    'MEMO_MAX_LENGTH', 'crc16', 'build', 'parse', 'parse_tlv', 'clean_memo',
    'VietQR']

# Global unique identifier of NAPAS in Merchant Account Information (38).
GUID = 'A000000727'
# NAPAS service codes (38 / 02): transfer to an account (QRIBFTTA) — the
# one we use — or to a card (QRIBFTTC).
SERVICE_TRANSFER_TO_ACCOUNT = 'QRIBFTTA'
CURRENCY_VND = '704'
COUNTRY = 'VN'
STATIC = '11'
DYNAMIC = '12'

BIN_PATTERN = re.compile(r'[0-9]{6}')
ACCOUNT_PATTERN = re.compile(r'[0-9A-Za-z]{1,19}')
AMOUNT_MAX_DIGITS = 13
MEMO_MAX_LENGTH = 25
# EMVCo's "ans" format: the common character set, the printable ASCII
# characters from space (0x20) to tilde (0x7E).
MEMO_PATTERN = re.compile(r'[\x20-\x7e]*')


def _crc_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16(data):
    """CRC-16/CCITT-FALSE of data (bytes, or str taken as UTF-8): poly
    0x1021, init 0xFFFF, no reflection, no final XOR. Check value:
    crc16(b'123456789') == 0x29B1."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def _tlv(id_, value):
    if not 1 <= len(value) <= 99:
        raise ValueError(
            f"data object {id_} would be {len(value)} characters long; "
            "EMVCo allows 1 to 99")
    return f'{id_}{len(value):02d}{value}'


def _unaccent(text):
    "Text without Vietnamese diacritics (đ → d, ệ → e …)."
    text = text.replace('đ', 'd').replace('Đ', 'D')
    decomposed = unicodedata.normalize('NFD', text)
    return unicodedata.normalize('NFC', ''.join(
            c for c in decomposed if not unicodedata.combining(c)))


def clean_memo(memo):
    """The memo as it is written in the payload, or ValueError.

    The Vietnamese diacritics are stripped ("Lệ phí" → "Le phi") rather
    than refused. Why: the purpose of transaction is an EMVCo "ans"
    field, printable ASCII only. A Vietnamese letter left in makes the
    payload non-conforming — EMVCo lengths count characters while the CRC
    runs over bytes, so generators and banking apps disagree on such a
    payload, and some apps refuse it — and banks carry transfer memos to
    the statement as unaccented ASCII anyway: the unaccented text is what
    the accountant matches with the dossier code. Runs of white space
    become one space; the ends are trimmed."""
    if not isinstance(memo, str):
        raise ValueError(f"the memo must be text, not {type(memo).__name__}")
    text = ' '.join(_unaccent(memo).split())
    if not text:
        raise ValueError("the memo is empty")
    if not MEMO_PATTERN.fullmatch(text):
        wrong = ''.join(sorted({c for c in text
                    if not MEMO_PATTERN.fullmatch(c)}))
        raise ValueError(
            f"the memo {memo!r} has characters a VietQR memo cannot carry "
            f"({wrong!r}); use unaccented letters, digits, spaces and "
            "ASCII punctuation")
    if len(text) > MEMO_MAX_LENGTH:
        raise ValueError(
            f"the memo {text!r} is {len(text)} characters long; VietQR "
            f"allows at most {MEMO_MAX_LENGTH}")
    return text


def _clean_amount(amount):
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)):
        raise ValueError(
            "the amount must be a whole number of đồng (int or Decimal), "
            f"not {type(amount).__name__} {amount!r}")
    if isinstance(amount, Decimal):
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise ValueError(
                f"the amount {amount} is not a whole number of đồng "
                "(VND has no minor unit)")
        amount = int(amount)
    if amount <= 0:
        raise ValueError(f"the amount must be positive, not {amount}")
    if len(str(amount)) > AMOUNT_MAX_DIGITS:
        raise ValueError(
            f"the amount {amount} has more than {AMOUNT_MAX_DIGITS} digits")
    return amount


def build(bin, account, amount=None, memo=None):
    """The VietQR payload of a transfer to `account` at the bank whose
    NAPAS BIN is `bin`.

    amount: whole đồng (int, or an integral Decimal); None for a static
    code where the payer types the amount. memo: the purpose of the
    transfer shown in the payer's app and on the statement (we put the
    dossier code), diacritics stripped, at most 25 characters."""
    if not isinstance(bin, str) or not BIN_PATTERN.fullmatch(bin):
        raise ValueError(
            f"the bank BIN must be 6 digits (e.g. '970415'), not {bin!r}")
    if (not isinstance(account, str)
            or not ACCOUNT_PATTERN.fullmatch(account)):
        raise ValueError(
            "the account number must be 1 to 19 letters or digits, "
            f"not {account!r}")
    if amount is not None:
        amount = _clean_amount(amount)
    if memo is not None:
        memo = clean_memo(memo)

    beneficiary = _tlv('00', bin) + _tlv('01', account)
    merchant = (_tlv('00', GUID) + _tlv('01', beneficiary)
        + _tlv('02', SERVICE_TRANSFER_TO_ACCOUNT))
    payload = (_tlv('00', '01')
        + _tlv('01', STATIC if amount is None else DYNAMIC)
        + _tlv('38', merchant)
        + _tlv('53', CURRENCY_VND))
    if amount is not None:
        payload += _tlv('54', str(amount))
    payload += _tlv('58', COUNTRY)
    if memo is not None:
        payload += _tlv('62', _tlv('08', memo))
    payload += '6304'
    return payload + f'{crc16(payload):04X}'


def parse_tlv(text):
    """The data objects of text as a dict ID → value, in order; ValueError
    when text is not a well-formed row of ID/length/value objects or an ID
    appears twice."""
    objects = {}
    position = 0
    while position < len(text):
        head = text[position:position + 4]
        if len(head) < 4 or not head.isdigit() or not head.isascii():
            raise ValueError(
                f"malformed data object at character {position}: "
                f"{text[position:position + 8]!r}")
        id_, length = head[:2], int(head[2:])
        value = text[position + 4:position + 4 + length]
        if length == 0 or len(value) != length:
            raise ValueError(
                f"data object {id_} at character {position} announces "
                f"{length} characters, {len(value)} follow")
        if id_ in objects:
            raise ValueError(f"data object {id_} appears twice")
        objects[id_] = value
        position += 4 + length
    return objects


@dataclass(frozen=True)
class VietQR:
    "What a VietQR transfer payload says."
    bin: str
    account: str
    service: str
    amount: int | None
    memo: str | None
    currency: str
    country: str
    point_of_initiation: str
    crc: str
    # Every top-level data object (ID → raw value), for other fields.
    objects: dict = field(default_factory=dict, repr=False)

    @property
    def dynamic(self):
        return self.point_of_initiation == DYNAMIC


def parse(payload):
    """Read a VietQR transfer payload back; ValueError when it is not one
    or its CRC is wrong.

    Other generators' payloads are accepted as banking apps accept them
    (e.g. a static code that carries an amount); the amount must be whole
    đồng."""
    if not isinstance(payload, str):
        raise ValueError(
            f"a payload is text, not {type(payload).__name__}")
    payload = payload.strip()
    if len(payload) < 8 or payload[-8:-4] != '6304':
        raise ValueError("the payload does not end with a CRC (63, 4 "
            "characters)")
    given = payload[-4:].upper()
    if not re.fullmatch(r'[0-9A-F]{4}', given):
        raise ValueError(f"the CRC {payload[-4:]!r} is not 4 hex digits")
    computed = f'{crc16(payload[:-4]):04X}'
    if given != computed:
        raise ValueError(
            f"wrong CRC: the payload says {given}, its content gives "
            f"{computed} (damaged or altered payload)")
    objects = parse_tlv(payload)
    if list(objects)[0] != '00' or objects['00'] != '01':
        raise ValueError(
            "the payload does not start with the Payload Format "
            "Indicator 01 (000201)")
    if list(objects)[-1] != '63':
        raise ValueError("the CRC (63) is not the last data object")
    point = objects.get('01')
    if point not in {None, STATIC, DYNAMIC}:
        raise ValueError(f"unknown Point of Initiation Method {point!r}")
    if '38' not in objects:
        raise ValueError(
            "no NAPAS Merchant Account Information (38): not a VietQR "
            "transfer")
    merchant = parse_tlv(objects['38'])
    if merchant.get('00') != GUID:
        raise ValueError(
            f"the Merchant Account Information (38) is not NAPAS's "
            f"(GUID {merchant.get('00')!r}, expected {GUID})")
    beneficiary = parse_tlv(merchant.get('01', ''))
    bin, account = beneficiary.get('00', ''), beneficiary.get('01', '')
    if not BIN_PATTERN.fullmatch(bin):
        raise ValueError(f"the bank BIN {bin!r} is not 6 digits")
    if not ACCOUNT_PATTERN.fullmatch(account):
        raise ValueError(
            f"the account number {account!r} is not 1 to 19 letters or "
            "digits")
    currency = objects.get('53')
    if currency != CURRENCY_VND:
        raise ValueError(
            f"the currency is {currency!r}, not VND ({CURRENCY_VND})")
    amount = objects.get('54')
    if amount is not None:
        if (not re.fullmatch(r'[0-9]{1,13}', amount)
                or int(amount) == 0):
            raise ValueError(
                f"the amount {amount!r} is not a positive whole number of "
                "đồng")
        amount = int(amount)
    country = objects.get('58')
    if country != COUNTRY:
        raise ValueError(f"the country code is {country!r}, not {COUNTRY}")
    memo = None
    if '62' in objects:
        memo = parse_tlv(objects['62']).get('08')
    return VietQR(
        bin=bin, account=account, service=merchant.get('02', ''),
        amount=amount, memo=memo, currency=currency, country=country,
        point_of_initiation=point or '', crc=given, objects=objects)
