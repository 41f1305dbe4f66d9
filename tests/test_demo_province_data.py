"""The catalogue shipped in data/ speaks of Đắk Nông only (R-CAT-1,
R-CAT-2, R-CAT-6): most rows were collected from other provinces' portals
(shared/data/SOURCES.md), and a citizen must never read "03 ngày (Lạng
Sơn); 5 ngày (Hà Nội)" as this province's processing time. Where a fact
came from is written in the internal columns (`source`, `note`), which the
portal does not show."""
import csv
import re
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / 'data'

# The 63 provinces and cities before the 2025 merger (Đắk Nông excepted;
# the names of 2025 are among them), and the districts and wards whose
# pages the demo data was taken from.
PLACES = [
    'An Giang', 'Bà Rịa', 'Vũng Tàu', 'Bắc Giang', 'Bắc Kạn', 'Bạc Liêu',
    'Bắc Ninh', 'Bến Tre', 'Bình Định', 'Bình Dương', 'Bình Phước',
    'Bình Thuận', 'Cà Mau', 'Cần Thơ', 'Cao Bằng', 'Đà Nẵng', 'Đắk Lắk',
    'Điện Biên', 'Đồng Nai', 'Đồng Tháp', 'Gia Lai', 'Hà Giang', 'Hà Nam',
    'Hà Nội', 'Hà Tĩnh', 'Hải Dương', 'Hải Phòng', 'Hậu Giang', 'Hòa Bình',
    'Hưng Yên', 'Khánh Hòa', 'Kiên Giang', 'Kon Tum', 'Lai Châu',
    'Lâm Đồng', 'Lạng Sơn', 'Lào Cai', 'Long An', 'Nam Định', 'Nghệ An',
    'Ninh Bình', 'Ninh Thuận', 'Phú Thọ', 'Phú Yên', 'Quảng Bình',
    'Quảng Nam', 'Quảng Ngãi', 'Quảng Ninh', 'Quảng Trị', 'Sóc Trăng',
    'Sơn La', 'Tây Ninh', 'Thái Bình', 'Thái Nguyên', 'Thanh Hóa', 'Huế',
    'Tiền Giang', 'Thành phố Hồ Chí Minh', 'TP Hồ Chí Minh',
    'TP. Hồ Chí Minh', 'TP.HCM', 'Trà Vinh', 'Tuyên Quang', 'Vĩnh Long',
    'Vĩnh Phúc', 'Yên Bái',
    'Mộ Lao', 'Hà Đông', 'Quang Hanh', 'Cẩm Phả', 'Quảng Yên', 'Thủ Đức',
    'Lục Yên', 'Trà My', 'Điện Bàn', 'Châu Phú', 'Mộc Châu', 'Khoái Châu',
    'Bàu Bàng', 'Hoài Ân', 'Nguyên Bình', 'Tuần Giáo', 'Mường Ảng',
    ]
# Columns kept for the people who maintain the data, never published.
INTERNAL = {'source', 'note'}
CATALOGUE = ['procedures.csv', 'procedure_components.csv',
    'procedure_fees.csv', 'procedure_form_fields.csv',
    'procedure_steps.csv', 'procedure_templates.csv']


def normalize(text):
    "NFC, and the old tone placement (hoà → hòa) as the new one."
    text = unicodedata.normalize('NFC', text)
    for old, new in [('oà', 'òa'), ('oá', 'óa'), ('oả', 'ỏa'), ('oã', 'õa'),
            ('oạ', 'ọa'), ('uỳ', 'ùy'), ('uý', 'úy'), ('uỷ', 'ủy'),
            ('uỹ', 'ũy'), ('uỵ', 'ụy')]:
        text = text.replace(old, new).replace(
            old.capitalize(), new.capitalize())
    return text


PATTERN = re.compile(r'(?<!\w)(%s)(?!\w)' % '|'.join(
        re.escape(normalize(p)) for p in PLACES), re.IGNORECASE)


def rows(name):
    with open(DATA / name, encoding='utf-8', newline='') as f:
        lines = [line for line in f if not line.startswith('#')]
    return list(csv.DictReader(lines))


def foreign_places(texts):
    "[(where, place, text)] for every other province's name in texts."
    found = []
    for where, text in texts:
        for match in PATTERN.finditer(normalize(text or '')):
            found.append((where, match.group(1), text[:120]))
    return found


def published_texts():
    for name in CATALOGUE:
        for row in rows(name):
            key = row.get('code') or row.get('procedure')
            for column, value in row.items():
                if column not in INTERNAL and value:
                    yield f'{name} {key} {column}', value
    for path in sorted((DATA / 'templates').glob('*.html')):
        yield path.name, path.read_text(encoding='utf-8')


def test_the_check_finds_a_foreign_province():
    "R-CAT-1: the check itself sees the case of the issue (and hoà/hòa)"
    found = foreign_places([('x', '03 ngày làm việc (Lạng Sơn); 5 ngày '
                'làm việc (phường Mộ Lao, Hà Nội)'),
            ('y', 'UBND tỉnh Khánh Hoà'), ('z', 'phường Quảng Thành, '
                'thành phố Gia Nghĩa, tỉnh Đắk Nông')])
    assert [(w, p) for w, p, _ in found] == [('x', 'Lạng Sơn'),
        ('x', 'Mộ Lao'), ('x', 'Hà Nội'), ('y', 'Khánh Hòa')]


def test_published_procedure_texts_name_no_other_province():
    """R-CAT-1, R-CAT-2: no name, time, result, legal basis, condition,
    guide, component, fee, eForm field, step or template of the shipped
    catalogue names another province or its districts"""
    found = foreign_places(published_texts())
    assert not found, '\n'.join(f'{w}: {p} in "{t}"' for w, p, t in found)


def test_template_files_exist():
    "R-CAT-1: every blank form named in the data ships with it, as a PDF"
    components = {(r['procedure'], r['sequence'])
        for r in rows('procedure_components.csv')}
    templates = rows('procedure_templates.csv')
    assert templates
    for row in templates:
        assert (row['procedure'], row['sequence']) in components, row
        data = (DATA / 'templates' / row['file']).read_bytes()
        if row['file'].endswith('.pdf'):
            assert data.startswith(b'%PDF-'), row['file']
