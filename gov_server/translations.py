"""Load the Vietnamese catalogues of the framework modules into a database.

Tryton ships no Vietnamese. Our catalogues for the framework modules live
in i18n/<module>/vi.po. They cannot sit in the modules' own locale/ folders:
Tryton loads a module's catalogue right after the module, and `ir` loads
before the `vi` language record (created by gov_agency) exists. So they are
imported after every install or update, by gov_server.setup_db (and by the
translation tests), through Tryton's own ir.translation.translation_import.
"""
from pathlib import Path

I18N = Path(__file__).resolve().parent.parent / 'i18n'


def framework_catalogues():
    return {p.parent.name: p for p in sorted(I18N.glob('*/vi.po'))
        if p.parent.name != 'sao'}


def load_framework_translations(pool, lang='vi'):
    Module = pool.get('ir.module')
    Translation = pool.get('ir.translation')
    activated = {m.name for m in Module.search([('state', '=', 'activated')])}
    loaded = []
    for module, path in framework_catalogues().items():
        if module in activated:
            Translation.translation_import(lang, module, [str(path)])
            loaded.append(module)
    return 'Vietnamese catalogues of ' + ', '.join(loaded)
