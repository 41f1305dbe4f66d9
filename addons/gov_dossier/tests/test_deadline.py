# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Deadlines of dossiers: due date, steps, supplement, suspension,
inter-agency transfer, timeliness, overdue filters, daily warning and the
backfill of paper dossiers.

The procedure of the fixtures takes 5 working days. March 2025: Monday 3,
Friday 7, Monday 10, Monday 17; no holiday unless a test adds one."""
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .dossier_fixtures import (
    D, DossierTestCase, as_user, at, local, make_dossier, make_world, reload)


class DeadlineTestCase(DossierTestCase):
    "R-PROC-2, R-PROC-3, R-PROC-4, R-PROC-6"

    def Dossier(self):
        return Pool().get('gov.dossier')

    def submit(self, world, moment, **values):
        Dossier = self.Dossier()
        dossier = make_dossier(world, **values)
        with at(moment):
            Dossier.submit([dossier])
        return reload(dossier)

    def act(self, method, dossier, moment, user=None, **kwargs):
        Dossier = self.Dossier()
        with at(moment):
            if user:
                with as_user(user):
                    getattr(Dossier, method)([Dossier(dossier.id)], **kwargs)
            else:
                getattr(Dossier, method)([Dossier(dossier.id)], **kwargs)
        return reload(dossier)

    def finish(self, dossier, moment):
        "Take a received dossier through its steps to result_ready."
        dossier = self.act('process', dossier, moment)
        dossier = self.act('forward', dossier, moment)
        return self.act('approve', dossier, moment)

    @with_transaction()
    def test_due_date_from_receipt(self):
        "R-PROC-2: 5 working days from the complete dossier, weekends skipped"
        world = make_world()
        dossier = self.submit(world, local(2025, 3, 3, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 3, 4, 10, 0))
        # Online: the clock starts when the citizen sent the complete
        # dossier (Điều 13.1.a), not when the officer clicked.
        self.assertEqual(dossier.received_date, local(2025, 3, 3, 9, 0))
        self.assertEqual(dossier.processing_days, Decimal(5))
        self.assertEqual(dossier.due_date, D(2025, 3, 10))
        # After the 15:00 cut-off on Friday, the count starts from Monday
        # (the day of receipt itself is not counted).
        late = self.submit(world, local(2025, 3, 7, 16, 0))
        late = self.act('receive', late, local(2025, 3, 10, 8, 0))
        self.assertEqual(late.due_date, D(2025, 3, 17))
        # A desk dossier counts from its reception at the desk.
        desk = make_dossier(world, channel='desk')
        desk = self.act('receive', desk, local(2025, 3, 8, 9, 0))
        self.assertEqual(desk.received_date, local(2025, 3, 8, 9, 0))
        self.assertEqual(desk.due_date, D(2025, 3, 17))

    @with_transaction()
    def test_committed_time_shortens_the_due_date(self):
        "R-PROC-8: a committed 3 days instead of the legal 5 sets the appointment; dossiers received before keep their time"
        Procedure = Pool().get('gov.procedure')
        Notification = Pool().get('gov.notification')
        world = make_world(days='5', publish=False, steps=[
                ("Tiếp nhận", 'receive', 'desk_a', '0.5', 'group_receiver'),
                ("Thẩm định", 'check', 'unit_a', '1.5', 'group_specialist'),
                ("Phê duyệt", 'approve', 'unit_a', '0.5', 'group_unit_head'),
                ("Trả kết quả", 'return', 'desk_a', '0.5', 'group_receiver'),
                ])
        procedure = world.procedure
        Procedure.publish([procedure])
        before = self.submit(world, local(2025, 3, 3, 9, 0))
        before = self.act('receive', before, local(2025, 3, 3, 10, 0))
        self.assertEqual(before.processing_days, Decimal(5))
        # The commitment is a new version of the procedure (R-CAT-6): the
        # dossiers submitted before keep the version they came under.
        procedure, = Procedure.new_version([procedure], {
                'committed_days': Decimal(3)})
        Procedure.publish([procedure])
        dossier = self.submit(world, local(2025, 3, 3, 9, 0),
            procedure=procedure)
        # Before reception the citizen is told the committed time.
        self.assertEqual(dossier.expected_dates()['due_date'], D(2025, 3, 6))
        dossier = self.act('receive', dossier, local(2025, 3, 3, 10, 0))
        self.assertEqual(dossier.processing_days, Decimal(3))
        self.assertEqual(dossier.due_date, D(2025, 3, 6))
        self.assertEqual(reload(before).due_date, D(2025, 3, 10))
        # The last step ends on the committed day, not the legal one.
        self.assertEqual(max(s.due_date for s in dossier.steps),
            D(2025, 3, 6))
        # The applicant is told the committed time.
        desk = make_dossier(world, channel='desk', procedure=procedure,
            applicant_email='nguoi.nop@example.net')
        desk = self.act('receive', desk, local(2025, 3, 3, 10, 0))
        notes = Notification.search([
                ('dossier', '=', desk.id), ('kind', '=', 'valid')])
        self.assertTrue(notes)
        self.assertIn('Processing time: 3 working days', notes[0].body)
        self.assertIn('06/03/2025', notes[0].body)

    @with_transaction()
    def test_holidays_are_skipped(self):
        "R-PROC-2: the administrator's holiday calendar is used"
        Holiday = Pool().get('gov.holiday')
        world = make_world()
        Holiday.create([{'date': D(2025, 4, 7), 'name': "Giỗ Tổ"},
                {'date': D(2025, 4, 30), 'name': "30/4"},
                {'date': D(2025, 5, 1), 'name': "1/5"},
                {'date': D(2025, 5, 2), 'name': "Nghỉ bù",
                    'kind': 'compensatory_day_off'}])
        dossier = self.submit(world, local(2025, 4, 3, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 4, 3, 10, 0))
        self.assertEqual(dossier.due_date, D(2025, 4, 11))
        dossier = self.submit(world, local(2025, 4, 28, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 4, 28, 10, 0))
        self.assertEqual(dossier.due_date, D(2025, 5, 8))

    @with_transaction()
    def test_step_deadlines(self):
        "R-PROC-2: each step has its own deadline, within the overall one"
        world = make_world()
        dossier = self.submit(world, local(2025, 3, 3, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 3, 3, 9, 30))
        self.assertEqual(
            [(s.kind, s.state, s.due_date) for s in dossier.steps], [
                ('receive', 'done', D(2025, 3, 4)),
                ('check', 'waiting', D(2025, 3, 7)),
                ('approve', 'waiting', D(2025, 3, 10)),
                ('return', 'waiting', D(2025, 3, 10)),
                ])
        self.assertTrue(all(s.due_date <= dossier.due_date
                for s in dossier.steps))
        # A step finished after its deadline is late, the dossier may not.
        dossier = self.act('process', dossier, local(2025, 3, 3, 10, 0))
        dossier = self.act('forward', dossier, local(2025, 3, 10, 8, 0))
        check = dossier.steps[1]
        self.assertEqual(check.timeliness, 'late')
        self.assertEqual(check.end_date, local(2025, 3, 10, 8, 0))

    @with_transaction()
    def test_clock_restarts_after_supplement(self):
        "R-PROC-2, R-SUB-4: the clock restarts from the complete dossier"
        world = make_world()
        dossier = self.submit(world, local(2025, 3, 3, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 3, 3, 10, 0))
        self.assertEqual(dossier.due_date, D(2025, 3, 10))
        dossier = self.act('request_supplement', dossier,
            local(2025, 3, 5, 10, 0), reason="Thiếu bản đồ")
        self.assertIsNone(dossier.received_date)
        self.assertIsNone(dossier.due_date)
        self.assertIsNone(dossier.days_left)
        # The citizen completes the dossier the next Monday.
        dossier = self.act('submit', dossier, local(2025, 3, 10, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 3, 10, 14, 0))
        self.assertEqual(dossier.received_date, local(2025, 3, 10, 9, 0))
        self.assertEqual(dossier.due_date, D(2025, 3, 17))
        self.assertEqual(dossier.steps[1].due_date, D(2025, 3, 14))
        # The code does not change.
        self.assertTrue(dossier.code.endswith('-250303-0001'))
        # Supplement asked at the reception, supplement brought to the desk.
        other = self.submit(world, local(2025, 3, 3, 9, 0))
        other = self.act('request_supplement', other,
            local(2025, 3, 3, 11, 0), reason="Thiếu")
        other = self.act('receive', other, local(2025, 3, 12, 9, 0))
        self.assertEqual(other.received_date, local(2025, 3, 12, 9, 0))
        self.assertEqual(other.due_date, D(2025, 3, 19))

    @with_transaction()
    def test_suspension_does_not_count(self):
        "R-PROC-2: the working days of a suspension move the due date"
        world = make_world()
        dossier = self.submit(world, local(2025, 3, 3, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 3, 3, 9, 0))
        dossier = self.act('process', dossier, local(2025, 3, 3, 10, 0))
        self.assertEqual(dossier.due_date, D(2025, 3, 10))
        approve_due = dossier.steps[2].due_date
        dossier = self.act('suspend', dossier, local(2025, 3, 4, 10, 0),
            reason="Chờ đo đạc")
        self.assertEqual(dossier.state, 'suspended')
        self.assertIsNone(dossier.deadline_status)
        # Tuesday 10:00 → Thursday 10:00: Wednesday and Thursday.
        dossier = self.act('resume', dossier, local(2025, 3, 6, 10, 0))
        self.assertEqual(dossier.state, 'processing')
        self.assertEqual(dossier.suspended_days, 2)
        self.assertEqual(dossier.due_date, D(2025, 3, 12))
        self.assertEqual(dossier.steps[2].due_date, approve_due + (
                dt.timedelta(days=2)))
        # Friday → Monday over the weekend: one working day (Monday).
        dossier = self.act('suspend', dossier, local(2025, 3, 7, 16, 0),
            reason="Chờ")
        dossier = self.act('resume', dossier, local(2025, 3, 10, 9, 0))
        self.assertEqual(dossier.suspended_days, 3)
        self.assertEqual(dossier.due_date, D(2025, 3, 13))
        # Suspended and resumed the same day: nothing moves.
        dossier = self.act('suspend', dossier, local(2025, 3, 10, 9, 30),
            reason="Chờ")
        dossier = self.act('resume', dossier, local(2025, 3, 10, 11, 0))
        self.assertEqual(dossier.due_date, D(2025, 3, 13))
        history = [h.event for h in dossier.history]
        self.assertEqual(history.count('suspended'), 3)
        self.assertEqual(history.count('resumed'), 3)

    @with_transaction()
    def test_transfer_keeps_overall_deadline(self):
        "R-PROC-3: the other agency's own deadline; the overall one holds"
        world = make_world()
        dossier = self.submit(world, local(2025, 3, 3, 9, 0))
        dossier = self.act('receive', dossier, local(2025, 3, 3, 9, 0))
        dossier = self.act('process', dossier, local(2025, 3, 3, 10, 0))
        due = dossier.due_date
        dossier = self.act('transfer', dossier, local(2025, 3, 4, 10, 0),
            user=world['specialist_a'], agency=world['tax'].id, days=2,
            reason="Xác định nghĩa vụ tài chính")
        step = dossier.current_step
        self.assertEqual((step.kind, step.unit, step.due_date),
            ('transfer', world['tax'], D(2025, 3, 6)))
        self.assertEqual(dossier.due_date, due)
        # The tax department answers late (Friday): its step is late, the
        # dossier's due date is unchanged.
        dossier = self.act('forward', dossier, local(2025, 3, 7, 9, 0),
            user=world['specialist_tax'])
        self.assertEqual(dossier.due_date, due)
        transfer = [s for s in dossier.steps if s.kind == 'transfer'][0]
        self.assertEqual(transfer.timeliness, 'late')
        self.assertEqual(dossier.current_step.kind, 'check')
        dossier = self.act('forward', dossier, local(2025, 3, 7, 10, 0))
        dossier = self.act('approve', dossier, local(2025, 3, 10, 10, 0))
        self.assertEqual(dossier.due_date, due)
        self.assertEqual(dossier.timeliness, 'on_time')

    @with_transaction()
    def test_timeliness_boundaries(self):
        "R-PROC-4: before the due date early, on it on_time, after late"
        world = make_world()
        Dossier = self.Dossier()
        cases = [
            (local(2025, 3, 7, 16, 0), 'early'),
            (local(2025, 3, 9, 23, 0), 'early'),  # Sunday before
            (local(2025, 3, 10, 0, 0), 'on_time'),
            (local(2025, 3, 10, 23, 59), 'on_time'),  # 16:59 UTC
            (local(2025, 3, 11, 0, 0), 'late'),  # still 10/3 in UTC
            (local(2025, 3, 17, 9, 0), 'late'),
            ]
        for moment, expected in cases:
            dossier = self.submit(world, local(2025, 3, 3, 9, 0))
            dossier = self.act('receive', dossier, local(2025, 3, 3, 9, 0))
            self.assertEqual(dossier.due_date, D(2025, 3, 10))
            dossier = self.finish(dossier, moment)
            self.assertEqual(dossier.state, 'result_ready')
            self.assertEqual(dossier.completed_date, moment)
            self.assertEqual(dossier.timeliness, expected, moment)
            # Returned to the citizen later: the timeliness stays the one
            # of the date the result was ready.
            dossier = self.act('done', dossier, moment + dt.timedelta(
                    days=3))
            self.assertEqual(dossier.timeliness, expected, moment)
            self.assertEqual(dossier.returned_date,
                moment + dt.timedelta(days=3))
        # The classification itself, at the boundaries.
        self.assertEqual(Dossier.classify_timeliness(
                D(2025, 3, 9), D(2025, 3, 10)), 'early')
        self.assertEqual(Dossier.classify_timeliness(
                D(2025, 3, 10), D(2025, 3, 10)), 'on_time')
        self.assertEqual(Dossier.classify_timeliness(
                D(2025, 3, 11), D(2025, 3, 10)), 'late')

    @with_transaction()
    def test_overdue_filters(self):
        "R-PROC-4: overdue / due within 1 day, for officers and leaders"
        pool = Pool()
        Dossier = self.Dossier()
        Action = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        world = make_world()
        received = {}
        for day in [3, 4, 5, 6, 10]:
            dossier = self.submit(world, local(2025, 3, day, 9, 0))
            received[day] = self.act('receive', dossier,
                local(2025, 3, day, 9, 0))
        # due: 3→10/3, 4→11/3, 5→12/3, 6→13/3, 10→17/3
        self.assertEqual([received[d].due_date.day for d in sorted(received)],
            [10, 11, 12, 13, 17])
        with at(local(2025, 3, 11, 9, 0)):
            received = {d: reload(r) for d, r in received.items()}
            self.assertEqual(received[3].deadline_status, 'overdue')
            self.assertEqual(received[3].days_left, -1)
            self.assertEqual(received[4].deadline_status, 'due_soon')
            self.assertEqual(received[4].days_left, 0)
            self.assertEqual(received[5].deadline_status, 'due_soon')
            self.assertEqual(received[6].deadline_status, 'on_track')
            self.assertEqual(received[10].days_left, 4)
            for login in ['receiver_a', 'leader_a', 'head_a']:
                with as_user(world[login]):
                    overdue = Dossier.search(
                        [('deadline_status', '=', 'overdue')])
                    soon = Dossier.search(
                        [('deadline_status', '=', 'due_soon')])
                    self.assertEqual({d.id for d in overdue},
                        {received[3].id}, login)
                    self.assertEqual({d.id for d in soon},
                        {received[4].id, received[5].id}, login)
                    not_overdue = Dossier.search(
                        [('deadline_status', '!=', 'overdue')])
                    self.assertNotIn(received[3].id,
                        [d.id for d in not_overdue])
            # The other district sees none of them.
            with as_user(world['receiver_b']):
                self.assertFalse(Dossier.search(
                        [('deadline_status', 'in', ['overdue', 'due_soon'])]))
            # The filters of the menu entry work as they are.
            action = Action(
                ModelData.get_id('gov_dossier', 'act_dossier_form'))
            names = {d.name: d for d in action.act_window_domains}
            for name in ['Overdue', 'Due Within 1 Day', 'Processing',
                    'Received Today']:
                self.assertIn(name, names)
            from trytond.pyson import PYSONDecoder
            domain = PYSONDecoder({}).decode(names['Overdue'].domain)
            self.assertEqual(Dossier.search(domain), [received[3]])
            # Received today: a local day, searched in UTC.
            self.assertEqual(
                Dossier.search([('received_day', '=', D(2025, 3, 10))]),
                [received[10]])
        # On Sunday 16/3, due within 1 working day is due by Monday, as the
        # days left count it; Tuesday's dossier has 2 days left.
        tuesday = self.act('receive', self.submit(world,
                local(2025, 3, 11, 9, 0)), local(2025, 3, 11, 9, 0))
        # Waiting for the desk since Friday: its check is due on Monday.
        waiting = self.submit(world, local(2025, 3, 14, 9, 0))
        with at(local(2025, 3, 16, 10, 0)):
            waiting = reload(waiting)
            self.assertEqual((waiting.state, waiting.days_left,
                    waiting.deadline_status), ('submitted', 1, None))
            monday, tuesday = reload(received[10]), reload(tuesday)
            self.assertEqual((monday.due_date.day, monday.days_left,
                    monday.deadline_status), (17, 1, 'due_soon'))
            self.assertEqual((tuesday.due_date.day, tuesday.days_left,
                    tuesday.deadline_status), (18, 2, 'on_track'))
            with as_user(world['receiver_a']):
                self.assertEqual(Dossier.search(
                        [('deadline_status', '=', 'due_soon')]), [monday])
        # A done dossier is neither overdue nor due.
        dossier = self.finish(received[3], local(2025, 3, 12, 9, 0))
        self.assertIsNone(dossier.deadline_status)

    @with_transaction()
    def test_daily_late_warning(self):
        "R-PROC-4: the cron warns the unit heads once a day"
        Dossier = self.Dossier()
        world = make_world()
        dossiers = []
        for day in [3, 4, 6]:
            dossier = self.submit(world, local(2025, 3, day, 9, 0))
            dossiers.append(self.act('receive', dossier,
                    local(2025, 3, day, 9, 0)))
        dossiers[1] = self.act('process', dossiers[1],
            local(2025, 3, 5, 9, 0))
        calls = []
        with patch.object(Dossier, '_on_event',
                side_effect=lambda ds, e: calls.append(
                    (e, sorted(d.id for d in ds)))):
            # Tuesday 11/3: #0 is overdue, #1 due today, #2 due 13/3.
            with at(local(2025, 3, 11, 7, 30)):
                warned = Dossier.send_late_warnings()
                self.assertEqual({d.id for d in warned},
                    {dossiers[0].id, dossiers[1].id})
                # Run again the same day: nothing new.
                self.assertEqual(Dossier.send_late_warnings(), [])
            with at(local(2025, 3, 12, 7, 30)):
                warned = Dossier.send_late_warnings()
                self.assertEqual({d.id for d in warned},
                    {d.id for d in dossiers})
        self.assertTrue(all(e == 'late_warning' for e, _ in calls))
        # Grouped by the unit the dossier is at (all at unit A here).
        self.assertEqual(calls[0][1], sorted(
                [dossiers[0].id, dossiers[1].id]))
        self.assertEqual(reload(dossiers[0]).get_unit_heads(),
            [world['head_a']])
        # The cron method is registered.
        Cron = Pool().get('ir.cron')
        self.assertIn('gov.dossier|send_late_warnings',
            dict(Cron.fields_get(['method'])['method']['selection']))

    @with_transaction()
    def test_backfill_real_dates(self):
        "R-PROC-6: a paper dossier entered afterwards keeps its real dates"
        Dossier = self.Dossier()
        world = make_world()
        backfiller = world['backfiller']
        received = local(2025, 2, 3, 9, 0)
        completed = local(2025, 2, 11, 15, 30)
        returned = local(2025, 2, 12, 8, 0)
        dossier = make_dossier(world, channel='desk')
        dossier = self.act('backfill', dossier, local(2025, 3, 3, 9, 0),
            user=backfiller, received_date=received, outcome='done',
            completed_date=completed, returned_date=returned,
            return_method='postal', reason="Mất điện 2 ngày")
        self.assertEqual(dossier.state, 'done')
        self.assertTrue(dossier.backfilled)
        self.assertEqual(dossier.received_date, received)
        self.assertEqual(dossier.due_date, D(2025, 2, 10))
        self.assertEqual(dossier.completed_date, completed)
        self.assertEqual(dossier.returned_date, returned)
        self.assertEqual(dossier.return_method, 'postal')
        self.assertEqual(dossier.timeliness, 'late')
        self.assertTrue(dossier.code.startswith('000.30.21.H16-250203-'))
        self.assertEqual([(h.event, h.date) for h in dossier.history], [
                ('received', received),
                ('processing', completed),
                ('result_ready', completed),
                ('done', returned),
                ])
        self.assertTrue(all(h.user == backfiller and h.backfill_note
                for h in dossier.history))
        self.assertIn("Mất điện", dossier.history[0].backfill_note)
        # The due date written on the paper receipt wins when given.
        other = make_dossier(world, channel='desk')
        other = self.act('backfill', other, local(2025, 3, 3, 9, 0),
            user=backfiller, received_date=received, outcome='result_ready',
            completed_date=local(2025, 2, 12, 9, 0), due_date=D(2025, 2, 14))
        self.assertEqual(other.due_date, D(2025, 2, 14))
        self.assertEqual(other.timeliness, 'early')
        self.assertEqual(other.state, 'result_ready')
        # Still open on paper: it continues in the system.
        third = make_dossier(world, channel='desk')
        third = self.act('backfill', third, local(2025, 3, 3, 9, 0),
            user=backfiller, received_date=local(2025, 2, 28, 14, 0))
        self.assertEqual(third.state, 'received')
        self.assertEqual(third.due_date, D(2025, 3, 7))
        # Dates in the future or out of order are refused.
        from trytond.exceptions import UserError
        for kwargs in [
                {'received_date': local(2025, 3, 4, 9, 0)},
                {'received_date': received, 'outcome': 'done',
                    'completed_date': returned, 'returned_date': completed},
                {'received_date': received, 'outcome': 'result_ready'},
                ]:
            fourth = make_dossier(world, channel='desk')
            with self.assertRaises(UserError):
                self.act('backfill', fourth, local(2025, 3, 3, 9, 0),
                    user=backfiller, **kwargs)
            self.assertEqual(reload(fourth).state, 'draft')
