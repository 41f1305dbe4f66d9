# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The type of an uploaded file, recognised by its content, not by its
name (R-SUB-7)."""
import io
import zipfile

# Types recognised by their first bytes; `office` is a zip container.
SIGNATURES = [
    ('pdf', 'application/pdf', [b'%PDF-']),
    ('jpg', 'image/jpeg', [b'\xff\xd8\xff']),
    ('png', 'image/png', [b'\x89PNG\r\n\x1a\n']),
    ]
OFFICE = {
    'docx': ('word/', 'application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document'),
    'xlsx': ('xl/', 'application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet'),
    'odt': ('application/vnd.oasis.opendocument.text', None),
    'ods': ('application/vnd.oasis.opendocument.spreadsheet', None),
    }
ALIASES = {'jpeg': 'jpg'}


def detect_type(data):
    "Return (type, mimetype) from the content, or (None, None)."
    head = bytes(data[:16])
    for type_, mimetype, magics in SIGNATURES:
        if any(head.startswith(m) for m in magics):
            return type_, mimetype
    if head.startswith(b'PK\x03\x04'):
        try:
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
                names = archive.namelist()
                mimetype = None
                if 'mimetype' in names:
                    mimetype = archive.read('mimetype').decode(
                        'ascii', 'replace').strip()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None, None
        for type_, (marker, mime) in OFFICE.items():
            if mime is None:
                if mimetype == marker:
                    return type_, marker
            elif any(n.startswith(marker) for n in names):
                return type_, mime
    return None, None
