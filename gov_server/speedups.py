"""Two fixes of work trytond 8.0 repeats for every row or every piece of an
answer, installed by the WSGI application (gov_server.wsgi) for the server
processes; measured by bench/ on an officer's list of 80 dossiers.

- Rows: ModelSQL.search() and read() turn the rows of their query into
  dicts with trytond.tools.cursor_dict, which fetches one row at a time
  (the cursor's arraysize is 1) and asks psycopg for the column names again
  for each row — psycopg builds them anew each time: 4,500 objects for one
  search of 80 dossiers, more than half of the search's Python work. Both
  callers make a list of all the rows at once; here the names are read once
  and the rows fetched at once.
- JSON: every JSON-RPC answer is encoded with JSONEncoder.iterencode(),
  json's pure-Python encoder, and streamed in pieces as they come (5.6 ms of
  the 34 ms of reading the list; 12,000 pieces, one socket write each).
  OneShotEncoder gives trytond the same text in one piece, written by the C
  encoder, which calls the same default() for dates, Decimal, bytes …
  trytond asks twice for an answer longer than 1,400 bytes (a first try
  that stops there, then the stream): the text of the first is kept, per
  thread, for the second.
"""
import threading

from trytond.model import modelsql
from trytond.protocols import jsonrpc


def cursor_dict(cursor, size=None):
    "The rows of the cursor's result as dicts (what trytond's yields)."
    names = [column[0] for column in cursor.description or ()]
    for row in cursor.fetchall():
        yield dict(zip(names, row))


class OneShotEncoder(jsonrpc.JSONEncoder):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._last = threading.local()

    def iterencode(self, o, _one_shot=False):
        if _one_shot:  # encode() asks for the C encoder
            return super().iterencode(o, _one_shot=True)
        last = getattr(self._last, 'value', None)
        if last is not None and last[0] is o:
            text = last[1]
            self._last.value = None
        else:
            text = self.encode(o)
            self._last.value = (o, text)
        return iter((text,))


def install():
    "Install both fixes in this process (once)."
    modelsql.cursor_dict = cursor_dict
    if not isinstance(jsonrpc.encoder, OneShotEncoder):
        jsonrpc.encoder = OneShotEncoder(separators=(',', ':'))
