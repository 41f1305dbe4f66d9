# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Feedback and complaints (R-FB-1, R-FB-2): routing, deadlines in working
days, transfer, out of scope, answer, reopen once and escalation, the
daily escalation across a weekend, publication in the Q&A, and access
from the attacker's side (R-AG-3, R-SEC-2)."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.tests.test_tryton import with_transaction

from gov_dossier.tests.dossier_fixtures import (
    as_user, local, make_web_user, make_world)

from .tools import (
    FRIDAY, MONDAY, FeedbackTestCase, at, make_feedback, submitted_dossier)

D = dt.date


class FeedbackTest(FeedbackTestCase):
    "gov.feedback's workflow and access on the world of dossier_fixtures."

    @with_transaction()
    def test_complaint_routed_to_dossier_agency_with_working_day_deadline(
            self):
        "R-FB-1, R-FB-2: a complaint about her dossier goes to the dossier's agency, due 10 working days after the receipt; history says so"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        world = make_world()
        lan = make_web_user('lan@example.com')
        dossier = submitted_dossier(world, lan)
        with at(MONDAY):
            feedback = Feedback.portal_send({
                    'kind': 'complaint', 'title': "Hồ sơ bị chậm",
                    'content': "Quá hạn mà chưa có kết quả.",
                    'dossier_code': dossier.code.lower(),
                    }, web_user=lan)
        self.assertEqual(feedback.state, 'assigned')
        self.assertEqual(feedback.agency, dossier.agency)
        self.assertEqual(feedback.channel, 'portal')
        # Monday 3 March + 10 working days = Monday 17 March.
        self.assertEqual(feedback.due_date, D(2025, 3, 17))
        self.assertRegex(feedback.code, r'^PA-\d{4}-\d{5}$')
        self.assertRegex(feedback.pin, r'^\d{6}$')
        self.assertEqual([h.event for h in feedback.history],
            ['received', 'assigned'])
        self.assertEqual(feedback.history[1].to_agency, dossier.agency)
        # Another citizen cannot name Lan's dossier (R-SEC-2).
        minh = make_web_user('minh@example.com')
        with self.assertRaises(AccessError):
            Feedback.portal_send({'kind': 'complaint', 'title': "X",
                    'content': "Y", 'dossier_code': dossier.code},
                web_user=minh)

    @with_transaction()
    def test_procedure_routing_assign_transfer_out_of_scope(self):
        "R-FB-1: a procedure offered by two agencies leaves the feedback to the provincial office, which assigns it; transfer keeps the reason and restarts the deadline; out of scope closes with a reason"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        world = make_world()
        feedback = make_feedback(world, procedure=world.procedure.id)
        self.assertEqual(feedback.state, 'received')
        self.assertIsNone(feedback.agency)
        # The agency's officers do not see what nobody assigned yet.
        with as_user(world['receiver_a']):
            self.assertEqual(Feedback.search([('id', '=', feedback.id)]), [])
        with at(MONDAY), as_user(world['admin_p']):
            Feedback.write([Feedback(feedback.id)],
                {'agency': world['unit_a'].id})
            Feedback.assign([Feedback(feedback.id)])
        feedback = Feedback(feedback.id)
        self.assertEqual(feedback.state, 'assigned')
        with at(local(2025, 3, 5, 10, 0)), as_user(world['head_a']):
            with self.assertRaises(UserError):
                Feedback.do_transfer([feedback], world['tax'], '')
            Feedback.do_transfer([Feedback(feedback.id)], world['tax'],
                "Thuộc thẩm quyền ngành thuế")
        feedback = Feedback(feedback.id)
        self.assertEqual(feedback.agency, world['tax'])
        self.assertEqual(feedback.due_date, D(2025, 3, 19))
        last = feedback.history[-1]
        self.assertEqual((last.event, last.from_agency, last.to_agency,
                last.reason), ('transferred', world['unit_a'], world['tax'],
                "Thuộc thẩm quyền ngành thuế"))
        # unit A's officers still read it (involved), but act no more.
        with as_user(world['head_a']):
            self.assertEqual(len(Feedback.search(
                        [('id', '=', feedback.id)])), 1)
            with self.assertRaises(AccessError):
                Feedback.do_answer([Feedback(feedback.id)], "Trả lời")
        with as_user(world['specialist_tax']):
            Feedback.do_close_out_of_scope([Feedback(feedback.id)],
                "Khiếu nại về thuế, đề nghị gửi Cục Thuế theo Luật Khiếu nại")
        feedback = Feedback(feedback.id)
        self.assertEqual((feedback.state, feedback.out_of_scope),
            ('closed', True))
        self.assertFalse(feedback.can_reopen)

    @with_transaction()
    def test_answer_reopen_once_escalates_to_parent(self):
        "R-FB-2: answered, the sender says she is not satisfied once: the case escalates to the superior agency with a new deadline; a second reopening is refused"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        world = make_world()
        lan = make_web_user('lan@example.com')
        dossier = submitted_dossier(world, lan)
        with at(MONDAY):
            feedback = Feedback.portal_send({
                    'kind': 'complaint', 'title': "Chậm trả kết quả",
                    'content': "…", 'dossier_code': dossier.code,
                    }, web_user=lan)
        with at(MONDAY), as_user(world['receiver_a']):
            with self.assertRaises(UserError):
                Feedback.do_answer([Feedback(feedback.id)], "  ")
            Feedback.write([Feedback(feedback.id)],
                {'answer': "Hồ sơ đã được giải quyết."})
            Feedback.answer_button([Feedback(feedback.id)])
        feedback = Feedback(feedback.id)
        self.assertEqual(feedback.state, 'answered')
        self.assertEqual(feedback.answered_by, world['receiver_a'])
        stranger = make_web_user('minh@example.com')
        with self.assertRaises(AccessError):
            Feedback.portal_reopen(feedback, web_user=stranger)
        with at(local(2025, 3, 4, 9, 0)):
            Feedback.portal_reopen(feedback, web_user=lan,
                reason="Chưa nhận được kết quả")
        feedback = Feedback(feedback.id)
        self.assertEqual(feedback.state, 'escalated')
        self.assertEqual(feedback.agency, world['a'])  # parent of desk A
        self.assertTrue(feedback.escalated and feedback.reopened)
        self.assertEqual(feedback.due_date, D(2025, 3, 18))
        self.assertEqual([h.event for h in feedback.history][-2:],
            ['reopened', 'escalated'])
        self.assertEqual(feedback.history[-2].web_user, lan)
        with as_user(world['leader_a']):
            Feedback.do_answer([Feedback(feedback.id)], "Đã chỉ đạo xử lý.")
        with self.assertRaises(UserError):
            Feedback.portal_reopen(Feedback(feedback.id), web_user=lan)
        # The provincial office's Escalated tab finds it.
        with as_user(world['admin_p']):
            self.assertIn(feedback, Feedback.search(
                    [('escalated', '=', True)]))

    @with_transaction()
    def test_cron_escalates_overdue_complaint_across_a_weekend(self):
        "R-FB-2: a complaint received on Friday with 1 working day is due Monday; the daily job escalates it on Tuesday, not during the weekend nor on Monday"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        Configuration = pool.get('gov.feedback.configuration')
        world = make_world()
        configuration = Configuration(1)
        configuration.answer_days = 1
        configuration.save()
        lan = make_web_user('lan@example.com')
        dossier = submitted_dossier(world, lan)
        complaint = make_feedback(world, moment=FRIDAY, kind='complaint',
            dossier=dossier.id)
        plain = make_feedback(world, moment=FRIDAY,
            subject_agency=world['unit_a'].id)
        self.assertEqual(complaint.due_date, D(2025, 3, 10))
        for day in (8, 9, 10):
            with at(local(2025, 3, day, 7, 40)):
                self.assertEqual(Feedback.escalate_overdue(), [])
        with at(local(2025, 3, 11, 7, 40)):
            self.assertEqual(Feedback.escalate_overdue(), [complaint])
            self.assertEqual(Feedback(complaint.id).deadline_status,
                'on_track')
            self.assertEqual(Feedback(plain.id).deadline_status, 'overdue')
        complaint = Feedback(complaint.id)
        self.assertEqual((complaint.state, complaint.agency),
            ('escalated', world['a']))
        self.assertEqual(complaint.due_date, D(2025, 3, 25))
        self.assertEqual(Feedback(plain.id).state, 'assigned')

    @with_transaction()
    def test_daily_warning_to_unit_head(self):
        "R-FB-1: the unit head of the responsible agency (or its nearest ancestor with one) is told once a day of feedback due soon or overdue"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        world = make_world()
        feedback = make_feedback(world, subject_agency=world['unit_a'].id)
        make_feedback(world, subject_agency=world['desk_a'].id)
        with at(local(2025, 3, 13, 7, 45)):
            told = Feedback.send_warnings()
            self.assertEqual(Feedback.send_warnings(), {})
        self.assertEqual(set(told), {world['head_a'].id,
                world['leader_a'].id})
        self.assertEqual(told[world['head_a'].id], [feedback])
        with at(local(2025, 3, 14, 7, 45)):
            self.assertEqual(len(Feedback.send_warnings()), 2)

    @with_transaction()
    def test_publication_needs_consent_and_reviewed_text(self):
        "R-FB-1, R-SEC-2: only an answered item whose sender agreed is published, with reviewed texts free of her personal data; the Q&A finds it with or without diacritics, by sector and agency"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        world = make_world()
        refused = make_feedback(world, subject_agency=world['unit_a'].id)
        agreed = make_feedback(world, procedure=world.procedure.id,
            agency=world['unit_a'].id, publication_consent=True)
        with as_user(world['head_a']):
            Feedback.do_answer([Feedback(refused.id), Feedback(agreed.id)],
                "Hồ sơ đất đai được giải quyết trong 5 ngày làm việc.")
            Feedback.write([Feedback(refused.id), Feedback(agreed.id)], {
                    'published_question': "Bao lâu thì có kết quả?",
                    'published_answer': "Trong 5 ngày làm việc."})
            with self.assertRaises(UserError):
                Feedback.publish([Feedback(refused.id)])
            Feedback.write([Feedback(agreed.id)], {
                    'published_question': (
                        "Ông Trần Văn Hùng hỏi: đăng ký đất đai bao lâu?")})
            with self.assertRaises(UserError):
                Feedback.publish([Feedback(agreed.id)])
            Feedback.write([Feedback(agreed.id)], {
                    'published_question': "Gọi 0905123456 để hỏi đất đai"})
            with self.assertRaises(UserError):
                Feedback.publish([Feedback(agreed.id)])
            Feedback.write([Feedback(agreed.id)], {
                    'published_question': (
                        "Đăng ký đất đai bao lâu thì có kết quả?")})
            Feedback.publish([Feedback(agreed.id)])
        agreed = Feedback(agreed.id)
        self.assertTrue(agreed.published)
        items, count = Feedback.search_qa('dang ky dat')
        self.assertEqual((count, items[0]['id']), (1, agreed.id))
        self.assertEqual(items[0]['question'],
            "Đăng ký đất đai bao lâu thì có kết quả?")
        self.assertNotIn('sender_name', items[0])
        self.assertEqual(Feedback.search_qa('Đăng ký')[1], 1)
        self.assertEqual(Feedback.search_qa('', agency=world['b'].id)[1], 0)
        sector = world.procedure.field.sector
        self.assertEqual(Feedback.search_qa(None, sector=sector.id)[1], 1)
        self.assertEqual(Feedback.public_qa(agreed.slug)['id'], agreed.id)
        self.assertEqual(Feedback.public_qa(str(agreed.id))['id'], agreed.id)
        self.assertIsNone(Feedback.public_qa(str(refused.id)))
        with as_user(world['head_a']):
            # The public reads the reviewed texts: unpublish first.
            with self.assertRaises(AccessError):
                Feedback.write([agreed], {'published_answer': "Khác"})
            Feedback.unpublish([agreed])
        self.assertEqual(Feedback.search_qa('dat dai')[1], 0)

    @with_transaction()
    def test_attackers(self):
        "R-AG-3, R-SEC-2: another citizen needs the PIN, which locks after wrong guesses; another agency's officer neither reads nor acts; the auditor reads but cannot write; state and history only through buttons"
        pool = Pool()
        Feedback = pool.get('gov.feedback')
        History = pool.get('gov.feedback.history')
        world = make_world()
        lan = make_web_user('lan@example.com')
        minh = make_web_user('minh@example.com')
        with at(MONDAY):
            feedback = Feedback.portal_send({
                    'title': "Thái độ <b>cán bộ</b>", 'content': "…",
                    'subject_agency': world['desk_a'].id}, web_user=lan)
        found, allowed, _ = Feedback.portal_lookup(feedback.code,
            web_user=minh)
        self.assertEqual((found, allowed), (feedback, False))
        self.assertTrue(Feedback.portal_lookup(feedback.code,
                web_user=lan)[1])
        self.assertTrue(Feedback.portal_lookup(
                feedback.code.lower(), pin=feedback.pin)[1])
        wrong = '%06d' % ((int(feedback.pin) + 1) % 10 ** 6)
        for _ in range(5):
            self.assertFalse(Feedback.portal_lookup(
                    feedback.code, pin=wrong)[1])
        _, allowed, locked = Feedback.portal_lookup(
            feedback.code, pin=feedback.pin)
        self.assertEqual((allowed, locked), (False, True))
        # Another agency's officer.
        with as_user(world['receiver_b']):
            self.assertEqual(Feedback.search([]), [])
            with self.assertRaises(AccessError):
                Feedback.read([feedback.id], ['title'])
            with self.assertRaises(AccessError):
                Feedback.do_answer([Feedback(feedback.id)], "Đã xử lý")
        # The auditor reads everything, writes nothing.
        with as_user(world['auditor']):
            self.assertEqual(Feedback.search([]), [feedback])
            with self.assertRaises(AccessError):
                Feedback.write([Feedback(feedback.id)], {'notes': "x"})
        # An officer of the agency writes only what the state allows.
        with as_user(world['receiver_a']):
            for values in [{'state': 'answered'}, {'pin': '000000'},
                    {'agency': world['b'].id}, {'web_user': minh.id}]:
                with self.assertRaises(AccessError):
                    Feedback.write([Feedback(feedback.id)], values)
            with self.assertRaises(AccessError):
                History.write(list(Feedback(feedback.id).history),
                    {'reason': "sửa"})
            with self.assertRaises(AccessError):
                History.create([{'feedback': feedback.id, 'event': 'answered',
                            'date': MONDAY}])
            with self.assertRaises(AccessError):
                Feedback.delete([Feedback(feedback.id)])
            with self.assertRaises(AccessError):
                Feedback.create([{'channel': 'portal', 'title': "x",
                            'content': "y", 'sender_name': "z",
                            'sender_email': 'z@example.com'}])
            Feedback.write([Feedback(feedback.id)], {'notes': "Gọi lại"})

    @with_transaction()
    def test_rate_limit_per_address_and_account(self):
        """R-FB-1, R-SEC-1: a sixth sending within the hour is refused, per
        address and per account; the address itself is not stored"""
        Feedback = Pool().get('gov.feedback')
        lan = make_web_user('lan@example.com')

        def send(address, web_user=None):
            allowed = Feedback.portal_rate_limit(address, web_user)
            if allowed:
                Feedback.portal_send({'kind': 'feedback', 'title': "Góp ý",
                        'content': "Nội dung", 'sender_name': "Khách",
                        'sender_email': 'khach@example.com'},
                    web_user=web_user, address=address)
            return allowed
        for i in range(5):
            self.assertTrue(send('10.0.0.1'))
        self.assertFalse(send('10.0.0.1'))
        self.assertTrue(send('10.0.0.2', lan))
        for i in range(4):
            self.assertTrue(send(f'10.0.1.{i}', lan))
        self.assertFalse(send('10.0.0.9', lan))
        self.assertEqual(Feedback.search_count(
                [('sender_address_key', 'like', '%10.0.0.1%')]), 0)
        # An hour later the address may send again.
        past = dt.datetime.now() - dt.timedelta(hours=1, minutes=1)
        table = Feedback.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.create_date], [past]))
        self.assertTrue(send('10.0.0.1', lan))
