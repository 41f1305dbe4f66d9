# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The accountant's bank statement import and its queue (R-FEE-2, R-AG-3).

The imports run as the accountant with the access checks of RPC (as_user),
as the wizard calls them."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_world, reload)
from gov_dossier.tests.tools import load_vietnamese

from ..statement_csv import normalize_code, parse, parse_amount
from .tools import SIMPLE, FeeTestCase, add_accountant, set_fees

MODULES = ('gov_agency', 'gov_procedure', 'gov_dossier', 'gov_fee')

MON = local(2025, 3, 3, 9, 0)
HEADER_VI = "Ngày giao dịch;Số tiền;Nội dung;Số tham chiếu;Người chuyển"
HEADER_EN = "Reference,Date,Amount,Memo,Payer,Balance"


def csv_file(*rows, header=HEADER_VI, separator=';'):
    return '\n'.join([header] + [separator.join(r) for r in rows]).encode(
        'utf-8')


class StatementTestCase(FeeTestCase):
    "R-FEE-2: bank transfers matched with their dossiers"

    def setUp(self):
        super().setUp()
        self.world = None

    def prepare(self):
        "The world, its accountants and the SIMPLE fees (50.000 + 20.000)."
        world = make_world()
        accountants = add_accountant(world)
        set_fees(world.procedure, SIMPLE)
        return world, accountants

    def import_(self, user, agency, data):
        StatementLine = Pool().get('gov.fee.statement.line')
        with at(MON), as_user(user):
            return StatementLine.import_file(agency, data)

    def lines(self):
        StatementLine = Pool().get('gov.fee.statement.line')
        return StatementLine.search([], order=[('id', 'ASC')])

    def test_parse_amounts_and_codes(self):
        "R-FEE-2: amounts with '.' or ',' separators; codes normalised"
        for text, value in [('50.000', 50000), ('50,000', 50000),
                ('1.234.567', 1234567), ('1 234 567', 1234567),
                ('1234567', 1234567), ('50.000 đ', 50000),
                ('1,234,567.00', 1234567), ('70000 VND', 70000),
                ('-50.000', -50000)]:
            self.assertEqual(parse_amount(text), Decimal(value), text)
        for text in ['abc', '50.00.0', '12,5', '1.234,56', '']:
            self.assertIsNone(parse_amount(text), text)
        self.assertEqual(normalize_code('000.30.21.H16-250303-0001'),
            '0003021H162503030001')
        self.assertIn(normalize_code('000.30.21.H16-250303-0001'),
            normalize_code("Nộp lệ phí hồ sơ 000 30 21 h16 250303-0001"))
        rows = parse(csv_file(
                ('REF1', '03/03/2025', '50.000', 'x', 'y', '1'),
                header=HEADER_EN, separator=','))
        self.assertEqual(rows[0]['row'], 2)
        self.assertEqual(rows[0]['amount'], Decimal(50000))
        self.assertEqual(rows[0]['reference'], 'REF1')
        self.assertEqual(rows[0]['payer'], 'y')

    @with_transaction()
    def test_import_matches_by_code_and_confirms_or_records(self):
        """R-FEE-2: a transfer naming a dossier's code (dots, dashes and
        diacritics or not) confirms its pending transfer order of that
        amount, or records a transfer; the memo may name the order"""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        world, accountants = self.prepare()
        ordered = self.submitted(world)
        plain = self.submitted(world)
        by_order = self.submitted(world)
        with at(MON):
            order = Payment.create_order(ordered, 'transfer')
            order_code = Payment.create_order(by_order, 'transfer')
        self.assertEqual(order.amount, Decimal(50000))
        data = csv_file(
            ('03/03/2025', '50.000',
                'NOP PHI HS %s' % ordered.code.replace('.', '').replace(
                    '-', '').lower(),
                'FT2506200001', 'NGUYEN THI LAN'),
            ('03/03/2025 10:15', '50,000',
                'Nộp lệ phí hồ sơ %s' % plain.code, 'FT2506200002',
                'Trần Văn Bình'),
            ('04/03/2025', '50000', 'thanh toan %s' % order_code.order_code,
                'FT2506200003', ''),
            )
        result = self.import_(accountants['accountant_a'],
            world['desk_a'], data)
        self.assertEqual(result['matched'], 3)
        self.assertEqual(result['unmatched'], 0)
        self.assertEqual(result['duplicates'], 0)
        first, second, third = self.lines()
        # The pending order is confirmed, not paid a second time.
        order = Payment(order.id)
        self.assertEqual(order.state, 'paid')
        self.assertEqual(order.provider_reference, 'FT2506200001')
        self.assertEqual(order.received_amount, Decimal(50000))
        self.assertTrue(order.receipt_number)
        self.assertEqual(order.payer_name, 'NGUYEN THI LAN')
        self.assertEqual((first.state, first.dossier, first.payment),
            ('matched', ordered, order))
        self.assertEqual(
            Payment.search([('dossier', '=', ordered.id)]), [order])
        # Without an order, a transfer is recorded with the bank's
        # reference, by the accountant.
        payment, = Payment.search([('dossier', '=', plain.id)])
        self.assertEqual((payment.method, payment.state, payment.amount),
            ('transfer', 'paid', Decimal(50000)))
        self.assertEqual(payment.provider_reference, 'FT2506200002')
        self.assertEqual(payment.payer_name, 'Trần Văn Bình')
        self.assertEqual(payment.received_by, accountants['accountant_a'])
        self.assertEqual((second.state, second.payment), ('matched', payment))
        self.assertEqual(str(second.date), '2025-03-03')
        # The memo naming the order code.
        self.assertEqual((third.state, third.dossier), ('matched', by_order))
        self.assertEqual(Payment(order_code.id).state, 'paid')
        for dossier in [ordered, plain, by_order]:
            self.assertEqual(reload(dossier).amount_paid, Decimal(50000))
            self.assertEqual(reload(dossier).payment_state, 'partially_paid')

    @with_transaction()
    def test_duplicate_reference_is_not_imported_twice(self):
        """R-FEE-2: a bank reference already imported is left out, in a
        second file or twice in the same file"""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        world, accountants = self.prepare()
        dossier = self.submitted(world)
        row = ('03/03/2025', '20.000', 'HS %s' % dossier.code, 'FT1', 'A')
        result = self.import_(accountants['accountant_a'], world['desk_a'],
            csv_file(row, row))
        self.assertEqual((result['matched'], result['duplicates']), (1, 1))
        result = self.import_(accountants['accountant_a'], world['desk_a'],
            csv_file(row, ('03/03/2025', '20.000', 'HS %s' % dossier.code,
                    'FT2', 'A')))
        self.assertEqual((result['matched'], result['duplicates']), (1, 1))
        self.assertEqual(len(self.lines()), 2)
        payments = Payment.search([('dossier', '=', dossier.id)])
        self.assertEqual(sorted(p.provider_reference for p in payments),
            ['FT1', 'FT2'])
        self.assertEqual(reload(dossier).amount_paid, Decimal(40000))

    @with_transaction()
    def test_unmatched_row_queued_then_assigned_by_hand(self):
        """R-FEE-2: a memo without a known code, or an amount above what is
        due, waits in the queue with the reason; the accountant assigns it
        to a dossier (a transfer is recorded) or ignores it with a reason"""
        pool = Pool()
        StatementLine = pool.get('gov.fee.statement.line')
        Payment = pool.get('gov.fee.payment')
        world, accountants = self.prepare()
        load_vietnamese(MODULES)
        dossier = self.submitted(world)
        other_b = self.submitted(world, agency='desk_b')
        accountant = accountants['accountant_a']
        # The reasons are written in the accountant's language.
        with Transaction().set_context(language='vi'):
            result = self.import_(accountant, world['desk_a'], csv_file(
                    ('03/03/2025', '50.000', 'chuyen tien nop phi', 'FT1',
                        'LE VAN C'),
                    ('03/03/2025', '100.000', 'HS %s' % dossier.code, 'FT2',
                        ''),
                    # A dossier of another agency is not the account's.
                    ('03/03/2025', '50.000', 'HS %s' % other_b.code, 'FT3',
                        ''),
                    ('03/03/2025', '10.000', 'lai tien gui', 'FT4', ''),
                    ))
        self.assertEqual((result['matched'], result['unmatched']), (0, 4))
        no_code, too_much, other, interest = self.lines()
        self.assertIn("không có mã hồ sơ", no_code.match_note)
        self.assertEqual(too_much.dossier, dossier)
        self.assertIn("70.000 đ", too_much.match_note)
        self.assertIsNone(other.dossier)
        self.assertEqual(Payment.search([]), [])
        with as_user(accountant):
            queue = StatementLine.search([('state', '=', 'unmatched')])
            self.assertEqual(len(queue), 4)
            # Nothing else than the dossier and the reason is changed.
            with self.assertRaises(AccessError):
                StatementLine.write([no_code], {'amount': Decimal(1)})
            # Assign needs a dossier.
            with self.assertRaises(UserError):
                StatementLine.assign([no_code])
            StatementLine.write([no_code], {'dossier': dossier.id})
            StatementLine.assign([no_code])
            # A dossier of another agency is refused.
            StatementLine.write([other], {'dossier': other_b.id})
            with self.assertRaises(UserError):
                StatementLine.assign([StatementLine(other.id)])
            # More than what is due is refused.
            with self.assertRaises(UserError):
                StatementLine.assign([StatementLine(too_much.id)])
            # Ignoring needs a reason.
            with self.assertRaises(UserError):
                StatementLine.ignore([interest])
            StatementLine.write([interest], {
                    'ignore_reason': "Lãi tiền gửi, không phải phí"})
            StatementLine.ignore([interest])
            # A line out of the queue no longer changes.
            with self.assertRaises(AccessError):
                StatementLine.write([interest], {'ignore_reason': "x"})
        no_code = StatementLine(no_code.id)
        self.assertEqual(no_code.state, 'matched')
        payment = no_code.payment
        self.assertEqual((payment.dossier, payment.method, payment.amount,
                payment.provider_reference, payment.payer_name),
            (dossier, 'transfer', Decimal(50000), 'FT1', 'LE VAN C'))
        self.assertEqual(StatementLine(interest.id).state, 'ignored')
        self.assertEqual(StatementLine(too_much.id).state, 'unmatched')
        with as_user(accountant):
            self.assertEqual(
                set(StatementLine.search([('state', '=', 'unmatched')])),
                {StatementLine(other.id), StatementLine(too_much.id)})
        self.assertEqual(reload(other_b).amount_paid, Decimal(0))

    @with_transaction()
    def test_malformed_file_imports_nothing(self):
        """R-FEE-2: a wrong file or row stops the import with a Vietnamese
        message naming the row; nothing of the file is imported"""
        pool = Pool()
        Payment = pool.get('gov.fee.payment')
        world, accountants = self.prepare()
        load_vietnamese(MODULES)
        dossier = self.submitted(world)
        good = ('03/03/2025', '50.000', 'HS %s' % dossier.code, 'FT1', '')
        cases = [
            (csv_file(good, ('31/02/2025', '10.000', 'x', 'FT2', '')),
                'Dòng 3 của tệp sao kê: ngày "31/02/2025"'),
            (csv_file(good, ('2025-03-03', '10.000', 'x', 'FT2', '')),
                'Dòng 3 của tệp sao kê: ngày "2025-03-03"'),
            (csv_file(good, good[:3] + ('FT3', ''),
                    ('03/03/2025', 'mười nghìn', 'x', 'FT2', '')),
                'Dòng 4 của tệp sao kê: số tiền "mười nghìn"'),
            (csv_file(good, ('03/03/2025', '-10.000', 'x', 'FT2', '')),
                'Dòng 3 của tệp sao kê: số tiền "-10.000" phải lớn hơn 0'),
            (csv_file(good, ('03/03/2025', '0', 'x', 'FT2', '')),
                'Dòng 3 của tệp sao kê: số tiền "0" phải lớn hơn 0'),
            (csv_file(good, ('03/03/2025', '10.000', 'x', '', '')),
                'Dòng 3 của tệp sao kê không có số tham chiếu'),
            (csv_file(good, ('03/03/2025', '10.000')),
                'Dòng 3 của tệp sao kê có 2 cột'),
            (csv_file(good, header="Ngày;Số tiền;Nội dung;Người chuyển"),
                'Tệp sao kê không có cột "Số tham chiếu"'),
            (b'', 'Tệp sao kê trống'),
            (csv_file(), 'không có giao dịch nào'),
            ('Ngày;Số tiền\n'.encode('utf-16'), 'không phải văn bản UTF-8'),
            ]
        for data, message in cases:
            with self.subTest(message=message):
                with Transaction().set_context(language='vi'):
                    with self.assertRaises(UserError) as context:
                        self.import_(accountants['accountant_a'],
                            world['desk_a'], data)
                self.assertIn(message, context.exception.message)
                self.assertEqual(self.lines(), [])
                self.assertEqual(Payment.search([]), [])
        self.assertEqual(reload(dossier).amount_paid, Decimal(0))

    @with_transaction()
    def test_accountant_reads_the_lines_of_its_agencies_only(self):
        """R-AG-3, R-FEE-2: the accountant of agency A cannot read agency
        B's statement lines; other officers read none; the auditor reads
        them all and changes none"""
        StatementLine = Pool().get('gov.fee.statement.line')
        world, accountants = self.prepare()
        self.import_(accountants['accountant_a'], world['desk_a'],
            csv_file(('03/03/2025', '10.000', 'x', 'FTA', '')))
        self.import_(accountants['accountant_b'], world['desk_b'],
            csv_file(('03/03/2025', '10.000', 'x', 'FTB', '')))
        line_a, line_b = self.lines()
        for login, user in accountants.items():
            own, other = ((line_a, line_b) if login == 'accountant_a'
                else (line_b, line_a))
            with as_user(user):
                self.assertEqual(StatementLine.search([]), [own], login)
                with self.assertRaises(AccessError):
                    StatementLine.read([other.id], ['amount'])
                with self.assertRaises(AccessError):
                    StatementLine.write([StatementLine(other.id)],
                        {'ignore_reason': "x"})
        for login in ['receiver_a', 'specialist_a', 'head_a', 'leader_a',
                'postal', 'admin_p', 'ict', 'nobody']:
            with as_user(world[login]):
                with self.assertRaises(AccessError, msg=login):
                    StatementLine.search([])
                with self.assertRaises(AccessError, msg=login):
                    StatementLine.read([line_a.id], ['amount'])
        with as_user(world['auditor']):
            self.assertEqual(
                StatementLine.search([], order=[('id', 'ASC')]),
                [line_a, line_b])
            with self.assertRaises(AccessError):
                StatementLine.write([StatementLine(line_a.id)],
                    {'ignore_reason': "x"})

    @with_transaction()
    def test_officer_without_the_role_cannot_import(self):
        """R-AG-3, R-FEE-2: only an accountant imports a statement, for its
        own agencies; the wizard is refused to the other officers"""
        pool = Pool()
        StatementLine = pool.get('gov.fee.statement.line')
        ImportStatement = pool.get(
            'gov.fee.statement.import', type='wizard')
        world, accountants = self.prepare()
        dossier = self.submitted(world)
        data = csv_file(
            ('03/03/2025', '50.000', 'HS %s' % dossier.code, 'FT1', ''))
        for login in ['receiver_a', 'leader_a', 'auditor', 'admin_p']:
            with self.subTest(login=login):
                with self.assertRaises(AccessError):
                    self.import_(world[login], world['desk_a'], data)
                with as_user(world[login]), self.assertRaises(AccessError):
                    ImportStatement.check_access()
        with self.assertRaises(AccessError):
            self.import_(accountants['accountant_b'], world['desk_a'], data)
        self.assertEqual(self.lines(), [])
        self.assertEqual(reload(dossier).amount_paid, Decimal(0))
        # The accountant runs the wizard through.
        with at(MON), as_user(accountants['accountant_a']):
            ImportStatement.check_access()
            session_id, _, _ = ImportStatement.create()
            ImportStatement.execute(session_id, {}, 'start')
            result = ImportStatement.execute(session_id, {
                    'start': {
                        'agency': world['desk_a'].id,
                        'file': data,
                        'file_name': 'saoke.csv',
                        'agencies': [],
                        },
                    }, 'import_')
            self.assertEqual(result['view']['defaults']['matched'], 1)
            ImportStatement.delete(session_id)
        line, = StatementLine.search([])
        self.assertEqual(line.state, 'matched')
        self.assertEqual(reload(dossier).amount_paid, Decimal(50000))
