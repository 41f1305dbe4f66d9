# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The bank statement file (R-FEE-2): CSV, read whole before anything is
imported.

- UTF-8 (a byte order mark is accepted), separated by ``,``, ``;`` or a
  tab (the separator found most often in the header row);
- a header row naming the columns, in Vietnamese or in English, in any
  order and case, with or without diacritics (``HEADERS``); other columns
  are left out. ``date``, ``amount``, ``memo`` and ``reference`` are
  required, ``payer`` is optional;
- one row per credit of the account: ``date`` ``dd/mm/yyyy`` (a time
  after it is accepted and left out), ``amount`` in whole đồng, with
  ``.``, ``,`` or spaces as thousands separators (``1.234.567``,
  ``1,234,567``, ``1234567``; ``,00``/``.00`` and a trailing ``đ``,
  ``VND`` or ``đồng`` are accepted) and greater than zero, ``reference``
  the bank's reference of the transaction (not empty). Blank lines are
  left out.

``parse(data)`` returns the rows as dicts, or raises ``StatementFormatError``
for the first wrong row, whose number counts the header as row 1 (as a
spreadsheet shows it). Nothing here knows Tryton: the model turns the error
into its message."""
import csv
import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal

# Column → accepted header names (compared without diacritics, lower case,
# spaces collapsed).
HEADERS = {
    'date': ("Ngày", "Ngày giao dịch", "Ngày GD", "Date",
        "Transaction Date"),
    'amount': ("Số tiền", "Số tiền ghi có", "Ghi có", "Amount", "Credit"),
    'memo': ("Nội dung", "Nội dung chuyển khoản", "Diễn giải", "Memo",
        "Description"),
    'reference': ("Số tham chiếu", "Mã giao dịch", "Số bút toán",
        "Reference", "Bank Reference"),
    'payer': ("Người chuyển", "Tên người chuyển", "Người nộp", "Payer"),
    }
REQUIRED = ('date', 'amount', 'memo', 'reference')
SEPARATORS = (',', ';', '\t')

_DATE = re.compile(
    r'(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?')
_CURRENCY = re.compile(r'\s*(?:đồng|đ|vnd|vnđ)\s*$', re.IGNORECASE)
_AMOUNT = re.compile(
    r'(?P<whole>\d{1,3}(?P<sep>[.,\s])\d{3}(?:(?P=sep)\d{3})*|\d+)'
    r'(?:[.,]0{1,2})?')


class StatementFormatError(ValueError):
    """A wrong file or row: code names the message (gov_fee
    msg_statement_<code>), values fill it."""

    def __init__(self, code, **values):
        super().__init__(code, values)
        self.code = code
        self.values = values


def unaccent(text):
    "Text without Vietnamese diacritics (đ → d, ệ → e …)."
    text = (text or '').replace('đ', 'd').replace('Đ', 'D')
    decomposed = unicodedata.normalize('NFD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c))


def _header_key(text):
    return ' '.join(unaccent(text).lower().split())


_COLUMNS = {_header_key(name): column
    for column, names in HEADERS.items() for name in names}


def parse_date(value):
    "dd/mm/yyyy (a time after it is left out) → date, or None."
    match = _DATE.fullmatch((value or '').strip())
    if not match:
        return None
    day, month, year = map(int, match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_amount(value):
    "Whole đồng with thousands separators → Decimal, or None."
    text = _CURRENCY.sub('', (value or '').strip()).strip()
    negative = text.startswith('-')
    if negative:
        text = text[1:].strip()
    match = _AMOUNT.fullmatch(text)
    if not match:
        return None
    amount = Decimal(re.sub(r'\D', '', match.group('whole')))
    return -amount if negative else amount


def _decode(data):
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode('utf-8-sig')
    except UnicodeDecodeError:
        raise StatementFormatError('encoding')


def parse(data):
    """The rows of a statement file: dicts with row (its number in the
    file), date, amount, memo, reference, payer. Raises
    StatementFormatError for a wrong file or the first wrong row."""
    text = _decode(data).lstrip('\ufeff')
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise StatementFormatError('empty')
    delimiter = max(SEPARATORS, key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = None
    rows = []
    for row_number, row in enumerate(reader, 1):
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = {}
            for index, name in enumerate(row):
                column = _COLUMNS.get(_header_key(name))
                if column and column not in header:
                    header[column] = index
            for column in REQUIRED:
                if column not in header:
                    raise StatementFormatError('missing_column',
                        column=HEADERS[column][0],
                        names=', '.join(HEADERS[column]))
            width = len(row)
            continue
        if len(row) < max(header.values()) + 1:
            raise StatementFormatError('row_columns', row=row_number,
                found=len(row), expected=width)

        def cell(column):
            index = header.get(column)
            return row[index].strip() if index is not None else ''
        date = parse_date(cell('date'))
        if date is None:
            raise StatementFormatError(
                'row_date', row=row_number, value=cell('date'))
        amount = parse_amount(cell('amount'))
        if amount is None:
            raise StatementFormatError(
                'row_amount', row=row_number, value=cell('amount'))
        if amount <= 0:
            raise StatementFormatError(
                'row_amount_positive', row=row_number, value=cell('amount'))
        reference = cell('reference')
        if not reference:
            raise StatementFormatError('row_reference', row=row_number)
        rows.append({
                'row': row_number,
                'date': date,
                'amount': amount,
                'memo': ' '.join(cell('memo').split()),
                'reference': reference,
                'payer': ' '.join(cell('payer').split()) or None,
                })
    if header is None:
        raise StatementFormatError('empty')
    if not rows:
        raise StatementFormatError('no_rows')
    return rows


def normalize_code(text):
    """The letters and digits of a memo or a dossier code, upper case,
    without diacritics: ``000.30.21.H16-261206-0001`` and
    ``ho so 0003021h16 2612060001`` both hold ``0003021H162612060001``."""
    return re.sub(r'[^A-Z0-9]', '', unaccent(text).upper())
