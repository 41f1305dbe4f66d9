"""A sandbox identity provider (OpenID Connect), standing in for VNeID:
citizens of `make run` and of the tests sign in to the portal through it
over real HTTP on this machine (gov_sso).

    python -m gov_server.sandbox_oidc --port P --secret S [--client-id C]

The secret (the client secret of the portal) may come from
GOV_SANDBOX_SECRET instead. One client is registered: --client-id (default
``dvc-daknong``) with that secret; any redirect URI on the loopback is
accepted. Its issuer is its own address, http://<host>:<port>.

``GET /.well-known/openid-configuration``  discovery.
``GET /jwks``  its public keys (RS256, generated at start; one at a time).
``GET /authorize``  the page where the tester picks a demo citizen or types
    one (ID number, name, birth date, address, phone, e-mail); POST sends
    the browser back with a code (or ``error=access_denied``).
``POST /token``  code + PKCE verifier (S256) + client secret (basic or
    post) → access token and ID token (single-use codes, 60 s).
``GET /userinfo``  the claims, for the access token.
``POST /control``  test control, JSON: ``{"misbehave": M}`` where M is
    ``wrong_audience``, ``expired``, ``tampered``, ``no_nonce``,
    ``wrong_nonce`` or ``wrong_issuer``: the next ID token only is made
    so; ``{"rotate_key": true}``: a new key replaces the old one.
``GET /health``  ``{"status": "ok"}``.

Tokens are signed by joserfc (the JOSE library of authlib). Everything is
kept in memory. Nothing here imports Tryton: it is the third party.
gov_server.sandboxes starts it."""
import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey
from markupsafe import escape
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from gov_server.sandbox_common import parse_arguments

logger = logging.getLogger('gov_server.sandbox_oidc')
CODE_SECONDS = 60
TOKEN_SECONDS = 300
MISBEHAVIOURS = {'wrong_audience', 'expired', 'tampered', 'no_nonce',
    'wrong_nonce', 'wrong_issuer'}

# Demo people (fictitious): Nguyễn Thị Lan also has a local demo
# account (gov_server/data_dossiers.py), the next two are new to the
# portal; Nguyễn Thị Hoa is the demo officer `motcua`, whose number
# gov_server/data_sso.py gives her account (her sign-in to sao).
CITIZENS = [
    {'identification_number': '067195001234', 'name': "Nguyễn Thị Lan",
        'birthdate': '1995-03-12', 'phone_number': '0905123456',
        'address': "Tổ 3, phường Nghĩa Trung, thành phố Gia Nghĩa, tỉnh "
        "Đắk Nông", 'email': 'lan.nguyen@example.com'},
    {'identification_number': '066093002468', 'name': "Y Sơn Niê",
        'birthdate': '1993-07-20', 'phone_number': '0914222333',
        'address': "Bon Buôr, xã Tâm Thắng, huyện Cư Jút, tỉnh Đắk Nông",
        'email': ''},
    {'identification_number': '067302003579', 'name': "Lê Thị Hồng Nhung",
        'birthdate': '2002-11-05', 'phone_number': '0987000111',
        'address': "Thôn 5, xã Nâm N'Jang, huyện Đắk Song, tỉnh Đắk Nông",
        'email': 'nhung.le@example.com'},
    {'identification_number': '067188004242', 'name': "Nguyễn Thị Hoa",
        'birthdate': '1988-06-02', 'phone_number': '0905777888',
        'address': "Tổ 1, phường Nghĩa Tân, thành phố Gia Nghĩa, tỉnh "
        "Đắk Nông", 'email': ''},
    ]
FIELDS = [('identification_number', "Số định danh cá nhân"),
    ('name', "Họ và tên"), ('birthdate', "Ngày sinh (YYYY-MM-DD)"),
    ('address', "Địa chỉ thường trú"), ('phone_number', "Số điện thoại"),
    ('email', "E-mail")]


def subject_of(number):
    "A stable pairwise-looking subject per person (not the ID number)."
    return 'sbx-' + hashlib.sha256(number.encode()).hexdigest()[:24]


def s256(verifier):
    digest = hashlib.sha256(verifier.encode('ascii')).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode('ascii')


def new_key():
    return RSAKey.generate_key(2048, parameters={
            'kid': secrets.token_hex(8), 'use': 'sig', 'alg': 'RS256'})


class Provider:
    def __init__(self, issuer, client_id, secret):
        self.issuer = issuer
        self.client_id = client_id
        self.secret = secret
        self.key = new_key()
        self.codes = {}
        self.tokens = {}
        self.misbehave = None
        self.lock = threading.Lock()

    def id_token(self, grant):
        now = int(time.time())
        claims = dict(grant['claims'], iss=self.issuer, aud=self.client_id,
            iat=now, exp=now + TOKEN_SECONDS, nonce=grant['nonce'],
            auth_time=now)
        with self.lock:
            misbehave, self.misbehave = self.misbehave, None
            key = self.key
        if misbehave == 'wrong_audience':
            claims['aud'] = 'another-client'
        elif misbehave == 'expired':
            claims['iat'], claims['exp'] = now - 3600, now - 1800
        elif misbehave == 'no_nonce':
            del claims['nonce']
        elif misbehave == 'wrong_nonce':
            claims['nonce'] = secrets.token_urlsafe(16)
        elif misbehave == 'wrong_issuer':
            claims['iss'] = 'https://idp.invalid'
        token = jwt.encode({'alg': 'RS256', 'kid': key.kid}, claims, key)
        if misbehave == 'tampered':
            # Another person in the payload, the original signature kept.
            header, payload, signature = token.split('.')
            data = json.loads(base64.urlsafe_b64decode(payload + '=='))
            data['identification_number'] = '067190099999'
            data['name'] = "Kẻ Giả Mạo"
            payload = base64.urlsafe_b64encode(json.dumps(
                    data).encode()).rstrip(b'=').decode()
            token = '.'.join([header, payload, signature])
        return token


def page(title, body, status=200):
    html = ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        f'<title>{escape(title)}</title><style>'
        'body{font-family:sans-serif;max-width:40rem;margin:1rem auto;'
        'padding:0 1rem;color:#222}h1{color:#a50e0e;font-size:1.4rem}'
        'form{border:1px solid #ccc;border-radius:6px;padding:.8rem;'
        'margin:.8rem 0}label{display:block;margin:.4rem 0 .1rem}'
        'input{width:100%;padding:.4rem;box-sizing:border-box}'
        'button{margin-top:.6rem;padding:.5rem 1rem;background:#a50e0e;'
        'color:#fff;border:0;border-radius:4px;font-size:1rem}'
        'button.cancel{background:#666}.note{color:#555}</style></head>'
        f'<body><h1>{escape(title)}</h1>{body}</body></html>')
    return Response(html, status=status,
        content_type='text/html; charset=utf-8')


def json_response(data, status=200, headers=None):
    return Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json; charset=utf-8', headers=headers)


class Application:
    url_map = Map([
            Rule('/health', endpoint='health'),
            Rule('/.well-known/openid-configuration', endpoint='discovery'),
            Rule('/jwks', endpoint='jwks'),
            Rule('/authorize', endpoint='authorize',
                methods=['GET', 'POST']),
            Rule('/token', endpoint='token', methods=['POST']),
            Rule('/userinfo', endpoint='userinfo', methods=['GET', 'POST']),
            Rule('/control', endpoint='control', methods=['POST']),
            ])

    def __init__(self, provider):
        self.provider = provider

    def __call__(self, environ, start_response):
        request = Request(environ)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, values = adapter.match()
            response = getattr(self, 'on_' + endpoint)(request, **values)
        except NotFound:
            response = json_response({'error': 'not found'}, 404)
        except HTTPException as error:
            response = error
        return response(environ, start_response)

    def on_health(self, request):
        return json_response({'status': 'ok'})

    def on_discovery(self, request):
        issuer = self.provider.issuer
        return json_response({
                'issuer': issuer,
                'authorization_endpoint': issuer + '/authorize',
                'token_endpoint': issuer + '/token',
                'userinfo_endpoint': issuer + '/userinfo',
                'jwks_uri': issuer + '/jwks',
                'response_types_supported': ['code'],
                'subject_types_supported': ['pairwise'],
                'id_token_signing_alg_values_supported': ['RS256'],
                'scopes_supported': ['openid', 'profile', 'email', 'phone',
                    'address'],
                'token_endpoint_auth_methods_supported': [
                    'client_secret_basic', 'client_secret_post'],
                'code_challenge_methods_supported': ['S256'],
                'grant_types_supported': ['authorization_code'],
                })

    def on_jwks(self, request):
        with self.provider.lock:
            key = self.provider.key
        return json_response({'keys': [key.as_dict(private=False)]})

    # The page of the person -------------------------------------------
    def authorize_error(self, message):
        return page("Yêu cầu đăng nhập không hợp lệ",
            f'<p>{escape(message)}</p>', status=400)

    def on_authorize(self, request):
        params = request.values
        provider = self.provider
        redirect_uri = params.get('redirect_uri', '')
        parts = urlsplit(redirect_uri)
        if params.get('client_id') != provider.client_id:
            return self.authorize_error('client_id không đúng.')
        if parts.scheme not in {'http', 'https'} or parts.hostname not in {
                '127.0.0.1', 'localhost', '::1'}:
            return self.authorize_error('redirect_uri không được đăng ký.')
        if params.get('response_type') != 'code' or 'openid' not in (
                params.get('scope') or '').split():
            return self.authorize_error('Chỉ hỗ trợ response_type=code, '
                'scope có openid.')
        if (params.get('code_challenge_method') != 'S256'
                or not params.get('code_challenge')):
            return self.authorize_error('Thiếu PKCE (S256).')
        keep = {k: params.get(k, '') for k in ('client_id', 'redirect_uri',
                'response_type', 'scope', 'state', 'nonce',
                'code_challenge', 'code_challenge_method')}
        if request.method == 'POST':
            return self.authorized(request, keep)
        hidden = ''.join(f'<input type="hidden" name="{k}" '
            f'value="{escape(v)}">' for k, v in keep.items())
        forms = []
        for citizen in CITIZENS:
            fields = ''.join(f'<input type="hidden" name="{k}" '
                f'value="{escape(citizen[k])}">' for k, _ in FIELDS)
            forms.append(f'<form method="post" action="/authorize">'
                f'{hidden}{fields}<strong>{escape(citizen["name"])}</strong>'
                f' — {citizen["identification_number"]}, sinh '
                f'{citizen["birthdate"]}<br><button type="submit" '
                f'name="login" value="1" data-id="'
                f'{citizen["identification_number"]}">Đăng nhập là '
                f'{escape(citizen["name"])}</button></form>')
        typed = ''.join(f'<label for="f-{k}">{escape(label)}</label>'
            f'<input id="f-{k}" name="{k}">' for k, label in FIELDS)
        forms.append(f'<form method="post" action="/authorize">{hidden}'
            f'<strong>Công dân khác</strong>{typed}<button type="submit" '
            'name="login" value="1">Đăng nhập</button></form>')
        forms.append(f'<form method="post" action="/authorize">{hidden}'
            '<button type="submit" class="cancel" name="cancel" value="1">'
            'Hủy, quay lại Cổng dịch vụ công</button></form>')
        return page("Định danh điện tử THỬ NGHIỆM (sandbox VNeID)",
            '<p class="note">Đây là nhà cung cấp định danh giả lập để thử '
            'nghiệm. Chọn một công dân mẫu hoặc nhập thông tin.</p>'
            + ''.join(forms))

    def authorized(self, request, keep):
        back = keep['redirect_uri']
        sep = '&' if '?' in back else '?'
        if request.form.get('cancel'):
            return Response(status=302, headers={'Location': back + sep
                    + urlencode({'error': 'access_denied',
                            'state': keep['state']})})
        form = request.form
        number = (form.get('identification_number') or '').strip()
        if not number:
            return self.authorize_error('Thiếu số định danh cá nhân.')
        claims = {'sub': subject_of(number), 'identification_number': number}
        for key, _ in FIELDS[1:]:
            value = (form.get(key) or '').strip()
            if value:
                claims[key] = value
        if claims.get('email'):
            claims['email_verified'] = True
        code = secrets.token_urlsafe(24)
        with self.provider.lock:
            self.provider.codes[code] = dict(keep, claims=claims,
                expires=time.monotonic() + CODE_SECONDS)
        return Response(status=302, headers={'Location': back + sep
                + urlencode({'code': code, 'state': keep['state']})})

    # The portal's server ----------------------------------------------
    def client_authenticated(self, request):
        provider = self.provider
        client_id, secret = None, None
        auth = request.authorization
        if auth and auth.type == 'basic':
            client_id, secret = auth.username, auth.password
        elif request.form.get('client_secret'):
            client_id = request.form.get('client_id')
            secret = request.form.get('client_secret')
        return (client_id == provider.client_id and secret is not None
            and hmac.compare_digest(secret.encode(),
                provider.secret.encode()))

    def on_token(self, request):
        error = {'Cache-Control': 'no-store'}
        if not self.client_authenticated(request):
            return json_response({'error': 'invalid_client'}, 401, error)
        form = request.form
        if form.get('grant_type') != 'authorization_code':
            return json_response({'error': 'unsupported_grant_type'}, 400,
                error)
        with self.provider.lock:
            grant = self.provider.codes.pop(form.get('code', ''), None)
        if (grant is None or grant['expires'] < time.monotonic()
                or grant['redirect_uri'] != form.get('redirect_uri')):
            return json_response({'error': 'invalid_grant'}, 400, error)
        verifier = form.get('code_verifier') or ''
        if not hmac.compare_digest(s256(verifier), grant['code_challenge']):
            return json_response({'error': 'invalid_grant',
                    'error_description': 'PKCE verifier'}, 400, error)
        access_token = secrets.token_urlsafe(24)
        with self.provider.lock:
            self.provider.tokens[access_token] = grant['claims']
        return json_response({
                'access_token': access_token, 'token_type': 'Bearer',
                'expires_in': TOKEN_SECONDS,
                'id_token': self.provider.id_token(grant),
                'scope': grant['scope'],
                }, headers=error)

    def on_userinfo(self, request):
        auth = request.headers.get('Authorization', '')
        token = auth[7:] if auth.startswith('Bearer ') else ''
        with self.provider.lock:
            claims = self.provider.tokens.get(token)
        if claims is None:
            return json_response({'error': 'invalid_token'}, 401,
                {'WWW-Authenticate': 'Bearer error="invalid_token"'})
        return json_response(claims)

    def on_control(self, request):
        try:
            data = json.loads(request.get_data(as_text=True) or '{}')
            misbehave = data.get('misbehave')
            rotate = bool(data.get('rotate_key'))
        except (ValueError, AttributeError):
            return json_response({'error': 'bad control'}, 400)
        if misbehave is not None and misbehave not in MISBEHAVIOURS:
            return json_response({'error': 'unknown misbehaviour'}, 400)
        with self.provider.lock:
            self.provider.misbehave = misbehave
            if rotate:
                self.provider.key = new_key()
            kid = self.provider.key.kid
        return json_response({'misbehave': misbehave, 'kid': kid})


def main(argv=None):
    def extra(parser):
        parser.add_argument('--client-id', default='dvc-daknong')
    args = parse_arguments('sandbox_oidc',
        'Sandbox identity provider (OpenID Connect)', 8094, argv, extra)
    issuer = f'http://{args.host}:{args.port}'
    app = Application(Provider(issuer, args.client_id, args.secret))
    server = make_server(args.host, args.port, app, threaded=True)
    if not args.verbose:
        logging.getLogger('werkzeug').setLevel(logging.WARNING)
    logger.info('listening on %s (client %s)', issuer, args.client_id)
    server.serve_forever()


if __name__ == '__main__':
    main()
