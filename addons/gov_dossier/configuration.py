# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from .exceptions import CodePatternError

# Thông tư 01/2018/TT-VPCP, Điều 19: <agency identifier>-<yymmdd>-<number of
# the dossier received that day, 4 digits>.
DEFAULT_CODE_PATTERN = '{agency}-{yymmdd}-{seq:04d}'
DEFAULT_FILE_TYPES = 'pdf,jpg,jpeg,png'


def code_values(agency_code, day, seq, procedure_code=''):
    "The placeholders a code pattern may use."
    return {
        'agency': agency_code,
        'procedure': procedure_code or '',
        'yymmdd': day.strftime('%y%m%d'),
        'yyyymmdd': day.strftime('%Y%m%d'),
        'yyyy': day.strftime('%Y'),
        'yy': day.strftime('%y'),
        'mm': day.strftime('%m'),
        'dd': day.strftime('%d'),
        'seq': seq,
        }


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Settings of dossiers: code pattern, uploads, deadline warnings."
    __name__ = 'gov.dossier.configuration'
    __string__ = "Dossier Configuration"

    code_pattern = fields.Char(
        "Dossier Code Pattern", required=True, strip=False,
        help="Placeholders: {agency} (identifier code of the receiving "
        "agency), {yymmdd}, {yyyymmdd}, {yyyy}, {yy}, {mm}, {dd} (local date "
        "of receipt), {seq} (number of the dossier in the agency that day, "
        "e.g. {seq:04d}), {procedure} (procedure code).")
    max_upload_size = fields.Numeric(
        "Maximum Upload Size (MB)", digits=(16, 2), required=True,
        domain=[('max_upload_size', '>', 0)])
    file_types = fields.Char(
        "Allowed File Types", required=True,
        help="Comma-separated extensions accepted when a component does not "
        "list its own (pdf, jpg, jpeg, png, docx, xlsx, odt, ods).")
    due_soon_days = fields.Integer(
        "Due Soon (Working Days)", required=True,
        domain=[('due_soon_days', '>=', 0)],
        help="A dossier due within this many working days is \"due soon\": "
        "listed by the filter and announced to the unit head by the daily "
        "warning.")

    @classmethod
    def default_code_pattern(cls):
        return DEFAULT_CODE_PATTERN

    @classmethod
    def default_max_upload_size(cls):
        return Decimal(10)

    @classmethod
    def default_file_types(cls):
        return DEFAULT_FILE_TYPES

    @classmethod
    def default_due_soon_days(cls):
        return 1

    def format_code(self, agency_code, day, seq, procedure_code=''):
        pattern = self.code_pattern or DEFAULT_CODE_PATTERN
        return pattern.format(
            **code_values(agency_code, day, seq, procedure_code))

    def get_file_types(self):
        return {t.strip().lower().lstrip('.')
            for t in (self.file_types or DEFAULT_FILE_TYPES).split(',')
            if t.strip()}

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'code_pattern' not in field_names:
            return
        for record in records:
            record.check_code_pattern()

    def check_code_pattern(self):
        """The pattern must format and tell apart agencies, days (of another
        month or year too) and numbers, otherwise codes would collide."""
        day1 = dt.date(2025, 3, 3)
        other_days = [
            dt.date(2025, 3, 4), dt.date(2025, 4, 3), dt.date(2026, 3, 3)]
        try:
            samples = {
                self.format_code('000.00.01.H16', day1, 1, 'P1'),
                self.format_code('000.00.02.H16', day1, 1, 'P1'),
                self.format_code('000.00.01.H16', day1, 2, 'P1'),
                *(self.format_code('000.00.01.H16', d, 1, 'P1')
                    for d in other_days),
                }
        except (KeyError, ValueError, IndexError, AttributeError):
            raise CodePatternError(gettext(
                    'gov_dossier.msg_code_pattern_invalid',
                    pattern=self.code_pattern))
        if len(samples) != 6:
            raise CodePatternError(gettext(
                    'gov_dossier.msg_code_pattern_ambiguous',
                    pattern=self.code_pattern))
