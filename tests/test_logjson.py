"""The production logs are JSON lines (R-OPS-3), whatever ends a thread."""
import io
import json
import logging
import threading

from gov_server.logjson import JsonFormatter, log_thread_exceptions


def test_thread_exception_is_one_json_line(capsys):
    """R-OPS-3: an exception a thread does not catch (trytond's cache
    listener when PostgreSQL restarts) is logged as one JSON line with its
    traceback, not written raw to stderr among the JSON lines"""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = threading.excepthook
    try:
        log_thread_exceptions()

        def listen():
            raise ConnectionError("server closed the connection")
        thread = threading.Thread(target=listen, name='listener')
        thread.start()
        thread.join()
    finally:
        threading.excepthook = previous
        root.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 1, lines
    entry, = entries
    assert entry['level'] == 'ERROR'
    assert 'listener' in entry['message']
    assert 'ConnectionError: server closed the connection' in entry[
        'exception']
    assert 'Exception in thread' not in capsys.readouterr().err
