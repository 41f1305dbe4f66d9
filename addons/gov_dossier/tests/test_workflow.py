# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""States and transitions of a dossier, allowed and forbidden, by role.

Every role test runs as the real user with the access checks of RPC
(as_user); a forbidden transition must raise (AccessError for the button,
or a user error) and leave the state unchanged."""
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .dossier_fixtures import (
    PDF, DossierTestCase, as_user, at, dossier_values, local, make_dossier,
    make_procedure, make_web_user, make_world, reload)

MON = local(2025, 3, 3, 9, 0)


class WorkflowTestCase(DossierTestCase):
    "R-PROC-1, R-AG-3: the dossier workflow and who may move it"

    # helpers ---------------------------------------------------------------
    def Dossier(self):
        return Pool().get('gov.dossier')

    def refused(self, user, method, dossier, **kwargs):
        "The user cannot call the button: error raised, state unchanged."
        Dossier = self.Dossier()
        before = reload(dossier).state
        with as_user(user):
            with self.assertRaises(UserError, msg=(user.login, method)):
                getattr(Dossier, method)([Dossier(dossier.id)], **kwargs)
        self.assertEqual(reload(dossier).state, before, (user.login, method))

    def allowed(self, user, method, dossier, **kwargs):
        Dossier = self.Dossier()
        with as_user(user):
            getattr(Dossier, method)([Dossier(dossier.id)], **kwargs)
        return reload(dossier)

    def submitted(self, world, **values):
        Dossier = self.Dossier()
        dossier = make_dossier(world, **values)
        Dossier.submit([dossier])
        return reload(dossier)

    def received(self, world, **values):
        dossier = self.submitted(world, **values)
        return self.allowed(world['receiver_a'], 'receive', dossier)

    def processing(self, world, **values):
        dossier = self.received(world, **values)
        return self.allowed(world['specialist_a'], 'process', dossier)

    # tests -----------------------------------------------------------------
    @with_transaction()
    def test_online_journey_by_roles(self):
        "R-PROC-1, R-SUB-1, R-SUB-3: portal → receiver → unit → head → desk"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        events = []
        with patch.object(Dossier, '_on_event',
                side_effect=lambda ds, e: events.append(
                    (e, [d.state for d in ds]))), at(MON):
            Dossier.portal_submit([dossier], citizen, declared=True)
            dossier = reload(dossier)
            self.assertEqual(dossier.state, 'submitted')
            self.assertEqual(dossier.channel, 'online')
            dossier = self.allowed(world['receiver_a'], 'receive', dossier)
            self.assertEqual(dossier.state, 'received')
            self.assertEqual(dossier.current_unit, world['unit_a'])
            dossier = self.allowed(world['specialist_a'], 'process', dossier)
            self.assertEqual(dossier.state, 'processing')
            self.assertEqual(dossier.current_step.kind, 'check')
            dossier = self.allowed(world['specialist_a'], 'forward', dossier)
            self.assertEqual(dossier.current_step.kind, 'approve')
            dossier = self.allowed(world['head_a'], 'approve', dossier)
            self.assertEqual(dossier.state, 'result_ready')
            self.assertEqual(dossier.current_unit, world['desk_a'])
            dossier = self.allowed(world['receiver_a'], 'done', dossier)
            self.assertEqual(dossier.state, 'done')
            self.assertEqual(dossier.return_method, 'desk')
        self.assertEqual([e for e, _ in events], [
                'submitted', 'received', 'processing', 'forwarded',
                'result_ready', 'done'])
        # The hook is called after the state is written.
        self.assertEqual([s for _, (s,) in events], [
                'submitted', 'received', 'processing', 'processing',
                'result_ready', 'done'])
        history = [(h.event, h.from_state, h.to_state,
                h.user.login if h.user else None,
                h.web_user.id if h.web_user else None)
            for h in dossier.history]
        self.assertEqual(history, [
                ('submitted', 'draft', 'submitted', 'admin', citizen.id),
                ('received', 'submitted', 'received', 'receiver_a', None),
                ('processing', 'received', 'processing', 'specialist_a',
                    None),
                ('forwarded', 'processing', 'processing', 'specialist_a',
                    None),
                ('result_ready', 'processing', 'result_ready', 'head_a',
                    None),
                ('done', 'result_ready', 'done', 'receiver_a', None),
                ])
        self.assertTrue(all(h.date == MON for h in dossier.history))
        self.assertEqual([s.state for s in dossier.steps],
            ['done', 'done', 'done', 'done'])
        self.assertEqual(dossier.steps[1].user, world['specialist_a'])

    @with_transaction()
    def test_reception_roles(self):
        "R-AG-3: only the receiving officer of the agency receives/rejects"
        world = make_world()
        dossier = self.submitted(world)
        for login in ['specialist_a', 'head_a', 'leader_a', 'auditor',
                'postal', 'receiver_b', 'nobody', 'admin_p', 'ict']:
            for method, kwargs in [
                    ('receive', {}),
                    ('request_supplement', {'reason': "Thiếu"}),
                    ('reject', {'reason': "Sai"}),
                    ]:
                self.refused(world[login], method, dossier, **kwargs)
        dossier = self.allowed(world['receiver_a'], 'reject', dossier,
            reason="Không thuộc thẩm quyền")
        self.assertEqual(dossier.state, 'rejected')
        self.assertEqual(dossier.rejection_reason, "Không thuộc thẩm quyền")
        self.assertEqual(dossier.history[-1].reason, "Không thuộc thẩm quyền")
        # Rejected is final.
        for method in ['receive', 'request_supplement', 'withdraw']:
            self.refused(world['receiver_a'], method, dossier, reason="x")

    @with_transaction()
    def test_processing_roles(self):
        "R-AG-3: the unit's specialists and head process; others cannot"
        world = make_world()
        dossier = self.received(world)
        for login in ['receiver_a', 'leader_a', 'auditor', 'specialist_b',
                'specialist_tax', 'postal', 'nobody']:
            self.refused(world[login], 'process', dossier)
        dossier = self.allowed(world['specialist_a'], 'process', dossier)
        for login in ['receiver_a', 'leader_a', 'auditor', 'specialist_b',
                'nobody']:
            self.refused(world[login], 'forward', dossier)
            self.refused(world[login], 'send_back', dossier, reason="x")
            self.refused(world[login], 'transfer', dossier,
                agency=world['tax'].id, days=2, reason="x")
        # At the approval step only a unit head (or leader) approves; the
        # specialist's forward and result buttons are refused.
        dossier = self.allowed(world['specialist_a'], 'forward', dossier)
        self.assertEqual(dossier.current_step.kind, 'approve')
        for method in ['approve', 'forward', 'result_ready']:
            self.refused(world['specialist_a'], method, dossier)
        self.refused(world['receiver_a'], 'approve', dossier)
        dossier = self.allowed(world['head_a'], 'approve', dossier)
        self.assertEqual(dossier.state, 'result_ready')
        self.assertEqual(dossier.timeliness, 'early')
        for login in ['specialist_a', 'head_a', 'leader_a', 'auditor']:
            self.refused(world[login], 'done', dossier)
        # Withdrawal is no longer possible once the result is ready.
        self.refused(world['receiver_a'], 'withdraw', dossier, reason="x")
        dossier = self.allowed(world['receiver_a'], 'done', dossier)
        self.assertEqual(dossier.state, 'done')

    @with_transaction()
    def test_state_guards(self):
        "R-PROC-1: a button of another state is refused, state unchanged"
        Dossier = self.Dossier()
        world = make_world()
        dossier = self.processing(world)
        receiver = world['receiver_a']
        for method in ['submit', 'receive', 'done']:
            self.refused(receiver, method, dossier)
        self.refused(world['specialist_a'], 'process', dossier)
        self.refused(world['head_a'], 'resume', dossier)
        # Server code gets a clear error too and nothing changes.
        with self.assertRaises(UserError):
            Dossier.done([dossier])
        with self.assertRaises(UserError):
            Dossier.receive([dossier])
        self.assertEqual(reload(dossier).state, 'processing')
        # An online draft is submitted by its applicant, not received.
        draft = make_dossier(world)
        self.refused(receiver, 'receive', draft)
        with self.assertRaises(UserError):
            Dossier.receive([draft])

    @with_transaction()
    def test_desk_dossier(self):
        "R-SUB-3: a desk dossier is created and received by the officer"
        Dossier = self.Dossier()
        world = make_world()
        receiver = world['receiver_a']
        with as_user(receiver), at(MON):
            dossier, = Dossier.create([dossier_values(world, channel='desk')])
            self.assertIsNone(dossier.code)
            self.assertEqual(dossier.submitted_by, receiver)
            Dossier.receive([dossier])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'received')
        self.assertEqual(dossier.received_date, MON)
        self.assertEqual(dossier.received_by, receiver)
        self.assertTrue(dossier.code.startswith('000.30.21.H16-250303-'))
        self.assertEqual([h.event for h in dossier.history], ['received'])
        # The party of the applicant is found or created from the ID.
        self.assertEqual(dossier.applicant.name, "Nguyễn Thị Lan")
        self.assertEqual(dossier.applicant.identifiers[0].type, 'vn_cccd')

    @with_transaction()
    def test_postal_submission(self):
        "R-SUB-3, R-POST-2: postal staff submit; they see what they submitted"
        Dossier = self.Dossier()
        world = make_world()
        postal = world['postal']
        with as_user(postal), at(MON):
            dossier, = Dossier.create([dossier_values(world, channel=None)])
            self.assertEqual(dossier.channel, 'postal')
            Dossier.submit([dossier])
            self.assertEqual(Dossier.search([]), [dossier])
            self.assertEqual(dossier.state, 'submitted')
        self.refused(postal, 'receive', dossier)

    @with_transaction()
    def test_submission_checks(self):
        "R-SUB-4, R-SUB-8, R-CAT-4: what a dossier needs to be submitted"
        pool = Pool()
        Dossier = self.Dossier()
        Procedure = pool.get('gov.procedure')
        world = make_world()
        # The citizen (portal) and officers (RPC) cannot submit without a
        # file for each mandatory component.
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, documents=[], web_user=citizen.id)
        with self.assertRaises(UserError) as cm:
            Dossier.portal_submit([dossier], citizen, declared=True)
        self.assertIn('Đơn đề nghị', cm.exception.message)
        postal = make_dossier(world, documents=[], channel='postal')
        self.refused(world['postal'], 'submit', postal)
        # Elsewhere completeness is the receiving officer's decision.
        Dossier.submit([postal])
        self.assertEqual(reload(postal).state, 'submitted')
        cases = [
            ({'applicant_id_number': None}, None),
            ({'applicant_name': None}, None),
            ({'form_data': {}}, None),
            ({'applicant_kind': 'organisation'}, None),
            ]
        for values, text in cases:
            dossier = make_dossier(world, **values)
            with self.assertRaises(UserError, msg=values) as cm:
                Dossier.submit([dossier])
            if text:
                self.assertIn(text, cm.exception.message)
            self.assertEqual(reload(dossier).state, 'draft')
            self.assertIsNone(reload(dossier).code)
        # A procedure that is not published takes no dossier.
        dossier = make_dossier(world)
        Procedure.suspend([world.procedure])
        with self.assertRaises(UserError):
            Dossier.submit([dossier])
        # A procedure without online submission takes no online dossier.
        procedure = make_procedure(world.agencies, code='P2', online=False)
        dossier = make_dossier(world, procedure=procedure)
        with self.assertRaises(UserError):
            Dossier.submit([dossier])
        dossier = make_dossier(world, procedure=procedure, channel='desk')
        Dossier.receive([dossier])
        self.assertEqual(reload(dossier).state, 'received')

    @with_transaction()
    def test_supplement_cycle(self):
        "R-SUB-4, R-NOT-1, R-LOOK-2: what to add and why, then resubmission"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = self.submitted(world, web_user=citizen.id)
        component = world.procedure.components[1]
        dossier = self.allowed(world['receiver_a'], 'request_supplement',
            dossier, reason="Bản sao chưa chứng thực",
            components=[component.id])
        self.assertEqual(dossier.state, 'supplement')
        self.assertEqual(dossier.supplement_components, (component,))
        # Anyone with the code sees what to supplement (Điều 16.2), not who.
        status = dossier.get_public_status(full=False)
        self.assertNotIn('applicant_name', status)
        self.assertEqual(status['supplement_components'], [component.name])
        status = dossier.get_public_status(full=True)
        self.assertIsNone(status['due_date'])
        self.assertIsNone(status['unit'])
        self.assertEqual(status['supplement_reason'],
            "Bản sao chưa chứng thực")
        self.assertEqual(status['supplement_components'], [component.name])
        # The citizen adds the file and submits again (portal).
        Document = Pool().get('gov.dossier.document')
        Document.create([{'dossier': dossier.id, 'component': component.id,
                    'name': 'ban_sao.pdf', 'data': PDF}])
        Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'submitted')
        dossier = self.allowed(world['receiver_a'], 'receive', dossier)
        self.assertEqual(dossier.state, 'received')
        public = dossier.get_public_history()
        self.assertEqual([e['event'] for e in public],
            ['submitted', 'supplement', 'submitted', 'received'])
        self.assertEqual(public[1]['reason'], "Bản sao chưa chứng thực")
        # A supplement can also be asked after reception, and brought to
        # the desk: supplement → received directly.
        dossier = self.allowed(world['receiver_a'], 'request_supplement',
            dossier, reason="Thiếu bản đồ")
        self.assertEqual(dossier.state, 'supplement')
        self.assertFalse(dossier.steps)
        self.assertIsNone(dossier.due_date)
        dossier = self.allowed(world['receiver_a'], 'receive', dossier)
        self.assertEqual(dossier.state, 'received')
        self.assertEqual(len(dossier.steps), 4)
        # A reason is required; components must be the procedure's.
        self.refused(world['receiver_a'], 'request_supplement', dossier,
            reason=" ")

    @with_transaction()
    def test_send_back_and_transfer(self):
        "R-PROC-1, R-PROC-3: send back with a reason; inter-agency transfer"
        Dossier = self.Dossier()
        world = make_world()
        dossier = self.processing(world)
        # The first step has no previous step.
        self.refused(world['specialist_a'], 'send_back', dossier,
            reason="x")
        dossier = self.allowed(world['specialist_a'], 'transfer', dossier,
            agency=world['tax'].id, days=2, reason="Xác nhận nghĩa vụ thuế")
        self.assertEqual(dossier.state, 'processing')
        self.assertEqual(dossier.current_unit, world['tax'])
        self.assertEqual(dossier.current_step.kind, 'transfer')
        self.assertIn(world['tax'], dossier.involved_agencies)
        # Unit A waits for the answer: it cannot forward nor conclude.
        self.refused(world['specialist_a'], 'forward', dossier)
        self.refused(world['specialist_a'], 'result_ready', dossier)
        # The tax department now sees the dossier and answers.
        with as_user(world['specialist_tax']):
            self.assertEqual(Dossier.search([]), [Dossier(dossier.id)])
        dossier = self.allowed(world['specialist_tax'], 'forward', dossier)
        self.assertEqual(dossier.current_unit, world['unit_a'])
        self.assertEqual(dossier.current_step.kind, 'check')
        dossier = self.allowed(world['specialist_a'], 'forward', dossier)
        dossier = self.allowed(world['head_a'], 'send_back', dossier,
            reason="Thiếu ý kiến phòng")
        self.assertEqual(dossier.current_step.kind, 'check')
        last = dossier.history[-1]
        self.assertEqual((last.event, last.reason, last.public),
            ('returned_step', "Thiếu ý kiến phòng", False))
        # Internal reasons are not in the citizen's history.
        self.assertNotIn('returned_step',
            [e['event'] for e in dossier.get_public_history()])
        self.assertIn('transferred',
            [e['event'] for e in dossier.get_public_history()])

    @with_transaction()
    def test_step_group_and_unit(self):
        "R-AG-3: a step is done at its unit, by its role (heads may always)"
        pool = Pool()
        Dossier = self.Dossier()
        User = pool.get('res.user')
        Officer = pool.get('gov.agency.officer')
        Step = pool.get('gov.dossier.step')
        ModelData = pool.get('ir.model.data')
        world = make_world()
        dossier = self.processing(world)
        # A specialist of the receiving desk reads the dossier but it is not
        # at his unit.
        desk_specialist = User(login='desk_specialist', name="x", groups=[
                ModelData.get_id('gov_agency', 'group_specialist')])
        desk_specialist.save()
        Officer.create([{'user': desk_specialist.id,
                    'agency': world['desk_a'].id}])
        with as_user(desk_specialist):
            self.assertTrue(Dossier.search([('id', '=', dossier.id)]))
        self.refused(desk_specialist, 'forward', dossier)
        # A step reserved to another role: the specialist cannot do it, the
        # unit head can.
        Step.write([dossier.current_step], {
                'group': ModelData.get_id('gov_agency', 'group_leader')})
        self.refused(world['specialist_a'], 'forward', dossier)
        dossier = self.allowed(world['head_a'], 'forward', dossier)
        self.assertEqual(dossier.current_step.kind, 'approve')
        # Server code (no access check) is not bound by the officer checks.
        Dossier.send_back([dossier], reason="x")
        Dossier.forward([reload(dossier)])
        self.assertEqual(reload(dossier).current_step.kind, 'approve')

    @with_transaction()
    def test_withdraw_suspend_resume(self):
        "R-PROC-1: withdrawn by the applicant; suspended/resumed by heads"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        other = make_web_user('hacker@example.com')
        dossier = self.processing(world, web_user=citizen.id)
        for login in ['specialist_a', 'receiver_a', 'auditor']:
            self.refused(world[login], 'suspend', dossier, reason="x")
        dossier = self.allowed(world['leader_a'], 'suspend', dossier,
            reason="Chờ kết quả đo đạc")
        self.assertEqual(dossier.state, 'suspended')
        for login in ['specialist_a', 'receiver_a', 'auditor']:
            self.refused(world[login], 'resume', dossier)
        dossier = self.allowed(world['head_a'], 'resume', dossier)
        self.assertEqual(dossier.state, 'processing')
        # Suspended from 'received' resumes to 'received'.
        other_dossier = self.received(world)
        other_dossier = self.allowed(world['head_a'], 'suspend',
            other_dossier, reason="x")
        other_dossier = self.allowed(world['head_a'], 'resume',
            other_dossier)
        self.assertEqual(other_dossier.state, 'received')
        # Only the owner withdraws from the portal.
        with self.assertRaises(AccessError):
            Dossier.portal_withdraw([dossier], other, "x")
        Dossier.portal_withdraw([dossier], citizen, "Không còn nhu cầu")
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'withdrawn')
        self.assertEqual(dossier.withdrawal_reason, "Không còn nhu cầu")
        self.assertTrue(all(s.state in {'done', 'cancelled'}
                for s in dossier.steps))
        # At the desk, on the applicant's written request.
        third = self.submitted(world)
        self.refused(world['specialist_a'], 'withdraw', third, reason="x")
        third = self.allowed(world['receiver_a'], 'withdraw', third,
            reason="Đơn xin rút")
        self.assertEqual(third.state, 'withdrawn')

    @with_transaction()
    def test_backfill_role(self):
        "R-PROC-6: only the backfill role enters paper dossiers"
        Dossier = self.Dossier()
        world = make_world()
        dossier = make_dossier(world, channel='desk')
        for login in ['receiver_a', 'specialist_a', 'head_a', 'auditor']:
            self.refused(world[login], 'backfill', dossier,
                received_date=local(2025, 2, 3, 9, 0))
        dossier = self.allowed(world['backfiller'], 'backfill', dossier,
            received_date=local(2025, 2, 3, 9, 0))
        self.assertEqual(dossier.state, 'received')
        self.assertTrue(dossier.backfilled)
        # Buttons needing input open their wizard.
        with as_user(world['receiver_a']):
            action = Dossier.reject([Dossier(dossier.id)])
        self.assertIsInstance(action, int)

    @with_transaction()
    def test_workflow_fields_are_protected(self):
        "R-SEC-1, R-PROC-1: state, code and dates change only by transitions"
        Dossier = self.Dossier()
        world = make_world()
        dossier = self.received(world)
        receiver = world['receiver_a']
        for values in [{'state': 'done'}, {'code': 'X'},
                {'due_date': None}, {'received_date': None},
                {'timeliness': 'early'}, {'pin': '000000'},
                {'applicant_name': "Người khác"},
                {'form_data': {'ho_ten': "Khác"}}]:
            with as_user(receiver):
                with self.assertRaises(AccessError, msg=values):
                    Dossier.write([Dossier(dossier.id)], values)
        with as_user(receiver):
            Dossier.write([Dossier(dossier.id)], {'notes': "Gọi lại"})
            with self.assertRaises(AccessError):
                Dossier.create([dossier_values(world, state='done')])
            with self.assertRaises(AccessError):
                Dossier.delete([Dossier(dossier.id)])
            draft, = Dossier.create([dossier_values(world, channel='desk')])
            Dossier.delete([draft])
        self.assertEqual(reload(dossier).notes, "Gọi lại")

    @with_transaction()
    def test_history_steps_append_only(self):
        "R-PROC-1, R-PROC-7: nobody edits the audit trail through RPC"
        pool = Pool()
        History = pool.get('gov.dossier.history')
        Step = pool.get('gov.dossier.step')
        world = make_world()
        dossier = self.processing(world)
        entry = dossier.history[0]
        step = dossier.steps[1]
        for login in ['receiver_a', 'specialist_a', 'head_a']:
            with as_user(world[login]):
                self.assertTrue(History.search([]))
                with self.assertRaises(AccessError):
                    History.write([History(entry.id)], {'reason': 'x'})
                with self.assertRaises(AccessError):
                    History.delete([History(entry.id)])
                with self.assertRaises(AccessError):
                    History.create([{'dossier': dossier.id,
                                'date': MON, 'event': 'done'}])
                with self.assertRaises(AccessError):
                    Step.write([Step(step.id)], {'state': 'done'})
                with self.assertRaises(AccessError):
                    Step.delete([Step(step.id)])
        with as_user(world['specialist_a']):
            Step.write([Step(step.id)], {'note': "Đã xác minh"})
        # Even server code cannot rewrite history.
        with self.assertRaises(AccessError):
            History.write([entry], {'reason': 'x'})

    @with_transaction()
    def test_documents_after_submission(self):
        "R-SEC-1: submitted files are kept; results are added while processed"
        Document = Pool().get('gov.dossier.document')
        world = make_world()
        dossier = self.processing(world)
        document = dossier.documents[0]
        with as_user(world['specialist_a']):
            with self.assertRaises(AccessError):
                Document.delete([Document(document.id)])
            with self.assertRaises(AccessError):
                Document.write([Document(document.id)], {'data': PDF + b'x'})
            Document.write([Document(document.id)],
                {'description': "Bản scan rõ"})
            result, = Document.create([{'dossier': dossier.id,
                        'kind': 'result', 'name': 'quyet_dinh.pdf',
                        'data': PDF}])
        self.assertEqual(result.uploaded_by, world['specialist_a'])
        self.assertEqual(result.mimetype, 'application/pdf')

    @with_transaction()
    def test_step_unit_from_role(self):
        "R-CAT-1, R-AG-3: a step without unit goes to the unit of its role"
        world = make_world()
        procedure = make_procedure(world.agencies, code='P3', steps=[
                ("Tiếp nhận", 'receive', None, '0.5', 'group_receiver'),
                ("Thẩm định", 'process', None, '3', 'group_specialist'),
                ("Ký duyệt", 'approve', None, '1', 'group_leader'),
                ("Trả kết quả", 'return', None, '0.5', 'group_receiver'),
                ])
        dossier = self.received(world, procedure=procedure)
        self.assertEqual([s.unit for s in dossier.steps], [
                world['desk_a'], world['unit_a'], world['a'],
                world['desk_a']])
        dossier = self.allowed(world['specialist_a'], 'process', dossier)
        dossier = self.allowed(world['specialist_a'], 'forward', dossier)
        self.assertEqual(dossier.current_unit, world['a'])
        # The leader signs (approval step of the leader's role).
        self.refused(world['specialist_a'], 'approve', dossier)
        dossier = self.allowed(world['leader_a'], 'approve', dossier)
        self.assertEqual(dossier.state, 'result_ready')

    @with_transaction()
    def test_wizards(self):
        "R-PROC-1: the wizards of sao run the buttons with their roles"
        from trytond.transaction import Transaction
        pool = Pool()
        world = make_world()

        def run(user, wizard, dossier, data, state):
            Wizard = pool.get(wizard, type='wizard')
            with as_user(user), Transaction().set_context(
                    active_model='gov.dossier', active_id=dossier.id,
                    active_ids=[dossier.id]):
                session_id, _, _ = Wizard.create()
                Wizard.execute(session_id, data, state)
            return reload(dossier)

        dossier = self.submitted(world)
        component = world.procedure.components[0]
        with self.assertRaises(UserError):
            run(world['specialist_a'], 'gov.dossier.reject', dossier,
                {'start': {'reason': "Sai"}}, 'apply')
        self.assertEqual(reload(dossier).state, 'submitted')
        dossier = run(world['receiver_a'], 'gov.dossier.request_supplement',
            dossier, {'start': {'reason': "Thiếu", 'procedure':
                    world.procedure.id, 'components': [component.id]}},
            'request')
        self.assertEqual(dossier.state, 'supplement')
        self.assertEqual(dossier.supplement_components, (component,))
        dossier = self.allowed(world['receiver_a'], 'receive', dossier)
        dossier = self.allowed(world['specialist_a'], 'process', dossier)
        dossier = run(world['specialist_a'], 'gov.dossier.transfer', dossier,
            {'start': {'agency': world['tax'].id, 'days': 2,
                    'reason': "Ý kiến"}}, 'transfer')
        self.assertEqual(dossier.current_unit, world['tax'])
        dossier = run(world['leader_a'], 'gov.dossier.suspend', dossier,
            {'start': {'reason': "Chờ"}}, 'apply')
        self.assertEqual(dossier.state, 'suspended')
        draft = make_dossier(world, channel='desk')
        draft = run(world['backfiller'], 'gov.dossier.backfill', draft,
            {'start': {'received_date': MON, 'outcome': 'received',
                    'completed_date': None, 'returned_date': None,
                    'due_date': None, 'return_method': None,
                    'reason': None}}, 'backfill')
        self.assertEqual((draft.state, draft.received_date),
            ('received', MON))
