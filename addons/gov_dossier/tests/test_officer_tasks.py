# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The back office's daily tasks: forwarding with an opinion and a draft
result, assigning a step to a named specialist and the "Assigned to Me"
tab, the eForm listed whole, the receiving agency at the post office,
several files at once, and the receipt before reception.

Every role test runs as the real user with the access checks of RPC
(as_user)."""
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import DossierWorkflowError
from .dossier_fixtures import (
    PDF, PNG, DossierTestCase, as_user, at, local, make_dossier, make_world,
    reload)
from .test_report import execute
from .test_routing import add_agency, add_officer, button_invisible

MON = local(2025, 3, 3, 9, 0)


def run_wizard(user, name, dossier, data, state):
    "Run a dossier wizard as the user, as sao does."
    Wizard = Pool().get(name, type='wizard')
    with as_user(user), at(MON), Transaction().set_context(
            active_model='gov.dossier', active_id=dossier.id,
            active_ids=[dossier.id]):
        session_id, _, _ = Wizard.create()
        Wizard.execute(session_id, data, state)
    return reload(dossier)


def wizard_defaults(user, name, dossier):
    "The values the wizard's first form shows to the user."
    Wizard = Pool().get(name, type='wizard')
    with as_user(user), at(MON), Transaction().set_context(
            active_model='gov.dossier', active_id=dossier.id,
            active_ids=[dossier.id]):
        session_id, _, _ = Wizard.create()
        result = Wizard.execute(session_id, {}, 'start')
    return result['view']['defaults']


class OfficerTasksTestCase(DossierTestCase):
    "R-PROC-1, R-AG-3: what officers do on a dossier between its steps"

    def received(self, world, **values):
        Dossier = Pool().get('gov.dossier')
        dossier = make_dossier(world, **values)
        with at(MON):
            Dossier.submit([dossier])
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        return reload(dossier)

    def processing(self, world, **values):
        Dossier = Pool().get('gov.dossier')
        dossier = self.received(world, **values)
        with as_user(world['specialist_a']), at(MON):
            Dossier.process([Dossier(dossier.id)])
        return reload(dossier)

    # forwarding ------------------------------------------------------------
    @with_transaction()
    def test_forward_with_opinion_and_draft(self):
        """R-PROC-1, R-PROC-7, R-SEC-2: the specialist's opinion is kept on
        the step and in the history for the head of unit, never shown to
        the citizen; the draft result is a document officers see and the
        portal does not"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = self.processing(world)
        self.assertEqual(dossier.current_step.name, "Thẩm định")
        # The wizard says where the dossier goes before it goes.
        defaults = wizard_defaults(
            world['specialist_a'], 'gov.dossier.forward', dossier)
        self.assertEqual(defaults['step'], "Thẩm định")
        self.assertEqual(defaults['next_step'], "Phê duyệt")
        self.assertEqual(defaults['next_unit'], world['unit_a'].id)
        opinion = "Hồ sơ đủ điều kiện; đề nghị cấp giấy phép."
        dossier = run_wizard(world['specialist_a'], 'gov.dossier.forward',
            dossier, {'start': {'opinion': opinion, 'draft': PDF,
                    'draft_name': 'du-thao-giay-phep.pdf'}}, 'forward')
        self.assertEqual(dossier.current_step.name, "Phê duyệt")
        check, = [s for s in dossier.steps if s.name == "Thẩm định"]
        self.assertEqual(check.opinion, opinion)
        self.assertEqual(check.user, world['specialist_a'])
        entry = [h for h in dossier.history if h.event == 'forwarded'][-1]
        self.assertEqual(entry.reason, opinion)
        # The head of unit reads it on the dossier, with the draft.
        with as_user(world['head_a']):
            seen = Dossier(dossier.id)
            self.assertIn(opinion, seen.previous_opinion)
            self.assertIn("Thẩm định", seen.previous_opinion)
            draft, = seen.draft_documents
            self.assertEqual((draft.kind, draft.name, bytes(draft.data)),
                ('draft', 'du-thao-giay-phep.pdf', PDF))
            self.assertEqual(draft.uploaded_by, world['specialist_a'])
        # Not a document of the dossier as the portal and the printed
        # documents read them, not in the citizen's history.
        self.assertNotIn(draft, dossier.documents)
        self.assertTrue(all(d.kind != 'draft' for d in dossier.documents))
        public = dossier.get_public_history()
        self.assertFalse(any(opinion in (h['reason'] or '') for h in public))

    @with_transaction()
    def test_forward_draft_checked_as_any_upload(self):
        "R-SUB-7: a draft that is not an allowed file is refused; no handover"
        world = make_world()
        dossier = self.processing(world)
        with self.assertRaises(UserError):
            run_wizard(world['specialist_a'], 'gov.dossier.forward', dossier,
                {'start': {'opinion': "x", 'draft': b'MZ\x90\x00binary',
                        'draft_name': 'du-thao.exe'}}, 'forward')
        dossier = reload(dossier)
        self.assertEqual(dossier.current_step.name, "Thẩm định")
        self.assertEqual(dossier.draft_documents, ())

    @with_transaction()
    def test_forward_button_asks_and_follows_forward(self):
        """R-AG-3: the Forward of the form opens the confirmation wizard,
        shown to whom may forward and hidden from the others"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = self.processing(world)
        for login, hidden in [('specialist_a', False), ('head_a', False),
                ('receiver_a', True)]:
            self.assertEqual(
                button_invisible(world[login], dossier, 'forward_opinion'),
                hidden, login)
        with as_user(world['specialist_a']):
            action = Dossier.forward_opinion([Dossier(dossier.id)])
        ModelData = Pool().get('ir.model.data')
        Action = Pool().get('ir.action')
        self.assertEqual(action, Action.get_action_id(
                ModelData.get_id('gov_dossier', 'wizard_forward')))
        with as_user(world['receiver_a']):
            with self.assertRaises(UserError):
                Dossier.forward_opinion([Dossier(dossier.id)])
        # Nobody else stores a draft or an opinion by calling Forward.
        for login in ['receiver_a', 'specialist_b', 'postal']:
            with as_user(world[login]):
                with self.assertRaises(UserError, msg=login):
                    Dossier.forward([Dossier(dossier.id)], opinion="x",
                        draft=PDF, draft_name='du-thao.pdf')
        dossier = reload(dossier)
        self.assertEqual(dossier.draft_documents, ())
        self.assertEqual(dossier.current_step.name, "Thẩm định")

    # assignment ------------------------------------------------------------
    @with_transaction()
    def test_assignment_limited_to_the_units_specialists(self):
        """R-AG-3, R-PROC-1: the one-stop officer or the head of the unit
        assigns the step to a specialist of the unit holding it, nobody
        else and to nobody else"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = self.received(world)
        step = dossier.step_at()
        self.assertEqual((step.name, step.unit), ("Thẩm định",
                world['unit_a']))
        # Another specialist of the unit, one of the desk, and an officer
        # of the unit without the role.
        minh = add_officer(world, 'minh', 'group_specialist', 'unit_a')
        add_officer(world, 'desk_specialist', 'group_specialist', 'desk_a')
        add_officer(world, 'clerk_a', 'group_receiver', 'unit_a')
        self.assertEqual(
            {u.login for u in Dossier.assignable_users(step)},
            {'specialist_a', 'minh'})
        defaults = wizard_defaults(
            world['receiver_a'], 'gov.dossier.assign', dossier)
        self.assertEqual(set(defaults['candidates']),
            {world['specialist_a'].id, minh.id})
        self.assertEqual(defaults['unit'], world['unit_a'].id)
        # Nobody outside the unit's specialists.
        for login in ['specialist_b', 'desk_specialist', 'clerk_a',
                'head_a']:
            with as_user(world['receiver_a']):
                with self.assertRaises(UserError, msg=login):
                    Dossier.assign([Dossier(dossier.id)],
                        assignee=world[login].id)
        self.assertIsNone(reload(dossier).assignee)
        # Nobody but a one-stop officer or the head of the unit assigns.
        for login in ['specialist_a', 'leader_a', 'postal', 'receiver_b']:
            with as_user(world[login]):
                with self.assertRaises(UserError, msg=login):
                    Dossier.assign([Dossier(dossier.id)],
                        assignee=minh.id)
        self.assertIsNone(reload(dossier).assignee)
        self.assertTrue(
            button_invisible(world['specialist_a'], dossier, 'assign'))
        self.assertFalse(
            button_invisible(world['receiver_a'], dossier, 'assign'))
        dossier = run_wizard(world['receiver_a'], 'gov.dossier.assign',
            dossier, {'start': {'assignee': minh.id, 'step': "Thẩm định",
                    'unit': world['unit_a'].id,
                    'candidates': [minh.id]}}, 'assign')
        self.assertEqual(dossier.assignee, minh)
        self.assertEqual(dossier.step_at().assignee, minh)
        entry = dossier.history[-1]
        self.assertEqual((entry.event, entry.user, entry.public),
            ('assigned', world['receiver_a'], False))
        self.assertIn('minh', entry.reason)
        # The head of the unit reassigns; a head of another unit cannot.
        with as_user(world['head_a']), at(MON):
            Dossier.assign([Dossier(dossier.id)],
                assignee=world['specialist_a'].id)
        self.assertEqual(reload(dossier).assignee, world['specialist_a'])
        head_b = add_officer(world, 'head_b', 'group_unit_head', 'unit_b')
        with as_user(head_b):
            with self.assertRaises(UserError):
                Dossier.assign([Dossier(dossier.id)], assignee=minh.id)
        # Only the assignment writes it.
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Dossier.write([Dossier(dossier.id)], {'assignee': minh.id})

    @with_transaction()
    def test_assigned_to_me_tab(self):
        """R-PROC-1, R-AG-3: the "Assigned to Me" tab lists the dossiers
        whose current step is the user's; forwarded, it leaves the tab; sent
        back, it comes back"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        ActionDomain = pool.get('ir.action.act_window.domain')
        ModelData = pool.get('ir.model.data')
        world = make_world()
        tab = ActionDomain(ModelData.get_id(
                'gov_dossier', 'act_dossier_form_domain_assigned'))

        def mine(user):
            domain = PYSONDecoder({'_user': user.id}).decode(tab.domain)
            with as_user(user):
                return Dossier.search(domain)
        dossier = self.received(world)
        other = self.received(world)
        self.assertEqual(mine(world['specialist_a']), [])
        with as_user(world['receiver_a']), at(MON):
            Dossier.assign([Dossier(dossier.id)],
                assignee=world['specialist_a'].id)
        self.assertEqual(mine(world['specialist_a']), [reload(dossier)])
        self.assertEqual(mine(world['head_a']), [])
        # It stays his while he processes it.
        with as_user(world['specialist_a']), at(MON):
            Dossier.process([Dossier(dossier.id)])
        self.assertEqual(mine(world['specialist_a']), [reload(dossier)])
        # Forwarded to the approval step: no longer his.
        with as_user(world['specialist_a']), at(MON):
            Dossier.forward([Dossier(dossier.id)], opinion="Đạt")
        self.assertIsNone(reload(dossier).assignee)
        self.assertEqual(mine(world['specialist_a']), [])
        # The approval step is the head's: no specialist to assign it to.
        self.assertTrue(
            button_invisible(world['head_a'], reload(dossier), 'assign'))
        # Sent back by the head: back to him.
        with as_user(world['head_a']), at(MON):
            Dossier.send_back([Dossier(dossier.id)], reason="Bổ sung ý kiến")
        self.assertEqual(reload(dossier).assignee, world['specialist_a'])
        self.assertEqual(mine(world['specialist_a']), [reload(dossier)])
        self.assertNotIn(reload(other), mine(world['specialist_a']))

    # eForm -----------------------------------------------------------------
    @with_transaction()
    def test_eform_lists_every_field(self):
        """R-CAT-4, R-SUB-3: choosing the procedure of a desk or postal
        dossier lists every eForm field, empty, with its type"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        FormField = pool.get('gov.procedure.form_field')
        world = make_world()
        other = world.procedure
        procedure = make_world(days='6', publish=False).procedure
        FormField.create([
                {'procedure': procedure.id, 'name': 'chieu_cao',
                    'string': "Chiều cao (m)", 'type_': 'numeric',
                    'digits': 2, 'sequence': 20},
                {'procedure': procedure.id, 'name': 'so_tang',
                    'string': "Số tầng", 'type_': 'integer', 'sequence': 30},
                ])
        with as_user(world['postal']):
            dossier = Dossier()
            dossier.state = 'draft'
            dossier.channel = 'postal'
            dossier.procedure = procedure
            dossier.on_change_procedure()
            self.assertEqual(dossier.form_data,
                {'ho_ten': None, 'chieu_cao': None, 'so_tang': None})
            # The keys are the procedure's fields, with their types, as
            # sao asks them (the Dict field's domain).
            keys = {k['name']: k['type'] for k in FormField.search_get_keys(
                    [('name', 'in', list(dossier.form_data)),
                        ('procedure', '=', procedure.id)])}
            self.assertEqual(keys, {'ho_ten': 'char',
                    'chieu_cao': 'numeric', 'so_tang': 'integer'})
            # Another procedure: its keys, the values of the same keys kept.
            dossier.form_data = {'ho_ten': "Trần Văn Tuấn",
                'chieu_cao': None, 'so_tang': 3}
            dossier.procedure = other
            dossier.on_change_procedure()
            self.assertEqual(dossier.form_data, {'ho_ten': "Trần Văn Tuấn"})
            # Saved, the empty values are not stored (fields.Dict), but an
            # officer reading the draft still gets every field.
            saved = make_dossier(world, channel='postal', agency='a',
                procedure=procedure, documents=[],
                form_data={'ho_ten': "Trần Văn Tuấn",
                    'chieu_cao': Decimal('8.5'), 'so_tang': None})
            data, = Dossier.read([saved.id], ['form_data'])
            self.assertEqual(data['form_data'], {'ho_ten': "Trần Văn Tuấn",
                    'chieu_cao': Decimal('8.5'), 'so_tang': None})
        with Transaction().set_user(0):
            data, = Dossier.read([saved.id], ['form_data'])
        self.assertEqual(data['form_data'],
            {'ho_ten': "Trần Văn Tuấn", 'chieu_cao': Decimal('8.5')})
        # The portal's own drafts are read as stored.
        online = make_dossier(world, procedure=procedure,
            form_data={'ho_ten': "Lan"}, documents=[])
        with as_user(world['receiver_a']):
            data, = Dossier.read([online.id], ['form_data'])
        self.assertEqual(data['form_data'], {'ho_ten': "Lan"})

    # receiving agency ------------------------------------------------------
    @with_transaction()
    def test_postal_agency_default_and_choices(self):
        """R-POST-2, R-SUB-3: the post office addresses the dossier to the
        agency handling the procedure for the applicant's area, and can
        only choose agencies that handle it"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        add_agency(world, 'ward_b', '000.01.22.H16',
            "Ủy ban nhân dân phường Nghĩa Trung", 'commune_committee', 'b')
        procedure = world.procedure  # offered by A and B

        def guess(address, procedure=procedure, agency=None):
            with as_user(world['postal']):
                dossier = Dossier()
                dossier.state = 'draft'
                dossier.channel = Dossier.default_channel()
                dossier.agency = agency
                dossier.procedure = procedure
                dossier.applicant = None
                dossier.applicant_address = address
                dossier.on_change_procedure()
                return dossier.agency
        with as_user(world['postal']):
            self.assertEqual(Dossier.default_channel(), 'postal')
            self.assertIsNone(Dossier.default_agency())
        # The district named in the address, or the one of its ward.
        self.assertEqual(guess("Thôn 3, huyện B, tỉnh Đắk Nông"), world['b'])
        self.assertEqual(guess("Tổ 2, phường Nghĩa Trung"), world['b'])
        self.assertEqual(guess("12 Lê Duẩn, P. Nghia Trung, Gia Nghĩa"),
            world['b'])
        # Nothing known: no guess between two agencies; the post office
        # itself is never the receiving agency.
        self.assertIsNone(guess(""))
        self.assertIsNone(guess("Số 5, đường 23/3", agency=world['post']))
        # Typed after the procedure: the address decides.
        with as_user(world['postal']):
            dossier = Dossier(state='draft', channel='postal',
                procedure=procedure, agency=None, applicant=None,
                applicant_address=None)
            dossier.on_change_procedure()
            self.assertIsNone(dossier.agency)
            dossier.applicant_address = "huyện A"
            dossier.on_change_applicant_address()
            self.assertEqual(dossier.agency, world['a'])
        # One offering agency: that one.
        single = make_world(days='6', publish=False).procedure
        single.agencies = [world['a']]
        single.save()
        self.assertEqual(guess("", procedure=single), world['a'])
        # The choices: the offering agencies and the desks serving them.
        with as_user(world['postal']):
            dossier = Dossier(procedure=procedure)
            self.assertEqual(
                set(dossier.on_change_with_handling_agencies()),
                {world[k].id for k in ['a', 'b', 'desk_a', 'desk_b']})
            # The same agencies in sao's picker (the agency's domain).
            Agency = Pool().get('gov.agency')
            self.assertEqual(
                {a.id for a in Agency.search(
                        [('procedures_handled', '=', procedure.id)])},
                {world[k].id for k in ['a', 'b', 'desk_a', 'desk_b']})
        with as_user(world['postal']):
            with self.assertRaises(UserError):
                make_dossier(world, channel='postal', agency='tax')
            with self.assertRaises(UserError):
                make_dossier(world, channel='postal', agency='post')
            postal = make_dossier(world, channel='postal', agency='b')
            self.assertEqual(postal.agency, world['b'])
        # The portal keeps its own list (a ward's committee…).
        online = make_dossier(world, agency='ward_b')
        self.assertEqual(online.agency, world['ward_b'])

    # files -----------------------------------------------------------------
    @with_transaction()
    def test_several_files_at_once(self):
        """R-POST-2, R-SUB-7: the files attached at once become the
        dossier's documents, the component found by the file name, through
        the upload checks"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Attachment = pool.get('ir.attachment')
        world = make_world()
        with as_user(world['postal']):
            dossier = make_dossier(world, channel='postal', agency='b',
                documents=[])
            self.assertEqual(dossier.documents, ())
            with self.assertRaises(UserError):
                Dossier.add_attachments([Dossier(dossier.id)])
            Attachment.create([
                    {'resource': str(dossier), 'name': 'Don_de_nghi.pdf',
                        'type': 'data', 'data': PDF},
                    {'resource': str(dossier), 'name': 'ban-sao-giay-to.png',
                        'type': 'data', 'data': PNG},
                    {'resource': str(dossier), 'name': 'anh-nha.png',
                        'type': 'data', 'data': PNG},
                    ])
            Dossier.add_attachments([Dossier(dossier.id)])
            documents = {d.name: (d.kind, d.component.name if d.component
                    else None) for d in Dossier(dossier.id).documents}
            self.assertEqual(documents, {
                    'Don_de_nghi.pdf': ('component', "Đơn đề nghị"),
                    'ban-sao-giay-to.png': ('component', "Bản sao giấy tờ"),
                    'anh-nha.png': ('other', None),
                    })
            self.assertEqual(Attachment.search(
                    [('resource', '=', str(dossier))]), [])
            # A file the upload checks refuse is refused here too.
            Attachment.create([{'resource': str(dossier),
                        'name': 'don.pdf', 'type': 'data',
                        'data': b'MZ\x90\x00not a pdf'}])
            with self.assertRaises(UserError):
                Dossier.add_attachments([Dossier(dossier.id)])

    # receipt ---------------------------------------------------------------
    @with_transaction()
    def test_receipt_before_reception(self):
        """R-PROC-5, R-POST-2, R-LOOK-1: before reception the receipt says
        "submitted, not yet received", with the code and PIN to follow the
        dossier and no appointment date; a draft has none"""
        from .tools import pdf_text
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        with as_user(world['postal']):
            dossier = make_dossier(world, channel='postal', agency='a')
            with self.assertRaises(DossierWorkflowError):
                execute('gov.dossier.receipt', dossier, world['postal'])
        with as_user(world['postal']), at(local(2025, 3, 3, 10, 30)):
            Dossier.submit([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'submitted')
        _, content, _, _ = execute(
            'gov.dossier.receipt', dossier, world['postal'])
        text = pdf_text(content)
        for expected in ["GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ",
                "Hồ sơ đã nộp, chưa được tiếp nhận",
                f"Mã hồ sơ: {dossier.code}",
                f"Mã tra cứu (PIN): {dossier.pin}",
                "Thời gian nộp hồ sơ: 10 giờ 30 phút, ngày 03/03/2025",
                "được hẹn khi cơ quan tiếp nhận hồ sơ",
                "Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc",
                "NHÂN VIÊN BƯU CHÍNH",
                "Đắk Nông, ngày 03 tháng 03 năm 2025"]:
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        for absent in ["Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ",
                "ngày .....", "kết quả giải quyết hồ sơ: ngày"]:
            with self.subTest(absent=absent):
                self.assertNotIn(absent, text)
        # Received, it is the official form 01 with the appointment date.
        with as_user(world['receiver_a']), at(local(2025, 3, 3, 14, 0)):
            Dossier.receive([Dossier(dossier.id)])
        _, content, _, _ = execute(
            'gov.dossier.receipt', reload(dossier), world['receiver_a'])
        text = pdf_text(content)
        self.assertIn("Mẫu số 01", text)
        self.assertIn("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", text)
        self.assertNotIn("chưa được tiếp nhận", text)
