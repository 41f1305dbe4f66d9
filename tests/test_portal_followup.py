"""After submission: the agency asks for a supplement, the public lookup
says what to add (without unit and appointment), the citizen uploads it
and the dossier goes back; then she withdraws it. The procedure page
counts the service's dossiers.

R-SUB-4, R-LOOK-2, R-LOOK-3, R-NOT-1, R-CAT-3."""
import re

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

    # Điều 16.2: the lookup shows what to supplement, no unit nor date.
    visitor = Client(portal, source='127.0.0.13')
    _, _, page = visitor.get(f'/tra-cuu?ma={code}')
    assert 'Cần bổ sung, sửa đổi hồ sơ' in page
    assert 'Ảnh giấy chứng sinh bị mờ' in page
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
