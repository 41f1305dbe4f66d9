# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Dossier codes, lookup PINs and QR tokens (R-SUB-5, R-LOOK-1)."""
import re
import threading
import time
import uuid
from unittest.mock import patch
from decimal import Decimal

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction

from .dossier_fixtures import (
    DossierTestCase, as_user, at, dossier_values, local, make_dossier,
    make_world, reload)

DESK_A = '000.30.21.H16'
DESK_B = '000.30.22.H16'


class CodeTestCase(DossierTestCase):
    "R-SUB-5: <agency code>-<yymmdd>-<number of the day, 4 digits>"

    def Dossier(self):
        return Pool().get('gov.dossier')

    def submit(self, world, moment, **values):
        Dossier = self.Dossier()
        dossier = make_dossier(world, **values)
        with at(moment):
            Dossier.submit([dossier])
        return reload(dossier)

    @with_transaction()
    def test_format_and_daily_reset(self):
        "R-SUB-5: agency code, local date, daily number; reset every day"
        world = make_world()
        monday = local(2025, 3, 3, 9, 0)
        codes = [self.submit(world, monday).code for _ in range(3)]
        self.assertEqual(codes, [
                f'{DESK_A}-250303-0001', f'{DESK_A}-250303-0002',
                f'{DESK_A}-250303-0003'])
        # Each agency has its own numbers.
        self.assertEqual(self.submit(world, monday, agency='desk_b').code,
            f'{DESK_B}-250303-0001')
        # The next day starts again from 1.
        self.assertEqual(self.submit(world, local(2025, 3, 4, 8, 0)).code,
            f'{DESK_A}-250304-0001')
        # Back to Monday (a backfilled paper dossier): continues its day.
        self.assertEqual(self.submit(world, monday).code,
            f'{DESK_A}-250303-0004')
        pattern = re.compile(r'^[0-9.]+H16-\d{6}-\d{4}$')
        self.assertTrue(all(pattern.match(c) for c in codes))

    @with_transaction()
    def test_local_day(self):
        "R-SUB-5: the day of the code is the day in Việt Nam, not in UTC"
        world = make_world()
        # 23:30 on 3 March in Việt Nam is 16:30 UTC on 3 March.
        self.assertEqual(self.submit(world, local(2025, 3, 3, 23, 30)).code,
            f'{DESK_A}-250303-0001')
        # 00:30 on 4 March in Việt Nam is still 3 March in UTC.
        self.assertEqual(self.submit(world, local(2025, 3, 4, 0, 30)).code,
            f'{DESK_A}-250304-0001')

    @with_transaction()
    def test_when_assigned(self):
        "R-SUB-5: online at the first submission; desk at the reception"
        Dossier = self.Dossier()
        world = make_world()
        draft = make_dossier(world)
        self.assertIsNone(draft.code)
        online = self.submit(world, local(2025, 3, 3, 9, 0))
        self.assertIsNotNone(online.code)
        # Supplement and resubmission keep the code.
        code = online.code
        with at(local(2025, 3, 5, 9, 0)):
            Dossier.request_supplement([online], reason="Thiếu")
            Dossier.submit([reload(online)])
        self.assertEqual(reload(online).code, code)
        desk = make_dossier(world, channel='desk')
        self.assertIsNone(desk.code)
        with at(local(2025, 3, 6, 9, 0)):
            Dossier.receive([desk])
        self.assertEqual(reload(desk).code, f'{DESK_A}-250306-0001')

    @with_transaction()
    def test_pattern_is_configurable(self):
        "R-SUB-5: the pattern is a setting; ambiguous patterns are refused"
        pool = Pool()
        Configuration = pool.get('gov.dossier.configuration')
        world = make_world()
        configuration = Configuration(1)
        self.assertEqual(configuration.code_pattern,
            '{agency}-{yymmdd}-{seq:04d}')
        configuration.code_pattern = 'HS-{yyyy}{mm}{dd}/{agency}/{seq:05d}'
        configuration.save()
        self.assertEqual(self.submit(world, local(2025, 3, 3, 9, 0)).code,
            f'HS-20250303/{DESK_A}/00001')
        for pattern in ['{agency}-{seq:04d}', '{yymmdd}-{seq}',
                '{agency}-{yymmdd}', '{agency}-{dd}-{seq}', '{nope}-{seq}',
                '{agency']:
            configuration = Configuration(1)
            configuration.code_pattern = pattern
            with self.assertRaises(UserError, msg=pattern):
                configuration.save()

    @with_transaction()
    def test_code_unique(self):
        "R-SUB-5: the database refuses a duplicate code"
        Dossier = self.Dossier()
        world = make_world()
        first = self.submit(world, local(2025, 3, 3, 9, 0))
        second = make_dossier(world)
        with self.assertRaises(UserError):
            Dossier.write([second], {'code': first.code})

    @with_transaction()
    def test_pin_and_token(self):
        "R-SUB-5, R-LOOK-1: random PIN and QR token, never chosen by a client"
        Dossier = self.Dossier()
        world = make_world()
        dossiers = [make_dossier(world) for _ in range(5)]
        for dossier in dossiers:
            self.assertRegex(dossier.pin, r'^\d{6}$')
            self.assertGreaterEqual(len(dossier.qr_token), 20)
        self.assertEqual(len({d.qr_token for d in dossiers}), 5)
        copy, = Dossier.copy([dossiers[0]])
        self.assertNotEqual(copy.qr_token, dossiers[0].qr_token)
        self.assertIsNone(copy.code)
        self.assertEqual(copy.state, 'draft')
        # Given values are ignored on creation, refused on write.
        chosen, = Dossier.create([dossier_values(world, pin='123456',
                    qr_token='x' * 22)])
        self.assertNotEqual(chosen.qr_token, 'x' * 22)
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(chosen.id)], {'pin': '123456'})
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(chosen.id)], {'code': 'X-1'})

    @with_transaction()
    def test_public_lookup(self):
        "R-LOOK-1, R-LOOK-2: a code alone shows no personal data"
        Dossier = self.Dossier()
        world = make_world()
        dossier = self.submit(world, local(2025, 3, 3, 9, 0))
        found, full = Dossier.lookup(dossier.code)
        self.assertEqual((found, full), (dossier, False))
        status = found.get_public_status(full=full)
        self.assertNotIn('applicant_name', status)
        self.assertEqual(status['code'], dossier.code)
        # The next code of the day is not a way in either.
        other = self.submit(world, local(2025, 3, 3, 9, 5))
        found, full = Dossier.lookup(other.code, pin='000000'
            if other.pin != '000000' else '111111')
        self.assertFalse(full)
        found, full = Dossier.lookup(other.code, pin=other.pin)
        self.assertTrue(full)
        self.assertEqual(found.get_public_status(full)['applicant_name'],
            "Nguyễn Thị Lan")
        self.assertEqual(Dossier.lookup_token(other.qr_token), other)
        self.assertIsNone(Dossier.lookup_token(other.qr_token[:-1] + '#'))
        self.assertEqual(Dossier.lookup('nope'), (None, False))
        draft = make_dossier(world)
        self.assertIsNone(Dossier.lookup_token(draft.qr_token))

    def test_concurrent_submissions(self):
        "R-SUB-5: 20 parallel submissions get 20 distinct codes (PostgreSQL)"
        if backend.name == 'sqlite':
            self.skipTest("SQLite serialises writers with its database lock")
        run = uuid.uuid4().hex[:8].upper()
        agency_code = f'CC-{run}'
        moment = local(2025, 3, 3, 9, 0)
        ids, fixtures = self._concurrent_fixtures(run, agency_code, 20)
        Dossier = Pool(DB_NAME).get('gov.dossier')
        committed = Dossier._committed_code_sequence.__func__
        conflicts = []

        def count_conflicts(cls, key, day):
            conflicts.append(key)
            return committed(cls, key, day)
        patcher = patch.object(
            Dossier, '_committed_code_sequence',
            classmethod(count_conflicts))
        patcher.start()
        try:
            barrier = threading.Barrier(len(ids))
            errors, codes = [], {}

            def submit(dossier_id):
                try:
                    # No retry: a submission must not fail because another
                    # one runs at the same time.
                    with Transaction().start(DB_NAME, 0):
                        Dossier = Pool().get('gov.dossier')
                        barrier.wait(timeout=60)
                        dossier = Dossier(dossier_id)
                        Dossier.submit([dossier], at=moment)
                        codes[dossier_id] = Dossier(dossier_id).code
                        # Keep the transaction open a little so that the
                        # others meet its uncommitted number.
                        time.sleep(0.05)
                except Exception as exception:  # noqa: BLE001
                    errors.append(exception)
            threads = [threading.Thread(target=submit, args=(i,))
                for i in ids]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            self.assertEqual(errors, [])
            with Transaction().start(DB_NAME, 0) as transaction:
                Dossier = Pool().get('gov.dossier')
                dossiers = Dossier.browse(ids)
                stored = [d.code for d in dossiers]
                self.assertTrue(all(d.state == 'submitted' for d in dossiers))
                transaction.rollback()
            self.assertEqual(sorted(stored), sorted(codes.values()))
            self.assertEqual(len(set(stored)), 20)
            self.assertEqual(sorted(stored), [
                    f'{agency_code}-250303-{n:04d}' for n in range(1, 21)])
            # The submissions did meet: numbers taken by an uncommitted
            # transaction were detected and skipped.
            self.assertTrue(conflicts)
        finally:
            patcher.stop()
            self._concurrent_cleanup(ids, fixtures)

    def _concurrent_fixtures(self, run, agency_code, count):
        "Committed fixtures of the concurrency test."
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Agency = pool.get('gov.agency')
            Kind = pool.get('gov.agency.kind')
            Sector = pool.get('gov.sector')
            Field = pool.get('gov.field')
            Procedure = pool.get('gov.procedure')
            Component = pool.get('gov.procedure.component')
            Step = pool.get('gov.procedure.step')
            Party = pool.get('party.party')
            Dossier = pool.get('gov.dossier')
            kind, = Kind.search([('code', '=', 'one_stop_desk')])
            agency = Agency(name=f"Một cửa {run}", code=agency_code,
                kind=kind)
            agency.save()
            sector = Sector(name=f"S {run}", code=f'S-{run}')
            sector.save()
            field = Field(name=f"F {run}", code=f'F-{run}', sector=sector)
            field.save()
            procedure = Procedure(code=f'P-{run}', name=f"Thủ tục {run}",
                field=field, result_type='paper',
                processing_days=Decimal(3), agencies=[agency.id])
            procedure.components = [Component(name="Đơn", originals=1,
                    copies=0, mandatory=False)]
            procedure.steps = [Step(name="Xử lý", kind='process',
                    duration=Decimal(3))]
            procedure.save()
            Procedure.publish([procedure])
            party = Party(name=f"Công dân {run}")
            party.save()
            dossiers = Dossier.create([{
                        'procedure': procedure.id,
                        'agency': agency.id,
                        'channel': 'online',
                        'applicant': party.id,
                        'applicant_name': party.name,
                        'applicant_id_number': '067195001234',
                        } for _ in range(count)])
            ids = [d.id for d in dossiers]
            transaction.commit()
            return ids, (agency.id, sector.id, field.id, procedure.id,
                party.id)

    def _concurrent_cleanup(self, ids, fixtures):
        agency_id, sector_id, field_id, procedure_id, party_id = fixtures
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Dossier = pool.get('gov.dossier')
            Procedure = pool.get('gov.procedure')
            Agency = pool.get('gov.agency')
            Field = pool.get('gov.field')
            Sector = pool.get('gov.sector')
            Party = pool.get('party.party')
            Dossier.delete(Dossier.browse(ids))
            procedure = Procedure(procedure_id)
            Procedure.cancel([procedure])
            Procedure.delete([procedure])
            Field.delete([Field(field_id)])
            Sector.delete([Sector(sector_id)])
            Party.delete([Party(party_id)])
            Agency.delete([Agency(agency_id)])
            transaction.commit()

