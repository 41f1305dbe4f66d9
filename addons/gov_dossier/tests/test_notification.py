# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Notifications to the applicant (R-NOT-1, R-NOT-2) and their access."""
import json
import socket
import threading
import unittest
from contextlib import contextmanager
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer

from trytond.model.exceptions import AccessError
from trytond.model.modelstorage import ImportDataError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..gateway import (
    EmailGateway, FakeSMSGateway, GatewayError, HTTPSMSGateway, get_gateway,
    normalize_phone, unaccent)
from ..report import format_date, lookup_url
from .dossier_fixtures import (
    CITIZEN_ID_B, as_user, at, local, make_dossier, make_web_user,
    make_world, reload)
from .tools import configured, load_vietnamese


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class SMTPSink:
    "A local SMTP server (aiosmtpd) keeping the messages it receives."

    def __init__(self):
        from aiosmtpd.controller import Controller
        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return '250 OK'
        self.port = free_port()
        self.controller = Controller(
            Handler(), hostname='127.0.0.1', port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def uri(self):
        return f'smtp://127.0.0.1:{self.port}'

    def parsed(self):
        return [message_from_bytes(m.content, policy=policy.default)
            for m in self.messages]


class OperatorAPI:
    "A local HTTP server standing in for an SMS operator's API."

    def __init__(self, status=200, answer='{"code": 0}'):
        self.requests = []
        outer = self
        self.status, self.answer = status, answer

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length', 0))
                outer.requests.append({
                        'path': self.path,
                        'headers': dict(self.headers),
                        'body': self.rfile.read(length),
                        })
                self.send_response(outer.status)
                self.send_header('Content-Type', 'application/json')
                self.end_headers()
                self.wfile.write(outer.answer.encode())

            def log_message(self, *args):
                pass
        self.server = HTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f'http://127.0.0.1:{self.server.server_port}/api/send'


class GatewayTestCase(unittest.TestCase):
    "R-NOT-2: pluggable gateways for e-mail and SMS"

    def tearDown(self):
        FakeSMSGateway.outbox.clear()
        FakeSMSGateway.failure = None

    def test_phone_numbers(self):
        "R-NOT-2: Vietnamese mobile numbers are normalised for the SMS"
        self.assertEqual(normalize_phone('0912 345 678'), '0912345678')
        self.assertEqual(normalize_phone('+84 912.345.678'), '0912345678')
        self.assertEqual(normalize_phone('84912345678'), '0912345678')
        self.assertIsNone(normalize_phone('12345'))
        self.assertIsNone(normalize_phone(None))
        self.assertEqual(unaccent("Hồ sơ đã được tiếp nhận"),
            "Ho so da duoc tiep nhan")

    def test_gateway_chosen_by_configuration(self):
        "R-NOT-2: [gov] sms_gateway selects the SMS gateway"
        with configured(sms_gateway=None):
            self.assertIsInstance(get_gateway('sms'), FakeSMSGateway)
        with configured(sms_gateway='http'):
            self.assertIsInstance(get_gateway('sms'), HTTPSMSGateway)
        with configured(sms_gateway='carrier-pigeon'):
            with self.assertRaises(GatewayError):
                get_gateway('sms')
        self.assertIsInstance(get_gateway('email'), EmailGateway)
        self.assertIsNone(get_gateway('portal'))

    def test_fake_gateway_records_and_fails_on_demand(self):
        "R-NOT-2: the fake SMS gateway records messages; tests make it fail"
        gateway = FakeSMSGateway()
        gateway.send('0912 345 678', None, "Xin chào")
        self.assertEqual(FakeSMSGateway.outbox, [('0912345678', "Xin chào")])
        FakeSMSGateway.failure = GatewayError("operator down")
        with self.assertRaises(GatewayError):
            gateway.send('0912345678', None, "again")
        with self.assertRaises(GatewayError):
            FakeSMSGateway.failure = None
            gateway.send('not a phone', None, "x")

    def test_http_gateway_posts_to_operator(self):
        "R-NOT-2: the HTTP SMS adapter sends what the operator's API expects"
        with OperatorAPI() as api, configured(
                sms_http_url=api.url, sms_http_to_field='phone',
                sms_http_text_field='message', sms_http_sender_field='brand',
                sms_http_sender='DVC-DAKNONG', sms_http_token='s3cret',
                sms_http_phone_format='international',
                sms_http_success=r'"code"\s*:\s*0'):
            reference = HTTPSMSGateway().send(
                '0912 345 678', None, "Hồ sơ đã có kết quả")
            self.assertEqual(len(api.requests), 1)
            request, = api.requests
            self.assertEqual(request['headers']['Authorization'],
                'Bearer s3cret')
            self.assertEqual(json.loads(request['body']), {
                    'phone': '84912345678',
                    'message': "Hồ sơ đã có kết quả",
                    'brand': 'DVC-DAKNONG',
                    })
            self.assertIn('"code"', reference)
            # An answer 200 whose body says "error" is a failure …
            api.answer = '{"code": 7, "error": "brandname"}'
            with self.assertRaises(GatewayError):
                HTTPSMSGateway().send('0912345678', None, "x")
            # … and so is an HTTP error.
            api.status, api.answer = 503, 'busy'
            with self.assertRaises(GatewayError) as cm:
                HTTPSMSGateway().send('0912345678', None, "x")
            self.assertIn('503', str(cm.exception))
        with configured(sms_http_url=api.url, sms_http_unaccent='True',
                sms_http_format='form'):
            with OperatorAPI() as api2, configured(sms_http_url=api2.url):
                HTTPSMSGateway().send('0912345678', None, "Đã nhận hồ sơ")
                self.assertIn(b'text=Da+nhan+ho+so', api2.requests[0]['body'])
        # Nobody listening: the error says so, it does not hang.
        with configured(sms_http_url=f'http://127.0.0.1:{free_port()}/x',
                sms_http_timeout='3'):
            with self.assertRaises(GatewayError):
                HTTPSMSGateway().send('0912345678', None, "x")

    def test_email_gateway_uses_tryton_smtp_settings(self):
        "R-NOT-2: e-mail goes through [email] uri to a real SMTP server"
        with SMTPSink() as sink, configured('email', uri=sink.uri,
                **{'from': 'dichvucong@daknong.gov.vn'}):
            EmailGateway().send('lan@example.vn', "Hồ sơ H16: đã tiếp nhận",
                "Kính gửi Ông/Bà Nguyễn Thị Lan,")
            message, = sink.parsed()
        self.assertEqual(message['To'], 'lan@example.vn')
        self.assertEqual(message['Subject'], "Hồ sơ H16: đã tiếp nhận")
        self.assertIn("Nguyễn Thị Lan", message.get_content())
        with configured('email', uri=f'smtp://127.0.0.1:{free_port()}'):
            with self.assertRaises(Exception):
                EmailGateway().send('lan@example.vn', "x", "y")

    def test_email_sent_again_is_the_same_message(self):
        "R-NOT-1, R-OPS-1: an e-mail sent again (lost answer, killed worker) has the same Message-ID, which mail servers and clients drop as a duplicate"
        with SMTPSink() as sink, configured('email', uri=sink.uri,
                **{'from': 'dichvucong@daknong.gov.vn'}):
            for _ in range(2):
                EmailGateway().send('lan@example.vn', "Hồ sơ H16",
                    "Kính gửi", key='dvc-42-20250303090000')
            EmailGateway().send('lan@example.vn', "Hồ sơ H16", "Kính gửi")
            first, again, other = sink.parsed()
        self.assertTrue(first['Message-ID'].startswith(
                '<dvc-42-20250303090000@'))
        self.assertEqual(again['Message-ID'], first['Message-ID'])
        self.assertNotEqual(other['Message-ID'], first['Message-ID'])


@contextmanager
def rpc_call():
    """Roll back what a refused call did, as the RPC dispatcher does with
    the transaction of a call that raised."""
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT rpc_call')
    try:
        yield
    except Exception:
        cursor.execute('ROLLBACK TO SAVEPOINT rpc_call')
        raise
    finally:
        cursor.execute('RELEASE SAVEPOINT rpc_call')


def run_queued_tasks():
    """Run the tasks queued in this transaction, as trytond does after the
    commit when there is no worker ([queue] worker = False)."""
    Queue = Pool().get('ir.queue')
    transaction = Transaction()
    ran = 0
    while transaction.tasks:
        Queue(transaction.tasks.pop()).run()
        ran += 1
    return ran


class NotificationTestCase(unittest.TestCase):
    "R-NOT-1, R-NOT-2: what the applicant is told, when, on which channel"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_dossier')

    def setUp(self):
        FakeSMSGateway.outbox.clear()
        FakeSMSGateway.failure = None

    tearDown = setUp

    def online_dossier(self, world, email='lan@example.vn'):
        "An online dossier of a portal account, with e-mail and phone."
        web_user = make_web_user(email)
        dossier = make_dossier(world, applicant_email=email,
            applicant_phone='0912 345 678')
        Dossier = Pool().get('gov.dossier')
        Dossier.write([dossier], {'web_user': web_user.id})
        return reload(dossier), web_user

    def notifications(self, dossier, kind=None):
        Notification = Pool().get('gov.notification')
        domain = [('dossier', '=', dossier.id)]
        if kind:
            domain.append(('kind', '=', kind))
        return {n.channel: n for n in Notification.search(domain)}

    @with_transaction()
    def test_received_notifies_expected_checking_and_processing_time(self):
        "R-NOT-1: received → the agency got it, when checked, how long"
        Dossier = Pool().get('gov.dossier')
        load_vietnamese()
        world = make_world()
        dossier, web_user = self.online_dossier(world)
        with at(local(2025, 3, 7, 10, 30)):  # a Friday
            Dossier.portal_submit([dossier], web_user, declared=True)
        dossier = reload(dossier)
        notes = self.notifications(dossier, 'received')
        self.assertEqual(set(notes), {'portal', 'email', 'sms'})
        portal = notes['portal']
        self.assertEqual(portal.state, 'sent')
        self.assertEqual(portal.web_user, web_user)
        self.assertEqual(notes['email'].recipient, 'lan@example.vn')
        self.assertEqual(notes['sms'].recipient, '0912345678')
        for channel in ['email', 'sms']:
            self.assertEqual(notes[channel].state, 'queued')
        body = portal.body
        self.assertIn(dossier.code, portal.subject)
        self.assertIn("Bộ phận Một cửa A đã nhận được hồ sơ", body)
        self.assertIn("10 giờ 30 phút, ngày 07/03/2025", body)
        # Checked within 1 working day: Monday 10/03/2025 (weekend skipped).
        self.assertIn("dự kiến trước ngày 10/03/2025", body)
        self.assertIn("5 ngày làm việc", body)
        self.assertIn(lookup_url(dossier.code, dossier.qr_token), body)
        self.assertIn("10/03/2025", notes['sms'].body)
        self.assertLessEqual(len(notes['sms'].body), 459)
        # Nothing was sent during the transition: e-mail and SMS are queued.
        self.assertEqual(FakeSMSGateway.outbox, [])
        self.assertTrue(Transaction().tasks)

    @with_transaction()
    def test_one_task_per_message_for_the_worker(self):
        "R-NOT-1, R-OPS-1: with trytond-worker each e-mail and SMS is its own task, so a worker killed while sending leaves only the message in flight to send again"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Queue = pool.get('ir.queue')
        world = make_world()
        dossier, web_user = self.online_dossier(world)
        with configured('queue', worker='True'), \
                at(local(2025, 3, 7, 10, 30)):
            Dossier.portal_submit([dossier], web_user, declared=True)
        notes = self.notifications(reload(dossier), 'received')
        tasks = Queue.search([('name', '=', 'gov_notification')])
        self.assertEqual(sorted(list(t.data['instances']) for t in tasks),
            sorted([[notes['email'].id], [notes['sms'].id]]))
        self.assertEqual({t.data['method'] for t in tasks}, {'send'})

    @with_transaction()
    def test_checked_valid_notifies_result_date(self):
        "R-NOT-1: checked and valid → the expected result date"
        Dossier = Pool().get('gov.dossier')
        load_vietnamese()
        world = make_world()
        dossier, web_user = self.online_dossier(world)
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.portal_submit([dossier], web_user, declared=True)
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        dossier = reload(dossier)
        notes = self.notifications(dossier, 'valid')
        self.assertEqual(set(notes), {'portal', 'email', 'sms'})
        due = format_date(dossier.due_date)
        self.assertEqual(due, '10/03/2025')
        self.assertIn("đầy đủ, hợp lệ", notes['email'].body)
        self.assertIn(f"Ngày hẹn trả kết quả dự kiến: {due}",
            notes['email'].body)
        self.assertIn(due, notes['email'].subject)
        self.assertIn(due, notes['sms'].body)

    @with_transaction()
    def test_checked_invalid_notifies_what_and_why(self):
        "R-NOT-1: checked and invalid → what to add or fix, and why"
        Dossier = Pool().get('gov.dossier')
        load_vietnamese()
        world = make_world()
        dossier, web_user = self.online_dossier(world)
        optional = [c for c in world.procedure.components
            if not c.mandatory][0]
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.portal_submit([dossier], web_user, declared=True)
            with as_user(world['receiver_a']):
                Dossier.request_supplement([Dossier(dossier.id)],
                    reason="Bản chụp mờ, không đọc được số thửa đất",
                    components=[optional.id])
        dossier = reload(dossier)
        notes = self.notifications(dossier, 'invalid')
        self.assertEqual(set(notes), {'portal', 'email', 'sms'})
        for note in notes.values():
            self.assertIn("Bản sao giấy tờ", note.body)
            self.assertIn("Bản chụp mờ, không đọc được số thửa đất",
                note.body)
        self.assertIn("chưa đầy đủ, hợp lệ", notes['portal'].body)
        self.assertIn("cần bổ sung", notes['portal'].subject)

    @with_transaction()
    def test_resolved_result_and_refusal(self):
        "R-NOT-1: resolved → result, when and how to collect; or refusal"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Agency = pool.get('gov.agency')
        load_vietnamese()
        world = make_world()
        Agency.write([world['desk_a']], {
                'address': "Số 1 Lê Lợi, thị trấn Quảng Khê"})
        dossier, web_user = self.online_dossier(world)
        other, _ = self.online_dossier(world, email='tuan@example.vn')
        Dossier.write([other], {'applicant_id_number': CITIZEN_ID_B})
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.submit([dossier, other])
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
                Dossier.reject([Dossier(other.id)],
                    reason="Thửa đất đang có tranh chấp")
        with at(local(2025, 3, 5, 16, 0)):
            with as_user(world['specialist_a']):
                Dossier.process([Dossier(dossier.id)])
                Dossier.forward([Dossier(dossier.id)])
            with as_user(world['head_a']):
                Dossier.approve([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        notes = self.notifications(dossier, 'result')
        self.assertEqual(set(notes), {'portal', 'email', 'sms'})
        body = notes['email'].body
        self.assertIn("đã được giải quyết xong ngày 05/03/2025", body)
        self.assertIn("Cách thức nhận kết quả: Tại Bộ phận Một cửa", body)
        self.assertIn("Số 1 Lê Lợi, thị trấn Quảng Khê", body)
        self.assertIn("Thời gian nhận: từ ngày 05/03/2025", body)
        self.assertIn("05/03/2025", notes['sms'].body)
        # The notice promises only what the system does: no electronic
        # signature, no delivery time (later issues build them).
        Notification = pool.get('gov.notification')
        for method in ['online', 'postal']:
            dossier.return_method = method
            _, body, _ = Notification.content(dossier, 'result')
            self.assertNotIn("chữ ký số", body)
            self.assertNotIn("24 giờ", body)
        dossier = reload(dossier)

        refused = self.notifications(reload(other), 'refused')
        self.assertEqual(set(refused), {'portal', 'email', 'sms'})
        for note in refused.values():
            self.assertIn("Thửa đất đang có tranh chấp", note.body)
        self.assertIn("không giải quyết", refused['email'].body)

    @with_transaction()
    def test_failing_sms_gateway_never_blocks_and_is_retried(self):
        "R-NOT-2: a failing gateway neither blocks the transition nor loses the message"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        world = make_world()
        dossier, web_user = self.online_dossier(world)
        FakeSMSGateway.failure = GatewayError("SMSC timeout")
        with configured(notification_channels='portal,sms',
                notification_max_attempts='3'), \
                at(local(2025, 3, 3, 9, 0)):
            Dossier.portal_submit([dossier], web_user, declared=True)
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
            # The transition went through although the gateway is down.
            self.assertEqual(reload(dossier).state, 'received')
            sms = sorted(Notification.search([
                    ('dossier', '=', dossier.id), ('channel', '=', 'sms')]),
                key=lambda n: n.id)
            self.assertEqual([n.state for n in sms], ['queued', 'queued'])
            # The queued task runs after the commit: the gateway raises.
            self.assertEqual(run_queued_tasks(), 2)
            sms = Notification.browse(sms)
            self.assertEqual([n.state for n in sms], ['failed', 'failed'])
            self.assertEqual([n.attempts for n in sms], [1, 1])
            self.assertIn("SMSC timeout", sms[0].error)
            self.assertTrue(all(n.retries_left for n in sms))
            self.assertEqual(
                set(Notification.search([('retries_left', '=', True)])),
                set(sms))
            # The cron tries again while the operator is still down …
            Notification.retry_failed()
            self.assertEqual(
                [n.attempts for n in Notification.browse(sms)], [2, 2])
            # … then succeeds once it is back.
            FakeSMSGateway.failure = None
            retried = Notification.retry_failed()
            self.assertEqual(set(retried), set(sms))
            sms = Notification.browse(sms)
            self.assertEqual([n.state for n in sms], ['sent', 'sent'])
            self.assertEqual([n.attempts for n in sms], [3, 3])
            self.assertIsNone(sms[0].error)
            self.assertEqual(len(FakeSMSGateway.outbox), 2)
            self.assertEqual(FakeSMSGateway.outbox[1][0], '0912345678')
            self.assertIn(dossier.code, FakeSMSGateway.outbox[1][1])

            # After the last allowed attempt the cron gives up; staff see it
            # and may still retry by hand (the Retry button).
            FakeSMSGateway.failure = GatewayError("number blocked")
            with as_user(world['receiver_a']):
                Dossier.request_supplement([Dossier(dossier.id)],
                    reason="Thiếu chữ ký")
            run_queued_tasks()
            failed, = Notification.search([
                    ('dossier', '=', dossier.id), ('channel', '=', 'sms'),
                    ('state', '=', 'failed')])
            Notification.retry_failed()
            Notification.retry_failed()
            self.assertEqual(Notification(failed.id).attempts, 3)
            Notification.retry_failed()
            self.assertEqual(Notification(failed.id).attempts, 3)
            self.assertFalse(Notification(failed.id).retries_left)
            FakeSMSGateway.failure = None
            with as_user(world['receiver_a']):
                Notification.retry([Notification(failed.id)])
            self.assertEqual(Notification(failed.id).state, 'queued')
            run_queued_tasks()
            self.assertEqual(Notification(failed.id).state, 'sent')

    @with_transaction()
    def test_email_notification_reaches_smtp_server(self):
        "R-NOT-2: the queued e-mail is delivered through Tryton's SMTP settings"
        Dossier = Pool().get('gov.dossier')
        Notification = Pool().get('gov.notification')
        load_vietnamese()
        world = make_world()
        dossier, web_user = self.online_dossier(world)
        with SMTPSink() as sink, configured('email', uri=sink.uri,
                **{'from': 'dichvucong@daknong.gov.vn'}), \
                at(local(2025, 3, 3, 9, 0)):
            Dossier.portal_submit([dossier], web_user, declared=True)
            run_queued_tasks()
            message, = sink.parsed()
        email, = Notification.search([
                ('dossier', '=', dossier.id), ('channel', '=', 'email')])
        self.assertEqual(email.state, 'sent')
        self.assertEqual(email.attempts, 1)
        self.assertEqual(message['To'], 'lan@example.vn')
        self.assertEqual(message['Subject'], email.subject)
        self.assertIn("đã nhận được hồ sơ", message.get_content())
        self.assertEqual(len(FakeSMSGateway.outbox), 1)

    @with_transaction()
    def test_email_only_to_an_address_someone_vouched_for(self):
        "R-SEC-2, R-NOT-2: the QR-token mail never goes to a typed address"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        WebUser = pool.get('web.user')
        world = make_world()

        def emails(dossier):
            return [r for c, r, _ in Notification.recipients(reload(dossier))
                if c == 'email']
        # Online: the account's verified address, not the form's.
        dossier, web_user = self.online_dossier(world)
        Dossier.write([dossier], {'applicant_email': 'nguoi.la@example.net'})
        self.assertEqual(emails(dossier), ['lan@example.vn'])
        WebUser.write([web_user], {'email_valid': False})
        self.assertEqual(emails(dossier), [])
        # Its SMS (a typed phone) links to the lookup without the token.
        sms = Notification._sms(reload(dossier), 'valid', '10/03/2025')
        self.assertIn(lookup_url(dossier.code, None), sms)
        self.assertTrue(dossier.qr_token)
        self.assertNotIn(dossier.qr_token, sms)
        # At the desk: the address and phone the officer took down.
        desk = make_dossier(world, channel='desk',
            applicant_email='tai.quay@example.vn',
            applicant_phone='0912 345 678')
        self.assertEqual(emails(desk), ['tai.quay@example.vn'])
        sms = Notification._sms(reload(desk), 'valid', '10/03/2025')
        self.assertTrue(desk.qr_token)
        self.assertIn('?t=' + desk.qr_token, sms)

    @with_transaction()
    def test_backfilled_dossier_notifies_nobody(self):
        "R-NOT-1, R-PROC-6: a paper dossier entered afterwards sends nothing"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier, _ = self.online_dossier(world)
        Dossier.write([dossier], {'channel': 'desk'})
        with at(local(2025, 3, 5, 9, 0)):
            Dossier.backfill([Dossier(dossier.id)],
                received_date=local(2025, 3, 3, 9, 0), outcome='done',
                completed_date=local(2025, 3, 4, 9, 0),
                returned_date=local(2025, 3, 4, 10, 0))
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'done')
        self.assertEqual(self.notifications(dossier), {})

    @with_transaction()
    def test_portal_inbox_shows_only_own_notifications(self):
        "R-NOT-2, R-AG-3: the portal inbox of citizen B never shows A's"
        from ..exceptions import DossierAccessError
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        world = make_world()
        dossier_a, citizen_a = self.online_dossier(world, 'a@example.vn')
        dossier_b, citizen_b = self.online_dossier(world, 'b@example.vn')
        Dossier.write([dossier_b], {'applicant_id_number': CITIZEN_ID_B})
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.portal_submit([dossier_a], citizen_a, declared=True)
            Dossier.portal_submit([dossier_b], citizen_b, declared=True)
        inbox_a = Notification.portal_inbox(citizen_a)
        inbox_b = Notification.portal_inbox(citizen_b)
        self.assertEqual({n.dossier for n in inbox_a}, {dossier_a})
        self.assertEqual({n.dossier for n in inbox_b}, {dossier_b})
        self.assertEqual({n.channel for n in inbox_a}, {'portal'})
        self.assertEqual(Notification.portal_inbox(None), [])
        self.assertEqual(len(Notification.portal_inbox(
                    citizen_a, unread=True)), 1)
        with self.assertRaises(DossierAccessError):
            Notification.portal_mark_read(inbox_a, citizen_b)
        Notification.portal_mark_read(inbox_a, citizen_a)
        self.assertEqual(Notification.portal_inbox(citizen_a, unread=True),
            [])

    @with_transaction()
    def test_no_rpc_method_reads_another_citizens_notifications(self):
        "R-AG-3, R-NOT-2: as the attacker, every RPC method of gov.notification is refused"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        User = pool.get('res.user')
        world = make_world()
        dossier_a, citizen_a = self.online_dossier(world, 'a@example.vn')
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.portal_submit([dossier_a], citizen_a, declared=True)
        victims = Notification.search([('dossier', '=', dossier_a.id)])
        self.assertEqual(len(victims), 3)
        ids = [n.id for n in victims]
        # Citizen B with a back-office login but no staff role, and an
        # officer of another district.
        citizen_b = User(login='citizen_b', name="Citizen B")
        citizen_b.save()
        attackers = [citizen_b, world['nobody'], world['receiver_b'],
            world['specialist_b']]

        # Every method exposed to RPC must be considered here: a new one
        # fails this test until it is.
        data_methods = {
            'read': lambda: Notification.read(ids, ['subject', 'body']),
            'search': lambda: Notification.search([('id', 'in', ids)]),
            'search_count': lambda: Notification.search_count(
                [('id', 'in', ids)]),
            'search_read': lambda: Notification.search_read(
                [('id', 'in', ids)], fields_names=['body']),
            'export_data': lambda: Notification.export_data(
                Notification.browse(ids), ['body']),
            'export_data_domain': lambda: Notification.export_data_domain(
                [('id', 'in', ids)], ['body']),
            'write': lambda: Notification.write(
                Notification.browse(ids), {'body': 'x'}),
            'delete': lambda: Notification.delete(Notification.browse(ids)),
            'copy': lambda: Notification.copy(Notification.browse(ids)),
            'create': lambda: Notification.create([{
                        'dossier': dossier_a.id, 'kind': 'received',
                        'channel': 'portal', 'subject': 'x',
                        'body': 'x'}]),
            'import_data': lambda: Notification.import_data(
                ['dossier', 'kind', 'channel', 'subject', 'body'],
                [[dossier_a.code, 'received', 'portal', 'x', 'x']]),
            'retry': lambda: Notification.retry(Notification.browse(ids)),
            'resources': lambda: Notification.resources(ids[0]),
            'autocomplete': lambda: Notification.autocomplete('Hồ sơ'),
            }
        schema_methods = {  # no record data: model definition only
            'fields_get', 'default_get', 'view_toolbar_get',
            'fields_view_get', 'view_get', 'on_change', 'on_change_with',
            'on_change_notify', 'on_scan_code', 'pre_validate',
            'history_revisions', 'history_get', 'get_views', 'get_view',
            'read_auditable',
            }
        exposed = set(Notification.__rpc__)
        unconsidered = exposed - set(data_methods) - schema_methods
        self.assertFalse(unconsidered,
            f"RPC methods not covered by this test: {unconsidered}")

        for attacker in attackers:
            for name in sorted(exposed & set(data_methods)):
                with self.subTest(attacker=attacker.login, method=name):
                    try:
                        with as_user(attacker), rpc_call():
                            result = data_methods[name]()
                    except AccessError:
                        continue
                    except ImportDataError:
                        # The dossier it would attach to is not visible:
                        # nothing is created.
                        self.assertEqual(name, 'import_data')
                        continue
                    # A method that did not raise must reveal nothing.
                    self.assertIn(name, {
                            'search', 'search_count', 'search_read',
                            'export_data_domain', 'autocomplete',
                            'resources'}, name)
                    if name == 'resources':
                        result = [v for v in result.values() if v]
                    self.assertFalse(result, (name, result))
            with self.subTest(attacker=attacker.login, via='dossier'):
                with as_user(attacker):
                    with self.assertRaises(AccessError):
                        Dossier.read([dossier_a.id], ['notifications'])
        self.assertEqual(
            len(Notification.search([('dossier', '=', dossier_a.id)])), 3)
        # Positive control: an officer of the receiving agency reads them,
        # but cannot forge, change or delete what the applicant was told.
        with as_user(world['receiver_a']):
            for name in ['create', 'write', 'delete', 'copy']:
                with self.subTest(officer='receiver_a', method=name):
                    with self.assertRaises(AccessError), rpc_call():
                        data_methods[name]()
            self.assertEqual(
                len(Notification.read(ids, ['body'])), 3)
            self.assertEqual(set(Dossier.read([dossier_a.id],
                        ['notifications'])[0]['notifications']), set(ids))
            self.assertEqual(len(Notification.search([])), 3)
