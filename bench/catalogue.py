"""The catalogue's benchmarks (issues #7 and #22): the search page and the
procedure page, as citizens use them — searches typed with and without
diacritics, some with a filter, and the pages of the published
procedures."""
import random
from urllib.parse import quote, urlencode

import psycopg

from bench import load
from bench.load import forwarded_for

SEARCH_TERMS = ['khai sinh', 'ket hon', 'giay phep xay dung', 'dat dai',
    'chung thuc ban sao', 'ho kinh doanh', 'giay phep lai xe', 'tro cap',
    'an toan thuc pham', 'khai tu', 'moi truong', 'ruou',
    'khai sinh', 'kết hôn', 'giấy phép xây dựng', 'đất đai',
    'chứng thực bản sao', 'hộ kinh doanh', 'trợ cấp', 'khai tử']
# One search in four also filters by a field, a level or an agency.
FILTERED = 0.25
# A search answered from the catalogue's index and cards runs 1 query (the
# connection pool's check), a procedure page about 9 (its live counts and
# the other modules' blocks); one that computes its index, cards and
# parts, 40 to 70.
CACHED_QUERIES = 20


def published(conninfo):
    """The codes of the published procedures and the filters their
    catalogue offers: ([code], [(filter, id)])."""
    with psycopg.connect(conninfo) as conn:
        codes = [c for c, in conn.execute(
                "SELECT code FROM gov_procedure WHERE state = 'published' "
                "ORDER BY code")]
        filters = [('field', i) for i, in conn.execute(
                "SELECT DISTINCT field FROM gov_procedure "
                "WHERE state = 'published' AND field IS NOT NULL")]
        filters += [('level', i) for i, in conn.execute(
                'SELECT DISTINCT kind FROM "gov_procedure-gov_agency_kind"')]
        filters += [('agency', i) for i, in conn.execute(
                'SELECT DISTINCT agency FROM "gov_procedure-gov_agency"')]
    return codes, sorted(filters)


def _get(ctx, rnd, path):
    r = load.http(ctx['port'], 'GET', path,
        {'X-Forwarded-For': forwarded_for(rnd)})
    return ((r.status == 200) or f'status {r.status}', r.queries, None,
        r.server_ms)


def catalogue_client(ctx):
    "GET /thu-tuc?q=… (with a filter one time in four)."
    _, filters = published(ctx['conninfo'])

    def make(i):
        rnd = random.Random(200 + i)

        def call():
            query = {'q': rnd.choice(SEARCH_TERMS)}
            if filters and rnd.random() < FILTERED:
                name, value = rnd.choice(filters)
                query[name] = value
            return _get(ctx, rnd, '/thu-tuc?' + urlencode(query))
        return call
    return make


def procedure_client(ctx):
    "GET /thu-tuc/<code> of a published procedure chosen at random."
    codes, _ = published(ctx['conninfo'])

    def make(i):
        rnd = random.Random(300 + i)

        def call():
            return _get(ctx, rnd, '/thu-tuc/' + quote(rnd.choice(codes)))
        return call
    return make


def warm(ctx, workers):
    """Every worker renders the catalogue's cards and procedure pages
    before anything is measured (load.warm): each worker computes them once
    after it starts, about 3 s for the 53 procedures of the demo catalogue
    (see the README)."""
    codes, _ = published(ctx['conninfo'])
    paths = ['/thu-tuc/' + quote(code) for code in codes]
    paths += ['/thu-tuc?' + urlencode({'q': term}) for term in SEARCH_TERMS]
    load.warm(ctx['port'], paths, workers, CACHED_QUERIES, settled=2)
