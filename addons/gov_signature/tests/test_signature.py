# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Signed submissions, the agency's signature on results, the fingerprints
in the history and the integrity check, in the database."""
import datetime as dt
import hashlib
from pathlib import Path

from trytond.filestore import filestore
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.report import applicant_text, portal_url
from gov_dossier.tests.dossier_fixtures import (
    as_user, make_dossier, make_world, reload)

from ..exceptions import (
    SignatureAccessError, SignatureError, UnsignedResultError)
from .pki import minimal_pdf, pkcs12_bundle
from .tools import PASSWORD, SignatureTestCase, flip_byte


def history(dossier, event):
    History = Pool().get('gov.dossier.history')
    return History.search([('dossier', '=', dossier.id),
            ('event', '=', event)], order=[('id', 'ASC')])


class SignatureTestCase_(SignatureTestCase):
    "R-SEC-1, R-SEC-3, R-SUB-2, R-RES-1, R-RES-3"

    @with_transaction()
    def test_submitted_files_are_verified_and_fingerprinted(self):
        """R-SUB-2, R-SEC-3, R-SEC-1: each uploaded PDF's signatures are
        verified (who, when, which CA, verdict) and its SHA-256 is written
        in the dossier's history, not shown to the citizen"""
        world = make_world()
        cases = {
            'citizen': 'valid', 'untrusted': 'untrusted',
            'expired': 'expired',
            }
        for who, verdict in cases.items():
            data = self.pki.signed(who)
            dossier = self.component_dossier(world, data)
            document, = dossier.documents
            self.assertEqual(document.signature_verdict, verdict, who)
            self.assertEqual(document.sha256,
                hashlib.sha256(data).hexdigest())
            self.assertEqual(document.signature_count, 1)
            self.assertTrue(document.signature_issuer)
            self.assertIsNotNone(document.signature_time)
            entry, = history(dossier, 'file_stored')
            self.assertIn(document.sha256, entry.reason)
            self.assertFalse(entry.public)
        document, = self.component_dossier(world,
            self.pki.signed('citizen')).documents
        self.assertEqual(document.signature_signer, "Nguyễn Thị Lan")
        self.assertEqual(document.signature_issuer, "Test Root CA")
        # A broken one: the content changed after signing.
        document, = self.component_dossier(world,
            flip_byte(self.pki.signed('citizen'), b'Don de')).documents
        self.assertEqual(document.signature_verdict, 'broken')
        document, = self.component_dossier(world, minimal_pdf()).documents
        self.assertEqual(document.signature_verdict, 'unsigned')

    @with_transaction()
    def test_revoked_when_the_crl_is_configured(self):
        "R-SEC-3: a revoked certificate is reported when its CRL is given"
        from gov_dossier.tests.tools import configured
        world = make_world()
        data = self.pki.signed('revoked')
        with configured('gov_signature', **self.pki.options(crls=True)):
            document, = self.component_dossier(world, data).documents
        self.assertEqual(document.signature_verdict, 'revoked')

    @with_transaction()
    def test_unsigned_level_4_dossier_asks_for_paper(self):
        """R-SUB-2: a level-4 dossier submitted online without a valid
        signature is flagged to ask for the paper originals by post"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        unsigned = self.component_dossier(world, minimal_pdf())
        signed = self.component_dossier(world, self.pki.signed('citizen'))
        untrusted = self.component_dossier(world,
            self.pki.signed('untrusted'))
        desk = self.component_dossier(world, minimal_pdf(), channel='desk')
        Dossier.submit([unsigned, signed, untrusted, desk])
        self.assertTrue(reload(unsigned).paper_originals_needed)
        self.assertTrue(reload(untrusted).paper_originals_needed)
        self.assertFalse(reload(signed).paper_originals_needed)
        self.assertFalse(reload(desk).paper_originals_needed)
        ids = {unsigned.id, signed.id, untrusted.id, desk.id}
        flagged = Dossier.search([('paper_originals_needed', '=', True)])
        self.assertEqual({d.id for d in flagged} & ids,
            {unsigned.id, untrusted.id})
        others = Dossier.search([('paper_originals_needed', '=', False)])
        self.assertEqual({d.id for d in others} & ids, {signed.id, desk.id})

    @with_transaction()
    def test_head_signs_the_result_before_it_is_ready(self):
        """R-RES-3, R-RES-1: a procedure promising a signed electronic
        result reaches result_ready only once the head of unit signed it:
        PAdES signature of the agency, result code <code>-KQ1, QR token,
        SHA-256 of the signed file in the history; the notification says
        so"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        Notification = pool.get('gov.notification')
        world = make_world(result_type='electronic')
        dossier = self.processing(world)
        draft = minimal_pdf()
        result = self.add_result(dossier, draft)
        with self.assertRaises(UnsignedResultError):
            with as_user(world['head_a']):
                Dossier.approve([reload(dossier)])
        self.assertEqual(reload(dossier).state, 'processing')

        with as_user(world['head_a']):
            Document.sign([Document(result.id)])
        result = Document(result.id)
        self.assertEqual(result.result_code, f'{dossier.code}-KQ1')
        self.assertEqual(result.signature_verdict, 'valid')
        self.assertEqual(result.signature_signer, "UBND huyện A")
        self.assertEqual(result.signed_by, world['head_a'])
        self.assertNotEqual(result.sha256, hashlib.sha256(draft).hexdigest())
        self.assertEqual(result.sha256,
            hashlib.sha256(bytes(result.data)).hexdigest())
        self.assertEqual(Document.by_token(result.verify_token), result)
        self.assertEqual(Document.by_signed_content(bytes(result.data)),
            result)
        stored, = [h for h in history(dossier, 'file_stored')
            if hashlib.sha256(draft).hexdigest() in h.reason]
        signed, = history(dossier, 'result_signed')
        self.assertIn(result.result_code, signed.reason)
        self.assertIn(result.sha256, signed.reason)
        # Signed once: the button is gone, a second call refused.
        with self.assertRaises(SignatureError):
            Document.sign([result])

        with as_user(world['head_a']):
            Dossier.approve([reload(dossier)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        dossier.return_method = 'online'
        _, body, _ = Notification.content(dossier, 'result')
        self.assertIn(applicant_text(
                'gov_signature.msg_notification_result_signed',
                agency=dossier.agency.name, codes=result.result_code,
                url=f'{portal_url()}/xac-thuc'), body)
        # A second result gets the next number.
        second = self.add_result(dossier, name='phu-luc.pdf')
        Document.sign([second])
        self.assertEqual(Document(second.id).result_code,
            f'{dossier.code}-KQ2')

    @with_transaction()
    def test_an_agency_signs_with_its_own_key(self):
        """R-RES-3: a key in <folder>/agencies/<agency code>.p12 signs the
        results of that agency and its units, the default key the others"""
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        world = make_world(result_type='electronic')
        key, cert = self.pki.root.issue("UBND huyện A (khóa riêng)",
            "UBND huyện A (khóa riêng)")
        agencies = self.pki.folder / 'agencies'
        agencies.mkdir(exist_ok=True)
        path = agencies / f"{world['a'].code}.p12"
        path.write_bytes(pkcs12_bundle(key, cert, self.pki.root, PASSWORD))
        self.addCleanup(path.unlink)
        dossier = self.processing(world)
        result = self.add_result(dossier)
        Document.sign([result])
        result = Document(result.id)
        self.assertEqual(result.signature_signer, "UBND huyện A (khóa riêng)")
        self.assertEqual(result.signature_verdict, 'valid')

    @with_transaction()
    def test_leader_annuls_a_signed_result(self):
        """R-RES-3: only the agency leader annuls a signed result, with a
        reason; the file stays, the history says it"""
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        world = make_world(result_type='electronic')
        dossier = self.processing(world)
        result = self.add_result(dossier)
        Document.sign([result])
        for user in [world['specialist_a'], world['head_a'],
                world['auditor']]:
            with self.assertRaises((AccessButtonError, AccessError)):
                with as_user(user):
                    Document.revoke_result([Document(result.id)],
                        reason="Ban hành nhầm")
        with as_user(world['leader_a']):
            with self.assertRaises(SignatureError):
                Document.revoke_result([Document(result.id)], reason=" ")
            Document.revoke_result([Document(result.id)],
                reason="Ban hành nhầm, thay bằng kết quả KQ2")
        result = Document(result.id)
        self.assertIsNotNone(result.revoked_date)
        self.assertEqual(result.revoked_by, world['leader_a'])
        entry, = history(dossier, 'result_revoked')
        self.assertIn(result.result_code, entry.reason)
        self.assertTrue(result.data)
        with self.assertRaises(SignatureError):
            Document.revoke_result([result], reason="Lần nữa")

    @with_transaction()
    def test_signature_required_when_the_result_is_received_online(self):
        """R-RES-1, R-RES-3: a paper-and-electronic result handed at the
        desk is approved unsigned; received online, it needs the agency's
        signature"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world(result_type='both')
        at_desk = self.processing(world)
        Dossier.write([at_desk], {'return_method': 'desk'})
        with as_user(world['head_a']):
            Dossier.approve([reload(at_desk)])
        self.assertEqual(reload(at_desk).state, 'result_ready')
        online = self.processing(world)
        Dossier.write([online], {'return_method': 'online'})
        self.add_result(online, minimal_pdf())
        with self.assertRaises(UnsignedResultError):
            with as_user(world['head_a']):
                Dossier.approve([reload(online)])
        self.assertEqual(reload(online).state, 'processing')

    @with_transaction()
    def test_paper_result_needs_no_signature_nor_promises_one(self):
        "R-RES-1: a paper result is ready unsigned and nothing says signed"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        world = make_world()
        dossier = self.processing(world)
        Dossier.approve([dossier])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'result_ready')
        dossier.return_method = 'online'
        _, body, _ = Notification.content(dossier, 'result')
        self.assertNotIn("/xac-thuc", body)
        self.assertNotIn("-KQ", body)

    @with_transaction()
    def test_who_may_sign(self):
        """R-RES-3, R-SEC-1: the specialist, the auditor and another
        agency's head cannot sign; not a PDF, not a result: refused"""
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        User = pool.get('res.user')
        Officer = pool.get('gov.agency.officer')
        ModelData = pool.get('ir.model.data')
        world = make_world(result_type='electronic')
        dossier = self.processing(world)
        result = self.add_result(dossier)
        head_b = User(login='head_b', name='head_b', groups=[
                ModelData.get_id('gov_agency', 'group_unit_head')])
        head_b.save()
        Officer.create([{'user': head_b.id,
                    'agency': world['unit_b'].id, 'head': True}])
        for user in [world['specialist_a'], world['auditor'], head_b]:
            with self.assertRaises((AccessButtonError, AccessError)):
                with as_user(user):
                    Document.sign([Document(result.id)])
        self.assertFalse(Document(result.id).result_code)
        component = [d for d in dossier.documents if d.kind == 'component'][0]
        with self.assertRaises(SignatureError):
            Document.sign([component])
        image = self.add_result(dossier,
            data=b'\x89PNG\r\n\x1a\n' + b'\x00' * 32, name='anh.png')
        with self.assertRaises(SignatureError):
            Document.sign([image])

    @with_transaction()
    def test_signature_fields_are_written_by_the_server_only(self):
        """R-SEC-1: nobody sets a fingerprint or a verdict through RPC; a
        signed result is never deleted"""
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        world = make_world(result_type='electronic')
        draft = make_dossier(world, channel='desk')
        document, = draft.documents
        with as_user(world['receiver_a']):
            Document.write([Document(document.id)], {'description': "Đơn"})
            with self.assertRaises(SignatureAccessError):
                Document.write([Document(document.id)], {
                        'signature_verdict': 'valid'})
            with self.assertRaises(SignatureAccessError):
                Document.write([Document(document.id)], {'sha256': '0' * 64})
            # Nor creates a file already "checked" or "annulled".
            for forged in [{'integrity_failed': dt.datetime(2026, 1, 1)},
                    {'revoked_date': dt.datetime(2026, 1, 1)}]:
                with self.assertRaises(SignatureAccessError):
                    Document.create([dict(forged, dossier=draft.id,
                                kind='other', name='phu-luc.pdf',
                                data=minimal_pdf())])
        dossier = self.processing(world)
        result = self.add_result(dossier)
        Document.sign([result])
        with self.assertRaises(SignatureAccessError):
            Document.delete([Document(result.id)])

    @with_transaction()
    def test_replaced_content_is_fingerprinted_again_in_the_history(self):
        """R-SEC-1: a draft's file replaced by its owner gets a new SHA-256
        and a new entry in the history, the old one stays"""
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        History = pool.get('gov.dossier.history')
        world = make_world(result_type='electronic')
        draft = make_dossier(world, channel='desk')
        document, = draft.documents
        new_data = minimal_pdf('Ban moi')
        with as_user(world['receiver_a']):
            Document.write([Document(document.id)], {'data': new_data})
        reasons = [h.reason for h in History.search([
                    ('dossier', '=', draft.id),
                    ('event', '=', 'file_stored'),
                    ])]
        self.assertEqual(len(reasons), 2)
        self.assertTrue(any(hashlib.sha256(new_data).hexdigest() in r
                for r in reasons))
        self.assertEqual(Document(document.id).sha256,
            hashlib.sha256(new_data).hexdigest())

    @with_transaction()
    def test_integrity_check_reports_a_changed_file(self):
        """R-SEC-1: a stored file whose content no longer matches its
        SHA-256 is reported, once in the dossier's history"""
        pool = Pool()
        Document = pool.get('gov.dossier.document')
        world = make_world()
        dossier = self.component_dossier(world, self.pki.signed('citizen'))
        other = self.component_dossier(world, minimal_pdf())
        document, = dossier.documents
        self.assertEqual(Document.check_integrity(), [])
        path = filestore._filename(document.file_id,
            Transaction().database.name)
        with open(path, 'rb') as file:
            data = file.read()
        with open(path, 'wb') as file:
            file.write(flip_byte(data, b'Don de'))
        altered = Document.check_integrity()
        self.assertEqual(altered, [document])
        self.assertIsNotNone(Document(document.id).integrity_failed)
        self.assertEqual(len(history(dossier, 'file_altered')), 1)
        self.assertEqual(history(other, 'file_altered'), [])
        Document.check_integrity()
        self.assertEqual(len(history(dossier, 'file_altered')), 1)


class CheckFilesCommandTestCase(SignatureTestCase):
    "R-SEC-1: the integrity check as a command for the operators"

    def test_command_reports_an_altered_file(self):
        "R-SEC-1: check_files exits 0 when all stored files match, 1 and names the file when one was changed"
        import contextlib
        import io

        from trytond.tests.test_tryton import DB_NAME

        from ..check_files import main
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            dossier = make_dossier(world)
            document, = dossier.documents
            file_id = document.file_id
            transaction.commit()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(main(['-d', DB_NAME]), 0)
        self.assertIn('0 altered', out.getvalue())
        path = filestore._filename(file_id, DB_NAME)
        with open(path, 'ab') as file:
            file.write(b'% appended\n')
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(main(['-d', DB_NAME]), 1)
        self.assertIn(f'document {document.id}', out.getvalue())
        self.assertIn('1 altered', out.getvalue())


class DemoLoaderTestCase(SignatureTestCase):
    "R-RES-3: the demo can sign out of the box"

    @with_transaction()
    def test_demo_loader_makes_marked_keys_and_signs_ready_results(self):
        "R-RES-3: make run's loader writes a DEMO CA and keys (marked, not committed) and signs the ready results that promise a signature"
        import tempfile

        from gov_dossier.tests.tools import configured
        from gov_server.data_signature import load_signature
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        world = make_world(result_type='both')
        dossier = self.processing(world)
        Dossier.approve([dossier])
        with tempfile.TemporaryDirectory() as folder, configured(
                'gov_signature', folder=folder, trust_roots=None,
                pkcs12_file=None, pkcs12_password=None):
            self.assertIn('1 results signed', load_signature(pool))
            self.assertTrue((Path(folder) / 'README-DEMO.txt').is_file())
            result, = reload(dossier).signed_results()
            self.assertEqual(result.signature_verdict, 'valid')
            self.assertIn('DEMO', result.signature_signer)
            self.assertIn('0 results signed', load_signature(pool))
