# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Reading and checking the file exported from the national database of
administrative procedures (R-CAT-6; the format is in doc/national_import.md):
JSON or XLSX parsing, the keys of a national record and the fields of
gov.procedure they fill, and the errors naming the record and the key at
fault. Plain classes: the import (national_import.py) reads its file with
NationalFile and compares the records with national_diff.py."""
import datetime as dt
import io
import json
import re
from decimal import Decimal, InvalidOperation

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool

from .catalogue import normalize

# Keys of a national record and the fields of gov.procedure they fill
# (doc/national_import.md). The keys of the lines are in Record._fees and
# Record._components.
TEXT_KEYS = [
    ('ten_thu_tuc', 'name'),
    ('ket_qua', 'result_description'),
    ('yeu_cau_dieu_kien', 'conditions'),
    ('can_cu_phap_ly', 'legal_basis'),
    ]

# National administrative levels (cấp thực hiện) → kinds of agency here.
# "Cấp tỉnh" procedures are carried out by the provincial departments.
LEVELS = {
    'cap tinh': 'department',
    'tinh': 'department',
    'cap huyen': 'district_committee',
    'huyen': 'district_committee',
    'cap xa': 'commune_committee',
    'xa': 'commune_committee',
    }
ACTIVE = {'', 'con hieu luc', 'hieu luc', 'dang hieu luc', 'active',
    'cong bo', 'da cong bo'}
ABOLISHED = {'bai bo', 'da bai bo', 'het hieu luc', 'abolished'}
FEE_KINDS = {'phi': 'fee', 'fee': 'fee', 'le phi': 'charge',
    'charge': 'charge'}
TRUE = {'co', 'true', '1', 'x', 'bat buoc'}
FALSE = {'khong', 'false', '0', '', 'khong bat buoc'}
AMOUNT = re.compile(r'^\d{1,3}(?:[.\s]\d{3})+$|^\d+$')
ZIP_MAGIC = b'PK\x03\x04'


class NationalImportError(UserError):
    "The national catalogue file cannot be read, compared or applied."


def stripped(value):
    "Compare texts without the spaces around them; None is empty."
    return (value or '').strip()


class NationalFile:
    "The national file of an import: its content and its name."

    def __init__(self, data, file_name=None):
        self.data = bytes(data or b'')
        self.file_name = file_name

    def error(self, message, **values):
        return NationalImportError(gettext('gov_procedure.' + message,
                file=self.file_name or '', **values))

    def read_records(self):
        "The list of national records (dicts) of the file."
        data = self.data
        if not data:
            raise self.error('msg_national_import_no_file')
        if data.startswith(ZIP_MAGIC) or (
                self.file_name or '').lower().endswith('.xlsx'):
            return self._read_xlsx(data)
        try:
            document = json.loads(data.decode('utf-8-sig'))
        except UnicodeDecodeError as exception:
            raise self.error('msg_national_import_bad_json',
                line='1', column=str(exception.start + 1),
                error=exception.reason)
        except json.JSONDecodeError as exception:
            raise self.error('msg_national_import_bad_json',
                line=str(exception.lineno), column=str(exception.colno),
                error=exception.msg)
        if isinstance(document, dict):
            document = document.get('thu_tuc')
        if not isinstance(document, list):
            raise self.error('msg_national_import_bad_root')
        return document

    def _read_xlsx(self, data):
        """The records of a workbook: sheet "thu_tuc" one procedure a row,
        sheets "phi_le_phi" and "thanh_phan_ho_so" one line a row with the
        procedure's ma_thu_tuc; the first row of each sheet names the keys;
        list values of the procedure sheet are separated by ";"."""
        try:
            import openpyxl
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exception:
            raise self.error('msg_national_import_bad_xlsx',
                error=str(exception) or exception.__class__.__name__)

        def rows(name):
            if name not in workbook.sheetnames:
                return []
            values = list(workbook[name].iter_rows(values_only=True))
            if not values:
                return []
            keys = [str(k).strip() if k is not None else '' for k in values[0]]
            result = []
            for row in values[1:]:
                if all(v in (None, '') for v in row):
                    continue
                result.append({k: (v.isoformat()[:10]
                            if isinstance(v, (dt.date, dt.datetime)) else v)
                        for k, v in zip(keys, row) if k and v is not None})
            return result
        if 'thu_tuc' not in workbook.sheetnames:
            raise self.error('msg_national_import_bad_root')
        records = rows('thu_tuc')
        by_code = {}
        for record in records:
            by_code.setdefault(str(record.get('ma_thu_tuc', '')).strip(),
                record)
            if 'cap_thuc_hien' in record:
                record['cap_thuc_hien'] = str(record['cap_thuc_hien'])
            for key, part in [('so_quyet_dinh', 'so'),
                    ('ngay_quyet_dinh', 'ngay')]:
                if key in record:
                    record.setdefault('quyet_dinh_cong_bo', {})[part] = (
                        record.pop(key))
            if 'ma_linh_vuc' in record or 'ten_linh_vuc' in record:
                record['linh_vuc'] = {
                    'ma': record.pop('ma_linh_vuc', None),
                    'ten': record.pop('ten_linh_vuc', None)}
        for sheet, key in [('phi_le_phi', 'phi_le_phi'),
                ('thanh_phan_ho_so', 'thanh_phan_ho_so')]:
            if sheet not in workbook.sheetnames:
                continue
            for record in records:
                record.setdefault(key, [])
            for row in rows(sheet):
                code = str(row.pop('ma_thu_tuc', '')).strip()
                if code in by_code:
                    by_code[code][key].append(row)
        return records

    def parse(self):
        """The national records of the file, checked and converted: a
        Record each (index, code, abolished, values {field: value}, …).
        Raise NationalImportError naming the record and the key at fault."""
        result, seen = [], {}
        for index, record in enumerate(self.read_records(), 1):
            if not isinstance(record, dict):
                raise self.error('msg_national_import_bad_record',
                    index=str(index))
            code = record.get('ma_thu_tuc')
            if isinstance(code, (int, float)) and not isinstance(code, bool):
                code = str(code)
            if not isinstance(code, str) or not code.strip():
                raise self.error('msg_national_import_no_code',
                    index=str(index))
            code = code.strip()
            if code in seen:
                raise self.error('msg_national_import_duplicate_code',
                    code=code, first=str(seen[code]), index=str(index))
            seen[code] = index
            result.append(Record(self, index, code, record).parse())
        return result


class Record:
    """One procedure of the national file: its raw data checked and turned
    into values of gov.procedure."""

    def __init__(self, file, index, code, raw):
        self.file = file
        self.index = index
        self.code = code
        self.raw = raw
        self.values = {}
        self.data = {}          # the values as JSON, kept on the line
        self.abolished = False
        self.effective_date = None
        self.decision = None

    def error(self, key, value, expected):
        text = value if isinstance(value, str) else json.dumps(
            value, ensure_ascii=False, default=str)
        if len(text) > 80:
            text = text[:77] + '…'
        return self.file.error('msg_national_import_bad_value',
            index=str(self.index), code=self.code, key=key, value=text,
            expected=gettext('gov_procedure.' + expected))

    def parse(self):
        raw = self.raw
        for key, name in TEXT_KEYS:
            if key not in raw:
                continue
            value = raw[key]
            if key == 'can_cu_phap_ly' and isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    raise self.error(key, value, 'msg_national_import_text')
                value = '\n'.join(v.strip() for v in value if v.strip())
            if value is not None and not isinstance(value, str):
                raise self.error(key, value, 'msg_national_import_text')
            self.values[name] = stripped(value) or None
        if 'linh_vuc' in raw:
            self.values['field'] = self._field(raw['linh_vuc'])
        if 'cap_thuc_hien' in raw:
            self.values['levels'] = self._levels(raw['cap_thuc_hien'])
        if 'thoi_han_giai_quyet' in raw:
            self.values['processing_days'] = self._days(
                raw['thoi_han_giai_quyet'])
        if 'phi_le_phi' in raw:
            self.values['fees'] = self._fees(raw['phi_le_phi'])
        if 'thanh_phan_ho_so' in raw:
            self.values['components'] = self._components(
                raw['thanh_phan_ho_so'])
        status = raw.get('trang_thai')
        if status is not None and not isinstance(status, str):
            raise self.error('trang_thai', status,
                'msg_national_import_status')
        status = normalize(status or '')
        if status in ABOLISHED:
            self.abolished = True
        elif status not in ACTIVE:
            raise self.error('trang_thai', raw.get('trang_thai'),
                'msg_national_import_status')
        if raw.get('ngay_hieu_luc') not in (None, ''):
            self.effective_date = self._date(
                'ngay_hieu_luc', raw['ngay_hieu_luc'])
        self.decision = self._decision(raw.get('quyet_dinh_cong_bo'))
        self.data = {
            name: (str(v) if isinstance(v, Decimal) else v)
            for name, v in self.values.items()}
        return self

    def _field(self, value):
        "The id of the gov.field of linh_vuc, matched by code then name."
        Field = Pool().get('gov.field')
        if isinstance(value, str):
            value = {'ma': value, 'ten': value}
        if not isinstance(value, dict) or not (
                value.get('ma') or value.get('ten')):
            raise self.error('linh_vuc', value, 'msg_national_import_field')
        code = str(value.get('ma') or '').strip()
        name = normalize(str(value.get('ten') or ''))
        if code:
            found = Field.search([('code', '=', code)], limit=1)
            if found:
                return found[0].id
        if name:
            for field in Field.search([]):
                if normalize(field.name) == name:
                    return field.id
        raise self.file.error('msg_national_import_unknown_field',
            index=str(self.index), code=self.code,
            value=' — '.join(filter(None, [code, value.get('ten')])))

    def _levels(self, value):
        "The sorted ids of the kinds of agency of cap_thuc_hien."
        Kind = Pool().get('gov.agency.kind')
        if isinstance(value, str):
            value = [v for v in re.split(r'[;,]', value) if v.strip()]
        if not isinstance(value, list) or not all(
                isinstance(v, str) for v in value):
            raise self.error('cap_thuc_hien', value,
                'msg_national_import_list')
        kinds = Kind.search([])
        ids = set()
        for level in value:
            wanted = LEVELS.get(normalize(level), level.strip())
            for kind in kinds:
                if wanted == kind.code or normalize(level) == normalize(
                        kind.name):
                    ids.add(kind.id)
                    break
            else:
                raise self.file.error(
                    'msg_national_import_unknown_level',
                    index=str(self.index), code=self.code, value=level)
        return sorted(ids)

    def _number(self, key, value, expected, integer=False):
        if isinstance(value, bool) or value is None:
            raise self.error(key, value, expected)
        if isinstance(value, str):
            text = value.strip()
            if integer:
                if not AMOUNT.match(text):
                    raise self.error(key, value, expected)
                text = re.sub(r'[.\s]', '', text)
            else:
                text = text.replace(',', '.')
            value = text
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self.error(key, value, expected)
        if not number.is_finite() or number < 0 or (
                integer and number != number.to_integral_value()):
            raise self.error(key, value, expected)
        return number

    def _days(self, value):
        days = self._number(
            'thoi_han_giai_quyet', value, 'msg_national_import_days')
        return days.quantize(Decimal('0.01'))

    def _date(self, key, value):
        if isinstance(value, str):
            for format_ in ['%Y-%m-%d', '%d/%m/%Y']:
                try:
                    return dt.datetime.strptime(value.strip(), format_).date()
                except ValueError:
                    pass
        raise self.error(key, value, 'msg_national_import_date')

    def _decision(self, value):
        "The decision announcing the procedure, as a text."
        if value in (None, ''):
            return None
        if isinstance(value, str):
            return value.strip()
        if not isinstance(value, dict):
            raise self.error('quyet_dinh_cong_bo', value,
                'msg_national_import_decision')
        number = stripped(str(value.get('so') or ''))
        date = value.get('ngay')
        if date not in (None, ''):
            date = self._date('quyet_dinh_cong_bo.ngay', date)
        if not number:
            raise self.error('quyet_dinh_cong_bo', value,
                'msg_national_import_decision')
        if not date:
            return gettext(
                'gov_procedure.msg_national_import_decision_number',
                number=number)
        return gettext('gov_procedure.msg_national_import_decision_text',
            number=number, date=date.strftime('%d/%m/%Y'))

    def _list(self, key, value):
        if not isinstance(value, list) or not all(
                isinstance(v, dict) for v in value):
            raise self.error(key, value, 'msg_national_import_list')
        return value

    def _fees(self, value):
        fees = []
        for i, item in enumerate(self._list('phi_le_phi', value), 1):
            key = f'phi_le_phi[{i}]'
            kind = item.get('loai_phi')
            if kind is not None:
                if not isinstance(kind, str) or normalize(kind) not in \
                        FEE_KINDS:
                    raise self.error(key + '.loai_phi', kind,
                        'msg_national_import_fee_kind')
                kind = FEE_KINDS[normalize(kind)]
            condition = item.get('mo_ta')
            if condition is not None and not isinstance(condition, str):
                raise self.error(key + '.mo_ta', condition,
                    'msg_national_import_text')
            if 'muc_phi' not in item:
                raise self.error(key + '.muc_phi', None,
                    'msg_national_import_amount')
            amount = self._number(key + '.muc_phi', item['muc_phi'],
                'msg_national_import_amount', integer=True)
            fees.append({'kind': kind, 'condition': stripped(condition) or None,
                    'amount': int(amount)})
        return fees

    def _components(self, value):
        components = []
        for i, item in enumerate(self._list('thanh_phan_ho_so', value), 1):
            key = f'thanh_phan_ho_so[{i}]'
            name = item.get('ten_giay_to')
            if not isinstance(name, str) or not name.strip():
                raise self.error(key + '.ten_giay_to', name,
                    'msg_national_import_text')
            counts = {}
            for source, target, default in [
                    ('so_ban_chinh', 'originals', 1),
                    ('so_ban_sao', 'copies', 0)]:
                count = item.get(source, default)
                counts[target] = int(self._number(key + '.' + source, count,
                        'msg_national_import_count', integer=True))
            mandatory = item.get('bat_buoc', True)
            if isinstance(mandatory, str) and normalize(mandatory) in (
                    TRUE | FALSE):
                mandatory = normalize(mandatory) in TRUE
            if not isinstance(mandatory, bool):
                raise self.error(key + '.bat_buoc', mandatory,
                    'msg_national_import_boolean')
            components.append(dict(name=name.strip(), mandatory=mandatory,
                    **counts))
        return components
