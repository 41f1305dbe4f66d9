"""The development mailbox: `make run` catches outgoing mail on this machine.

When ``[gov] dev_mailbox`` names a folder (config/trytond.conf: var/mail),
the development server (gov_server.run) starts a small SMTP server on
127.0.0.1 (aiosmtpd) that writes every message it receives to
``<folder>/<date>-<time>-<n>.eml``, points ``[email] uri`` at it, and the
portal shows the messages at http://127.0.0.1:8000/hop-thu-thu-nghiem —
registration and password-reset links included. Nothing leaves the
machine. Production never has it: config/trytond-postgresql.conf has no
``dev_mailbox`` and gunicorn does not read it (only gov_server.run does).
"""
import email
import itertools
import logging
import os
import re
import time
from email import policy
from pathlib import Path

from werkzeug.wrappers import Request, Response

logger = logging.getLogger(__name__)

PATH = '/hop-thu-thu-nghiem'
NAME = re.compile(r'^[0-9]{8}-[0-9]{6}-[0-9]+\.eml$')
LINK = re.compile(r'(https?://[^\s<>"]+)')

_counter = itertools.count(1)
# The folder of the running mailbox; None when it is off (the page is then
# never routed: gov_server.wsgi checks it).
DIRECTORY = None
_controller = None


class Handler:
    "aiosmtpd handler: one .eml file per message, written atomically."

    def __init__(self, directory):
        self.directory = Path(directory)

    async def handle_DATA(self, server, session, envelope):
        name = time.strftime('%Y%m%d-%H%M%S') + f'-{next(_counter)}.eml'
        temporary = self.directory / ('.' + name)
        temporary.write_bytes(envelope.original_content or envelope.content)
        os.replace(temporary, self.directory / name)
        logger.info('development mailbox: message to %s kept as %s',
            ', '.join(envelope.rcpt_tos), name)
        return '250 OK'


def start(directory, port=0):
    """Start the SMTP server on 127.0.0.1 (a free port by default); return
    its smtp:// URI."""
    global DIRECTORY, _controller
    import socket

    from aiosmtpd.controller import Controller
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if not port:
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
    _controller = Controller(Handler(directory), hostname='127.0.0.1',
        port=port)
    _controller.start()
    DIRECTORY = directory
    return f'smtp://127.0.0.1:{port}'


def stop():
    global DIRECTORY, _controller
    if _controller is not None:
        _controller.stop()
    DIRECTORY = _controller = None


def messages(directory=None):
    "The kept messages, newest first: (file name, parsed message)."
    directory = Path(directory or DIRECTORY)
    names = sorted((p.name for p in directory.glob('*.eml')
            if NAME.match(p.name)), key=_order, reverse=True)
    for name in names:
        yield name, read_message(directory / name)


def read_message(path):
    with open(path, 'rb') as f:
        return email.message_from_binary_file(f, policy=policy.default)


def _order(name):
    stamp, number = name[:-4].rsplit('-', 1)
    return stamp, int(number)


def text_of(message):
    "The plain-text body, cut into lines of (text, is_link) pieces."
    part = message.get_body(preferencelist=('plain', 'html'))
    text = part.get_content() if part is not None else ''
    return [[(piece, bool(LINK.fullmatch(piece)))
            for piece in LINK.split(line) if piece]
        for line in text.splitlines()]


def application(environ, start_response):
    "The page: the list of messages, or one message."
    from gov_portal.web import LANG_COOKIE, LANGUAGES, render_template
    request = Request(environ)
    lang = request.cookies.get(LANG_COOKIE)
    lang = lang if lang in LANGUAGES else 'vi'
    name = request.path[len(PATH):].strip('/')
    status, values = 200, {}
    if not name:
        values['mails'] = [(n, m) for n, m in messages()]
    elif NAME.match(name) and (DIRECTORY / name).is_file():
        message = read_message(DIRECTORY / name)
        values['mail'] = (name, message, text_of(message))
    else:
        status = 404
    if request.method not in {'GET', 'HEAD'}:
        status, values = 405, {}
    if status != 200:
        from gov_portal.web import error_response
        return error_response(request, status)(environ, start_response)
    html = render_template('dev_mailbox.html', lang=lang, user=None,
        csrf_token='', path=request.path, full_path=request.path,
        flashes=[], portal=None, mailbox=str(DIRECTORY), **values)
    response = Response(html, content_type='text/html; charset=utf-8')
    response.headers['Cache-Control'] = 'no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response(environ, start_response)

