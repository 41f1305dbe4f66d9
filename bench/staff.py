"""Staff users (issue #22): a scripted day of office work driven through
sao's own JSON-RPC calls, with more and more concurrent officers, until
the median response doubles.

    python -m bench.staff                      # dvc_bench, 5 workers
    python -m bench.staff --steps 10,20,40 --duration 30 --think 10

The same gunicorn server as `python -m bench` (bench/run.py's Server, the
configuration of bench/config.py) serves the bench database as it is (no
setup, no generation). Each simulated officer is a sao session of one of
the demo officers (several share a login, each with its own session) and
loops over its role's script (bench/staff_roles.py) with a think time
between two clicks:

- one-stop desk (motcua): To Check tab, a dossier opened, its components
  checked, received, its receipt printed;
- specialist (chuyenvien): Processing tab, a dossier of his unit opened
  with its steps and documents, forwarded with an opinion (or sent back,
  three times in ten, when a routed step was done before);
- head of unit (truongphong): Processing tab, the dossiers at his
  approval step, one opened, approved (or sent back to the specialist,
  two times in ten);
- leader of UBND TP Gia Nghĩa (lanhdao): Overdue tab, an overdue dossier
  opened, the statistics per agency of the year to date.

Each step runs --users officers for --duration seconds after --warmup
seconds (their first clicks spread over one think time); the JSON has
every step's calls/s, median and p95 (all calls and per call type),
errors (HTTP errors, server errors, no answer) and refusals (a business
refusal served by the server: UserError…), and the actions that really
ran. The capacity is the largest step whose median, and that of every
step before it, stays within twice the first step's. No figure is
compared with a limit to pass or fail.
"""
import argparse
import datetime as dt
import json
import random
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

from bench import staff_roles
from bench.config import DEFAULT_DATABASE, write_config
from bench.generate import conninfo_for
from bench.load import percentile
from bench.run import RESULTS, Server, log, machine
from bench.staff_roles import (
    LOGINS, PASSWORD, SCRIPTS, Failed, Recorder, Refused, Session, User,
    Views)

# The share of each role among the officers (a one-stop desk receives for
# the specialists of several units; heads and leaders approve and watch).
MIX = {'one_stop': 40, 'specialist': 30, 'head': 15, 'leader': 15}
TARGET_USERS = 60


def roles_for(users, mix=MIX):
    """The roles of `users` officers in the mix's proportions (largest
    remainder), every role at least once from as many officers as roles."""
    total = sum(mix.values())
    exact = {r: users * share / total for r, share in mix.items()}
    counts = {r: int(v) for r, v in exact.items()}
    if users >= len(mix):
        for role in counts:
            counts[role] = max(counts[role], 1)
    while sum(counts.values()) < users:
        role = max(mix, key=lambda r: (exact[r] - counts[r], mix[r]))
        counts[role] += 1
    while sum(counts.values()) > users:
        role = max((r for r in mix if counts[r] > 1),
            key=lambda r: counts[r] - exact[r])
        counts[role] -= 1
    return [r for r in mix for _ in range(counts[r])]


def officer_units(conninfo):
    "The agencies (with their sub-units) of each demo officer's login."
    with psycopg.connect(conninfo) as conn:
        units = {}
        for login in LOGINS.values():
            rows = conn.execute("""
                WITH RECURSIVE tree(id) AS (
                    SELECT o.agency FROM gov_agency_officer o
                    JOIN res_user u ON u.id = o."user" WHERE u.login = %s
                    UNION SELECT a.id FROM gov_agency a
                    JOIN tree t ON a.parent = t.id)
                SELECT id FROM tree""", (login,)).fetchall()
            if not rows:
                raise SystemExit(f'no officer {login!r} in the database '
                    '(python -m bench.prepare DATABASE adds them)')
            units[login] = [r for r, in rows]
        receipt = conn.execute("SELECT db_id FROM ir_model_data WHERE "
            "module = 'gov_dossier' AND fs_id = 'report_receipt'"
            ).fetchone()[0]
        dossiers = conn.execute("SELECT reltuples::bigint FROM pg_class "
            "WHERE relname = 'gov_dossier'").fetchone()[0]
    return units, receipt, dossiers


class Pool:
    "Logged-in sessions per login, reused from step to step."

    def __init__(self, port, database):
        self.port, self.database = port, database
        self.sessions = {}
        self.views = {}

    def take(self, login, count):
        sessions = self.sessions.setdefault(login, [])
        while len(sessions) < count:
            sessions.append(Session(self.port, self.database, login,
                    PASSWORD))
        if login not in self.views:
            self.views[login] = Views(sessions[0])
        return sessions[:count]


def run_step(pool, users, duration, warmup, think, config, seed,
        record=True):
    "Run `users` officers; return the recorder and the actions done."
    roles = roles_for(users)
    taken = Counter()
    plan = []
    for role in roles:
        taken[role] += 1
    sessions = {role: pool.take(LOGINS[role], n) for role, n in taken.items()}
    begin = time.perf_counter()
    recorder = Recorder(begin + warmup, begin + warmup + duration)
    recorder.enabled = record
    actions = Counter()
    lock = threading.Lock()
    for role in roles:
        session = sessions[role].pop()
        session.recorder = recorder
        plan.append((role, session))

    def officer(index, role, session):
        rnd = random.Random(seed * 1000 + index)
        mine = Counter()
        user = User(session, role, config['units'][LOGINS[role]],
            pool.views[LOGINS[role]], rnd, mine, config)
        deadline = recorder.deadline

        def pause(seconds):
            time.sleep(max(0.0, min(seconds, deadline - time.perf_counter())))
        # The officers' first clicks spread over one think time.
        pause(rnd.uniform(0, think) if think else rnd.random() * 0.005)
        while time.perf_counter() < deadline:
            try:
                for _ in SCRIPTS[role](user):
                    if time.perf_counter() >= deadline:
                        break
                    if think:
                        pause(rnd.uniform(0.5 * think, 1.5 * think))
            except (Failed, Refused):
                # The click failed (counted with the call): think, go on.
                mine[(role, 'interrupted')] += 1
                if think:
                    pause(rnd.uniform(0.5 * think, 1.5 * think))
        with lock:
            actions.update(mine)

    threads = [threading.Thread(target=officer, args=(i, role, session),
            daemon=True) for i, (role, session) in enumerate(plan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _, session in plan:
        session.recorder = None
    return recorder, actions, Counter(roles)


def figures(calls, seconds):
    "calls/s, median, p95… of (kind, seconds, outcome, detail) calls."
    served = sorted(s for _, s, outcome, _ in calls if outcome != 'error')
    errors = Counter(d for _, _, o, d in calls if o == 'error')
    refused = Counter(d for _, _, o, d in calls if o == 'refused')

    def ms(p):
        value = percentile(served, p)
        return round(value * 1000, 2) if value is not None else None
    return {'calls': len(calls), 'served': len(served),
        'calls_per_s': round(len(served) / seconds, 2) if seconds else None,
        'p50_ms': ms(50), 'p95_ms': ms(95),
        'max_ms': round(served[-1] * 1000, 2) if served else None,
        'errors': sum(errors.values()), 'error_kinds': dict(errors),
        'refused': sum(refused.values()), 'refusal_kinds': dict(refused)}


def summary(users, recorder, actions, roles, duration):
    step = {'users': users, 'roles': dict(roles), 'seconds': duration}
    step.update(figures(recorder.calls, duration))
    kinds = sorted({k for k, *_ in recorder.calls})
    step['types'] = {kind: figures([c for c in recorder.calls
                if c[0] == kind], duration) for kind in kinds}
    step['actions'] = {f'{role} {action}': n
        for (role, action), n in sorted(actions.items())}
    return step


def capacity(steps):
    """The largest step whose median, and every earlier step's, stays
    within twice the first step's."""
    if not steps or steps[0]['p50_ms'] is None:
        return None
    limit = 2 * steps[0]['p50_ms']
    best = None
    for step in steps:
        if step['p50_ms'] is None or step['p50_ms'] > limit:
            break
        best = step['users']
    return {'users': best, 'baseline_p50_ms': steps[0]['p50_ms'],
        'limit_p50_ms': round(limit, 2), 'target_users': TARGET_USERS,
        'target_met': best is not None and best >= TARGET_USERS}


def slowest(step, count=5):
    types = step.get('types') or {}
    ranked = sorted((k for k in types if types[k]['p50_ms'] is not None),
        key=lambda k: -types[k]['p50_ms'])
    return [{'type': k, 'p50_ms': types[k]['p50_ms'],
            'p95_ms': types[k]['p95_ms'], 'calls': types[k]['calls']}
        for k in ranked[:count]]


def table(report):
    lines = []
    head = (f"{'users':>5} {'calls/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'errors':>6} {'refused':>7}  slowest types (p50 ms)")
    lines += [head, '-' * len(head)]
    for step in report['steps']:
        slow = ', '.join(f"{s['type']} {s['p50_ms']:,.0f}"
            for s in slowest(step, 3))
        lines.append(f"{step['users']:>5} {step['calls_per_s'] or 0:>8.1f} "
            f"{step['p50_ms'] or 0:>8.1f} {step['p95_ms'] or 0:>8.1f} "
            f"{step['errors']:>6} {step['refused']:>7}  {slow}")
    last = report['steps'][-1] if report['steps'] else None
    if last:
        lines += ['', f"Call types at {last['users']} users:",
            f"{'type':<16} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'errors':>6} {'refused':>7}"]
        for kind, fig in sorted(last['types'].items(),
                key=lambda i: -(i[1]['p50_ms'] or 0)):
            lines.append(f"{kind:<16} {fig['calls']:>6} "
                f"{fig['p50_ms'] or 0:>8.1f} {fig['p95_ms'] or 0:>8.1f} "
                f"{fig['errors']:>6} {fig['refused']:>7}")
        lines += ['', 'Actions at each step:']
        for step in report['steps']:
            lines.append(f"{step['users']:>5}: " + ', '.join(
                    f'{k} {v}' for k, v in step['actions'].items()))
    cap = report.get('capacity')
    if cap:
        lines += ['', f"Capacity: {cap['users']} concurrent officers "
            f"(median ≤ {cap['limit_p50_ms']} ms = 2 × "
            f"{cap['baseline_p50_ms']} ms at {report['steps'][0]['users']}); "
            f"target ≥ {cap['target_users']}: "
            f"{'met' if cap['target_met'] else 'NOT met'}"]
    return '\n'.join(lines)


def parse(argv):
    parser = argparse.ArgumentParser(prog='python -m bench.staff',
        description=__doc__.splitlines()[0])
    parser.add_argument('--database', default=DEFAULT_DATABASE)
    parser.add_argument('--uri', default=None, help='PostgreSQL server URI '
        '(default: the local socket, or BENCH_DATABASE_URI)')
    parser.add_argument('--workers', type=int, default=5)
    parser.add_argument('--steps', default='10,20,40,60,80,100',
        help='concurrent officers of each step')
    parser.add_argument('--duration', type=float, default=60,
        help='seconds measured per step (default 60)')
    parser.add_argument('--warmup', type=float, default=10,
        help='seconds of each step not measured (default 10)')
    parser.add_argument('--think', type=float, default=10,
        help='mean seconds between two clicks of an officer, drawn '
        'between half and 1.5 times (default 10; 0: none)')
    parser.add_argument('--warm', type=float, default=10,
        help='seconds of every role back to back before the first step, '
        'not measured (default 10)')
    parser.add_argument('--filestore', default=None)
    parser.add_argument('--output', default=None,
        help='JSON file (default bench-results/staff-<time>.json)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    started = time.monotonic()
    stamp = dt.datetime.now().strftime('%Y%m%d-%H%M%S')
    output = Path(args.output) if args.output else (
        RESULTS / f'staff-{stamp}.json')
    run_dir = output.parent / f'staff-run-{stamp}'
    run_dir.mkdir(parents=True, exist_ok=True)
    config_path = write_config(args.database, uri=args.uri,
        path=run_dir / 'trytond.conf', filestore=args.filestore)
    units, receipt, dossiers = officer_units(
        conninfo_for(args.database, args.uri))
    steps = [int(s) for s in args.steps.split(',') if s.strip()]
    report = {'started': stamp, 'args': vars(args), 'machine': machine(),
        'dossiers_estimate': dossiers, 'mix_percent': MIX,
        'logins': LOGINS, 'think_s': args.think, 'steps': []}
    server = Server(config_path, args.database, workers=args.workers,
        log_dir=run_dir)
    log(f'>> gunicorn on 127.0.0.1:{server.port}, {args.workers} workers')
    server.start()
    try:
        pool = Pool(server.port, args.database)
        log('>> logging in the officers of the largest step')
        roles = Counter(roles_for(max(steps)))
        for role, count in roles.items():
            pool.take(LOGINS[role], count)
        leader = pool.sessions[LOGINS['leader']][0]
        config = {'units': units, 'receipt_action': receipt,
            'statistics_fields': staff_roles.view_fields(leader,
                'gov.report.statistics.agency', 'tree')}
        if args.warm:
            log(f'>> warm: every role back to back, {args.warm:g} s')
            run_step(pool, 2 * len(SCRIPTS), args.warm, 0, 0, config, 0,
                record=False)
        for index, users in enumerate(steps, 1):
            log(f'>> {users} officers: {args.warmup:g} + '
                f'{args.duration:g} s, think {args.think:g} s')
            recorder, actions, roles = run_step(pool, users, args.duration,
                args.warmup, args.think, config, index)
            step = summary(users, recorder, actions, roles, args.duration)
            report['steps'].append(step)
            log(f"   {step['calls_per_s']} calls/s, p50 {step['p50_ms']} "
                f"ms, p95 {step['p95_ms']} ms, {step['errors']} errors, "
                f"{step['refused']} refused")
    finally:
        server.stop()
    report['capacity'] = capacity(report['steps'])
    report['slowest_types'] = slowest(report['steps'][-1]) \
        if report['steps'] else []
    report['seconds'] = round(time.monotonic() - started, 1)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, default=str,
            ensure_ascii=False), encoding='utf-8')
    print(table(report))
    print(f'Results: {output}')
    return report


if __name__ == '__main__':
    main()
