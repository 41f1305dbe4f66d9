# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the portal reads of gov_dossier, in one place.

Every page that shows a dossier goes through these functions, so that the
portal depends on a small, explicit part of gov_dossier's models."""
import base64
import hmac
import io

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
    'done': 'ok', 'withdrawn': '', 'suspended': 'warn',
    }
TIMELINESS = {'early': 'Trước hạn', 'on_time': 'Đúng hạn', 'late': 'Quá hạn'}


def has_dossiers(pool):
    try:
        pool.get('gov.dossier')
    except KeyError:
        return False
    return True


def find_by_code(pool, code):
    "The non-draft dossier with this code, or None."
    if not code or len(code) > 64 or not has_dossiers(pool):
        return None
    Dossier = pool.get('gov.dossier')
    dossiers = Dossier.search([
            ('code', '=', code),
            ('state', '!=', 'draft'),
            ], limit=1)
    return dossiers[0] if dossiers else None


def get(record, *names, default=None):
    "The first of the attributes that the record has and that is set."
    for name in names:
        value = getattr(record, name, None)
        if value not in (None, ''):
            return value
    return default


def rec_name(record):
    if record is None:
        return ''
    return get(record, 'name', 'rec_name', default='')


def submitter_name(dossier):
    applicant = get(dossier, 'applicant')
    name = get(dossier, 'applicant_name', 'submitter_name')
    if not name and applicant is not None:
        name = rec_name(applicant)
    if not name:
        web_user = get(dossier, 'web_user')
        if web_user is not None:
            name = web_user.full_name or ''
    return name or ''


def organisation(dossier):
    org = get(dossier, 'organisation', 'organization')
    if org is not None and not isinstance(org, str):
        org = rec_name(org)
    return org or ''


def current_unit(dossier):
    return rec_name(get(dossier, 'current_unit', 'unit'))


def current_step(dossier):
    step = get(dossier, 'current_step', 'step')
    if step is not None and not isinstance(step, str):
        step = rec_name(step)
    return step or ''


def supplement_request(dossier):
    "What the citizen must add or correct (R-LOOK-2, Điều 16.2)."
    text = get(dossier, 'supplement_reason', 'supplement_note',
        'supplement_request')
    if text and not isinstance(text, str):
        text = get(text, 'reason', 'note', 'description', default='')
    if not text:
        for entry in reversed(public_history(dossier)):
            if entry.get('to') == 'supplement' and entry.get('reason'):
                return entry['reason']
    return text or ''


def supplement_components(dossier):
    "The components the officer ticked for supplement, if recorded."
    result = []
    for document in get(dossier, 'documents', default=()) or ():
        if get(document, 'supplement_requested', 'needs_supplement'):
            result.append(rec_name(get(document, 'component')))
    return result


def public_history(dossier):
    "The history a citizen may read: [{date, from, to, reason, unit, by}]."
    entries = get(dossier, 'public_history', 'history', default=()) or ()
    result = []
    for entry in entries:
        if get(entry, 'public', default=True) is False:
            continue
        result.append({
                'date': get(entry, 'date', 'create_date'),
                'from': get(entry, 'from_state'),
                'to': get(entry, 'to_state', 'state'),
                'reason': get(entry, 'reason', 'note', default=''),
                'unit': rec_name(get(entry, 'unit', 'agency')),
                'step': current_step(entry),
                })
    result.sort(key=lambda e: e['date'] or 0)
    return result


def check_pin(dossier, pin):
    expected = get(dossier, 'pin', default='') or ''
    pin = (pin or '').strip()
    return bool(expected) and hmac.compare_digest(
        pin.encode(), str(expected).encode())


def qr_token(dossier):
    return get(dossier, 'qr_token', default='') or ''


def check_qr_token(dossier, token):
    expected = qr_token(dossier)
    return bool(expected and token) and hmac.compare_digest(
        str(token).encode(), str(expected).encode())


def is_owner(dossier, web_user):
    if web_user is None:
        return False
    check = getattr(dossier, 'check_owner', None)
    owner = get(dossier, 'web_user')
    return owner is not None and owner.id == web_user.id


def qr_data_uri(text):
    "A QR code as a PNG data URI (no external service)."
    import qrcode
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return 'data:image/png;base64,' + base64.b64encode(
        buffer.getvalue()).decode()


def lookup_view(dossier, full_name):
    """The facts of R-LOOK-2 (Điều 16). For a dossier waiting for a
    supplement the processing unit and the appointment are left out and
    what to supplement is added."""
    state = dossier.state
    invalid = state == 'supplement'
    name = submitter_name(dossier)
    from .web import mask_name
    view = {
        'code': dossier.code,
        'state': state,
        'state_label': STATES.get(state, state),
        'badge': BADGES.get(state, ''),
        'agency': rec_name(get(dossier, 'agency')),
        'organisation': organisation(dossier),
        'name': name if full_name else mask_name(name),
        'masked': not full_name,
        'received_date': get(dossier, 'received_date', 'submitted_date'),
        'invalid': invalid,
        }
    if invalid:
        view['supplement'] = supplement_request(dossier)
        view['supplement_components'] = supplement_components(dossier)
    else:
        view['unit'] = current_unit(dossier)
        view['step'] = current_step(dossier)
        view['due_date'] = get(dossier, 'due_date')
    return view
