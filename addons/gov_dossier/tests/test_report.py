# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Printed documents of a dossier (R-PROC-5, R-SUB-5, R-FEE-1, R-PROC-4)."""
import datetime as dt
import unittest
import urllib.parse
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..exceptions import DossierWorkflowError
from ..report import (
    amount_in_words, format_amount, format_date, format_days, format_time,
    long_date, lookup_url)
from .dossier_fixtures import (
    CITIZEN_ID_B, as_user, at, local, make_agencies, make_dossier,
    make_procedure, make_users, World, reload)
from .tools import (
    configured, decode_qr, dump, load_vietnamese, pdf_pages, pdf_text,
    pdf_to_images)

A4 = (595, 842)  # points


class FormatTestCase(unittest.TestCase):
    "R-FEE-1, R-L10N-1: amounts in figures and in Vietnamese words, dates"

    def test_amount_in_words(self):
        "R-FEE-1: amounts in Vietnamese words as on official receipts"
        cases = {
            0: "Không đồng",
            5: "Năm đồng",
            15: "Mười lăm đồng",
            21: "Hai mươi mốt đồng",
            24: "Hai mươi tư đồng",
            105: "Một trăm lẻ năm đồng",
            1005: "Một nghìn không trăm lẻ năm đồng",
            50000: "Năm mươi nghìn đồng",
            150000: "Một trăm năm mươi nghìn đồng",
            1050000: "Một triệu không trăm năm mươi nghìn đồng",
            1234567: "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu "
            "mươi bảy đồng",
            2000500: "Hai triệu năm trăm đồng",
            1000000005: "Một tỷ không trăm lẻ năm đồng",
            }
        for amount, words in cases.items():
            with self.subTest(amount=amount):
                self.assertEqual(amount_in_words(Decimal(amount)), words)

    def test_figures_and_dates(self):
        "R-L10N-1: 1.234.567 đồng, dd/mm/yyyy"
        self.assertEqual(format_amount(Decimal('1234567')), "1.234.567 đồng")
        self.assertEqual(format_amount(0), "0 đồng")
        self.assertEqual(format_date(dt.date(2025, 3, 7)), '07/03/2025')
        self.assertEqual(format_time(dt.datetime(2025, 3, 7, 14, 5)),
            "14 giờ 05 phút, ngày 07/03/2025")
        self.assertEqual(long_date(dt.date(2025, 3, 7)),
            "Đắk Nông, ngày 07 tháng 03 năm 2025")
        self.assertEqual(format_days(Decimal('5.0')), '5')
        self.assertEqual(format_days(Decimal('0.5')), '0,5')

    def test_lookup_url(self):
        "R-SUB-5: the QR payload is the portal's lookup URL with the token"
        with configured(portal_url='https://dichvucong.daknong.gov.vn/'):
            self.assertEqual(lookup_url('000.30.21.H16-250303-0001', 'aB_-9'),
                'https://dichvucong.daknong.gov.vn/tra-cuu/'
                '000.30.21.H16-250303-0001?t=aB_-9')
        with configured(portal_url=None):
            self.assertTrue(lookup_url('X', 'T').startswith(
                    'http://127.0.0.1:8000/tra-cuu/X?t='))


def make_report_world():
    """The fixtures' world with a fee schedule on the procedure, and the
    Vietnamese catalogues the forms are read in."""
    load_vietnamese()
    pool = Pool()
    Fee = pool.get('gov.procedure.fee')
    Procedure = pool.get('gov.procedure')
    Agency = pool.get('gov.agency')
    agencies = make_agencies()
    Agency.write([agencies['desk_a']], {
            'name': "Bộ phận Tiếp nhận và Trả kết quả huyện Đắk Glong",
            'address': "Thôn 1, xã Quảng Khê, huyện Đắk Glong",
            'phone': '0261 3888 999',
            })
    Agency.write([agencies['a']], {'name': "Ủy ban nhân dân huyện Đắk Glong"})
    users = make_users(agencies)
    procedure = make_procedure(agencies, publish=False)
    Fee.create([{
                'procedure': procedure.id, 'kind': 'charge',
                'condition': "cấp mới", 'amount': Decimal(1234567),
                'payment_time': 'before',
                }, {
                'procedure': procedure.id, 'kind': 'fee',
                'condition': "gia hạn", 'amount': Decimal(50000),
                'conditional': True, 'payment_time': 'on_collection',
                }])
    Procedure.publish([procedure])
    return World(agencies, users, Procedure(procedure.id))


def execute(report_name, dossier, user=None):
    Report = Pool().get(report_name, type='report')
    if user is None:
        result = Report.execute([dossier.id], {})
    else:
        with as_user(user):
            result = Report.execute([dossier.id], {})
    dump(f'{report_name}.{result[0]}', result[1])
    return result


class ReportTestCase(unittest.TestCase):
    "R-PROC-5: the dossier's documents, Vietnamese, A4, PDF"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_dossier')

    def postal_dossier(self, world):
        """A dossier the post office submitted for the applicant, with the
        components, fee and address of the demo construction permit."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Fee = pool.get('gov.procedure.fee')
        Procedure = pool.get('gov.procedure')
        procedure = make_procedure(world.agencies, code='XD', publish=False,
            components=[
                ("Đơn đề nghị cấp giấy phép xây dựng theo Mẫu số 01 Phụ "
                    "lục II Nghị định 15/2021/NĐ-CP", True, 'pdf'),
                ("Bản sao hoặc tệp tin chứa bản chụp một trong những giấy "
                    "tờ chứng minh quyền sử dụng đất", True, 'pdf'),
                ("Bản vẽ mặt bằng các tầng, các mặt đứng và mặt cắt chính "
                    "của công trình", True, 'pdf'),
                ])
        Fee.create([{
                    'procedure': procedure.id, 'kind': 'charge',
                    'condition': "Cấp mới giấy phép xây dựng nhà ở riêng "
                    "lẻ, mỗi giấy phép", 'amount': Decimal(75000),
                    'payment_time': 'before',
                    }])
        Procedure.publish([procedure])
        with at(local(2025, 3, 3, 9, 30)), as_user(world['postal']):
            dossier = make_dossier(world, channel='postal', agency='a',
                procedure=Procedure(procedure.id),
                applicant_name="Trần Văn Tuấn",
                applicant_address="Thôn 2, phường Nghĩa Trung, thành phố "
                "Gia Nghĩa",
                applicant_phone='0987 000 222',
                applicant_email='tuan@example.vn')
            Dossier.submit([Dossier(dossier.id)])
        return reload(dossier)

    def received_desk_dossier(self, world, **values):
        Dossier = Pool().get('gov.dossier')
        values.setdefault('applicant_name', "Nguyễn Thị Hồng Nhung")
        values.setdefault('applicant_address',
            "Số 12 đường Lê Duẩn, phường Nghĩa Trung, thành phố Gia Nghĩa")
        values.setdefault('applicant_phone', '0912 345 678')
        dossier = make_dossier(world, channel='desk', **values)
        with at(local(2025, 3, 3, 14, 5)):
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        return reload(dossier)

    @with_transaction()
    def test_receipt_text_and_qr(self):
        "R-PROC-5, R-SUB-5, R-FEE-1: receipt with code, PIN, dates, components, fees in words and a QR that opens the dossier"
        Dossier = Pool().get('gov.dossier')
        world = make_report_world()
        dossier = self.received_desk_dossier(world)
        self.assertEqual(dossier.state, 'received')
        with configured(portal_url='https://dichvucong.daknong.gov.vn'):
            ext, content, _, name = execute(
                'gov.dossier.receipt', dossier, world['receiver_a'])
        self.assertEqual(ext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        pages = pdf_pages(content)
        self.assertEqual(len(pages), 1, "the receipt fits on one page")
        box = pages[0].mediabox
        self.assertEqual((round(float(box.width)), round(float(box.height))),
            A4)
        text = pdf_text(content)
        for expected in [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ HUYỆN ĐẮK GLONG",
                "ỦY BAN NHÂN DÂN HUYỆN ĐẮK GLONG",
                "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                f"Mã hồ sơ: {dossier.code}",
                f"Mã tra cứu (PIN): {dossier.pin}",
                "tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
                "Địa chỉ: Số 12 đường Lê Duẩn, phường Nghĩa Trung",
                "Số điện thoại: 0912 345 678",
                "Nội dung yêu cầu giải quyết: Thủ tục P1",
                "Đơn đề nghị",
                "Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc",
                "Thời gian nhận hồ sơ: 14 giờ 05 phút, ngày 03/03/2025",
                "Thời gian trả kết quả giải quyết hồ sơ: ngày "
                f"{format_date(dossier.due_date)}",
                "Đắk Nông, ngày 03 tháng 03 năm 2025",
                "1.234.567 đồng",
                "50.000 đồng",
                "Bằng chữ: Một triệu hai trăm ba mươi tư nghìn năm trăm "
                "sáu mươi bảy đồng",
                "Đăng ký nhận kết quả tại: Bộ phận Một cửa",
                "Thôn 1, xã Quảng Khê",
                "https://dichvucong.daknong.gov.vn/tra-cuu",
                "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                "receiver_a",
                ]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertEqual(format_date(dossier.due_date), '10/03/2025')

        # The QR code, read from the rendered page, opens this dossier.
        image, = pdf_to_images(content)
        payloads = decode_qr(image)
        self.assertEqual(len(payloads), 1, payloads)
        payload, = payloads
        self.assertEqual(payload,
            'https://dichvucong.daknong.gov.vn/tra-cuu/'
            f'{dossier.code}?t={dossier.qr_token}')
        url = urllib.parse.urlsplit(payload)
        code = urllib.parse.unquote(url.path.rsplit('/', 1)[-1])
        token, = urllib.parse.parse_qs(url.query)['t']
        self.assertEqual(Dossier.lookup_token(token), dossier)
        found, full = Dossier.lookup(code)
        self.assertEqual(found, dossier)

    @with_transaction()
    def test_receipts_fit_one_page(self):
        "R-PROC-5, R-SUB-5: the receipt, submitted by post or received at the desk, fits on one A4 page with its signatures"
        Dossier = Pool().get('gov.dossier')
        world = make_report_world()
        postal = self.postal_dossier(world)
        self.assertEqual(postal.state, 'submitted')
        self.assertEqual(len(postal.documents), 3)
        ext, content, _, _ = execute(
            'gov.dossier.receipt', postal, world['receiver_a'])
        self.assertEqual(len(pdf_pages(content)), 1,
            "the postal receipt fits on one page")
        text = pdf_text(content)
        for expected in [
                "chưa được tiếp nhận", "được hẹn khi cơ quan tiếp nhận",
                "mặt cắt chính của công trình", "75.000 đồng",
                "Bảy mươi lăm nghìn đồng", "NGƯỜI NỘP HỒ SƠ",
                "NHÂN VIÊN BƯU CHÍNH"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        with at(local(2025, 3, 4, 8, 0)), as_user(world['receiver_a']):
            Dossier.receive([Dossier(postal.id)])
        desk = self.received_desk_dossier(world,
            applicant_id_number=CITIZEN_ID_B, applicant_email='a@example.vn')
        for dossier in [reload(postal), desk]:
            with self.subTest(dossier=dossier.channel):
                ext, content, _, _ = execute(
                    'gov.dossier.receipt', dossier, world['receiver_a'])
                self.assertEqual(len(pdf_pages(content)), 1)
                self.assertIn("NGƯỜI TIẾP NHẬN HỒ SƠ", pdf_text(content))

    @with_transaction()
    def test_receipt_needs_a_received_dossier_and_access(self):
        "R-PROC-5, R-AG-3: no receipt for a draft; no printing without access"
        world = make_report_world()
        draft = make_dossier(world, channel='desk')
        with self.assertRaises(DossierWorkflowError):
            execute('gov.dossier.receipt', draft)
        dossier = self.received_desk_dossier(world,
            applicant_id_number=CITIZEN_ID_B)
        for attacker in ['nobody', 'receiver_b']:
            with self.subTest(attacker=attacker):
                with self.assertRaises(AccessError):
                    execute('gov.dossier.receipt', dossier, world[attacker])

    @with_transaction()
    def test_supplement_and_refusal(self):
        "R-PROC-5, R-NOT-1: supplement request (what, why) and refusal notice (why)"
        Dossier = Pool().get('gov.dossier')
        world = make_report_world()
        optional = [c for c in world.procedure.components
            if not c.mandatory][0]
        dossier = make_dossier(world)
        other = make_dossier(world, applicant_id_number=CITIZEN_ID_B)
        with at(local(2025, 3, 4, 8, 0)):
            Dossier.submit([dossier, other])
            with as_user(world['receiver_a']):
                Dossier.request_supplement([Dossier(dossier.id)],
                    reason="Bản chụp mờ, không đọc được", components=[
                        optional.id])
                Dossier.reject([Dossier(other.id)],
                    reason="Không thuộc thẩm quyền giải quyết")
        ext, content, _, _ = execute(
            'gov.dossier.supplement', reload(dossier), world['receiver_a'])
        self.assertEqual(ext, 'pdf')
        text = pdf_text(content)
        for expected in [
                "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                f"Mã hồ sơ: {dossier.code}",
                "Bản sao giấy tờ", "Lý do: Bản chụp mờ, không đọc được",
                "Đắk Nông, ngày 04 tháng 03 năm 2025", "NGƯỜI HƯỚNG DẪN",
                "0261 3888 999"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        ext, content, _, _ = execute(
            'gov.dossier.refusal', reload(other), world['receiver_a'])
        text = pdf_text(content)
        for expected in [
                "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                "Không thuộc thẩm quyền giải quyết",
                "thông báo không tiếp nhận, giải quyết hồ sơ"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        with self.assertRaises(DossierWorkflowError):
            execute('gov.dossier.refusal', reload(dossier))

    @with_transaction()
    def test_receipt_with_committed_time(self):
        "R-PROC-8, R-PROC-5: the receipt prints the committed time with the law's beside it"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Step = pool.get('gov.procedure.step')
        world = make_report_world()
        procedure = world.procedure
        Procedure.draft([procedure])
        check, = [s for s in procedure.steps if s.kind == 'check']
        Step.write([check], {'duration': Decimal(1)})
        Procedure.write([procedure], {'committed_days': Decimal(3)})
        Procedure.publish([procedure])
        dossier = self.received_desk_dossier(world)
        _, content, _, _ = execute(
            'gov.dossier.receipt', dossier, world['receiver_a'])
        text = ' '.join(pdf_text(content).split())
        self.assertIn("Thời gian giải quyết hồ sơ: 3 ngày làm việc theo cam "
            "kết của cơ quan (theo quy định: 5 ngày làm việc)", text)
        self.assertIn(f"ngày {dossier.due_date.strftime('%d/%m/%Y')}", text)
        self.assertEqual(dossier.processing_days, Decimal(3))

    @with_transaction()
    def test_stop_notice_after_withdrawal(self):
        "R-PROC-5, R-PROC-9: form 05 (Thông tư 03/2025/TT-VPCP) for a received dossier withdrawn at the applicant's request"
        Dossier = Pool().get('gov.dossier')
        world = make_report_world()
        dossier = self.received_desk_dossier(world)
        never_received = make_dossier(world, applicant_id_number=CITIZEN_ID_B)
        with at(local(2025, 3, 5, 9, 30)):
            Dossier.submit([never_received])
        with self.assertRaises(DossierWorkflowError):
            # Still being handled: nothing stopped.
            execute('gov.dossier.stop', dossier, world['receiver_a'])
        with at(local(2025, 3, 6, 10, 0)):
            with as_user(world['receiver_a']):
                Dossier.withdraw([Dossier(dossier.id)],
                    reason="Công dân có đơn xin rút hồ sơ ngày 06/03/2025")
                Dossier.withdraw([Dossier(never_received.id)],
                    reason="Nộp nhầm thủ tục")
        ext, content, _, _ = execute(
            'gov.dossier.stop', reload(dossier), world['receiver_a'])
        self.assertEqual(ext, 'pdf')
        self.assertEqual(len(pdf_pages(content)), 1)
        text = pdf_text(content)
        for expected in [
                "Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                f"Mã hồ sơ: {dossier.code}",
                "Kính gửi: Nguyễn Thị Hồng Nhung",
                "Ngày 03/03/2025", "dừng giải quyết hồ sơ",
                "Ngày 06/03/2025",
                "Công dân có đơn xin rút hồ sơ ngày 06/03/2025",
                "Đắk Nông, ngày"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        # Withdrawn before any reception: no handling was stopped.
        with self.assertRaises(DossierWorkflowError):
            execute('gov.dossier.stop', reload(never_received),
                world['receiver_a'])
        # Another agency's receiver cannot print it.
        with self.assertRaises(AccessError):
            execute('gov.dossier.stop', reload(dossier), world['receiver_b'])

    @with_transaction()
    def test_control_slip_and_apology(self):
        "R-PROC-5, R-PROC-4: control slip per handover with timeliness; apology letter with a new date"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        Apology = pool.get('gov.dossier.apology', type='wizard')
        world = make_report_world()
        dossier = self.received_desk_dossier(world,
            applicant_email='nhung@example.vn')
        self.assertEqual(dossier.due_date, dt.date(2025, 3, 10))
        # Received, not started yet: the slip already shows the handover
        # to the specialist unit and the deadline of its step.
        check, = [s for s in dossier.steps if s.kind == 'check']
        self.assertEqual(check.state, 'waiting')
        self.assertIsNone(check.start_date)
        ext, content, _, _ = execute(
            'gov.dossier.control', dossier, world['receiver_a'])
        self.assertEqual(len(pdf_pages(content)), 1)
        text = pdf_text(content)
        for expected in [
                "Cơ quan (bộ phận) giải quyết hồ sơ: Bộ phận Tiếp nhận và "
                "Trả kết quả huyện Đắk Glong, Phòng Tài nguyên A",
                "Phòng Tài nguyên A Thẩm định",
                format_date(check.due_date)]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertEqual(format_date(check.due_date), '07/03/2025')
        self.assertNotIn("Phê duyệt", text)
        with at(local(2025, 3, 5, 16, 0)), as_user(world['specialist_a']):
            Dossier.process([Dossier(dossier.id)])
            Dossier.forward([Dossier(dossier.id)])
        # The approval is late: the apology letter is prepared first.
        with at(local(2025, 3, 11, 9, 0)), as_user(world['head_a']):
            with Transaction().set_context(active_model='gov.dossier',
                    active_id=dossier.id, active_ids=[dossier.id]):
                session_id, _, _ = Apology.create()
                apology = Apology(session_id)
                defaults = apology.default_start(None)
                self.assertEqual(defaults['due_date'], dt.date(2025, 3, 10))
                self.assertEqual(defaults['new_due_date'],
                    dt.date(2025, 3, 12))
                apology.start.reason = "Chờ ý kiến của Cục Thuế"
                apology.start.new_due_date = dt.date(2025, 3, 14)
                action, data = apology.do_save({'id': -1})
            self.assertEqual(data, {'ids': [dossier.id]})
        dossier = reload(dossier)
        self.assertEqual(dossier.apology_due_date, dt.date(2025, 3, 14))
        ext, content, _, _ = execute(
            'gov.dossier.apology', dossier, world['head_a'])
        text = pdf_text(content)
        for expected in [
                "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                "Kính gửi: Nguyễn Thị Hồng Nhung",
                "Ngày 03/03/2025", "ngày 10/03/2025",
                "do: Chờ ý kiến của Cục Thuế",
                "vào ngày 14/03/2025", "THỦ TRƯỞNG CƠ QUAN",
                "Đắk Nông, ngày 11 tháng 03 năm 2025"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        apology_notes = Notification.search([
                ('dossier', '=', dossier.id), ('kind', '=', 'apology')])
        self.assertEqual({n.channel for n in apology_notes}, {'email', 'sms'})
        self.assertIn("14/03/2025", apology_notes[0].body)

        with at(local(2025, 3, 12, 10, 0)), as_user(world['head_a']):
            Dossier.approve([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        self.assertEqual(dossier.timeliness, 'late')
        ext, content, _, _ = execute(
            'gov.dossier.control', dossier, world['head_a'])
        self.assertEqual(len(pdf_pages(content)), 1)
        text = pdf_text(content)
        for expected in [
                "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                f"Mã hồ sơ: {dossier.code}",
                "Bên giao", "Bên nhận", "Hạn xử lý",
                "Tổ chức, cá nhân", "Nguyễn Thị Hồng Nhung",
                "Phòng Tài nguyên A", "Thẩm định", "Phê duyệt",
                "specialist_a", "head_a",
                "14:05 03/03/2025",
                "Hoàn thành giải quyết hồ sơ: 10 giờ 00 phút, ngày "
                "12/03/2025 — Quá hạn"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        # One row per handover, each with the timeliness of its step.
        labels = {'early': "Trước hạn", 'on_time': "Đúng hạn",
            'late': "Quá hạn"}
        steps = [s for s in dossier.steps if s.start_date]
        self.assertGreaterEqual(len(steps), 3)
        for step in steps:
            if step.timeliness:
                self.assertIn(labels[step.timeliness], text)
        self.assertIn('late', {s.timeliness for s in steps})
