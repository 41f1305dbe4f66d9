# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Access to dossiers tried from the attacker's side (R-AG-3, R-SEC-2).

Citizens use the portal (web.user), never an RPC session: the portal routes
reach dossiers only through the ownership helpers. An RPC account without a
staff role (the closest an outsider gets) reaches nothing; an officer
reaches the dossiers of their agency subtree and those routed to it."""

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .dossier_fixtures import (
    CITIZEN_ID_B, PDF, DossierTestCase, as_user, at, local, make_dossier,
    make_web_user, make_world, reload)

MON = local(2025, 3, 3, 9, 0)


class AccessTestCase(DossierTestCase):
    "R-AG-3: who reads and writes which dossier, checked by the server"

    def two_citizens(self, world):
        "Citizen A's and citizen B's submitted dossiers with files."
        Dossier = Pool().get('gov.dossier')
        lan = make_web_user('lan@example.com')
        tuan = make_web_user('tuan@example.com')
        dossier_a = make_dossier(world, web_user=lan.id)
        dossier_b = make_dossier(world, web_user=tuan.id,
            applicant_name="Trần Văn Tuấn", applicant_id_number=CITIZEN_ID_B,
            form_data={'ho_ten': "Trần Văn Tuấn"})
        with at(MON):
            Dossier.portal_submit([dossier_a], lan, declared=True)
            Dossier.portal_submit([dossier_b], tuan, declared=True)
        return lan, tuan, reload(dossier_a), reload(dossier_b)

    @with_transaction()
    def test_rpc_user_without_role_reaches_nothing(self):
        "R-AG-3, R-SEC-2: every RPC method on dossiers fails without a role"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        History = pool.get('gov.dossier.history')
        Step = pool.get('gov.dossier.step')
        Attachment = pool.get('ir.attachment')
        Note = pool.get('ir.note')
        Wizard = pool.get('gov.dossier.reject', type='wizard')
        world = make_world()
        _, _, dossier, _ = self.two_citizens(world)
        Dossier.receive([dossier])
        dossier = reload(dossier)
        attachment, = Attachment.create([{'name': 'scan.pdf',
                    'resource': str(dossier), 'data': PDF}])
        note, = Note.create([{'resource': str(dossier),
                    'message': "Số điện thoại 0912…"}])
        ids = {
            Dossier: [dossier.id],
            Document: [d.id for d in dossier.documents],
            History: [h.id for h in dossier.history],
            Step: [s.id for s in dossier.steps],
            Attachment: [attachment.id],
            Note: [note.id],
            }
        for login in ['nobody', 'ict']:
            with as_user(world[login]):
                for Model, record_ids in ids.items():
                    name = Model.__name__
                    if login == 'nobody' and Model not in {Attachment, Note}:
                        with self.assertRaises(AccessError, msg=name):
                            Model.search([])
                        with self.assertRaises(AccessError, msg=name):
                            Model.search_count([])
                    else:
                        # Attachments and notes of dossiers are refused or
                        # filtered out.
                        try:
                            found = Model.search([])
                        except AccessError:
                            found = []
                        self.assertNotIn(record_ids[0], [r.id for r in found])
                    with self.assertRaises(AccessError, msg=name):
                        Model.read(record_ids, ['id', 'rec_name'])
                    with self.assertRaises(AccessError, msg=name):
                        Model.export_data(Model.browse(record_ids), ['id'])
                    with self.assertRaises(AccessError, msg=name):
                        Model.write(Model.browse(record_ids), {})
                    with self.assertRaises(AccessError, msg=name):
                        Model.delete(Model.browse(record_ids))
                with self.assertRaises(AccessError):
                    Dossier.create([{'procedure': world.procedure.id,
                                'agency': world['desk_a'].id}])
                with self.assertRaises(AccessError):
                    Attachment.create([{'name': 'x.pdf', 'data': PDF,
                                'resource': str(dossier)}])
                for button in ['receive', 'process', 'forward', 'done',
                        'submit', 'withdraw', 'suspend']:
                    with self.assertRaises(UserError, msg=button):
                        getattr(Dossier, button)(
                            [Dossier(dossier.id)], reason='x')
                with Transaction().set_context(active_model='gov.dossier',
                        active_id=dossier.id, active_ids=[dossier.id]):
                    with self.assertRaises(AccessError):
                        Wizard.create()
        self.assertEqual(reload(dossier).state, 'received')

    @with_transaction()
    def test_citizen_b_cannot_reach_citizen_a(self):
        "R-AG-3: ownership helpers of the portal refuse another citizen"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        lan, tuan, dossier_a, dossier_b = self.two_citizens(world)
        self.assertEqual(Dossier.search_owned(lan), [dossier_a])
        self.assertEqual(Dossier.search_owned(tuan), [dossier_b])
        self.assertEqual(Dossier.search_owned(tuan,
                [('code', '=', dossier_a.code)]), [])
        self.assertEqual(Dossier.search_owned(None), [])
        dossier_a.check_owner(lan)
        for web_user in [tuan, None]:
            with self.assertRaises(AccessError):
                dossier_a.check_owner(web_user)
            with self.assertRaises(AccessError):
                dossier_a.documents[0].check_owner(web_user)
        with self.assertRaises(AccessError):
            Dossier.portal_withdraw([dossier_a], tuan, "x")
        with self.assertRaises(AccessError):
            Dossier.portal_submit([dossier_a], tuan, declared=True)
        self.assertEqual(reload(dossier_a).state, 'submitted')
        # Knowing A's code is not enough to read A's personal data.
        found, full = Dossier.lookup(dossier_a.code, pin=dossier_b.pin
            if dossier_b.pin != dossier_a.pin else None)
        self.assertFalse(full)
        self.assertNotIn('applicant_name', found.get_public_status(full))
        # The citizen's own history hides the officers' names.
        entry = dossier_a.get_public_history()[0]
        self.assertNotIn('user', entry)

    @with_transaction()
    def test_officers_see_their_agency(self):
        "R-AG-3: staff see their agency subtree and what is routed to them"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        world = make_world()
        _, _, dossier_a, _ = self.two_citizens(world)
        dossier_b = make_dossier(world, agency='desk_b')
        with at(MON):
            Dossier.submit([dossier_b])
        visible = {
            'receiver_a': {dossier_a.id},
            'leader_a': {dossier_a.id},
            'receiver_b': {dossier_b.id},
            'specialist_a': set(),  # not routed to unit A yet
            'specialist_tax': set(),
            'auditor': {dossier_a.id, dossier_b.id},
            'admin_p': {dossier_a.id, dossier_b.id},
            }
        for login, expected in visible.items():
            with as_user(world[login]):
                found = {d.id for d in Dossier.search([])}
                self.assertEqual(found & {dossier_a.id, dossier_b.id},
                    expected, login)
        with as_user(world['receiver_b']):
            with self.assertRaises(AccessError):
                Dossier.read([dossier_a.id], ['applicant_name'])
            with self.assertRaises(AccessError):
                Document.read([d.id for d in dossier_a.documents], ['data'])
            # export_data checks the rules in the database too.
            with self.assertRaises(AccessError):
                Document.export_data(
                    Document.browse([d.id for d in dossier_a.documents]),
                    ['name', 'data'])
            with self.assertRaises(AccessError):
                Dossier.export_data([Dossier(dossier_a.id)],
                    ['applicant_name', 'documents/data'])
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(dossier_a.id)], {'notes': 'x'})
            self.assertEqual(
                Dossier.search([('code', '=', dossier_a.code)]), [])
        # Received: routed to unit A; then transferred to the tax office.
        with as_user(world['receiver_a']):
            Dossier.receive([Dossier(dossier_a.id)])
        with as_user(world['specialist_a']):
            self.assertEqual(Dossier.search([]), [Dossier(dossier_a.id)])
            Dossier.process([Dossier(dossier_a.id)])
            Dossier.transfer([Dossier(dossier_a.id)], agency=world['tax'].id,
                days=2, reason="Ý kiến thuế")
        with as_user(world['specialist_tax']):
            self.assertEqual(Dossier.search([]), [Dossier(dossier_a.id)])
            Dossier.read([dossier_a.id], ['applicant_name'])
        # The other district's specialist still sees nothing.
        with as_user(world['specialist_b']):
            self.assertEqual(Dossier.search([]), [])

    @with_transaction()
    def test_auditor_reads_writes_nothing(self):
        "R-AG-3: the auditor reads everything and changes nothing"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        world = make_world()
        _, _, dossier, _ = self.two_citizens(world)
        auditor = world['auditor']
        with as_user(auditor):
            self.assertEqual(len(Dossier.search([])), 2)
            Dossier.read([dossier.id], ['applicant_name', 'history'])
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(dossier.id)], {'notes': 'x'})
            with self.assertRaises(AccessError):
                Document.create([{'dossier': dossier.id, 'name': 'x.pdf',
                            'data': PDF, 'kind': 'other'}])
            for button in ['receive', 'reject', 'withdraw']:
                with self.assertRaises(UserError):
                    getattr(Dossier, button)([Dossier(dossier.id)],
                        reason='x')
        self.assertEqual(reload(dossier).state, 'submitted')
        self.assertFalse(reload(dossier).notes)

    @with_transaction()
    def test_leader_reads_agency(self):
        "R-AG-3: the leader reads all of the agency; cannot process"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        _, _, dossier, _ = self.two_citizens(world)
        with as_user(world['leader_a']):
            self.assertEqual(len(Dossier.search([])), 2)
            for button in ['receive', 'process', 'done']:
                with self.assertRaises(UserError):
                    getattr(Dossier, button)([Dossier(dossier.id)])
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(dossier.id)], {'state': 'done'})
        self.assertEqual(reload(dossier).state, 'submitted')
