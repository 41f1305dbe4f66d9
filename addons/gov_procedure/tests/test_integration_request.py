# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Online service requests (R-CAT-5, R-CAT-8): legal deadlines in working
days of the province's calendar (data/holidays.csv), the state machine, the
overdue tab, access from the attacker's side and the printed form."""
import csv
import datetime as dt
import io
import unittest
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from trytond.model.exceptions import (
    AccessButtonError, AccessError, RequiredValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from ..integration_request import IntegrationRequestError

ROOT = Path(__file__).resolve().parents[3]
D = dt.date


def local(*args):
    "A local (UTC+7) wall-clock time as the naive UTC datetime stored."
    return dt.datetime(*args) - dt.timedelta(hours=7)


def load_holidays():
    "The province's calendar as the demo loads it (data/holidays.csv)."
    Holiday = Pool().get('gov.holiday')
    with open(ROOT / 'data' / 'holidays.csv', encoding='utf-8') as f:
        rows = [r for r in csv.reader(
                line for line in f if not line.startswith('#')) if r]
    Holiday.create([{'date': D.fromisoformat(r[0]), 'name': r[1],
                'kind': r[2]} for r in rows if r[0][:1].isdigit()])


@contextmanager
def at(moment):
    "Freeze the requests' clock at moment (naive UTC)."
    Request = Pool().get('gov.procedure.integration_request')
    with patch.object(Request, '_now', classmethod(lambda cls: moment)):
        yield


@contextmanager
def as_user(user):
    "Act as a real user through the access checks, as RPC does."
    with Transaction().set_user(user.id), check_access():
        yield


def make_world():
    """Province (the provincial office) → agencies A and B; an officer of
    each, the office's administrator, the ICT department, an auditor."""
    pool = Pool()
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    kind, = Kind.search([('code', '=', 'district_committee')])
    province = Agency(name="UBND tỉnh", code='000.00.00.H', kind=kind)
    province.save()
    a = Agency(name="Sở Tư pháp", code='000.00.01.H', kind=kind,
        parent=province)
    b = Agency(name="Sở Xây dựng", code='000.00.02.H', kind=kind,
        parent=province)
    Agency.save([a, b])
    users = {}
    for login, groups in [
            ('officer_a', ['group_specialist']),
            ('officer_b', ['group_receiver']),
            ('quantri', ['group_admin']),
            ('sotttt', ['group_ict_admin']),
            ('kiemtra', ['group_auditor']),
            ]:
        users[login] = User(login=login, name=login, groups=[
                ModelData.get_id('gov_agency', g) for g in groups])
    User.save(list(users.values()))
    Officer.create([
            {'user': users['officer_a'].id, 'agency': a.id},
            {'user': users['officer_b'].id, 'agency': b.id},
            {'user': users['quantri'].id, 'agency': province.id},
            {'user': users['sotttt'].id, 'agency': province.id},
            {'user': users['kiemtra'].id, 'agency': province.id},
            ])
    return {'a': a, 'b': b}, users


def new_request(agency, kind='integrate', **values):
    Request = Pool().get('gov.procedure.integration_request')
    # create, not save: save() skips the access checks.
    request, = Request.create([dict(kind=kind, agency=agency.id,
                service_name="Đăng ký khai sinh trực tuyến",
                requester_name="Nguyễn Văn A", **values)])
    return request


class IntegrationRequestTestCase(unittest.TestCase):
    "R-CAT-5, R-CAT-8: online service requests with legal deadlines"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    # ------------------------------------------------------------ deadlines
    @with_transaction()
    def test_integration_deadlines_across_tet(self):
        """R-CAT-5, R-AG-3: filed the Friday before Tết 2026 (16–20/02), the
        office integrates within 5 working days (Điều 7.4.b), the agency
        tests within 7 (Điều 7.4.c) and announces within 7 (Điều 7.4.d);
        each answers only its own part, at its step"""
        load_holidays()
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        with as_user(users['officer_a']):
            request = new_request(agencies['a'])
            self.assertTrue(request.code.startswith('YC-'))
            with at(local(2026, 2, 13, 9)):
                Request.submit([request])
        self.assertEqual(request.state, 'submitted')
        # 23–27/02 after the Tết week; 20/02 without the holidays.
        self.assertEqual(request.due_date, D(2026, 2, 27))
        with as_user(users['officer_a']):
            # The answer is the office's; the request is no longer a draft.
            for values in [{'integration_answer': "Tự trả lời."},
                    {'service_name': "Tên khác"}]:
                with self.assertRaises(IntegrationRequestError):
                    Request.write([Request(request.id)], values)
        with as_user(users['quantri']), at(local(2026, 2, 13, 10)):
            Request.write([Request(request.id)],
                {'integration_answer': "Đã tích hợp lên Cổng."})
            Request.integrate([Request(request.id)])
        self.assertEqual(request.state, 'integrated')
        self.assertEqual(request.due_date, D(2026, 3, 3))
        with as_user(users['officer_a']):
            Request.write([Request(request.id)],
                {'test_answer': "Dịch vụ hoạt động ổn định."})
            with at(local(2026, 4, 28, 9)):
                Request.confirm([Request(request.id)])
        # 29/04, then 30/04–01/05 holidays and the weekend: 04–08/05, 11/05.
        self.assertEqual(request.due_date, D(2026, 5, 11))
        with as_user(users['officer_a']):
            Request.write([Request(request.id)],
                {'announcement': "Công văn thông báo số 12."})
            with at(local(2026, 5, 6, 9)):
                Request.announce([Request(request.id)])
        self.assertEqual(request.state, 'announced')
        self.assertIsNone(request.due_date)
        self.assertEqual(
            [(h.from_state, h.to_state, h.user.login)
                for h in request.history],
            [('draft', 'submitted', 'officer_a'),
                ('submitted', 'integrated', 'quantri'),
                ('integrated', 'confirmed', 'officer_a'),
                ('confirmed', 'announced', 'officer_a')])
        self.assertEqual(request.history[0].date, local(2026, 2, 13, 9))

    @with_transaction()
    def test_cancellation_deadlines_across_30_4(self):
        """R-CAT-5, R-CAT-8: the cancellation is filed within 7 working
        days of the procedure's abolition and the office removes the
        service within 2 working days (Điều 8.3.b), across 27/04 (day off
        for Giỗ Tổ) and 30/04–01/05/2026"""
        load_holidays()
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        with as_user(users['officer_a']):
            request = new_request(agencies['a'], kind='cancel',
                abolished_date=D(2026, 4, 24))
            self.assertEqual(request.due_date, D(2026, 5, 8))
            with at(local(2026, 4, 29, 10)):
                Request.submit([request])
        self.assertEqual(request.due_date, D(2026, 5, 5))
        with as_user(users['quantri']), at(local(2026, 5, 5, 16)):
            # Not an integration: the office closes it once removed.
            with self.assertRaises(AccessButtonError):
                Request.integrate([Request(request.id)])
            Request.resolve([Request(request.id)])
        request = Request(request.id)
        self.assertEqual(request.state, 'done')
        self.assertIsNone(request.due_date)

    @with_transaction()
    def test_cancellation_needs_abolition_date(self):
        "R-CAT-8: the deadline counts from the abolition, so it is required"
        agencies, users = make_world()
        with self.assertRaises(RequiredValidationError):
            new_request(agencies['a'], kind='cancel')

    @with_transaction()
    def test_error_reported_same_day(self):
        """R-CAT-5: an error is reported the day it is found (Điều 8.3.a,
        Phụ lục IV), even a Saturday of Tết; a draft left unsent is
        overdue the day after"""
        load_holidays()
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        request = new_request(agencies['a'], kind='error',
            error_date=D(2026, 2, 14), description="Không nộp được hồ sơ.")
        self.assertEqual(request.due_date, D(2026, 2, 14))
        with at(local(2026, 2, 14, 20)):
            self.assertFalse(Request(request.id).overdue)
        with at(local(2026, 2, 15, 8)):
            self.assertTrue(Request(request.id).overdue)
            self.assertEqual(
                Request.search([('overdue', '=', True)]), [request])
            Request.submit([request])
            self.assertFalse(Request(request.id).overdue)

    # -------------------------------------------------------- state machine
    @with_transaction()
    def test_state_machine(self):
        """R-CAT-5: the office returns software that does not meet the
        requirements (Điều 7.4.b); the agency submits again; each step
        needs its answer; a submitted request is not deleted"""
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        request = new_request(agencies['a'])
        with at(local(2025, 3, 3, 9)):
            Request.submit([request])
        with self.assertRaises(IntegrationRequestError):
            Request.integrate([request])
        Request.write([request], {'integration_answer': "Thiếu chữ ký số."})
        with at(local(2025, 3, 5, 9)):
            Request.return_([request])
        self.assertEqual(request.state, 'returned')
        self.assertIsNone(request.due_date)
        # The answer is the office's; the agency fixes its software.
        with at(local(2025, 3, 10, 9)):
            Request.submit([request])
        self.assertEqual(request.due_date, D(2025, 3, 17))
        # Confirm before integration does nothing.
        Request.confirm([request])
        self.assertEqual(request.state, 'submitted')
        with self.assertRaises(IntegrationRequestError):
            Request.delete([request])
        draft = new_request(agencies['a'])
        Request.withdraw([draft])
        self.assertEqual(draft.state, 'withdrawn')
        self.assertEqual(
            [h.to_state for h in request.history],
            ['submitted', 'returned', 'submitted'])

    @with_transaction()
    def test_overdue_filter(self):
        """R-CAT-5: the Overdue tab lists the open requests past the
        deadline of their current step, only those"""
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        late = new_request(agencies['a'])
        on_time = new_request(agencies['a'])
        closed = new_request(agencies['a'], kind='cancel',
            abolished_date=D(2025, 3, 3))
        with at(local(2025, 3, 3, 9)):
            Request.submit([late, closed])
        Request.resolve([closed])
        with at(local(2025, 3, 7, 9)):
            Request.submit([on_time])
        # Due 10/03 for late, 14/03 for on_time.
        with at(local(2025, 3, 11, 9)):
            self.assertEqual(
                Request.search([('overdue', '=', True)]), [late])
            self.assertEqual(
                set(Request.search([('overdue', '=', False)])),
                {on_time, closed})
            self.assertTrue(Request(late.id).overdue)

    # --------------------------------------------------------------- access
    @with_transaction()
    def test_other_agency_cannot_read_or_file(self):
        """R-CAT-5, R-AG-3: an officer of agency B neither reads agency A's
        requests nor files one in A's name; the provincial office sees all"""
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        with as_user(users['officer_a']):
            request = new_request(agencies['a'])
        with as_user(users['officer_b']):
            self.assertEqual(Request.search([]), [])
            with self.assertRaises(AccessError):
                Request.read([request.id], ['service_name'])
            with self.assertRaises(AccessError):
                Request.write([Request(request.id)], {'service_name': 'x'})
            with self.assertRaises(AccessError):
                new_request(agencies['a'])
            with self.assertRaises(AccessError):
                Request.submit([Request(request.id)])
            mine = new_request(agencies['b'])
            self.assertEqual(Request.search([]), [mine])
        # (The refused creation stays in this test's transaction; RPC
        # would roll it back.)
        for login in ['quantri', 'sotttt']:
            with as_user(users[login]):
                self.assertLessEqual({request, mine}, set(Request.search([])))

    @with_transaction()
    def test_read_only_roles(self):
        """R-CAT-5, R-AG-3: the auditor and the ICT department read every
        request but change none; an agency's officer cannot integrate"""
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        with as_user(users['officer_a']):
            request = new_request(agencies['a'])
            with at(local(2025, 3, 3, 9)):
                Request.submit([request])
            with self.assertRaises(AccessButtonError):
                Request.integrate([Request(request.id)])
        for login in ['kiemtra', 'sotttt']:
            with as_user(users[login]):
                self.assertEqual(Request.search([]), [request])
                with self.assertRaises(AccessError):
                    Request.write([Request(request.id)],
                        {'integration_answer': 'x'})
                with self.assertRaises(AccessError):
                    new_request(agencies['a'])
                with self.assertRaises(AccessButtonError):
                    Request.resolve([Request(request.id)])
        History = Pool().get('gov.procedure.integration_request.history')
        with self.assertRaises(IntegrationRequestError):
            History.write(list(request.history), {'to_state': 'done'})

    # ---------------------------------------------------------------- print
    @with_transaction()
    def test_print_pdf(self):
        """R-CAT-5: the printed request (Phụ lục I) is a PDF with its code,
        the agency and the answers given"""
        import pypdf
        agencies, users = make_world()
        Request = Pool().get('gov.procedure.integration_request')
        Report = Pool().get(
            'gov.procedure.integration_request.report', type='report')
        with as_user(users['officer_a']):
            request = new_request(agencies['a'], developer="VNPT Đắk Nông",
                package_url='https://example.org/goi.zip')
            with at(local(2025, 3, 3, 9)):
                Request.submit([request])
            ext, content, _, name = Report.execute([request.id], {})
        self.assertEqual(ext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        reader = pypdf.PdfReader(io.BytesIO(content))
        text = ' '.join(' '.join(
                page.extract_text() for page in reader.pages).split())
        self.assertIn(request.code, text)
        self.assertIn('PHIẾU YÊU CẦU', text)
        self.assertIn('Sở Tư pháp'.upper(), text)
        self.assertIn('VNPT Đắk Nông', text)
        self.assertIn('10/03/2025', text)
