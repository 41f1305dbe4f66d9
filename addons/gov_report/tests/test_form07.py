# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Form 07, the dossier tracking book (R-PROC-9): its rows, its XLSX and
PDF, and who may print it."""
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import as_user, make_world

from ..form07 import COLUMNS, Form07
from .tools_statutory import (
    StatutoryTestCase, make_leader_b, pdf_text, read_xlsx, semester_2026)

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


class Form07TestCase(StatutoryTestCase):
    "Form 07, the dossier tracking book."

    @with_transaction()
    def test_rows_of_district_a(self):
        """R-PROC-9: the book of district A for March 2026: one row per
        dossier received there in March (not district B's), with the
        columns of the form, in XLSX and PDF."""
        world = make_world()
        d = semester_2026(world)
        with as_user(world['leader_a']):
            values = Form07.values(world['a'], *MARCH)
        codes = [r['code'] for r in values['rows']]
        self.assertEqual(sorted(codes), sorted([d['early'].code,
                    d['late'].code]))
        self.assertNotIn(d['b'].code, codes)
        early = {r['code']: r for r in values['rows']}[d['early'].code]
        # Received 02/03/2026 09:00, due 5 working days later, result
        # ready 04/03 10:00, returned 05/03 10:00.
        self.assertEqual(early['received'], '09:00 02/03/2026')
        self.assertEqual(early['due'], '09/03/2026')
        self.assertEqual(early['resolved'], '10:00 04/03/2026')
        self.assertEqual(early['returned'], '10:00 05/03/2026')
        self.assertEqual(early['procedure'], "Thủ tục P1")
        self.assertEqual(early['applicant'], "Nguyễn Thị Lan")
        self.assertEqual(early['handler'], "Phòng Tài nguyên A")
        self.assertTrue(early['transferred'].endswith('/03/2026'))
        self.assertIn("Nộp trực tuyến", early['notes'])
        late = {r['code']: r for r in values['rows']}[d['late'].code]
        self.assertIn("Quá hạn", late['notes'])
        self.assertIn("bưu chính", late['notes'])

        _, sheet = read_xlsx(Form07.to_xlsx(values))
        self.assertEqual([c.value for c in sheet[7]],
            [label for _, label, _ in COLUMNS])
        self.assertEqual(sheet.freeze_panes, 'C9')
        self.assertEqual(sheet.page_setup.orientation, 'landscape')
        self.assertEqual(int(sheet.page_setup.paperSize), 9)
        self.assertEqual(sorted([sheet['B9'].value, sheet['B10'].value]),
            sorted(codes))
        self.assertIsNone(sheet['B11'].value)
        text = pdf_text(Form07.to_pdf(values))
        self.assertIn("07", text)
        for code in codes:
            self.assertIn(code, text.replace('\n', ''))

    @with_transaction()
    def test_who_may_print(self):
        """R-PROC-9, R-SEC-2: district B's leader and a specialist of A
        cannot print A's book; the auditor and the provincial office
        administrator can; the wizard offers a leader his own agencies."""
        pool = Pool()
        Wizard = pool.get('gov.report.form07', type='wizard')
        world = make_world()
        semester_2026(world)
        leader_b = make_leader_b(world)
        with as_user(leader_b):
            with self.assertRaises(AccessError):
                Form07.values(world['a'], *MARCH)
            self.assertEqual(
                len(Form07.values(world['b'], *MARCH)['rows']), 1)
        with as_user(world['specialist_a']):
            with self.assertRaises(AccessError):
                Form07.values(world['a'], *MARCH)
        for login in ['auditor', 'admin_p']:
            with as_user(world[login]):
                self.assertEqual(
                    len(Form07.values(world['a'], *MARCH)['rows']), 2)
        with as_user(world['leader_a']):
            session_id, _, _ = Wizard.create()
            wizard = Wizard(session_id)
            offered = set(wizard.default_start(None)['agencies'])
            wizard.start.agency = world['a']
            wizard.start.start_date, wizard.start.end_date = MARCH
            self.assertEqual(wizard.transition_make(), 'result')
            self.assertEqual(wizard.result.dossiers, 2)
            self.assertEqual(wizard.result.xlsx_name,
                'so-theo-doi-ho-so-000.00.21.H16-20260301-20260331.xlsx')
            self.assertTrue(bytes(wizard.result.pdf).startswith(b'%PDF'))
        self.assertEqual(offered, {world[k].id
                for k in ['a', 'desk_a', 'unit_a']})
        with as_user(leader_b):
            session_id, _, _ = Wizard.create()
            wizard = Wizard(session_id)
            wizard.start.agency = world['a']
            wizard.start.start_date, wizard.start.end_date = MARCH
            with self.assertRaises(AccessError):
                wizard.transition_make()
        # R-CAT-9: the book of an agency merged since is still offered to
        # the provincial office for its past periods.
        Agency = pool.get('gov.agency')
        Agency.write([world['b']], {'active': False,
                'successor': world['a'].id})
        with as_user(world['admin_p']):
            session_id, _, _ = Wizard.create()
            offered = Wizard(session_id).default_start(None)['agencies']
        self.assertIn(world['b'].id, offered)


del StatutoryTestCase
