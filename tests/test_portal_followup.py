"""After submission: the agency asks for a supplement, the public lookup
says what to add (without unit and appointment), the citizen uploads it
and the dossier goes back; then she withdraws it. The procedure page
counts the service's dossiers.

R-SUB-4, R-LOOK-2, R-LOOK-3, R-NOT-1, R-CAT-3."""
import re

import pytest

from tests.portal_fixtures import Client
from tests.portal_seed import BIRTH
from tests.test_portal_attacks import PDF, PNG, submit_dossier


def test_supplement_lookup_and_withdraw(portal):
    "R-SUB-4, R-LOOK-2: supplement requested, shown, uploaded; withdraw"
    citizen = Client(portal).register(
        'hoa.bosung@example.com', 'Phạm Thị Hòa', '066185003333')
    (status, headers, _), components = submit_dossier(citizen, extra={
            'applicant_name': 'Phạm Thị Hòa',
            'applicant_id_number': '066185003333'})
    assert status == 303
    code = re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    component = int(components[1][1:])
    result = portal.rpc('model.gov.dossier.request_supplement',
        [ids, 'Ảnh giấy chứng sinh bị mờ, vui lòng chụp lại.', [component],
            {}], session=session)
    assert 'error' not in result, result

    # Điều 16.2: the lookup shows what to supplement, no unit nor date;
    # a stranger reads the component, not the officer's words (R-SEC-2).
    visitor = Client(portal, source='127.0.0.13')
    _, _, page = visitor.get(f'/tra-cuu?ma={code}')
    assert 'Cần bổ sung, sửa đổi hồ sơ' in page
    assert 'Ảnh giấy chứng sinh bị mờ' not in page
    assert 'Giấy chứng sinh' in page
    assert 'Ngày hẹn trả kết quả' not in page
    assert 'Đơn vị đang xử lý' not in page
    assert 'Phạm T** H**' in page

    _, _, page = citizen.get(f'/ho-so/{code}')
    assert 'Ảnh giấy chứng sinh bị mờ' in page
    assert f'name="s{component}"' in page
    status, _, page = citizen.post(f'/ho-so/{code}/bo-sung', {},
        files={f's{component}': ('chung-sinh-moi.png', PNG)},
        form_path=f'/ho-so/{code}')
    assert status == 200, page
    assert 'Đã gửi hồ sơ bổ sung' in page
    assert 'Đã nộp, chờ tiếp nhận' in page
    assert 'chung-sinh-moi.png' in page

    status, _, page = citizen.post(f'/ho-so/{code}/rut', {'reason': ''},
        form_path=f'/ho-so/{code}')
    assert status == 400 and 'lý do rút hồ sơ' in page
    status, _, page = citizen.post(f'/ho-so/{code}/rut',
        {'reason': 'Nộp nhầm thủ tục'}, form_path=f'/ho-so/{code}')
    assert status == 200 and 'Đã rút hồ sơ' in page
    _, _, page = visitor.get(f'/tra-cuu?ma={code}')
    assert 'Đã rút hồ sơ' in page

    # R-CAT-3: the service's counts on the procedure page.
    _, _, page = visitor.get(f'/thu-tuc/{BIRTH}')
    received = int(re.search(
            r'<strong>(\d+)</strong>hồ sơ đã tiếp nhận', page).group(1))
    assert received >= 1
    for label in ('giải quyết trước hạn', 'đúng hạn', 'quá hạn'):
        assert label in page


def test_draft_saved_and_resumed(portal):
    "R-SUB-1: save a draft, come back to it, nothing lost"
    citizen = Client(portal).register(
        'nhap.luu@example.com', 'Vũ Văn Nam', '066095004444')
    (status, _, page), components = submit_dossier(citizen, extra={
            'action': 'draft', 'applicant_name': 'Vũ Văn Nam',
            'applicant_id_number': '066095004444',
            'f_child_birth_date': '', 'f_child_name': 'Vũ Minh Khôi'},
        files={})
    assert status == 200 and 'Đã lưu bản nháp' in page
    _, _, page = citizen.get('/ho-so')
    assert 'Bản nháp' in page
    link = re.search(rf'/nop-ho-so/{re.escape(BIRTH)}\?nhap=\d+', page
        ).group(0)
    _, _, page = citizen.get(link)
    assert 'value="Vũ Minh Khôi"' in page
    assert 'name="draft"' in page
    # Another citizen cannot open the draft.
    other = Client(portal).register(
        'nhap.khac@example.com', 'Đỗ Văn Tư', '066095005555')
    status, _, _ = other.get(link)
    assert status == 404


def test_receipt_pdf_once_received(portal):
    "R-SUB-5, R-RES-1: the official receipt (PDF) after the agency received"
    citizen = Client(portal).register(
        'bien.nhan@example.com', 'Hà Thị Mai', '066192006666')
    (status, headers, _), _ = submit_dossier(citizen, extra={
            'applicant_name': 'Hà Thị Mai',
            'applicant_id_number': '066192006666'})
    code = re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)
    status, headers, page = citizen.get(f'/ho-so/{code}/bien-nhan')
    assert status == 200 and 'Giấy xác nhận nộp hồ sơ trực tuyến' in page
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    assert 'error' not in portal.rpc('model.gov.dossier.receive',
        [ids, {}], session=session)
    status, headers, content = citizen.get(f'/ho-so/{code}/bien-nhan')
    assert status == 200
    session, _ = portal.login('admin', 'admin@2026')
    if not portal.rpc('model.ir.action.report.search',
            [[('report_name', '=', 'gov.dossier.receipt')], 0, None, None,
                {}], session=session)['result']:
        pytest.skip('gov_dossier does not register its receipt report yet')
    assert content[:5] == b'%PDF-'
    assert 'attachment' in headers['Content-Disposition']


def test_electronic_result_downloaded(portal):
    """R-RES-1, R-SEC-1: the signed electronic result is downloaded from
    the portal; the officers' draft result is not"""
    import subprocess
    import sys
    citizen = Client(portal).register(
        'ket.qua@example.com', 'Đinh Văn Lực', '066091009999')
    stranger = Client(portal).register(
        'nguoi.la@example.com', 'Tạ Văn Lạ', '066091001010')
    (status, headers, _), _ = submit_dossier(citizen, extra={
            'applicant_name': 'Đinh Văn Lực',
            'applicant_id_number': '066091009999'})
    code = re.search(r'/ho-so/([^/]+)/da-nop', headers['Location']).group(1)
    session, _ = portal.login('motcua', 'dvc@2026')
    ids = portal.rpc('model.gov.dossier.search',
        [[('code', '=', code)], 0, None, None, {}], session=session)['result']
    assert 'error' not in portal.rpc('model.gov.dossier.receive',
        [ids, {}], session=session)
    subprocess.run([sys.executable, '-m', 'tests.portal_seed',
            portal.database, '--result', code], env=portal.env, check=True,
        stdout=subprocess.DEVNULL)
    _, _, page = citizen.get(f'/ho-so/{code}')
    assert 'Đã có kết quả' in page and 'Kết quả điện tử' in page
    link = re.search(
        rf'/ho-so/{re.escape(code)}/tep/\d+(?=">giay-khai-sinh.pdf)',
        page).group(0)
    status, headers, content = citizen.get(link)
    assert status == 200 and content.startswith(b'%PDF-')
    assert 'giay-khai-sinh.pdf' in headers['Content-Disposition']
    status, _, _ = stranger.get(link)
    assert status == 404
    # The officers' draft of the result (made just before it) is neither
    # listed nor served to her, even by its number.
    assert 'du-thao-noi-bo.pdf' not in page
    draft = link.rsplit('/', 1)[0] + '/%d' % (int(link.rsplit('/', 1)[1]) - 1)
    status, _, _ = citizen.get(draft)
    assert status == 404


def test_password_reset_and_log_out(portal):
    "R-AG-4: forgotten password by e-mail; log out ends the session"
    email = 'quen.matkhau@example.com'
    citizen = Client(portal).register(email, 'Lý Văn Tâm', '066080007777')
    status, _, _ = citizen.get('/ho-so')
    assert status == 200
    status, headers, _ = citizen.post('/dang-xuat', {}, form_path='/ho-so')
    assert status == 303
    status, headers, _ = citizen.get('/ho-so')
    assert status == 302 and '/dang-nhap' in headers['Location']
    stranger = Client(portal)
    _, _, page = stranger.post('/quen-mat-khau', {'email': email})
    assert 'Kiểm tra hộp thư' in page
    message = portal.mails.wait_for(email, 'Đặt lại mật khẩu')
    text = message.get_body(preferencelist=('plain',)).get_content()
    link = re.search(r'/dat-lai-mat-khau\?\S+', text).group(0)
    token = re.search(r'token=(\w+)', link).group(1)
    _, _, page = stranger.post('/dat-lai-mat-khau', {
            'email': email, 'token': token, 'password': 'Moi-mat-khau-9',
            'password_confirm': 'Moi-mat-khau-9'}, form_path=link)
    assert 'Đã đặt mật khẩu mới' in page
    status, headers, page = stranger.post('/dang-nhap', {
            'email': email, 'password': 'Mat-khau-2026'})
    assert status == 200 and 'không đúng' in page
    status, headers, _ = stranger.post('/dang-nhap', {
            'email': email, 'password': 'Moi-mat-khau-9'})
    assert status == 303
    # An unknown address gets the same answer (no account enumeration).
    _, _, page = Client(portal).post('/quen-mat-khau',
        {'email': 'khong.co@example.com'})
    assert 'Nếu khong.co@example.com là e-mail của một tài khoản' in page


def test_login_throttled_with_a_clear_message(portal):
    "R-AG-4: after too many wrong passwords the log-in waits, said so"
    import subprocess
    import sys
    email = 'bi.khoa@example.com'
    citizen = Client(portal).register(email, 'Mai Văn Khoa', '066088008888')
    citizen.post('/dang-xuat', {}, form_path='/ho-so')
    subprocess.run([sys.executable, '-m', 'tests.portal_seed',
            portal.database, '--throttle', email], env=portal.env,
        check=True, stdout=subprocess.DEVNULL)
    status, _, page = Client(portal).post('/dang-nhap', {
            'email': email, 'password': 'Mat-khau-2026'})
    assert status == 200
    assert 'nhập sai quá nhiều lần' in page and 'phút' in page
