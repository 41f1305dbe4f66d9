"""Load the province data under data/ and the demo accounts, idempotently.

Each loader matches existing records by a natural key (agency code, holiday
date, user login) and only creates what is missing or updates what differs,
so running it again never duplicates or wipes anything. Modules that bring
their own data sets add a loader to LOADERS (see the loaders below).
"""
import datetime as dt

from gov_server.data_dossiers import load_demo_dossiers
from gov_server.data_feedback import load_demo_feedback
from gov_server.data_postal import load_postal
from gov_server.data_procedures import load_procedures
from gov_server.data_rating import load_demo_ratings
from gov_server.data_report import load_reports
from gov_server.data_signature import load_signature
from gov_server.settings import ADMIN_PASSWORD, DEMO_PASSWORD, read_csv

# login, name, group XML ids (of gov_agency unless <module>.<id>), agency
# code, position, head
DEMO_USERS = [
    ('quantri', 'Trần Văn Quang', ['group_admin'], '000.00.01.H16',
        'Chuyên viên quản trị Cổng dịch vụ công', False),
    ('motcua', 'Nguyễn Thị Hoa', ['group_receiver'], '000.30.21.H16',
        'Công chức Bộ phận Một cửa', False),
    # Receives what the province's centre serves: departments, and the
    # districts and communes without a desk of their own in the demo.
    ('motcuatinh', 'Đinh Thị Hạnh', ['group_receiver'], '000.01.01.H16',
        'Công chức Trung tâm Phục vụ hành chính công tỉnh', False),
    ('chuyenvien', 'Lê Văn Minh', ['group_specialist'], '000.31.21.H16',
        'Chuyên viên', False),
    ('truongphong', 'Phạm Thị Thu', ['group_unit_head', 'group_specialist'],
        '000.31.21.H16', 'Trưởng phòng', True),
    ('lanhdao', 'Hoàng Văn Bình', ['group_leader'], '000.00.21.H16',
        'Phó Chủ tịch UBND thành phố', True),
    ('buudien', 'Đỗ Thị Mai', ['group_postal'], '000.00.40.H16',
        'Nhân viên bưu điện', False),
    ('sotttt', 'Vũ Đức Long', ['group_ict_admin'], '000.00.11.H16',
        'Chuyên viên Sở Thông tin và Truyền thông', False),
    ('kiemtra', 'Bùi Thị Ngọc', ['group_auditor'], '000.00.00.H16',
        'Chuyên viên theo dõi, báo cáo', False),
    # The fees the city's desk and its wards collect (gov_fee): payments,
    # reconciliation, refunds.
    ('ketoan', 'Lý Thị Thanh', ['gov_fee.group_accountant'],
        '000.00.21.H16', 'Kế toán Văn phòng HĐND và UBND thành phố', False),
    ]


def load_agencies(pool):
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    kinds = {k.code: k for k in Kind.search([])}
    rows = read_csv('agencies.csv')
    existing = {a.code: a for a in Agency.search(
                [('code', 'in', [r['code'] for r in rows])])}
    created = 0
    for row in rows:  # parents come before their children in the file
        agency = existing.get(row['code'])
        if agency is None:
            agency = Agency(code=row['code'])
            created += 1
        agency.name = row['name']
        agency.kind = kinds[row['kind']]
        agency.parent = existing.get(row['parent_code'])
        for field in ('address', 'phone', 'email'):
            setattr(agency, field, row[field] or None)
        agency.save()
        existing[row['code']] = agency
    return f'{len(rows)} agencies ({created} new)'


def load_holidays(pool):
    Holiday = pool.get('gov.holiday')
    rows = read_csv('holidays.csv')
    existing = {h.date: h for h in Holiday.search([])}
    to_save = []
    for row in rows:
        date = dt.date.fromisoformat(row['date'])
        holiday = existing.get(date) or Holiday(date=date)
        holiday.name = row['name']
        holiday.kind = row['kind']
        holiday.source = row['source'][:250] or None
        to_save.append(holiday)
    Holiday.save(to_save)
    return f'{len(rows)} holidays and make-up days'


def group_xml_id(name):
    "(module, id) of a group of DEMO_USERS."
    module, _, xml_id = name.rpartition('.')
    return module or 'gov_agency', xml_id


def load_users(pool):
    User = pool.get('res.user')
    Agency = pool.get('gov.agency')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    Group = pool.get('res.group')
    Lang = pool.get('ir.lang')
    vi, = Lang.search([('code', '=', 'vi')])
    created = 0
    for login, name, groups, code, position, head in DEMO_USERS:
        users = User.search([('login', '=', login)])
        if users:
            continue
        agency, = Agency.search([('code', '=', code)])
        user = User(
            login=login, name=name, password=DEMO_PASSWORD, language=vi,
            # Demo accounts keep their published password.
            password_change_required=False,
            email=f'{login}@dichvucong.example',
            groups=[Group(ModelData.get_id(*group_xml_id(g)))
                for g in groups])
        user.save()
        Officer.create([{
                    'user': user.id, 'agency': agency.id,
                    'position': position, 'head': head}])
        created += 1
    admin, = User.search([('login', '=', 'admin')])
    if admin.language != vi:
        admin.language = vi
        admin.save()
    return f'{len(DEMO_USERS)} demo officers ({created} new)'


def load_bank_accounts(pool):
    """The accounts receiving the demo agencies' fees by transfer
    (data/agency_bank_accounts.csv, all GIẢ ĐỊNH): set where the agency has
    none yet, once gov_fee gives agencies an account."""
    Agency = pool.get('gov.agency')
    fields = ['bank_bin', 'bank_name', 'bank_account', 'bank_account_holder']
    if not set(fields) <= set(Agency._fields):
        return 'agencies have no bank account fields: nothing done'
    rows = read_csv('agency_bank_accounts.csv')
    agencies = {a.code: a for a in Agency.search(
                [('code', 'in', [r['code'] for r in rows])])}
    changed = 0
    for row in rows:
        agency = agencies.get(row['code'])
        if agency is None or agency.bank_account:
            continue
        Agency.write([agency], {f: row[f] for f in fields})
        changed += 1
    return f'{len(rows)} demo bank accounts of agencies ({changed} set)'


def load_translations(pool):
    from gov_server.translations import load_framework_translations
    return load_framework_translations(pool)


LOADERS = [load_translations, load_agencies, load_holidays, load_procedures]
DEMO_LOADERS = [load_users, load_bank_accounts, load_postal,
    load_demo_dossiers, load_signature, load_demo_feedback, load_demo_ratings,
    load_reports]


def load_all(database, demo=True):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    from trytond.transaction import TransactionError
    loaders = LOADERS + (DEMO_LOADERS if demo else [])
    # As the RPC dispatcher does: a transaction that needs a lock it did not
    # take at its start (the receipt books of the demo's payments) is
    # rolled back and run again with the lock; the loaders are idempotent.
    extras = {}
    for attempt in range(5):
        try:
            with Transaction().start(database, 0, context={'language': 'vi'},
                    **extras):
                for loader in loaders:
                    print('>>', loader.__name__, '—', loader(pool),
                        flush=True)
            return
        except TransactionError as error:
            error.fix(extras)
            print('>> again, with the locks', extras, flush=True)
    raise RuntimeError('the data could not be loaded: locks')


def print_accounts(url):
    print()
    print('Cổng dịch vụ công (citizen portal):  ', url + '/')
    print('Hệ thống Một cửa điện tử (back office):', url + '/admin/')
    print()
    print(f'  {"login":<12} {"password":<12} role')
    print(f'  {"admin":<12} {ADMIN_PASSWORD:<12} Tryton administrator '
        '(and provincial office administrator)')
    for login, name, groups, code, position, _ in DEMO_USERS:
        print(f'  {login:<12} {DEMO_PASSWORD:<12} {name} — {position} '
            f'({", ".join(groups)}, {code})')
    print()
