# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""How the citizen receives the result, over HTTP (R-SUB-10, R-RES-1):
the choice on the submission form (saved in the draft, kept with what was
typed when the submission is refused) and the form of the dossier's page
that changes it until the result is ready — against the trytond WSGI
application, as a browser posts forms (no browser)."""
import html
import io
import re

from werkzeug.test import Client

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.tests.dossier_fixtures import (
    CITIZEN_ID, PDF, as_user, at, local, make_dossier, make_procedure,
    make_web_user, make_world)
from gov_portal.tests.tools import PortalPagesTestCase

MONDAY = local(2025, 3, 3, 9, 0)
PROFILE_ADDRESS = "Tổ 4, phường Nghĩa Tân, Gia Nghĩa"
PROFILE_PHONE = '0987654321'
ADDRESS = "Số 5 Trần Hưng Đạo, phường Nghĩa Thành, Gia Nghĩa"


class PortalDeliveryTestCase(PortalPagesTestCase):
    "R-SUB-10, R-RES-1: choosing and changing how to receive the result"

    @classmethod
    def set_up_world(cls, world):
        cls.procedure = world.procedure.code
        cls.component = world.procedure.components[0].id
        cls.agency = world.agencies['a'].id

    # ------------------------------------------------------------ helpers
    def citizen(self, email):
        "A new portal account with a profile address and phone: its id."
        with Transaction().start(DB_NAME, 0) as transaction:
            WebUser = Pool().get('web.user')
            user = make_web_user(email)
            WebUser.write([user], {
                    'address': PROFILE_ADDRESS, 'phone': PROFILE_PHONE})
            transaction.commit()
            return user.id

    def client(self, user_id):
        client = Client(app)
        with Transaction().start(DB_NAME, 0) as transaction:
            key = Pool().get('web.user')(user_id).new_session()
            transaction.commit()
        client.set_cookie('dvc_session', key, domain='localhost')
        return client

    @staticmethod
    def hidden(page, name):
        match = re.search(rf'name="{name}" value="([^"]*)"', page)
        return match.group(1) if match else None

    def submitted(self, user_id):
        "A dossier of P1 the account submitted: its code."
        with Transaction().start(DB_NAME, 0) as transaction:
            Dossier = Pool().get('gov.dossier')
            world = make_world()
            dossier = make_dossier(world, web_user=user_id)
            with at(MONDAY):
                Dossier.portal_submit([dossier], user_id, declared=True)
            code = Dossier(dossier.id).code
            transaction.commit()
        return code

    def dossier(self, **domain):
        "(state, return_method, return_address, return_phone, changes)."
        with Transaction().start(DB_NAME, 0) as transaction:
            Dossier = Pool().get('gov.dossier')
            dossier, = Dossier.search(
                [(k, '=', v) for k, v in domain.items()])
            result = (dossier.state, dossier.return_method,
                dossier.return_address, dossier.return_phone,
                len([h for h in dossier.history
                        if h.event == 'return_changed']))
            transaction.rollback()
        return result

    def submit_form(self, page, **values):
        "The submission form as the page shows it, with values."
        data = {
            'csrf_token': self.hidden(page, 'csrf_token'),
            'submission': self.hidden(page, 'submission'),
            'applicant_name': "Nguyễn Thị Lan",
            'applicant_id_number': CITIZEN_ID,
            'applicant_phone': '',
            'applicant_email': '',
            'applicant_address': '',
            'agency': str(self.agency),
            'f_ho_ten': "Nguyễn Thị Lan",
            'declaration': '1',
            'action': 'submit',
            }
        draft = self.hidden(page, 'draft')
        if draft:
            data['draft'] = draft
        data.update(values)
        return data

    # ------------------------------------------------------------ tests
    def test_submit_form_saves_the_choice(self):
        """R-SUB-10: the form offers the ways of the procedure, address and
        phone from the profile; the choice is saved in the draft, kept with
        what was typed when the submission is refused, and submitted"""
        user = self.citizen('lan.delivery@example.com')
        client = self.client(user)
        path = f'/nop-ho-so/{self.procedure}'
        response = client.get(path)
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('Cách nhận kết quả', page)
        self.assertIn('name="return_method" value="desk"', page)
        self.assertIn('name="return_method" value="postal"', page)
        # P1's result is on paper: not online.
        self.assertNotIn('name="return_method" value="online"', page)
        self.assertIn(html.escape(PROFILE_ADDRESS, quote=False), page)
        self.assertIn(f'name="return_phone" type="tel" value="'
            f'{PROFILE_PHONE}"', page)

        # By post without phone: refused, the whole form shown again.
        response = client.post(path, data=self.submit_form(page,
                return_method='postal', return_address=ADDRESS,
                return_phone='', **{f'c{self.component}': (
                        io.BytesIO(PDF), 'don.pdf')}))
        self.assertEqual(response.status_code, 400)
        page = response.get_data(as_text=True)
        self.assertIn('id="e-return_phone"', page)
        self.assertIn('số điện thoại', page)
        self.assertRegex(page, r'value="postal" checked')
        self.assertIn(html.escape(ADDRESS, quote=False), page)
        self.assertIn('value="Nguyễn Thị Lan"', page)
        self.assertNotIn('Traceback', page)
        draft = int(self.hidden(page, 'draft'))
        self.assertEqual(self.dossier(id=draft),
            ('draft', 'postal', ADDRESS, None, 0))

        # Completed, it is submitted with the choice.
        response = client.post(path, data=self.submit_form(page,
                return_method='postal', return_address=ADDRESS,
                return_phone='0912 345 678'))
        self.assertEqual(response.status_code, 303,
            response.get_data(as_text=True))
        self.assertIn('/da-nop', response.headers['Location'])
        self.assertEqual(self.dossier(id=draft),
            ('submitted', 'postal', ADDRESS, '0912345678', 0))

    def test_draft_of_a_superseded_version(self):
        """R-CAT-6, R-SUB-1: her saved draft of a procedure amended since
        opens from "Hồ sơ của tôi" in the current form, with the notice of
        the amendment, what she typed and her file of a component still
        asked for; saved, it is moved to the current version"""
        user = self.citizen('lan.version@example.com')
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Procedure = pool.get('gov.procedure')
            Component = pool.get('gov.procedure.component')
            world = make_world()
            v1 = make_procedure(world.agencies, code='PV')
            draft = make_dossier(world, procedure=v1, web_user=user,
                applicant_name="Nguyễn Văn Tuấn",
                form_data={'ho_ten': "Nguyễn Văn Tuấn"})
            v2, = Procedure.new_version([v1], {
                    'change_basis': "Quyết định 99/QĐ-UBND"})
            Component.delete([c for c in v2.components if not c.mandatory])
            Procedure.publish([v2])
            draft, v2 = draft.id, v2.id
            transaction.commit()
        client = self.client(user)
        response = client.get(f'/nop-ho-so/PV?nhap={draft}')
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('đã được sửa đổi', page)
        self.assertIn('Quyết định 99/QĐ-UBND', page)
        self.assertIn('value="Nguyễn Văn Tuấn"', page)
        self.assertIn('don.pdf', page)
        self.assertEqual(self.hidden(page, 'draft'), str(draft))
        response = client.post('/nop-ho-so/PV', data=self.submit_form(page,
                action='draft', applicant_name="Nguyễn Văn Tuấn",
                f_ho_ten="Nguyễn Văn Tuấn"))
        self.assertEqual(response.status_code, 200,
            response.get_data(as_text=True))
        with Transaction().start(DB_NAME, 0) as transaction:
            dossier = Pool().get('gov.dossier')(draft)
            self.assertEqual((dossier.state, dossier.procedure.id,
                    [d.component.procedure.id for d in dossier.documents]),
                ('draft', v2, [v2]))
            transaction.rollback()

    def test_change_form(self):
        """R-SUB-10, R-RES-1: the dossier's page changes the choice until
        the result is ready, then refuses with the message; another
        citizen gets a 404"""
        user = self.citizen('hoa.delivery@example.com')
        code = self.submitted(user)
        client = self.client(user)
        path = f'/ho-so/{code}'
        page = client.get(path).get_data(as_text=True)
        self.assertIn('Đổi cách nhận kết quả', page)
        self.assertIn(f'action="/ho-so/{code}/nhan-ket-qua"', page)
        token = self.hidden(page, 'csrf_token')

        # Without the CSRF token: refused.
        response = client.post(f'{path}/nhan-ket-qua', data={
                'return_method': 'desk'})
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(self.dossier(code=code)[1:], (None, None, None, 0))

        response = client.post(f'{path}/nhan-ket-qua', data={
                'csrf_token': token, 'return_method': 'postal',
                'return_address': ADDRESS, 'return_phone': '0912 345 678'})
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('Đã đổi cách nhận kết quả.', page)
        self.assertIn(html.escape(ADDRESS, quote=False), page)
        self.assertEqual(self.dossier(code=code),
            ('submitted', 'postal', ADDRESS, '0912345678', 1))

        # A wrong phone: the message next to the field, nothing written.
        response = client.post(f'{path}/nhan-ket-qua', data={
                'csrf_token': token, 'return_method': 'postal',
                'return_address': ADDRESS, 'return_phone': '12'})
        self.assertEqual(response.status_code, 400)
        page = response.get_data(as_text=True)
        self.assertIn('id="e-return_phone"', page)
        self.assertIn('value="12"', page)
        self.assertEqual(self.dossier(code=code),
            ('submitted', 'postal', ADDRESS, '0912345678', 1))

        # Another citizen: as an unknown code.
        other = self.client(self.citizen('tuan.delivery@example.com'))
        other_token = self.hidden(
            other.get('/ho-so').get_data(as_text=True), 'csrf_token')
        response = other.post(f'{path}/nhan-ket-qua', data={
                'csrf_token': other_token, 'return_method': 'desk'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.dossier(code=code)[1], 'postal')

        # The result is ready: no form, a change is refused.
        with Transaction().start(DB_NAME, 0) as transaction:
            Dossier = Pool().get('gov.dossier')
            world = make_world()
            dossier, = Dossier.search([('code', '=', code)])
            with at(MONDAY), as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
            with at(local(2025, 3, 5, 16, 0)):
                with as_user(world['specialist_a']):
                    Dossier.process([Dossier(dossier.id)])
                    Dossier.forward([Dossier(dossier.id)])
                with as_user(world['head_a']):
                    Dossier.approve([Dossier(dossier.id)])
            transaction.commit()
        page = client.get(path).get_data(as_text=True)
        self.assertNotIn('nhan-ket-qua', page)
        response = client.post(f'{path}/nhan-ket-qua', data={
                'csrf_token': token, 'return_method': 'desk'})
        self.assertEqual(response.status_code, 400)
        page = response.get_data(as_text=True)
        self.assertIn('không thể đổi cách nhận kết quả', page)
        self.assertIn('Bộ phận Một cửa', page)
        self.assertNotIn('Traceback', page)
        self.assertEqual(self.dossier(code=code),
            ('result_ready', 'postal', ADDRESS, '0912345678', 1))
