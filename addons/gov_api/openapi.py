# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The OpenAPI 3.1 document of /api/v1/ (R-OPS-2): the one source of truth
of the API's contract, served at /api/v1/openapi.json and rendered at
/api/v1/docs (docs.py). Written for the integrators of the national and
provincial portals, in Vietnamese. The tests validate it
(openapi-spec-validator) and every answer they receive against it."""
import copy

VERSION = '1.1.0'
TOKEN_PATH = '/oauth/token'
OAUTH_SCOPES = {
    'catalogue:read': 'Danh mục thủ tục (đọc)',
    'dossier:read': 'Trạng thái hồ sơ (đọc)',
    'statistics:read': 'Số liệu thống kê (đọc)',
    'lookup': 'Tra cứu hồ sơ theo mã',
    }


def _ref(name):
    return {'$ref': '#/components/schemas/' + name}


def _nullable(kind, **extra):
    return dict({'type': [kind, 'null']}, **extra)


def _json(schema):
    return {'application/json': {'schema': schema}}


def _error(description):
    return {'description': description, 'content': _json(_ref('Error'))}


ERRORS = {
    '400': _error('Tham số hoặc nội dung yêu cầu không hợp lệ.'),
    '401': _error('Thiếu khóa API hoặc mã truy cập, hoặc khóa/mã không '
        'tồn tại, đã hết hạn hoặc đã bị thu hồi.'),
    '403': _error('Khóa API hoặc mã truy cập không có quyền (phạm vi) '
        'này.'),
    '429': {
        'description': 'Vượt giới hạn số yêu cầu mỗi phút của ứng dụng.',
        'headers': {'Retry-After': {
                'description': 'Số giây cần chờ trước yêu cầu tiếp theo.',
                'schema': {'type': 'integer', 'minimum': 1}}},
        'content': _json(_ref('Error'))},
    }


def _oauth_error(description):
    return {'description': description,
        'content': _json(_ref('OAuthError'))}


def _answers(schema, description, *statuses):
    answers = {'200': {'description': description,
            'content': _json(schema)}}
    for status in ('400', '401', '403', '429') + statuses:
        answers[status] = ERRORS.get(status) or _error({
                '404': 'Không tìm thấy.',
                '413': 'Nội dung yêu cầu quá lớn.',
                }[status])
    return answers


PAGE = [
    {'name': 'page', 'in': 'query', 'required': False,
        'description': 'Trang, bắt đầu từ 1.',
        'schema': {'type': 'integer', 'minimum': 1, 'default': 1}},
    {'name': 'page_size', 'in': 'query', 'required': False,
        'description': 'Số mục mỗi trang (tối đa 200).',
        'schema': {'type': 'integer', 'minimum': 1, 'maximum': 200,
            'default': 50}},
    ]


def _code(description):
    return {'name': 'code', 'in': 'path', 'required': True,
        'description': description,
        'schema': {'type': 'string', 'maxLength': 64}}


def _page_of(item):
    return {'type': 'object',
        'required': ['items', 'page', 'page_size', 'total'],
        'additionalProperties': False,
        'properties': {
            'items': {'type': 'array', 'items': _ref(item)},
            'page': {'type': 'integer', 'minimum': 1},
            'page_size': {'type': 'integer', 'minimum': 1},
            'total': {'type': 'integer', 'minimum': 0},
            }}


NAMED = {'type': 'object', 'required': ['code', 'name'],
    'additionalProperties': False,
    'properties': {'code': {'type': 'string'}, 'name': {'type': 'string'}}}
STATES = ['submitted', 'received', 'supplement', 'rejected', 'processing',
    'result_ready', 'done', 'withdrawn', 'suspended']
FIGURES_DESCRIPTION = (
    'Định nghĩa từng chỉ tiêu: addons/gov_report/doc/index.rst ("The '
    'figures"). online_share là tỉ lệ phần trăm, fees_collected tính bằng '
    'đồng.')

SCHEMAS = {
    'Error': {
        'type': 'object', 'required': ['error'],
        'additionalProperties': False,
        'properties': {'error': {
                'type': 'object', 'required': ['code', 'message'],
                'additionalProperties': False,
                'properties': {
                    'code': {'type': 'string', 'description':
                        'Mã lỗi cố định cho chương trình: unauthorized, '
                        'forbidden, not_found, invalid_parameter, '
                        'missing_parameter, invalid_period, out_of_scope, '
                        'invalid_json, too_large, method_not_allowed, '
                        'rate_limited, internal_error.'},
                    'message': {'type': 'string',
                        'description': 'Thông báo cho người đọc.'},
                    }}}},
    'Token': {
        'type': 'object', 'additionalProperties': False,
        'description': 'Mã truy cập (RFC 6749 §5.1).',
        'required': ['access_token', 'token_type', 'expires_in', 'scope'],
        'properties': {
            'access_token': {'type': 'string',
                'description': 'Gửi trong tiêu đề `Authorization: Bearer '
                '<mã>`.'},
            'token_type': {'const': 'Bearer'},
            'expires_in': {'type': 'integer', 'minimum': 1,
                'description': 'Số giây mã còn hiệu lực.'},
            'scope': {'type': 'string',
                'description': 'Các phạm vi được cấp, cách nhau bởi dấu '
                'cách.'},
            }},
    'OAuthError': {
        'type': 'object', 'required': ['error'],
        'description': 'Lỗi của điểm cấp mã (RFC 6749 §5.2); '
            'error_description bằng tiếng Anh (RFC chỉ cho phép ASCII).',
        'properties': {
            'error': {'enum': ['invalid_request', 'invalid_client',
                    'invalid_grant', 'unauthorized_client',
                    'unsupported_grant_type', 'invalid_scope',
                    'insecure_transport', 'rate_limited']},
            'error_description': {'type': 'string'},
            'error_uri': {'type': 'string'},
            }},
    'Named': NAMED,
    'Fee': {
        'type': 'object', 'additionalProperties': False,
        'required': ['kind', 'amount', 'condition', 'conditional',
            'payment_time'],
        'properties': {
            'kind': {'enum': ['fee', 'charge', 'postal'],
                'description': 'Phí, lệ phí hoặc cước bưu chính.'},
            'amount': {'type': 'integer', 'minimum': 0,
                'description': 'Số tiền (đồng).'},
            'condition': _nullable('string'),
            'conditional': {'type': 'boolean'},
            'payment_time': {'enum': ['before', 'on_collection']},
            }},
    'Procedure': {
        'type': 'object', 'additionalProperties': False,
        'required': ['code', 'name', 'sector', 'field', 'levels',
            'agencies', 'processing_days', 'service_level', 'result_type',
            'fees', 'fee_total'],
        'properties': {
            'code': {'type': 'string',
                'description': 'Mã thủ tục trong CSDL quốc gia.'},
            'name': {'type': 'string'},
            'sector': {'oneOf': [_ref('Named'), {'type': 'null'}]},
            'field': _ref('Named'),
            'levels': {'type': 'array', 'items': _ref('Named'),
                'description': 'Cấp thực hiện.'},
            'agencies': {'type': 'array', 'items': _ref('Named'),
                'description': 'Cơ quan thực hiện.'},
            'processing_days': _nullable('number', minimum=0,
                description='Thời hạn giải quyết (ngày làm việc).'),
            'service_level': {'oneOf': [_ref('Named'), {'type': 'null'}],
                'description': 'Mức độ dịch vụ công trực tuyến.'},
            'result_type': {'enum': ['paper', 'electronic', 'both']},
            'fees': {'type': 'array', 'items': _ref('Fee')},
            'fee_total': _nullable('number', minimum=0),
            }},
    'ProcedurePage': _page_of('Procedure'),
    'Dossier': {
        'type': 'object', 'additionalProperties': False,
        'description': 'Trạng thái một hồ sơ, không có dữ liệu cá nhân.',
        'required': ['code', 'procedure_code', 'agency_code', 'state',
            'received_date', 'due_date', 'completed_date', 'timeliness',
            'changed'],
        'properties': {
            'code': {'type': 'string'},
            'procedure_code': {'type': 'string'},
            'agency_code': {'type': 'string'},
            'state': {'enum': STATES},
            'received_date': _nullable('string', format='date-time'),
            'due_date': _nullable('string', format='date',
                description='Ngày hẹn trả kết quả.'),
            'completed_date': _nullable('string', format='date-time'),
            'timeliness': {'enum': ['early', 'on_time', 'late', None],
                'description': 'Trước hạn, đúng hạn, quá hạn (khi đã '
                'giải quyết).'},
            'changed': {'type': 'string', 'format': 'date-time',
                'description': 'Lần thay đổi cuối (UTC).'},
            }},
    'DossierPage': _page_of('Dossier'),
    'Figures': {
        'type': 'object', 'description': FIGURES_DESCRIPTION,
        'additionalProperties': {'type': 'number'},
        'required': ['received', 'resolved', 'resolved_early',
            'resolved_on_time', 'resolved_late', 'in_progress_on_time',
            'in_progress_overdue'],
        },
    'Statistics': {
        'type': 'object', 'additionalProperties': False,
        'required': ['from', 'to', 'agency', 'total', 'agencies'],
        'properties': {
            'from': {'type': 'string', 'format': 'date'},
            'to': {'type': 'string', 'format': 'date'},
            'agency': {'oneOf': [_ref('Named'), {'type': 'null'}],
                'description': 'Cơ quan được thống kê (kèm đơn vị trực '
                'thuộc); null: toàn tỉnh.'},
            'total': _ref('Figures'),
            'agencies': {'type': 'array', 'items': {
                    'type': 'object', 'additionalProperties': False,
                    'required': ['code', 'name', 'figures'],
                    'properties': {
                        'code': {'type': 'string'},
                        'name': {'type': 'string'},
                        'figures': _ref('Figures'),
                        }}},
            }},
    'Lookup': {
        'type': 'object', 'additionalProperties': False,
        'description': 'Như trang tra cứu công khai của Cổng cho người lạ '
            '(không có họ tên, kể cả đã che).',
        'required': ['code', 'state', 'state_label', 'procedure', 'agency',
            'unit', 'step', 'invalid', 'supplement_components',
            'received_date', 'due_date', 'completed_date'],
        'properties': {
            'code': {'type': 'string'},
            'state': {'enum': STATES},
            'state_label': {'type': 'string'},
            'procedure': {'type': 'string'},
            'agency': {'type': 'string'},
            'unit': _nullable('string'),
            'step': _nullable('string'),
            'invalid': {'type': 'boolean',
                'description': 'Hồ sơ chưa hợp lệ, đang chờ bổ sung.'},
            'supplement_components': {'type': 'array',
                'items': {'type': 'string'}},
            'received_date': _nullable('string', format='date-time'),
            'due_date': _nullable('string', format='date'),
            'completed_date': _nullable('string', format='date-time'),
            }},
    }

DOCUMENT = {
    'openapi': '3.1.0',
    'info': {
        'title': 'API Cổng dịch vụ công tỉnh Đắk Nông',
        'version': VERSION,
        'summary': 'Danh mục thủ tục, trạng thái hồ sơ, thống kê và tra '
            'cứu cho Cổng Dịch vụ công quốc gia và Cổng thông tin điện tử '
            'tỉnh.',
        'description': (
            'Mỗi ứng dụng kết nối được Sở Thông tin và Truyền thông cấp '
            'một khóa API (gửi trong tiêu đề `Authorization: Bearer '
            '<khóa>`) hoặc mã ứng dụng và khóa bí mật OAuth 2.0 để lấy mã '
            'truy cập ngắn hạn tại /api/v1/oauth/token (gửi như khóa), '
            'các phạm vi được phép và giới hạn số yêu cầu mỗi phút. Một '
            'ứng dụng của cơ quan X chỉ đọc hồ sơ của X và các '
            'đơn vị trực thuộc, trừ ứng dụng được cấp phạm vi toàn tỉnh. '
            'Không trả về dữ liệu cá nhân. Thời gian theo UTC (RFC 3339), '
            'ngày theo giờ Việt Nam (YYYY-MM-DD). Lỗi luôn là JSON '
            '`{"error": {"code", "message"}}`, trừ lỗi của điểm cấp mã '
            '/oauth/token theo RFC 6749 §5.2.'),
        'license': {'name': 'GPL-3.0-or-later',
            'identifier': 'GPL-3.0-or-later'},
        },
    'servers': [{'url': '/api/v1'}],
    'security': [{'bearer': []}, {'oauth2': []}],
    'tags': [
        {'name': 'catalogue', 'description': 'Danh mục thủ tục hành chính '
            'đã công bố (phạm vi catalogue:read).'},
        {'name': 'dossiers', 'description': 'Trạng thái hồ sơ để đồng bộ '
            '(phạm vi dossier:read).'},
        {'name': 'statistics', 'description': 'Số liệu thống kê theo cơ '
            'quan và kỳ (phạm vi statistics:read).'},
        {'name': 'lookup', 'description': 'Tra cứu hồ sơ theo mã như trên '
            'Cổng (phạm vi lookup).'},
        {'name': 'oauth', 'description': 'Xác thực OAuth 2.0 (client '
            'credentials): đổi mã ứng dụng và khóa bí mật lấy mã truy cập '
            'ngắn hạn.'},
        {'name': 'document', 'description': 'Tài liệu này.'},
        ],
    'paths': {
        '/procedures': {'get': {
                'operationId': 'listProcedures', 'tags': ['catalogue'],
                'summary': 'Danh sách thủ tục đã công bố',
                'parameters': PAGE,
                'responses': _answers(_ref('ProcedurePage'),
                    'Một trang danh mục, theo mã thủ tục.')}},
        '/procedures/{code}': {'get': {
                'operationId': 'getProcedure', 'tags': ['catalogue'],
                'summary': 'Một thủ tục theo mã',
                'parameters': [_code('Mã thủ tục, ví dụ 1.001193.')],
                'responses': _answers(_ref('Procedure'), 'Thủ tục.',
                    '404')}},
        '/dossiers': {'get': {
                'operationId': 'listDossiers', 'tags': ['dossiers'],
                'summary': 'Hồ sơ thay đổi từ một thời điểm',
                'description': 'Hồ sơ (trừ bản nháp) của cơ quan của ứng '
                    'dụng và các đơn vị trực thuộc, theo thứ tự tạo.',
                'parameters': [{
                        'name': 'changed_since', 'in': 'query',
                        'required': False,
                        'description': 'Chỉ hồ sơ thay đổi từ thời điểm '
                        'này (RFC 3339, ví dụ 2026-12-01T00:00:00Z).',
                        'schema': {'type': 'string',
                            'format': 'date-time'}}] + PAGE,
                'responses': _answers(_ref('DossierPage'),
                    'Một trang hồ sơ.')}},
        '/dossiers/{code}': {'get': {
                'operationId': 'getDossier', 'tags': ['dossiers'],
                'summary': 'Trạng thái một hồ sơ theo mã',
                'parameters': [_code('Mã hồ sơ.')],
                'responses': _answers(_ref('Dossier'), 'Hồ sơ.', '404')}},
        '/statistics': {'get': {
                'operationId': 'getStatistics', 'tags': ['statistics'],
                'summary': 'Số liệu của một cơ quan trong một kỳ',
                'parameters': [
                    {'name': 'from', 'in': 'query', 'required': True,
                        'description': 'Ngày đầu kỳ (YYYY-MM-DD).',
                        'schema': {'type': 'string', 'format': 'date'}},
                    {'name': 'to', 'in': 'query', 'required': True,
                        'description': 'Ngày cuối kỳ, tính cả ngày này; kỳ '
                        'dài tối đa 3 năm.',
                        'schema': {'type': 'string', 'format': 'date'}},
                    {'name': 'agency', 'in': 'query', 'required': False,
                        'description': 'Mã cơ quan (mặc định: cơ quan của '
                        'ứng dụng; toàn tỉnh với ứng dụng toàn tỉnh).',
                        'schema': {'type': 'string'}},
                    ],
                'responses': _answers(_ref('Statistics'),
                    'Tổng của cơ quan và từng cơ quan tiếp nhận.',
                    '404')}},
        '/lookup/{code}': {'get': {
                'operationId': 'lookupDossier', 'tags': ['lookup'],
                'summary': 'Tra cứu hồ sơ theo mã',
                'parameters': [_code('Mã hồ sơ.')],
                'responses': _answers(_ref('Lookup'), 'Kết quả tra cứu.',
                    '404')}},
        '/lookup': {'post': {
                'operationId': 'lookupDossierByBody', 'tags': ['lookup'],
                'summary': 'Tra cứu hồ sơ theo mã gửi trong nội dung',
                'description': 'Như GET /lookup/{code}, mã không nằm trong '
                    'đường dẫn (và nhật ký của máy chủ trung gian).',
                'requestBody': {'required': True, 'content': _json({
                            'type': 'object', 'required': ['code'],
                            'properties': {'code': {'type': 'string',
                                    'maxLength': 64}}})},
                'responses': _answers(_ref('Lookup'), 'Kết quả tra cứu.',
                    '404', '413')}},
        TOKEN_PATH: {'post': {
                'operationId': 'requestToken', 'tags': ['oauth'],
                'summary': 'Cấp mã truy cập (OAuth 2.0 client credentials)',
                'description': 'RFC 6749 §4.4. Ứng dụng xác thực bằng mã '
                    'ứng dụng (client_id) và khóa bí mật (client_secret) '
                    'do Sở TT&TT cấp: qua HTTP Basic (client_secret_basic) '
                    'hoặc trong nội dung (client_secret_post), không dùng '
                    'cả hai. Tham số scope (tùy chọn) thu hẹp các phạm vi '
                    'của ứng dụng, không mở rộng được. Mã truy cập có hiệu '
                    'lực expires_in giây và mất hiệu lực ngay khi ứng dụng '
                    'bị ngừng hoạt động hoặc khóa bí mật bị thu hồi hay '
                    'cấp lại. Yêu cầu cấp mã được ghi nhật ký và tính vào '
                    'giới hạn số yêu cầu mỗi phút của ứng dụng.',
                'security': [{'clientBasic': []}, {}],
                'requestBody': {'required': True, 'content': {
                        'application/x-www-form-urlencoded': {'schema': {
                                'type': 'object',
                                'required': ['grant_type'],
                                'properties': {
                                    'grant_type': {
                                        'const': 'client_credentials'},
                                    'scope': {'type': 'string',
                                        'description': 'Các phạm vi yêu '
                                        'cầu, cách nhau bởi dấu cách.'},
                                    'client_id': {'type': 'string'},
                                    'client_secret': {'type': 'string'},
                                    }}}}},
                'responses': {
                    '200': {'description': 'Mã truy cập.',
                        'content': _json(_ref('Token'))},
                    '400': _oauth_error('Yêu cầu không hợp lệ: '
                        'invalid_request, unsupported_grant_type, '
                        'invalid_scope.'),
                    '401': {'description': 'Xác thực ứng dụng thất bại '
                            '(invalid_client).',
                        'headers': {'WWW-Authenticate': {
                                'schema': {'type': 'string'}}},
                        'content': _json(_ref('OAuthError'))},
                    '405': _error('Chỉ chấp nhận POST.'),
                    '413': _error('Nội dung yêu cầu quá lớn.'),
                    '429': {'description': 'Vượt giới hạn số yêu cầu mỗi '
                            'phút của ứng dụng (rate_limited).',
                        'headers': {'Retry-After': {
                                'schema': {'type': 'integer',
                                    'minimum': 1}}},
                        'content': _json(_ref('OAuthError'))},
                    }}},
        '/openapi.json': {'get': {
                'operationId': 'getDocument', 'tags': ['document'],
                'summary': 'Tài liệu OpenAPI này', 'security': [],
                'responses': {'200': {'description': 'Tài liệu OpenAPI.',
                        'content': _json({'type': 'object'})}}}},
        },
    'components': {
        'securitySchemes': {
            'bearer': {
                'type': 'http', 'scheme': 'bearer',
                'description': 'Khóa API do Sở TT&TT cấp, hoặc mã truy cập '
                    'lấy tại /api/v1/oauth/token.'},
            'oauth2': {
                'type': 'oauth2',
                'description': 'OAuth 2.0 client credentials (RFC 6749 '
                    '§4.4): mã ứng dụng và khóa bí mật do Sở TT&TT cấp.',
                'flows': {'clientCredentials': {
                        'tokenUrl': '/api/v1' + TOKEN_PATH,
                        'scopes': OAUTH_SCOPES}}},
            'clientBasic': {
                'type': 'http', 'scheme': 'basic',
                'description': 'client_secret_basic: mã ứng dụng và khóa '
                    'bí mật (RFC 6749 §2.3.1).'},
            },
        'schemas': SCHEMAS,
        },
    }

# Each operation names the OAuth scope it needs (its tag's).
TAG_SCOPES = {'catalogue': 'catalogue:read', 'dossiers': 'dossier:read',
    'statistics': 'statistics:read', 'lookup': 'lookup'}
for _methods in DOCUMENT['paths'].values():
    for _operation in _methods.values():
        _scope = TAG_SCOPES.get(_operation['tags'][0])
        if _scope:
            _operation['security'] = [{'bearer': []},
                {'oauth2': [_scope]}]


def document():
    "A copy of the document (callers may change theirs)."
    return copy.deepcopy(DOCUMENT)
