# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""One call of /api/v1/ (R-OPS-2, R-SEC-1, R-SEC-2): the key or the OAuth
access token, the rate limit, the route, the scope, then the resource;
every refusal a JSON error with a stable code and a Vietnamese message,
never a trace. The token endpoint (oauth.py) answers as RFC 6749 says.

dispatch() runs in the caller's transaction and returns an Answer; the
route (routes.py) logs it in the call log afterwards, in its own
transaction, so that a failed call is logged too."""
import json
import logging
from dataclasses import dataclass, field

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from trytond.i18n import gettext
from trytond.pool import Pool

from . import docs, oauth, openapi, resources
from .client import KEY_PREFIX
from .resources import ApiError

logger = logging.getLogger(__name__)

PREFIX = '/api/v1'
MAX_BODY = 4096
# endpoint: (function, scope)
ENDPOINTS = {
    'procedures': (resources.procedures, 'catalogue:read'),
    'procedure': (resources.procedure, 'catalogue:read'),
    'dossiers': (resources.dossiers, 'dossier:read'),
    'dossier': (resources.dossier, 'dossier:read'),
    'statistics': (resources.statistics, 'statistics:read'),
    'lookup': (resources.lookup, 'lookup'),
    }
ROUTES = Map([
        Rule('/procedures', endpoint='procedures', methods=['GET']),
        Rule('/procedures/<code>', endpoint='procedure', methods=['GET']),
        Rule('/dossiers', endpoint='dossiers', methods=['GET']),
        Rule('/dossiers/<code>', endpoint='dossier', methods=['GET']),
        Rule('/statistics', endpoint='statistics', methods=['GET']),
        Rule('/lookup/<code>', endpoint='lookup', methods=['GET']),
        Rule('/lookup', endpoint='lookup_body', methods=['POST']),
        Rule('/openapi.json', endpoint='document', methods=['GET']),
        Rule('/docs', endpoint='docs', methods=['GET']),
        Rule(oauth.TOKEN_PATH, endpoint='token', methods=['POST']),
        ], strict_slashes=False)
PUBLIC = {'document', 'docs'}


@dataclass
class Answer:
    status: int
    body: object
    headers: dict = field(default_factory=dict)
    client: int = None
    key_prefix: str = None
    html: bool = False

    def content(self):
        if self.html:
            return self.body
        return json.dumps(self.body, ensure_ascii=False,
            separators=(',', ':'))


def error_answer(error, client=None, key_prefix=None):
    message = gettext(error.message_id, **error.values)
    return Answer(error.status,
        {'error': {'code': error.code, 'message': message}},
        headers=dict(error.headers), client=client, key_prefix=key_prefix)


def bearer(request):
    "The key of the Authorization header, None when absent or malformed."
    value = request.headers.get('Authorization') or ''
    scheme, _, key = value.strip().partition(' ')
    if scheme.lower() != 'bearer' or not key.strip():
        return None
    return key.strip()


CHALLENGE = 'Bearer realm="api"'


def authenticate(request):
    """(client, log prefix, scopes) of the request's key or access token:
    a token gives what its client's key would, within the token's
    scopes; ApiError 401 when refused (RFC 6750 §3)."""
    credential = bearer(request)
    if credential is None:
        raise ApiError(401, 'unauthorized', 'gov_api.msg_api_unauthorized',
            headers={'WWW-Authenticate': CHALLENGE})
    refused = {'WWW-Authenticate': CHALLENGE + ', error="invalid_token"'}
    if credential.startswith(KEY_PREFIX + '_'):
        key = Pool().get('gov.api.key').authenticate(credential)
        if key is None:
            raise ApiError(401, 'unauthorized',
                'gov_api.msg_api_unauthorized', headers=refused)
        return key.client, key.prefix, set(key.client.scopes or ())
    found = oauth.authenticate(credential)
    if found is None:
        raise ApiError(401, 'unauthorized', 'gov_api.msg_api_token_invalid',
            headers=refused)
    client, scopes = found
    return client, client.oauth_client_id, scopes


def token(request):
    "The answer of POST /api/v1/oauth/token (oauth.py)."
    status, body, headers, client = oauth.token_response(request)
    return Answer(status, body, headers=headers,
        client=client.id if client else None,
        key_prefix=client.oauth_client_id if client else None)


def dispatch(request):
    "The Answer to a request of /api/v1/… (the caller's transaction)."
    client = prefix = None
    try:
        path = request.path[len(PREFIX):] or '/'
        adapter = ROUTES.bind('localhost', path_info=path)
        try:
            endpoint, values = adapter.match(method=request.method
                if request.method != 'HEAD' else 'GET')
        except MethodNotAllowed:
            raise ApiError(405, 'method_not_allowed',
                'gov_api.msg_api_method_not_allowed',
                headers={'Allow': 'GET, POST'})
        except NotFound:
            endpoint, values = None, {}
        if endpoint == 'document':
            return Answer(200, openapi.document())
        if endpoint == 'docs':
            return Answer(200, docs.render(), html=True)
        if (request.content_length or 0) > MAX_BODY:
            raise ApiError(413, 'too_large', 'gov_api.msg_api_too_large')
        if endpoint == 'token':
            return token(request)
        client, prefix, scopes = authenticate(request)
        wait = Pool().get('gov.api.call').retry_after(client)
        if wait:
            raise ApiError(429, 'rate_limited',
                'gov_api.msg_api_rate_limited',
                headers={'Retry-After': str(wait)}, seconds=wait)
        if endpoint is None:
            raise ApiError(404, 'not_found', 'gov_api.msg_api_path_unknown')
        if endpoint == 'lookup_body':
            endpoint, values = 'lookup', {'code': read_code(request)}
        function, scope = ENDPOINTS[endpoint]
        if scope not in scopes:
            raise ApiError(403, 'forbidden', 'gov_api.msg_api_forbidden',
                scope=scope, headers={'WWW-Authenticate': CHALLENGE
                    + ', error="insufficient_scope", scope="%s"' % scope})
        body = function(client, request.args, **values)
        return Answer(200, body, client=client.id, key_prefix=prefix)
    except ApiError as error:
        return error_answer(error, client=client.id if client else None,
            key_prefix=prefix)


def read_code(request):
    "The code of a POST /lookup body: {\"code\": \"…\"}."
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY:
        raise ApiError(413, 'too_large', 'gov_api.msg_api_too_large')
    try:
        data = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, 'invalid_json', 'gov_api.msg_api_invalid_json')
    if not isinstance(data, dict) or not isinstance(data.get('code'), str):
        raise ApiError(400, 'missing_parameter',
            'gov_api.msg_api_missing_parameter', name='code')
    return data['code']


def internal_error():
    "The answer when something unexpected failed (logged, never shown)."
    return error_answer(ApiError(500, 'internal_error',
            'gov_api.msg_api_internal'))
