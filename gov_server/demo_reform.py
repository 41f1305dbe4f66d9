"""The demo's second scenario, "after 1 July 2025": the agency tree of the
merged province, loaded through the restructuring wizard (R-CAT-9, R-AG-1).

    python -m gov_server.demo_reform [--database NAME] [--dry-run] [--json]
    make demo-2025

On a database with the demo data (make run), runs the wizard
(gov.agency.restructure) through the ORM as the administrator, once per
row of STEPS: the departments merged in 2025, the wards of Gia Nghĩa
re-grouped, the district level abolished (province → communes), the
province renamed. Prints the dossiers per state and the figures per
agency before and after: the counts per state do not change, in-flight
dossiers are under their successors, finished ones and the closed months
(facts stored by the monthly extraction) keep their old agencies.

--dry-run rolls everything back (the tests run it on the live demo
database that way); --json prints the facts the tests check. Run twice,
it changes nothing the second time (the steps already done are skipped:
their agencies are inactive).

What comes from a source (shared/data/SOURCES.md §2): the provincial
merger (Lâm Đồng + Đắk Nông + Bình Thuận → tỉnh Lâm Đồng, 01/7/2025), the
district level abolished on that day, Đắk Nông's departments merged in
2025 (19 → 13 sở and 1 equivalent), the ward name "Đông Gia Nghĩa".
Everything else below is marked GIẢ ĐỊNH (an assumption for the demo):
which departments merged (the national pattern of 2025), which old wards
form which new ward, who takes over the districts without communes in the
data, and the identifier codes of the new agencies.
"""
import argparse
import datetime as dt
import json
import sys
from collections import Counter

from gov_server import configure

MARKER = "[demo-2025]"
FINAL_STATES = {'rejected', 'done', 'withdrawn'}
DEPARTMENTS_DATE = dt.date(2025, 3, 1)
MERGER_DATE = dt.date(2025, 7, 1)
PROVINCE = '000.00.00.H16'
CITY = '000.00.21.H16'
DESK = '000.30.21.H16'

# (date, operation, source codes, successor code or new agency, other
# values, reason). A new agency: {'code', 'name', 'kind', 'parent'}.
STEPS = [
    # Departments (HĐND tỉnh, 28/02/2025): GIẢ ĐỊNH which ones, after the
    # national pattern of 2025.
    (DEPARTMENTS_DATE, 'merge', ['000.00.08.H16'], '000.00.07.H16', {},
        "Hợp nhất Sở Tài nguyên và Môi trường vào Sở Nông nghiệp và Phát "
        "triển nông thôn (Nghị quyết HĐND tỉnh 28/02/2025; GIẢ ĐỊNH theo "
        "phương án chung toàn quốc)"),
    (DEPARTMENTS_DATE, 'rename', ['000.00.07.H16'], None,
        {'new_name': "Sở Nông nghiệp và Môi trường tỉnh Đắk Nông"},
        "Đổi tên sau hợp nhất (GIẢ ĐỊNH)"),
    (DEPARTMENTS_DATE, 'merge', ['000.00.04.H16'], '000.00.05.H16', {},
        "Hợp nhất Sở Kế hoạch và Đầu tư vào Sở Tài chính (GIẢ ĐỊNH theo "
        "phương án chung toàn quốc)"),
    (DEPARTMENTS_DATE, 'merge', ['000.00.10.H16'], '000.00.09.H16', {},
        "Hợp nhất Sở Giao thông vận tải vào Sở Xây dựng (GIẢ ĐỊNH theo "
        "phương án chung toàn quốc)"),
    (DEPARTMENTS_DATE, 'merge', ['000.00.11.H16'], '000.00.14.H16', {},
        "Hợp nhất Sở Thông tin và Truyền thông vào Sở Khoa học và Công nghệ "
        "(GIẢ ĐỊNH theo phương án chung toàn quốc)"),
    (DEPARTMENTS_DATE, 'merge', ['000.00.12.H16'], '000.00.02.H16', {},
        "Hợp nhất Sở Lao động - Thương binh và Xã hội vào Sở Nội vụ (GIẢ "
        "ĐỊNH theo phương án chung toàn quốc)"),
    # Wards of Gia Nghĩa re-grouped (GIẢ ĐỊNH: which old ward goes where;
    # only the name Đông Gia Nghĩa has a source), directly under the
    # province.
    (MERGER_DATE, 'merge', ['000.01.21.H16', '000.04.21.H16',
            '000.02.21.H16'],
        {'code': '000.51.00.H16', 'kind': 'commune_committee',
            'name': "Ủy ban nhân dân phường Bắc Gia Nghĩa"}, {},
        "Sắp xếp đơn vị hành chính cấp xã từ 01/7/2025 (GIẢ ĐỊNH phạm vi "
        "các phường hợp nhất)"),
    (MERGER_DATE, 'merge', ['000.03.21.H16', '000.07.21.H16'],
        {'code': '000.52.00.H16', 'kind': 'commune_committee',
            'name': "Ủy ban nhân dân phường Nam Gia Nghĩa"}, {},
        "Sắp xếp đơn vị hành chính cấp xã từ 01/7/2025 (GIẢ ĐỊNH phạm vi "
        "các phường hợp nhất)"),
    (MERGER_DATE, 'merge', ['000.05.21.H16', '000.06.21.H16',
            '000.08.21.H16'],
        {'code': '000.53.00.H16', 'kind': 'commune_committee',
            'name': "Ủy ban nhân dân phường Đông Gia Nghĩa"}, {},
        "Sắp xếp đơn vị hành chính cấp xã từ 01/7/2025 (tên phường Đông Gia "
        "Nghĩa có nguồn; GIẢ ĐỊNH phạm vi)"),
    # District level abolished: the city's committee, its one-stop desk and
    # its offices pass to the ward of its seat (GIẢ ĐỊNH).
    (MERGER_DATE, 'merge', [CITY], '000.51.00.H16', {},
        "Kết thúc hoạt động cấp huyện từ 01/7/2025: UBND thành phố Gia "
        "Nghĩa; bộ phận một cửa và các phòng chuyển về phường Bắc Gia "
        "Nghĩa (GIẢ ĐỊNH)"),
    (MERGER_DATE, 'rename', [DESK], None,
        {'new_name': "Bộ phận Một cửa phường Bắc Gia Nghĩa"},
        "Kết thúc hoạt động cấp huyện từ 01/7/2025 (GIẢ ĐỊNH)"),
    (MERGER_DATE, 'move', ['000.01.27.H16'], None,
        {'new_parent': PROVINCE},
        "Chính quyền địa phương hai cấp từ 01/7/2025: xã trực thuộc tỉnh"),
    (MERGER_DATE, 'merge', ['000.00.27.H16'], '000.01.27.H16', {},
        "Kết thúc hoạt động cấp huyện từ 01/7/2025: UBND huyện Krông Nô, "
        "chuyển về UBND thị trấn Đắk Mâm (GIẢ ĐỊNH)"),
    # The districts whose communes are not in the demo data: what they
    # hold goes to the province's committee, so that nothing is lost
    # (GIẢ ĐỊNH).
    (MERGER_DATE, 'merge', ['000.00.22.H16', '000.00.23.H16',
            '000.00.24.H16', '000.00.25.H16', '000.00.26.H16',
            '000.00.28.H16'], PROVINCE, {},
        "Kết thúc hoạt động cấp huyện từ 01/7/2025; các xã của các huyện "
        "này chưa có trong dữ liệu mẫu (GIẢ ĐỊNH)"),
    # The merged province keeps the name Lâm Đồng (source); its
    # identifier code is not in the sources: kept (GIẢ ĐỊNH).
    (MERGER_DATE, 'rename', [PROVINCE], None,
        {'new_name': "Ủy ban nhân dân tỉnh Lâm Đồng",
            'new_short_name': "UBND tỉnh Lâm Đồng"},
        "Nghị quyết của Quốc hội ngày 12/6/2025: Lâm Đồng, Đắk Nông, Bình "
        "Thuận hợp nhất thành tỉnh Lâm Đồng từ 01/7/2025"),
    ]


def _agencies(pool):
    from trytond.transaction import Transaction
    Agency = pool.get('gov.agency')
    with Transaction().set_context(active_test=False):
        return {a.code: a for a in Agency.search([])}


def snapshot(pool):
    "Dossiers (per state and one by one) and the figures per agency."
    from trytond.transaction import Transaction
    from trytond.transaction import without_check_access
    Dossier = pool.get('gov.dossier')
    with without_check_access(), Transaction().set_context(
            active_test=False):
        dossiers = Dossier.search([], order=[('id', 'ASC')])
        rows = {d.id: {
                'code': d.code, 'state': d.state,
                'due_date': d.due_date.isoformat() if d.due_date else None,
                'agency': d.agency.code,
                'current_unit': (d.current_unit.code
                    if d.current_unit else None),
                'history': len(d.history),
                'restructured': [h.reason for h in d.history
                    if h.event == 'restructured'],
                } for d in dossiers}
    return {
        'states': dict(Counter(r['state'] for r in rows.values())),
        'dossiers': rows,
        'figures': figures(pool),
        }


def figures(pool):
    """{period label: {agency code: (received, resolved, in progress)}}
    for the last month the extraction stored (closed) and the current
    month (counted live)."""
    try:
        from gov_report.figures import compute, extracted_months
    except ImportError:
        return {}
    from trytond.transaction import without_check_access
    today = pool.get('ir.date').today()
    periods = []
    with without_check_access():
        closed = sorted(extracted_months())
        if closed:
            year, month = map(int, closed[-1].split('-'))
            first = dt.date(year, month, 1)
            last = (first + dt.timedelta(days=32)).replace(day=1) \
                - dt.timedelta(days=1)
            periods.append((f'{closed[-1]} (closed)', first, last))
        periods.append((f'{today:%Y-%m} (live)', today.replace(day=1),
                today))
        agencies = {a.id: a.code for a in _agencies(pool).values()}
        result = {}
        for label, first, last in periods:
            rows = compute(first, last, by=('agency',))
            result[label] = {agencies.get(key[0], str(key[0])): [
                    values['received'], values['resolved'],
                    values['in_progress_on_time']
                    + values['in_progress_overdue']]
                for key, values in rows.items()
                if any([values['received'], values['resolved'],
                        values['in_progress_on_time'],
                        values['in_progress_overdue']])}
    return result


def restructure(pool, admin_id, step):
    """Run the wizard for one step as the administrator; return the
    restructuring log, None when the step was already done."""
    from trytond.transaction import Transaction
    date, operation, sources, successor, extra, reason = step
    agencies = _agencies(pool)
    records = [agencies[c] for c in sources if c in agencies]
    if not records or not all(r.active for r in records):
        return None
    values = {'operation': operation, 'date': date,
        'reason': f'{reason} {MARKER}',
        'sources': [r.id for r in records]}
    if operation == 'rename' and all(
            getattr(records[0], k[4:]) == v for k, v in extra.items()):
        return None
    if isinstance(successor, dict):
        Kind = pool.get('gov.agency.kind')
        kind, = Kind.search([('code', '=', successor['kind'])])
        values.update(create_successor=True, new_name=successor['name'],
            new_code=successor['code'], new_kind=kind.id,
            new_parent=agencies[PROVINCE].id)
    elif successor:
        values['successor'] = agencies[successor].id
    for key, value in extra.items():
        values[key] = agencies[value].id if key == 'new_parent' else value
    Wizard = pool.get('gov.agency.restructure', type='wizard')
    Log = pool.get('gov.agency.restructuring')
    with Transaction().set_user(admin_id), Transaction().set_context(
            language='vi'):
        session, _, _ = Wizard.create()
        Wizard.execute(session, {'start': values}, 'preview')
        Wizard.execute(session, {'start': values, 'preview': {}}, 'apply')
        Wizard.delete(session)
    logs = Log.search([], order=[('id', 'DESC')], limit=1)
    return logs[0] if logs else None


def in_flight(snapshot_):
    "{agency code: in-flight dossiers addressed to it}."
    return dict(Counter(r['agency'] for r in snapshot_['dossiers'].values()
            if r['state'] not in FINAL_STATES))


def print_report(pool, before, after, logs, out=sys.stdout):
    def p(*args):
        print(*args, file=out)
    kinds = dict(pool.get('gov.agency.restructuring.line').kinds())
    names = {c: a.name for c, a in _agencies(pool).items()}
    p('Hồ sơ theo trạng thái (trước → sau):')
    for state in sorted(set(before['states']) | set(after['states'])):
        p(f'  {state:<14} {before["states"].get(state, 0):>4} → '
            f'{after["states"].get(state, 0):>4}')
    p()
    p(f'{len(logs)} lần sắp xếp lại cơ quan:')
    for log in logs:
        moved = Counter()
        for line in log.lines:
            moved[kinds.get(line.kind, line.kind)] += line.count
        p(f'  {log.date:%d/%m/%Y} {log.operation_string}: '
            f'{", ".join(s.code for s in log.sources)}'
            + (f' → {log.successor.code}' if log.successor else ''))
        if moved:
            p('      ' + '; '.join(f'{k}: {n}' for k, n in moved.items()))
    p()
    p('Hồ sơ đang giải quyết theo cơ quan tiếp nhận (trước → sau):')
    old, new = in_flight(before), in_flight(after)
    for code in sorted(set(old) | set(new)):
        p(f'  {code:<14} {old.get(code, 0):>3} → {new.get(code, 0):>3}  '
            f'{names.get(code, "")}')
    p()
    p('Số liệu theo cơ quan (tiếp nhận, đã giải quyết, đang giải quyết; '
        'tháng đã chốt đọc số liệu lưu trữ, tháng hiện tại tính trực tiếp):')
    for period in after['figures']:
        p(f'  {period}')
        old = before['figures'].get(period, {})
        new = after['figures'][period]
        for code in sorted(set(old) | set(new)):
            p(f'    {code:<14} {str(old.get(code, "—")):<12} → '
                f'{str(new.get(code, "—")):<12} {names.get(code, "")}')


def main(argv=None):
    configure()
    from trytond import config
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default=None)
    parser.add_argument('--dry-run', action='store_true',
        help='roll everything back at the end')
    parser.add_argument('--json', action='store_true',
        help='print the facts before and after as JSON')
    args = parser.parse_args(argv)
    name = args.database or config.get('gov', 'database', default='dvc')

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0, context={'language': 'vi'}) as tx:
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        before = snapshot(pool)
        logs = []
        for step in STEPS:
            log = restructure(pool, admin.id, step)
            if log:
                logs.append(log)
        after = snapshot(pool)
        agencies = _agencies(pool)
        result = {
            'before': before, 'after': after,
            'agencies': {c: {'active': bool(a.active), 'name': a.name,
                    'successor': a.successor.code if a.successor else None,
                    'parent': a.parent.code if a.parent else None}
                for c, a in agencies.items()},
            'restructurings': len(logs),
            }
        if args.json:
            print(json.dumps(result, ensure_ascii=False, default=str))
        else:
            print_report(pool, before, after, logs)
        if args.dry_run:
            tx.rollback()
            if not args.json:
                print('\n(--dry-run: nothing was kept)')
        else:
            tx.commit()


if __name__ == '__main__':
    main()
