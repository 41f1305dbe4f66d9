# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the portal reads of gov_dossier, in one place: the public lookup,
the owner's views, the labels citizens read."""
import base64
import functools
import io

from .web import mask_name

# The states in words for citizens (R-LOOK-2, R-LOOK-3).
STATES = {
    'draft': 'Bản nháp',
    'submitted': 'Đã nộp, chờ tiếp nhận',
    'received': 'Đã tiếp nhận, hồ sơ hợp lệ',
    'supplement': 'Cần bổ sung, sửa đổi hồ sơ',
    'rejected': 'Không giải quyết',
    'processing': 'Đang xử lý',
    'result_ready': 'Đã có kết quả',
    'done': 'Đã trả kết quả',
    'withdrawn': 'Đã rút hồ sơ',
    'suspended': 'Tạm dừng xử lý',
    }
BADGES = {
    'supplement': 'warn', 'rejected': 'err', 'result_ready': 'ok',
    'done': 'ok', 'suspended': 'warn',
    }
EVENTS = {
    'submitted': 'Nộp hồ sơ trực tuyến',
    'received': 'Tiếp nhận hồ sơ',
    'supplement': 'Yêu cầu bổ sung, sửa đổi hồ sơ',
    'rejected': 'Từ chối giải quyết',
    'processing': 'Bắt đầu xử lý',
    'forwarded': 'Chuyển bước xử lý',
    'returned_step': 'Trả lại bước trước',
    'transferred': 'Chuyển cơ quan phối hợp',
    'result_ready': 'Có kết quả',
    'done': 'Trả kết quả',
    'withdrawn': 'Rút hồ sơ',
    'suspended': 'Tạm dừng xử lý',
    'resumed': 'Tiếp tục xử lý',
    'late_warning': 'Cảnh báo sắp quá hạn',
    }
TIMELINESS = {'early': 'Trước hạn', 'on_time': 'Đúng hạn', 'late': 'Quá hạn'}
RETURN_METHODS = {
    'desk': 'Nhận tại Bộ phận Một cửa',
    'postal': 'Nhận qua dịch vụ bưu chính',
    'online': 'Nhận bản điện tử trên Cổng',
    }


def submitter_name(dossier):
    return dossier.submitter_name or dossier.applicant_name or (
        dossier.applicant.name if dossier.applicant else '')


@functools.lru_cache(maxsize=1024)
def qr_data_uri(text):
    """A QR code as a PNG data URI (no external service), one pixel a
    module: the page's style sheet draws it 10rem wide, pixelated. Drawn by
    zxing-cpp (C++): a QR code of qrcode (pure Python) took a third of a
    lookup's time (bench/). The same links are drawn again and again (the
    kiosk, a citizen's pages): cached."""
    import zxingcpp
    from PIL import Image
    image = zxingcpp.create_barcode(
        text, zxingcpp.BarcodeFormat.QRCode, ec_level='M').to_image()
    height, width = image.shape
    image = Image.frombuffer('L', (width, height), bytes(image),
        'raw', 'L', 0, 1).convert('1', dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return 'data:image/png;base64,' + base64.b64encode(
        buffer.getvalue()).decode()


def lookup_url(code, token=None):
    """The lookup page of a dossier: the link of its QR codes, at the
    portal's configured address (never the request's Host). With the
    QR token (which shows the submitter's name) only for those who may
    read it: the owner, or a visitor who typed the PIN."""
    from urllib.parse import quote, urlencode

    from gov_agency.public import public_url
    url = f"{public_url()}/tra-cuu/{quote(code or '', safe='')}"
    if token:
        url += '?' + urlencode({'t': token})
    return url


def lookup_view(facts, full):
    """The facts of R-LOOK-2 (Điều 16) for the page. For a dossier waiting
    for a supplement the processing unit and the appointment are left out
    and what to supplement or correct is added (Điều 16.2): the components,
    and the officer's reason only for who may read the name."""
    invalid = facts.state == 'supplement'
    name = (facts.submitter_name or facts.applicant_name
        or facts.party_name or '')
    organisation = (facts.applicant_name
        if facts.applicant_kind == 'organisation' else '')
    view = {
        'code': facts.code,
        'state': facts.state,
        'state_label': STATES.get(facts.state, facts.state),
        'badge': BADGES.get(facts.state, ''),
        'procedure': facts.procedure_name,
        'agency': facts.agency_name,
        'organisation': organisation if full else mask_name(organisation),
        'name': name if full else mask_name(name),
        'masked': not full,
        # The model's received date, as the public reads it.
        'received_date': facts.received_date,
        'invalid': invalid,
        }
    if invalid:
        # Strangers read the names of the components to supplement, never
        # the words an officer typed (R-SEC-2).
        view['supplement'] = (facts.supplement_reason or '') if full else ''
        view['supplement_components'] = facts.supplement_components
    else:
        view['unit'] = facts.unit_name or ''
        view['step'] = facts.step_name or ''
        view['due_date'] = facts.due_date
    if facts.state == 'rejected' and full:
        view['rejection'] = facts.rejection_reason or ''
    return view


# Events whose reason the citizen reads; other reasons stay internal.
PUBLIC_REASONS = {
    'supplement', 'rejected', 'withdrawn', 'suspended', 'resumed'}


def timeline(dossier):
    """The public history, oldest first, with Vietnamese labels, the unit
    and the step (R-LOOK-3); officers' names and internal reasons are left
    out."""
    entries = []
    for entry in sorted(dossier.history, key=lambda e: (e.date, e.id)):
        if not entry.public:
            continue
        entries.append({
                'date': entry.date,
                'event': entry.event,
                'label': EVENTS.get(entry.event, entry.event),
                'state': entry.to_state,
                'state_label': STATES.get(entry.to_state, entry.to_state),
                'unit': entry.unit.name if entry.unit else '',
                'step': entry.step_name or '',
                'reason': (entry.reason
                    if entry.event in PUBLIC_REASONS else ''),
                })
    return entries
