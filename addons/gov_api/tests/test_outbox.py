# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The status synchronisation to the national portal (R-OPS-2, R-LOOK-2:
status updated online, never by hand): events written with each
transition, sent signed to the sandbox national portal over real HTTP
(gov_server.sandbox_national), idempotent by event id, retried, failed
after the configured attempts and sent again by the ICT department."""
import datetime as dt
import json
import subprocess
import urllib.request
from contextlib import contextmanager

from trytond import config
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_api.resources import dossier_body
from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, as_user, make_dossier, make_world, reload)
from gov_server import sandboxes


def unset(name=None):
    "Remove [gov_api] name (or the section) from trytond's configuration."
    if name is None:
        config._config.remove_section('gov_api')
    else:
        config._config.remove_option('gov_api', name)
    config._cache_clear()  # its getters are cached


@contextmanager
def option(name, value):
    "[gov_api] name = value for the block (None: without it)."
    old = config.get('gov_api', name, default=None)
    if value is None:
        unset(name)
    else:
        config.set('gov_api', name, value)
    try:
        yield
    finally:
        if old is None:
            unset(name)
        else:
            config.set('gov_api', name, old)


def portal(path, data=None):
    "The sandbox's control endpoints."
    url = sandboxes.urls()['national'] + path
    request = urllib.request.Request(url, data=json.dumps(data).encode()
        if data is not None else None,
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class OutboxTestCase(ModuleDossierTestCase):
    "gov_dossier's world with gov_api and the sandbox national portal."
    module = 'gov_api'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        started = 'national' not in sandboxes.urls()
        sandboxes.start_all({'gov_api': {}}, names=['national'],
            log=subprocess.DEVNULL)
        if started:
            cls.addClassCleanup(sandboxes.stop_all)
        if not config.has_section('gov_api'):
            config.add_section('gov_api')
            cls.addClassCleanup(unset)
        sandboxes.apply(config)

    def receive(self, world):
        Dossier = Pool().get('gov.dossier')
        dossier = make_dossier(world, channel='desk')
        Dossier.receive([dossier])
        return reload(dossier)

    @with_transaction()
    def test_event_written_with_the_transition(self):
        """R-OPS-2: a transition adds its event in its own transaction,
        with the API's status of the dossier and no personal data"""
        Outbox = Pool().get('gov.api.outbox')
        world = make_world()
        dossier = self.receive(world)
        event, = Outbox.search([('dossier', '=', dossier.id)])
        self.assertEqual((event.event, event.state), ('received', 'pending'))
        payload = json.loads(event.payload)
        self.assertEqual(payload['event_id'], event.event_id)
        self.assertEqual(payload['dossier'], dossier_body(dossier))
        self.assertEqual(payload['dossier']['state'], 'received')
        self.assertNotIn('Nguyễn', event.payload)
        # Without a configured portal nothing is written.
        with option('sync_url', None):
            other = self.receive(world)
        self.assertEqual(Outbox.search([('dossier', '=', other.id)]), [])

    @with_transaction()
    def test_sent_signed_once_and_retried(self):
        """R-OPS-2, R-SEC-1: sent signed, retried while the portal is down
        or refuses the signature, received once per event id"""
        Outbox = Pool().get('gov.api.outbox')
        world = make_world()
        dossier = self.receive(world)
        event, = Outbox.search([('dossier', '=', dossier.id)])
        portal('/control', {'fail_next': 1})
        Outbox.send_pending()
        event = Outbox(event.id)
        self.assertEqual((event.state, event.attempts), ('pending', 1))
        self.assertIn('503', event.last_error)
        self.assertGreater(event.next_attempt, dt.datetime.utcnow())
        # Not due yet: the next run leaves it.
        Outbox.send_pending()
        self.assertEqual(Outbox(event.id).attempts, 1)
        # A forged signature is refused by the portal (401).
        Outbox.write([event], {'next_attempt': dt.datetime(2000, 1, 1)})
        with option('secret', 'not-the-secret'):
            Outbox.send_pending()
        event = Outbox(event.id)
        self.assertEqual((event.state, event.attempts), ('pending', 2))
        self.assertIn('401', event.last_error)
        Outbox.write([event], {'next_attempt': dt.datetime(2000, 1, 1)})
        Outbox.send_pending()
        event = Outbox(event.id)
        self.assertEqual((event.state, event.attempts), ('sent', 3))
        received = [e for e in portal('/events')['events']
            if e['event_id'] == event.event_id]
        self.assertEqual(received, [json.loads(event.payload)])
        # Sent again (a retry after a lost answer): kept once.
        self.assertTrue(event.send())
        self.assertEqual(len([e for e in portal('/events')['events']
                    if e['event_id'] == event.event_id]), 1)

    @with_transaction()
    def test_failed_then_sent_again_by_the_ict_department(self):
        """R-OPS-2: after the configured attempts the event fails; the ICT
        department sends it again, the auditor only reads"""
        Outbox = Pool().get('gov.api.outbox')
        world = make_world()
        dossier = self.receive(world)
        event, = Outbox.search([('dossier', '=', dossier.id)])
        portal('/control', {'fail_next': 1})
        with option('sync_attempts', '1'):
            Outbox.send_pending()
        self.assertEqual(Outbox(event.id).state, 'failed')
        with as_user(world['auditor']):
            self.assertEqual(len(Outbox.search([('id', '=', event.id)])), 1)
            with self.assertRaises(AccessError):
                Outbox.write([Outbox(event.id)], {'state': 'pending'})
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Outbox.search([])
        with as_user(world['ict']):
            Outbox.retry([Outbox(event.id)])
        self.assertEqual(Outbox(event.id).state, 'pending')
        Outbox.send_pending()
        self.assertEqual(Outbox(event.id).state, 'sent')
