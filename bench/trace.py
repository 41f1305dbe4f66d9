"""Where one request's SQL statements and time go (issue #22: "find where
the queries and the time go before changing anything").

Runs the project's WSGI application in this process on the bench
database, sends the same request a few times through werkzeug's test
client (the first ones fill the caches, as a running worker has them) and
prints, for the last one: its SQL statements grouped by the project's code
that ran them, the tables they read or wrote, and the functions that took
the time (cProfile).

    .venv/bin/python -m bench.trace procedure 1.001193
    .venv/bin/python -m bench.trace submission
    .venv/bin/python -m bench.trace form        # the submit form's GET
    .venv/bin/python -m bench.trace get /thu-tuc?q=khai+sinh

Run `make bench` once first (the database and its configuration).
"""
import argparse
import collections
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = (str(ROOT / 'addons'), str(ROOT / 'gov_server'))
TABLE = re.compile(
    r'\b(?:FROM|INTO|UPDATE|JOIN)\s+"?([a-z_][a-z0-9_\-]*)"?', re.I)


class Statements:
    "The SQL statements of a request with the project's frame that ran them."

    def __init__(self):
        self.rows = []
        self.active = False

    def install(self):
        from trytond.backend.postgresql import database as pg
        execute = pg.LoggingCursor.execute
        statements = self

        def traced(cursor, query, params=None, **kwargs):
            if statements.active:
                statements.add(query)
            return execute(cursor, query, params, **kwargs)
        pg.LoggingCursor.execute = traced

    def add(self, query):
        if not isinstance(query, str):
            query = query.as_string() if hasattr(query, 'as_string') else (
                str(query))
        # Without reading the source lines (the profile would show it).
        stack = traceback.StackSummary.extract(
            traceback.walk_stack(sys._getframe(2)), lookup_lines=False)
        frames = [f for f in reversed(stack)
            if f.filename.startswith(PROJECT)]
        where = 'trytond'
        if frames:
            f = frames[-1]
            where = (f'{Path(f.filename).relative_to(ROOT)}:{f.lineno} '
                f'{f.name}')
        verb = query.lstrip().split(None, 1)[0].upper() if query else ''
        tables = sorted(set(TABLE.findall(query)))
        self.rows.append((where, verb, ','.join(tables)))

    def report(self, out, sequence=False):
        print(f'\n{len(self.rows)} SQL statements', file=out)
        if sequence:
            for n, (where, verb, tables) in enumerate(self.rows, 1):
                print(f'  {n:4d}  {verb:8s} {tables:50s} {where}', file=out)
        by_origin = collections.Counter(w for w, _, _ in self.rows)
        print('\nby the project code that ran them (innermost frame):',
            file=out)
        for where, n in by_origin.most_common():
            print(f'  {n:4d}  {where}', file=out)
        print('\nthe statements of the five first:', file=out)
        for where, _ in by_origin.most_common(5):
            print(f'  {where}', file=out)
            for (verb, tables), n in collections.Counter(
                    (v, t) for w, v, t in self.rows if w == where
                    ).most_common():
                print(f'    {n:4d}  {verb:8s} {tables}', file=out)
        by_table = collections.Counter((v, t) for _, v, t in self.rows)
        print('\nby statement and tables:', file=out)
        for (verb, tables), n in by_table.most_common():
            print(f'  {n:4d}  {verb:8s} {tables}', file=out)


def form_request(conninfo, code):
    "The submit form's GET by a signed-in citizen, as the bench's clients."
    from bench import run
    session, = run.citizen_sessions(conninfo, 1)
    cookie = (f'dvc_session={session}; '
        f'dvc_browser={secrets.token_hex(16)}')

    def prepare(client):
        return dict(method='GET', path=f'/nop-ho-so/{code}',
            headers={'Cookie': cookie})
    return prepare


def submission_request(conninfo, code):
    "A POST of the submit form as the bench's clients send it."
    from bench import run
    values, components = run.form_values(conninfo, code)
    session, = run.citizen_sessions(conninfo, 1)
    files = {f'c{component}': (f'tep-{n}.pdf',
            run.pdf_file(1024 * 1024, n))
        for n, component in enumerate(components[:3], 1)}
    cookie = (f'dvc_session={session}; '
        f'dvc_browser={secrets.token_hex(16)}')
    path = f'/nop-ho-so/{code}'

    def prepare(client):
        html = client.get(path, base_url='http://127.0.0.1',
            headers={'Cookie': cookie}).get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
        token = re.search(r'name="submission" value="([^"]+)"', html)
        fields = dict(values, csrf_token=csrf.group(1),
            submission=token.group(1), action='submit',
            applicant_name='Trần Thị Bình',
            applicant_id_number='067190000001',
            applicant_phone='0912345678', applicant_email='',
            applicant_address='Gia Nghĩa', declaration='1')
        agency = re.search(r'name="agency"[^>]*>\s*(?:<option[^>]*'
            r'value="")?[^<]*(?:</option>)?\s*<option[^>]*value="(\d+)"',
            html)
        if agency:
            fields['agency'] = agency.group(1)
        body, content_type = run.multipart(fields, files)
        return dict(method='POST', path=path, data=body, headers={
                'Cookie': cookie, 'Content-Type': content_type})
    return prepare


def get_request(path):
    def prepare(client):
        return dict(method='GET', path=path, headers={})
    return prepare


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('kind',
        choices=['procedure', 'submission', 'form', 'get'])
    parser.add_argument('target', nargs='?', default=None,
        help='the procedure code, or the path of "get"')
    parser.add_argument('--database', default=None)
    parser.add_argument('--config', default=None,
        help='trytond configuration (default: the bench\'s)')
    parser.add_argument('--repeat', type=int, default=3,
        help='requests sent; the last one is profiled, the median time of '
        'those from the fourth on is printed')
    parser.add_argument('--top', type=int, default=35)
    parser.add_argument('--sequence', action='store_true',
        help='list the statements in the order they ran')
    parser.add_argument('--sort', default='cumulative',
        help='the profile\'s order (pstats: cumulative, tottime…)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    from bench.config import DEFAULT_DATABASE, VAR, write_config
    database = args.database or DEFAULT_DATABASE
    config = args.config or str(write_config(database,
            path=VAR / f'{database}-trace.conf'))
    # Before trytond reads its configuration.
    os.environ['TRYTOND_CONFIG'] = config
    from bench.generate import conninfo_for
    conninfo = conninfo_for(database)

    from werkzeug.test import Client
    from gov_server.wsgi import application
    statements = Statements()
    statements.install()
    # The cookies are the requests' own (a session of the bench).
    client = Client(application, use_cookies=False)
    if args.kind == 'submission':
        prepare = submission_request(conninfo, args.target or '1.001193')
    elif args.kind == 'form':
        prepare = form_request(conninfo, args.target or '1.001193')
    elif args.kind == 'procedure':
        prepare = get_request('/thu-tuc/' + (args.target or '1.001193'))
    else:
        prepare = get_request(args.target or '/')
    profile = None
    times = []
    for n in range(args.repeat):
        request = prepare(client)
        request['headers']['X-Forwarded-For'] = f'10.9.{n}.7'
        last = n == args.repeat - 1
        statements.rows = []
        statements.active = last
        if last:
            profile = cProfile.Profile()
            profile.enable()
        started, cpu = time.perf_counter(), time.process_time()
        # The bench configuration trusts 127.0.0.1 only (bench/config.py).
        response = client.open(request.pop('path'),
            base_url='http://127.0.0.1', **request)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
        if last:
            profile.disable()
        statements.active = False
        if not last:
            times.append((elapsed, cpu))
        if n < 3 or last or response.status_code >= 400:
            print(f'request {n + 1}: {response.status} in {elapsed:.1f} ms '
                f'{response.headers.get("Location", "")}', file=sys.stderr)
    out = sys.stdout
    if len(times) > 3:
        # The requests after the first ones (caches filled), unprofiled.
        warm = sorted(times[3:])
        elapsed, cpu = warm[len(warm) // 2]
        print(f'median of requests 4–{len(times)}: {elapsed:.2f} ms, '
            f'{cpu:.2f} ms of it this process\'s CPU (no profile; the '
            'rest is waiting: the database, the disk)', file=out)
    statements.report(out, sequence=args.sequence)
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(f'\nfunctions by {args.sort} time (the last request):', file=out)
    print(text.getvalue(), file=out)


if __name__ == '__main__':
    main()
