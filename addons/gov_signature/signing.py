# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The agency's signature on a result (R-RES-3): PAdES (B-B, or B-T with a
time-stamping authority), with a visible stamp — agency, signing time,
result code — and a QR code that opens the verification page.

Configuration, section ``[gov_signature]`` of trytond.conf (read when
signing, so a new key needs no restart of the code, only of the
configuration):

``folder``
    where the key and the trust material are kept (default:
    ``<[database] path>/signature``): ``agency.p12``, ``trust-roots/*.pem``,
    ``crls/*``;
``signer``
    ``pkcs12`` (default): the key and certificate of ``pkcs12_file``
    (default ``<folder>/agency.p12``; password in ``pkcs12_password``, or
    in the file ``pkcs12_password_file``) — development and small
    deployments;
    or ``module:callable``, a factory taking the agency codes and
    returning a ``pyhanko.sign.Signer``:
    the seam for an HSM (pyHanko's ``pkcs11`` signer) or a remote signing
    service (a ``Signer`` subclass whose ``async_sign_raw`` posts the
    digest to the service). See doc/index.rst.
``timestamp_url``
    an RFC 3161 time-stamping authority (optional): makes the signing time
    trustworthy for ever (PAdES B-T).
``stamp_font``
    a TrueType font with Vietnamese glyphs (DejaVu Sans by default).
"""
import datetime as dt
import functools
import importlib
import io
import os
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko import stamp
from pyhanko.pdf_utils import text
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.fields import SigSeedSubFilter

SECTION = 'gov_signature'
FIELD_NAME = 'ChuKyCoQuan'
DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
# Bottom right of the first page, in points (A4 is 595 × 842).
STAMP_BOX = (315, 24, 575, 124)


class SigningError(Exception):
    "The signer is not configured or refused to sign."


def _config():
    # Read when asked: importing the module needs no configuration.
    from trytond import config
    return config


def setting(name, default=None):
    value = _config().get(SECTION, name, default=default)
    return value if value not in ('', None) else default


def folder():
    "The folder of the signature material (see the module's docstring)."
    value = setting('folder')
    if value:
        return Path(value)
    return Path(_config().get('database', 'path')) / 'signature'


def pkcs12_path(agency_codes=()):
    """The PKCS#12 of the first of agency_codes (the agency, then its
    parents) that has one in ``<folder>/agencies/<code>.p12``, else the
    default one."""
    for code in agency_codes:
        path = folder() / 'agencies' / f'{code}.p12'
        if code and path.is_file():
            return path
    return Path(setting('pkcs12_file') or folder() / 'agency.p12')


def pkcs12_password():
    path = setting('pkcs12_password_file')
    if path and Path(path).is_file():
        return Path(path).read_text(encoding='utf-8').strip()
    return setting('pkcs12_password', '')


def configured_signer(agency_codes=()):
    """The pyHanko signer of the configuration for the agency (its code
    and its parents' codes), or raise SigningError."""
    kind = setting('signer', 'pkcs12')
    if kind == 'pkcs12':
        path = pkcs12_path(agency_codes)
        if not path.is_file():
            raise SigningError('no PKCS#12 file configured')
        password = pkcs12_password()
        signer = signers.SimpleSigner.load_pkcs12(
            str(path), passphrase=password.encode() if password else None)
        if signer is None:
            raise SigningError('PKCS#12 file unreadable')
        return signer
    module, _, name = kind.partition(':')
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise SigningError(f'signer {kind!r} not found') from error
    return factory(agency_codes)


def signer_name(signer):
    "The organisation (else the common name) of the signer's certificate."
    subject = signer.signing_cert.subject.native
    return (subject.get('organization_name')
        or subject.get('common_name') or '')


STAMP_FONT_SIZE = 7


@functools.lru_cache(maxsize=4)
def _font_at_1000_units(font_path):
    """A copy of the font drawn at 1000 units per em, in a temporary file.
    pyHanko writes the glyph widths (/W) in the font's own units as if
    they were thousandths of an em: a font at 2048 units (DejaVu Sans,
    Liberation) comes out with its letters spread apart and its lines
    running off the stamp."""
    font = TTFont(font_path)
    if font['head'].unitsPerEm == 1000:
        return font_path
    scale_upem(font, 1000)
    handle, path = tempfile.mkstemp(prefix='gov-signature-', suffix='.ttf')
    with os.fdopen(handle, 'wb') as file:
        font.save(file)
    return path


def _stamp_style(font_path):
    # The glyphs are laid out at the factory's size: it must be the text
    # box's, or each line after the first drifts to the right.
    font = GlyphAccumulatorFactory(_font_at_1000_units(font_path),
        font_size=STAMP_FONT_SIZE)
    return stamp.QRStampStyle(
        stamp_text=('%(agency)s\nKý số lúc: %(signed_at)s\n'
            'Mã kết quả: %(code)s\nXác thực: %(url)s'),
        timestamp_format='%d/%m/%Y %H:%M:%S %z',
        text_box_style=text.TextBoxStyle(font=font,
            font_size=STAMP_FONT_SIZE, leading=9),
        border_width=1, background=None)


def sign_pdf(data, agency, result_code, verify_url, signer=None,
        reason=None, location=None, signed_at=None):
    """data signed by signer (default: the configured one), as new bytes:
    an incremental update adding the agency's visible signature. signed_at
    is the signing time as the stamp prints it (the agency's local time;
    UTC when not given)."""
    signer = signer or configured_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    timestamper = None
    url = setting('timestamp_url')
    if url:
        timestamper = timestamps.HTTPTimeStamper(url)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES,
        md_algorithm='sha256', reason=reason or f'Kết quả {result_code}',
        location=location, name=agency)
    font_path = setting('stamp_font', DEFAULT_FONT)
    pdf_signer = signers.PdfSigner(metadata, signer=signer,
        timestamper=timestamper, stamp_style=_stamp_style(font_path),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=FIELD_NAME, on_page=0, box=STAMP_BOX))
    out = io.BytesIO()
    if signed_at is None:
        signed_at = dt.datetime.now(dt.timezone.utc).strftime(
            '%H:%M %d/%m/%Y UTC')
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params={
            'url': verify_url, 'agency': agency, 'code': result_code,
            'signed_at': signed_at})
    return out.getvalue()


def is_pdf(data):
    if not data or not data.lstrip()[:5].startswith(b'%PDF'):
        return False
    try:
        PdfFileReader(io.BytesIO(data), strict=False).root
    except Exception:  # noqa: BLE001 — any unreadable file
        return False
    return True
