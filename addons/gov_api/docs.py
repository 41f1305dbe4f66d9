# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""/api/v1/docs: the OpenAPI document as a plain HTML page, generated on
the server from openapi.DOCUMENT (R-OPS-2) — no script, nothing fetched
from elsewhere, every text escaped."""
import json
from html import escape

from . import openapi

STYLE = (
    'body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;'
    'padding:1rem;line-height:1.5;color:#1a1a1a}'
    'code,pre{background:#f3f4f6;padding:.1rem .3rem;border-radius:3px}'
    'pre{padding:.75rem;overflow:auto}'
    'table{border-collapse:collapse;width:100%}'
    'th,td{border:1px solid #ccc;padding:.3rem;text-align:left;'
    'vertical-align:top}'
    '.method{font-weight:bold;text-transform:uppercase;color:#0b5394}')


def _ref_name(schema):
    ref = (schema or {}).get('$ref', '')
    return ref.rsplit('/', 1)[-1] if ref else None


def _schema_text(schema):
    name = _ref_name(schema)
    if name:
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    return f'<code>{escape(json.dumps(schema, ensure_ascii=False))}</code>'


def _operation(path, method, operation):
    parts = [
        f'<section id="{escape(operation["operationId"])}">',
        f'<h3><span class="method">{escape(method)}</span> '
        f'<code>/api/v1{escape(path)}</code></h3>',
        f'<p>{escape(operation.get("summary", ""))}</p>']
    if operation.get('description'):
        parts.append(f'<p>{escape(operation["description"])}</p>')
    if operation.get('tags'):
        tag = operation['tags'][0]
        parts.append(f'<p>Nhóm: <code>{escape(tag)}</code></p>')
    parameters = operation.get('parameters') or []
    if parameters:
        parts.append('<table><caption>Tham số</caption><tr><th>Tên</th>'
            '<th>Vị trí</th><th>Bắt buộc</th><th>Kiểu</th><th>Mô tả</th>'
            '</tr>')
        for parameter in parameters:
            parts.append(
                f'<tr><td><code>{escape(parameter["name"])}</code></td>'
                f'<td>{escape(parameter["in"])}</td>'
                f'<td>{"có" if parameter.get("required") else "không"}</td>'
                f'<td>{_schema_text(parameter.get("schema"))}</td>'
                f'<td>{escape(parameter.get("description", ""))}</td></tr>')
        parts.append('</table>')
    body = operation.get('requestBody')
    if body:
        for media, content in body['content'].items():
            parts.append(f'<p>Nội dung (<code>{escape(media)}</code>): '
                f'{_schema_text(content["schema"])}</p>')
    parts.append('<table><caption>Kết quả</caption><tr><th>Mã</th>'
        '<th>Mô tả</th><th>Nội dung</th></tr>')
    for status, answer in operation['responses'].items():
        content = (answer.get('content') or {}).get('application/json')
        parts.append(
            f'<tr><td>{escape(status)}</td>'
            f'<td>{escape(answer["description"])}</td>'
            f'<td>{_schema_text(content["schema"]) if content else ""}'
            '</td></tr>')
    parts.append('</table></section>')
    return ''.join(parts)


def _security(schemes):
    "The ways to authenticate, as the document's security schemes say."
    parts = ['<h2 id="auth">Xác thực</h2><ul>']
    for name, scheme in schemes.items():
        parts.append(f'<li><code>{escape(name)}</code>: '
            f'{escape(scheme.get("description", ""))}')
        flow = (scheme.get('flows') or {}).get('clientCredentials')
        if flow:
            parts.append(f' Điểm cấp mã: <code>POST '
                f'{escape(flow["tokenUrl"])}</code>; phạm vi: ')
            parts.append(', '.join(f'<code>{escape(scope)}</code> '
                f'({escape(text)})' for scope, text in flow['scopes'].items()))
            parts.append('.<pre>curl -u "$CLIENT_ID:$CLIENT_SECRET" '
                '-d grant_type=client_credentials -d scope=dossier:read '
                f'https://&lt;máy chủ&gt;{escape(flow["tokenUrl"])}</pre>')
        parts.append('</li>')
    parts.append('</ul>')
    return parts


def render():
    "The page's HTML."
    document = openapi.DOCUMENT
    info = document['info']
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1">',
        f'<title>{escape(info["title"])}</title>',
        f'<style>{STYLE}</style></head><body><main>',
        f'<h1>{escape(info["title"])} <small>{escape(info["version"])}'
        '</small></h1>',
        f'<p>{escape(info["summary"])}</p>',
        f'<p>{escape(info["description"])}</p>',
        '<p>Tài liệu máy đọc được: <a href="/api/v1/openapi.json">'
        '/api/v1/openapi.json</a> (OpenAPI 3.1).</p>',
        ]
    parts += _security(document['components']['securitySchemes'])
    for tag in document['tags']:
        parts.append(f'<h2 id="tag-{escape(tag["name"])}">'
            f'{escape(tag["description"])}</h2>')
        for path, methods in document['paths'].items():
            for method, operation in methods.items():
                if tag['name'] in operation.get('tags', []):
                    parts.append(_operation(path, method, operation))
    parts.append('<h2>Lược đồ dữ liệu</h2>')
    for name, schema in document['components']['schemas'].items():
        parts.append(
            f'<section id="schema-{escape(name)}"><h3>{escape(name)}</h3>'
            f'<pre>{escape(json.dumps(schema, ensure_ascii=False, indent=2))}'
            '</pre></section>')
    parts.append('</main></body></html>')
    return ''.join(parts)
