# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of gov_signature share.

``SignatureTestCase`` is gov_dossier's world (agencies, users, procedure
P1) on a database where gov_signature is activated, with a test PKI built
once per class in a temporary folder: a trusted root CA ("Test Root CA"),
the agency's PKCS#12 issued by it, another root nobody trusts, and the
``[gov_signature]`` configuration pointing at them."""
import datetime as dt
import io
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from trytond.pool import Pool

from gov_dossier.tests.dossier_fixtures import (
    ModuleDossierTestCase, make_dossier, reload)
from gov_dossier.tests.tools import configured

from . import pki
from .pki import minimal_pdf

PASSWORD = 'test-only'


def simple_signer(key, cert, authority):
    "A pyHanko signer of a key and certificate made by pki."
    der = key.private_bytes(serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([
                asn1_x509.Certificate.load(authority.cert.public_bytes(
                        serialization.Encoding.DER))]))


def citizen_signed_pdf(key, cert, authority, text='Don de nghi'):
    "A PDF signed by a citizen's certificate (no visible stamp)."
    writer = IncrementalPdfFileWriter(io.BytesIO(pki.minimal_pdf(text)))
    out = io.BytesIO()
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(
            field_name='Signature1', md_algorithm='sha256'),
        signer=simple_signer(key, cert, authority), output=out)
    return out.getvalue()


def change_page_after_signing(data):
    """data with an incremental update that replaces the first page's
    content after the signature (the signed revision stays intact)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root['/Pages']['/Kids'][0].get_object()
    page['/Contents'] = writer.add_object(generic.StreamObject(
            stream_data=b'BT /F1 14 Tf 72 600 Td (Noi dung gia mao) Tj ET'))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_byte(data, marker=b'Ket qua'):
    "data with one byte of the signed content changed."
    data = bytearray(data)
    index = bytes(data).index(marker)
    data[index] ^= 0x01
    return bytes(data)


class PKI:
    "The test PKI of a class, its files in folder."

    def __init__(self, folder):
        self.folder = Path(folder)
        now = dt.datetime.now(dt.timezone.utc)
        self.root = pki.Authority("Test Root CA")
        self.stranger = pki.Authority("Unknown CA")
        self.agency_key, self.agency_cert = self.root.issue(
            "UBND huyện A", "UBND huyện A")
        self.citizen_key, self.citizen_cert = self.root.issue(
            "Nguyễn Thị Lan")
        self.expired_key, self.expired_cert = self.root.issue(
            "Trần Văn Cũ", not_before=now - dt.timedelta(days=400),
            not_after=now - dt.timedelta(days=35))
        self.revoked_key, self.revoked_cert = self.root.issue(
            "Lê Văn Thu Hồi", crl_url='http://127.0.0.1:9/test-root.crl')
        self.root.revoke(self.revoked_cert)
        self.untrusted_key, self.untrusted_cert = self.stranger.issue(
            "Phạm Tự Ký")
        (self.folder / 'roots.pem').write_bytes(self.root.pem)
        (self.folder / 'root.crl').write_bytes(self.root.crl())
        (self.folder / 'agency.p12').write_bytes(pki.pkcs12_bundle(
                self.agency_key, self.agency_cert, self.root, PASSWORD))

    def options(self, crls=False):
        options = {
            'folder': str(self.folder),
            'trust_roots': str(self.folder / 'roots.pem'),
            'pkcs12_file': str(self.folder / 'agency.p12'),
            'pkcs12_password': PASSWORD,
            'signer': 'pkcs12',
            'allow_fetching': 'False',
            'crl_files': str(self.folder / 'root.crl') if crls else None,
            }
        return options

    def signed(self, who, text='Don de nghi'):
        "A PDF signed by 'citizen', 'expired', 'revoked' or 'untrusted'."
        key = getattr(self, f'{who}_key')
        cert = getattr(self, f'{who}_cert')
        authority = self.stranger if who == 'untrusted' else self.root
        return citizen_signed_pdf(key, cert, authority, text)


class SignatureTestCase(ModuleDossierTestCase):
    "The dossier world with gov_signature and a configured test PKI."
    module = 'gov_signature'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        folder = tempfile.mkdtemp(prefix='gov_signature_')
        cls.addClassCleanup(shutil.rmtree, folder, True)
        cls.pki = PKI(folder)

    def component_dossier(self, world, data, channel='online'):
        "A draft dossier of world's procedure whose mandatory file is data."
        component = [c for c in world.procedure.components if c.mandatory][0]
        return make_dossier(world, channel=channel, documents=[('create', [{
                            'kind': 'component', 'component': component.id,
                            'name': 'don.pdf', 'data': data}])])

    def processing(self, world, **values):
        "A dossier of world's procedure at its approval step."
        Dossier = Pool().get('gov.dossier')
        dossier = make_dossier(world, **values)
        Dossier.submit([dossier])
        Dossier.receive([reload(dossier)])
        Dossier.process([reload(dossier)])
        Dossier.forward([reload(dossier)])
        dossier = reload(dossier)
        self.assertEqual(dossier.current_step.kind, 'approve')
        return dossier

    def add_result(self, dossier, data=None, name='ket-qua.pdf'):
        Document = Pool().get('gov.dossier.document')
        document, = Document.create([{'dossier': dossier.id,
                    'kind': 'result', 'name': name,
                    'data': data or minimal_pdf()}])
        return document

    def setUp(self):
        super().setUp()
        stack = ExitStack()
        stack.enter_context(configured('gov_signature',
                **self.pki.options()))
        self.addCleanup(stack.close)
