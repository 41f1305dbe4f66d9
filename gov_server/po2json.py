"""Compile a gettext .po catalogue into the JSON that sao loads.

sao's locale/<lang>.json maps each msgid to [msgid_plural or null,
translation, …] (the format its build makes with grunt-po2json), with the
catalogue header under the empty key.
"""
import json

import polib


def po_to_gettext_json(path, language):
    catalogue = polib.pofile(str(path))
    data = {'': {
            'content-type': 'text/plain; charset=utf-8',
            'language': language,
            'plural-forms': catalogue.metadata.get(
                'Plural-Forms', 'nplurals=1; plural=0;'),
            }}
    for entry in catalogue:
        if entry.obsolete or 'fuzzy' in entry.flags:
            continue
        key = entry.msgid
        if entry.msgctxt:
            key = entry.msgctxt + '\u0004' + key
        if entry.msgid_plural:
            translations = [entry.msgstr_plural[i]
                for i in sorted(entry.msgstr_plural)]
            if not any(translations):
                continue
            data[key] = [entry.msgid_plural, *translations]
        elif entry.msgstr:
            data[key] = [None, entry.msgstr]
    return json.dumps(data, ensure_ascii=False)
