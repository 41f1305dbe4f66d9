# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Signatures and fingerprints of a dossier's files (R-SEC-1, R-SEC-3,
R-SUB-2, R-RES-3).

- Every file gets its SHA-256 when stored, written in the dossier's
  append-only history (event ``file_stored``); a PDF's signatures are
  verified then (verification.py) and their verdict kept on the file.
- The agency signs an electronic result (``sign``): the head of unit or
  the agency leader signs it from sao (the button's groups, which the
  administrators can change in the buttons' settings);
  the signed PDF replaces the draft, gets its result code
  ``<dossier code>-KQ<n>`` and a verification token (the QR), and its new
  SHA-256 goes into the history (event ``result_signed``).
- ``check_integrity`` (cron and ``gov_signature.check_files``) compares
  every stored file with its recorded SHA-256."""
import hashlib
import logging
import secrets

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import format_datetime_utc

from . import trust
from .exceptions import SignatureAccessError, SignatureError
from .signing import (
    SigningError, configured_signer, is_pdf, sign_pdf, signer_name)
from .verification import VERDICTS

logger = logging.getLogger(__name__)

FILE_STORED = 'file_stored'
RESULT_SIGNED = 'result_signed'
FILE_ALTERED = 'file_altered'
# Only the server writes them (check_modification).
SERVER_FIELDS = {'sha256', 'signature_verdict', 'signature_signer',
    'signature_organization', 'signature_issuer', 'signature_time',
    'signature_count', 'signature_detail', 'result_code', 'signed_by',
    'signed_date', 'verify_token', 'integrity_failed', 'revoked_date',
    'revoked_by', 'revoked_reason'}
# Set by preprocess_values from the file itself.
COMPUTED_FIELDS = {'sha256', 'signature_verdict', 'signature_signer',
    'signature_organization', 'signature_issuer', 'signature_time',
    'signature_count', 'signature_detail'}
_SIGNED = Eval('result_code')


def sha256(data):
    return hashlib.sha256(bytes(data)).hexdigest() if data is not None \
        else None


class DossierDocument(metaclass=PoolMeta):
    __name__ = 'gov.dossier.document'

    sha256 = fields.Char("SHA-256", readonly=True,
        help="The fingerprint of the file recorded when it was stored; "
        "the integrity check compares the file with it.")
    signature_verdict = fields.Selection([(None, "")] + VERDICTS,
        "Signature", readonly=True, sort=False,
        help="The verification of the PDF's digital signatures when it was "
        "stored (the worst of them).")
    signature_verdict_string = signature_verdict.translated(
        'signature_verdict')
    signature_signer = fields.Char("Signed By", readonly=True)
    signature_organization = fields.Char("Signer's Organization",
        readonly=True)
    signature_issuer = fields.Char("Certification Authority", readonly=True)
    signature_time = fields.DateTime("Signing Time", readonly=True)
    signature_count = fields.Integer("Signatures", readonly=True)
    signature_detail = fields.Text("Verification Detail", readonly=True)
    result_code = fields.Char("Result Code", readonly=True,
        help="<dossier code>-KQ<n>: the code of the signed electronic "
        "result (Decree 45/2020/NĐ-CP, Điều 14).")
    signed_by = fields.Many2One('res.user', "Signed for the Agency by",
        readonly=True, ondelete='RESTRICT')
    signed_date = fields.DateTime("Signed On", readonly=True)
    verify_token = fields.Char("Verification Token", readonly=True,
        strip=False)
    integrity_failed = fields.DateTime("Integrity Check Failed", readonly=True,
        help="When the check found the stored file different from its "
        "recorded fingerprint.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.verify_token, Index.Equality()),
                where=t.verify_token != Null))
        cls._buttons.update({
                'sign': {
                    'invisible': ((Eval('kind') != 'result')
                        | Eval('result_code')),
                    'depends': ['kind', 'result_code'],
                    },
                })

    # ------------------------------------------------------- on storing
    @classmethod
    def _signature_values(cls, data):
        "The fingerprint and signature verdict of data."
        values = {'sha256': sha256(data)}
        if data is None:
            return values
        if is_pdf(bytes(data)):
            report = trust.verify(bytes(data))
            first = report.first
            values.update({
                    'signature_verdict': report.verdict,
                    'signature_count': len(report.signatures),
                    'signature_detail': '\n'.join(
                        f'{s.field_name}: {s.verdict} — {s.signer} '
                        f'({s.organization}), {s.issuer}, '
                        f'{s.signing_time or ""} {s.detail}'.strip()
                        for s in report.signatures) or report.detail,
                    'signature_signer': first.signer if first else None,
                    'signature_organization': (
                        first.organization if first else None),
                    'signature_issuer': first.issuer if first else None,
                    'signature_time': first.signing_time if first else None,
                    })
        else:
            values.update({'signature_verdict': 'unsigned',
                    'signature_count': 0, 'signature_detail': None,
                    'signature_signer': None,
                    'signature_organization': None,
                    'signature_issuer': None, 'signature_time': None})
        return values

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (values.get('data') is not None and not Transaction().context.get(
                    '_gov_signature_signing')):
            values.update(cls._signature_values(values['data']))
        return values

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if external and mode == 'write' and set(values) & SERVER_FIELDS:
            raise SignatureAccessError(gettext(
                    'gov_signature.msg_server_field'))
        # On create, the fingerprint and verdict are computed from the
        # file (preprocess_values); the others are the signing's and the
        # integrity check's alone.
        if external and mode == 'create' and any(
                getattr(d, f, None) for d in documents
                for f in SERVER_FIELDS - COMPUTED_FIELDS):
            raise SignatureAccessError(gettext(
                    'gov_signature.msg_server_field'))
        if mode == 'delete':
            for document in documents:
                if document.result_code:
                    # A signed result is evidence: never deleted.
                    raise SignatureAccessError(gettext(
                            'gov_signature.msg_signed_delete',
                            code=document.result_code))

    @classmethod
    def on_modification(cls, mode, documents, field_names=None):
        super().on_modification(mode, documents, field_names=field_names)
        if mode == 'create' or (mode == 'write' and field_names
                and 'data' in field_names):
            cls._record_hashes(documents, FILE_STORED)

    @classmethod
    def _record_hashes(cls, documents, event, reason=None):
        "One entry of the dossier's history per file: name and SHA-256."
        pool = Pool()
        History = pool.get('gov.dossier.history')
        Dossier = pool.get('gov.dossier')
        now = Dossier._now()
        user = Transaction().user or None
        to_create = []
        for document in documents:
            if not document.sha256:
                continue
            dossier = document.dossier
            to_create.append({
                    'dossier': dossier.id,
                    'date': now,
                    'user': user,
                    'web_user': (document.web_user.id
                        if document.web_user else None),
                    'from_state': dossier.state,
                    'to_state': dossier.state,
                    'event': event,
                    'reason': reason or (
                        f'{document.name} — SHA-256 {document.sha256}'),
                    'unit': (dossier.current_unit.id
                        if dossier.current_unit else None),
                    'public': False,
                    })
        if to_create:
            with without_check_access():
                History.create(to_create)

    # ---------------------------------------------------------- signing
    @classmethod
    def next_result_code(cls, dossier):
        """<dossier code>-KQ<n>, the first n free. The dossier is locked so
        that two results of it signed at once get two numbers."""
        pool = Pool()
        pool.get('gov.dossier').lock([dossier])
        codes = {d.result_code for d in cls.search([
                    ('dossier', '=', dossier.id),
                    ('result_code', '!=', None),
                    ])}
        n = 1
        while f'{dossier.code}-KQ{n}' in codes:
            n += 1
        return f'{dossier.code}-KQ{n}'

    @classmethod
    @ModelView.button
    def sign(cls, documents):
        """Apply the agency's signature to the result documents (R-RES-3):
        PAdES, visible stamp, QR to the verification page."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        for document in documents:
            dossier = document.dossier
            if document.kind != 'result' or document.result_code:
                raise SignatureError(gettext(
                        'gov_signature.msg_sign_not_result',
                        document=document.name))
            if dossier.state not in {'processing', 'result_ready'}:
                raise SignatureError(gettext(
                        'gov_signature.msg_sign_state',
                        dossier=dossier.rec_name,
                        state=dossier.state_string))
            if not is_pdf(bytes(document.data or b'')):
                raise SignatureError(gettext(
                        'gov_signature.msg_sign_not_pdf',
                        document=document.name))
            code = cls.next_result_code(dossier)
            token = secrets.token_urlsafe(18)
            try:
                signer = configured_signer(agency_codes(dossier.agency))
                # The stamp names the key's owner: the agency whose
                # certificate signs (not the desk that received).
                agency = signer_name(signer) or dossier.agency.name
                signed = sign_pdf(bytes(document.data), agency, code,
                    verify_link(token), signer=signer,
                    signed_at=format_datetime_utc(
                        Dossier._now(), dossier.agency))
            except SigningError as error:
                logger.warning("signing refused: %s", error)
                raise SignatureError(gettext(
                        'gov_signature.msg_signer_missing')) from error
            values = cls._signature_values(signed)
            values.update({
                    'data': signed,
                    'result_code': code,
                    'verify_token': token,
                    'signed_by': Transaction().user or None,
                    'signed_date': Dossier._now(),
                    })
            with without_check_access(), Transaction().set_context(
                    _gov_signature_signing=True):
                cls.write([document], values)
            document = cls(document.id)
            cls._record_hashes([document], RESULT_SIGNED,
                reason=f'{code}: {document.name} — SHA-256 '
                f'{document.sha256}')

    # ------------------------------------------------------- integrity
    @classmethod
    def check_integrity(cls, documents=None):
        """Compare each stored file with its recorded SHA-256 (R-SEC-1).
        Return the documents that differ; the first time one differs, its
        dossier's history says so (event file_altered)."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        if documents is None:
            documents = cls.search([('sha256', '!=', None)],
                order=[('id', 'ASC')])
        altered = []
        for sub in grouped_slice(documents, 100):
            for document in cls.browse(sub):
                if not document.sha256:
                    continue
                try:
                    data = document.data
                except Exception:  # noqa: BLE001 — missing in filestore
                    data = None
                if data is not None and sha256(data) == document.sha256:
                    continue
                altered.append(document)
        new = [d for d in altered if not d.integrity_failed]
        if new:
            with without_check_access():
                cls.write(new, {'integrity_failed': Dossier._now()})
            for document in new:
                logger.error("stored file altered: document %s of %s",
                    document.id, document.dossier.code)
                cls._record_hashes([document], FILE_ALTERED,
                    reason=f'{document.name}: SHA-256 '
                    f'{document.sha256} does not match')
        return altered

    # ---------------------------------------------------- verification
    @classmethod
    def by_token(cls, token):
        "The signed result of a verification token, or None."
        if not token or len(token) > 64:
            return None
        with without_check_access():
            documents = cls.search([
                    ('verify_token', '=', token),
                    ('result_code', '!=', None),
                    ], limit=1)
        return documents[0] if documents else None

    @classmethod
    def by_signed_content(cls, data):
        """The signed result whose stored content is data (the same bytes,
        by SHA-256), or None."""
        with without_check_access():
            documents = cls.search([
                    ('sha256', '=', sha256(data)),
                    ('result_code', '!=', None),
                    ], limit=1)
        return documents[0] if documents else None


def agency_codes(agency):
    "The codes of agency and its parents, the nearest first."
    codes = []
    while agency:
        codes.append(agency.code)
        agency = agency.parent
    return codes


def verify_link(token):
    "The QR payload: the verification page of the signed result."
    from gov_dossier.report import portal_url
    return f'{portal_url()}/xac-thuc/{token}'
