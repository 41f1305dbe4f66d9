# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The API's contract as the tests check it (R-OPS-2): the OpenAPI
document is valid OpenAPI 3.1 (openapi-spec-validator), and an answer's
body is valid against the schema the document gives for its path, method
and status (jsonschema, Draft 2020-12 — the dialect of OpenAPI 3.1 —
with the document as the registry its $refs resolve in, formats
checked). Shared by the module's tests and tests/test_api_http.py."""
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_document
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from gov_api import openapi

URI = 'urn:gov-api:v1'


def _pointer(*parts):
    return '/'.join(p.replace('~', '~0').replace('/', '~1') for p in parts)


def check_document(document=None):
    "Raise when the document is not valid OpenAPI 3.1."
    validate_document(document or openapi.document())


def check_answer(template, method, status, body, headers=None):
    """Raise when body (parsed JSON) is not what the document promises for
    template (e.g. '/dossiers/{code}'), method and status."""
    document = openapi.document()
    operation = document['paths'][template][method.lower()]
    response = operation['responses'].get(str(status))
    assert response is not None, (
        f'{method} {template} may not answer {status}')
    for name in (response.get('headers') or {}):
        assert name.lower() in {k.lower() for k in (headers or {})}, (
            f'header {name} missing from the {status} answer')
    registry = Registry().with_resource(URI, Resource(
            contents=document, specification=DRAFT202012))
    schema = {'$ref': URI + '#/' + _pointer('paths', template,
            method.lower(), 'responses', str(status), 'content',
            'application/json', 'schema')}
    Draft202012Validator(schema, registry=registry,
        format_checker=FormatChecker()).validate(body)
