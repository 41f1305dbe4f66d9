"""Chị Lan rates the service once her result is returned (JOURNEYS, "Chị
Lan" step 5; R-RATE-1, R-RATE-2), in Chromium against the live server:

- her dossier of the test permit, returned (prepared in the database as
  tests/test_postal_webhook.py does), shows "Đánh giá mức độ hài lòng" in
  "Hồ sơ của tôi";
- a form sent without the overall level comes back with the message, in
  Vietnamese, and what she typed kept;
- her rating is saved, shown with until when she may change it, her
  comment (holding "<script>") shown as text, never run;
- the procedure page's published results count it; the public page
  /danh-gia too, without any comment.
"""
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal

from tests.portal_fixtures import ROOT, Client, check_page
from tests.test_postal_webhook import _start

PERMIT = 'TEST.XD.01'
EMAIL = 'lan.danh.gia@example.com'
COMMENT = 'Rất nhanh <script>document.title="hacked"</script> cảm ơn'


def finished_dossier(database, email):
    """A dossier of the permit submitted online by the account of email,
    its fee paid and its result returned: prints {code, pin}."""
    from tests.portal_seed import seed
    seed(database)
    pool = _start(database)
    from trytond.transaction import Transaction, TransactionError
    # The receipt book is locked: the transaction starts again with the
    # lock it asks for, as the RPC dispatcher does.
    extras = {}
    for _ in range(3):
        try:
            return _finished(pool, database, email, extras)
        except TransactionError as error:
            error.fix(extras)


def _finished(pool, database, email, extras):
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context={'language': 'vi'},
            **extras):
        Dossier = pool.get('gov.dossier')
        Procedure = pool.get('gov.procedure')
        WebUser = pool.get('web.user')
        Payment = pool.get('gov.fee.payment')
        permit, = Procedure.search([('code', '=', PERMIT)])
        web_user, = WebUser.search([('email', '=', email)])
        dossier, = Dossier.create([{
                    'procedure': permit.id, 'agency': permit.agencies[0].id,
                    'channel': 'online', 'web_user': web_user.id,
                    'applicant_kind': 'citizen',
                    'applicant_name': 'Nguyễn Thị Lan',
                    'applicant_id_number': '067195001234',
                    'documents': [('create', [{'kind': 'component',
                                    'component': c.id, 'name': 'don.pdf',
                                    'data': b'%PDF-1.4\n%%EOF\n'}
                                for c in permit.components
                                if c.mandatory])],
                    }])
        Dossier.submit([dossier])
        for method in ['receive', 'process', 'result_ready']:
            getattr(Dossier, method)([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        Payment.record(dossier, 'desk', Decimal(75000),
            payer_name='Nguyễn Thị Lan')
        Dossier.done([Dossier(dossier.id)])
        dossier = Dossier(dossier.id)
        assert dossier.state == 'done', dossier.state
        print(json.dumps({'code': dossier.code, 'pin': dossier.pin}))
        Transaction().commit()


def run(server, function, *args):
    process = subprocess.run([sys.executable, '-c',
            'import sys; from tests.test_portal_rating import '
            f'{function}; {function}(*sys.argv[1:])', *args],
        env=server.env, cwd=ROOT, capture_output=True, text=True)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def rated_count(page):
    page.goto(f'/thu-tuc/{PERMIT}')
    if page.locator('#rating-none').count():
        return 0
    return int(page.inner_text('#rating-count'))


def save(page, tmp_path, name):
    path = tmp_path / f'rating-{name}.png'
    page.screenshot(path=path, full_page=True)
    shutil.copy(path, f'/tmp/rating-{name}.png')


def test_lan_rates_her_returned_dossier(desktop, portal, tmp_path):
    "R-RATE-1, R-RATE-2, R-SEC-2, R-A11Y-1: the owner rates a returned dossier in Hồ sơ của tôi; a refused form keeps her choices; the comment is shown escaped; the procedure page and /danh-gia count the rating without publishing any comment"
    page = desktop
    citizen = Client(portal).register(EMAIL, 'Nguyễn Thị Lan',
        '067195001234')
    dossier = run(portal, 'finished_dossier', portal.database, EMAIL)
    code = dossier['code']
    before = rated_count(page)
    page.context.add_cookies([{'name': name, 'value': value,
                'url': portal.url} for name, value in citizen.cookies.items()])

    page.goto(f'/ho-so/{code}')
    section = page.locator('#danh-gia')
    assert 'Đánh giá mức độ hài lòng' in section.inner_text()
    section.scroll_into_view_if_needed()
    save(page, tmp_path, 'form')
    check_page(page, 'rating-form')

    # Sent without the overall level (the browser's check removed): the
    # form again, her detail and comment kept, the message in Vietnamese.
    page.check('#f-timeliness-very_satisfied')
    page.fill('#f-comment', COMMENT)
    page.evaluate('''() => document.querySelectorAll('#rating-form [required]')
        .forEach(e => e.removeAttribute('required'))''')
    page.click('#rating-submit')
    page.wait_for_selector('#error-summary')
    assert 'mức độ hài lòng chung' in page.inner_text('#error-summary')
    assert page.is_checked('#f-timeliness-very_satisfied')
    assert page.input_value('#f-comment') == COMMENT
    save(page, tmp_path, 'refused')
    check_page(page, 'rating-refused')

    page.check('#f-overall-very_satisfied')
    page.check('#f-attitude-satisfied')
    page.click('#rating-submit')
    page.wait_for_url(f'**/ho-so/{code}?danh-gia=1#danh-gia')
    current = page.inner_text('#rating-current')
    assert 'Rất hài lòng' in current and 'Hài lòng' in current
    # The comment is text: shown as typed, its script never run.
    assert page.inner_text('.rating-comment') == COMMENT
    assert page.locator('#danh-gia script').count() == 0
    assert page.title() != 'hacked'
    assert 'Bạn có thể thay đổi đánh giá đến' in page.inner_text(
        '#rating-changeable')
    page.locator('#danh-gia').scroll_into_view_if_needed()
    save(page, tmp_path, 'saved')
    check_page(page, 'rating-saved')

    # The link of the result notification (in her inbox on the page) opens
    # the same rating, still changeable; nothing personal on it.
    token = re.search(r'/danh-gia/([\w-]{32})', page.content()).group(1)
    page.goto(f'/danh-gia/{token}')
    assert 'Rất hài lòng' in page.inner_text('#rating-current')
    assert 'Nguyễn Thị Lan' not in page.inner_text('main')
    save(page, tmp_path, 'link')
    check_page(page, 'rating-link')

    # At the kiosk: a wrong PIN is refused, the right one changes it.
    page.goto('/kiosk')
    page.click('#kiosk-rating')
    page.fill('#f-ma', code)
    page.fill('#f-pin', '000000' if dossier['pin'] != '000000' else '111111')
    page.check('#f-overall-satisfied')
    page.click('#rating-submit')
    page.wait_for_selector('#error-summary')
    assert 'Mã hồ sơ hoặc mã PIN không đúng' in page.inner_text(
        '#error-summary')
    assert page.is_checked('#f-overall-satisfied')
    save(page, tmp_path, 'kiosk-refused')
    check_page(page, 'rating-kiosk-refused')
    page.fill('#f-pin', dossier['pin'])
    page.click('#rating-submit')
    page.wait_for_selector('#rating-saved')
    assert 'Hài lòng' in page.inner_text('#rating-current .rating-overall')
    save(page, tmp_path, 'kiosk-saved')

    # Published: the procedure's results count it, no comment anywhere.
    assert rated_count(page) == before + 1
    page.locator('#rating-results').scroll_into_view_if_needed()
    page.click('#rating-results ~ details summary')
    assert 'Hài lòng' in page.inner_text('#rating-procedure-table')
    # The levels' words head the columns and label every cell (what a
    # phone shows in place of the header), in the levels' order.
    levels = ['Rất hài lòng', 'Hài lòng', 'Chưa hài lòng']
    assert page.locator('#rating-procedure-table thead th').all_inner_texts(
        )[1:4] == levels
    for row in page.locator('#rating-procedure-table tbody tr').all():
        assert [row.locator('td').nth(n).get_attribute('data-label')
            for n in range(3)] == levels
    assert 'cảm ơn' not in page.content()
    save(page, tmp_path, 'procedure')
    check_page(page, 'rating-procedure')
    page.goto('/danh-gia')
    assert int(page.inner_text('#rating-total-stats strong')) >= 1
    assert 'cảm ơn' not in page.content()
    save(page, tmp_path, 'results')
    check_page(page, 'rating-results')
