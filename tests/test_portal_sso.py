"""Citizens sign in with their electronic identity (R-SEC-4, R-AG-4,
R-SUB-8): the portal's OpenID Connect client (gov_sso) against the sandbox
identity provider (gov_server/sandbox_oidc.py), over real HTTP, started
by gov_server.sandboxes like the other sandboxes.

- the first sign-in makes the account from the verified claims (name,
  identification number, address, phone prefilled) once she agreed to
  the consent text, recorded with its version (R-SEC-5); the next one
  opens the same account, and the identity's data replace what was typed;
- an ID token with a tampered signature, another audience, expired, or
  without / with another nonce, and a state replayed or brought by
  another browser are refused with a Vietnamese page (4xx, no trace) and
  no session;
- a key rotation at the provider is followed (JWKS fetched again);
- a local account with the same number is not taken over: it is linked
  only after its password;
- in Chromium: the login page's button, the provider's page, back signed
  in with her name.
"""
import http.client
import json
import random
import re
import urllib.parse
import urllib.request

import pytest

from tests.portal_fixtures import Client, check_page, shot

BUTTON = re.compile(r'id="login-sso-vneid-sandbox" href="([^"]+)"')


def new_number():
    "A valid personal identification number nobody has yet (Đắk Nông, 1990)."
    return '067190' + '%06d' % random.randrange(10 ** 6)


def raw(method, url, data=None):
    "One request to the sandbox, redirects not followed."
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port,
        timeout=30)
    body = urllib.parse.urlencode(data).encode() if data else None
    headers = ({'Content-Type': 'application/x-www-form-urlencoded'}
        if data else {})
    path = parts.path + ('?' + parts.query if parts.query else '')
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read().decode('utf-8', 'replace')
    connection.close()
    return response.status, response.headers, content


def control(portal, **data):
    request = urllib.request.Request(portal.sandboxes['oidc'] + '/control',
        data=json.dumps(data).encode(),
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def citizen(number=None, name="Trần Thị Bích", **extra):
    values = {'identification_number': number or new_number(),
        'name': name, 'birthdate': '1990-04-30',
        'address': "Thôn 2, xã Đắk Ha, huyện Đắk Glong, tỉnh Đắk Nông"}
    values.update(extra)
    return values


def to_provider(client):
    "From the login page's button to the provider: its authorize URL."
    status, _, page = client.get('/dang-nhap')
    assert status == 200
    href = BUTTON.search(page).group(1)
    status, headers, _ = client.get(href)
    assert status == 302, status
    return headers['Location']


def at_provider(authorize, person):
    "The person signs in at the provider: the URL it sends her back to."
    query = dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(authorize).query))
    status, headers, body = raw('POST', authorize.split('?')[0],
        {**query, **person, 'login': '1'})
    assert status == 302, body
    return headers['Location']


def back(client, portal, url):
    assert url.startswith(portal.url + '/dang-nhap/sso/callback?'), url
    return client.get(url[len(portal.url):])


def sign_in(portal, person, client=None, misbehave=None):
    client = client or Client(portal)
    authorize = to_provider(client)
    if misbehave:
        control(portal, misbehave=misbehave)
    status, headers, body = back(client, portal,
        at_provider(authorize, person))
    return client, status, headers, body


def agree(client, portal, consent=True):
    "On the consent page of a first sign-in: agree (or not) and go on."
    status, _, page = client.get('/dang-nhap/sso/dong-y')
    assert status == 200 and 'Tạo tài khoản từ định danh điện tử' in page
    version = re.search(r'name="consent_version" value="(\d+)"', page)
    data = {'consent_version': version.group(1)} if version else {}
    if consent:
        data['consent'] = '1'
    return client.post('/dang-nhap/sso/dong-y', data)


def first_sign_in(portal, person, client=None):
    "A first sign-in: the provider, then her consent to a new account."
    client, status, headers, body = sign_in(portal, person, client)
    assert status == 303 and headers['Location'] == '/dang-nhap/sso/dong-y'
    status, headers, body = agree(client, portal)
    return client, status, headers, body


def signed_in(client):
    status, _, page = client.get('/tai-khoan')
    return page if status == 200 else None


def field(page, name):
    match = re.search(r'<(?:input|textarea)[^>]*name="%s"[^>]*>' % name, page)
    assert match, name
    tag = match.group(0)
    if tag.startswith('<textarea'):
        return page[match.end():page.index('</textarea>', match.end())]
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_first_sign_in_creates_the_account_from_the_identity(portal):
    "R-SEC-4, R-SUB-8, R-AG-4: the first sign-in makes the account with the verified name, number, birth date, address and phone, and opens it"
    person = citizen(phone_number='0912345678')
    client, status, headers, body = sign_in(portal, person)
    # R-SEC-5: no account before she agreed to the consent text.
    assert status == 303 and headers['Location'] == '/dang-nhap/sso/dong-y'
    assert signed_in(client) is None
    status, _, body = agree(client, portal, consent=False)
    assert status == 200 and 'Vui lòng đồng ý' in body
    assert signed_in(client) is None
    # Another browser cannot take her pending identity.
    stranger = Client(portal)
    stranger.cookies['dvc_sso_link'] = client.cookies['dvc_sso_link']
    status, _, _ = stranger.get('/dang-nhap/sso/dong-y')
    assert status == 400
    status, headers, body = agree(client, portal)
    assert status == 303, body
    assert headers['Location'] == '/tai-khoan'
    page = signed_in(client)
    assert page, 'not signed in'
    # What she agreed to is kept with its version, as at registration.
    status, _, data = client.get('/tai-khoan/du-lieu.json')
    assert status == 200
    consents = json.loads(data)['consents']
    assert [c['purpose'] for c in consents] == ['registration'], consents
    assert field(page, 'full_name') == person['name']
    assert field(page, 'identification_number') == person[
        'identification_number']
    assert field(page, 'address') == person['address']
    assert field(page, 'phone') == '0912345678'
    # The birth date too, which pre-fills the forms' marked fields.
    assert field(page, 'birth_date') == '30/04/1990'


def test_next_sign_in_opens_the_same_account_identity_replaces_typed(portal):
    "R-SEC-4, R-AG-4: the second sign-in opens the same account; the data of the identity replace what she typed"
    person = citizen()
    client, status, _, _ = first_sign_in(portal, person)
    assert status == 303
    # She types another name and a phone the provider does not give.
    page = signed_in(client)
    status, _, page = client.post('/tai-khoan', {
            'full_name': 'Tên Tự Gõ', 'phone': '0977000111',
            'identification_number': person['identification_number'],
            'address': 'Địa chỉ tự gõ'})
    assert field(page, 'full_name') == 'Tên Tự Gõ'
    other, status, headers, body = sign_in(portal, person)
    assert status == 303, body
    assert headers['Location'] == '/ho-so'
    page = signed_in(other)
    # The same account (her typed phone is there) …
    assert field(page, 'phone') == '0977000111'
    # … with the identity's name and address again.
    assert field(page, 'full_name') == person['name']
    assert field(page, 'address') == person['address']


@pytest.mark.parametrize('misbehave', ['tampered', 'wrong_audience',
        'expired', 'no_nonce', 'wrong_nonce', 'wrong_issuer'])
def test_invalid_id_token_is_refused(portal, misbehave):
    "R-SEC-4: an ID token with a forged signature, another audience or issuer, expired, without or with another nonce opens no session and makes no account"
    person = citizen()
    client, status, headers, body = sign_in(portal, person,
        misbehave=misbehave)
    assert status == 400, (status, body)
    assert 'Thông tin định danh không hợp lệ' in body
    assert 'Traceback' not in body and 'JoseError' not in body
    assert signed_in(client) is None
    # No account was made: signing in properly now makes it.
    client, status, headers, _ = first_sign_in(portal, person)
    assert status == 303 and headers['Location'] == '/tai-khoan'


def test_state_is_good_once_and_in_its_browser_only(portal):
    "R-SEC-4: a replayed state, or one brought by another browser, is refused"
    person = citizen()
    client = Client(portal)
    callback = at_provider(to_provider(client), person)
    thief = Client(portal)
    status, _, body = back(thief, portal, callback)
    assert status == 400 and 'Phiên đăng nhập không hợp lệ' in body
    assert signed_in(thief) is None
    # Taken by the thief's attempt: refused to its owner too, once used.
    status, _, body = back(client, portal, callback)
    assert status == 400 and 'Phiên đăng nhập không hợp lệ' in body
    callback = at_provider(to_provider(client), person)
    status, _, _ = back(client, portal, callback)
    assert status == 303
    other = Client(portal)
    other.cookies = dict(client.cookies)
    status, _, body = back(other, portal, callback)
    assert status == 400 and 'Phiên đăng nhập không hợp lệ' in body
    # An invented state.
    status, _, body = client.get(
        '/dang-nhap/sso/callback?state=forged&code=forged')
    assert status == 400 and 'Traceback' not in body


def test_key_rotation_is_followed(portal):
    "R-SEC-4: after the provider rotated its signing key the portal fetches its keys again"
    person = citizen()
    _, status, _, _ = first_sign_in(portal, person)
    assert status == 303
    control(portal, rotate_key=True)
    client, status, _, body = sign_in(portal, person)
    assert status == 303, body
    assert signed_in(client)


def test_local_account_is_linked_only_after_its_password(portal):
    "R-SEC-4, R-AG-4, R-SUB-8: a local account with the same number is not opened by the identity; her password links both, then the identity opens it"
    number = new_number()
    email = f'sso.{number}@example.com'
    local = Client(portal).register(email, 'Tên Đã Khai', number)
    assert signed_in(local)
    person = citizen(number, name="Phan Thị Duyên", email=email)
    client, status, headers, _ = sign_in(portal, person)
    assert status == 303 and headers['Location'] == '/dang-nhap/sso/lien-ket'
    assert signed_in(client) is None
    status, _, page = client.get('/dang-nhap/sso/lien-ket')
    assert status == 200 and 'Liên kết tài khoản' in page
    assert email not in page and '@example.com' in page  # masked
    status, _, page = client.post('/dang-nhap/sso/lien-ket',
        {'password': 'not-her-password'})
    assert status == 200 and 'Mật khẩu không đúng' in page
    assert signed_in(client) is None
    # Another browser cannot use her pending link.
    stranger = Client(portal)
    stranger.cookies['dvc_sso_link'] = client.cookies['dvc_sso_link']
    status, _, page = stranger.get('/dang-nhap/sso/lien-ket')
    assert status == 400
    status, headers, page = client.post('/dang-nhap/sso/lien-ket',
        {'password': 'Mat-khau-2026'})
    assert status == 303, page
    page = signed_in(client)
    assert field(page, 'full_name') == "Phan Thị Duyên"
    # From now on the identity opens that account directly.
    again, status, headers, _ = sign_in(portal, person)
    assert status == 303 and headers['Location'] == '/ho-so'
    assert field(signed_in(again), 'full_name') == "Phan Thị Duyên"


def test_cancel_at_the_provider(portal):
    "R-SEC-4: she cancels at the provider: a Vietnamese page, no session"
    client = Client(portal)
    authorize = to_provider(client)
    query = dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(authorize).query))
    _, headers, _ = raw('POST', authorize.split('?')[0],
        {**query, 'cancel': '1'})
    status, _, body = back(client, portal, headers['Location'])
    assert status == 400 and 'Bạn đã hủy' in body
    assert signed_in(client) is None


def test_sign_in_with_the_identity_in_chromium(desktop, portal):
    "R-SEC-4, R-SUB-8: in Chromium, the login page's button, the provider's page, then signed in on the portal with her name and number"
    page = desktop
    page.goto('/dang-nhap')
    button = page.locator('#login-sso-vneid-sandbox')
    assert 'VNeID' in button.inner_text()
    check_page(page, 'sso-login')
    button.click()
    page.wait_for_url(portal.sandboxes['oidc'] + '/authorize*')
    shot(page, 'sso-provider')
    number = new_number()
    page.fill('#f-identification_number', number)
    page.fill('#f-name', 'Hồ Thị Xuân')
    page.fill('#f-birthdate', '1990-08-15')
    page.fill('#f-address', 'Tổ 1, phường Nghĩa Tân, thành phố Gia Nghĩa')
    page.locator('form:has(#f-name) button').click()
    page.wait_for_url(portal.url + '/dang-nhap/sso/dong-y')
    check_page(page, 'sso-consent')
    page.check('#f-consent')
    page.get_by_role('button', name='Đồng ý và tạo tài khoản').click()
    page.wait_for_url(portal.url + '/tai-khoan')
    assert page.input_value('#f-full_name') == 'Hồ Thị Xuân'
    assert page.input_value('#f-identification_number') == number
    assert page.locator('form[action="/dang-xuat"]').count() == 1
    shot(page, 'sso-signed-in')
