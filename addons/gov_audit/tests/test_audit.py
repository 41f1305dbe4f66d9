# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""R-OPS-3, R-SEC-1: the audit log — each hook writes exactly the
expected event, nobody changes or deletes one, only the auditor reads
them, the retention deletes only the expired ones and refuses < 12 months.

The world of gov_dossier (agencies, officers, procedure P1) is committed
once for the class on a database where gov_audit is activated; each test
runs in its own transaction, except the sign-in of the staff (trytond's
own login, in transactions of its own) and the RPC-like read-only read."""
import statistics
import time
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from trytond import security
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests import dossier_fixtures as fx
from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, as_user, make_dossier, make_web_user, make_world)
from gov_dossier.tests.tools import configured

from ..configuration import MIN_RETENTION_MONTHS
from ..event import utcnow
from ..exceptions import (
    AuditAppendOnlyError, RetentionConfigError, RetentionError)

STAFF_PASSWORD = 'Kiem-tra@2026-audit'
CITIZEN_PASSWORD = 'Cong-dan@2026-audit'
FORM_FIELDS = ['code', 'state', 'applicant_name', 'applicant_id_number',
    'applicant_address', 'form_data', 'procedure.rec_name']


def request(ip):
    "The context trytond gives a request from ip."
    return {'_request': {'remote_addr': ip}}


def last_id():
    Event = Pool().get('gov.audit.event')
    events = Event.search([], order=[('id', 'DESC')], limit=1)
    return events[0].id if events else 0


def events_after(event_id):
    "The events written after event_id, oldest first."
    Event = Pool().get('gov.audit.event')
    return Event.search([('id', '>', event_id)], order=[('id', 'ASC')])


class AuditTestCase(ModuleDossierTestCase):
    "R-OPS-3, R-SEC-1: the audit log"
    module = 'gov_audit'

    def submitted(self, world, **values):
        Dossier = Pool().get('gov.dossier')
        dossier = make_dossier(world, **values)
        Dossier.submit([dossier])
        return fx.reload(dossier)

    def test_staff_login(self):
        """R-OPS-3, R-SEC-1: trytond's login (as sao signs in): a wrong
        password writes one failure with the login and the IP address, the
        right one one success; committed though the login failed"""
        with Transaction().start(DB_NAME, 0) as transaction:
            User = Pool().get('res.user')
            user = User(fx._SHARED['users']['receiver_a'])
            User.write([user], {'password': STAFF_PASSWORD})
            start = last_id()
            transaction.commit()

        self.assertIsNone(security.login(DB_NAME, 'receiver_a',
                {'password': 'wrong password'}, context=request(
                    '203.0.113.7')))
        session = security.login(DB_NAME, 'receiver_a',
            {'password': STAFF_PASSWORD}, context=request('203.0.113.8'))
        self.assertEqual(session[0], user.id)
        security.login(DB_NAME, 'no_such_user', {'password': 'x'},
            context=request('203.0.113.9'))

        with Transaction().start(DB_NAME, 0):
            failure, success, unknown = events_after(start)
            self.assertEqual(
                (failure.kind, failure.user.id, failure.login,
                    failure.ip_address),
                ('staff_login_failure', user.id, 'receiver_a', '203.0.113.7'))
            self.assertEqual(
                (success.kind, success.user.id, success.login,
                    success.ip_address),
                ('staff_login', user.id, 'receiver_a', '203.0.113.8'))
            self.assertEqual(
                (unknown.kind, unknown.user, unknown.login,
                    unknown.ip_address),
                ('staff_login_failure', None, 'no_such_user', '203.0.113.9'))
            # PostgreSQL keeps whole seconds (timestamp(0)), rounded: the
            # success written at 0.6 s past a second reads as the next one.
            self.assertTrue(failure.date <= success.date
                <= utcnow() + relativedelta(seconds=1))

    @with_transaction(context=request('198.51.100.9'))
    def test_portal_login(self):
        """R-OPS-3, R-SEC-1: a citizen's wrong password writes one failure,
        the right one (with the session it opens) one success; a session
        opened otherwise (single sign-on) one success too"""
        WebUser = Pool().get('web.user')
        citizen = make_web_user('lan.audit@example.vn')
        citizen.password = CITIZEN_PASSWORD
        citizen.save()

        start = last_id()
        self.assertIsNone(
            WebUser.authenticate('lan.audit@example.vn', 'wrong password'))
        failure, = events_after(start)
        self.assertEqual(
            (failure.kind, failure.web_user, failure.login,
                failure.ip_address, failure.user),
            ('portal_login_failure', citizen, 'lan.audit@example.vn',
                '198.51.100.9', None))

        start = last_id()
        user = WebUser.authenticate('Lan.Audit@example.vn', CITIZEN_PASSWORD)
        self.assertEqual(user, citizen)
        user.new_session()
        success, = events_after(start)
        self.assertEqual(
            (success.kind, success.web_user, success.login,
                success.ip_address),
            ('portal_login', citizen, 'lan.audit@example.vn',
                '198.51.100.9'))

        # Single sign-on opens a session without a password.
        other = make_web_user('minh.audit@example.vn')
        start = last_id()
        other.new_session()
        sso, = events_after(start)
        self.assertEqual((sso.kind, sso.web_user, sso.details),
            ('portal_login', other, "New session"))

    @with_transaction(context=request('192.0.2.44'))
    def test_permission_changes(self):
        """R-OPS-3, R-SEC-1: adding a user to a group, creating and changing
        a model access, changing a record rule: one event each, naming
        what changed and who changed it; a client cannot hide a change
        behind the context of a module's data"""
        pool = Pool()
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
        ModelData = pool.get('ir.model.data')
        world = make_world()
        admin = User(ModelData.get_id('res', 'user_admin'))
        nobody = world.users['nobody']
        auditor_group = Group(ModelData.get_id('gov_agency', 'group_auditor'))

        start = last_id()
        with as_user(admin):
            User.write([User(nobody.id)], {
                    'groups': [('add', [auditor_group.id])]})
        event, = events_after(start)
        self.assertEqual(
            (event.kind, event.user, event.model, event.record_count,
                event.ip_address),
            ('permission_change', admin, 'res.user-res.group', 1,
                '192.0.2.44'))
        self.assertIn('Created', event.details)
        self.assertIn('nobody', event.details)
        self.assertIn(auditor_group.name, event.details)

        start = last_id()
        with as_user(admin):
            access, = ModelAccess.create([{
                        'model': 'gov.dossier',
                        'group': auditor_group.id,
                        'perm_read': True,
                        }])
            ModelAccess.write([access], {'perm_write': True})
        created, changed = events_after(start)
        self.assertEqual((created.kind, created.model, created.record_ids),
            ('permission_change', 'ir.model.access', str(access.id)))
        self.assertIn('gov.dossier', created.details)
        self.assertIn('perm_write', changed.details)
        self.assertIn('rw--', changed.details)

        # A record rule changed, with a context naming a module.
        RuleGroup = pool.get('ir.rule.group')
        rule_group, = RuleGroup.create([{
                    'name': "Audit test rule",
                    'model': 'gov.dossier',
                    'global_p': False,
                    'default_p': False,
                    'groups': [('add', [auditor_group.id])],
                    'rules': [('create', [{'domain': '[]'}])],
                    }])
        rule, = rule_group.rules
        start = last_id()
        with as_user(admin), Transaction().set_context(module='gov_audit'):
            Rule.write([Rule(rule.id)], {
                    'domain': '[["state", "!=", "draft"]]'})
        event, = events_after(start)
        self.assertEqual((event.kind, event.model, event.user),
            ('permission_change', 'ir.rule', admin))
        self.assertIn('Changed', event.details)
        self.assertIn('state', event.details)

        # Deactivating a staff account.
        start = last_id()
        with as_user(admin):
            User.write([User(nobody.id)], {'active': False})
        event, = events_after(start)
        self.assertEqual((event.model, event.record_ids),
            ('res.user', str(nobody.id)))
        self.assertIn('active=False', event.details)

    @with_transaction(context=request('192.0.2.50'))
    def test_export(self):
        """R-OPS-3, R-SEC-1: an officer's export of dossiers is one event
        (model, number of records, fields); the auditor's export of the
        audit log is logged too; the server's own exports are not"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Event = pool.get('gov.audit.event')
        world = make_world()
        dossiers = [self.submitted(world) for _ in range(3)]
        receiver = world.users['receiver_a']

        start = last_id()
        Dossier.export_data(dossiers, ['code', 'applicant_name'])
        self.assertEqual(events_after(start), [])

        with as_user(receiver):
            rows = Dossier.export_data(Dossier.browse(dossiers),
                ['code', 'applicant_name'])
        self.assertEqual(len(rows), 3)
        event, = events_after(start)
        self.assertEqual(
            (event.kind, event.user, event.model, event.record_count,
                event.ip_address),
            ('export', receiver, 'gov.dossier', 3, '192.0.2.50'))
        self.assertEqual(set(map(int, event.record_ids.split(','))),
            {d.id for d in dossiers})
        self.assertEqual(event.details, 'Fields: code, applicant_name')

        auditor = world.users['auditor']
        start = last_id()
        with as_user(auditor):
            Event.export_data_domain([], ['date', 'kind', 'login'])
        event, = events_after(start)
        self.assertEqual((event.kind, event.user, event.model),
            ('export', auditor, 'gov.audit.event'))

    @with_transaction()
    def test_personal_data_read(self):
        """R-OPS-3, R-SEC-1: an officer opening one dossier (its form reads
        the applicant's fields) is one event; a list of dossiers, a form
        without personal fields, and the server's reads are none"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        one, two = [self.submitted(world) for _ in range(2)]
        receiver = world.users['receiver_a']

        start = last_id()
        with as_user(receiver):
            Dossier.read([one.id, two.id], FORM_FIELDS)
            Dossier.search_read([('id', 'in', [one.id, two.id])],
                fields_names=FORM_FIELDS)
            Dossier.read([one.id], ['code', 'state', 'procedure.rec_name'])
        Dossier.read([one.id], FORM_FIELDS)
        self.assertEqual(events_after(start), [])

        with as_user(receiver):
            Dossier.read([one.id], FORM_FIELDS)
        event, = events_after(start)
        self.assertEqual(
            (event.kind, event.user, event.model, event.record_ids,
                event.record_count),
            ('personal_data_read', receiver, 'gov.dossier', str(one.id), 1))
        self.assertEqual(event.details,
            'Fields: applicant_address, applicant_id_number, '
            'applicant_name, form_data')

    def test_read_in_readonly_transaction(self):
        """R-OPS-3: RPC reads run in read-only transactions: the event is
        written and committed in a transaction of its own"""
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            dossier = self.submitted(world)
            receiver = world.users['receiver_a']
            start = last_id()
            transaction.commit()
        context = dict(request('192.0.2.60'), _check_access=True)
        with Transaction().start(DB_NAME, receiver.id, readonly=True,
                context=context):
            Dossier = Pool().get('gov.dossier')
            Dossier.read([dossier.id], FORM_FIELDS)
        with Transaction().start(DB_NAME, 0):
            event, = events_after(start)
            self.assertEqual(
                (event.kind, event.user.id, event.record_ids,
                    event.ip_address),
                ('personal_data_read', receiver.id, str(dossier.id),
                    '192.0.2.60'))

    def test_form_read_cost(self):
        """R-OPS-3: what the log adds to an officer's form read (RPC-like:
        read-only transaction, the event committed in its own): measured,
        printed, and bounded"""
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            dossier = self.submitted(world)
            receiver = world.users['receiver_a']
            Dossier = Pool().get('gov.dossier')
            transaction.commit()
        context = dict(request('192.0.2.70'), _check_access=True)

        def form_read():
            with Transaction().start(DB_NAME, receiver.id, readonly=True,
                    context=context):
                started = time.perf_counter()
                Dossier.read([dossier.id], FORM_FIELDS)
                return time.perf_counter() - started
        logged, unlogged = [], []
        for i in range(33):
            with patch.object(Dossier, '_audit_personal_fields', set()):
                plain = form_read()
            audited = form_read()
            if i >= 3:  # warm-up: caches, connections
                unlogged.append(plain)
                logged.append(audited)
        added = statistics.median(logged) - statistics.median(unlogged)
        print('form read: %.2f ms without the log, %.2f ms with it '
            '(+%.2f ms, median of %d)' % (
                statistics.median(unlogged) * 1000,
                statistics.median(logged) * 1000, added * 1000,
                len(logged)))
        with Transaction().start(DB_NAME, 0):
            Event = Pool().get('gov.audit.event')
            self.assertEqual(Event.search_count([
                        ('kind', '=', 'personal_data_read'),
                        ('ip_address', '=', '192.0.2.70')]), 33)
        self.assertLess(added, 0.05)

    @with_transaction()
    def test_append_only(self):
        """R-SEC-1: the auditor reads the events and cannot change or
        delete them; an administrator and the other groups cannot even read
        them; root cannot change, delete or forge one through the ORM"""
        pool = Pool()
        Event = pool.get('gov.audit.event')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        world = make_world()
        Event.log('export', user=world.users['receiver_a'],
            model='gov.dossier', records=[1], details='Fields: code')
        event, = Event.search([], order=[('id', 'DESC')], limit=1)
        admin = User(ModelData.get_id('res', 'user_admin'))

        with as_user(world.users['auditor']):
            self.assertEqual(Event.read([event.id], ['details'])[0]['details'],
                'Fields: code')
            with self.assertRaises(AccessError):
                Event.write([Event(event.id)], {'details': 'forged'})
            with self.assertRaises(AccessError):
                Event.delete([Event(event.id)])
            with self.assertRaises(AccessError):
                Event.create([{'date': utcnow(), 'kind': 'export'}])
        for login in ['receiver_a', 'leader_a', 'admin_p', 'ict', 'nobody']:
            with self.subTest(login=login), as_user(world.users[login]):
                with self.assertRaises(AccessError):
                    Event.search([])
                with self.assertRaises(AccessError):
                    Event.read([event.id], ['details'])
        with as_user(admin):
            with self.assertRaises(AccessError):
                Event.search([])
            with self.assertRaises(AccessError):
                Event.write([Event(event.id)], {'details': 'forged'})
            with self.assertRaises(AccessError):
                Event.delete([Event(event.id)])
        # Root, without access checks: refused by the model itself.
        with self.assertRaises(AuditAppendOnlyError):
            Event.write([event], {'details': 'forged'})
        with self.assertRaises(AuditAppendOnlyError):
            Event.delete([event])
        with Transaction().set_user(admin.id), \
                self.assertRaises(AuditAppendOnlyError):
            Event.create([{'date': utcnow(), 'kind': 'export'}])
        self.assertEqual(Event(event.id).details, 'Fields: code')

    @with_transaction()
    def test_retention(self):
        """R-OPS-3 (Nghị định 53/2022: at least 12 months): the daily cron
        deletes only the events older than the retention (24 months by
        default); a retention under 12 months is refused, in the settings
        and in the configuration file, and then nothing is deleted"""
        pool = Pool()
        Event = pool.get('gov.audit.event')
        Configuration = pool.get('gov.audit.configuration')
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        now = utcnow()
        ages = {'25m': relativedelta(months=25),
            '23m': relativedelta(months=23),
            '11m': relativedelta(months=11),
            'now': relativedelta()}
        ids = {}
        table = Event.__table__()
        cursor = Transaction().connection.cursor()
        for name, age in ages.items():
            Event.log('export', login=name)
            ids[name] = last_id()
            # Aged in SQL, as only the database owner could.
            cursor.execute(*table.update([table.date], [now - age],
                    where=table.id == ids[name]))

        def remaining():
            return {n for n, i in ids.items()
                if Event.search([('id', '=', i)])}

        with configured('gov_audit', retention_months=6):
            with self.assertRaises(RetentionConfigError):
                Event.purge_expired()
        self.assertEqual(remaining(), set(ages))

        cron = Cron(ModelData.get_id('gov_audit', 'cron_purge_expired'))
        self.assertEqual(cron.interval_type, 'days')
        Cron.run_once([cron])
        self.assertEqual(remaining(), {'23m', '11m', 'now'})

        config = Configuration(1)
        config.retention_months = MIN_RETENTION_MONTHS - 1
        with self.assertRaises(RetentionError):
            config.save()
        start = last_id()
        config = Configuration(1)
        config.retention_months = MIN_RETENTION_MONTHS
        config.save()
        event, = events_after(start)
        self.assertEqual((event.kind, event.details),
            ('audit_settings', 'retention_months=12'))
        Event.purge_expired()
        self.assertEqual(remaining(), {'11m', 'now'})


del ModuleDossierTestCase
