"""A sandbox SMS operator: plays the brandname SMS operator over real HTTP
on this machine, so that development and tests send the notifications by
SMS, get their delivery reports and try the lookup by SMS without a real
operator.

    python -m gov_server.sandbox_sms --port P --secret S [--host H]
        [--sender DVC-DAKNONG] [--inbound-url URL] [--report-delay SECONDS]

(the secret may come from the environment variable GOV_SANDBOX_SECRET
instead, which keeps it out of the process list). It speaks the protocol
of gov_dossier.gateway.OperatorSMSGateway (``[gov] sms_gateway =
operator``, settings in ``[gov_sms]``):

``POST /messages``
    JSON ``{to, text, sender, client_message_id, callback_url}``, headers
    ``X-Signature`` (HMAC-SHA256 hex of the body with the secret; checked,
    401 otherwise) and ``Idempotency-Key`` (= client_message_id; 400
    otherwise). A sender other than ``--sender``: 403; a ``to`` that is
    not a Vietnamese mobile number: 400. Answers 201 ``{"message_id":
    "SM…", "client_message_id", "status": "accepted"}``; the same message
    again (same client message id, same body) answers 200 with the same
    message id and is not delivered again; another body under a used id:
    409. Then, after ``--report-delay`` seconds (0.2), the delivery report
    ``{event_id, client_message_id, message_id, status, at, error}`` is
    POSTed, signed the same way, to the message's callback_url, retried a
    few times while the platform is down or answers 5xx.
``GET /messages``
    (for tests and demos, not signed) the messages kept, oldest first,
    each with how many requests carried it (``requests``) and its
    delivery reports with the platform's answer to each; ``?to=`` filters
    by number.
``POST /control``
    (tests and demos, not signed) JSON, every field optional:
    ``{"fail_next": N}`` answers the next N ``POST /messages`` with 503
    (to prove the platform's retries); ``{"report": "delivered" |
    "failed" | "none"}`` what the next reports say (``none``: no report);
    ``{"inbound_url": URL}`` where inbound SMS are forwarded. Answers the
    settings now in force.
``POST /inbound``
    an SMS a citizen sends to the lookup number: JSON or form ``{"from":
    "0912345678", "text": "TRACUU <code>"}``. Forwarded as the real
    operator does to the platform's ``/sms/inbound`` (``--inbound-url``,
    or /control's), JSON ``{from, text, id}`` signed with
    ``X-SMS-Timestamp`` and ``X-SMS-Signature`` = HMAC-SHA256 hex of
    ``<timestamp>.<body>`` with the secret (gov_portal routes_sms.py).
    Answers 200 ``{"status": <the platform's HTTP status>, "answer": <its
    JSON>}`` (502 when it cannot be reached); the platform's ``reply``,
    unless it sent it itself, is kept as a message to the citizen, as the
    operator would send it. A form post (the page below) is sent back to
    the page.
``GET /``
    a page for people: a form to text the lookup number, and the messages
    sent, newest first.
``GET /health``
    ``{"status": "ok"}``.

Every JSON answer carries ``X-Signature`` over its body. Everything is
kept in memory and lost when the process stops. Nothing here imports
Tryton: it is the third party, not part of the platform.
gov_server.sandboxes starts it (``sms``, section ``[gov_sms]``) and
points ``[gov] sms_gateway``, ``[gov_sms] url`` and ``secret`` and ``[gov]
sms_inbound_secret`` at it.
"""
import contextlib
import datetime as dt
import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from gov_server.sandbox_common import (
    SandboxHandler, SandboxServer, parse_arguments)

logger = logging.getLogger('gov_server.sandbox_sms')

MESSAGE_FIELDS = ('to', 'text', 'sender', 'client_message_id',
    'callback_url')
REPORTS = ('delivered', 'failed', 'none')
CALLBACK_ATTEMPTS = 4
CALLBACK_BACKOFF = 0.2
CALLBACK_TIMEOUT = 5
MAX_BODY = 64 * 1024
MAX_TEXT = 1000
KEY = re.compile(r'[A-Za-z0-9._:-]{1,64}')
PHONE = re.compile(r'(0|84)[35789]\d{8}')


def sign(secret, data):
    return hmac.new(secret.encode('utf-8'), data, hashlib.sha256).hexdigest()


def _now():
    return dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _national(phone):
    phone = re.sub(r'[\s.+-]', '', str(phone or ''))
    if not PHONE.fullmatch(phone):
        return None
    return '0' + phone[2:] if phone.startswith('84') else phone


def _check_message(message):
    "What is wrong with the message, or None."
    if not isinstance(message, dict):
        return 'the body is not a JSON object'
    missing = [k for k in ('to', 'text', 'client_message_id')
        if k not in message]
    if missing:
        return 'missing: ' + ', '.join(missing)
    if not _national(message['to']):
        return 'to must be a Vietnamese mobile number'
    if not isinstance(message['text'], str) or not message['text'].strip():
        return 'text must be a non-empty string'
    if len(message['text']) > MAX_TEXT:
        return f'text is over {MAX_TEXT} characters'
    if not isinstance(message['client_message_id'], str) or not (
            KEY.fullmatch(message['client_message_id'])):
        return 'client_message_id must be 1 to 64 letters, digits or . _ : -'
    callback = message.get('callback_url')
    if callback is not None and urllib.parse.urlsplit(
            str(callback)).scheme not in {'http', 'https'}:
        return 'callback_url must be an http(s) URL'
    return None


def post_json(url, body, headers, attempts=CALLBACK_ATTEMPTS):
    """POST body to url, retried on connection errors and 5xx:
    {accepted, status, attempts, error, answer}."""
    result = {'accepted': False, 'status': None, 'attempts': 0,
        'error': None, 'answer': None}
    delay = CALLBACK_BACKOFF
    while result['attempts'] < attempts:
        result['attempts'] += 1
        request = urllib.request.Request(url, data=body,
            headers=dict(headers, **{
                    'Content-Type': 'application/json; charset=utf-8'}),
            method='POST')
        try:
            with urllib.request.urlopen(
                    request, timeout=CALLBACK_TIMEOUT) as response:
                text = response.read(65536)
                result.update(accepted=True, status=response.status,
                    error=None, answer=_json_or_text(text))
                return result
        except urllib.error.HTTPError as error:
            text = error.read(65536)
            error.close()
            result.update(status=error.code, answer=_json_or_text(text),
                error=text[:500].decode('utf-8', 'replace'))
            if error.code < 500:
                break
        except (urllib.error.URLError, OSError) as error:
            result.update(status=None,
                error=str(getattr(error, 'reason', error)))
        logger.warning('POST %s: attempt %d failed: %s', url,
            result['attempts'], result['error'])
        if result['attempts'] < attempts:
            time.sleep(delay)
            delay *= 2
    return result


def _json_or_text(data):
    try:
        return json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        return data[:500].decode('utf-8', 'replace')


class Operator:
    "The messages in memory and what the operator does with them."

    def __init__(self, secret, sender=None, inbound_url=None,
            report_delay=0.2):
        if not secret:
            raise ValueError("the sandbox needs the shared secret")
        self.secret = secret
        self.sender = sender
        self.inbound_url = inbound_url
        self.report_delay = report_delay
        self.report = 'delivered'
        self.fail_next = 0
        self.messages = []
        self.by_key = {}
        self.lock = threading.Lock()

    def signed(self, data, headers):
        return hmac.compare_digest(sign(self.secret, data).encode(),
            (headers.get('X-Signature') or '').strip().lower().encode(
                'ascii', 'replace'))

    # ---------------------------------------------------------- sending
    def send(self, body, headers):
        "(status, answer) of POST /messages."
        if not self.signed(body, headers):
            return 401, {'error': 'missing or wrong X-Signature'}
        try:
            message = json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            return 400, {'error': 'the body is not JSON'}
        problem = _check_message(message)
        if problem:
            return 400, {'error': problem}
        key = message['client_message_id']
        if (headers.get('Idempotency-Key') or '').strip() != key:
            return 400, {'error': 'the Idempotency-Key header must be the '
                'client_message_id'}
        if self.sender and message.get('sender') != self.sender:
            return 403, {'error': 'this sender (brandname) is not '
                'registered for the account'}
        message = {k: message.get(k) for k in MESSAGE_FIELDS}
        message['to'] = _national(message['to'])
        with self.lock:
            if self.fail_next > 0:
                # Overloaded: nothing recorded, the platform retries.
                self.fail_next -= 1
                return 503, {'error': 'temporarily unavailable'}
            known = self.by_key.get(key)
            if known is not None:
                known['requests'] += 1
                if known['request'] != message:
                    return 409, {'error': 'this client_message_id was used '
                        'for another message'}
                return 200, self.receipt(known)
            record = self.record(message, 'notification')
        logger.info('message %s to %s (%s)', record['message_id'],
            message['to'], key)
        if message['callback_url'] and self.report != 'none':
            threading.Thread(target=self.deliver, args=(record, self.report),
                daemon=True).start()
        return 201, self.receipt(record)

    def record(self, message, kind):
        "Keep a message (the lock held); the record."
        record = {
            'message_id': 'SM' + secrets.token_hex(8).upper(),
            'client_message_id': message.get('client_message_id'),
            'kind': kind,
            'to': message['to'],
            'text': message['text'],
            'sender': message.get('sender') or self.sender,
            'received_at': _now(),
            'requests': 1,
            'request': message,
            'reports': [],
            }
        self.messages.append(record)
        if record['client_message_id']:
            self.by_key[record['client_message_id']] = record
        return record

    @staticmethod
    def receipt(record):
        return {'message_id': record['message_id'],
            'client_message_id': record['client_message_id'],
            'status': 'accepted'}

    def deliver(self, record, status):
        "The handset's answer, later: the signed report to the callback."
        time.sleep(self.report_delay)
        report = {
            'event_id': 'DLR' + secrets.token_hex(8).upper(),
            'client_message_id': record['client_message_id'],
            'message_id': record['message_id'],
            'status': status,
            'at': _now(),
            'error': None if status == 'delivered'
            else 'subscriber unreachable',
            }
        body = json.dumps(report, ensure_ascii=False).encode('utf-8')
        callback = post_json(record['request']['callback_url'], body,
            {'X-Signature': sign(self.secret, body)})
        with self.lock:
            record['reports'].append(
                {'report': report, 'callback': callback})
        logger.info('message %s: %s, report %s', record['message_id'],
            status, 'accepted' if callback['accepted'] else 'refused')

    # ---------------------------------------------------------- control
    def control(self, body):
        "(status, answer) of POST /control."
        try:
            data = json.loads(body.decode('utf-8') or '{}')
        except (UnicodeDecodeError, ValueError):
            return 400, {'error': 'the body is not JSON'}
        if not isinstance(data, dict):
            return 400, {'error': 'the body is not a JSON object'}
        fail = data.get('fail_next')
        if fail is not None and (isinstance(fail, bool)
                or not isinstance(fail, int) or fail < 0):
            return 400, {'error': 'fail_next must be 0 or more'}
        if data.get('report', 'delivered') not in REPORTS:
            return 400, {'error': 'report must be one of ' + ', '.join(
                    REPORTS)}
        url = data.get('inbound_url')
        if url is not None and urllib.parse.urlsplit(
                str(url)).scheme not in {'http', 'https'}:
            return 400, {'error': 'inbound_url must be an http(s) URL'}
        with self.lock:
            if fail is not None:
                self.fail_next = fail
            if 'report' in data:
                self.report = data['report']
            if url is not None:
                self.inbound_url = url
            return 200, self.settings()

    def settings(self):
        return {'fail_next': self.fail_next, 'report': self.report,
            'inbound_url': self.inbound_url}

    def listing(self, query):
        to = _national(query.get('to', [''])[0])
        with self.lock:
            messages = [dict({k: v for k, v in m.items() if k != 'request'},
                    reports=list(m['reports']))
                for m in self.messages if not to or m['to'] == to]
        return 200, {'messages': messages}

    # ---------------------------------------------------------- inbound
    def inbound(self, body, content_type):
        "(status, answer) of POST /inbound: forwarded to the platform."
        if 'json' in content_type:
            try:
                data = json.loads(body.decode('utf-8'))
            except (UnicodeDecodeError, ValueError):
                return 400, {'error': 'the body is not JSON'}
        else:
            data = dict(urllib.parse.parse_qsl(
                    body.decode('utf-8', 'replace')))
        if not isinstance(data, dict):
            return 400, {'error': 'the body is not a JSON object'}
        phone = _national(data.get('from'))
        text = data.get('text')
        if not phone or not isinstance(text, str) or not text.strip():
            return 400, {'error': 'from (a Vietnamese mobile number) and '
                'text are required'}
        url = self.inbound_url
        if not url:
            return 409, {'error': 'no inbound_url: start with '
                '--inbound-url or set it with POST /control'}
        forwarded = json.dumps({'from': phone, 'text': text[:MAX_TEXT],
                'id': 'MO' + secrets.token_hex(8).upper()},
            ensure_ascii=False).encode('utf-8')
        timestamp = str(int(time.time()))
        signature = sign(self.secret, timestamp.encode() + b'.' + forwarded)
        # Not retried: the platform counts each lookup against the phone.
        result = post_json(url, forwarded, {'X-SMS-Timestamp': timestamp,
                'X-SMS-Signature': signature}, attempts=1)
        if result['status'] is None:
            return 502, {'error': f"the platform is unreachable: "
                f"{result['error']}"}
        answer = result['answer']
        if (isinstance(answer, dict) and answer.get('reply')
                and not answer.get('sent')):
            # The operator sends the platform's reply to the citizen.
            with self.lock:
                self.record({'to': phone, 'text': answer['reply']}, 'reply')
        logger.info('inbound SMS from %s: platform answered %s', phone,
            result['status'])
        return 200, {'status': result['status'], 'answer': answer}


PAGE = '''<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nhà mạng SMS thử nghiệm</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #eef2f6;
  margin: 0; padding: 2em 1em; color: #1d2733; }}
main {{ max-width: 40em; margin: auto; background: #fff; padding: 1.5em;
  border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
.sandbox {{ background: #fff3cd; padding: .5em; border-radius: 4px; }}
form {{ display: flex; gap: .5em; flex-wrap: wrap; }}
input {{ padding: .5em; font-size: 1em; }}
li {{ margin: .6em 0; }} small {{ color: #5b6770; }}
</style>
</head>
<body>
<main>
<h1>Nhà mạng SMS thử nghiệm</h1>
<p class="sandbox">Môi trường thử nghiệm: không có tin nhắn thật nào được
gửi.</p>
<h2>Nhắn tin đến tổng đài tra cứu</h2>
<form method="post" action="/inbound">
<input name="from" value="0912345678" aria-label="Số điện thoại gửi"
  required>
<input name="text" placeholder="TRACUU mã hồ sơ" aria-label="Nội dung"
  required>
<button>Gửi</button>
</form>
<h2>Tin nhắn đã gửi</h2>
<ul>{items}</ul>
</main>
</body>
</html>
'''


class Handler(SandboxHandler):
    "The HTTP routes, answered from the server's Operator."
    logger = logger
    server_version = 'SandboxSMS/1'

    def answer(self, status, data):
        body = json.dumps(data, ensure_ascii=False).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('X-Signature', sign(self.server.operator.secret,
                body))
        self.end_headers()
        self.wfile.write(body)

    def page(self):
        with self.server.operator.lock:
            messages = list(reversed(self.server.operator.messages))
        items = ''.join(map(self.item, messages)) or (
            '<li>Chưa có tin nhắn.</li>')
        body = PAGE.format(items=items).encode('utf-8')
        self.send_response(200)
        self.send_header('Content-Type', 'text/html; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @staticmethod
    def item(message):
        e = html.escape
        report = (f"; {e(message['reports'][-1]['report']['status'])}"
            if message['reports'] else '')
        return (f"<li><small>{e(message['received_at'])} → "
            f"{e(message['to'])} ({e(message['sender'] or '')}){report}"
            f"</small><br>{e(message['text'])}</li>")

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        if parts.path == '/health':
            return self.answer(200, {'status': 'ok'})
        if parts.path == '/messages':
            return self.answer(*self.server.operator.listing(
                    urllib.parse.parse_qs(parts.query)))
        if parts.path == '/':
            return self.page()
        self.answer(404, {'error': 'not found'})

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            return self.answer(413, {'error': 'the body is too large'})
        body = self.rfile.read(length) if length else b''
        path = urllib.parse.urlsplit(self.path).path
        operator = self.server.operator
        if path == '/messages':
            return self.answer(*operator.send(body, self.headers))
        if path == '/control':
            return self.answer(*operator.control(body))
        if path == '/inbound':
            content_type = self.headers.get('Content-Type') or ''
            status, answer = operator.inbound(body, content_type)
            if 'form' in content_type and status == 200:
                # The page's form: back to the page, the reply listed.
                self.send_response(303)
                self.send_header('Location', '/')
                self.send_header('Content-Length', '0')
                self.end_headers()
                return
            return self.answer(status, answer)
        self.answer(404, {'error': 'not found'})




def main(argv=None):
    def extra(parser):
        parser.add_argument('--sender',
            help='the only sender (brandname) accepted (default: any)')
        parser.add_argument('--inbound-url',
            help="the platform's /sms/inbound, where inbound SMS go")
        parser.add_argument('--report-delay', type=float, default=0.2,
            help='seconds before a delivery report is sent (0.2)')
    args = parse_arguments('sandbox_sms', __doc__.splitlines()[0], 8767,
        argv, extra)
    operator = Operator(args.secret, args.sender, args.inbound_url,
        args.report_delay)
    with SandboxServer((args.host, args.port), Handler, args.verbose,
            operator=operator) as server, \
            contextlib.suppress(KeyboardInterrupt):
        logger.info('listening on http://%s:%d', *server.server_address)
        server.serve_forever()


if __name__ == '__main__':
    main()
