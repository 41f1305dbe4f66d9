# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The portal speaks Vietnamese; English is its second language (R-L10N-1).

Texts are written in Vietnamese in the templates and the code; this module
translates the portal's chrome (menus, buttons, labels, messages) with the
gettext catalogues of i18n/<lang>.po, whose msgid is the Vietnamese text:
i18n/en.po for English. A text with no translated entry (none, empty or
fuzzy) is shown in Vietnamese. The catalogues are read once, at import.
Data (procedure names, agencies, the dossiers' states …) comes from the
database in the language of the transaction.
"""
from pathlib import Path

import polib

CATALOGUES_DIR = Path(__file__).resolve().parent / 'i18n'
SOURCE_LANGUAGE = 'vi'


def read_catalogue(path):
    "{Vietnamese text: translation} of the translated entries of a .po."
    return {entry.msgid: entry.msgstr
        for entry in polib.pofile(str(path)).translated_entries()}


CATALOGUES = {path.stem: read_catalogue(path)
    for path in sorted(CATALOGUES_DIR.glob('*.po'))}


def translate(text, lang='vi', /, **values):
    if lang != SOURCE_LANGUAGE:
        text = CATALOGUES.get(lang, {}).get(text, text)
    if values:
        text = text % values
    return text
