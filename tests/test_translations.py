"""Vietnamese everywhere (R-L10N-1): translation coverage per module.

Counts, in a database with every module of the project activated in
Vietnamese, the translatable strings of each module and how many have a
Vietnamese translation. Our modules must have no untranslated and no fuzzy
entry; the framework modules and sao at least 95%.
"""
import unittest
from pathlib import Path

import polib

from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.pool import Pool
from trytond.tools import entry_points

ROOT = Path(__file__).resolve().parent.parent
OURS = sorted(ep.name for ep in entry_points().select(group='trytond.modules')
    if ep.name.startswith('gov_'))
FRAMEWORK_MINIMUM = 0.95


def coverage(pool):
    "Map module → (number of strings, number translated in Vietnamese)."
    Translation = pool.get('ir.translation')
    table = Translation.__table__()
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            table.module, table.lang, table.type, table.name, table.res_id,
            table.src, table.value, table.fuzzy,
            where=table.lang.in_(['en', 'vi'])))
    sources, translated = {}, {}
    for module, lang, type_, name, res_id, src, value, fuzzy in cursor:
        key = (type_, name, res_id, src)
        if lang == 'en':
            sources.setdefault(module, set()).add(key)
        elif value and not fuzzy:
            translated.setdefault(module, set()).add(key)
    return {m: (len(keys), len(keys & translated.get(m, set())))
        for m, keys in sources.items()}


class TranslationCoverageTestCase(unittest.TestCase):
    "R-L10N-1"

    @classmethod
    def setUpClass(cls):
        activate_module(OURS)

    def test_our_catalogues_have_no_empty_or_fuzzy_entry(self):
        "R-L10N-1: every entry of our modules' vi.po is translated, none fuzzy"
        for module in OURS:
            path = ROOT / 'addons' / module / 'locale' / 'vi.po'
            self.assertTrue(path.exists(), f'{module} has no locale/vi.po')
            catalogue = polib.pofile(str(path))
            untranslated = [e.msgid for e in catalogue.untranslated_entries()]
            fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
            self.assertEqual(untranslated, [], module)
            self.assertEqual(fuzzy, [], module)

    @with_transaction()
    def test_database_coverage(self):
        "R-L10N-1: 100% of our modules' strings, ≥95% of the framework's"
        from gov_server.translations import load_framework_translations
        pool = Pool()
        Translation = pool.get('ir.translation')
        # As trytond-admin -l vi does for our modules, then the set-up for
        # the framework's catalogues.
        for module in OURS:
            Translation.translation_import('vi', module, [
                    str(ROOT / 'addons' / module / 'locale' / 'vi.po')])
        load_framework_translations(pool)
        result = coverage(pool)
        report = {m: f'{t}/{n}' for m, (n, t) in sorted(result.items())}
        print('Vietnamese coverage:', report)
        for module in OURS:
            total, done = result.get(module, (0, 0))
            self.assertEqual(done, total,
                f'{module}: {total - done} strings without Vietnamese '
                '(re-export locale/vi.po and translate)')
        framework = {'ir', 'res', 'party', 'country', 'currency', 'web_user'}
        for module in framework & set(result):
            total, done = result[module]
            self.assertGreaterEqual(done / total, FRAMEWORK_MINIMUM,
                f'{module}: {done}/{total}')
        self.assertTrue({'ir', 'res'} <= set(result))

    def test_sao_catalogue(self):
        "R-L10N-1: sao's messages are ≥95% translated"
        template = ROOT / 'var' / 'sao' / 'locale' / 'messages.pot'
        if not template.exists():
            self.skipTest('sao is not installed (scripts/bootstrap.sh)')
        sources = {e.msgid for e in polib.pofile(str(template))}
        catalogue = polib.pofile(str(ROOT / 'i18n' / 'sao' / 'vi.po'))
        done = {e.msgid for e in catalogue.translated_entries()}
        self.assertGreaterEqual(
            len(sources & done) / len(sources), FRAMEWORK_MINIMUM)
