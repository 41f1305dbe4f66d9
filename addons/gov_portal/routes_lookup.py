# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Public lookup of a dossier by its code (R-LOOK-1, R-LOOK-2): the page,
the QR target and the kiosk of the one-stop desk.

- The submitter's name is masked unless the visitor owns the dossier,
  typed its PIN or came through the QR link with its token.
- A known and an unknown code answer with the same status and the same
  page (the PIN form); a wrong PIN and an unknown code give the same
  message. The answer's time is not padded: the page itself says whether
  the code was found, and a sleep would hold a server worker.
- The QR code shown carries the QR token (which shows the name) only to
  those who may read the name.
- Each lookup of a code counts against a per-address limit kept in the
  database (gov.portal.lookup.attempt, shared by every worker); over it
  the answer is 429 with a Vietnamese message.
- Too many wrong PINs for one dossier, from any addresses, lock its PIN
  check for a while (gov_dossier lookup.py); the visitor is told so."""
from .dossiers import BADGES, lookup_url, qr_data_uri
from .web import PageError, page


def clean_code(portal, value):
    "The code as the model looks it up: any case, spaces removed."
    return portal.pool.get('gov.dossier').normalize_code(value)


def rate_limit(portal):
    Attempt = portal.pool.get('gov.portal.lookup.attempt')
    if not Attempt.hit(portal.remote_addr):
        raise PageError(429, portal._(
                'Bạn đã tra cứu quá nhiều lần trong một phút. Vui lòng đợi '
                'một phút rồi thử lại.'), headers={'Retry-After': '60'})


def lookup(portal, code, pin=None, token=None):
    "Return (view, pin_error) for a code; view is None when not found."
    rate_limit(portal)
    Dossier = portal.pool.get('gov.dossier')
    facts, full = Dossier.lookup_facts(code, pin=pin or None, token=token,
        web_user=portal.user)
    pin_error = None
    if facts is not None and facts.pin_locked and not full:
        # Too many wrong PINs for this dossier, from whatever address.
        lock = portal.pool.get('gov.dossier.pin.failure').lock_time()
        pin_error = portal._(
            'Mã PIN của hồ sơ này đã bị nhập sai nhiều lần nên tạm khóa. '
            'Vui lòng thử lại sau %(minutes)s phút, hoặc quét mã QR trên '
            'Giấy tiếp nhận hồ sơ.', minutes=int(lock.total_seconds() // 60))
    elif pin and not full:
        pin_error = portal._('Mã hồ sơ hoặc mã PIN không đúng.')
    if facts is None:
        return None, pin_error
    # What this visitor may read (gov_dossier lookup.py): a stranger gets
    # no QR token, which would show the name.
    view = Dossier.public_view(facts, full)
    view['badge'] = BADGES.get(view['state'], '')
    view['qr'] = qr_data_uri(lookup_url(view['code'], view.get('qr_token')))
    return view, pin_error


@page('/tra-cuu', methods=('GET', 'POST'), readonly=False)
def lookup_page(portal):
    values = portal.request.values
    code = clean_code(portal, values.get('ma'))
    pin = (portal.request.form.get('pin') or '').strip()[:16]
    view = pin_error = None
    if code:
        view, pin_error = lookup(portal, code, pin=pin)
    return portal.render('lookup.html', code=code, view=view,
        searched=bool(code), pin_error=pin_error)


@page('/tra-cuu/<code>', readonly=False)
def lookup_qr(portal, code):
    "The QR code of the receipt points here, with its token."
    code = clean_code(portal, code)
    token = (portal.request.args.get('t') or '')[:128]
    view, _ = lookup(portal, code, token=token)
    return portal.render('lookup.html', code=code, view=view, searched=True,
        pin_error=None)


@page('/kiosk', methods=('GET', 'POST'), readonly=False)
def kiosk(portal):
    "Large-type lookup for the touch screen of the one-stop desk."
    values = portal.request.values
    code = clean_code(portal, values.get('ma'))
    pin = (portal.request.form.get('pin') or '').strip()[:16]
    view = pin_error = None
    if code:
        view, pin_error = lookup(portal, code, pin=pin)
    return portal.render('kiosk.html', code=code, view=view,
        searched=bool(code), pin_error=pin_error)
