# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""File names of dossier documents (R-SEC-1, R-SUB-7).

A name comes from the citizen's or the officer's computer: it is cleaned
once, in the model, whatever the channel (portal or back office), and a
download announces it so that every browser keeps the Vietnamese letters
(RFC 6266 and RFC 5987: filename*=UTF-8''… with an ASCII filename=
fallback)."""
import unicodedata
from urllib.parse import quote

from trytond.pool import PoolMeta

MAX_LENGTH = 200
MAX_EXTENSION = 10
DEFAULT = 'tep'
# Controls (NUL…), format characters (U+202E RIGHT-TO-LEFT OVERRIDE shows
# "anh<RLO>fdp.exe" as "anhexe.pdf"), line and paragraph separators,
# surrogates and private-use characters have no place in a file name.
REMOVED = {'Cc', 'Cf', 'Zl', 'Zp', 'Cs', 'Co', 'Cn'}
# Characters an ASCII fallback name cannot hold inside quotes.
UNSAFE_ASCII = set('"\\;%*/:<>?|')


def clean_filename(name, max_length=MAX_LENGTH):
    """The name without folders, invisible or control characters, in NFC
    (the form Vietnamese letters are typed in), at most max_length
    characters with its extension kept; DEFAULT when nothing is left."""
    name = unicodedata.normalize('NFC', str(name or ''))
    name = ''.join(c for c in name
        if unicodedata.category(c) not in REMOVED)
    name = name.replace('\\', '/').rsplit('/', 1)[-1]
    name = ' '.join(name.split()).strip(' .') or ''
    if len(name) > max_length:
        stem, dot, extension = name.rpartition('.')
        if dot and stem and len(extension) <= MAX_EXTENSION:
            name = stem[:max_length - len(extension) - 1] + '.' + extension
        else:
            name = name[:max_length]
    return name or DEFAULT


def ascii_filename(name):
    "The name without diacritics, for clients that ignore filename*."
    name = name.replace('đ', 'd').replace('Đ', 'D')
    name = unicodedata.normalize('NFKD', name)
    name = ''.join(c for c in name if not unicodedata.combining(c))
    name = ''.join(c if ' ' <= c <= '~' and c not in UNSAFE_ASCII else '_'
        for c in name)
    return name.strip() or DEFAULT


def content_disposition(name, disposition='attachment'):
    """The Content-Disposition header value of a download named name: a
    header is Latin-1, so the UTF-8 name is percent-encoded (filename*)
    and an ASCII one comes first for old clients."""
    name = clean_filename(name)
    return (f'{disposition}; filename="{ascii_filename(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}")


class Document(metaclass=PoolMeta):
    __name__ = 'gov.dossier.document'

    @classmethod
    def clean_filename(cls, name):
        return clean_filename(name)

    @classmethod
    def preprocess_values(cls, mode, values):
        # Before the checks of the upload, which name the file.
        if values.get('name') is not None:
            values = dict(values, name=cls.clean_filename(values['name']))
        return super().preprocess_values(mode, values)
