"""A result with legal value (R-RES-3, R-RES-1, R-SEC-3, R-SEC-1), in
Chromium against the live server:

- the test PKI of this run (root CA and the agency's PKCS#12, made now,
  never committed) is put in the server's signature folder
  (``<database path>/signature``, gov_signature/signing.py);
- a birth registration (TEST.KS.01 promises a signed electronic result) is
  submitted by Chị Lan and taken to its approval step;
- the agency leader ``lanhdao`` signs the result through sao's JSON-RPC
  (the button "Ký số thay mặt cơ quan") and approves it: result ready;
- Chị Lan finds it in her "Kho kết quả" and downloads it;
- the verification page /xac-thuc says the file is validly signed, for
  which dossier, by which agency — without her name; one flipped byte
  makes it say broken; the QR's page says the stored result is valid,
  then annulled once the leader annuls it.
"""
import configparser
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from tests.portal_fixtures import ROOT, Client, check_page

EMAIL = 'lan.ky.so@example.com'
NAME = 'Nguyễn Thị Lan'
ID_NUMBER = '067195001234'
BIRTH = 'TEST.KS.01'


def signature_folder(server):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(server.env['TRYTOND_CONFIG'], encoding='utf-8')
    folder = parser.get('gov_signature', 'folder', fallback=None)
    if folder:
        return Path(folder)
    return Path(parser.get('database', 'path')) / 'signature'


def install_test_pki(server):
    "A root CA trusted by the server and the agency's key signed by it."
    from gov_signature.tests import pki
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(server.env['TRYTOND_CONFIG'], encoding='utf-8')
    password = parser.get('gov_signature', 'pkcs12_password', fallback='')
    folder = signature_folder(server)
    (folder / 'trust-roots').mkdir(parents=True, exist_ok=True)
    root = pki.Authority('Test Root CA (kiểm thử)')
    key, cert = root.issue('UBND thành phố Gia Nghĩa',
        'UBND thành phố Gia Nghĩa')
    (folder / 'trust-roots' / 'test-root.pem').write_bytes(root.pem)
    if password:
        bundle = pki.pkcs12_bundle(key, cert, root, password)
    else:
        from cryptography.hazmat.primitives.serialization import (
            NoEncryption, pkcs12)
        bundle = pkcs12.serialize_key_and_certificates(
            b'agency', key, cert, [root.cert], NoEncryption())
    (folder / 'agency.p12').write_bytes(bundle)


def at_approval(database, email):
    """A birth registration of email's account at its approval step, its
    result (a PDF) attached, unsigned: prints {code, document}."""
    from tests.portal_seed import seed
    from tests.test_postal_webhook import _start
    seed(database)
    pool = _start(database)
    from gov_signature.tests.pki import minimal_pdf
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        Procedure = pool.get('gov.procedure')
        WebUser = pool.get('web.user')
        Agency = pool.get('gov.agency')
        birth, = Procedure.search([('code', '=', BIRTH)])
        desk, = Agency.search([('code', '=', '000.30.21.H16')])
        web_user, = WebUser.search([('email', '=', email)])
        dossier, = Dossier.create([{
                    'procedure': birth.id, 'agency': desk.id,
                    'channel': 'online', 'web_user': web_user.id,
                    'applicant_kind': 'citizen', 'applicant_name': NAME,
                    'applicant_id_number': ID_NUMBER,
                    'return_method': 'online',
                    'form_data': {'child_name': 'Nguyễn Minh An',
                        'child_birth_date': dt.date(2026, 11, 20),
                        'child_sex': 'female', 'birth_place': 'Gia Nghĩa'},
                    'documents': [('create', [{'kind': 'component',
                                    'component': c.id, 'name': 'don.pdf',
                                    'data': minimal_pdf('Giay chung sinh')}
                                for c in birth.components
                                if c.mandatory and not c.replaced_by_eform])],
                    }])
        Dossier.submit([dossier])
        for method in ['receive', 'process', 'forward']:
            getattr(Dossier, method)([Dossier(dossier.id)])
        result, = Document.create([{'dossier': dossier.id, 'kind': 'result',
                    'name': 'giay-khai-sinh.pdf',
                    'data': minimal_pdf('Ket qua: Giay khai sinh')}])
        print(json.dumps({'code': dossier.code, 'document': result.id}))
        Transaction().commit()


def run(server, function, *args):
    process = subprocess.run([sys.executable, '-c',
            'import sys; from tests.test_portal_signature import '
            f'{function}; {function}(*sys.argv[1:])', *args],
        env=server.env, cwd=ROOT, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def upload(page, data, name='ket-qua.pdf'):
    page.set_input_files('#f-tep', files=[{'name': name,
                'mimeType': 'application/pdf', 'buffer': data}])
    page.click('form.card button[type=submit]')
    page.wait_for_selector('#verdict')
    return page.get_attribute('#verdict', 'data-verdict')


def test_leader_signs_lan_downloads_anyone_verifies(desktop, portal):
    "R-RES-3, R-RES-1, R-SEC-3, R-SEC-1, R-SEC-2: the leader signs the result from sao (RPC); the citizen downloads it from Kho kết quả, another citizen cannot; /xac-thuc says valid, with the agency and the codes but not her name; a flipped byte says broken; the QR page says the stored result is valid, then annulled"
    page = desktop
    install_test_pki(portal)
    citizen = Client(portal).register(EMAIL, NAME, ID_NUMBER)
    prepared = run(portal, 'at_approval', portal.database, EMAIL)
    code, document = prepared['code'], prepared['document']

    # The leader signs from sao, then approves: the result is ready.
    session, _ = portal.login('lanhdao', 'dvc@2026')
    signed = portal.rpc('model.gov.dossier.document.sign',
        [[document], {}], session=session)
    assert 'error' not in signed, signed
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    approved = portal.rpc('model.gov.dossier.approve', [ids, {}],
        session=session)
    assert 'error' not in approved, approved
    state = portal.rpc('model.gov.dossier.read', [ids, ['state'], {}],
        session=session)['result'][0]['state']
    assert state == 'result_ready', state

    # Her result store, from the menu.
    page.context.add_cookies([{'name': k, 'value': v, 'url': portal.url}
            for k, v in citizen.cookies.items()])
    page.goto('/ho-so')
    page.click('a[href="/kho-ket-qua"]')
    store = page.inner_text('#store-results')
    assert f'{code}-KQ1' in store, store
    check_page(page, 'signature-store')
    link = page.locator('#store-results a', has_text='giay-khai-sinh.pdf')
    response = page.request.get(link.get_attribute('href'))
    assert response.ok
    data = response.body()
    assert data.startswith(b'%PDF') and b'/ETSI.CAdES.detached' in data
    token_link = page.locator('#store-results a[href^="/xac-thuc/"]')
    token_path = token_link.get_attribute('href')
    # Another citizen sees nothing of it.
    other = Client(portal).register('khac.ky.so@example.com',
        'Trần Văn Khác', '067090004321')
    status, _, body = other.get('/kho-ket-qua')
    assert status == 200 and code not in body
    status, _, _ = other.get(link.get_attribute('href'))
    assert status == 404, status

    # Anyone verifies it, signed out.
    page.context.clear_cookies()
    page.goto('/xac-thuc')
    assert upload(page, data) == 'valid'
    text = page.inner_text('main')
    assert 'Chữ ký số hợp lệ' in text
    assert f'{code}-KQ1' in text and code in text
    assert 'Gia Nghĩa' in page.inner_text('#record-agency')
    assert 'trùng khớp từng byte' in page.inner_text('#match')
    assert NAME not in page.content() and ID_NUMBER not in page.content()
    check_page(page, 'signature-verify-valid')

    flipped = bytearray(data)
    flipped[data.index(b'Giay khai sinh')] ^= 0x01
    page.goto('/xac-thuc')
    assert upload(page, bytes(flipped)) == 'broken'
    assert 'Không hợp lệ' in page.inner_text('#verdict')
    check_page(page, 'signature-verify-broken')

    # The QR code's page: the stored result verified again.
    page.goto(token_path)
    assert page.get_attribute('#stored-verdict', 'data-verdict') == 'valid'
    assert f'{code}-KQ1' in page.inner_text('#record-code')
    assert NAME not in page.content()
    assert not page.locator('#record-revoked').count()

    # Annulled by the leader: the QR's page says so to anyone, not why.
    annulled = portal.rpc('model.gov.dossier.document.revoke_result',
        [[document], 'Ban hành nhầm cho Nguyễn Thị Lan', {}],
        session=session)
    assert 'error' not in annulled, annulled
    page.goto(token_path)
    assert 'hủy bỏ' in page.inner_text('#record-revoked')
    assert NAME not in page.content()
