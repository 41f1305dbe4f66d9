# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The accountant's reconciliation of an agency's fees (R-FEE-2, R-FEE-3)
and its two exports, read back."""
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_agency.l10n import group_digits
from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_world, reload)
from gov_dossier.tests.tools import dump, load_vietnamese, pdf_text

from ..reconciliation import LABELS
from .tools import SIMPLE, FeeTestCase, add_accountant, set_fees

MON = local(2025, 3, 3, 9, 0)
TUE = local(2025, 3, 4, 9, 0)
MODULES = ('gov_agency', 'gov_procedure', 'gov_dossier', 'gov_fee')
NS = {'x': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}


def read_xlsx(data):
    """{sheet name: [[cell values]]} of an XLSX file, from its XML (shared
    strings resolved, numbers as Decimal)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    strings = [''.join(t.text or '' for t in si.iter(f"{{{NS['x']}}}t"))
        for si in ElementTree.fromstring(
            archive.read('xl/sharedStrings.xml')).findall('x:si', NS)]
    workbook = ElementTree.fromstring(archive.read('xl/workbook.xml'))
    names = [s.get('name') for s in workbook.find('x:sheets', NS)]
    result = {}
    for index, name in enumerate(names, 1):
        sheet = ElementTree.fromstring(
            archive.read(f'xl/worksheets/sheet{index}.xml'))
        rows = []
        for row in sheet.iter(f"{{{NS['x']}}}row"):
            # Empty rows are not written: place each at its number.
            rows.extend([] for _ in range(int(row.get('r')) - 1 - len(rows)))
            cells = {}
            for cell in row.findall('x:c', NS):
                column = re.match(r'[A-Z]+', cell.get('r')).group()
                value = cell.find('x:v', NS)
                if value is None:
                    continue
                if cell.get('t') == 's':
                    cells[column] = strings[int(value.text)]
                else:
                    cells[column] = Decimal(value.text)
            width = max((ord(c) - 64 for c in cells), default=0)
            rows.append([cells.get(chr(65 + i)) for i in range(width)])
        result[name] = rows
    return result


class ReconciliationTestCase(FeeTestCase):
    "R-FEE-2: the daily reconciliation of an agency"

    def day_of_payments(self, world, accountants):
        """On Monday at DESK-A: two desk payments, one collected by the
        post office, a transfer from the bank statement, an online payment,
        a refund approved and paid, an unmatched transfer; on Tuesday a desk
        payment, and one at DESK-B: both out of the figures."""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        Dossier = pool.get('gov.dossier')
        Refund = pool.get('gov.fee.refund')
        StatementLine = pool.get('gov.fee.statement.line')
        dossiers = [self.submitted(world) for _ in range(5)]
        desk, postal, transfer, online, refused = dossiers
        with at(MON):
            Payment.record(desk, 'desk', Decimal(70000))
            Payment.record(postal, 'postal', Decimal(50000))
            order = Payment.create_order(online, 'online')
            Payment.confirm(order, Decimal(50000), 'VND', 'GW-1')
            Payment.record(refused, 'desk', Decimal(50000))
            Dossier.reject([refused], reason="Hồ sơ không đủ điều kiện")
            refunds = list(reload(refused).refunds)
            Refund.approve(refunds)
            Refund.pay(refunds)
            with as_user(accountants['accountant_a']):
                StatementLine.import_file(world['desk_a'], '\n'.join([
                            "Ngày;Số tiền;Nội dung;Số tham chiếu",
                            f"03/03/2025;50.000;HS {transfer.code};FT1",
                            "03/03/2025;15.000;khong ro noi dung;FT2",
                            ]).encode('utf-8'))
        later = self.submitted(world, moment=TUE)
        with at(TUE):
            Payment.record(later, 'desk', Decimal(50000))
        other = self.submitted(world, agency='desk_b')
        with at(MON):
            Payment.record(other, 'desk', Decimal(50000))
        return dossiers

    @with_transaction()
    def test_totals_equal_the_payments_and_both_exports_agree(self):
        """R-FEE-2, R-FEE-3: the totals per channel are the sums of the
        payments of the day; the XLSX and the PDF carry the same figures"""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        Reconciliation = pool.get('gov.fee.reconciliation')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        load_vietnamese(MODULES)
        self.day_of_payments(world, accountants)
        day = MON.date()
        with as_user(accountants['accountant_a']):
            figures = Reconciliation.compute(world['desk_a'], day, day)
        paid = Payment.search([
                ('agency', '=', world['desk_a'].id),
                ('state', '=', 'paid'),
                ('paid_date', '>=', local(2025, 3, 3, 0, 0)),
                ('paid_date', '<', local(2025, 3, 4, 0, 0)),
                ])
        by_channel = {c['method']: c for c in figures['channels']}
        self.assertEqual(list(by_channel),
            ['desk', 'postal', 'transfer', 'online'])
        for method, channel in by_channel.items():
            payments = [p for p in paid if p.method == method]
            self.assertEqual(channel['count'], len(payments), method)
            self.assertEqual(channel['amount'],
                sum(p.amount for p in payments), method)
        self.assertEqual(
            [(c['count'], c['amount']) for c in figures['channels']],
            [(2, Decimal(120000)), (1, Decimal(50000)), (1, Decimal(50000)),
                (1, Decimal(50000))])
        self.assertEqual(figures['received'],
            {'count': 5, 'amount': Decimal(270000)})
        self.assertEqual(figures['received']['amount'],
            sum(p.amount for p in paid))
        # 5 dossiers came in on Monday, each owing 70.000.
        self.assertEqual(figures['expected'],
            {'count': 5, 'amount': Decimal(350000)})
        self.assertEqual(figures['expected_before']['amount'],
            Decimal(250000))
        self.assertEqual(figures['refunds_approved'],
            {'count': 1, 'amount': Decimal(50000)})
        self.assertEqual(figures['refunds_paid'],
            {'count': 1, 'amount': Decimal(50000)})
        self.assertEqual(figures['unmatched'],
            {'count': 1, 'amount': Decimal(15000)})
        self.assertEqual(figures['net'], Decimal(220000))
        self.assertEqual(figures['difference'], Decimal(-130000))
        self.assertEqual(len(figures['payments']), 5)
        # Tuesday alone.
        with as_user(accountants['accountant_a']):
            tuesday = Reconciliation.compute(
                world['desk_a'], TUE.date(), TUE.date())
        self.assertEqual(tuesday['received'],
            {'count': 1, 'amount': Decimal(50000)})
        self.assertEqual(tuesday['unmatched']['count'], 0)

        rows = Reconciliation.rows(figures)
        xlsx = Reconciliation.to_xlsx(figures)
        dump('reconciliation.xlsx', xlsx)
        sheets = read_xlsx(xlsx)
        summary = sheets[LABELS['summary']]
        self.assertEqual(summary[0][0], LABELS['title'])
        written = {row[0]: (row[1], row[2]) for row in summary[5:]}
        self.assertEqual(len(written), len(rows))
        for label, count, amount in rows:
            self.assertEqual(written[label],
                (None if count is None else Decimal(count), amount), label)
        channel_row = f"{LABELS['received']}: Chuyển khoản"
        self.assertEqual(written[channel_row], (1, Decimal(50000)))
        detail = sheets[LABELS['payments']]
        self.assertEqual(len(detail), 1 + 5)
        self.assertEqual(sum(r[4] for r in detail[1:]), Decimal(270000))
        self.assertEqual({r[0] for r in detail[1:]},
            {p.receipt_number for p in paid})

        pdf = Reconciliation.to_pdf(figures)
        dump('reconciliation.pdf', pdf)
        text = pdf_text(pdf)
        self.assertIn(LABELS['title'], text)
        self.assertIn("Bộ phận Một cửa A", text)
        self.assertIn("03/03/2025 – 03/03/2025", text)
        for label, count, amount in rows:
            count = '' if count is None else f'{count} '
            self.assertIn(f"{label} {count}{group_digits(amount)}", text,
                label)
        for payment in paid:
            self.assertIn(payment.receipt_number, text)

    @with_transaction()
    def test_wizard_exports_and_access(self):
        """R-FEE-2, R-AG-3: the wizard gives both files to the accountant
        of the agency; the accountant of another agency is refused, the
        auditor reads every agency"""
        pool = Pool()
        Reconciliation = pool.get('gov.fee.reconciliation')
        Reconcile = pool.get('gov.fee.reconcile', type='wizard')
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        self.day_of_payments(world, accountants)
        day = MON.date()
        with as_user(accountants['accountant_b']):
            with self.assertRaises(AccessError):
                Reconciliation.compute(world['desk_a'], day, day)
        for login in ['receiver_a', 'specialist_a']:
            with as_user(world[login]), self.assertRaises(AccessError):
                Reconcile.check_access()
        with as_user(world['auditor']):
            figures = Reconciliation.compute(world['desk_a'], day, day)
        self.assertEqual(figures['received']['amount'], Decimal(270000))
        with at(MON), as_user(accountants['accountant_a']):
            Reconcile.check_access()
            session_id, _, _ = Reconcile.create()
            start = Reconcile.execute(session_id, {}, 'start')
            self.assertEqual(start['view']['defaults']['start_date'], day)
            result = Reconcile.execute(session_id, {
                    'start': {
                        'agency': world['desk_a'].id,
                        'start_date': day,
                        'end_date': day,
                        'agencies': [],
                        },
                    }, 'compute')
            Reconcile.delete(session_id)
        values = result['view']['defaults']
        self.assertEqual(values['received'], Decimal(270000))
        self.assertEqual(values['difference'], Decimal(-130000))
        self.assertTrue(values['xlsx_name'].endswith('.xlsx'))
        self.assertTrue(values['pdf'].startswith(b'%PDF'))
        sheets = read_xlsx(values['xlsx'])
        self.assertIn(LABELS['payments'], sheets)
