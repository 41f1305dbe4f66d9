# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The labels of the officers' dossier list (R-L10N-1): what sao reads as
`state:string` is the state in the reader's language, computed once per
read and not once per row (issue #7, bench/)."""
from pathlib import Path
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .dossier_fixtures import DossierTestCase, at, make_dossier, make_world, \
    local


class ListLabelsTestCase(DossierTestCase):

    @with_transaction()
    def test_labels_in_the_readers_language(self):
        "R-L10N-1: state and channel labels of a list, English and Vietnamese"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Translation = pool.get('ir.translation')
        world = make_world()
        draft = make_dossier(world)
        submitted = make_dossier(world)
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.submit([submitted])
        ids = [draft.id, submitted.id]
        names = ['code', 'state:string', 'channel:string']

        rows = {r['id']: r for r in Dossier.read(ids, names)}
        self.assertEqual(rows[draft.id]['state:string'], "Draft")
        self.assertEqual(rows[submitted.id]['state:string'], "Submitted")
        self.assertEqual(rows[submitted.id]['channel:string'], "Online")
        # Only what was asked: the values behind the labels stay out.
        self.assertEqual(set(rows[draft.id]),
            {'id', 'code', 'state:string', 'channel:string'})

        Translation.translation_import('vi', 'gov_dossier', [
                str(Path(__file__).resolve().parent.parent
                    / 'locale' / 'vi.po')])
        with Transaction().set_context(language='vi'):
            rows = {r['id']: r for r in Dossier.read(
                    ids, ['state', 'state:string'])}
        self.assertEqual(rows[submitted.id]['state'], 'submitted')
        self.assertEqual(rows[submitted.id]['state:string'], "Đã nộp")

    @with_transaction()
    def test_labels_computed_once_per_read(self):
        "R-L10N-1: 30 rows, one definition of each labelled field"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        ids = [make_dossier(world).id for _ in range(30)]
        fields_get = Dossier.fields_get
        with patch.object(Dossier, 'fields_get', wraps=fields_get) as spy:
            rows = Dossier.read(ids, ['state:string', 'timeliness:string'])
        self.assertEqual(len(rows), 30)
        self.assertTrue(all(r['state:string'] == "Draft" for r in rows))
        self.assertEqual(spy.call_count, 1)
