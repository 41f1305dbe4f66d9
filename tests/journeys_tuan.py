"""Anh Tuấn's steps (tests/test_journeys.py): the postal clerk enters his
construction permit in sao; he follows it on the portal without an
account; the post brings him the result and collects the fee."""
import base64
import re
import subprocess
import sys

from tests.journeys_helpers import (
    PASSWORD, Sao, attach_files, fact, fill_applicant, fill_eform, local,
    new_dossier, new_page, pdf_pages, pdf_qr_codes, pdf_scan, pdf_text)
from tests.conftest import ROOT
from tests.test_attacks_access import ok
from tests.test_portal_postal import look_up, text
from tests.test_postal_webhook import control, run


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


def amount(value):
    "A Decimal read through JSON-RPC, in đồng."
    return int(float(value['decimal'] if isinstance(value, dict) else value))


def desk_receives_and_result_made(server, desk, code):
    """The desk (motcua) receives his dossier through RPC; the city's
    urban management unit, which has no demo officer, makes the result:
    as tests/portal_seed.py does it on the server. Returns its id."""
    (dossier_id,) = ok(server, desk, 'gov.dossier', 'search',
        [('code', '=', code)], 0, None, None)
    ok(server, desk, 'gov.dossier', 'receive', [dossier_id])
    subprocess.run([sys.executable, '-m', 'tests.portal_seed',
            server.database, '--result', code], env=server.env, cwd=ROOT,
        check=True, stdout=subprocess.DEVNULL)
    (dossier,) = ok(server, desk, 'gov.dossier', 'read', [dossier_id],
        ['state'])
    assert dossier['state'] == 'result_ready', dossier
    return dossier_id


def desk_hands_over(server, session, dossier_id):
    """The wizard "Hand Over to the Post" on his dossier, through RPC as
    the one-stop officer: the handover list, the shipment registered with
    the carrier (its tracking number), the list printed."""
    context = {'active_model': 'gov.dossier', 'active_id': dossier_id,
        'active_ids': [dossier_id]}
    wizard = 'wizard.gov.postal.handover.create'
    answer = server.rpc(wizard + '.create', [context], session)
    assert 'error' not in answer, answer
    wizard_id, start, _ = answer['result']
    answer = server.rpc(wizard + '.execute', [wizard_id, {}, start, context],
        session)
    assert answer['result']['view']['defaults']['count'] == 1, answer
    answer = server.rpc(wizard + '.execute', [wizard_id, {start: {
                    'count': 1, 'postal_staff': 'Nguyễn Văn Bưu',
                    'note': None}}, 'print_', context], session)
    assert 'error' not in answer, answer
    (_, data), = answer['result']['actions']
    server.rpc(wizard + '.delete', [wizard_id, context], session)
    assert data['model'] == 'gov.postal.handover'
    answer = server.rpc('report.gov.postal.handover.report.execute',
        [data['ids'], data, context], session)
    assert 'error' not in answer, answer
    kind, content, _, _ = answer['result']
    assert kind == 'pdf', kind
    if isinstance(content, dict):      # bytes over JSON-RPC
        content = base64.b64decode(content['base64'])
    return data['ids'][0], content


def tuan_receives_result_by_post(browser, server, shot, code, pin):
    """His dossier is received by the desk and its result made; due at
    the post within 24 working hours after that, until the desk hands it
    over (the handover list, the shipment registered with the carrier);
    the carrier picks it up and carries it (his lookup with the PIN:
    "Đang chuyển phát", the tracking number), delivers it and collects
    the fee: the lookup "Đã phát", the dossier returned at the delivery
    time, the fee paid cash on delivery."""
    desk = server.login('motcua', PASSWORD)[0]
    dossier_id = desk_receives_and_result_made(server, desk, code)

    # Ready, returned by post (his channel's default): due at the post,
    # not shipped yet.
    (dossier,) = ok(server, desk, 'gov.dossier', 'read', [dossier_id],
        ['postal_handover_due', 'shipments'])
    assert dossier['postal_handover_due'] and not dossier['shipments']
    due = ok(server, desk, 'gov.dossier', 'search',
        [('state', '=', 'result_ready'), ('postal_handover_due', '!=', None)],
        0, None, None)
    assert dossier_id in due

    handover_id, paper = desk_hands_over(server, desk, dossier_id)
    shot.save('handover.pdf', paper)
    (handover,) = ok(server, desk, 'gov.postal.handover', 'read',
        [handover_id], ['state', 'number', 'cod_total'])
    assert handover['state'] == 'handed', handover
    assert re.fullmatch(r'BG-\d{4}-\d{4}', handover['number']), handover
    (dossier,) = ok(server, desk, 'gov.dossier', 'read', [dossier_id],
        ['postal_handover_due', 'shipments', 'state'])
    assert dossier['postal_handover_due'] is None, dossier
    assert dossier['state'] == 'result_ready'
    (shipment,) = ok(server, desk, 'gov.postal.shipment', 'read',
        dossier['shipments'], ['tracking_number', 'cod_amount', 'charge',
            'state', 'handover', 'direction'])
    number = shipment['tracking_number']
    assert number and shipment['handover'] == handover_id, shipment
    assert (shipment['direction'], shipment['state']) == ('result',
        'requested')
    # The fee still owed and the post's charge, collected on delivery.
    cod, charge = (amount(shipment[n]) for n in ('cod_amount', 'charge'))
    assert charge > 0 and cod == 75000 + charge, shipment
    assert amount(handover['cod_total']) == cod, handover
    paper = pdf_text(paper)
    for value in (code[:18], number, TUAN['name'], handover['number'],
            'Nguyễn Văn Bưu', f'{cod:,}'.replace(',', '.') + ' đồng'):
        assert value in paper, value

    # The postman picks it up and carries it: his lookup, with the PIN.
    for status in ('picked_up', 'in_transit'):
        answer = control(server, number, status,
            location='Bưu cục Gia Nghĩa')
        assert answer['callback']['accepted'], answer
    page = new_page(browser, server, 360, phone=True)
    look_up(page, code, pin)
    status = text(page, '#postal-status')
    assert 'Đang chuyển phát' in status and number in status, status
    assert fact(page, 'Tình trạng') == 'Đã có kết quả'
    shot(page, 'lookup-on-its-way')

    # Delivered at his house, the fee collected.
    delivered = control(server, number, 'delivered',
        note='Đã phát cho người nhận', location='Thôn 2, phường Nghĩa Trung')
    assert delivered['callback']['accepted'], delivered
    look_up(page, code, pin)
    status = text(page, '#postal-status')
    assert 'Đã phát' in status and number in status, status
    assert fact(page, 'Tình trạng') == 'Đã trả kết quả'
    shot(page, 'lookup-delivered')
    assert page.errors == []
    page.context.close()

    facts = run(server, 'inspect', server.database, code)
    assert (facts['state'], facts['shipment']) == ('done', 'delivered')
    at = delivered['event']['at'].replace('T', ' ').rstrip('Z')
    assert facts['delivered_at'] == at == facts['returned_date'], facts
    done = [h for h in facts['history'] if h[1] == 'done']
    assert done and done[-1][2] == at, facts['history']
    payments = ok(server, desk, 'gov.fee.payment', 'search_read',
        [('dossier', '=', dossier_id), ('method', '=', 'postal')],
        0, None, None, ['amount', 'state'])
    assert [(amount(p['amount']), p['state']) for p in payments] == [
        (75000, 'paid')], payments
