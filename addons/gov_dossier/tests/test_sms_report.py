# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""SMS through the operator gateway (R-NOT-1): a notification sent to the
sandbox SMS operator over real HTTP (gov_server.sandboxes starts it as
`make run` does), then the operator's delivery reports applied once per
event id. The signed route itself is tested over HTTP in
tests/test_sms_operator.py."""
import json
import unittest
import urllib.request

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from gov_server import sandboxes

from ..gateway import OperatorSMSGateway, get_gateway
from .dossier_fixtures import make_dossier, make_web_user, make_world, reload
from .tools import configured, load_vietnamese

SECRET = 'test-sms-secret'
_started = False


def setUpModule():
    global _started
    _started = 'sms' not in sandboxes.urls()
    sandboxes.start_all({'gov_sms': {'secret': SECRET}}, names=['sms'])


def tearDownModule():
    if _started:
        sandboxes.stop_all()


def _messages(to):
    url = sandboxes.settings()['gov_sms']['url']
    with urllib.request.urlopen(f'{url}/messages?to={to}',
            timeout=10) as response:
        return json.loads(response.read())['messages']


class SMSReportTestCase(unittest.TestCase):
    "R-NOT-1: the operator's message id, delivery reports once per event"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_dossier')

    @with_transaction()
    def test_sent_then_reported_once_per_event(self):
        "R-NOT-1: sent signed to the operator; each report applied once"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        load_vietnamese()
        world = make_world()
        web_user = make_web_user('lan.sms@example.vn')
        dossier = make_dossier(world, applicant_phone='0987 654 321')
        Dossier.write([dossier], {'web_user': web_user.id})
        Dossier.portal_submit([reload(dossier)], web_user, declared=True)
        sms, = Notification.search([('dossier', '=', dossier.id),
                ('channel', '=', 'sms')])
        settings = sandboxes.settings()
        # No report from the sandbox: this test's database is not served.
        request = urllib.request.Request(
            settings['gov_sms']['url'] + '/control',
            data=b'{"report": "none"}', method='POST')
        urllib.request.urlopen(request, timeout=10).read()
        with configured(sms_gateway='operator'), configured('gov_sms',
                callback_url='http://127.0.0.1:9/sms/delivery',
                **settings['gov_sms']):
            self.assertIsInstance(get_gateway('sms'), OperatorSMSGateway)
            Notification.send([sms])
        sms = Notification(sms.id)
        self.assertEqual((sms.state, sms.gateway), ('sent', 'operator'))
        sent, = [m for m in _messages('0987654321')
            if m['client_message_id'] == sms.message_key]
        self.assertEqual(sent['message_id'], sms.reference)
        self.assertEqual(sent['text'], sms.body)
        self.assertEqual(Notification.find_by_message_key(sms.message_key), sms)
        self.assertIsNone(Notification.find_by_message_key(
                f'dvc-{sms.id}-20000101000000'))

        report = {'event_id': 'DLR1', 'client_message_id': sms.message_key,
            'message_id': sms.reference, 'status': 'delivered',
            'at': '2026-03-02T01:02:03Z', 'error': ''}
        self.assertEqual(Notification.delivery_report(report), 'applied')
        self.assertEqual(Notification.delivery_report(report), 'duplicate')
        sms = Notification(sms.id)
        self.assertEqual(sms.delivery, 'delivered')
        self.assertEqual(str(sms.delivery_date), '2026-03-02 01:02:03')
        # Delivered is final: a later "failed" is recorded, changes nothing.
        self.assertEqual(Notification.delivery_report(dict(report,
                    event_id='DLR2', status='failed')), 'applied')
        sms = Notification(sms.id)
        self.assertEqual((sms.delivery, sms.delivery_events),
            ('delivered', 'DLR1\nDLR2'))
        self.assertIsNone(Notification.delivery_report(dict(report,
                    client_message_id='dvc-0-20000101000000')))
