# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The verdicts of verification.py on PDFs signed at test time with a test
PKI: no database, pyHanko and its validator only."""
import io
import logging
import shutil
import tempfile
import unittest

from pypdf import PdfReader

from gov_signature import signing, verification

from .pki import minimal_pdf
from .tools import PKI, change_page_after_signing, flip_byte, simple_signer


class VerificationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        folder = tempfile.mkdtemp(prefix='gov_signature_')
        cls.addClassCleanup(shutil.rmtree, folder, True)
        cls.pki = PKI(folder)
        cls.roots = verification.load_certificates(cls.pki.root.pem)
        # pyHanko logs every failed path at ERROR: the failures are the
        # point of these tests.
        logging.disable(logging.CRITICAL)
        cls.addClassCleanup(logging.disable, logging.NOTSET)

    def verify(self, data, **kwargs):
        kwargs.setdefault('trust_roots', self.roots)
        return verification.verify_pdf(data, **kwargs)

    def agency_signed(self):
        p = self.pki
        return signing.sign_pdf(minimal_pdf(), "UBND huyện A",
            'H16.P1-KQ1', 'http://127.0.0.1/xac-thuc/t',
            signer=simple_signer(p.agency_key, p.agency_cert, p.root))

    def test_valid_signature_reports_signer_ca_and_time(self):
        "R-SEC-3, R-SUB-2: a signature under a trust root is valid, with who, when, which CA"
        report = self.verify(self.pki.signed('citizen'))
        self.assertEqual(report.verdict, 'valid')
        signature, = report.signatures
        self.assertEqual(signature.signer, "Nguyễn Thị Lan")
        self.assertEqual(signature.issuer, "Test Root CA")
        self.assertIsNotNone(signature.signing_time)

    def test_agency_stamp_is_pades_and_valid(self):
        "R-RES-3: the agency's visible PAdES signature verifies as valid"
        data = self.agency_signed()
        self.assertIn(b'/ETSI.CAdES.detached', data)
        report = self.verify(data)
        self.assertEqual(report.verdict, 'valid')
        self.assertEqual(report.first.signer, "UBND huyện A")

    def test_agency_stamp_text_is_laid_out_in_thousandths_of_an_em(self):
        """R-RES-3: the stamp's Vietnamese text keeps its letters together:
        every glyph width of the embedded font is at most one em (DejaVu
        Sans's own units, 2048 per em, spread the letters and ran the
        lines off the stamp)."""
        page = PdfReader(io.BytesIO(self.agency_signed())).pages[0]
        annotation, = [a.get_object() for a in page['/Annots']]
        appearance = annotation['/AP']['/N'].get_object()
        font, = appearance['/Resources']['/Font'].values()
        cid_font = font.get_object()['/DescendantFonts'][0].get_object()
        widths = [w for item in cid_font['/W'] if isinstance(item, list)
            for w in item]
        self.assertTrue(widths)
        self.assertLessEqual(max(widths), 1000)

    def test_untrusted_root(self):
        "R-SEC-3: intact but issued by an unknown CA: valid, untrusted root"
        self.assertEqual(
            self.verify(self.pki.signed('untrusted')).verdict, 'untrusted')
        # The same valid file, without the root configured.
        self.assertEqual(self.verify(self.pki.signed('citizen'),
                trust_roots=verification.load_certificates(
                    self.pki.stranger.pem)).verdict, 'untrusted')

    def test_altered_after_signing_is_broken(self):
        "R-SEC-1, R-SEC-3: one flipped byte of the signed content breaks it"
        self.assertEqual(self.verify(flip_byte(self.agency_signed())).verdict,
            'broken')

    def test_incremental_update_changing_the_page_is_broken(self):
        "R-SEC-3: an update appended after the signature that changes the page is detected"
        data = change_page_after_signing(self.agency_signed())
        report = self.verify(data)
        self.assertEqual(report.verdict, 'broken')
        self.assertIn('modified after signing', report.first.detail)

    def test_expired_certificate(self):
        "R-SEC-3: a certificate not valid at the signing time"
        self.assertEqual(self.verify(self.pki.signed('expired')).verdict,
            'expired')

    def test_recorded_signing_time_keeps_an_expired_key_valid(self):
        "R-RES-3: a result signed while the key was valid stays valid at the time the server recorded, not at the time the signer claims"
        import datetime as dt
        p = self.pki
        data = signing.sign_pdf(minimal_pdf(), "UBND huyện A", 'X-KQ1',
            'http://127.0.0.1/xac-thuc/t',
            signer=simple_signer(p.expired_key, p.expired_cert, p.root))
        self.assertEqual(self.verify(data).verdict, 'expired')
        recorded = dt.datetime.utcnow() - dt.timedelta(days=100)
        self.assertEqual(self.verify(data, moment=recorded).verdict, 'valid')

    def test_revoked_certificate_with_crl(self):
        "R-SEC-3: revocation checked on the CRL given; unknown when unreachable"
        data = self.pki.signed('revoked')
        self.assertEqual(self.verify(data, crls=[self.pki.root.crl()]).verdict,
            'revoked')
        # The same CRL does not revoke the others.
        self.assertEqual(self.verify(self.pki.signed('citizen'),
                crls=[self.pki.root.crl()]).verdict, 'valid')

    def test_crl_issued_after_the_recorded_signing_time(self):
        """R-RES-3, R-SEC-3: a result checked at the signing time the server
        recorded, against today's CRL (issued after it), stays valid; a
        certificate revoked before that time is revoked"""
        import datetime as dt
        now = dt.datetime.now(dt.timezone.utc)
        crls = [self.pki.root.crl(issued=now - dt.timedelta(minutes=1))]
        signed_at = (now - dt.timedelta(minutes=20)).replace(tzinfo=None)
        self.assertEqual(self.verify(self.pki.signed('citizen'), crls=crls,
                moment=signed_at).verdict, 'valid')
        self.assertEqual(self.verify(self.pki.signed('revoked'), crls=crls,
                moment=now.replace(tzinfo=None)
                - dt.timedelta(minutes=5)).verdict, 'revoked')

    def test_valid_without_crl_says_revocation_was_not_checked(self):
        """R-SEC-3: without a revocation list a valid signature is reported
        with its revocation unchecked, with one it is checked"""
        data = self.pki.signed('citizen')
        report = self.verify(data)
        self.assertEqual(report.verdict, 'valid')
        self.assertFalse(report.revocation_checked)
        self.assertIn('revocation not checked', report.first.detail)
        checked = self.verify(data, crls=[self.pki.root.crl()])
        self.assertTrue(checked.revocation_checked)
        self.assertEqual(checked.first.detail, '')

    def test_unsigned_and_not_pdf(self):
        "R-SUB-2: a PDF without signature, and a non-PDF, are not signed"
        self.assertEqual(self.verify(minimal_pdf()).verdict, 'unsigned')
        self.assertEqual(self.verify(b'\x89PNG\r\n').verdict, 'unsigned')

    def test_worst_signature_wins(self):
        "R-SEC-3: a file is as good as its worst signature"
        self.assertEqual(verification.worst(['valid', 'revoked', 'untrusted']),
            'revoked')
        self.assertEqual(verification.worst([]), 'unsigned')
