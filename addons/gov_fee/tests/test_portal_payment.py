# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's side of the payments over HTTP (gov_fee routes.py): the
payment platform's notification, the payment page, the transfer's VietQR
code, the receipt and its verification — against the trytond WSGI
application, with the fake gateway."""
import contextlib
import io
import json
import re
from decimal import Decimal
from urllib.parse import urlsplit

from werkzeug.test import Client

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.tests.dossier_fixtures import (
    at, local, make_dossier, make_web_user, reload)
from gov_dossier.tests.tools import (
    configured, decode_qr, load_vietnamese, pdf_text, pdf_to_images)

from ..gateway import FakePaymentGateway, sign
from ..vietqr import parse
from .tools import FORM_FIELDS, SCHEDULE, SIMPLE, FeeTestCase, set_fees

PORTAL = 'https://dichvucong.daknong.gov.vn'
MON = local(2025, 3, 3, 9, 0)


def without_next(response):
    return re.sub(r'next=[^"]*', '', response.get_data(as_text=True))


class PortalPaymentTestCase(FeeTestCase):
    "R-FEE-2, R-SUB-1: paying a dossier's fees on the portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        stack = contextlib.ExitStack()
        cls.addClassCleanup(stack.close)
        stack.enter_context(configured('gov', database=DB_NAME,
                portal_url=PORTAL, secret='portal-test-secret'))
        stack.enter_context(configured('gov_fee', gateway='fake',
                secret='fee-test-secret'))
        with Transaction().start(DB_NAME, 0) as transaction:
            cls.setup_world()
            transaction.commit()

    @classmethod
    def setup_world(cls):
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Agency = pool.get('gov.agency')
        from gov_dossier.tests.dossier_fixtures import (
            make_procedure, make_world)
        world = make_world()
        # The receipt is printed in Vietnamese (gov_agency.l10n.LANGUAGE).
        load_vietnamese(('gov_agency', 'gov_procedure', 'gov_dossier',
                'gov_fee'))
        set_fees(world.procedure, SIMPLE)
        set_fees(make_procedure(world.agencies, code='P2'), SCHEDULE,
            form_fields=FORM_FIELDS)
        Agency.write([world['desk_a']], {
                'bank_bin': '970415',
                'bank_name': "VietinBank — Chi nhánh Đắk Nông",
                'bank_account': '113366668888',
                'bank_account_holder': "VĂN PHÒNG UBND HUYỆN",
                })
        cls.ids = {}
        for name in ('an', 'binh'):
            user = make_web_user(f'{name}@example.com')
            cls.ids[name] = user.id
        dossiers = {}
        for key, owner in [('a1', 'an'), ('a2', 'an'), ('a3', 'an'),
                ('a4', 'an'), ('a5', 'an'), ('a6', 'an')]:
            dossier = make_dossier(world, web_user=cls.ids[owner])
            with at(MON):
                Dossier.submit([dossier])
            dossiers[key] = reload(dossier).code
        cls.codes = dossiers

    # ------------------------------------------------------------ helpers
    def client(self, who=None):
        client = Client(app)
        if who:
            with Transaction().start(DB_NAME, 0) as transaction:
                WebUser = Pool().get('web.user')
                key = WebUser(self.ids[who]).new_session()
                transaction.commit()
            client.set_cookie('dvc_session', key, domain='localhost')
        return client

    def csrf(self, client, path):
        response = client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return re.search(r'name="csrf_token" value="([^"]+)"',
            response.get_data(as_text=True)).group(1)

    def payment(self, code, **domain):
        "The payments of the dossier (new transaction), newest first."
        with Transaction().start(DB_NAME, 0) as transaction:
            Payment = Pool().get('gov.fee.payment')
            payments = Payment.search([('dossier.code', '=', code)],
                order=[('id', 'DESC')])
            result = [{name: getattr(p, name) for name in (
                        'id', 'state', 'amount', 'order_code',
                        'receipt_number', 'receipt_token',
                        'received_amount')} for p in payments]
            transaction.rollback()
        return result

    def dossier_state(self, code):
        with Transaction().start(DB_NAME, 0) as transaction:
            Dossier = Pool().get('gov.dossier')
            dossier, = Dossier.search([('code', '=', code)])
            result = dossier.payment_state
            transaction.rollback()
        return result

    def order(self, code, who='an'):
        "Pay online: the order created and the redirection to the gateway."
        client = self.client(who)
        path = f'/ho-so/{code}/thanh-toan'
        token = self.csrf(client, path)
        response = client.post(path, data={
                'csrf_token': token, 'method': 'online'})
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers['Location'].startswith(
                FakePaymentGateway.base_url))
        payment = self.payment(code)[0]
        order = FakePaymentGateway.orders[payment['order_code']]
        self.assertEqual(order['return_url'],
            PORTAL + '/thanh-toan/ket-qua')
        self.assertEqual(order['notify_url'],
            PORTAL + '/thanh-toan/thong-bao')
        self.assertEqual(order['amount'], 50000)
        return client, payment

    def notify(self, body, headers=None):
        return Client(app).post('/thanh-toan/thong-bao', data=body,
            headers=headers or {}, content_type='application/json')

    # -------------------------------------------------------------- IPN
    def test_forged_or_missing_signature(self):
        "R-FEE-2: a forged or missing signature → 403, logged, nothing paid"
        code = self.codes['a1']
        _, payment = self.order(code)
        body, headers = FakePaymentGateway().notification(
            payment['order_code'])
        with self.assertLogs('gov_fee.routes', 'WARNING'):
            response = self.notify(body)
        self.assertEqual(response.status_code, 403)
        forged = {'X-Signature': sign('not-the-secret', body)}
        with self.assertLogs('gov_fee.routes', 'WARNING'):
            response = self.notify(body, forged)
        self.assertEqual(response.status_code, 403)
        # The body changed after signing.
        tampered = body.replace(b'50000', b'50001')
        with self.assertLogs('gov_fee.routes', 'WARNING'):
            response = self.notify(tampered, headers)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.payment(code)[0]['state'], 'pending')
        self.assertEqual(self.dossier_state(code), 'due')

    def test_unknown_order(self):
        "R-FEE-2: a signed notification of an unknown order → 404"
        body = json.dumps({'order_id': 'DVCUNKNOWN2345', 'amount': 50000,
                'currency': 'VND', 'reference': 'X', 'status': 'paid'}
            ).encode()
        with self.assertLogs('gov_fee.routes', 'WARNING'):
            response = self.notify(body, {
                    'X-Signature': sign('fee-test-secret', body)})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json['result'], 'unknown_order')

    def test_replay_pays_once(self):
        "R-FEE-2: a replayed notification pays once, same answer, one receipt"
        code = self.codes['a2']
        client, payment = self.order(code)
        body, headers = FakePaymentGateway().notification(
            payment['order_code'])
        first = self.notify(body, headers)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first.json['result'], 'paid')
        paid = self.payment(code)
        second = self.notify(body, headers)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json, first.json)
        self.assertEqual(self.payment(code), paid)
        self.assertEqual(len(paid), 1)
        self.assertEqual(paid[0]['state'], 'paid')
        self.assertTrue(paid[0]['receipt_number'])
        # The citizen back from the platform: read from the database.
        response = client.get('/thanh-toan/ket-qua?order_id='
            + payment['order_code'] + '&status=failed')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn('data-state="paid"', html)
        self.assertIn(f'/ho-so/{code}/bien-lai/{paid[0]["receipt_token"]}'
            '.pdf', html)
        # The dossier now owes only what is due on collection.
        html = client.get(f'/ho-so/{code}').get_data(as_text=True)
        self.assertNotIn('id="pay-button"', html)
        self.assertIn('20.000', html)

    def test_amount_mismatch(self):
        "R-FEE-2: an amount or currency other than the order's is recorded as a mismatch, the dossier is not paid"
        code = self.codes['a3']
        _, payment = self.order(code)
        body, headers = FakePaymentGateway().notification(
            payment['order_code'], amount=5000)
        with self.assertLogs('gov_fee.routes', 'WARNING'):
            response = self.notify(body, headers)
        self.assertEqual(response.status_code, 200, response.get_data())
        self.assertEqual(response.json['result'], 'mismatch')
        self.assertIn('mismatch', response.json['message'])
        recorded = self.payment(code)[0]
        self.assertEqual(recorded['state'], 'mismatch')
        self.assertEqual(recorded['received_amount'], Decimal(5000))
        self.assertIsNone(recorded['receipt_number'])
        self.assertEqual(self.dossier_state(code), 'due')

    def test_failed(self):
        "R-FEE-2: a failed or cancelled payment leaves the dossier due and can be paid again"
        code = self.codes['a4']
        client, payment = self.order(code)
        body, headers = FakePaymentGateway().notification(
            payment['order_code'], status='cancelled')
        response = self.notify(body, headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json['result'], 'failed')
        self.assertEqual(self.payment(code)[0]['state'], 'failed')
        self.assertEqual(self.dossier_state(code), 'due')
        html = client.get('/thanh-toan/ket-qua?order_id='
            + payment['order_code'] + '&status=paid').get_data(as_text=True)
        self.assertIn('data-state="failed"', html)
        self.assertIn(f'/ho-so/{code}/thanh-toan', html)

    # ------------------------------------------------- owner, receipt
    def test_other_citizen_gets_404(self):
        "R-FEE-2, R-AG-3: citizen B gets the 404 of an unknown code on citizen A's payment page, result and receipt"
        code = self.codes['a5']
        _, payment = self.order(code)
        body, headers = FakePaymentGateway().notification(
            payment['order_code'])
        self.assertEqual(self.notify(body, headers).status_code, 200)
        paid = self.payment(code)[0]
        binh = self.client('binh')
        unknown = binh.get('/ho-so/KHONGCO/thanh-toan')
        self.assertEqual(unknown.status_code, 404)
        for path in [f'/ho-so/{code}/thanh-toan',
                f'/ho-so/{code}/thanh-toan?cach=chuyen-khoan',
                f'/ho-so/{code}/bien-lai/{paid["receipt_token"]}.pdf',
                '/thanh-toan/ket-qua?order_id=' + paid['order_code']]:
            response = binh.get(path)
            self.assertEqual(response.status_code, 404, path)
            # The same page as an unknown code (but for the language
            # switch's link back to the page).
            self.assertEqual(without_next(response), without_next(unknown),
                path)
        token = self.csrf(binh, '/ho-so')
        response = binh.post(f'/ho-so/{code}/thanh-toan', data={
                'csrf_token': token, 'method': 'online'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(self.payment(code)), 1)

        # The owner's receipt: its text and its QR code.
        an = self.client('an')
        response = an.get(
            f'/ho-so/{code}/bien-lai/{paid["receipt_token"]}.pdf')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'], 'application/pdf')
        content = response.get_data()
        text = pdf_text(content)
        for expected in ["BIÊN LAI THU PHÍ, LỆ PHÍ",
                f"Số biên lai: {paid['receipt_number']}",
                f"Mã hồ sơ: {code}", "Nguyễn Thị Lan", "Thủ tục P1",
                "50.000", "Năm mươi nghìn đồng",
                "Cổng thanh toán trực tuyến"]:
            self.assertIn(expected, text)
        url = f'{PORTAL}/bien-lai/{paid["receipt_token"]}'
        self.assertEqual([t for image in pdf_to_images(content)
                for t in decode_qr(image)], [url])
        # The verification page: amount and code, nothing personal; the
        # receipt's number does not open it.
        page = Client(app).get(urlsplit(url).path)
        self.assertEqual(page.status_code, 200)
        html = page.get_data(as_text=True)
        self.assertIn(paid['receipt_number'], html)
        self.assertIn(code, html)
        self.assertIn('50.000', html)
        self.assertNotIn('Nguyễn Thị Lan', html)
        self.assertEqual(Client(app).get(
                '/bien-lai/' + paid['receipt_number'].replace('/', '%2F')
                ).status_code, 404)
        self.assertEqual(Client(app).get(
                '/bien-lai/' + 'A' * 22).status_code, 404)

    def test_transfer_vietqr(self):
        "R-FEE-2: the transfer page's VietQR code carries the agency's account, the amount due and the dossier code as memo"
        code = self.codes['a1']
        an = self.client('an')
        html = an.get('/ho-so').get_data(as_text=True)
        self.assertIn(f'href="/ho-so/{code}/thanh-toan"', html)
        response = an.get(f'/ho-so/{code}/thanh-toan?cach=chuyen-khoan')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        src = re.search(r'id="vietqr" src="data:image/png;base64,([^"]+)"',
            html).group(1)
        import base64

        from PIL import Image
        image = Image.open(io.BytesIO(base64.b64decode(src))).convert('L')
        image = image.resize((image.width * 8, image.height * 8),
            Image.NEAREST)
        payload, = decode_qr(image)
        qr = parse(payload)
        self.assertEqual(qr.bin, '970415')
        self.assertEqual(qr.account, '113366668888')
        self.assertEqual(qr.amount, 50000)
        self.assertEqual(qr.memo, code)
        self.assertTrue(qr.dynamic)
        for text in ['113366668888', code, '50.000', 'VietinBank']:
            self.assertIn(text, html)

    def test_exemptions_before_submission(self):
        "R-FEE-1, R-FEE-4: the procedure page and the form show the exemptions with their legal basis and the total the dossier will owe"
        html = Client(app).get('/thu-tuc/P2').get_data(as_text=True)
        for text in ["Đăng ký khai sinh đúng hạn", "Điều 11 Luật Hộ tịch 2014",
                "Hộ nghèo", "giảm 50%", "Nghị quyết HĐND tỉnh"]:
            self.assertIn(text, html)
        an = self.client('an')
        html = an.get('/nop-ho-so/P2').get_data(as_text=True)
        self.assertIn("Điều 11 Luật Hộ tịch 2014", html)

        def total(**args):
            query = '&'.join(f'f_{k}={v}' for k, v in args.items())
            response = an.get(f'/nop-ho-so/P2/le-phi?{query}')
            self.assertEqual(response.status_code, 200)
            return response.json['total'].replace('\u00a0', ' ')
        # 50.000 + 8.000 × 1 before, 20.000 on collection.
        self.assertEqual(total(), '78.000 đ')
        self.assertEqual(total(so_ban_sao=3), '94.000 đ')
        # Registered on time: the 50.000 waived, as the dossier computes.
        self.assertEqual(total(so_ban_sao=3, dung_han='1'), '44.000 đ')
        self.assertEqual(total(dung_han='1', ho_ngheo='1'), '18.000 đ')

    @with_transaction()
    def test_receipts_printed_from_the_dossier(self):
        "R-FEE-2: the desk prints a dossier's receipts from the dossier (Print menu), none before it is paid"
        from trytond.exceptions import UserError
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Payment = pool.get('gov.fee.payment')
        Report = pool.get('gov.dossier.fee_receipt', type='report')
        dossier, = Dossier.search([('code', '=', self.codes['a6'])])
        with self.assertRaises(UserError):
            Report.execute([dossier.id], {})
        payment = Payment.record(dossier, 'desk', Decimal(50000),
            payer_name="Nguyễn Thị Lan")
        ext, content, _, _ = Report.execute([dossier.id], {})
        self.assertEqual(ext, 'pdf')
        text = pdf_text(content)
        self.assertIn(f"Số biên lai: {payment.receipt_number}", text)
        self.assertIn("Tiền mặt tại Bộ phận Một cửa", text)
        self.assertEqual([t for image in pdf_to_images(content)
                for t in decode_qr(image)],
            [f'{PORTAL}/bien-lai/{payment.receipt_token}'])

    def test_agency_bank_account_validated(self):
        "R-FEE-2: the agency's bank account: a 6-digit BIN, an account of letters and digits, all four fields"
        from trytond.model.exceptions import ValidationError
        with Transaction().start(DB_NAME, 0) as transaction:
            Agency = Pool().get('gov.agency')
            agency, = Agency.search([('bank_bin', '=', '970415')])
            for values in [{'bank_bin': '97041'}, {'bank_bin': '97041A'},
                    {'bank_account': '1133 6666'},
                    {'bank_account_holder': None}]:
                with self.assertRaises(ValidationError):
                    Agency.write([agency], values)
            transaction.rollback()
