# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Verify every signature of a PDF with pyHanko and its certificate
validator (R-SEC-3, R-SUB-2): integrity of the signed bytes, chain to the
configured trust roots, validity of the certificate at signing time,
revocation (CRLs given, or fetched when allowed), and whether the document
was changed after it was signed.

The verdict of one signature, the worst first:

- ``broken``: the signed bytes no longer match the signature, or the
  document was changed after signing beyond what signing allows (an
  incremental update that alters a page, an annotation…);
- ``revoked``: the signer's certificate was revoked by its CA;
- ``expired``: the certificate was not valid at the signing time;
- ``untrusted``: intact, but the chain does not reach a trust root (a
  certificate of an unknown or self-made CA);
- ``valid``: intact, unchanged, issued under a trust root, valid and not
  revoked at signing time.

A file without any signature is ``unsigned``; a file that is not a PDF (or
an unreadable one) is ``unsigned`` too, with its reason. The verdict of a
file is the worst of its signatures'."""
import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

VERDICTS = [
    ('valid', "Valid"),
    ('untrusted', "Valid, Untrusted Root"),
    ('expired', "Certificate Expired at Signing"),
    ('revoked', "Certificate Revoked"),
    ('broken', "Broken (Altered after Signing)"),
    ('unsigned', "Not Signed"),
    ]
# The worse verdict wins (a file is as good as its worst signature).
SEVERITY = {'valid': 0, 'untrusted': 1, 'expired': 2, 'revoked': 3,
    'broken': 4, 'unsigned': 5}
_EXPIRY = {AdESIndeterminate.EXPIRED, AdESIndeterminate.NOT_YET_VALID,
    AdESFailure.NOT_YET_VALID, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED}
_REVOKED = {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE}


@dataclass
class SignatureReport:
    "What an officer, a citizen or a clerk reads of one signature."
    verdict: str
    signer: str = ''
    organization: str = ''
    issuer: str = ''
    serial: str = ''
    signing_time: dt.datetime = None  # naive UTC
    timestamped: bool = False
    field_name: str = ''
    detail: str = ''


@dataclass
class FileReport:
    verdict: str
    signatures: list = field(default_factory=list)
    detail: str = ''
    # False when no revocation list was given nor fetching allowed: a
    # "valid" signature's certificate may have been revoked since.
    revocation_checked: bool = True

    @property
    def first(self):
        return self.signatures[0] if self.signatures else None


def worst(verdicts):
    verdicts = list(verdicts)
    if not verdicts:
        return 'unsigned'
    return max(verdicts, key=SEVERITY.__getitem__)


def load_certificates(pem_or_der):
    "asn1crypto certificates of a PEM bundle (or one DER certificate)."
    if asn1_pem.detect(pem_or_der):
        return [asn1_x509.Certificate.load(der)
            for _, _, der in asn1_pem.unarmor(pem_or_der, multiple=True)]
    return [asn1_x509.Certificate.load(pem_or_der)]


def _name_part(name, key):
    try:
        return name.native.get(key) or ''
    except (AttributeError, ValueError):
        return ''


def _naive_utc(value):
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _verdict(status):
    """The verdict of a pyHanko status: integrity and changes first, then
    the certificate's problems, then trust."""
    if not (status.intact and status.valid):
        return 'broken', 'signature does not match the signed bytes'
    level = status.modification_level
    if status.docmdp_ok is False or (level is not None
            and level > ModificationLevel.FORM_FILLING):
        return 'broken', 'document modified after signing (%s)' % (
            level.name if level is not None else 'unknown')
    if status.revoked or status.trust_problem_indic in _REVOKED:
        return 'revoked', str(status.trust_problem_indic or 'revoked')
    if status.trust_problem_indic in _EXPIRY:
        return 'expired', str(status.trust_problem_indic)
    if not status.trusted:
        return 'untrusted', str(status.trust_problem_indic or 'no path')
    return 'valid', ''


def _validation_context(trust_roots, crls, allow_fetching, moment):
    kwargs = dict(trust_roots=list(trust_roots), allow_fetching=allow_fetching,
        revocation_mode='soft-fail')
    if crls:
        kwargs['crls'] = list(crls)
        # Given CRLs are authoritative for the certificates they cover.
        kwargs['revocation_mode'] = 'hard-fail' if not allow_fetching \
            else 'soft-fail'
    if moment is not None:
        kwargs['moment'] = moment
        # Checked at a past time (the recorded or time-stamped signing):
        # today's CRL tells whether the certificate was revoked by then.
        kwargs['retroactive_revinfo'] = True
    return ValidationContext(**kwargs)


def verify_pdf(data, trust_roots=(), crls=(), allow_fetching=False,
        moment=None):
    """The FileReport of data (bytes): one SignatureReport per signature.

    Each certificate is validated at a time that can be trusted: the
    time-stamp's (RFC 3161) when the signature has a valid one, else moment
    (naive UTC: the signing time the server recorded itself, for its own
    results), else now — never the time the signer's computer claims, which
    anybody can set. So a certificate expired since a time-stamped (or
    recorded) signing keeps the signature valid (Điều 14: validity when
    signed)."""
    if not data or not data.lstrip()[:5].startswith(b'%PDF'):
        return FileReport('unsigned', detail='not a PDF')
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception as error:  # noqa: BLE001 — any unreadable PDF
        logger.info("unreadable PDF: %s", error)
        return FileReport('broken', detail='unreadable PDF')
    if not signatures:
        return FileReport('unsigned', detail='no signature')
    reports = []
    for embedded in signatures:
        reports.append(_verify_one(embedded, trust_roots, crls,
                allow_fetching, moment))
    return FileReport(worst(r.verdict for r in reports), reports,
        revocation_checked=bool(crls) or bool(allow_fetching))


def _verify_one(embedded, trust_roots, crls, allow_fetching, moment=None):
    try:
        claimed = embedded.self_reported_timestamp
    except Exception:  # noqa: BLE001
        claimed = None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    cert = None
    try:
        cert = embedded.signer_cert
        context = _validation_context(trust_roots, crls, allow_fetching,
            moment)
        status = validate_pdf_signature(embedded, context)
        timestamp = status.timestamp_validity
        if timestamp is not None and timestamp.trusted:
            # Again at the certified signing time.
            context = _validation_context(trust_roots, crls,
                allow_fetching, timestamp.timestamp)
            status = validate_pdf_signature(embedded, context)
        verdict, detail = _verdict(status)
        signing_time = (timestamp.timestamp if timestamp
            else status.signer_reported_dt or claimed)
        cert = status.signing_cert or cert
    except Exception as error:  # noqa: BLE001 — a malformed signature
        logger.info("signature not verifiable: %s", error)
        verdict, detail = 'broken', 'malformed signature'
        signing_time, timestamp = claimed, None
    if verdict == 'valid' and not (crls or allow_fetching):
        detail = 'revocation not checked: no CRL configured'
    report = SignatureReport(verdict=verdict, detail=detail,
        signing_time=_naive_utc(signing_time), timestamped=bool(timestamp),
        field_name=getattr(embedded, 'field_name', '') or '')
    if cert is not None:
        try:
            report.signer = _name_part(cert.subject, 'common_name')
            report.organization = _name_part(
                cert.subject, 'organization_name')
            report.issuer = (_name_part(cert.issuer, 'common_name')
                or _name_part(cert.issuer, 'organization_name'))
            report.serial = format(cert.serial_number, 'X')
        except Exception:  # noqa: BLE001 — a malformed certificate
            logger.info("certificate names not readable")
            report.verdict, report.detail = 'broken', 'malformed certificate'
    return report
