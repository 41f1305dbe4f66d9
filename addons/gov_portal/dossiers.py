# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the portal reads of gov_dossier, in one place: the public lookup,
the owner's views, the labels citizens read."""
import base64
import functools
import hmac
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


def find_for_lookup(pool, code, pin=None, token=None, web_user=None):
    """(dossier, full) for a code: full when the visitor may read the
    submitter's name — owner, right PIN, or QR token of this dossier."""
    Dossier = pool.get('gov.dossier')
    dossier, full = Dossier.lookup(code, pin=pin or None)
    if dossier is None:
        return None, False
    if not full and token:
        full = hmac.compare_digest(
            str(token).encode(), (dossier.qr_token or '').encode())
    if not full and web_user is not None and dossier.web_user:
        full = dossier.web_user.id == web_user.id
    return dossier, full


@functools.lru_cache(maxsize=1024)
def qr_data_uri(text):
    """A QR code as a PNG data URI (no external service), 5 pixels a
    module. One fixed mask pattern: choosing the best of the eight
    (qrcode's default) took three quarters of a lookup's time, and any mask
    reads as well; the modules are drawn at once rather than one rectangle
    each. The same links are drawn again and again (lookups, the kiosk):
    cached."""
    import qrcode
    from PIL import Image
    qr = qrcode.QRCode(border=2, mask_pattern=0)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # with its border
    size = len(matrix)
    image = Image.new('1', (size, size))
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = image.resize((size * 5, size * 5), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return 'data:image/png;base64,' + base64.b64encode(
        buffer.getvalue()).decode()


def lookup_url(base, dossier):
    from urllib.parse import quote, urlencode
    url = f"{base}/tra-cuu/{quote(dossier.code or '', safe='')}"
    if dossier.qr_token:
        url += '?' + urlencode({'t': dossier.qr_token})
    return url


def lookup_view(dossier, full):
    """The facts of R-LOOK-2 (Điều 16). For a dossier waiting for a
    supplement the processing unit and the appointment are left out and
    what to supplement or correct is added (Điều 16.2)."""
    invalid = dossier.state == 'supplement'
    name = submitter_name(dossier)
    organisation = (dossier.applicant_name
        if dossier.applicant_kind == 'organisation' else '')
    view = {
        'code': dossier.code,
        'state': dossier.state,
        'state_label': STATES.get(dossier.state, dossier.state),
        'badge': BADGES.get(dossier.state, ''),
        'procedure': dossier.procedure.name,
        'agency': dossier.agency.name,
        'organisation': organisation if full else mask_name(organisation),
        'name': name if full else mask_name(name),
        'masked': not full,
        'received_date': dossier.received_date or dossier.submitted_date,
        'invalid': invalid,
        }
    if invalid:
        view['supplement'] = dossier.supplement_reason or ''
        view['supplement_components'] = [
            c.name for c in dossier.supplement_components]
    else:
        view['unit'] = (dossier.current_unit.name
            if dossier.current_unit else '')
        view['step'] = (dossier.current_step.name
            if dossier.current_step else '')
        view['due_date'] = dossier.due_date
    if dossier.state == 'rejected' and full:
        view['rejection'] = dossier.rejection_reason or ''
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
