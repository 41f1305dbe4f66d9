"""The citizen's birth date in her profile pre-fills the eForm fields the
administrator marked as hers, and only those (R-SUB-8), over HTTP against
the live server with the demo procedures as shipped (1.004873, Cấp Giấy
xác nhận tình trạng hôn nhân: its "Họ, chữ đệm và tên người được xác
nhận" and "Ngày sinh" are marked in data/procedure_form_fields.csv)."""
import json
import re

from tests.portal_fixtures import Client
from tests.portal_seed import BIRTH
from tests.test_portal_sso import field

# Born in 1988 (digits 5-6 of the number), female, Đắk Nông.
HA = ('ha.ngay.sinh@example.com', 'Phạm Thu Hà', '067188004321')
MARITAL = '1.004873'
accounts = {}


def ha(portal):
    if not accounts:
        accounts['ha'] = Client(portal).register(*HA)
    return accounts['ha']


def profile(birth_date, **extra):
    return {'full_name': HA[1], 'identification_number': HA[2],
        'birth_date': birth_date, 'phone': '0987654321',
        'address': 'Tổ 2, phường Nghĩa Thành, Gia Nghĩa', **extra}


def field_error(page, name):
    match = re.search(r'<p class="error-text" id="e-%s">([^<]+)</p>' % name,
        page)
    return match.group(1) if match else None


def test_birth_date_checked_against_the_number_and_kept_when_refused(
        portal):
    "R-SUB-8, R-SEC-1: a birth date the number contradicts, in the future or that does not exist is refused next to its field and what she typed stays in the form; a right one is saved"
    client = ha(portal)
    for typed, says in [('05/03/1990', '1988'), ('30/02/1988', '29 ngày'),
            ('05/03/2999', 'tương lai'), ('ngày mai', 'ngày/tháng/năm')]:
        status, _, page = client.post('/tai-khoan',
            profile(typed, address='Địa chỉ đang gõ'))
        assert status == 200
        error = field_error(page, 'birth_date')
        assert error and says in error, (typed, error)
        # Nothing she typed is lost, nothing is saved.
        assert field(page, 'birth_date') == typed
        assert field(page, 'address') == 'Địa chỉ đang gõ'
        _, _, page = client.get('/tai-khoan')
        assert field(page, 'birth_date') == ''
        assert field(page, 'address') == 'Gia Nghĩa'
    status, _, page = client.post('/tai-khoan', profile('5/3/1988'))
    assert status == 200 and field_error(page, 'birth_date') is None
    _, _, page = client.get('/tai-khoan')
    assert field(page, 'birth_date') == '05/03/1988'
    # Her data as she can download it has it too (R-SEC-5).
    _, _, data = client.get('/tai-khoan/du-lieu.json')
    assert json.loads(data)['profile'][0]['birth_date'] == '1988-03-05'


def test_marked_fields_are_prefilled_others_are_not(portal):
    "R-SUB-8: a new form starts with her name and birth date in the fields marked as hers; the child's birth date of a birth registration stays empty"
    client = ha(portal)
    client.post('/tai-khoan', profile('05/03/1988'))
    status, _, page = client.get(f'/nop-ho-so/{MARITAL}')
    assert status == 200, page
    assert field(page, 'f_ngay_sinh') == '05/03/1988'
    assert field(page, 'f_ho_ten') == HA[1]
    # Not marked: the purpose of the certificate is hers to write.
    assert field(page, 'f_muc_dich') == ''
    status, _, page = client.get(f'/nop-ho-so/{BIRTH}')
    assert status == 200
    assert field(page, 'f_child_birth_date') == ''
    assert field(page, 'applicant_name') == HA[1]
