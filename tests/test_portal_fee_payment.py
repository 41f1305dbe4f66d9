"""Chị Hạnh pays the fee of her dossier on the portal and downloads the
receipt (issue 14, citizen side), in Chromium against the live server and
the sandbox payment platform (gov_server.sandboxes, started by
tests/conftest.py):

- the procedure page and the form show the fee and when it is due
  (R-FEE-1);
- the desk cannot return the result while the fee is unpaid, and can once
  it is paid (R-FEE-2, R-FEE-4; through RPC as the demo receiving
  officer);
- "Hồ sơ của tôi" and the dossier page show the amount due and the
  Thanh toán button; the transfer page's VietQR code carries the
  agency's account, the amount and the dossier code (R-FEE-2);
- she pays online on the sandbox's page, comes back to "paid" read from
  the database, downloads the receipt: its text read back, its QR code
  decoded, and the verification page it opens (R-FEE-2).
"""
import re
import secrets
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.journeys_helpers import page_qr_codes, pdf_qr_codes, pdf_text
from tests.portal_fixtures import ROOT, Client, check_page, csrf_token
from tests.test_portal_attacks import PDF

PROCEDURE = 'TEST.PHI.01'
DESK = '000.30.21.H16'
BIN, ACCOUNT = '970415', '113366668888'
NAME = 'Đỗ Thị Hạnh'
ID_NUMBER = '066190007712'
EMAIL = 'hanh.thanhtoan@example.com'
state = {}


def seed(database):
    """A fully online procedure of the city's desk with a fee of 50.000 đ
    due at submission, and the desk's account for transfers."""
    from gov_server import configure
    configure()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Procedure = pool.get('gov.procedure')
        Level = pool.get('gov.service.level')
        Field = pool.get('gov.field')
        Agency = pool.get('gov.agency')
        desk, = Agency.search([('code', '=', DESK)])
        if not desk.bank_bin:
            Agency.write([desk], {
                    'bank_bin': BIN, 'bank_name': 'VietinBank — CN Đắk Nông',
                    'bank_account': ACCOUNT,
                    'bank_account_holder': 'VĂN PHÒNG HĐND VÀ UBND'})
        if not Procedure.search([('code', '=', PROCEDURE)]):
            full, = Level.search([('code', '=', 'full_online')])
            field = Field.search([], limit=1)[0]
            procedure = Procedure(
                code=PROCEDURE, name='Cấp bản sao trích lục (kiểm thử phí)',
                field=field, agencies=[desk], service_level=full,
                processing_days=Decimal(1), result_type='electronic')
            procedure.components = [dict(name='Đơn đề nghị', originals=1,
                    copies=0, mandatory=True, file_types='pdf')]
            procedure.fees = [dict(kind='fee', amount=Decimal(50000),
                    condition='Lệ phí cấp bản sao', payment_time='before')]
            procedure.steps = [dict(name='Xử lý', kind='process',
                    duration=Decimal(1))]
            procedure.save()
            Procedure.publish([procedure])
        Transaction().commit()


@pytest.fixture(scope='module')
def fee_portal(portal):
    subprocess.run([sys.executable, '-c',
            'import sys; from tests.test_portal_fee_payment import seed; '
            'seed(sys.argv[1])', portal.database], env=portal.env, cwd=ROOT,
        check=True, stdout=subprocess.DEVNULL)
    return portal


def desk_bin(portal):
    "The bank BIN of the desk's account (RPC as the administrator)."
    session, _ = portal.login('admin', 'admin@2026')
    result = portal.rpc('model.gov.agency.search_read',
        [[('code', '=', DESK)], 0, None, None, ['bank_bin'], {}],
        session=session)
    return result['result'][0]['bank_bin']


def citizen(portal):
    if 'client' not in state:
        state['client'] = Client(portal).register(EMAIL, NAME, ID_NUMBER)
    return state['client']


def signed_in(page, portal):
    page.context.add_cookies([{'name': k, 'value': v, 'url': portal.url}
            for k, v in citizen(portal).cookies.items()])
    return page


def officer_done(portal, code):
    "The demo receiving officer returns the result (RPC): the answer."
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    assert len(ids) == 1, code
    return portal.rpc('model.gov.dossier.done', [ids, {}], session=session)


def officer(portal, method, code):
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    result = portal.rpc(f'model.gov.dossier.{method}', [ids, {}],
        session=session)
    assert 'error' not in result, result


def submit(portal):
    client = citizen(portal)
    _, _, page = client.get(f'/nop-ho-so/{PROCEDURE}')
    # One agency: the form names it and asks nothing.
    agency = re.search(r'<option value="(\d+)"', page)
    component = re.search(r'name="(c\d+)"', page).group(1)
    data = {'csrf_token': csrf_token(page),
        'submission': secrets.token_hex(16),
        'applicant_name': NAME, 'applicant_id_number': ID_NUMBER,
        'applicant_phone': '0987654321', 'applicant_email': EMAIL,
        'applicant_address': 'Gia Nghĩa', 'action': 'submit',
        'declaration': '1'}
    if agency:
        data['agency'] = agency.group(1)
    status, headers, body = client.request('POST', f'/nop-ho-so/{PROCEDURE}',
        data=data, files={component: ('don.pdf', PDF)})
    assert status == 303, body
    return re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)


def test_citizen_pays_online_and_downloads_the_receipt(desktop, fee_portal,
        tmp_path):
    "R-FEE-1, R-FEE-2, R-FEE-4, R-SUB-1: a fee-bearing dossier paid online through the sandbox platform, the receipt downloaded and checked; the result is returned only once paid"
    portal = fee_portal
    page = signed_in(desktop, portal)

    # Before submitting: what she will owe, and when.
    page.goto(f'/thu-tuc/{PROCEDURE}')
    fees = page.inner_text('#fee-list').replace('\u00a0', ' ')
    assert '50.000 đ' in fees and 'Khi nộp hồ sơ' in fees
    page.goto(f'/nop-ho-so/{PROCEDURE}')
    assert page.inner_text('#fee-total').replace('\u00a0', ' ') == '50.000 đ'
    assert 'khi nộp hồ sơ' in page.inner_text('#fees')

    code = submit(portal)
    # The desk receives it, the agency makes the result; returning it is
    # refused while the fee is unpaid.
    officer(portal, 'receive', code)
    subprocess.run([sys.executable, '-m', 'tests.portal_seed',
            portal.database, '--result', code], env=portal.env, cwd=ROOT,
        check=True, stdout=subprocess.DEVNULL)
    refused = officer_done(portal, code)
    assert 'error' in refused, refused
    assert 'chưa' in str(refused['error']) or 'not paid' in str(
        refused['error']), refused

    # "Hồ sơ của tôi": the amount due and the button.
    page.goto('/ho-so')
    item = page.locator('.results li', has_text=code)
    assert '50.000 đ' in item.inner_text().replace('\u00a0', ' ')
    item.get_by_role('link', name='Thanh toán').click()
    page.wait_for_url(f'**/ho-so/{code}/thanh-toan')
    assert page.inner_text('#amount-due').replace('\u00a0', ' ') == (
        '50.000 đ')
    check_page(page, 'fee-pay')

    # Bank transfer: the VietQR code and the same in text.
    page.click('#pay-transfer')
    page.wait_for_selector('#vietqr')
    from gov_fee.vietqr import parse
    payload, = page_qr_codes(page, '#vietqr')
    qr = parse(payload)
    # The desk's account (the demo data's, or the seed's when none).
    account = page.inner_text('#bank-account')
    assert re.fullmatch(r'[0-9A-Za-z]{1,19}', account), account
    assert qr.bin == desk_bin(portal)
    assert (qr.account, qr.amount, qr.memo) == (account, 50000, code)
    assert page.inner_text('#transfer-memo') == code
    assert '50.000 đ' in page.inner_text('#transfer-amount').replace(
        '\u00a0', ' ')
    check_page(page, 'fee-transfer')

    # Online: the sandbox platform's page, pay, back to the portal.
    page.click('#pay-online')
    page.wait_for_url(f'{portal.sandboxes["payment"]}/pay/**')
    assert '50.000' in page.inner_text('body')
    page.click('button.paid')
    page.wait_for_url('**/thanh-toan/ket-qua**')
    assert page.get_attribute('#payment-state', 'data-state') == 'paid'
    check_page(page, 'fee-result')

    # The receipt: its text and its QR code.
    with page.expect_download() as download:
        page.click('#receipt-link')
    path = tmp_path / 'bien-lai.pdf'
    download.value.save_as(path)
    content = path.read_bytes()
    text = ' '.join(pdf_text(content).split())
    assert 'BIÊN LAI THU PHÍ, LỆ PHÍ' in text
    assert f'Mã hồ sơ: {code}' in text
    assert NAME in text
    assert '50.000' in text and 'Năm mươi nghìn đồng' in text
    number = re.search(r'Số biên lai: (\S+)', text).group(1)
    assert number.startswith(f'{DESK}/')
    url, = pdf_qr_codes(content)
    assert re.fullmatch(re.escape(portal.url) + r'/bien-lai/[\w-]{16,}',
        url), url
    # Anyone holding it checks it: number, amount, code, nothing personal.
    page.goto(url)
    assert page.inner_text('#receipt-number') == number
    assert page.inner_text('#receipt-dossier') == code
    assert NAME not in page.content()
    check_page(page, 'fee-verify')

    # Paid: no more button; the desk returns the result.
    page.goto(f'/ho-so/{code}')
    assert page.locator('#pay-button').count() == 0
    assert page.inner_text('#amount-due').replace('\u00a0', ' ') == '0 đ'
    returned = officer_done(portal, code)
    assert 'error' not in returned, returned
