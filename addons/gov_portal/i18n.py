# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The portal speaks Vietnamese; English is its second language (R-L10N-1).

Texts are written in Vietnamese in the templates and the code; this module
translates the portal's chrome (menus, buttons, labels, messages) into
English with a plain dictionary keyed by the Vietnamese text. A text with no
English entry is shown in Vietnamese. Data (procedure names, agencies …)
comes from the database in the language of the transaction.
"""
from .i18n_en import EN


def translate(text, lang='vi', /, **values):
    if lang == 'en':
        text = EN.get(text, text)
    if values:
        text = text % values
    return text
