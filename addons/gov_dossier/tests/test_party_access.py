# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who reads and changes the applicants (party.party), tried from the
attacker's side (R-AG-3, R-SEC-2): party.xml and party.py."""
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .dossier_fixtures import (
    CITIZEN_ID_B, DossierTestCase, as_user, at, dossier_values, local,
    make_dossier, make_world, reload)

MON = local(2025, 3, 3, 9, 0)
NO_PARTY_ACCESS = ['specialist_a', 'head_a', 'leader_a', 'ict', 'nobody']
ALL_PARTIES = ['auditor', 'admin_p']


class PartyAccessTestCase(DossierTestCase):
    "R-AG-3, R-SEC-2: applicants are read as their dossiers are"

    def two_applicants(self, world):
        "Lan applied at desk A, Tuấn at desk B: one party each."
        Dossier = Pool().get('gov.dossier')
        lan = make_dossier(world, channel='desk')
        tuan = make_dossier(world, channel='desk', agency='desk_b',
            applicant_name="Trần Văn Tuấn", applicant_id_number=CITIZEN_ID_B,
            form_data={'ho_ten': "Trần Văn Tuấn"})
        with at(MON):
            Dossier.receive([lan, tuan])
        return reload(lan), reload(tuan)

    @with_transaction()
    def test_officers_read_the_applicants_of_their_dossiers(self):
        "R-AG-3, R-SEC-2: desk A reads Lan, not Tuấn of desk B; by any path"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        world = make_world()
        lan, tuan = self.two_applicants(world)
        lan, tuan = lan.applicant, tuan.applicant
        other = tuan.identifiers[0]
        for login, mine, theirs in [('receiver_a', lan, tuan),
                ('receiver_b', tuan, lan), ('backfiller', lan, tuan)]:
            with as_user(world[login]):
                self.assertEqual(Party.search([]), [mine], login)
                self.assertEqual(
                    Identifier.search([]), list(mine.identifiers), login)
                for Model, record in [(Party, theirs),
                        (Identifier, theirs.identifiers[0])]:
                    with self.assertRaises(AccessError, msg=login):
                        Model.read([record.id], ['rec_name'])
                    with self.assertRaises(AccessError, msg=login):
                        Model.export_data([Model(record.id)], ['rec_name'])
                # Nor through a search on the code of the identifier.
                self.assertEqual(Party.search(
                        [('identifiers.code', '=', theirs.identifiers[0].code)
                            ]), [], login)
        for login in ALL_PARTIES:
            with as_user(world[login]):
                self.assertLessEqual({lan, tuan}, set(Party.search([])))
                Identifier.read([other.id], ['code'])
        for login in NO_PARTY_ACCESS:
            with as_user(world[login]):
                with self.assertRaises(AccessError, msg=login):
                    Party.search([])
                with self.assertRaises(AccessError, msg=login):
                    Identifier.read([other.id], ['code'])

    @with_transaction()
    def test_postal_staff_read_the_applicants_they_brought(self):
        "R-AG-3: postal staff read the parties of the dossiers they submitted"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Party = pool.get('party.party')
        world = make_world()
        lan, tuan = self.two_applicants(world)
        with as_user(world['postal']):
            self.assertEqual(Party.search([]), [])
            posted, = Dossier.create([dossier_values(world, channel='postal',
                        applicant_name="Lê Thị Cúc",
                        applicant_id_number='067300001111',
                        form_data={'ho_ten': "Lê Thị Cúc"})])
            with at(MON):
                Dossier.submit([posted])
            posted = reload(posted)
            self.assertEqual(Party.search([]), [posted.applicant])

    @with_transaction()
    def test_only_party_administrators_change_parties(self):
        """R-AG-3, R-SEC-1: no staff role creates, renames or deletes a
        party or adds an identification number"""
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        Mechanism = pool.get('party.contact_mechanism')
        world = make_world()
        lan, _ = self.two_applicants(world)
        party = lan.applicant
        for login in ['receiver_a', 'backfiller', 'specialist_a', 'leader_a',
                'postal', 'auditor', 'admin_p', 'ict', 'nobody']:
            with as_user(world[login]):
                with self.assertRaises(AccessError, msg=login):
                    Party.create([{'name': "Giả mạo"}])
                with self.assertRaises(AccessError, msg=login):
                    Party.write([Party(party.id)], {'name': "Đổi tên"})
                with self.assertRaises(AccessError, msg=login):
                    Party.delete([Party(party.id)])
                with self.assertRaises(AccessError, msg=login):
                    Identifier.create([{'party': party.id,
                                'type': 'vn_cccd', 'code': CITIZEN_ID_B}])
                with self.assertRaises(AccessError, msg=login):
                    Mechanism.create([{'party': party.id,
                                'type': 'phone', 'value': '0912345678'}])
        party = reload(lan).applicant
        self.assertEqual(party.name, "Nguyễn Thị Lan")
        self.assertEqual(len(party.identifiers), 1)
        self.assertEqual(party.contact_mechanisms, ())

    @with_transaction()
    def test_an_unreadable_applicant_cannot_be_linked(self):
        """R-AG-3, R-SEC-2: linking another agency's applicant to one's own
        draft would open it; it is refused, a readable one is accepted"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        lan, tuan = self.two_applicants(world)
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Dossier.create([dossier_values(world, channel='desk',
                            applicant=tuan.applicant.id)])
            draft, = Dossier.create([dossier_values(world, channel='desk',
                        applicant=lan.applicant.id)])
            with self.assertRaises(AccessError):
                Dossier.write([draft], {'applicant': tuan.applicant.id})
        self.assertEqual(reload(draft).applicant, lan.applicant)
