# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Uploaded files: size and type checked on the content (R-SUB-7)."""
import io
import zipfile
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .dossier_fixtures import (
    JPG, PDF, PNG, DossierTestCase, make_dossier, make_world)


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('[Content_Types].xml', '<Types/>')
        archive.writestr('word/document.xml', '<w:document/>')
    return buffer.getvalue()


class UploadTestCase(DossierTestCase):
    "R-SUB-7: uploads are refused before they are stored"

    @with_transaction()
    def test_type_by_content(self):
        "R-SUB-7: the content decides, not the file name"
        Document = Pool().get('gov.dossier.document')
        check = Document.check_upload
        self.assertEqual(check('a.pdf', PDF), 'application/pdf')
        self.assertEqual(check('a.PNG', PNG), 'image/png')
        self.assertEqual(check('a.jpeg', JPG), 'image/jpeg')
        self.assertEqual(check('scan', JPG), 'image/jpeg')
        for name, data in [
                ('virus.pdf', b'MZ\x90\x00' + b'\x00' * 60),  # a program
                ('a.pdf', b'<html><script>'),
                ('a.jpg', PDF),  # name and content disagree
                ('a.docx', docx()),  # not allowed by default
                ('a.pdf', b''),
                ]:
            with self.assertRaises(UserError, msg=name) as cm:
                check(name, data)
            self.assertIn(name, cm.exception.message)
        self.assertEqual(Document.detect_type(docx())[0], 'docx')

    @with_transaction()
    def test_component_types_and_size(self):
        "R-SUB-7: the component's file types and the configured size limit"
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        Configuration = pool.get('gov.dossier.configuration')
        world = make_world(components=[
                ("Đơn", True, 'pdf'), ("Ảnh", False, 'jpg, png'),
                ("Tờ khai", False, 'docx,pdf')])
        dossier = make_dossier(world)
        form, photo, declaration = world.procedure.components
        with self.assertRaises(UserError):
            Document.create([{'dossier': dossier.id, 'component': form.id,
                        'name': 'anh.png', 'data': PNG}])
        Document.create([{'dossier': dossier.id, 'component': photo.id,
                    'name': 'anh.png', 'data': PNG}])
        document, = Document.create([{'dossier': dossier.id,
                    'component': declaration.id, 'name': 'to_khai.docx',
                    'data': docx()}])
        self.assertEqual(document.size, len(docx()))
        self.assertTrue(document.mimetype.endswith('document'))
        # Replacing the file is checked too.
        with self.assertRaises(UserError):
            Document.write([document], {'data': PNG, 'name': 'x.png'})
        # 10 MB by default; configurable.
        self.assertEqual(Configuration(1).max_upload_size, Decimal(10))
        big = PDF + b'0' * (10 * 1024 * 1024)
        with self.assertRaises(UserError) as cm:
            Document.check_upload('big.pdf', big)
        self.assertIn('10', cm.exception.message)
        configuration = Configuration(1)
        configuration.max_upload_size = Decimal(20)
        configuration.save()
        self.assertEqual(Document.check_upload('big.pdf', big),
            'application/pdf')

    @with_transaction()
    def test_officer_cannot_sign_a_file_as_the_citizen(self):
        "R-SEC-1, R-AG-3: only the portal records that a citizen uploaded"
        from trytond.model.exceptions import AccessError

        from .dossier_fixtures import as_user, make_web_user
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        world = make_world()
        citizen = make_web_user('chu.ho.so@example.vn')
        dossier = make_dossier(world, channel='desk')
        Dossier.write([dossier], {'web_user': citizen.id})
        values = {'dossier': dossier.id, 'kind': 'other', 'name': 'a.pdf',
            'data': PDF}
        with as_user(world['receiver_a']):
            with self.assertRaises(AccessError):
                Document.create([dict(values, web_user=citizen.id)])
            document, = Document.create([values])
            with self.assertRaises(AccessError):
                Document.write([document], {'web_user': citizen.id})
        self.assertIsNone(Document(document.id).web_user)
