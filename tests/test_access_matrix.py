"""The access matrix of the platform is the reviewed one (R-AG-3, R-SEC-2).

doc/access-matrix.txt lists every model of the activated modules with the
rights of each group, field access and record rules; it is regenerated with
`python scripts/access_matrix.py --write` after a deliberate change and
reviewed in the diff. A new model, group, access record or rule, made on
purpose or not, fails here until then.
"""
import difflib
import sys
import unittest
from pathlib import Path

from trytond.tests.test_tryton import activate_module, with_transaction

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))
try:
    import access_matrix
finally:
    sys.path.pop(0)

REGENERATE = 'python scripts/access_matrix.py --write'


class AccessMatrixTestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        activate_module(access_matrix.our_modules())

    @with_transaction()
    def test_matrix_is_the_reviewed_one(self):
        """R-AG-3, R-SEC-2: model × group rights, field access and record
        rules are those of doc/access-matrix.txt"""
        expected = access_matrix.MATRIX.read_text(encoding='utf-8')
        actual = access_matrix.matrix()
        if actual != expected:
            diff = ''.join(difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    'doc/access-matrix.txt (expected)', 'database (actual)'))
            self.fail('the access rights changed; review the difference '
                f'and regenerate with: {REGENERATE}\n{diff}')

    @with_transaction()
    def test_every_model_is_in_the_matrix(self):
        "R-AG-3: no model of an activated module is left out"
        text = access_matrix.matrix()
        listed = {line.split()[0] for line in text.split('## model access')[1]
            .split('\n## ')[0].splitlines()[1:] if line[:1] not in {' ', ''}}
        self.assertEqual(listed, {n for n, _ in access_matrix.models()})

    @with_transaction()
    def test_open_defaults_are_deliberate(self):
        """R-AG-3, R-SEC-2: what a user without any group reaches over RPC
        is listed, with its reason, in doc/access-open-defaults.txt"""
        listed = access_matrix.read_open_defaults()
        actual = access_matrix.open_defaults()
        unlisted = {m: a for m, a in actual.items() if listed.get(m) != a}
        stale = {m: a for m, a in listed.items() if m not in actual}
        self.assertEqual(unlisted, {}, 'open to every user but not listed '
            '(or with other rights) in doc/access-open-defaults.txt: close '
            'the model (a default ir.model.access that denies) or list it '
            'with the reason')
        self.assertEqual(stale, {}, 'listed in doc/access-open-defaults.txt '
            'but no longer open: remove the line')

    @with_transaction()
    def test_secrets_are_closed_to_everybody_but_the_administrators(self):
        """R-AG-4, R-SEC-2: the password hashes and tokens of citizens and
        staff are read by the Tryton administrators only"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        ModelData = pool.get('ir.model.data')
        admin = ModelData.get_id('res', 'group_admin')
        secrets = {
            'web.user': ['password_hash', 'email_token',
                'reset_password_token'],
            'res.user': ['password_hash', 'password_reset'],
            'gov.api.key': ['key_hash'],
            }
        for label, _, ids in access_matrix.groups():
            with Transaction().set_context(_groups=ids):
                for model, names in secrets.items():
                    access = FieldAccess.get_access([model])[model]
                    for name in names:
                        self.assertEqual(
                            access.get(name, {}).get('read', True),
                            admin in ids, (label, model, name))
