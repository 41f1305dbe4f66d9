# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import as_user, make_world

from ..exceptions import ContractError
from .tools import PostalTestCase, make_contract, make_enterprise


class ContractTestCase(PostalTestCase):
    "R-POST-1, R-POST-4: postal contracts and what they publish"

    @with_transaction()
    def test_journey_time_capped(self):
        """R-POST-1: a full-journey time above the configured cap (national
        postal quality rules) is refused; the cap is the administrator's"""
        pool = Pool()
        Configuration = pool.get('gov.postal.configuration')
        world = make_world()
        contract = make_contract(world, activate=False,
            services=[('return_result', 24, 0)])
        service, = contract.services
        # Checked as the record is validated (not an SQL constraint: the
        # transaction stays usable on PostgreSQL).
        service.journey_hours = 73
        with self.assertRaises(ValidationError) as cm:
            service.save()
        self.assertIn('73', cm.exception.message)
        self.assertIn('72', cm.exception.message)
        service.journey_hours = 0
        with self.assertRaises(ValidationError):
            service.save()
        configuration = Configuration(1)
        configuration.journey_hours_cap = 96
        configuration.save()
        service.journey_hours = 73
        service.save()
        pool.get('gov.postal.contract').activate([contract])
        contract = pool.get('gov.postal.contract')(contract.id)
        self.assertEqual(contract.state, 'active')

    @with_transaction()
    def test_activation_needs_the_terms(self):
        """R-POST-1: an active contract names its procedures, services, the
        training clause and a fee-collection method; who and when kept"""
        pool = Pool()
        Contract = pool.get('gov.postal.contract')
        world = make_world()
        contract = make_contract(world, activate=False,
            training_clause=None)
        with self.assertRaises(ContractError) as cm:
            Contract.activate([contract])
        self.assertIn('19.4', cm.exception.message)
        contract.training_clause = "Tập huấn hai buổi mỗi năm."
        contract.collect_cod = False
        contract.save()
        with self.assertRaises(ContractError):
            Contract.activate([contract])
        contract.collect_transfer = True
        contract.save()
        with as_user(world['admin_p']):
            Contract.activate([Contract(contract.id)])
        contract = Contract(contract.id)
        self.assertEqual(contract.state, 'active')
        self.assertEqual(contract.activated_by, world['admin_p'])
        self.assertIsNotNone(contract.activated_at)
        # Active, its terms no longer change; ended with a reason.
        with self.assertRaises(ContractError):
            Contract.end([contract], '  ')
        Contract.end([contract], "Doanh nghiệp chấm dứt dịch vụ")
        self.assertEqual(Contract(contract.id).state, 'terminated')
        self.assertEqual(Contract(contract.id).end_reason,
            "Doanh nghiệp chấm dứt dịch vụ")

    @with_transaction()
    def test_offers_follow_active_valid_contracts(self):
        """R-POST-4, R-SUB-10: the portal publishes the charge and journey
        time of the active contracts only; an expired contract offers
        nothing"""
        pool = Pool()
        Contract = pool.get('gov.postal.contract')
        Dossier = pool.get('gov.dossier')
        world = make_world()
        procedure = world.procedure
        self.assertEqual(Contract.public_offers(procedure), [])
        draft = Dossier(agency=world['a'], procedure=procedure)
        self.assertFalse(draft._postal_return_offered())
        contract = make_contract(world, end_date=dt.date(2025, 12, 31))
        offers = Contract.public_offers(procedure, date=dt.date(2025, 6, 1))
        self.assertEqual(len(offers), 1)
        services = {s['kind']: s for s in offers[0]['services']}
        self.assertEqual(services['return_result']['hours'], 24)
        self.assertEqual(services['return_result']['charge'], Decimal(20000))
        self.assertEqual(services['pickup_home']['charge'], Decimal(15000))
        self.assertEqual(offers[0]['agency'], world['a'])
        self.assertIsNotNone(Contract.offer(
                world['a'], procedure, {'return_result'},
                date=dt.date(2025, 6, 1)))
        # Another agency has no contract.
        self.assertIsNone(Contract.offer(
                world['b'], procedure, {'return_result'},
                date=dt.date(2025, 6, 1)))
        # Past its end date: expired by the daily job, offers nothing.
        Contract.expire_ended(date=dt.date(2026, 1, 1))
        self.assertEqual(Contract(contract.id).state, 'expired')
        self.assertEqual(Contract.public_offers(
                procedure, date=dt.date(2025, 6, 1)), [])

    @with_transaction()
    def test_offers_follow_procedure_versions(self):
        """R-POST-4, R-CAT-6: a contract covers every version of the
        procedures it names: once version 2 is current the portal still
        publishes the offer, and the dossiers of version 1 keep it — also
        from a contract signed after version 2, naming it only"""
        pool = Pool()
        Contract = pool.get('gov.postal.contract')
        Procedure = pool.get('gov.procedure')
        world = make_world()
        v1 = world.procedure
        contract = make_contract(world)
        v2, = Procedure.new_version([v1])
        Procedure.publish([v2])
        self.assertEqual(Procedure(v1.id).state, 'superseded')
        day = dt.date(2026, 6, 1)
        for procedure in [v2, v1]:
            offers = Contract.public_offers(procedure, date=day)
            self.assertEqual([o['agency'] for o in offers], [world['a']])
            self.assertTrue(Procedure(procedure.id).postal_offers())
        self.assertTrue(Procedure(v2.id).postal_pickup_offered(world['a']))
        make_contract(world, contract.enterprise, agency='b',
            number='HD-02/2026', procedures=[v2])
        self.assertIsNotNone(Contract.offer(
                world['b'], v1, {'return_result'}, date=day))

    @with_transaction()
    def test_only_administrators_write_contracts(self):
        """R-POST-1, R-AG-3: officers and postal staff read contracts, only
        the provincial office's administrators write them"""
        pool = Pool()
        Contract = pool.get('gov.postal.contract')
        Enterprise = pool.get('gov.postal.enterprise')
        world = make_world()
        contract = make_contract(world)
        for login in ['receiver_a', 'postal', 'auditor']:
            with as_user(world[login]):
                self.assertEqual(
                    Contract(contract.id).number, contract.number)
                with self.assertRaises(AccessError):
                    Contract.write([Contract(contract.id)],
                        {'responsibilities': "x"})
                with self.assertRaises(AccessError):
                    Enterprise.create([{'name': "X", 'code': 'X'}])
        with as_user(world['nobody']):
            with self.assertRaises(AccessError):
                Contract.read([contract.id], ['number'])
        with as_user(world['admin_p']):
            make_enterprise(code='VIETTEL', name="Viettel Post")
