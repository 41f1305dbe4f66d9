"""What the sandbox processes share: their command line (address, port,
the shared secret, verbosity), their log format, their threaded HTTP
server that keeps the partner's state (`SandboxServer`, `SandboxHandler`),
and stopping when the process that started them is gone
(GOV_SANDBOX_PARENT, set by gov_server.sandboxes)."""
import argparse
import logging
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

logger = logging.getLogger(__name__)


def parse_arguments(name, description, port, argv=None, extra=None):
    """The sandbox's arguments: --host, --port (default port), --secret
    (or $GOV_SANDBOX_SECRET, required), --verbose, and those `extra`
    (a function of the parser) adds; logging set up for `name`; the
    parent watched."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=port)
    parser.add_argument('--secret',
        default=os.environ.get('GOV_SANDBOX_SECRET'),
        help='shared HMAC secret (default: $GOV_SANDBOX_SECRET)')
    parser.add_argument('--verbose', action='store_true',
        help='log every HTTP request')
    if extra:
        extra(parser)
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error('--secret (or GOV_SANDBOX_SECRET) is required')
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
        format=f'{name} %(levelname)s %(message)s')
    parent = os.environ.get('GOV_SANDBOX_PARENT')
    if parent:
        threading.Thread(target=watch_parent, args=(int(parent),),
            daemon=True).start()
    return args


def watch_parent(pid):
    "Stop when the process that started the sandbox is gone."
    while True:
        time.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            logger.warning('parent process %d gone: stopping', pid)
            os._exit(0)
        except PermissionError:
            pass


class SandboxHandler(BaseHTTPRequestHandler):
    "Requests logged (to the sandbox's `logger`) only with --verbose."
    logger = logger

    def log_message(self, format, *args):
        if self.server.verbose:
            self.logger.info('%s ' + format, self.address_string(), *args)


class SandboxServer(ThreadingHTTPServer):
    """A threaded server; the partner's state objects are its attributes
    (server.operator, server.portal…), which the handler reads."""
    daemon_threads = True

    def __init__(self, address, handler, verbose=False, **state):
        super().__init__(address, handler)
        self.verbose = verbose
        for name, value in state.items():
            setattr(self, name, value)
