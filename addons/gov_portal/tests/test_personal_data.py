# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Consent with its text version, "Dữ liệu của tôi" and the account
closure request (R-SEC-5, R-SEC-2), over HTTP against the trytond WSGI
application (no browser) and through the models' access checks."""
import hashlib
import io
import json
import re

from werkzeug.test import Client

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.wsgi import app

from gov_dossier.tests.dossier_fixtures import (
    CITIZEN_ID, PDF, as_user, at, local, make_dossier, make_web_user,
    make_world)
from gov_portal.closure import ClosureError
from gov_portal.tests.tools import PortalPagesTestCase

MONDAY = local(2025, 3, 3, 9, 0)
NAME = "Nguyễn Thị Lan"


ADDRESS = '203.0.113.7'


class AddressClient(Client):
    "A browser at ADDRESS (werkzeug's test requests have none)."

    def open(self, *args, **kwargs):
        kwargs.setdefault('environ_base', {'REMOTE_ADDR': ADDRESS})
        return super().open(*args, **kwargs)


def hidden(page, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return match.group(1) if match else None


class PersonalDataTestCase(PortalPagesTestCase):
    "R-SEC-5, R-SEC-2: consent, the citizen's data, closing her account"

    @classmethod
    def set_up_world(cls, world):
        cls.procedure = world.procedure.code
        cls.component = world.procedure.components[0].id
        cls.agency = world.agencies['a'].id

    # ------------------------------------------------------------ helpers
    def citizen(self, email, name=NAME):
        with Transaction().start(DB_NAME, 0) as transaction:
            user = make_web_user(email)
            Pool().get('web.user').write([user], {
                    'full_name': name, 'phone': '0987654321',
                    'address': "Tổ 4, phường Nghĩa Tân, Gia Nghĩa",
                    'identification_number': CITIZEN_ID})
            transaction.commit()
            return user.id

    def client(self, user_id=None):
        client = AddressClient(app)
        if user_id:
            with Transaction().start(DB_NAME, 0) as transaction:
                key = Pool().get('web.user')(user_id).new_session()
                transaction.commit()
            client.set_cookie('dvc_session', key, domain='localhost')
        return client

    def submit(self, client, declared=True):
        "Submit P1 through the portal's form: the response."
        path = f'/nop-ho-so/{self.procedure}'
        page = client.get(path).get_data(as_text=True)
        data = {
            'csrf_token': hidden(page, 'csrf_token'),
            'submission': hidden(page, 'submission'),
            'applicant_name': NAME,
            'applicant_id_number': CITIZEN_ID,
            'applicant_phone': '', 'applicant_email': '',
            'applicant_address': '',
            'agency': str(self.agency),
            'f_ho_ten': NAME,
            'return_method': 'desk',
            'action': 'submit',
            f'c{self.component}': (io.BytesIO(PDF), 'giay-to.pdf'),
            }
        if declared:
            data['declaration'] = '1'
        return page, client.post(path, data=data)

    def consents(self, user_id):
        with Transaction().start(DB_NAME, 0, readonly=True):
            Consent = Pool().get('gov.portal.consent')
            return [(c.purpose, c.dossier.code if c.dossier else None,
                    c.version, c.text, c.ip_address)
                for c in Consent.search([('web_user', '=', user_id)])]

    # ------------------------------------------------------------ tests
    def test_registration_consent_stored_with_its_version(self):
        """R-SEC-5: the registration form shows the consent text in force
        with its version; an account is created only with the box ticked,
        and its consent keeps that version, its exact text, the time and
        the address"""
        client = self.client()
        page = client.get('/dang-ky').get_data(as_text=True)
        with Transaction().start(DB_NAME, 0, readonly=True):
            text = Pool().get('gov.portal.consent.text').current(
                'registration')
            version, wording, text_id = text.version, text.text, text.id
        self.assertIn('Nghị định 13/2023/NĐ-CP', page)
        self.assertIn(f'Phiên bản {version}', page)
        self.assertEqual(hidden(page, 'consent_version'), str(text_id))
        form = {
            'csrf_token': hidden(page, 'csrf_token'),
            'email': 'hoa.consent@example.com',
            'full_name': "Trần Thị Hoa",
            'identification_number': CITIZEN_ID,
            'password': 'Mat-khau-rat-dai-2026',
            'password_confirm': 'Mat-khau-rat-dai-2026',
            'consent_version': str(text_id),
            }
        response = client.post('/dang-ky', data=form)
        self.assertIn('Vui lòng đồng ý', response.get_data(as_text=True))
        with Transaction().start(DB_NAME, 0, readonly=True):
            self.assertFalse(Pool().get('web.user').search(
                    [('email', '=', 'hoa.consent@example.com')]))
        client.post('/dang-ky', data=dict(form, consent='1'))
        with Transaction().start(DB_NAME, 0, readonly=True):
            user, = Pool().get('web.user').search(
                [('email', '=', 'hoa.consent@example.com')])
            user_id = user.id
        self.assertEqual(self.consents(user_id), [
                ('registration', None, version, wording, ADDRESS)])

    def test_new_version_keeps_what_was_agreed(self):
        """R-SEC-5: a version agreed to cannot be rewritten; a new version
        is shown from then on, the earlier consent keeps its own text"""
        user_id = self.citizen('minh.version@example.com', "Lê Văn Minh")
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Text = pool.get('gov.portal.consent.text')
            Consent = pool.get('gov.portal.consent')
            world = make_world()
            old = Text.current('submission')
            Consent.record(user_id, 'submission')
            with as_user(world.users['admin_p']):
                with self.assertRaises(AccessError):
                    Text.write([Text(old.id)], {'text': "Đổi nội dung"})
                new, = Text.create([{'purpose': 'submission',
                            'version': '2099-test', 'text': "Nội dung mới"}])
            self.assertEqual(Text.current('submission'), new)
            consent, = Consent.search([('web_user', '=', user_id)])
            self.assertEqual((consent.version, consent.text),
                (old.version, old.text))
            with self.assertRaises(AccessError):
                Consent.write([consent], {'text': "x"})
            transaction.rollback()

    def test_submission_consent_stored_refused_without_tick(self):
        """R-SEC-5: a submission without the tick is refused and stores
        nothing; a submission stores the consent with the dossier, the
        version and the address"""
        user_id = self.citizen('lan.submit.consent@example.com')
        client = self.client(user_id)
        page, response = self.submit(client, declared=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn('Nghị định 13/2023/NĐ-CP', page)
        self.assertEqual(self.consents(user_id), [])
        _, response = self.submit(client)
        self.assertEqual(response.status_code, 303)
        code = response.headers['Location'].split('/')[2]
        (purpose, dossier, version, text, address), = self.consents(
            user_id)
        self.assertEqual((purpose, dossier, address),
            ('submission', code, ADDRESS))
        self.assertIn('Nghị định 13/2023/NĐ-CP', text)

    def submitted(self, user_id):
        with Transaction().start(DB_NAME, 0) as transaction:
            Dossier = Pool().get('gov.dossier')
            dossier = make_dossier(make_world(), web_user=user_id,
                applicant_name=NAME)
            with at(MONDAY):
                Dossier.portal_submit([dossier], user_id, declared=True)
            dossier = Dossier(dossier.id)
            digest = hashlib.sha256(dossier.documents[0].data).hexdigest()
            code = dossier.code
            transaction.commit()
        return code, digest

    def test_my_data_json_and_pdf(self):
        """R-SEC-5: she downloads, as JSON and PDF, her profile, consents,
        dossiers with their eForm data and files' SHA-256, notifications
        and payments (gov_fee adds its part)"""
        from pypdf import PdfReader
        user_id = self.citizen('lan.data@example.com')
        code, digest = self.submitted(user_id)
        client = self.client(user_id)
        response = client.get('/tai-khoan/du-lieu')
        self.assertEqual(response.status_code, 200)
        page = response.get_data(as_text=True)
        self.assertIn('Dữ liệu của tôi', page)
        self.assertIn(code, page)
        self.assertIn(digest, page)

        response = client.get('/tai-khoan/du-lieu.json')
        self.assertEqual(response.status_code, 200)
        self.assertIn('attachment', response.headers['Content-Disposition'])
        data = json.loads(response.get_data(as_text=True))
        self.assertEqual(data['profile'][0]['full_name'], NAME)
        self.assertEqual(data['profile'][0]['phone'], '0987654321')
        dossier, = data['dossiers']
        self.assertEqual(dossier['code'], code)
        self.assertEqual(dossier['state'], 'submitted')
        self.assertIn('form_data', dossier)
        # The same values under the eForm's labels.
        self.assertEqual(len(dossier['form']), len(dossier['form_data']))
        self.assertEqual(dossier['documents'][0]['sha256'], digest)
        self.assertEqual([c['purpose'] for c in data['consents']],
            ['submission'])
        self.assertEqual(data['consents'][0]['dossier'], code)
        for key in ['notifications', 'closure_requests', 'payments']:
            self.assertIn(key, data)

        response = client.get('/tai-khoan/du-lieu.pdf')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'], 'application/pdf')
        reader = PdfReader(io.BytesIO(response.get_data()))
        text = '\n'.join(p.extract_text() for p in reader.pages)
        self.assertIn(NAME, text)
        self.assertIn(code, text)

    def test_another_citizen_gets_only_her_own(self):
        """R-SEC-2, R-SEC-5: from another session, with guessed ids in the
        path or the query, citizen B gets her own data, never A's; a
        stranger is sent to sign in"""
        a = self.citizen('an.victim@example.com', "Phạm Văn An")
        code, digest = self.submitted(a)
        b = self.citizen('binh.attacker@example.com', "Đỗ Thị Bình")
        attacker = self.client(b)
        for path in ['/tai-khoan/du-lieu', '/tai-khoan/du-lieu.json',
                f'/tai-khoan/du-lieu.json?web_user={a}&id={a}',
                f'/tai-khoan/du-lieu?user={a}']:
            body = attacker.get(path).get_data(as_text=True)
            self.assertNotIn(code, body, path)
            self.assertNotIn('Phạm Văn An', body, path)
            self.assertNotIn(digest, body, path)
        data = json.loads(attacker.get(
                f'/tai-khoan/du-lieu.json?web_user={a}').get_data(
                as_text=True))
        self.assertEqual(data['profile'][0]['email'],
            'binh.attacker@example.com')
        self.assertEqual(data['dossiers'], [])
        for path in [f'/tai-khoan/du-lieu/{a}', f'/tai-khoan/du-lieu/{a}.json',
                f'/tai-khoan/du-lieu/{a}/pdf']:
            self.assertEqual(attacker.get(path).status_code, 404, path)
        stranger = self.client()
        for path in ['/tai-khoan/du-lieu.json', '/tai-khoan/du-lieu.pdf']:
            response = stranger.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertIn('/dang-nhap', response.headers['Location'])

    def test_closure_requested_and_handled_by_the_provincial_office(self):
        """R-SEC-5: she asks to close her account (once at a time); an
        agency officer cannot see the request, the provincial office
        refuses only with a reason or closes: the account is inactive, its
        sessions end, phone, address and ID are erased, her dossiers and
        consents are kept"""
        user_id = self.citizen('lan.close@example.com')
        code, _ = self.submitted(user_id)
        client = self.client(user_id)
        page = client.get('/tai-khoan/du-lieu').get_data(as_text=True)
        token = hidden(page, 'csrf_token')
        response = client.post('/tai-khoan/du-lieu', data={
                'csrf_token': token, 'reason': "Không dùng nữa"})
        self.assertEqual(response.status_code, 400)
        response = client.post('/tai-khoan/du-lieu', data={
                'csrf_token': token, 'reason': "Không dùng nữa",
                'confirm': '1'})
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="closure-pending"', response.get_data(as_text=True))
        # A second request while the first waits: refused, one request.
        response = client.post('/tai-khoan/du-lieu', data={
                'csrf_token': token, 'confirm': '1'})
        self.assertEqual(response.status_code, 400)
        self.assertIn('đang chờ', response.get_data(as_text=True))

        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Closure = pool.get('gov.portal.closure')
            WebUser = pool.get('web.user')
            Dossier = pool.get('gov.dossier')
            world = make_world()
            request, = Closure.search([('web_user', '=', user_id)])
            self.assertEqual(request.reason, "Không dùng nữa")
            for login in ['receiver_a', 'leader_a', 'specialist_a']:
                with as_user(world.users[login]):
                    with self.assertRaises(AccessError):
                        Closure.search([])
            with as_user(world.users['auditor']):
                self.assertTrue(Closure.search([('web_user', '=', user_id)]))
                with self.assertRaises(AccessButtonError):
                    Closure.close_account([Closure(request.id)])
            with as_user(world.users['admin_p']):
                with self.assertRaises(ClosureError):
                    Closure.refuse([Closure(request.id)])
                Closure.close_account([Closure(request.id)])
            request = Closure(request.id)
            self.assertEqual(request.state, 'done')
            self.assertEqual(request.handled_by, world.users['admin_p'])
            user = WebUser(user_id)
            self.assertFalse(user.active)
            self.assertEqual((user.phone, user.address,
                    user.identification_number, user.password_hash),
                (None, None, None, None))
            self.assertEqual(user.email, 'lan.close@example.com')
            self.assertTrue(Dossier.search([('code', '=', code)]))
            self.assertTrue(pool.get('gov.portal.consent').search(
                    [('web_user', '=', user_id)]))
            self.assertFalse(pool.get('web.user.session').search(
                    [('user', '=', user_id)]))
            transaction.commit()
        response = client.get('/tai-khoan/du-lieu.json')
        self.assertEqual(response.status_code, 302)
