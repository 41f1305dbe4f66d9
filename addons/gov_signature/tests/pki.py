# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A throw-away public key infrastructure built at run time with
`cryptography`: a root CA, signer certificates (valid, expired, revoked),
its CRL, a PKCS#12 bundle and a minimal PDF. Used by the tests, and by the
demo loader to make the clearly marked DEMO CA — no private key of it is
ever committed."""
import datetime as dt
import io

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name, organization=None):
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, 'VN')]
    if organization:
        attributes.append(
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _now():
    return dt.datetime.now(dt.timezone.utc)


class Authority:
    "A certification authority that issues signer certificates and a CRL."

    def __init__(self, name, days=3650, not_before=None):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = _name(name, name)
        start = not_before or _now() - dt.timedelta(days=1)
        self.revoked = []
        self.cert = (x509.CertificateBuilder()
            .subject_name(self.name).issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True,
                    content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False,
                    key_cert_sign=True, crl_sign=True, encipher_only=False,
                    decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256()))

    @property
    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name, organization=None, not_before=None,
            not_after=None, crl_url=None):
        "A signer's (key, certificate)."
        key = ec.generate_private_key(ec.SECP256R1())
        start = not_before or _now() - dt.timedelta(hours=1)
        end = not_after or start + dt.timedelta(days=365)
        builder = (x509.CertificateBuilder()
            .subject_name(_name(common_name, organization))
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True,
                    content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False,
                    key_cert_sign=False, crl_sign=False, encipher_only=False,
                    decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()), critical=False))
        if crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(
                                    crl_url)],
                            relative_name=None, reasons=None,
                            crl_issuer=None)]), critical=False)
        return key, builder.sign(self.key, hashes.SHA256())

    def revoke(self, cert, when=None):
        self.revoked.append((cert.serial_number,
                when or _now() - dt.timedelta(minutes=30)))

    def crl(self, issued=None):
        "The CRL (DER) listing the revoked certificates, issued then."
        builder = (x509.CertificateRevocationListBuilder()
            .issuer_name(self.name)
            .last_update(issued or _now() - dt.timedelta(hours=2))
            .next_update(_now() + dt.timedelta(days=7))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()), critical=False))
        for serial, when in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial).revocation_date(when).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER)


def pkcs12_bundle(key, cert, authority, password, name='signer'):
    "A PKCS#12 file of the key, its certificate and the CA's."
    return pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, [authority.cert],
        serialization.BestAvailableEncryption(password.encode()))


def minimal_pdf(text='Ket qua giai quyet thu tuc hanh chinh'):
    "A one-page PDF, built with pyHanko's writer (no third-party file)."
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter
    writer = PdfFileWriter()
    font = generic.DictionaryObject({
            generic.NameObject('/Type'): generic.NameObject('/Font'),
            generic.NameObject('/Subtype'): generic.NameObject('/Type1'),
            generic.NameObject('/BaseFont'): generic.NameObject('/Helvetica'),
            })
    stream = generic.StreamObject(stream_data=(
            'BT /F1 14 Tf 72 720 Td (%s) Tj ET' % text).encode('latin-1'))
    page = generic.DictionaryObject({
            generic.NameObject('/Type'): generic.NameObject('/Page'),
            generic.NameObject('/MediaBox'): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]),
            generic.NameObject('/Contents'): writer.add_object(stream),
            generic.NameObject('/Resources'): generic.DictionaryObject({
                    generic.NameObject('/Font'): generic.DictionaryObject({
                            generic.NameObject('/F1'): writer.add_object(
                                font)})}),
            })
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
