"""Anh Minh's and Bà Thu's steps (tests/test_journeys.py): deadlines,
processing, the apology letter, approval."""
import datetime as dt

from tests.journeys_helpers import (
    DATE, leader_signs_the_result, list_rows, pdf_qr_codes, pdf_scan,
    pdf_text, vietnam_today)


def deadlines_make_sense(sao, expect, who):
    """The officer's "Processing" tab sorted by due date; the overdue
    and due-soon tabs list what their names say, in red and amber."""
    sao.domain_tab('Đang xử lý')
    due = [dt.datetime.strptime(d, '%d/%m/%Y').date()
        for d in sao.column('Ngày hẹn trả') if d]
    assert due and due == sorted(due), due
    sao.shot(f'{who}-processing-by-due-date')
    count = sao.domain_tab('Quá hạn')
    assert count >= 1, count
    header = sao.header()
    left = header.index('Còn lại')
    for row in list_rows(sao):
        assert int(row['cells'][left]) < 0, row
        assert 'danger' in row['visual'].split(), row   # red
    sao.shot(f'{who}-overdue')
    count = sao.domain_tab('Đến hạn trong 1 ngày')
    for row in list_rows(sao):
        assert 'warning' in row['visual'].split(), row
        days = int(row['cells'][left])
        expect(0 <= days <= 1, f'{who}: a dossier of "Đến hạn trong 1 '
            f'ngày" shows "Còn lại {days}" ({row["cells"][2]}, today '
            f'{vietnam_today():%A %d/%m/%Y}): the tab and the count of '
            'working days disagree on weekends and holidays')
    sao.shot(f'{who}-due-soon')
    return count


def specialist_processes(sao, code):
    """Minh starts the step and forwards it to his head of unit with his
    opinion and the draft result."""
    sao.domain_tab('Đang xử lý')
    sao.open(code)
    sao.button('Bắt đầu xử lý')
    sao.wait_value('state', 'Đang xử lý')
    sao.notebook('Đang xử lý')
    assert 'thẩm định' in sao.value('current_step')
    sao.shot('minh-started')
    sao.button('Chuyển bước tiếp')
    dialog = sao.dialog()
    dialog.get_by_text('Bước tiếp theo:').wait_for()
    assert 'phê duyệt' in dialog.locator('[name=next_step]').input_value()
    sao.type_in(dialog.locator('textarea'), 'Đủ điều kiện đăng ký hộ kinh '
        'doanh. Trình trưởng phòng phê duyệt dự thảo Giấy chứng nhận.')
    dialog.locator('input[type=file]').set_input_files(files=[{
                'name': 'du-thao-giay-chung-nhan-hkd.pdf',
                'mimeType': 'application/pdf',
                'buffer': pdf_scan('DU THAO GCN DANG KY HKD')}])
    sao.shot('minh-forwards-to-head')
    sao.dialog_button('Chuyển bước tiếp')
    sao.wait_dialog_closed()
    sao.notebook('Đang xử lý')
    assert 'phê duyệt' in sao.value('current_step')
    sao.shot('minh-forwarded')


def head_prints_an_apology(sao, shot):
    """Bà Thu prepares the apology letter of her unit's late dossier, with
    a new appointment date, for the leader's signature (R-PROC-4)."""
    sao.domain_tab('Quá hạn')
    code = sao.column('Mã hồ sơ')[0]
    sao.open(code)
    original = sao.value('due_date')
    sao.page.locator('button[title="In báo cáo"]:visible').click()
    sao.page.locator('ul.dropdown-menu:visible a', has_text='Phiếu xin lỗi')\
        .first.click()
    dialog = sao.dialog()
    dialog.get_by_text('Ngày hẹn trả kết quả mới:').wait_for()
    new_date = dialog.locator('input[name=new_due_date]').input_value()
    assert DATE.fullmatch(new_date), new_date
    sao.type_in(dialog.locator('textarea'), 'Chờ ý kiến thẩm định của cơ '
        'quan công an về điều kiện an ninh trật tự.')
    sao.shot('thu-apology-wizard')
    with sao.page.expect_download(timeout=60000) as info:
        sao.dialog_button('In')
    letter = open(info.value.path(), 'rb').read()
    sao.wait_dialog_closed()
    shot.save('apology-letter.pdf', letter)
    paper = pdf_text(letter)
    assert 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ' in paper.upper()
    assert code in paper and original in paper and new_date in paper
    assert 'Chờ ý kiến thẩm định' in paper
    pdf_qr_codes(letter, png=shot.folder / 'apology-letter-page1.png')
    return code, new_date


def pick_waiting_dossier(sao):
    """A demo dossier of Minh's unit, received and waiting for him (the
    business household of Vũ Đức Anh, data_dossiers.py)."""
    sao.domain_tab('Đang xử lý')
    rows = [r for r in sao.rows() if 'Đăng ký thành lập hộ kinh doanh' in r
        and 'Vũ Đức Anh' in r and 'Đã tiếp nhận' in r]
    assert rows, sao.rows()
    return next(c for c in rows[0] if c.startswith('000.'))


def head_approves(sao, code):
    "Bà Thu reads Minh's opinion and draft, approves: the leader's turn."
    sao.back_to_list()
    sao.domain_tab('Đang xử lý')
    sao.open(code)
    sao.notebook('Đang xử lý')
    assert 'Trình trưởng phòng phê duyệt' in sao.value('previous_opinion')
    assert 'du-thao-giay-chung-nhan-hkd.pdf' in sao.page.inner_text('body')
    assert 'PHÊ DUYỆT' in sao.form_buttons()
    sao.shot('thu-reads-opinion')
    sao.button('Phê duyệt')
    sao.page.wait_for_function(
        """() => [...document.querySelectorAll('[name=current_step]')]
            .some(e => e.offsetParent !== null
                && e.value.includes('Lãnh đạo UBND'))""")
    assert sao.value('state') == 'Đang xử lý'
    # Approved, the dossier is the leader's: no button of hers left.
    assert 'PHÊ DUYỆT' not in sao.form_buttons()
    sao.shot('thu-approved')


def leader_signs(sao, shot, code):
    """The leader approves the last step: the result is ready; every
    handover is in the history and on the process control slip."""
    sao.open_dossiers()
    sao.domain_tab('Đang xử lý')
    sao.open(code)
    leader_signs_the_result(sao, code, 'ket-qua.pdf', 'Ket qua giai quyet')
    sao.button('Phê duyệt')
    sao.wait_value('state', 'Có kết quả')
    sao.notebook('Lịch sử xử lý')
    history = [' '.join(r) for r in sao.rows()]
    for who in OFFICERS:
        assert any(who in r for r in history), (who, history)
    sao.shot('leader-signed-result-ready')
    slip = sao.print_report('Phiếu kiểm soát')
    shot.save('control-slip.pdf', slip)
    paper = pdf_text(slip)
    assert code in paper
    for who in OFFICERS:
        assert who in paper, who
    assert 'Phòng Tài nguyên và' in paper
    pdf_qr_codes(slip, png=shot.folder / 'control-slip-page1.png')


OFFICERS = ('Lê Văn Minh', 'Phạm Thị Thu', 'Hoàng Văn Bình')
