# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The statutory six-monthly and annual reports (R-REP-2): default
periods, figures, XLSX and PDF, closing and freezing, who may."""
import datetime as dt
import json

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import as_user, at, local, \
    make_world, reload

from .tools_statutory import (
    SEMESTER_2026, StatutoryTestCase, completed, make_leader_b, pdf_text,
    read_xlsx, semester_2026)

D = dt.date
# District A's figures in the six-monthly period 2026, by hand (see
# tools_statutory.semester_2026).
A_2026 = {
    'carried_over': 1, 'received': 4, 'received_online': 1,
    'received_desk': 2, 'received_post': 1, 'resolved': 3,
    'resolved_early': 1, 'resolved_on_time': 1, 'resolved_late': 1,
    'in_progress_on_time': 1, 'in_progress_overdue': 1,
    'supplement_requested': 0, 'rejected': 0, 'withdrawn': 0,
    }
B_2026 = dict({k: 0 for k in A_2026}, received=1, received_desk=1,
    in_progress_overdue=1)


def new_report(world, scope='agency', agency='a', kind='semester',
        year=2026):
    "A new report, created as the RPC create of sao does."
    Report = Pool().get('gov.report.statutory')
    start, end = Report.period_of(kind, year)
    report, = Report.create([{'scope': scope, 'agency': world[agency].id,
                'kind': kind, 'year': year, 'start_date': start,
                'end_date': end}])
    return report


class StatutoryTestCase_(StatutoryTestCase):
    "Statutory reports."

    @with_transaction()
    def test_default_periods(self):
        """R-REP-2: the regime's default periods, and configurable:
        six-monthly 2026 = 15/12/2025–14/06/2026, annual 2026 =
        15/12/2025–14/12/2026."""
        Config = Pool().get('gov.report.period.configuration')
        self.assertEqual(Config.period('semester', 2026),
            (D(2025, 12, 15), D(2026, 6, 14)))
        self.assertEqual(Config.period('annual', 2026),
            (D(2025, 12, 15), D(2026, 12, 14)))
        self.assertEqual(Config.period('semester', 2025),
            (D(2024, 12, 15), D(2025, 6, 14)))
        # A province choosing calendar halves.
        Config.write([Config(1)], {'start_month': 1, 'start_day': 1,
                'semester_end_month': 6, 'semester_end_day': 30,
                'annual_end_month': 12, 'annual_end_day': 31})
        self.assertEqual(Config.period('semester', 2026),
            (D(2026, 1, 1), D(2026, 6, 30)))
        self.assertEqual(Config.period('annual', 2026),
            (D(2026, 1, 1), D(2026, 12, 31)))
        with self.assertRaises(Exception):
            Config.write([Config(1)], {'start_month': 2, 'start_day': 29})

    @with_transaction()
    def test_report_dates_follow_kind_and_year(self):
        "R-REP-2: a new report takes the default period of its kind."
        world = make_world()
        report = new_report(world, kind='annual', year=2026)
        self.assertEqual((report.start_date, report.end_date),
            (D(2025, 12, 15), D(2026, 12, 14)))
        self.assertEqual(report.state, 'draft')

    @with_transaction()
    def test_agency_figures_xlsx_pdf(self):
        """R-REP-2: district A's six-monthly report: the figures written
        by hand, in the XLSX (values, totals as formulas, frozen header,
        A4 landscape) and in the PDF."""
        world = make_world()
        semester_2026(world)
        report = new_report(world)
        self.assertEqual((report.start_date, report.end_date),
            SEMESTER_2026)
        with as_user(world['leader_a']):
            values = report.values()
            xlsx = report.to_xlsx()
            pdf = report.to_pdf()
        self.assertEqual(len(values['rows']), 1)
        row, = values['rows']
        self.assertEqual(row['label'], "Đất đai")
        self.assertEqual(row['figures'], A_2026)

        workbook, sheet = read_xlsx(xlsx)
        self.assertEqual(sheet.freeze_panes, 'C12')
        self.assertEqual(sheet.page_setup.orientation, 'landscape')
        self.assertEqual(int(sheet.page_setup.paperSize), 9)
        self.assertEqual(sheet['B12'].value, "Đất đai")
        # carried over, received, online, desk, post
        self.assertEqual([sheet[c + '12'].value for c in 'DEFGH'],
            [1, 4, 1, 2, 1])
        # resolved: total, early, on time, late; in progress within/past
        self.assertEqual([sheet[c + '12'].value for c in 'IJKLNO'],
            [3, 1, 1, 1, 1, 1])
        # Sums of columns and the total row: formulas.
        self.assertEqual(sheet['C12'].value, '=D12+E12')
        self.assertEqual(sheet['M12'].value, '=N12+O12')
        self.assertEqual(sheet['B13'].value, None)  # merged A13:B13
        self.assertEqual(sheet['A13'].value, "Tổng cộng")
        self.assertEqual(sheet['E13'].value, '=SUM(E12:E12)')
        # Cached values, for readers that do not compute.
        import openpyxl
        import io
        cached = openpyxl.load_workbook(io.BytesIO(xlsx),
            data_only=True).worksheets[0]
        self.assertEqual(cached['C12'].value, 5)
        self.assertEqual(cached['M13'].value, 2)

        text = pdf_text(pdf)
        self.assertIn("II.06a/VPCP/KSTT", text)
        self.assertIn("15/12/2025", text)
        self.assertIn("14/06/2026", text)
        self.assertIn("Đất đai 5 1 4 1 2 1 3 1 1 1 2 1 1 0 0 0", text)

    @with_transaction()
    def test_province_consolidation(self):
        """R-REP-2: the province's consolidation, one row per agency
        under it, by the provincial office administrator."""
        world = make_world()
        semester_2026(world)
        with as_user(world['admin_p']):
            report = new_report(world, scope='province', agency='province')
            values = report.values()
            _, sheet = read_xlsx(report.to_xlsx())
        rows = {r['label']: r['figures'] for r in values['rows']}
        self.assertEqual(rows["UBND huyện A"], A_2026)
        self.assertEqual(rows["UBND huyện B"], B_2026)
        self.assertEqual(rows["Cục Thuế"]['received'], 0)
        self.assertEqual(values['row_kind'], 'agency')
        # Tax (…05), A (…21), B (…22), post (…40): the total is a formula.
        self.assertEqual(sheet['B13'].value, "UBND huyện A")
        self.assertEqual(sheet['A16'].value, "Tổng cộng")
        self.assertEqual(sheet['E16'].value, '=SUM(E12:E15)')
        self.assertEqual(sheet['E14'].value, 1)

    @with_transaction()
    def test_province_consolidation_keeps_merged_agencies(self):
        """R-REP-2, R-CAT-9: a district merged after the period began
        keeps its row and figures in a report of that period; one merged
        before it is not listed"""
        Agency = Pool().get('gov.agency')
        world = make_world()
        semester_2026(world)
        start, _ = Pool().get('gov.report.statutory').period_of(
            'semester', 2026)
        Agency.write([world['b']], {'active': False,
                'successor': world['a'].id,
                'restructured_date': D(2026, 7, 1)})
        Agency.write([Agency(world['tax'].id)], {'active': False,
                'successor': world['a'].id,
                'restructured_date': start - dt.timedelta(days=1)})
        with as_user(world['admin_p']):
            values = new_report(world, scope='province',
                agency='province').values()
        rows = {r['label']: r['figures'] for r in values['rows']}
        self.assertEqual(rows["UBND huyện B"], B_2026)
        self.assertEqual(rows["UBND huyện A"], A_2026)
        self.assertNotIn("Cục Thuế", rows)

    @with_transaction()
    def test_closed_report_is_frozen(self):
        """R-REP-2: closing stores the figures and the files with who
        closed it; after an old dossier is edited the live figures change
        but the closed report re-exports byte for byte (XLSX and PDF)."""
        pool = Pool()
        Report = pool.get('gov.report.statutory')
        Dossier = pool.get('gov.dossier')
        world = make_world()
        dossiers = semester_2026(world)
        report = new_report(world)
        with at(local(2026, 6, 20, 8)), as_user(world['leader_a']):
            Report.close([report])
        report = Report(report.id)
        self.assertEqual(report.state, 'closed')
        self.assertEqual(report.closed_by, world['leader_a'])
        self.assertEqual(report.closed_date, local(2026, 6, 20, 8))
        frozen = json.loads(report.snapshot)
        self.assertEqual(frozen['rows'][0]['figures'], A_2026)
        xlsx, pdf = bytes(report.xlsx), bytes(report.pdf)
        self.assertIn("Số liệu đã chốt lúc 08:00 20/06/2026 bởi leader_a",
            pdf_text(pdf))

        # The carried dossier finished late inside the period.
        completed(dossiers['carried'], (2026, 1, 5, 10))
        Dossier.write([reload(dossiers['carried'])], {'notes': "sửa"})
        live = report.compute_values()['rows'][0]['figures']
        self.assertEqual(live['resolved'], 4)
        self.assertEqual(live['in_progress_overdue'], 0)

        report = Report(report.id)
        with as_user(world['leader_a']):
            self.assertEqual(report.values()['rows'][0]['figures'], A_2026)
            self.assertEqual(report.to_xlsx(), xlsx)
            self.assertEqual(report.to_pdf(), pdf)
        # The stored XLSX is the one the frozen values make.
        from ..statutory_export import to_xlsx
        self.assertEqual(to_xlsx(json.loads(report.snapshot)), xlsx)
        _, sheet = read_xlsx(xlsx)
        self.assertEqual(sheet['I12'].value, 3)
        # Nobody changes a closed report, not even the administrator.
        with as_user(world['admin_p']):
            with self.assertRaises(AccessError):
                Report.write([report], {'year': 2025})
            with self.assertRaises(AccessError):
                Report.delete([report])

    @with_transaction()
    def test_nobody_forges_a_closed_report(self):
        """R-REP-2, R-SEC-1: the state, the frozen figures, the files and
        who closed are the server's: a leader writing or creating them
        through RPC is refused, and the draft stays a draft"""
        pool = Pool()
        Report = pool.get('gov.report.statutory')
        world = make_world()
        report = new_report(world)
        forged = {'state': 'closed', 'snapshot': '{"rows": []}',
            'xlsx': b'forged', 'closed_by': world['admin_p'].id}
        with as_user(world['leader_a']):
            for name, value in forged.items():
                with self.assertRaises(AccessError):
                    Report.write([Report(report.id)], {name: value})
            start, end = Report.period_of('semester', 2026)
            with self.assertRaises(AccessError):
                Report.create([{'scope': 'agency', 'agency': world['a'].id,
                            'kind': 'semester', 'year': 2026,
                            'start_date': start, 'end_date': end,
                            'state': 'closed'}])
        report = Report(report.id)
        self.assertEqual(report.state, 'draft')
        self.assertIsNone(report.xlsx)

    @with_transaction()
    def test_export_button_and_copy(self):
        """R-REP-2: Export attaches the files of a draft (figures now);
        a copy of a closed report is a new draft without its frozen
        figures."""
        Report = Pool().get('gov.report.statutory')
        world = make_world()
        semester_2026(world)
        report = new_report(world)
        with as_user(world['leader_a']):
            Report.export([report])
            report = Report(report.id)
            self.assertTrue(report.xlsx_name.endswith('.xlsx'))
            _, sheet = read_xlsx(bytes(report.xlsx))
            self.assertEqual(sheet['E12'].value, 4)
            self.assertIn("II.06a", pdf_text(bytes(report.pdf)))
            with at(local(2026, 6, 20, 8)):
                Report.close([report])
            copy, = Report.copy([Report(report.id)])
        self.assertEqual(copy.state, 'draft')
        self.assertIsNone(copy.snapshot)
        self.assertIsNone(copy.closed_by)

    @with_transaction()
    def test_access_other_agency_leader(self):
        """R-REP-2, R-SEC-2: district B's leader sees, exports and closes
        nothing of district A; he cannot create A's report nor the
        consolidation; a specialist gets nothing; the auditor reads and
        exports but neither writes nor closes."""
        pool = Pool()
        Report = pool.get('gov.report.statutory')
        world = make_world()
        leader_b = make_leader_b(world)
        report = new_report(world)
        with as_user(leader_b):
            self.assertEqual(Report.search([]), [])
            with self.assertRaises(AccessError):
                Report.export([Report(report.id)])
            with self.assertRaises(AccessError):
                Report.read([report.id], ['agency'])
            with self.assertRaises(AccessError):
                Report(report.id).to_xlsx()
            with self.assertRaises(AccessError):
                Report.close([Report(report.id)])
            own = new_report(world, agency='b')
            self.assertEqual(Report.search([]), [own])
        with as_user(world['leader_a']):
            self.assertEqual(Report.search([]), [report])
        with as_user(world['specialist_a']):
            with self.assertRaises(AccessError):
                Report.search([])
            with self.assertRaises(AccessError):
                Report(report.id).to_xlsx()
        with as_user(world['auditor']):
            self.assertEqual(len(Report.search([])), 2)
            self.assertTrue(Report(report.id).to_xlsx())
            Report.export([Report(report.id)])
            self.assertTrue(Report(report.id).pdf)
            with self.assertRaises(AccessError):
                Report.write([Report(report.id)], {'year': 2025})
            with self.assertRaises(AccessButtonError):
                Report.close([Report(report.id)])
        self.assertEqual(Report(report.id).state, 'draft')
        # Last: a refused create leaves its row in this test's transaction
        # (an RPC call would roll it back).
        with as_user(leader_b):
            with self.assertRaises(AccessError):
                new_report(world, agency='a')
            with self.assertRaises(AccessError):
                new_report(world, scope='province', agency='province')
        with as_user(world['leader_a']):
            with self.assertRaises(AccessError):
                new_report(world, scope='province', agency='province')


del StatutoryTestCase
