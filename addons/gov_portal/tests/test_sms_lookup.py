# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The lookup by SMS auto-reply and the embeddable lookup widget
(R-LOOK-1, R-OPS-4): the message's parsing and signature, then the
webhook and the widget against the trytond WSGI application, as the
operator and a browser call them (no browser)."""
import contextlib
import hashlib
import hmac
import json
import time
import unittest

from werkzeug.test import Client

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.gateway import FakeSMSGateway
from gov_dossier.tests import dossier_fixtures
from gov_dossier.tests.dossier_fixtures import (
    as_user, at, local, make_dossier, make_world)
from gov_dossier.tests.tools import configured, load_vietnamese

from gov_portal import sms_inbound

PORTAL = 'https://dichvucong.daknong.gov.vn'
SECRET = 'sms-test-secret'
MONDAY = local(2025, 3, 3, 9, 0)
NAME = "Nguyễn Thị Lan"


def signed(body, timestamp=None, secret=SECRET):
    "The operator's headers for a raw body."
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), timestamp.encode() + b'.' + body,
        hashlib.sha256).hexdigest()
    return {'X-SMS-Timestamp': timestamp, 'X-SMS-Signature': digest}


class ParseTestCase(unittest.TestCase):
    "R-LOOK-1: what an inbound SMS asks"

    def test_keyword_variants(self):
        """R-LOOK-1: TRACUU in any case, with or without diacritics and
        spaces, finds the code; other text is a usage request"""
        code = '000.30.21.H16-250303-0001'
        for text in [f'TRACUU {code}', f'tracuu {code.lower()}',
                f'Tra cứu {code}', f'TRA CỨU   {code} ', f'Tra cuu {code}',
                f'  tRa  CuU\t{code}', f'TRACUU:{code}',
                # Decomposed diacritics, as some phones send them.
                f'Tra cu\u0301u {code}', f'TRACUU {code[:10]} {code[10:]}']:
            self.assertEqual(sms_inbound.parse(text), ('lookup', code), text)
        for text in ['', 'xin chào', 'TRACUUX 123', 'TRA', code]:
            self.assertEqual(sms_inbound.parse(text), ('usage', None), text)
        self.assertEqual(sms_inbound.parse('TRACUU'), ('lookup', ''))

    def test_signature(self):
        """R-LOOK-1: the signature covers the timestamp and the raw body;
        forged, missing or older than 5 minutes is refused"""
        body = b'{"from": "0912345678", "text": "TRACUU X"}'
        now = 1_800_000_000
        headers = signed(body, now)
        sms_inbound.verify(SECRET, headers['X-SMS-Timestamp'],
            headers['X-SMS-Signature'], body, now=now + 299)
        sms_inbound.verify(SECRET, headers['X-SMS-Timestamp'],
            'sha256=' + headers['X-SMS-Signature'].upper(), body, now=now)
        cases = [
            (None, headers['X-SMS-Signature'], body, now, 401),
            (headers['X-SMS-Timestamp'], '', body, now, 401),
            (headers['X-SMS-Timestamp'], headers['X-SMS-Signature'],
                body + b' ', now, 403),
            (str(now + 1), headers['X-SMS-Signature'], body, now, 403),
            (headers['X-SMS-Timestamp'], headers['X-SMS-Signature'], body,
                now + 301, 403),
            (headers['X-SMS-Timestamp'], headers['X-SMS-Signature'], body,
                now - 301, 403),
            ('abc', headers['X-SMS-Signature'], body, now, 403),
            ]
        for timestamp, given, data, moment, status in cases:
            with self.assertRaises(sms_inbound.SignatureError) as raised:
                sms_inbound.verify(SECRET, timestamp, given, data,
                    now=moment)
            self.assertEqual(raised.exception.status, status)
        with self.assertRaises(sms_inbound.SignatureError):
            other = signed(body, now, secret='another')
            sms_inbound.verify(SECRET, other['X-SMS-Timestamp'],
                other['X-SMS-Signature'], body, now=now)

class SMSLookupTestCase(unittest.TestCase):
    "R-LOOK-1, R-OPS-4: the SMS webhook and the embeddable widget"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['gov_portal'])
        cls.addClassCleanup(drop_db)
        stack = contextlib.ExitStack()
        cls.addClassCleanup(stack.close)
        stack.enter_context(configured('gov', database=DB_NAME,
                portal_url=PORTAL, secret='portal-test-secret',
                sms_inbound_secret=SECRET, sms_lookup_number='8136',
                sms_gateway='fake', sms_inbound_send=None,
                sms_lookup_per_hour=None))
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            load_vietnamese()
            dossier_fixtures._SHARED.update({
                    'agencies': {k: a.id for k, a in world.agencies.items()},
                    'users': {k: u.id for k, u in world.users.items()},
                    'procedure': world.procedure.id,
                    })
            Dossier = Pool().get('gov.dossier')
            dossier = make_dossier(world, submitter_name=NAME,
                applicant_address="Số 5 Trần Hưng Đạo, Gia Nghĩa")
            with at(MONDAY):
                Dossier.submit([dossier])
            with at(MONDAY), as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
            dossier = Dossier(dossier.id)
            cls.code = dossier.code
            cls.due = dossier.due_date.strftime('%d/%m/%Y')
            cls.agency_code = world.agencies['a'].code
            cls.agency_name = world.agencies['a'].name
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        dossier_fixtures._SHARED.clear()
        super().tearDownClass()

    def post(self, data, headers=None, raw=None, **kwargs):
        body = raw if raw is not None else json.dumps(data).encode()
        headers = signed(body) if headers is None else headers
        response = Client(app).post('/sms/inbound', data=body,
            headers=headers, content_type=kwargs.get(
                'content_type', 'application/json'))
        self.assertEqual(response.mimetype, 'application/json')
        return response.status_code, response.get_json()

    def test_signed_lookup_answered_without_personal_data(self):
        """R-LOOK-1: a signed "TRACUU <code>" is answered with the code,
        the public state and the appointment date; never the submitter's
        name nor address"""
        for text in [f'TRACUU {self.code}', f'tra cứu {self.code.lower()}']:
            status, answer = self.post(
                {'from': '+84 912 000 001', 'text': text, 'id': 'm1'})
            self.assertEqual(status, 200, answer)
            self.assertEqual(answer['result'], 'lookup')
            self.assertEqual(answer['to'], '0912000001')
            self.assertEqual(answer['id'], 'm1')
            self.assertFalse(answer['sent'])
            reply = answer['reply']
            self.assertIn(self.code, reply)
            self.assertIn('Đã tiếp nhận', reply)
            self.assertIn(f'Ngày hẹn trả kết quả: {self.due}', reply)
            for personal in [NAME, 'Nguyễn', 'Lan', 'Trần Hưng Đạo']:
                self.assertNotIn(personal, reply)
                self.assertNotIn(personal, json.dumps(
                        answer, ensure_ascii=False))
            self.assertNotIn('ế', answer['reply_unaccented'])

    def test_form_encoded_unknown_and_usage(self):
        """R-LOOK-1: the same fields form-encoded; an unknown code is
        "not found" in Vietnamese, other text gets the usage"""
        body = ('from=0912000002&text=TRACUU+000.30.21.H16-990101-9999'
            ).encode()
        status, answer = self.post(None, raw=body,
            content_type='application/x-www-form-urlencoded')
        self.assertEqual((status, answer['result']), (200, 'not_found'))
        self.assertIn('Không tìm thấy hồ sơ có mã 000.30.21.H16-990101-9999',
            answer['reply'])
        status, answer = self.post({'from': '0912000002', 'text': 'alo'})
        self.assertEqual((status, answer['result']), (200, 'usage'))
        self.assertIn('TRACUU <mã hồ sơ> gửi 8136', answer['reply'])

    def test_refused_requests(self):
        """R-LOOK-1, R-SEC-1: unsigned 401, forged or replayed 403,
        malformed 400, not configured 503 — JSON, never a 500"""
        data = {'from': '0912000003', 'text': f'TRACUU {self.code}'}
        body = json.dumps(data).encode()
        status, answer = self.post(data, headers={})
        self.assertEqual((status, answer['result']), (401, 'unauthorized'))
        forged = signed(body, secret='guessed')
        status, answer = self.post(data, headers=forged)
        self.assertEqual((status, answer['result']), (403, 'forbidden'))
        stale = signed(body, timestamp=int(time.time()) - 6 * 60)
        status, answer = self.post(data, headers=stale)
        self.assertEqual((status, answer['message']),
            (403, 'stale timestamp'))
        status, answer = self.post(None, raw=b'{not json')
        self.assertEqual((status, answer['result']), (400, 'malformed'))
        status, answer = self.post({'from': 'abc', 'text': 'TRACUU 1'})
        self.assertEqual(status, 400)
        status, answer = self.post(None, raw=b'x' * 5000)
        self.assertEqual(status, 413)
        with configured('gov', sms_inbound_secret=None):
            status, answer = self.post(data)
        self.assertEqual((status, answer['result']), (503, 'not_configured'))

    def test_rate_limit_per_phone(self):
        """R-LOOK-1: each phone looks up at most [gov] sms_lookup_per_hour
        times an hour, then gets a polite reply; other phones are not
        affected"""
        text = f'TRACUU {self.code}'
        with configured('gov', sms_lookup_per_hour=3):
            for _ in range(3):
                status, answer = self.post({'from': '0912000004',
                        'text': text})
                self.assertEqual(answer['result'], 'lookup')
            status, answer = self.post({'from': '84912000004',
                    'text': 'tracuu 000.30.21.H16-990101-9999'})
            self.assertEqual((status, answer['result']), (200, 'limited'))
            self.assertIn('Vui lòng thử lại sau', answer['reply'])
            self.assertNotIn(self.code, answer['reply'])
            # The usage is not a lookup: still answered.
            status, answer = self.post({'from': '0912000004', 'text': '?'})
            self.assertEqual(answer['result'], 'usage')
            status, answer = self.post({'from': '0912000005', 'text': text})
            self.assertEqual(answer['result'], 'lookup')
        # The phone is kept as a keyed hash only.
        with Transaction().start(DB_NAME, 0) as transaction:
            Attempt = Pool().get('gov.portal.sms.attempt')
            keys = {a.ip_address for a in Attempt.search([])}
            transaction.rollback()
        self.assertTrue(keys)
        self.assertFalse([k for k in keys if '0912' in k])

    def test_reply_sent_through_the_outbound_gateway(self):
        """R-LOOK-1, R-NOT-2: with [gov] sms_inbound_send the reply also
        goes to the sender through the SMS gateway"""
        FakeSMSGateway.outbox.clear()
        with configured('gov', sms_inbound_send='True'):
            status, answer = self.post({'from': '0912000006',
                    'text': f'TRACUU {self.code}'})
        self.assertEqual(status, 200)
        self.assertTrue(answer['sent'])
        self.assertEqual(FakeSMSGateway.outbox,
            [('0912000006', answer['reply'])])
        FakeSMSGateway.outbox.clear()
        self.post({'from': '0912000006', 'text': f'TRACUU {self.code}'})
        self.assertEqual(FakeSMSGateway.outbox, [])

    def test_embed_widget(self):
        """R-OPS-4, R-LOOK-1: the widget may be framed by other sites,
        finds a dossier with its agency's link and the SMS guide, loads
        nothing from elsewhere; other pages still refuse framing"""
        client = Client(app)
        response = client.get(
            f'/tra-cuu/nhung?ma={self.code}&co-quan={self.agency_code}')
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertNotIn('X-Frame-Options', response.headers)
        self.assertIn('frame-ancestors *',
            response.headers['Content-Security-Policy'])
        self.assertIn(self.code, page)
        self.assertIn(self.due, page)
        self.assertNotIn(NAME, page)
        self.assertIn(self.agency_name, page)
        self.assertIn('TRACUU', page)
        self.assertIn('8136', page)
        self.assertNotIn('<script', page)
        self.assertNotIn('http://', page)
        self.assertNotIn('https://', page)
        with configured('gov',
                embed_ancestors='https://a.gov.vn, https://b.gov.vn'):
            response = client.get('/tra-cuu/nhung')
        policy = response.headers['Content-Security-Policy']
        self.assertTrue(policy.endswith(
                'frame-ancestors https://a.gov.vn https://b.gov.vn'), policy)
        # A typo cannot add a directive.
        with configured('gov', embed_ancestors='https://a.gov.vn; '
                "script-src 'unsafe-inline'"):
            response = client.get('/tra-cuu/nhung')
        policy = response.headers['Content-Security-Policy']
        self.assertNotIn('script-src', policy)
        self.assertNotIn('unsafe-inline', policy)
        for path in ['/tra-cuu', f'/tra-cuu?ma={self.code}', '/']:
            response = client.get(path)
            self.assertEqual(response.headers['X-Frame-Options'], 'DENY')
            self.assertIn("frame-ancestors 'none'",
                response.headers['Content-Security-Policy'])
        page = client.get('/tra-cuu').get_data(as_text=True)
        self.assertIn('Tra cứu qua tin nhắn SMS', page)
        self.assertIn('8136', page)

    def test_reply_by_state(self):
        """R-LOOK-1, R-LOOK-2: the reply gives the appointment while the
        dossier is open, the return date once done, the lookup page's link
        (not the officer's words) when it waits for a supplement"""
        import datetime as dt
        view = {'code': 'C-1', 'state': 'processing',
            'state_label': 'Đang xử lý', 'invalid': False,
            'due_date': dt.date(2026, 12, 16), 'completed_date': None,
            'supplement_reason': 'Thiếu bản sao sổ hộ khẩu'}
        with Transaction().start(DB_NAME, 0):
            self.assertEqual(sms_inbound.status_reply(view),
                'Hồ sơ C-1: Đang xử lý. Ngày hẹn trả kết quả: 16/12/2026.')
            reply = sms_inbound.status_reply(dict(view, state='supplement',
                    state_label='Yêu cầu bổ sung', invalid=True,
                    due_date=None))
            self.assertEqual(reply, 'Hồ sơ C-1: Yêu cầu bổ sung. Xem nội '
                f'dung cần bổ sung tại {PORTAL}/tra-cuu?ma=C-1')
            reply = sms_inbound.status_reply(dict(view, state='done',
                    state_label='Đã trả kết quả',
                    completed_date=dt.datetime(2026, 12, 10, 2, 0)))
            self.assertEqual(reply, 'Hồ sơ C-1: Đã trả kết quả. '
                'Ngày trả kết quả: 10/12/2026.')
            reply = sms_inbound.status_reply(dict(view, state='rejected',
                    state_label='Từ chối'))
            self.assertEqual(reply, 'Hồ sơ C-1: Từ chối.')
