# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Working-day arithmetic (R-PROC-2): the documented rule of gov.calendar.

Times are given in local time (Asia/Ho_Chi_Minh, UTC+7) and converted to
naive UTC as Tryton stores them."""
import datetime as dt
import random
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

D = dt.date
HOLIDAYS_2025 = [
    # Tết Ất Tỵ: 9 days off from Sat 25/01 to Sun 02/02.
    ('2025-01-27', 'public_holiday'), ('2025-01-28', 'public_holiday'),
    ('2025-01-29', 'public_holiday'), ('2025-01-30', 'public_holiday'),
    ('2025-01-31', 'public_holiday'),
    ('2025-04-07', 'public_holiday'),  # Giỗ Tổ Hùng Vương (Monday)
    ('2025-04-26', 'makeup_working_day'),  # Saturday worked for 02/05
    ('2025-04-30', 'public_holiday'), ('2025-05-01', 'public_holiday'),
    ('2025-05-02', 'compensatory_day_off'),
    ('2025-09-01', 'public_holiday'), ('2025-09-02', 'public_holiday'),
    ]


def local(*args):
    "A local (UTC+7) wall-clock time as the naive UTC datetime Tryton stores."
    return dt.datetime(*args) - dt.timedelta(hours=7)


class CalendarTestCase(unittest.TestCase):
    "R-PROC-2: due dates and working-day counts."

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    def setUp(self):
        super().setUp()

    def _holidays(self):
        Holiday = Pool().get('gov.holiday')
        Holiday.create([{'date': D.fromisoformat(d), 'name': d, 'kind': k}
                for d, k in HOLIDAYS_2025])
        return Pool().get('gov.calendar')

    @with_transaction()
    def test_documented_examples(self):
        "R-PROC-2: Monday 09:00 +1 → Tuesday; Monday 16:00 → Wednesday; Saturday → Tuesday"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 3, 3, 9, 0), 1), D(2025, 3, 4))
        self.assertEqual(add(local(2025, 3, 3, 16, 0), 1), D(2025, 3, 5))
        self.assertEqual(add(local(2025, 3, 8, 10, 0), 1), D(2025, 3, 11))

    @with_transaction()
    def test_cutoff_boundary(self):
        "R-PROC-2: 15:00 sharp is after the cut-off; 14:59 is before"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 3, 3, 14, 59), 1), D(2025, 3, 4))
        self.assertEqual(add(local(2025, 3, 3, 15, 0), 1), D(2025, 3, 5))
        self.assertEqual(add(local(2025, 3, 3, 14, 59), 0), D(2025, 3, 3))
        self.assertEqual(add(local(2025, 3, 3, 15, 0), 0), D(2025, 3, 4))

    @with_transaction()
    def test_timezone(self):
        "R-PROC-2: UTC times are read in Asia/Ho_Chi_Minh before the day is taken"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        # Monday 23:30 UTC is Tuesday 06:30 in Việt Nam.
        self.assertEqual(add(dt.datetime(2025, 3, 3, 23, 30), 0), D(2025, 3, 4))
        # Monday 07:59 UTC = 14:59 local; 08:00 UTC = 15:00 local.
        self.assertEqual(add(dt.datetime(2025, 3, 3, 7, 59), 1), D(2025, 3, 4))
        self.assertEqual(add(dt.datetime(2025, 3, 3, 8, 0), 1), D(2025, 3, 5))

    @with_transaction()
    def test_weekend(self):
        "R-PROC-2: Saturday and Sunday are skipped"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 3, 7, 9, 0), 1), D(2025, 3, 10))
        self.assertEqual(add(local(2025, 3, 7, 16, 0), 1), D(2025, 3, 11))
        self.assertEqual(add(local(2025, 3, 9, 9, 0), 0), D(2025, 3, 10))
        self.assertEqual(add(local(2025, 3, 3, 9, 0), 5), D(2025, 3, 10))

    @with_transaction()
    def test_holiday_inside_span(self):
        "R-PROC-2: Giỗ Tổ (Monday 07/04/2025) inside the span is skipped"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 4, 4, 9, 0), 1), D(2025, 4, 8))
        self.assertEqual(add(local(2025, 4, 3, 9, 0), 3), D(2025, 4, 9))

    @with_transaction()
    def test_tet_nine_days(self):
        "R-PROC-2: Tết 2025: 9 days off from 25/01 to 02/02"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 1, 24, 9, 0), 1), D(2025, 2, 3))
        self.assertEqual(add(local(2025, 1, 24, 16, 0), 1), D(2025, 2, 4))
        self.assertEqual(add(local(2025, 1, 23, 9, 0), 2), D(2025, 2, 3))
        # Received during Tết: counts from Monday 03/02.
        self.assertEqual(add(local(2025, 1, 29, 9, 0), 0), D(2025, 2, 3))
        self.assertEqual(add(local(2025, 1, 29, 9, 0), 1), D(2025, 2, 4))
        self.assertEqual(
            Calendar.working_days_between(D(2025, 1, 24), D(2025, 2, 3)), 1)

    @with_transaction()
    def test_makeup_saturday(self):
        "R-PROC-2: Saturday 26/04/2025 is worked; Friday 02/05/2025 is off"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 4, 25, 9, 0), 1), D(2025, 4, 26))
        self.assertEqual(add(local(2025, 4, 26, 9, 0), 0), D(2025, 4, 26))
        self.assertEqual(add(local(2025, 4, 26, 9, 0), 1), D(2025, 4, 28))
        # 30/04, 01/05 holidays, 02/05 compensatory day off, then weekend.
        self.assertEqual(add(local(2025, 4, 29, 9, 0), 1), D(2025, 5, 5))
        self.assertTrue(Calendar.is_working_day(D(2025, 4, 26)))
        self.assertFalse(Calendar.is_working_day(D(2025, 5, 2)))
        self.assertEqual(
            Calendar.working_days_between(D(2025, 4, 25), D(2025, 4, 28)), 2)

    @with_transaction()
    def test_receipt_on_holiday(self):
        "R-PROC-2: A dossier received on Quốc khánh counts from the next working day"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(local(2025, 9, 2, 10, 0), 1), D(2025, 9, 4))
        self.assertEqual(add(local(2025, 9, 1, 8, 0), 0), D(2025, 9, 3))

    @with_transaction()
    def test_fractional_days(self):
        "R-PROC-2: A fractional number of days rounds up"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        start = local(2025, 3, 3, 9, 0)
        self.assertEqual(add(start, Decimal('0.5')), D(2025, 3, 4))
        self.assertEqual(add(start, Decimal('1.5')), D(2025, 3, 5))
        self.assertEqual(add(start, 2.01), D(2025, 3, 6))
        self.assertEqual(add(start, Decimal('2')), D(2025, 3, 5))
        with self.assertRaises(UserError):
            add(start, -1)

    @with_transaction()
    def test_date_start(self):
        "R-PROC-2: A date (without time) counts as received within working hours"
        Calendar = self._holidays()
        add = Calendar.add_working_days
        self.assertEqual(add(D(2025, 3, 3), 1), D(2025, 3, 4))
        self.assertEqual(add(D(2025, 3, 8), 1), D(2025, 3, 11))

    @with_transaction()
    def test_working_days_between_both_directions(self):
        "R-PROC-2: Counting is antisymmetric and inverts add_working_days"
        Calendar = self._holidays()
        between = Calendar.working_days_between
        self.assertEqual(between(D(2025, 3, 3), D(2025, 3, 4)), 1)
        self.assertEqual(between(D(2025, 3, 4), D(2025, 3, 3)), -1)
        self.assertEqual(between(D(2025, 3, 3), D(2025, 3, 3)), 0)
        self.assertEqual(between(D(2025, 3, 3), D(2025, 3, 10)), 5)
        self.assertEqual(between(D(2025, 1, 1), D(2025, 12, 31)), 261 - 12 + 1)
        rng = random.Random(2025)
        for _ in range(300):
            day = D(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
            if not Calendar.is_working_day(day):
                continue
            n = rng.randrange(0, 40)
            due = Calendar.add_working_days(
                dt.datetime.combine(day, dt.time(2, 0)), n)
            self.assertEqual(between(day, due), n, (day, n))
            self.assertEqual(between(due, day), -n, (day, n))

    @with_transaction()
    def test_agency_week_and_configuration(self):
        "R-PROC-2: An agency working Saturdays, and a later cut-off, are honoured"
        pool = Pool()
        Calendar = self._holidays()
        Agency = pool.get('gov.agency')
        Kind = pool.get('gov.agency.kind')
        Configuration = pool.get('gov.configuration')
        kind, = Kind.search([('code', '=', 'one_stop_desk')])
        parent = Agency(name="UBND", code='P', kind=kind,
            working_weekdays=['0', '1', '2', '3', '4', '5'])
        parent.save()
        child = Agency(name="Bộ phận Một cửa", code='C', kind=kind,
            parent=parent)
        child.save()
        add = Calendar.add_working_days
        # Friday + 1 is Saturday for the child (inherits the parent's week).
        self.assertEqual(add(local(2025, 3, 7, 9, 0), 1, child), D(2025, 3, 8))
        self.assertEqual(add(local(2025, 3, 7, 9, 0), 1), D(2025, 3, 10))
        configuration = Configuration(1)
        configuration.cutoff_time = dt.time(16, 30)
        configuration.save()
        self.assertEqual(add(local(2025, 3, 3, 16, 0), 1), D(2025, 3, 4))
        self.assertEqual(add(local(2025, 3, 3, 16, 30), 1), D(2025, 3, 5))

    @with_transaction()
    def test_holiday_added_later_changes_due_date(self):
        "R-PROC-2: The calendar reads holidays the administrator adds afterwards"
        pool = Pool()
        Calendar = pool.get('gov.calendar')
        Holiday = pool.get('gov.holiday')
        self.assertEqual(
            Calendar.add_working_days(local(2025, 3, 3, 9, 0), 1),
            D(2025, 3, 4))
        Holiday.create([{'date': D(2025, 3, 4), 'name': 'x',
                    'kind': 'public_holiday'}])
        self.assertEqual(
            Calendar.add_working_days(local(2025, 3, 3, 9, 0), 1),
            D(2025, 3, 5))
