# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Who receives a dossier (the one-stop desk serving its agency), the
reception check, and who acts on a step (the buttons shown are the ones the
server accepts). Every role test runs as the real user with the access
checks of RPC (as_user)."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import with_transaction

from .dossier_fixtures import (
    DossierTestCase, as_user, at, local, make_dossier, make_procedure,
    make_web_user, make_world, reload)

MON = local(2025, 3, 3, 9, 0)


def add_agency(world, key, code, name, kind, parent):
    "An agency created in the test's transaction, known to the world."
    pool = Pool()
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    kind, = Kind.search([('code', '=', kind)])
    agency = Agency(code=code, name=name, kind=kind,
        parent=world[parent] if parent else None)
    agency.save()
    world.agencies[key] = agency
    return agency


def add_officer(world, login, group, agency):
    pool = Pool()
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    user = User(login=login, name=login,
        groups=[ModelData.get_id('gov_agency', group)])
    user.save()
    Officer.create([{'user': user.id, 'agency': world[agency].id}])
    world.users[login] = user
    return user


def desks(world):
    "{agency key: key of its serving desk} of the world's agencies."
    Agency = Pool().get('gov.agency')
    keys = {a.id: k for k, a in world.agencies.items()}
    return {key: keys.get(desk.id) if desk else None
        for key, desk in ((k, Agency(a.id).serving_desk)
            for k, a in world.agencies.items())}


def button_invisible(user, dossier, button):
    """The button's invisible state as sao evaluates it for the user: the
    PySON of the view on the values the user reads."""
    Dossier = Pool().get('gov.dossier')
    states = Dossier._buttons[button]
    with as_user(user):
        values, = Dossier.read([dossier.id], states['depends'])
    return bool(PYSONDecoder(values).decode(
            PYSONEncoder().encode(states['invisible'])))


class RoutingTestCase(DossierTestCase):
    "R-AG-3, R-SUB-3, R-PROC-1: reception at the serving desk; step actors"

    @with_transaction()
    def test_serving_desk_rule(self):
        """R-AG-1, R-AG-3: the desk serving an agency follows the tree, or
        the administrator's choice"""
        Agency = Pool().get('gov.agency')
        world = make_world()
        add_agency(world, 'ward_a', '000.01.21.H16', "UBND phường A1",
            'commune_committee', 'a')
        add_agency(world, 'ward_b', '000.01.22.H16', "UBND xã B1",
            'commune_committee', 'b')
        expected = {
            'a': 'desk_a', 'desk_a': 'desk_a', 'unit_a': 'desk_a',
            'ward_a': 'desk_a', 'b': 'desk_b', 'desk_b': 'desk_b',
            'unit_b': 'desk_b', 'ward_b': 'desk_b',
            # Two district desks are as near the top and of the same kind:
            # nobody is guessed for the province.
            'province': None, 'tax': None, 'post': None,
            }
        self.assertEqual(desks(world), expected)
        # The province's service centre, under its office as in Đắk Nông:
        # as near the top as the district desks, but of the first kind.
        add_agency(world, 'office', '000.00.01.H16', "Văn phòng UBND tỉnh",
            'provincial_office', 'province')
        add_agency(world, 'centre', '000.01.01.H16',
            "Trung tâm Phục vụ hành chính công", 'service_centre', 'office')
        expected.update({'province': 'centre', 'tax': 'centre',
                'post': 'centre', 'office': 'centre', 'centre': 'centre'})
        self.assertEqual(desks(world), expected)
        # The administrator's choice wins, and the sub-units follow it.
        Agency.write([world['b']], {'one_stop_desk': world['desk_a'].id})
        expected.update({'b': 'desk_a', 'unit_b': 'desk_a',
                'ward_b': 'desk_a'})
        self.assertEqual(desks(world), expected)
        # A deactivated desk serves nobody: its agencies go up the tree, and
        # a choice of it falls back to the default.
        Agency.write([world['desk_a']], {'active': False})
        for key in ['a', 'unit_a', 'ward_a', 'desk_a']:
            expected[key] = 'centre'
        for key in ['b', 'unit_b', 'ward_b']:
            expected[key] = 'desk_b'
        self.assertEqual(desks(world), expected)
        # Only one-stop agencies may be chosen.
        with self.assertRaises(UserError):
            Agency.write([world['b']], {'one_stop_desk': world['tax'].id})

    @with_transaction()
    def test_online_dossier_to_a_ward_reaches_the_desk(self):
        """R-SUB-3, R-AG-3, R-PROC-1: an online dossier to a ward committee
        is in the inbox of the desk serving it, and of no other desk"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        add_agency(world, 'ward_a', '000.01.21.H16', "UBND phường A1",
            'commune_committee', 'a')
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, agency='ward_a', web_user=citizen.id)
        with at(MON):
            Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        self.assertTrue(dossier.code.startswith('000.01.21.H16-'))
        # The desk of the ward's district finds it by its code; the other
        # district's desk and the units do not.
        for login, found in [('receiver_a', [dossier]),
                ('leader_a', [dossier]), ('receiver_b', []),
                ('specialist_a', []),
                ('specialist_b', []), ('specialist_tax', [])]:
            with as_user(world[login]):
                self.assertEqual(Dossier.search(
                        [('code', '=', dossier.code)]), found, login)
        with as_user(world['receiver_b']):
            with self.assertRaises(AccessError):
                Dossier.read([dossier.id], ['applicant_name'])
            with self.assertRaises(UserError):
                Dossier.receive([Dossier(dossier.id)])
        self.assertEqual(reload(dossier).state, 'submitted')
        # Its officer receives it; reception and return are at the desk.
        with as_user(world['receiver_a']), at(MON):
            Dossier.receive([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'received')
        self.assertEqual(dossier.received_by, world['receiver_a'])
        steps = {s.kind: s.unit for s in dossier.steps}
        self.assertEqual(steps['receive'], world['desk_a'])
        self.assertEqual(steps['return'], world['desk_a'])

    @with_transaction()
    def test_receive_and_return_at_the_serving_desk(self):
        """R-SUB-3, R-CAT-1: receive and return steps naming no unit are at
        the serving desk"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world(steps=[
                ("Tiếp nhận", 'receive', None, '0.5', 'group_receiver'),
                ("Thẩm định", 'process', None, '3', 'group_specialist'),
                ("Trả kết quả", 'return', None, '0.5', 'group_receiver'),
                ])
        add_agency(world, 'ward_a', '000.01.21.H16', "UBND phường A1",
            'commune_committee', 'a')
        dossier = make_dossier(world, agency='ward_a',
            procedure=world.procedure)
        with at(MON):
            Dossier.submit([dossier])
        with as_user(world['receiver_a']), at(MON):
            Dossier.receive([Dossier(dossier.id)])
        steps = {s.kind: s.unit for s in reload(dossier).steps}
        self.assertEqual(steps, {'receive': world['desk_a'],
                'process': world['unit_a'], 'return': world['desk_a']})

    @with_transaction()
    def test_reception_check(self):
        """R-AG-3, R-SUB-3, R-CAT-1: the check lists each published
        procedure × agency nobody could receive a dossier for"""
        pool = Pool()
        Check = pool.get('gov.dossier.reception_check')
        User = pool.get('res.user')
        Procedure = pool.get('gov.procedure')
        world = make_world()

        def gaps():
            return {(c.procedure.code, c.agency.code) for c in Check.gaps()}
        self.assertEqual(gaps(), set())
        # A procedure of the tax department: no desk serves it.
        procedure = make_procedure(world.agencies, code='P9')
        Procedure.draft([procedure])
        Procedure.write([procedure], {'agencies': [
                    ('add', [world['tax'].id])]})
        Procedure.publish([procedure])
        self.assertEqual(gaps(), {('P9', '000.00.05.H16')})
        # The service centre serves it, but nobody works there yet.
        add_agency(world, 'office', '000.00.01.H16', "Văn phòng UBND tỉnh",
            'provincial_office', 'province')
        add_agency(world, 'centre', '000.01.01.H16',
            "Trung tâm Phục vụ hành chính công", 'service_centre', 'office')
        self.assertEqual(gaps(), {('P9', '000.00.05.H16')})
        add_officer(world, 'receiver_centre', 'group_receiver', 'centre')
        self.assertEqual(gaps(), set())
        # A specialist does not receive; a deactivated officer neither.
        User.write([world['receiver_b']], {'active': False})
        self.assertEqual(gaps(), {('P1', '000.00.22.H16'),
                ('P9', '000.00.22.H16')})
        # The administrator's list in sao (the "No Receiving Officer" tab).
        with as_user(world['admin_p']):
            rows = Check.search([('receivable', '=', False)])
            self.assertEqual({(r.procedure.code, r.agency.code, r.desk,
                        r.officers) for r in rows}, {
                    ('P1', '000.00.22.H16', world['desk_b'], 0),
                    ('P9', '000.00.22.H16', world['desk_b'], 0)})
            self.assertEqual(
                len(Check.search([('receivable', '=', True)])), 3)
        for login in ['receiver_a', 'specialist_a', 'nobody']:
            with as_user(world[login]):
                with self.assertRaises(AccessError):
                    Check.search([])
        # R-CAT-6: a new version published before its effective date is
        # not offered yet: no row of its own.
        rows = len(Check.search([]))
        future, = Procedure.new_version([procedure], {
                'effective_date': dt.date.today() + dt.timedelta(days=30)})
        Procedure.publish([future])
        future = Procedure(future.id)
        self.assertEqual((future.state, future.active), ('published', False))
        self.assertEqual(len(Check.search([])), rows)

    @with_transaction()
    def test_head_of_unit_approves(self):
        """R-PROC-1, R-AG-3: the unit head approves at her unit, then the
        leader signs; each sees Approve only at their own step"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world(steps=[
                ("Tiếp nhận", 'receive', 'desk_a', '0.5', 'group_receiver'),
                ("Thẩm định", 'process', 'unit_a', '2', 'group_specialist'),
                ("Trưởng phòng phê duyệt", 'approve', 'unit_a', '1',
                    'group_unit_head'),
                ("Lãnh đạo ký", 'approve', None, '1', 'group_leader'),
                ("Trả kết quả", 'return', 'desk_a', '0.5', 'group_receiver'),
                ])
        dossier = make_dossier(world, procedure=world.procedure)
        with at(MON):
            Dossier.submit([dossier])
            for login, button in [('receiver_a', 'receive'),
                    ('specialist_a', 'process'), ('specialist_a', 'forward')]:
                with as_user(world[login]):
                    getattr(Dossier, button)([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.current_step.name, "Trưởng phòng phê duyệt")
        self.assertFalse(button_invisible(world['head_a'], dossier, 'approve'))
        self.assertTrue(
            button_invisible(world['specialist_a'], dossier, 'approve'))
        with as_user(world['head_a']), at(MON):
            Dossier.approve([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'processing')
        self.assertEqual(dossier.current_step.name, "Lãnh đạo ký")
        self.assertEqual(dossier.current_unit, world['a'])
        # The head of unit no longer sees Approve, and cannot use it.
        self.assertTrue(button_invisible(world['head_a'], dossier, 'approve'))
        with as_user(world['head_a']):
            self.assertFalse(Dossier(dossier.id).can_act)
            with self.assertRaises(UserError):
                Dossier.approve([Dossier(dossier.id)])
        self.assertEqual(reload(dossier).current_step.name, "Lãnh đạo ký")
        # The other district's specialist never saw it; the leader signs.
        with as_user(world['specialist_b']):
            self.assertEqual(Dossier.search([('id', '=', dossier.id)]), [])
        self.assertFalse(
            button_invisible(world['leader_a'], dossier, 'approve'))
        with as_user(world['leader_a']), at(MON):
            Dossier.approve([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        approvals = [(s.name, s.user.login) for s in dossier.steps
            if s.kind == 'approve']
        self.assertEqual(approvals, [
                ("Trưởng phòng phê duyệt", 'head_a'),
                ("Lãnh đạo ký", 'leader_a')])

    @with_transaction()
    def test_step_buttons_follow_the_server(self):
        """R-AG-3: a step button is shown to whom the server lets act,
        hidden from the others"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        dossier = make_dossier(world)
        with at(MON):
            Dossier.submit([dossier])
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        dossier = reload(dossier)
        # Received: only the unit's officers see "Start Processing".
        for login, hidden in [('specialist_a', False), ('head_a', False),
                ('leader_a', False), ('specialist_b', None),
                ('receiver_a', True)]:
            if hidden is None:
                with as_user(world[login]):
                    self.assertEqual(
                        Dossier.search([('id', '=', dossier.id)]), [])
                continue
            self.assertEqual(
                button_invisible(world[login], dossier, 'process'), hidden,
                login)
        with as_user(world['specialist_a']), at(MON):
            Dossier.process([Dossier(dossier.id)])
        dossier = reload(dossier)
        # A specialist of the desk reads it, but it is not at his unit: no
        # step button, and the server refuses it.
        desk_specialist = add_officer(world, 'desk_specialist',
            'group_specialist', 'desk_a')
        for button in ['forward', 'send_back', 'transfer', 'result_ready']:
            self.assertTrue(
                button_invisible(desk_specialist, dossier, button), button)
        self.assertFalse(
            button_invisible(world['specialist_a'], dossier, 'forward'))
        with as_user(desk_specialist):
            with self.assertRaises(UserError):
                Dossier.forward([Dossier(dossier.id)])
        self.assertEqual(reload(dossier).current_step.kind, 'check')
