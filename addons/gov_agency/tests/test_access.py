# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Access enforced by the server (R-AG-3), tried from the attacker's side."""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access


def make_world():
    "Province → (district A → commune A1), district B; one officer each."
    pool = Pool()
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    kind, = Kind.search([('code', '=', 'district_committee')])
    province = Agency(name="Tỉnh", code='000.00.00.T', kind=kind)
    province.save()
    a = Agency(name="Huyện A", code='A', kind=kind, parent=province)
    b = Agency(name="Huyện B", code='B', kind=kind, parent=province)
    Agency.save([a, b])
    a1 = Agency(name="Xã A1", code='A1', kind=kind, parent=a)
    a1.save()

    def group(xml_id):
        return ModelData.get_id('gov_agency', xml_id)
    users = {}
    for login, groups in [
            ('officer_a', ['group_receiver']),
            ('officer_a1', ['group_specialist']),
            ('officer_b', ['group_receiver']),
            ('admin_p', ['group_admin']),
            ('auditor', ['group_auditor']),
            ('nobody', []),
            ]:
        users[login] = User(login=login, name=login,
            groups=[group(g) for g in groups])
    User.save(list(users.values()))
    Officer.create([
            {'user': users['officer_a'].id, 'agency': a.id},
            {'user': users['officer_a1'].id, 'agency': a1.id},
            {'user': users['officer_b'].id, 'agency': b.id},
            {'user': users['admin_p'].id, 'agency': province.id},
            ])
    return {'province': province, 'a': a, 'a1': a1, 'b': b}, users


class AccessTestCase(unittest.TestCase):
    "R-AG-3: roles and agency scoping checked by the server"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    @with_transaction()
    def test_officer_cannot_read_other_agency_staff(self):
        "R-AG-3: officer of A reads A's subtree, not B's, by search or by id"
        Officer = Pool().get('gov.agency.officer')
        agencies, users = make_world()
        memberships = {o.user.login: o.id for o in Officer.search([])}
        with Transaction().set_user(users['officer_a'].id), check_access():
            visible = {o.user.login for o in Officer.search([])}
            self.assertEqual(visible, {'officer_a', 'officer_a1'})
            # Guessing the id of B's record does not help.
            with self.assertRaises(AccessError):
                Officer.read([memberships['officer_b']], ['user', 'agency'])
            with self.assertRaises(AccessError):
                Officer.write(
                    [Officer(memberships['officer_b'])], {'position': 'x'})
            # Nor does writing its own agency's records (read only role).
            with self.assertRaises(AccessError):
                Officer.write(
                    [Officer(memberships['officer_a'])], {'position': 'x'})
        with Transaction().set_user(users['officer_b'].id), check_access():
            self.assertEqual(
                {o.user.login for o in Officer.search([])}, {'officer_b'})
        # The sub-unit officer does not see the parent agency's staff.
        with Transaction().set_user(users['officer_a1'].id), check_access():
            self.assertEqual(
                {o.user.login for o in Officer.search([])}, {'officer_a1'})

    @with_transaction()
    def test_admin_and_auditor_see_everything(self):
        "R-AG-3: the provincial administrator and the auditor read all staff"
        Officer = Pool().get('gov.agency.officer')
        agencies, users = make_world()
        for login in ['admin_p', 'auditor']:
            with Transaction().set_user(users[login].id), check_access():
                self.assertEqual(len(Officer.search([])), 4)
        with Transaction().set_user(users['auditor'].id), check_access():
            with self.assertRaises(AccessError):
                Officer.write(Officer.search([]), {'position': 'x'})

    @with_transaction()
    def test_user_without_role_sees_no_staff(self):
        "R-AG-3: a user with no role has no access to the staff directory"
        Officer = Pool().get('gov.agency.officer')
        agencies, users = make_world()
        with Transaction().set_user(users['nobody'].id), check_access():
            with self.assertRaises(AccessError):
                Officer.search([])

    @with_transaction()
    def test_only_admin_edits_agencies_and_holidays(self):
        "R-AG-1, R-AG-3: only the administrator role edits agencies/holidays"
        pool = Pool()
        Agency = pool.get('gov.agency')
        Holiday = pool.get('gov.holiday')
        Kind = pool.get('gov.agency.kind')
        agencies, users = make_world()
        kind, = Kind.search([], limit=1)
        for login in ['officer_a', 'auditor', 'nobody']:
            with Transaction().set_user(users[login].id), check_access():
                # Reading the public agency tree is allowed…
                self.assertTrue(Agency.search([('code', '=', 'A')]))
                # … changing it or the calendar is not.
                with self.assertRaises(AccessError):
                    Agency.write([agencies['a']], {'name': 'Hacked'})
                with self.assertRaises(AccessError):
                    Agency.create([{'name': 'X', 'code': 'X',
                                'kind': kind.id}])
                with self.assertRaises(AccessError):
                    Holiday.create([{'date': dt.date(2030, 1, 2),
                                'name': 'X'}])
        with Transaction().set_user(users['admin_p'].id), check_access():
            Agency.write([agencies['a']], {'name': 'Huyện A (mới)'})
            holiday, = Holiday.create([{'date': dt.date(2030, 1, 2),
                        'name': 'Ngày nghỉ'}])
            self.assertEqual(holiday.kind, 'public_holiday')

    @with_transaction()
    def test_levels_are_data(self):
        "R-AG-1: abolishing a level (district) needs no code: re-parent, deactivate"
        pool = Pool()
        Agency = pool.get('gov.agency')
        User = pool.get('res.user')
        agencies, users = make_world()
        with Transaction().set_user(users['officer_a'].id):
            self.assertIn(agencies['a1'].id, User.get_agencies())
        # The commune moves directly under the province; the district goes.
        Agency.write([agencies['a1']], {'parent': agencies['province'].id})
        Agency.write([agencies['a']], {'active': False})
        self.assertEqual(agencies['a1'].parent, agencies['province'])
        with Transaction().set_user(users['officer_a'].id):
            self.assertNotIn(agencies['a1'].id, User.get_agencies())
        with Transaction().set_user(users['admin_p'].id):
            self.assertIn(agencies['a1'].id, User.get_agencies())

    @with_transaction()
    def test_agency_code_unique(self):
        "R-AG-2: the identifier code is unique"
        pool = Pool()
        Agency = pool.get('gov.agency')
        agencies, users = make_world()
        with self.assertRaises(SQLConstraintError) as cm:
            Agency.create([{'name': 'Dup', 'code': 'A',
                        'kind': agencies['a'].kind.id}])
        self.assertIn('identifier code', str(cm.exception))


class PasswordFirstUseTestCase(unittest.TestCase):
    "R-AG-4: personal staff accounts"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_agency')

    @with_transaction()
    def test_temporary_password_must_be_changed_at_first_login(self):
        "R-AG-4: an account created by an administrator asks a new password"
        from trytond.exceptions import LoginException
        pool = Pool()
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        with Transaction().set_user(admin.id):
            user, = User.create([{'login': 'hoa', 'name': 'Hoa',
                        'password': 'Tam-thoi-2026'}])
        self.assertTrue(user.password_change_required)
        with self.assertRaises(LoginException) as cm:
            User.get_login('hoa', {'password': 'Tam-thoi-2026'})
        self.assertEqual(cm.exception.name, 'new_password')
        # The same password again is refused.
        with self.assertRaises(LoginException):
            User.get_login('hoa', {'password': 'Tam-thoi-2026',
                    'new_password': 'Tam-thoi-2026'})
        # A too short password is refused with Tryton's own rule.
        with self.assertRaises(LoginException):
            User.get_login('hoa', {'password': 'Tam-thoi-2026',
                    'new_password': 'abc'})
        user_id = User.get_login('hoa', {'password': 'Tam-thoi-2026',
                'new_password': 'Rieng-cua-Hoa-2026'})
        self.assertEqual(user_id, user.id)
        self.assertFalse(User(user.id).password_change_required)
        # The temporary password no longer works; the new one does, directly.
        self.assertFalse(User.get_login('hoa', {'password': 'Tam-thoi-2026'}))
        self.assertEqual(User.get_login(
                'hoa', {'password': 'Rieng-cua-Hoa-2026'}), user.id)
        # The user changing their own password keeps it.
        with Transaction().set_user(user.id):
            User.set_preferences({'password': 'Moi-hon-nua-2026'})
        self.assertFalse(User(user.id).password_change_required)
        # An administrator resetting it makes it temporary again.
        with Transaction().set_user(admin.id):
            User.write([User(user.id)], {'password': 'Tam-thoi-moi-2026'})
        self.assertTrue(User(user.id).password_change_required)
