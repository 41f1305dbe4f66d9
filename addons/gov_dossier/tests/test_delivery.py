# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""How the applicant receives the result (delivery.py, R-SUB-10,
R-RES-1): the ways offered, the postal address and phone required at
submission, the citizen's change until the result is ready, and the
notification and receipt sending the result where she asked."""
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import DossierAccessError, ReturnChoiceError
from .dossier_fixtures import (
    CITIZEN_ID, PDF, DossierTestCase, as_user, at, local, make_dossier,
    make_procedure, make_web_user, make_world, reload)
from .tools import load_vietnamese

MONDAY = local(2025, 3, 3, 9, 0)
ADDRESS = "Số 5 Trần Hưng Đạo, phường Nghĩa Thành, Gia Nghĩa"
APPLICANT_ADDRESS = "Thôn 3, xã Đắk Nia"


def portal_form(world, **values):
    "The texts of a complete portal form of P1, for the agency A."
    result = {
        'applicant_name': "Nguyễn Thị Lan",
        'applicant_id_number': CITIZEN_ID,
        'applicant_phone': "",
        'applicant_email': "",
        'applicant_address': "",
        'agency': str(world.agencies['a'].id),
        'form_data.ho_ten': "Nguyễn Thị Lan",
        'return_method': 'postal',
        'return_address': ADDRESS,
        'return_phone': "0912 345 678",
        }
    result.update(values)
    return result


class DeliveryTestCase(DossierTestCase):
    "R-SUB-10, R-RES-1"

    def owned(self, world, **values):
        "A draft of P1 owned by a new portal account: (dossier, account)."
        citizen = make_web_user(values.pop('email', 'lan@example.com'))
        dossier = make_dossier(world, web_user=citizen.id, **values)
        return dossier, citizen

    def submitted(self, world, **values):
        Dossier = Pool().get('gov.dossier')
        dossier, citizen = self.owned(world, **values)
        with at(MONDAY):
            Dossier.portal_submit([dossier], citizen, declared=True)
        return reload(dossier), citizen

    def to_result_ready(self, world, dossier):
        Dossier = Pool().get('gov.dossier')
        if reload(dossier).state == 'submitted':
            with at(MONDAY), as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        with at(local(2025, 3, 5, 16, 0)):
            with as_user(world['specialist_a']):
                Dossier.process([Dossier(dossier.id)])
                Dossier.forward([Dossier(dossier.id)])
            with as_user(world['head_a']):
                Dossier.approve([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        return dossier

    @staticmethod
    def choice(dossier):
        return (dossier.return_method, dossier.return_address,
            dossier.return_phone)

    @staticmethod
    def changes(dossier):
        return [h for h in reload(dossier).history
            if h.event == 'return_changed']

    # ------------------------------------------------------ offered
    @with_transaction()
    def test_offered_methods_follow_the_result_type(self):
        """R-SUB-10, R-RES-1: the desk always, online only for an
        electronic result, post while _postal_return_offered()"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        for code, result_type, expected in [
                (None, 'paper', ['desk', 'postal']),
                ('PE', 'electronic', ['desk', 'postal', 'online']),
                ('PB', 'both', ['desk', 'postal', 'online'])]:
            procedure = (make_procedure(world.agencies, code=code,
                    result_type=result_type) if code else world.procedure)
            self.assertEqual(procedure.result_type, result_type)
            dossier = make_dossier(world, procedure=procedure)
            self.assertEqual(dossier.return_methods_offered(), expected)
            # A form not saved yet is asked the same.
            unsaved = Dossier(procedure=procedure, channel='online')
            self.assertEqual(unsaved.return_methods_offered(), expected)
        # The postal module's extension point: no contract, no post.
        with patch.object(Dossier, '_postal_return_offered',
                lambda self: False):
            self.assertEqual(
                reload(dossier).return_methods_offered(), ['desk', 'online'])
            errors = reload(dossier).return_errors(
                {'return_method': 'postal'})
            self.assertEqual(set(errors), {'return_method'})
        # Online is not offered for a paper result.
        paper = make_dossier(world)
        self.assertEqual(set(paper.return_errors({'return_method': 'online'})),
            {'return_method'})
        self.assertEqual(paper.return_errors({'return_method': 'desk'}), {})
        self.assertEqual(paper.return_errors({}), {})

    @with_transaction()
    def test_return_errors_of_a_postal_choice(self):
        "R-SUB-10: by post, an address and a valid phone are needed"
        world = make_world()
        dossier = make_dossier(world, return_method='postal')
        self.assertEqual(set(dossier.return_errors()),
            {'return_address', 'return_phone'})
        self.assertEqual(set(dossier.return_errors(
                    {'return_address': ADDRESS, 'return_phone': '12'})),
            {'return_phone'})
        self.assertEqual(dossier.return_errors(
                {'return_address': ADDRESS, 'return_phone': '0912.345.678'}),
            {})
        # The applicant's address and phone serve when none is given.
        other = make_dossier(world, return_method='postal',
            applicant_address=APPLICANT_ADDRESS,
            applicant_phone='0987654321')
        self.assertEqual(other.return_errors(), {})
        self.assertEqual(other.delivery_address(), APPLICANT_ADDRESS)
        other.return_address = ADDRESS
        self.assertEqual(other.delivery_address(), ADDRESS)

    # ------------------------------------------------------ submission
    @with_transaction()
    def test_postal_without_phone_refused_at_submit(self):
        """R-SUB-10: a postal choice without phone is refused at submission,
        in Vietnamese, and nothing is half-saved"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        History = pool.get('gov.dossier.history')
        load_vietnamese()
        world = make_world()
        dossier, citizen = self.owned(world, return_method='postal',
            return_address=ADDRESS)
        with at(MONDAY), Transaction().set_context(language='vi'):
            with self.assertRaises(ReturnChoiceError) as cm:
                Dossier.portal_submit([dossier], citizen, declared=True)
        self.assertIn("bưu chính", cm.exception.message)
        self.assertIn("số điện thoại", cm.exception.message)
        self.assertEqual(set(cm.exception.errors), {'return_phone'})
        dossier = reload(dossier)
        self.assertEqual((dossier.state, dossier.code, dossier.submitted_date,
                dossier.declared_date, dossier.applicant),
            ('draft', None, None, None, None))
        self.assertEqual(History.search([('dossier', '=', dossier.id)]), [])
        # The officers' path checks the same.
        with at(MONDAY), as_user(world['receiver_a']):
            with self.assertRaises(ReturnChoiceError):
                Dossier.receive([Dossier(make_dossier(world,
                                channel='desk', return_method='postal',
                                return_address=ADDRESS).id)])
        # With the phone she may submit.
        Dossier.write([dossier], {'return_phone': '0912345678'})
        with at(MONDAY):
            Dossier.portal_submit([dossier], citizen, declared=True)
        self.assertEqual(reload(dossier).state, 'submitted')

    @with_transaction()
    def test_portal_form_saves_the_choice(self):
        """R-SUB-10: the portal form saves the choice in the draft; a
        missing phone is reported on submit only, the draft is kept"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world()
        citizen = make_web_user('lan@example.com')
        files = {world.procedure.components[0].id: ('don.pdf', PDF)}
        # A draft: the missing phone is not reported yet.
        result = Dossier.portal_save_form(world.procedure, citizen,
            portal_form(world, return_phone=""), files)
        self.assertEqual(result.errors, {})
        draft = result.dossier
        self.assertEqual(self.choice(draft), ('postal', ADDRESS, None))
        # Submitted, it is: not submitted, the draft as it was.
        result = Dossier.portal_save_form(world.procedure, citizen,
            portal_form(world, return_phone=""), {}, draft=draft.id,
            submit=True, declared=True)
        self.assertFalse(result.submitted)
        self.assertEqual(set(result.errors), {'return_phone'})
        draft = reload(draft)
        self.assertEqual((draft.state, draft.code), ('draft', None))
        self.assertEqual(self.choice(draft), ('postal', ADDRESS, None))
        # A wrong phone is reported in a draft too, and not kept.
        result = Dossier.portal_save_form(world.procedure, citizen,
            portal_form(world, return_phone="12"), {}, draft=draft.id)
        self.assertEqual(set(result.errors), {'return_phone'})
        # A method the dossier does not offer is refused.
        result = Dossier.portal_save_form(world.procedure, citizen,
            portal_form(world, return_method='online'), {}, draft=draft.id)
        self.assertEqual(set(result.errors), {'return_method'})
        self.assertIsNone(reload(draft).return_method)
        # Complete, it is submitted with the choice.
        result = Dossier.portal_save_form(world.procedure, citizen,
            portal_form(world), {}, draft=draft.id, submit=True,
            declared=True)
        self.assertEqual(result.errors, {})
        self.assertTrue(result.submitted)
        self.assertEqual(self.choice(result.dossier),
            ('postal', ADDRESS, '0912345678'))

    # ------------------------------------------------------ change
    @with_transaction()
    def test_change_before_result_ready_and_refused_after(self):
        """R-SUB-10, R-RES-1: the owner changes her choice until the result
        is ready (recorded in the history); after, it is refused and
        nothing changes"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier, citizen = self.submitted(world)
        self.assertEqual(dossier.return_method, None)
        with at(local(2025, 3, 3, 10, 0)):
            dossier.portal_change_return(citizen, 'postal', ADDRESS,
                '0912 345 678')
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'submitted')
        self.assertEqual(self.choice(dossier),
            ('postal', ADDRESS, '0912345678'))
        change, = self.changes(dossier)
        self.assertEqual((change.from_state, change.to_state,
                change.web_user, change.public),
            ('submitted', 'submitted', citizen, True))
        self.assertIn(ADDRESS, change.reason)
        self.assertIn('0912345678', change.reason)
        # An incomplete choice is refused, nothing written.
        with self.assertRaises(ReturnChoiceError) as cm:
            dossier.portal_change_return(citizen, 'postal', ADDRESS, '')
        self.assertEqual(set(cm.exception.errors), {'return_phone'})
        self.assertEqual(self.choice(reload(dossier)),
            ('postal', ADDRESS, '0912345678'))
        # While processing, still.
        with at(MONDAY):
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        reload(dossier).portal_change_return(citizen, 'desk')
        self.assertEqual(reload(dossier).return_method, 'desk')
        self.assertEqual(len(self.changes(dossier)), 2)
        dossier = self.to_result_ready(world, dossier)
        before = self.choice(dossier)
        with self.assertRaises(ReturnChoiceError) as cm:
            dossier.portal_change_return(citizen, 'postal', ADDRESS,
                '0912345678')
        self.assertIn("contact the one-stop desk", cm.exception.message)
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        self.assertEqual(self.choice(dossier), before)
        self.assertEqual(len(self.changes(dossier)), 2)
        # The desk may still change it.
        with as_user(world['receiver_a']):
            Dossier.write([Dossier(dossier.id)], {'return_method': 'postal',
                    'return_address': ADDRESS, 'return_phone': '0912345678'})

    @with_transaction()
    def test_change_refused_once_closed(self):
        "R-SUB-10: a withdrawn dossier's choice cannot be changed"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier, citizen = self.submitted(world)
        Dossier.portal_withdraw([dossier], citizen, reason="Nộp nhầm")
        dossier = reload(dossier)
        with self.assertRaises(ReturnChoiceError):
            dossier.portal_change_return(citizen, 'desk')
        self.assertEqual(reload(dossier).return_method, None)
        self.assertEqual(self.changes(dossier), [])

    @with_transaction()
    def test_another_citizen_cannot_change(self):
        "R-SUB-10, R-AG-3: only the owner changes the choice"
        world = make_world()
        dossier, citizen = self.submitted(world)
        stranger = make_web_user('tuan@example.com')
        with self.assertRaises(DossierAccessError):
            dossier.portal_change_return(stranger, 'postal', ADDRESS,
                '0912345678')
        dossier = reload(dossier)
        self.assertEqual(self.choice(dossier), (None, None, None))
        self.assertEqual(self.changes(dossier), [])

    # ------------------------------------------------------ where it goes
    @with_transaction()
    def test_notification_and_receipt_use_the_delivery_address(self):
        """R-RES-1: the result notification and the receipt send the
        result to the address (and phone) she gave for it"""
        pool = Pool()
        Notification = pool.get('gov.notification')
        Receipt = pool.get('gov.dossier.receipt', type='report')
        load_vietnamese()
        world = make_world()
        dossier, citizen = self.submitted(world,
            applicant_address=APPLICANT_ADDRESS)
        dossier.portal_change_return(citizen, 'postal', ADDRESS,
            '0912 345 678')
        dossier = reload(dossier)
        place = Receipt.values(dossier, {})['return_place']
        self.assertIn(ADDRESS, place)
        self.assertIn('0912345678', place)
        self.assertNotIn(APPLICANT_ADDRESS, place)
        _, body, _ = Notification.content(dossier, 'result')
        self.assertIn("bưu chính", body)
        self.assertIn(ADDRESS, body)
        self.assertIn('0912345678', body)
        self.assertNotIn(APPLICANT_ADDRESS, body)
        # Without an address of her own, the applicant's.
        dossier.portal_change_return(citizen, 'postal', '', '0912345678')
        dossier = reload(dossier)
        self.assertIn(APPLICANT_ADDRESS,
            Receipt.values(dossier, {})['return_place'])
        _, body, _ = Notification.content(dossier, 'result')
        self.assertIn(APPLICANT_ADDRESS, body)
