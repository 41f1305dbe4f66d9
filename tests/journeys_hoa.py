"""Chị Hoa's steps (tests/test_journeys.py): the one-stop desk's inbox, a
supplement request, a walk-in dossier and its handover."""
import datetime as dt
import re

from tests.journeys_helpers import (
    DATE, add_working_days, attach_files, fact, fill_applicant, fill_eform,
    mail_text, new_dossier, new_page, pdf_pages, pdf_qr_codes, pdf_scan,
    pdf_text, png_photo, portal_login, shipped_days_off, text)


HOA_CITIZEN = {   # a demo citizen with a portal account (data_dossiers.py)
    'email': 'lan.nguyen@example.com', 'name': 'Nguyễn Thị Lan',
    'password': 'dvc@2026',
    }


WALK_IN = {
    'name': 'Phạm Thị Hương',
    'id_number': '067190005555',
    'phone': '0905777888',
    'address': 'Tổ 5, phường Nghĩa Tân, thành phố Gia Nghĩa',
    }


def hoa_reads_her_inbox(sao, expect):
    """New online dossiers, oldest first, with the time left; the
    oldest is the demo citizen's, submitted days ago."""
    sao.open_dossiers()
    count = sao.domain_tab('Hồ sơ mới')
    assert count and count >= 3, count
    header = sao.header()
    # At 1366 px the code, the submission date, the due date and the days
    # left are visible without scrolling.
    for title in ('Mã hồ sơ', 'Ngày nộp', 'Ngày hẹn trả', 'Còn lại'):
        assert title in header, header
    right = sao.page.locator('th:visible', has_text='Còn lại').first\
        .bounding_box()
    assert right['x'] + right['width'] <= 1366, right
    submitted = [dt.datetime.strptime(d, '%d/%m/%Y').date()
        for d in sao.column('Ngày nộp')]
    expect(submitted == sorted(submitted),
        'the new dossiers oldest first (Hồ sơ mới, column Ngày nộp): '
        f'{[d.isoformat() for d in submitted]}')
    left = sao.column('Còn lại')
    expect(all(left), 'the time left before each new dossier is late '
        f'(column Còn lại of Hồ sơ mới): {left}')
    sao.shot('inbox-new-dossiers')
    rows = [r for r in sao.rows() if 'Chứng thực bản sao' in ' '.join(r)
        and HOA_CITIZEN['name'] in r]
    assert rows, sao.rows()
    return next(c for c in rows[0] if c.startswith('000.'))


def hoa_requests_a_supplement(sao, code):
    """Checks the components, ticks the unreadable one, writes why."""
    sao.open(code)
    sao.notebook('Thành phần hồ sơ')
    assert len(sao.rows()) == 2
    sao.shot('components-checked')
    sao.button('Yêu cầu bổ sung')
    dialog = sao.dialog()
    dialog.get_by_text('Lý do', exact=True).last.wait_for()
    dialog.locator('button[title="Thêm"]:visible').click()
    search = sao.dialog()
    search.get_by_text('Tìm kiếm Thành phần hồ sơ').wait_for()
    row = search.locator('tbody tr', has_text='Bản sao cần chứng thực')
    row.locator('input[type=checkbox]').first.check()
    sao.shot('supplement-tick-component')
    sao.dialog_button('Đồng ý')
    search.get_by_text('Tìm kiếm Thành phần hồ sơ').wait_for(state='detached')
    dialog = sao.dialog()
    # sao reads the added component's name after the search closes: wait
    # for it (it fails if the component never shows in the list).
    dialog.get_by_text('Bản sao cần chứng thực').first.wait_for()
    assert 'Bản sao cần chứng thực' in dialog.inner_text()
    sao.type_in(dialog.locator('textarea:visible').last,
        'Bản sao cần chứng thực chụp bị mờ, không đọc được số giấy tờ; '
        'đề nghị chụp lại rõ nét.')
    sao.shot('supplement-reason')
    sao.dialog_button('Yêu cầu bổ sung')
    sao.wait_dialog_closed()
    sao.wait_value('state', 'Yêu cầu bổ sung')
    # The clock does not run while the dossier waits for the citizen.
    assert sao.value('due_date') == ''
    assert sao.value('received_date') == ''
    sao.shot('supplement-requested')


def citizen_told_of_the_supplement(browser, server, shot, code):
    "E-mail, portal inbox, the follow page's top, the public lookup."
    message = server.mails.wait_for(HOA_CITIZEN['email'],
        f'{code}: cần bổ sung')
    assert 'chụp bị mờ' in mail_text(message)
    page = new_page(browser, server, 1280)
    try:
        portal_login(page, HOA_CITIZEN['email'], HOA_CITIZEN['password'])
        page.goto('/thong-bao')
        inbox = text(page.inner_text('#inbox'))
        assert code in inbox and 'cần bổ sung' in inbox
        shot(page, 'citizen-inbox-supplement')
        page.goto(f'/ho-so/{code}')
        sections = page.evaluate(
            "[...document.querySelectorAll('main section')].map(s => s.id)")
        assert sections[0] == 'supplement', sections
        top = text(page.inner_text('#supplement'))
        assert 'chụp bị mờ' in top and 'Bản sao cần chứng thực' in top
        assert page.inner_text('#dossier-state') == \
            'Cần bổ sung, sửa đổi hồ sơ'
        shot(page, 'citizen-follow-supplement')
        page.goto(f'/tra-cuu?ma={code}')
        # No appointment while the dossier is incomplete (R-LOOK-2).
        assert fact(page, 'Ngày hẹn trả kết quả') is None
        assert 'Bản sao cần chứng thực' in page.inner_text('main')
        shot(page, 'public-lookup-supplement')
    finally:
        page.context.close()


def hoa_receives_a_walk_in(sao, expect):
    """A walk-in citizen: the desk dossier, the scans, received, the
    receipt with the appointment date the calendar gives."""
    sao.open_dossiers()
    new_dossier(sao)
    assert sao.value('channel') == 'Trực tiếp tại Bộ phận Một cửa'
    fill_applicant(sao, WALK_IN['name'], WALK_IN['id_number'],
        WALK_IN['phone'], WALK_IN['address'])
    sao.many2one('procedure', 'hộ kinh doanh',
        'Đăng ký thành lập hộ kinh doanh')
    fill_eform(sao, {
            'ten_ho_kinh_doanh': 'Hộ kinh doanh Cà phê Hương Rừng',
            'dia_diem': 'Số 12 đường 23/3, phường Nghĩa Tân',
            'nganh_nghe': 'Kinh doanh đồ uống (cà phê)',
            'von_kinh_doanh': '150.000.000',
            'so_lao_dong': '3',
            })
    sao.shot('walk-in-eform')
    attach_files(sao, [
            {'name': 'giay-de-nghi-dang-ky-ho-kinh-doanh.pdf',
                'mimeType': 'application/pdf',
                'buffer': pdf_scan('GIAY DE NGHI DANG KY HKD')},
            {'name': 'ban-sao-cccd-chu-ho-kinh-doanh.png',
                'mimeType': 'image/png',
                'buffer': png_photo('CCCD - PHAM THI HUONG')},
            ])
    sao.button('Tiếp nhận')
    sao.wait_value('state', 'Đã tiếp nhận')
    code = sao.value('code')
    due = sao.value('due_date')
    sao.notebook('Dữ liệu tờ khai điện tử')
    # 150.000.000 typed the Vietnamese way is 150 million.
    assert sao.page.locator('input[name=von_kinh_doanh]:visible').first\
        .input_value() == '150.000.000'
    sao.shot('walk-in-received')
    receipt = sao.print_report('Giấy tiếp nhận hồ sơ')
    sao.shots.save('walk-in-receipt.pdf', receipt)
    paper = pdf_text(receipt)
    assert 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ' in paper
    assert 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' in paper
    assert code in paper and WALK_IN['name'] in paper
    received = re.search(r'Thời gian nhận hồ sơ: (\d+) giờ (\d+) phút, '
        r'ngày (\d\d/\d\d/\d{4})', paper)
    moment = dt.datetime.strptime(
        f'{received.group(3)} {received.group(1)}:{received.group(2)}',
        '%d/%m/%Y %H:%M')
    appointment = re.search(r'Thời gian trả kết quả giải quyết hồ sơ: '
        r'ngày (\d\d/\d\d/\d{4})', paper).group(1)
    assert appointment == due
    # Skipping weekends and holidays as the calendar says (R-PROC-2).
    expected = add_working_days(moment, 3, shipped_days_off())
    assert appointment == expected.strftime('%d/%m/%Y'), (
        moment, appointment, expected)
    (qr,) = pdf_qr_codes(receipt,
        png=sao.shots.folder / 'walk-in-receipt-page1.png')
    assert f'/tra-cuu/{code}' in qr
    pages = int(re.search(r'Pages:\s+(\d+)', pdf_pages(receipt)).group(1))
    expect(pages == 1, f'the receipt of a desk dossier on one A4 page '
        f'({pages} pages)')
    return code


def hoa_hands_over(sao, code, expect):
    """The received dossier goes to the specialist unit: assigned to a
    named specialist, the handover in the history, the step deadline in
    the steps and on the process control slip."""
    sao.notebook('Đang xử lý')
    assert 'Phòng Tài nguyên và Môi trường' in sao.value('current_unit')
    steps = sao.rows()
    specialist_step = next(r for r in steps if 'thẩm định' in ' '.join(r))
    deadline = next(c for c in specialist_step if DATE.fullmatch(c))
    sao.button('Giao xử lý')
    dialog = sao.dialog()
    dialog.get_by_text('Chuyên viên:').wait_for()
    sao.many2one('assignee', 'Minh', 'Lê Văn Minh', scope=dialog)
    sao.shot('assign-to-specialist')
    sao.dialog_button('Giao xử lý')
    sao.wait_dialog_closed()
    sao.notebook('Đang xử lý')
    assert sao.value('assignee') == 'Lê Văn Minh'
    sao.shot('handed-over-steps')
    sao.notebook('Lịch sử xử lý')
    history = [' '.join(r) for r in sao.rows()]
    assert any('Giao xử lý' in r and 'Lê Văn Minh' in r for r in history), \
        history
    sao.shot('handed-over-history')
    slip = sao.print_report('Phiếu kiểm soát')
    sao.shots.save('control-slip.pdf', slip)
    paper = pdf_text(slip)
    assert 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ' in paper
    assert code in paper
    expect('Phòng Tài nguyên' in paper and deadline in paper,
        'the handover to the specialist unit and its step deadline '
        f'({deadline}) on the process control slip, once received and '
        'assigned (only steps already started are printed today)')
    pdf_qr_codes(slip, png=sao.shots.folder / 'control-slip-page1.png')
