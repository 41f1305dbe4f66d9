# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The portal's pages of signatures (R-RES-1, R-RES-3, R-SEC-3):

``/xac-thuc`` (GET, POST)
    anyone uploads a PDF: every signature is verified (verdict, signer,
    CA, time); when the file is a signed result of the system (same
    SHA-256), the record is shown — agency, dossier code, result code,
    procedure, signing time — never the applicant's name (R-SEC-2);
``/xac-thuc/<token>``
    the QR code of a signed result: the record, its stored file verified
    again (signature and fingerprint), and the same upload to compare a
    copy with it;
``/kho-ket-qua``
    the citizen's result store: the signed results and the signed files
    she submitted, of all her dossiers, closed ones included, with their
    verdicts and download links (gov_portal's ``/ho-so/<code>/tep/<id>``).
"""
import dataclasses
import time
from pathlib import Path

from trytond.pool import Pool
from trytond.transaction import Transaction

from gov_portal.routes_lookup import rate_limit
from gov_portal.web import ENV, PageError, add_template_folder, page

from . import trust
from .document import sha256

add_template_folder(Path(__file__).resolve().parent / 'templates')



def signature_enabled():
    """Whether gov_signature is activated in the current database (its
    fields are on the documents only then): the menu's link."""
    try:
        Document = Pool().get('gov.dossier.document')
    except KeyError:
        return False
    return 'result_code' in Document._fields


ENV.globals['signature_enabled'] = signature_enabled

MAX_FILE = 20 * 1024 * 1024
# The citizen's words of the verdicts (en.po of gov_portal has English).
VERDICT_TEXTS = {
    'valid': 'Chữ ký số hợp lệ',
    'untrusted': ('Chữ ký toàn vẹn nhưng chứng thư số không do tổ chức '
        'chứng thực được tin cậy cấp'),
    'expired': 'Chứng thư số đã hết hạn tại thời điểm ký',
    'revoked': 'Chứng thư số đã bị thu hồi',
    'broken': 'Không hợp lệ: tệp đã bị thay đổi sau khi ký',
    'unsigned': 'Tệp không có chữ ký số',
    }
VERDICT_CLASSES = {'valid': 'ok', 'untrusted': 'warn', 'unsigned': 'warn'}
# What the store lists of a submitted file: signed ones only.
SIGNED_VERDICTS = {'valid', 'untrusted', 'expired', 'revoked', 'broken'}


def record_view(document):
    """The public facts of a signed result: no applicant data."""
    dossier = document.dossier
    return {
        # The signer's organisation: the agency that issued the result.
        'agency': (document.signature_organization
            or document.signature_signer or dossier.agency.name),
        'dossier_code': dossier.code,
        'result_code': document.result_code,
        'procedure': dossier.procedure.name,
        'signed_date': document.signed_date,
        # Annulled: when, not why (the reason may name the applicant).
        'revoked_date': document.revoked_date,
        }


def render_verify(portal, report=None, record=None, stored=None,
        matches=None, token=None, error=None, status=200):
    return portal.render('signature_verify.html', report=report,
        record=record, stored=stored, matches=matches, token=token,
        error=error, verdict_texts=VERDICT_TEXTS,
        verdict_classes=VERDICT_CLASSES, status=status)


def uploaded_pdf(portal):
    storage = portal.request.files.get('tep')
    data = storage.read(MAX_FILE + 1) if storage else b''
    if not data:
        return None, portal._('Chọn tệp PDF cần xác thực.')
    if len(data) > MAX_FILE:
        return None, portal._('Tệp lớn hơn 20 MB.')
    return data, None


def _document_of_token(portal, token):
    Document = portal.pool.get('gov.dossier.document')
    document = Document.by_token((token or '')[:64])
    if document is None:
        raise PageError(404)
    return document


# The QR page is public: the stored file's verification (the costly part)
# is kept a few minutes per content, so that visits cannot keep the server
# verifying the same file; its fingerprint is compared at each visit.
_verified = {}
VERIFIED_SECONDS = 300


def _stored_report(document):
    "The stored file verified again, and whether it is unchanged."
    data = bytes(document.data or b'')
    digest = sha256(data)
    key = (Transaction().database.name, document.id, digest)
    now = time.monotonic()
    expiry, report = _verified.get(key, (0, None))
    if report is None or expiry < now:
        report = trust.verify(data, moment=document.signed_date)
        if len(_verified) > 1000:
            _verified.clear()
        _verified[key] = (now + VERIFIED_SECONDS, report)
    if digest != document.sha256:
        report = dataclasses.replace(report, verdict='broken')
    return report


@page('/xac-thuc', methods=('GET', 'POST'), readonly=False,
    max_size=MAX_FILE + 64 * 1024)
def verify(portal):
    "Verify an uploaded PDF (R-RES-3, R-SEC-3)."
    if portal.request.method == 'GET':
        return render_verify(portal)
    rate_limit(portal)
    data, error = uploaded_pdf(portal)
    if error:
        return render_verify(portal, error=error, status=400)
    Document = portal.pool.get('gov.dossier.document')
    document = Document.by_signed_content(data)
    # The system's own result: its certificate is checked at the signing
    # time the server recorded (it stays valid after the key expires).
    report = trust.verify(data,
        moment=document.signed_date if document else None)
    record = record_view(document) if document else None
    return render_verify(portal, report=report, record=record,
        matches=bool(document))


@page('/xac-thuc/<token>', methods=('GET', 'POST'), readonly=False,
    max_size=MAX_FILE + 64 * 1024)
def verify_token(portal, token):
    """The QR code of a signed result: its record and its stored file
    verified; a copy uploaded is compared with it."""
    document = _document_of_token(portal, token)
    record = record_view(document)
    stored = _stored_report(document)
    if portal.request.method == 'GET':
        return render_verify(portal, record=record, stored=stored,
            token=token)
    rate_limit(portal)
    data, error = uploaded_pdf(portal)
    if error:
        return render_verify(portal, record=record, stored=stored,
            token=token, error=error, status=400)
    matches = sha256(data) == document.sha256
    report = trust.verify(data,
        moment=document.signed_date if matches else None)
    return render_verify(portal, report=report, record=record,
        stored=stored, token=token, matches=matches)


def store_entries(portal):
    """The files of her result store: (dossier, document) pairs, the
    newest dossier first."""
    Dossier = portal.pool.get('gov.dossier')
    user = portal.require_user()
    dossiers = Dossier.search_owned(user, [('code', '!=', None)],
        order=[('id', 'DESC')])
    entries = []
    for dossier in dossiers:
        for document in dossier.documents:
            if document.kind == 'result':
                if document.result_code and dossier.state in {
                        'result_ready', 'done'}:
                    entries.append((dossier, document))
            elif document.signature_verdict in SIGNED_VERDICTS:
                entries.append((dossier, document))
    return entries


@page('/kho-ket-qua')
def result_store(portal):
    "Her result store, Kho kết quả (R-RES-1, R-RES-3)."
    entries = store_entries(portal)
    results = [(d, doc) for d, doc in entries if doc.kind == 'result']
    submitted = [(d, doc) for d, doc in entries if doc.kind != 'result']
    return portal.render('signature_store.html', results=results,
        submitted=submitted, verdict_texts=VERDICT_TEXTS,
        verdict_classes=VERDICT_CLASSES)
