"""A sandbox national public service portal: receives the dossiers' status
changes the platform sends (gov_api outbox.py) over real HTTP on this
machine, so that development and tests run the synchronisation without
the real portal.

    python -m gov_server.sandbox_national --port P --secret S [--host H]

(the secret may come from GOV_SANDBOX_SECRET instead). Its protocol:

``POST /events``
    a JSON object ``{"event_id", "event", "occurred_at", "dossier": {…}}``
    signed with ``X-Signature`` (HMAC-SHA256 hex of the body; 401 when
    missing or forged), ``Idempotency-Key`` = the event id (400 when it
    differs). Answers 200 ``{"accepted": true, "duplicate": false}``, or
    ``"duplicate": true`` for an event id it already has (kept once).
``GET /events``
    control endpoint of tests and demos (not signed): the events received,
    oldest first, and how many deliveries were refused on purpose.
``POST /control``
    control endpoint: ``{"fail_next": N}`` — the next N deliveries are
    answered 503, as a portal that is down.
``GET /health``
    ``{"status": "ok"}``.

Everything is kept in memory. Nothing here imports Tryton: it is the third
party. gov_server.sandboxes starts it."""
import hashlib
import hmac
import json
import logging
import threading

from gov_server.sandbox_common import (
    SandboxHandler, SandboxServer, parse_arguments)

logger = logging.getLogger('gov_server.sandbox_national')
MAX_BODY = 1 << 16


class Portal:
    "The events received, by id, in order."

    def __init__(self, secret):
        self.secret = secret.encode('utf-8')
        self.events = {}
        self.fail_next = 0
        self.refused = 0
        self.lock = threading.Lock()

    def receive(self, body, signature, key):
        expected = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        if not signature or not hmac.compare_digest(
                expected.encode(), signature.strip().lower().encode()):
            return 401, {'error': 'bad signature'}
        try:
            event = json.loads(body.decode('utf-8'))
        except (UnicodeDecodeError, ValueError):
            return 400, {'error': 'not JSON'}
        if not isinstance(event, dict) or not event.get('event_id'):
            return 400, {'error': 'no event_id'}
        if key != event['event_id']:
            return 400, {'error': 'Idempotency-Key is not the event id'}
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                self.refused += 1
                return 503, {'error': 'down on purpose'}
            duplicate = event['event_id'] in self.events
            if not duplicate:
                self.events[event['event_id']] = event
        return 200, {'accepted': True, 'duplicate': duplicate}


class Handler(SandboxHandler):
    logger = logger
    server_version = 'SandboxNationalPortal/1'

    def answer(self, status, data):
        body = json.dumps(data, ensure_ascii=False).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length)

    def do_GET(self):
        portal = self.server.portal
        if self.path == '/health':
            return self.answer(200, {'status': 'ok'})
        if self.path == '/events':
            with portal.lock:
                return self.answer(200, {
                        'events': list(portal.events.values()),
                        'refused': portal.refused})
        return self.answer(404, {'error': 'not found'})

    def do_POST(self):
        portal = self.server.portal
        body = self.body()
        if body is None:
            return self.answer(413, {'error': 'too large'})
        if self.path == '/events':
            return self.answer(*portal.receive(body,
                    self.headers.get('X-Signature'),
                    self.headers.get('Idempotency-Key')))
        if self.path == '/control':
            try:
                data = json.loads(body.decode('utf-8'))
                with portal.lock:
                    portal.fail_next = int(data.get('fail_next', 0))
            except (UnicodeDecodeError, ValueError, TypeError,
                    AttributeError):
                return self.answer(400, {'error': 'bad control'})
            return self.answer(200, {'fail_next': portal.fail_next})
        return self.answer(404, {'error': 'not found'})




def main(argv=None):
    args = parse_arguments('sandbox_national',
        'Sandbox national public service portal (status events)', 8093,
        argv)
    with SandboxServer((args.host, args.port), Handler, args.verbose,
            portal=Portal(args.secret)) as server:
        logger.info('listening on http://%s:%d', *server.server_address)
        server.serve_forever()


if __name__ == '__main__':
    main()
