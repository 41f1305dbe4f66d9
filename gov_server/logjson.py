"""One JSON object a line for the production logs (deploy/logging.conf).

A log collector (journald, Loki, a SIEM for the operation and security
reports of R-OPS-3) reads fields instead of guessing them from text:
time (UTC, ISO 8601), level, logger, process, message, and the exception's
traceback when there is one. gunicorn's access lines carry their fields
(client, request line, status, bytes, duration) under "http". Standard
library only: it is named by class in logging's ConfigParser files, which
gunicorn (--log-config), trytond-cron and trytond-worker (--logconf) read.
"""
import datetime as dt
import json
import logging
import threading

# gunicorn's access log atoms (glogging.Logger.atoms) kept under "http".
ACCESS_FIELDS = {
    'h': 'remote', 'm': 'method', 'U': 'path', 's': 'status', 'B': 'bytes',
    'M': 'duration_ms', 'a': 'agent', 'H': 'protocol',
    }


class JsonFormatter(logging.Formatter):

    def format(self, record):
        entry = {
            'time': dt.datetime.fromtimestamp(record.created, dt.timezone.utc
                ).isoformat(timespec='milliseconds').replace('+00:00', 'Z'),
            'level': record.levelname,
            'logger': record.name,
            'process': record.process,
            }
        args = record.args
        if record.name == 'gunicorn.access' and isinstance(args, dict):
            # Not the query string: it may carry a dossier code.
            entry['http'] = {name: args.get(atom)
                for atom, name in ACCESS_FIELDS.items()}
            entry['message'] = 'request'
        else:
            entry['message'] = record.getMessage()
        if record.exc_info:
            entry['exception'] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry['exception'] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_thread_exceptions():
    """An exception a thread does not catch goes to the logs (one JSON
    line with its traceback) instead of Python's raw text on stderr, which
    broke the JSON lines of the web logs: trytond's cache listener ends so
    when PostgreSQL restarts or its connection is cut (the listener starts
    again at the next request)."""
    def hook(args):
        if issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread else '?'
        logging.getLogger('gov_server.thread').error(
            "thread %s ended by an exception", name,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    threading.excepthook = hook
