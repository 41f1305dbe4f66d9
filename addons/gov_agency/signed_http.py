# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Signed JSON over HTTP: what every adapter of a third-party platform
shares (gov_fee.gateway's payment platform, gov_postal.carrier's postal
operator). Pure Python, no database.

- `sign(secret, data)`: HMAC-SHA256 of the bytes, lowercase hex — the
  ``X-Signature`` header of a request or of a callback;
- `verify(secret, body, headers, error, what)`: checks ``X-Signature``
  against the raw body, in constant time (`hmac.compare_digest`), and
  raises `error` (the adapter's SignatureError) when it is missing or
  does not match (R-SEC: nothing a third party sends is believed before
  this check);
- `header(headers, name)`: a header's value, the name compared
  case-insensitively (a dict, an email.message or a list of pairs);
- `check_key(value, what)`, `check_url(url, what)`: our ids (used as
  ``Idempotency-Key``) and the callback/return URLs we hand out;
- `read_object(body, error, what)`: a JSON object from raw bytes;
- `signed_json(secret, data)`: (body, headers) of a signed JSON message,
  what a platform's callback carries (the fakes of the adapters make them);
- `signed_request(url, secret, data=None, key=None)`: a POST of `data` as
  compact UTF-8 JSON signed over the body, with ``Idempotency-Key: key``;
  or, without data, a GET signed over the request target (path and query);
- `send(request, …)`: the request with retries — connection errors,
  timeouts and 5xx answers are tried again after `backoff` seconds,
  doubled each time, at most `attempts` times in all; a 4xx is final. The
  same request (same body, same ``Idempotency-Key``) is sent each time,
  so a retried POST never creates a second object at the other end;
- `Signed`: an adapter whose third party signs what it sends with the
  shared secret: `verified(body, headers, what)`;
- `Configured`: an adapter's settings, keyword arguments first, then its
  section of the trytond configuration (read when asked, not at import);
- `Adapters`: the adapters of one kind by name, the one in use chosen by
  an option of the trytond configuration (``[gov_fee] gateway``,
  ``[gov_postal] carrier``).
"""
import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request

logger = logging.getLogger(__name__)

__all__ = ['SIGNATURE_HEADER', 'IDEMPOTENCY_HEADER', 'sign', 'header',
    'verify', 'check_key', 'check_url', 'read_object', 'json_body',
    'target', 'signed_json', 'signed_request', 'send', 'Signed',
    'Configured', 'Adapters']

SIGNATURE_HEADER = 'X-Signature'
IDEMPOTENCY_HEADER = 'Idempotency-Key'
KEY = re.compile(r'[A-Za-z0-9._:-]{1,64}')
ANSWER_LIMIT = 1 << 20


def sign(secret, data):
    "HMAC-SHA256 of data (bytes) with secret, as lowercase hex."
    if isinstance(secret, str):
        secret = secret.encode('utf-8')
    return hmac.new(secret, bytes(data), hashlib.sha256).hexdigest()


def header(headers, name):
    "A header's value, the name compared case-insensitively (or None)."
    if headers is None:
        return None
    items = headers.items() if hasattr(headers, 'items') else headers
    name = name.lower()
    for key, value in items:
        if key.lower() == name:
            return value
    return None


def verify(secret, body, headers, error=ValueError, what='message'):
    """Raise `error` unless headers' X-Signature is the HMAC-SHA256 of the
    raw body (bytes) with secret (R-SEC), compared in constant time."""
    if not isinstance(body, (bytes, bytearray)):
        raise TypeError("verify the raw body (bytes), not a decoded one")
    given = header(headers, SIGNATURE_HEADER)
    if not given:
        raise error(f"the {what} has no {SIGNATURE_HEADER} header")
    expected = sign(secret, body).encode('ascii')
    given = given.strip().lower().encode('ascii', 'replace')
    if not hmac.compare_digest(expected, given):
        raise error(f"the {what}'s signature does not match its body")


def check_key(value, what):
    "value, when it can serve as an Idempotency-Key and in a URL path."
    if not isinstance(value, str) or not KEY.fullmatch(value):
        raise ValueError(
            f"the {what} must be 1 to 64 letters, digits or . _ : -, "
            f"not {value!r}")
    return value


def check_url(url, what):
    "url, when it is an absolute http(s) URL."
    parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in {'http', 'https'} or not parts.netloc:
        raise ValueError(f"the {what} must be an http(s) URL, not {url!r}")
    return url


def read_object(body, error, what):
    "The JSON object in the raw body; `error` when there is none."
    try:
        data = json.loads(bytes(body).decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as exception:
        raise error(f"the {what} is not JSON: {exception}")
    if not isinstance(data, dict):
        raise error(f"the {what} is not a JSON object")
    return data


def json_body(data):
    "data as compact UTF-8 JSON (the bytes that are signed and sent)."
    return json.dumps(data, ensure_ascii=False,
        separators=(',', ':')).encode('utf-8')


def signed_json(secret, data):
    "(body, headers) of data as a JSON message signed with secret."
    body = json_body(data)
    return body, {SIGNATURE_HEADER: sign(secret, body),
        'Content-Type': 'application/json; charset=utf-8'}


def target(url):
    "The request target of url (path and query): what a GET signs."
    parts = urllib.parse.urlsplit(url)
    return (parts.path or '/') + (f'?{parts.query}' if parts.query else '')


def signed_request(url, secret, data=None, key=None):
    """A signed urllib request: POST of data as JSON (signed over the body,
    with Idempotency-Key: key when given), or a GET when data is None
    (signed over the request target)."""
    headers = {'Accept': 'application/json'}
    if data is None:
        body, method = None, 'GET'
        headers[SIGNATURE_HEADER] = sign(secret, target(url).encode('utf-8'))
    else:
        body, method = json_body(data), 'POST'
        headers['Content-Type'] = 'application/json; charset=utf-8'
        headers[SIGNATURE_HEADER] = sign(secret, body)
    if key is not None:
        headers[IDEMPOTENCY_HEADER] = key
    return urllib.request.Request(url, data=body, headers=headers,
        method=method)


def send(request, *, timeout=10, attempts=3, backoff=0.5, error=Exception,
        party='platform', subject='the request'):
    """(status, headers, body) of the answer to request, retried on
    connection errors, timeouts and 5xx; `error` for a 4xx, for a 5xx or
    an unreachable party after the last attempt. party and subject name
    them in the messages ("HTTP 503 from the <party> for <subject>")."""
    timeout = float(timeout)
    attempts = max(1, int(attempts))
    delay = float(backoff)
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return (response.status, response.headers,
                    response.read(ANSWER_LIMIT))
        except urllib.error.HTTPError as exception:
            text = exception.read(2048).decode('utf-8', 'replace')
            exception.close()
            if exception.code < 500 or attempt == attempts:
                raise error(f"HTTP {exception.code} from the {party} for "
                    f"{subject}: {text[:500]}")
            reason = f"HTTP {exception.code}"
        except (urllib.error.URLError, OSError) as exception:
            # Refused, reset, timed out: the other end may or may not have
            # acted; the Idempotency-Key makes the retry safe.
            if attempt == attempts:
                raise error(f"{party} unreachable for {subject} after "
                    f"{attempts} attempts: {exception}")
            reason = str(getattr(exception, 'reason', exception))
        logger.warning("%s: attempt %d/%d for %s failed (%s); retrying in "
            "%.1f s", party, attempt, attempts, subject, reason, delay)
        time.sleep(delay)
        delay *= 2


class Signed:
    """An adapter whose third party signs its messages with the shared
    secret: `signature_error` for a missing or forged signature, `error`
    for a message that is not a JSON object."""
    error = ValueError
    signature_error = ValueError

    def secret(self):
        raise NotImplementedError

    def verified(self, body, headers, what):
        "The JSON object of the message, once its signature is checked."
        verify(self.secret(), body, headers, self.signature_error, what)
        return read_object(body, self.error, what)


class Configured:
    """An adapter's settings: keyword arguments given to the constructor,
    else the option of the trytond configuration's `section`. `error` is
    raised for a required option that is not set."""
    section = None
    error = ValueError

    def __init__(self, **settings):
        self.settings = settings

    def option(self, name, default=None):
        value = self.settings.get(name)
        if value is None:
            import trytond.config as config
            value = config.get(self.section, name, default=default)
        return value

    def required(self, name):
        value = self.option(name)
        if not value:
            raise self.error(f"[{self.section}] {name} is not configured")
        return value

    def retries(self):
        "The keyword arguments of `send` that the settings give."
        return {
            'timeout': self.option('timeout', 10),
            'attempts': self.option('attempts', 3),
            'backoff': self.option('backoff', 0.5),
            }


class Adapters:
    """The adapters of one kind of third party by name; `get()` makes the
    one named by ``[section] option`` (default: `default`)."""

    def __init__(self, section, option, default, error, what, **adapters):
        self.section, self.option, self.default = section, option, default
        self.error, self.what = error, what
        self.adapters = adapters

    def register(self, name, adapter_class):
        self.adapters[name] = adapter_class

    def get(self):
        import trytond.config as config
        name = config.get(self.section, self.option, default=self.default)
        if name not in self.adapters:
            raise self.error(f"unknown {self.what} {name!r} "
                f"([{self.section}] {self.option})")
        return self.adapters[name]()
