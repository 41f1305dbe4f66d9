"""The one-stop desk and the fees, in Chromium (sao, in Vietnamese), on the
demo data as `make run` loads it: a result is not handed over while its
fee is unpaid; the officer records the cash taken at the desk with the
dossier's "Ghi nhận thanh toán" button, then returns the result.

Screenshots of each step go to screenshots/sao-fee/ (git-ignored)."""
from tests.journeys_helpers import Sao, Shots

# Chứng thực bản sao từ bản chính (H16.TAM.007): in the demo, a desk
# dossier whose result is ready and whose 2.000 đ fee is still due.
COPY = 'H16.TAM.007'


def rpc(server, session, model, method, *args):
    answer = server.rpc(f'model.{model}.{method}', [*args, {}], session)
    assert 'error' not in answer, answer
    return answer['result']


def test_desk_records_the_fee_before_returning_the_result(browser,
        live_server):
    """R-FEE-4, R-FEE-2, R-PROC-1: motcua cannot return the result of a
    dossier whose fee is due (the message says how much); she records the
    cash through the form's Record Payment wizard — the amount due filled
    in — the dossier is paid with a receipt number in her name, and the
    result is returned"""
    server = live_server
    admin, _ = server.login('admin', 'admin@2026')
    ids = rpc(server, admin, 'gov.dossier', 'search', [
            ('procedure.code', '=', COPY), ('state', '=', 'result_ready'),
            ('payment_state', '=', 'due')], 0, None, None)
    assert ids, 'the demo has no ready dossier with its fee due'
    dossier, = rpc(server, admin, 'gov.dossier', 'read', ids[:1],
        ['code', 'amount_due'])
    code = dossier['code']
    assert dossier['amount_due'] == {'__class__': 'Decimal',
        'decimal': '2000'}, dossier

    sao = Sao(browser, server, 'motcua', Shots('sao-fee'))
    try:
        sao.open_dossiers()
        sao.domain_tab('Có kết quả')
        sao.search(code)
        sao.open(code)
        sao.notebook('Phí, lệ phí')
        assert sao.value('payment_state') == 'Chưa nộp'
        sao.shot('fee-due')

        # Returning the result is refused, with the amount still due.
        sao.button('Đã trả kết quả')
        dialog = sao.dialog()
        dialog.get_by_text('Chưa thể trả kết quả').wait_for()
        message = dialog.inner_text()
        assert code in message and '2.000 đ' in message, message
        sao.shot('return-refused')
        dialog.locator('button:visible').last.click()
        sao.wait_dialog_closed()
        assert sao.value('state') == 'Có kết quả'

        # The cash taken at the desk.
        sao.button('Ghi nhận thanh toán')
        dialog = sao.dialog()
        dialog.locator('[name="amount"]').first.wait_for()
        assert dialog.locator('[name="amount"]:visible').first\
            .input_value() == '2.000'
        method = dialog.locator('select[name="method"]:visible').first
        assert method.evaluate(
            'e => e.options[e.selectedIndex].text') == \
            'Tiền mặt tại Bộ phận Một cửa'
        sao.shot('record-payment')
        sao.dialog_button('Ghi nhận')
        sao.wait_dialog_closed()
        sao.notebook('Phí, lệ phí')
        sao.wait_value('payment_state', 'Đã nộp')
        sao.shot('fee-paid')

        sao.button('Đã trả kết quả')
        sao.wait_value('state', 'Đã trả kết quả')
        sao.shot('result-returned')
        assert sao.errors == []
    finally:
        sao.close()

    payments = rpc(server, admin, 'gov.fee.payment', 'search_read',
        [('dossier.code', '=', code)], 0, None, None,
        ['method', 'amount', 'state', 'receipt_number', 'received_by.login'])
    assert len(payments) == 1, payments
    payment, = payments
    assert (payment['method'], payment['state']) == ('desk', 'paid')
    assert payment['receipt_number'].startswith('000.30.21.H16/'), payment
    assert payment['received_by.']['login'] == 'motcua'
