"""gov_server.speedups gives what trytond's own code gives (issue #7):
the rows of a query as dicts, and JSON-RPC answers written by json's C
encoder — the same text, for the types trytond serializes, in one piece."""
import datetime as dt
import json
import sqlite3
from decimal import Decimal

from gov_server import speedups as one_shot
from trytond.protocols import jsonrpc
from trytond.tools import cursor_dict


def test_rows_as_trytond_gives_them():
    "R-OPS-1: the same dicts, in order, for many rows and for none"
    connection = sqlite3.connect(':memory:')
    cursor = connection.cursor()
    cursor.execute('CREATE TABLE t (id INTEGER, code TEXT, fee REAL)')
    cursor.executemany('INSERT INTO t VALUES (?, ?, ?)',
        [(i, f'H16-{i:04d}', i * 1.5) for i in range(250)])
    query = 'SELECT id, code AS "code", fee FROM t ORDER BY id DESC'
    expected = list(cursor_dict(cursor.execute(query)))
    assert len(expected) == 250
    assert list(one_shot.cursor_dict(cursor.execute(query))) == expected
    empty = 'SELECT id FROM t WHERE id < 0'
    assert list(one_shot.cursor_dict(cursor.execute(empty))) == []


def answer(rows=200):
    return {'id': 7, 'result': [{
                'id': i, 'code': f'000.30.21.H16-250303-{i:04d}',
                'name': 'Nguyễn Văn An "đủ" \\ ký tự',
                'received_date': dt.datetime(2025, 3, 3, 9, 0, 1, 250),
                'due_date': dt.date(2025, 3, 10),
                'cutoff': dt.time(16, 30),
                'delay': dt.timedelta(days=2, seconds=5),
                'fee': Decimal('50000.00'),
                'file': b'%PDF-1.4',
                'flags': [True, None, 1.5],
                } for i in range(rows)]}


def test_same_text_as_trytond_in_one_piece():
    "R-OPS-1: the C encoder writes exactly what trytond's encoder writes"
    data = answer()
    expected = ''.join(jsonrpc.JSONEncoder(
            separators=(',', ':')).iterencode(data))
    encoder = one_shot.OneShotEncoder(separators=(',', ':'))
    pieces = list(encoder.iterencode(data))
    assert pieces == [expected]
    # trytond asks twice for a long answer: the second is the same text.
    assert list(encoder.iterencode(data)) == [expected]
    decoded = json.loads(expected, object_hook=jsonrpc.JSONDecoder())
    assert decoded['result'][3]['fee'] == Decimal('50000.00')
    assert decoded['result'][3]['received_date'] == data['result'][3][
        'received_date']


def test_installed_in_trytond():
    "R-OPS-1: trytond's search/read and JSON-RPC answers use them"
    from trytond.model import modelsql
    one_shot.install()
    assert modelsql.cursor_dict is one_shot.cursor_dict
    assert isinstance(jsonrpc.encoder, one_shot.OneShotEncoder)
    data = answer()
    long_text = jsonrpc.encoder.encode(data)
    assert len(long_text) > 1400
    try:
        jsonrpc.dumps(data)
    except OverflowError:
        pass
    else:
        raise AssertionError('a long answer must be streamed')
    assert ''.join(jsonrpc.encoder.iterencode(data)) == long_text
    assert jsonrpc.dumps(answer(rows=1)) == jsonrpc.encoder.encode(
        answer(rows=1))
