"""Anh Tuấn's steps (tests/test_journeys.py): the postal clerk enters his
construction permit in sao; he follows it on the portal without an
account."""
import re

from tests.journeys_helpers import (
    Sao, attach_files, fact, fill_applicant, fill_eform, local, new_dossier,
    new_page, pdf_pages, pdf_qr_codes, pdf_scan, pdf_text)


PERMIT = '1.009974'   # Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ


TUAN = {
    'name': 'Trần Văn Tuấn',
    'id_number': '067080009999',
    'phone': '0987000222',
    'address': 'Thôn 2, phường Nghĩa Trung, thành phố Gia Nghĩa',
    }


def postal_clerk_submits(browser, server, shot, expect):
    """The post office's clerk (buudien) enters the dossier in sao,
    attaches the scans, submits and prints the paper; its code, PIN and
    QR read back."""
    sao = Sao(browser, server, 'buudien', shot)
    try:
        sao.open_dossiers()
        new_dossier(sao)
        assert sao.value('channel') == 'Qua bưu chính'
        fill_applicant(sao, TUAN['name'], TUAN['id_number'], TUAN['phone'],
            TUAN['address'])
        sao.many2one('procedure', 'giấy phép xây dựng',
            'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ')
        # The agency that handles it for the citizen's area.
        assert sao.value('agency') == 'Ủy ban nhân dân thành phố Gia Nghĩa'
        sao.shot('postal-new-dossier')
        fill_eform(sao, {
                'dia_diem': 'Thôn 2, phường Nghĩa Trung',
                'thua_dat': 'Thửa 125, tờ bản đồ số 12',
                'dien_tich_dat': '120,5',        # the Vietnamese comma
                'dien_tich_xay_dung': '80,5',
                'so_tang': '3',
                'chieu_cao': '11,25',
                'don_vi_thiet_ke': 'Công ty TNHH Tư vấn Xây dựng Đắk Nông',
                })
        sao.shot('postal-eform')
        documents = attach_files(sao, [
                {'name': 'don-de-nghi-cap-giay-phep-xay-dung.pdf',
                    'mimeType': 'application/pdf',
                    'buffer': pdf_scan('DON DE NGHI CAP GIAY PHEP')},
                {'name': 'giay-to-quyen-su-dung-dat.pdf',
                    'mimeType': 'application/pdf',
                    'buffer': pdf_scan('GIAY CHUNG NHAN QSDD')},
                {'name': 'ban-ve-mat-bang-mat-dung-mat-cat.pdf',
                    'mimeType': 'application/pdf',
                    'buffer': pdf_scan('BAN VE THIET KE')},
                ])
        by_file = {row[4]: row[3] for row in documents if len(row) > 4}
        assert by_file['don-de-nghi-cap-giay-phep-xay-dung.pdf'].startswith(
            'Đơn đề nghị cấp giấy phép xây dựng')
        assert 'quyền sử dụng đất' in by_file['giay-to-quyen-su-dung-dat.pdf']
        assert by_file['ban-ve-mat-bang-mat-dung-mat-cat.pdf'].startswith(
            'Bản vẽ mặt bằng')
        sao.shot('postal-documents')
        sao.button('Nộp hồ sơ')
        sao.wait_value('state', 'Đã nộp')
        code = sao.value('code')
        assert re.fullmatch(r'000\.00\.21\.H16-\d{6}-\d{4}', code), code
        # The decimal commas were read as decimals (R-L10N-1).
        sao.notebook('Dữ liệu tờ khai điện tử')
        assert sao.page.locator('input[name=dien_tich_dat]:visible').first\
            .input_value() == '120,5'
        assert sao.page.locator('input[name=chieu_cao]:visible').first\
            .input_value() == '11,25'
        sao.shot('postal-submitted')
        receipt = sao.print_report('Giấy tiếp nhận')
        assert sao.errors == []
    finally:
        sao.close()
    shot.save('receipt.pdf', receipt)
    paper = pdf_text(receipt)
    assert code in paper and TUAN['name'] in paper
    # Not received yet: it says so, and promises no appointment date.
    assert 'chưa được tiếp nhận' in paper
    assert 'được hẹn khi cơ quan tiếp nhận hồ sơ' in paper
    assert '75.000 đồng' in paper and 'Bảy mươi lăm nghìn đồng' in paper
    assert 'NHÂN VIÊN BƯU CHÍNH' in paper
    pages = int(re.search(r'Pages:\s+(\d+)', pdf_pages(receipt)).group(1))
    expect(pages == 1, f'the postal receipt on one A4 page ({pages} '
        'pages: the signatures alone on the last one)')
    pin = re.search(r'Mã tra cứu \(PIN\):\s*(\d+)', paper).group(1)
    (qr,) = pdf_qr_codes(receipt, png=shot.folder / 'receipt-page1.png')
    assert f'/tra-cuu/{code}' in qr, qr
    return code, pin, qr


def tuan_follows_by_code(browser, server, shot, code, pin, qr):
    """At home, without an account: the lookup by code masks his name;
    the PIN of the paper shows it; the QR of the paper opens it."""
    page = new_page(browser, server, 360, phone=True)
    page.goto('/')
    page.fill('#ma', code)
    page.locator('#ma').press('Enter')
    page.wait_for_selector('text=Kết quả tra cứu')
    assert fact(page, 'Tình trạng') == 'Đã nộp, chờ tiếp nhận'
    assert fact(page, 'Cơ quan tiếp nhận') == \
        'Ủy ban nhân dân thành phố Gia Nghĩa'
    masked = fact(page, 'Người nộp hồ sơ')
    assert masked.startswith('Trần V** T**'), masked
    assert TUAN['name'] not in page.inner_text('main')
    shot(page, 'lookup-masked')
    page.fill('input[name=pin]', pin)
    page.locator('input[name=pin]').press('Enter')
    page.wait_for_selector(f'dd:has-text("{TUAN["name"]}")')
    assert fact(page, 'Người nộp hồ sơ') == TUAN['name']
    shot(page, 'lookup-with-pin')
    # The QR of the paper opens the dossier's page with the full name.
    page.goto(local(qr))
    assert fact(page, 'Mã hồ sơ') == code
    assert fact(page, 'Người nộp hồ sơ') == TUAN['name']
    shot(page, 'lookup-by-qr')
    assert page.errors == []
    page.context.close()
