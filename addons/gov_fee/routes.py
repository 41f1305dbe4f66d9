# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's side of the fees on the portal (R-FEE-2, R-SUB-1/2).

Pages of gov_portal (web.page: one transaction, CSRF on POST, error pages
without details), templates in templates/ (found through
gov_portal.web.add_template_folder):

``/ho-so/<code>/thanh-toan``
    the owner's payment page (anyone else: the 404 of an unknown code):
    pay online (POST → an ``online`` order, the gateway's payment page)
    or by bank transfer (?cach=chuyen-khoan: the VietQR code of the
    agency's account, amount due now, memo = the dossier code, and the
    same in text to copy);
``/thanh-toan/thong-bao``
    the payment platform's notification, server to server (no session, no
    CSRF): the signature over the raw body is verified first (forged or
    missing: 403, logged, nothing paid), then the order (unknown: 404),
    then ``confirm``/``fail`` — which pay once, and record an amount or
    currency different from the order's as a mismatch. JSON answers;
``/thanh-toan/ket-qua``
    where the platform sends the citizen back: the payment's state as the
    database has it (the query string only names the order);
``/ho-so/<code>/bien-lai/<token>.pdf``
    the owner's receipt (PDF, gov.fee.payment.receipt);
``/bien-lai/<token>``
    public: whether such a receipt exists, with its number, amount and
    dossier code, nothing personal. The random token (not the number) is
    in the receipt's QR code: receipts cannot be listed."""
import json
import logging
from pathlib import Path
from urllib.parse import quote

from trytond.exceptions import UserError
from trytond.protocols.wrappers import Response, with_transaction

from gov_agency.portal import portal_route
from gov_agency.public import public_url
from gov_portal.dossiers import qr_data_uri
from gov_portal.routes_dossier import file_response, owned
from gov_portal.web import PageError, add_template_folder, page

from . import vietqr
from .gateway import PaymentGatewayError, SignatureError, get_gateway

logger = logging.getLogger(__name__)

add_template_folder(Path(__file__).resolve().parent / 'templates')

RETURN_PATH = '/thanh-toan/ket-qua'
NOTIFY_PATH = '/thanh-toan/thong-bao'
TRANSFER = 'chuyen-khoan'


def transfer_details(dossier, amount):
    """The agency's account, the amount and the memo of a transfer of the
    dossier's fees, with the VietQR payload; None when the agency
    publishes no account."""
    account = dossier.agency.get_bank_account()
    if not account or amount <= 0:
        return None
    memo = vietqr.clean_memo(dossier.code)
    payload = vietqr.build(account['bin'], account['account'],
        amount=amount, memo=memo)
    return dict(account, amount=amount, memo=memo, payload=payload,
        qr=qr_data_uri(payload))


def render_pay(portal, dossier, status=200, error=None, method=None):
    summary = dossier.get_payment_summary()
    transfer = None
    if method == TRANSFER and summary['can_pay']:
        transfer = transfer_details(dossier, summary['due_now'])
    return portal.render('fee_pay.html', dossier=dossier, summary=summary,
        method=method, transfer=transfer, error=error,
        lines=dossier.owed_fee_lines(), status=status)


@page('/ho-so/<code>/thanh-toan', methods=('GET', 'POST'))
def pay(portal, code):
    "Choose how to pay what the dossier owes now (owner only)."
    dossier = owned(portal, code)
    if portal.request.method == 'GET':
        method = portal.request.args.get('cach')
        return render_pay(portal, dossier,
            method=method if method == TRANSFER else None)
    if portal.request.form.get('method') != 'online':
        raise PageError(400)
    pool = portal.pool
    Payment = pool.get('gov.fee.payment')
    if not dossier.get_payment_summary()['can_pay']:
        return render_pay(portal, dossier, status=409, error=portal._(
                'Hồ sơ hiện không có khoản nào phải thanh toán.'))
    try:
        payment = Payment.create_order(dossier, 'online')
        url = get_gateway().create_order(payment.order_code,
            payment.amount,
            f'Phi, le phi ho so {dossier.code}',
            public_url() + RETURN_PATH, public_url() + NOTIFY_PATH)
    except (PaymentGatewayError, ValueError):
        logger.warning('payment order of %s not created', dossier.code,
            exc_info=True)
        return render_pay(portal, dossier, status=502, error=portal._(
                'Cổng thanh toán tạm thời không nhận được yêu cầu. Vui lòng '
                'thử lại sau hoặc chọn chuyển khoản.'))
    except UserError as error:
        return render_pay(portal, dossier, status=409, error=error.message)
    return portal.redirect(url)


def json_response(status, **values):
    response = Response(json.dumps(values), status=status,
        content_type='application/json')
    response.headers['Cache-Control'] = 'no-store'
    return response


@portal_route(NOTIFY_PATH, methods={'POST'})
@with_transaction()
def notify(request, pool):
    """The platform's signed notification (IPN): 403 when not authentic,
    404 for an unknown order, else 200 with the payment's state —
    a replay gets the same answer and pays nothing more."""
    Payment = pool.get('gov.fee.payment')
    # Cached: the transaction may be retried (a lock), with the same body.
    body = request.get_data()
    try:
        notice = get_gateway().verify_notification(body, request.headers)
    except SignatureError as error:
        logger.warning('payment notification refused from %s: %s',
            request.remote_addr, error)
        return json_response(403, result='forbidden',
            message='invalid signature')
    except PaymentGatewayError as error:
        logger.warning('malformed payment notification from %s: %s',
            request.remote_addr, error)
        return json_response(400, result='error', message='malformed')
    payment = Payment.find_order(notice['order_id'])
    if payment is None:
        logger.warning('payment notification for unknown order %r',
            notice['order_id'])
        return json_response(404, result='unknown_order',
            order_id=notice['order_id'])
    if notice['status'] == 'paid':
        payment = Payment.confirm(payment, notice['amount'],
            notice['currency'], notice['reference'])
    else:
        payment = Payment.fail(payment)
    values = {'result': payment.state, 'order_id': payment.order_code}
    if payment.state == 'mismatch':
        logger.warning('payment %s: amount or currency mismatch (%s %s '
            'for %s %s)', payment.order_code, payment.received_amount,
            payment.received_currency, payment.amount, payment.currency)
        values['message'] = ('amount or currency differs from the order: '
            'recorded as a mismatch, not paid')
    return json_response(200, **values)


@page(RETURN_PATH)
def result(portal):
    """The citizen back from the platform: her payment's state read from
    the database (the query string only names the order)."""
    user = portal.require_user()
    Payment = portal.pool.get('gov.fee.payment')
    Dossier = portal.pool.get('gov.dossier')
    payment = Payment.find_order(
        (portal.request.args.get('order_id') or '')[:64])
    if payment is None or not Dossier.search_owned(user,
            [('id', '=', payment.dossier.id)], limit=1):
        raise PageError(404)
    return portal.render('fee_result.html', payment=payment,
        dossier=payment.dossier,
        summary=payment.dossier.get_payment_summary())


@page('/ho-so/<code>/bien-lai/<token>.pdf')
def receipt_pdf(portal, code, token):
    "The owner's fee receipt, as PDF."
    dossier = owned(portal, code)
    Payment = portal.pool.get('gov.fee.payment')
    payment = Payment.find_receipt(token)
    if payment is None or payment.dossier.id != dossier.id:
        raise PageError(404)
    Report = portal.pool.get('gov.fee.payment.receipt', type='report')
    ext, content, _, _ = Report.execute([payment.id], {})
    number = payment.receipt_number.replace('/', '-')
    return file_response(f'bien-lai-{number}.{ext}', content,
        'application/pdf' if ext == 'pdf' else 'text/html')


@page('/bien-lai/<token>')
def verify(portal, token):
    "Anyone holding a receipt checks it: number, amount, dossier code."
    Payment = portal.pool.get('gov.fee.payment')
    payment = Payment.find_receipt(token)
    if payment is None:
        raise PageError(404)
    return portal.render('fee_verify.html',
        receipt=payment.receipt_public_facts(),
        methods=dict(Payment.fields_get(['method'])['method']['selection']))


def receipt_path(dossier, payment):
    return (f'/ho-so/{quote(dossier.code, safe="")}/bien-lai/'
        f'{quote(payment.receipt_token, safe="")}.pdf')
