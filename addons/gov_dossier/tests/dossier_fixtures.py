# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Builders shared by the tests of gov_dossier.

make_world() creates, inside the current transaction:

    province H16
    ├── district A (leader_a)
    │   ├── DESK-A one-stop desk (receiver_a, backfiller)
    │   └── UNIT-A specialised unit (specialist_a, head_a: head)
    ├── district B
    │   ├── DESK-B (receiver_b)
    │   └── UNIT-B (specialist_b)
    ├── TAX tax department (specialist_tax)
    └── POST postal enterprise (postal)
    auditor, admin_p (provincial office) and nobody (no role) belong to no
    agency.

and a published procedure P1 (5 working days; receive 0.5 at DESK-A,
check 3 at UNIT-A for specialists, approve 1 at UNIT-A for unit heads,
return 0.5 at DESK-A) with a mandatory component, an optional one and a
required eForm field "ho_ten".

Times are written in local time (Asia/Ho_Chi_Minh) with local() and
stored as naive UTC, as Tryton does.
"""
import datetime as dt
import unittest
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction, check_access

D = dt.date
PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 32
JPG = b'\xff\xd8\xff\xe0' + b'\x00' * 32
CITIZEN_ID = '067195001234'   # Đắk Nông, female born 1995
CITIZEN_ID_B = '067090004321'  # Đắk Nông, male born 1990
TAX_CODE = '0100109106'


def local(*args):
    "A local (UTC+7) wall-clock time as the naive UTC datetime Tryton stores."
    return dt.datetime(*args) - dt.timedelta(hours=7)


@contextmanager
def at(moment):
    "Freeze the dossiers' clock (Dossier._now) at moment (naive UTC)."
    Dossier = Pool().get('gov.dossier')
    with patch.object(Dossier, '_now', classmethod(lambda cls: moment)):
        yield


@contextmanager
def as_user(user):
    "Act as a real user through the access checks, as RPC does."
    with Transaction().set_user(user.id), check_access():
        yield


class World:
    def __init__(self, agencies, users, procedure):
        self.agencies = agencies
        self.users = users
        self.procedure = procedure

    def __getitem__(self, name):
        return self.agencies.get(name) or self.users[name]


def make_agencies():
    pool = Pool()
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    kinds = {k.code: k for k in Kind.search([])}

    def agency(code, name, kind, parent=None):
        record = Agency(code=code, name=name, kind=kinds[kind],
            parent=parent)
        record.save()
        return record
    province = agency('000.00.00.H16', "UBND tỉnh", 'province_committee')
    a = agency('000.00.21.H16', "UBND huyện A", 'district_committee',
        province)
    b = agency('000.00.22.H16', "UBND huyện B", 'district_committee',
        province)
    return {
        'province': province,
        'a': a,
        'b': b,
        'desk_a': agency('000.30.21.H16', "Bộ phận Một cửa A",
            'one_stop_desk', a),
        'unit_a': agency('000.31.21.H16', "Phòng Tài nguyên A", 'unit', a),
        'desk_b': agency('000.30.22.H16', "Bộ phận Một cửa B",
            'one_stop_desk', b),
        'unit_b': agency('000.31.22.H16', "Phòng Tài nguyên B", 'unit', b),
        'tax': agency('000.00.05.H16', "Cục Thuế", 'department', province),
        'post': agency('000.00.40.H16', "Bưu điện tỉnh", 'postal',
            province),
        }


USERS = [
    # login, gov_agency groups, agency key, head
    ('receiver_a', ['group_receiver'], 'desk_a', False),
    ('specialist_a', ['group_specialist'], 'unit_a', False),
    ('head_a', ['group_unit_head'], 'unit_a', True),
    ('leader_a', ['group_leader'], 'a', True),
    ('receiver_b', ['group_receiver'], 'desk_b', False),
    ('specialist_b', ['group_specialist'], 'unit_b', False),
    ('specialist_tax', ['group_specialist'], 'tax', False),
    ('postal', ['group_postal'], 'post', False),
    ('auditor', ['group_auditor'], None, False),
    ('admin_p', ['group_admin'], None, False),
    ('ict', ['group_ict_admin'], None, False),
    ('nobody', [], None, False),
    ]


def make_users(agencies):
    pool = Pool()
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    users = {}
    for login, groups, _, _ in USERS:
        users[login] = User(login=login, name=login,
            groups=[ModelData.get_id('gov_agency', g) for g in groups])
    users['backfiller'] = User(login='backfiller', name='backfiller',
        groups=[ModelData.get_id('gov_agency', 'group_receiver'),
            ModelData.get_id('gov_dossier', 'group_backfill')])
    User.save(list(users.values()))
    officers = [{'user': users[login].id, 'agency': agencies[key].id,
                'head': head}
        for login, _, key, head in USERS if key]
    officers.append({'user': users['backfiller'].id,
            'agency': agencies['desk_a'].id})
    Officer.create(officers)
    return users


def make_procedure(agencies, code='P1', days='5', steps=None,
        result_type='paper', online=True, publish=True, components=None):
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    Component = pool.get('gov.procedure.component')
    Step = pool.get('gov.procedure.step')
    FormField = pool.get('gov.procedure.form_field')
    Sector = pool.get('gov.sector')
    Field = pool.get('gov.field')
    Level = pool.get('gov.service.level')
    ModelData = pool.get('ir.model.data')

    def group(name):
        return ModelData.get_id('gov_agency', name)
    sector, = Sector.search([('code', '=', 'TN')]) or [None]
    if not sector:
        sector = Sector(name="Tài nguyên", code='TN')
        sector.save()
        field = Field(name="Đất đai", code='TN.DD', sector=sector)
        field.save()
        level = Level(name="Toàn trình", code='full', scheme='current',
            online_submission=True, online_result=True)
        level.save()
        partial = Level(name="Một phần", code='partial', scheme='current',
            online_submission=False)
        partial.save()
    field, = Field.search([('code', '=', 'TN.DD')])
    level, = Level.search([('code', '=', 'full' if online else 'partial')])
    if steps is None:
        steps = [
            ("Tiếp nhận", 'receive', 'desk_a', '0.5', 'group_receiver'),
            ("Thẩm định", 'check', 'unit_a', '3', 'group_specialist'),
            ("Phê duyệt", 'approve', 'unit_a', '1', 'group_unit_head'),
            ("Trả kết quả", 'return', 'desk_a', '0.5', 'group_receiver'),
            ]
    if components is None:
        components = [("Đơn đề nghị", True, 'pdf'),
            ("Bản sao giấy tờ", False, 'pdf,jpg,png')]
    procedure = Procedure(
        code=code, name="Thủ tục %s" % code, field=field,
        service_level=level, result_type=result_type,
        processing_days=Decimal(days),
        agencies=[agencies['a'].id, agencies['b'].id])
    procedure.components = [
        Component(name=name, originals=1, copies=0, mandatory=mandatory,
            file_types=types)
        for name, mandatory, types in components]
    procedure.steps = [
        Step(name=name, kind=kind,
            unit=agencies[unit] if unit else None,
            duration=Decimal(duration),
            group=group(grp) if grp else None)
        for name, kind, unit, duration, grp in steps]
    procedure.form_fields = [
        FormField(name='ho_ten', string="Họ và tên", type_='char',
            required=True)]
    procedure.save()
    if publish:
        Procedure.publish([procedure])
    return procedure


_SHARED = {}


def make_world(**procedure_kwargs):
    """The world of the module docstring. Inside a DossierTestCase it is
    the one committed for the class (agencies, users, procedure P1); with
    procedure_kwargs a procedure P9 with those settings is created in the
    test's transaction instead of P1."""
    pool = Pool()
    Agency = pool.get('gov.agency')
    User = pool.get('res.user')
    Procedure = pool.get('gov.procedure')
    if _SHARED:
        agencies = {k: Agency(i) for k, i in _SHARED['agencies'].items()}
        users = {k: User(i) for k, i in _SHARED['users'].items()}
        if procedure_kwargs:
            procedure = make_procedure(agencies, code='P9',
                **procedure_kwargs)
        else:
            procedure = Procedure(_SHARED['procedure'])
        return World(agencies, users, procedure)
    agencies = make_agencies()
    users = make_users(agencies)
    procedure = make_procedure(agencies, **procedure_kwargs)
    return World(agencies, users, procedure)


class DossierTestCase(unittest.TestCase):
    """Tests sharing one world, committed once per class and deleted
    afterwards (creating it in every test made the suite twice as slow on
    PostgreSQL). Each test still runs in its own rolled back transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gov_dossier')
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            _SHARED.update({
                    'agencies': {k: a.id for k, a in world.agencies.items()},
                    'users': {k: u.id for k, u in world.users.items()},
                    'procedure': world.procedure.id,
                    })
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        try:
            with Transaction().start(DB_NAME, 0) as transaction:
                _delete_world()
                transaction.commit()
        finally:
            _SHARED.clear()
            super().tearDownClass()


class ModuleDossierTestCase(DossierTestCase):
    """DossierTestCase on a database where `module` (a module depending on
    gov_dossier) is activated, dropped afterwards so that the other
    modules' tests never meet it."""
    module = None

    @classmethod
    def setUpClass(cls):
        # Not the database DossierTestCase would activate (and cache) for
        # gov_dossier alone.
        unittest.TestCase.setUpClass.__func__(cls)
        drop_db()
        activate_module(cls.module)
        cls.addClassCleanup(drop_db)
        with Transaction().start(DB_NAME, 0) as transaction:
            world = make_world()
            _SHARED.update({
                    'agencies': {k: a.id for k, a in world.agencies.items()},
                    'users': {k: u.id for k, u in world.users.items()},
                    'procedure': world.procedure.id,
                    })
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        # The database is dropped (class cleanup): no need to delete the
        # world first.
        _SHARED.clear()
        unittest.TestCase.tearDownClass.__func__(cls)


def _delete_world():
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    Field = pool.get('gov.field')
    Sector = pool.get('gov.sector')
    Level = pool.get('gov.service.level')
    User = pool.get('res.user')
    Agency = pool.get('gov.agency')
    procedure = Procedure(_SHARED['procedure'])
    field = procedure.field
    sector = field.sector
    Procedure.cancel([procedure])
    Procedure.delete([procedure])
    Field.delete([field])
    Sector.delete([sector])
    Level.delete(Level.search([('code', 'in', ['full', 'partial'])]))
    Officer = pool.get('gov.agency.officer')
    user_ids = list(_SHARED['users'].values())
    Officer.delete(Officer.search([('user', 'in', user_ids)]))
    # Tryton refuses to delete users ("for logging purposes"); these test
    # accounts never logged anything that was committed.
    table = User.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.delete(where=table.id.in_(user_ids)))
    Agency.delete(Agency.browse(list(_SHARED['agencies'].values())))


def make_web_user(email):
    pool = Pool()
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    party = Party(name=email.split('@')[0])
    party.save()
    # A portal account signs in only once its e-mail is verified.
    web_user = WebUser(email=email, party=party, email_valid=True)
    web_user.save()
    return web_user


def dossier_values(world, channel='online', agency='desk_a',
        procedure=None, **values):
    procedure = procedure or world.procedure
    mandatory = [c for c in procedure.components if c.mandatory]
    result = {
        'procedure': procedure.id,
        'agency': world.agencies[agency].id,
        'applicant_kind': 'citizen',
        'applicant_name': "Nguyễn Thị Lan",
        'applicant_id_number': CITIZEN_ID,
        'form_data': {'ho_ten': "Nguyễn Thị Lan"},
        'documents': [('create', [{
                        'kind': 'component',
                        'component': c.id,
                        'name': 'don.pdf',
                        'data': PDF,
                        } for c in mandatory])],
        }
    if channel:
        result['channel'] = channel
    result.update(values)
    return result


def make_dossier(world, **values):
    "A draft dossier with its mandatory files (created as root)."
    Dossier = Pool().get('gov.dossier')
    dossier, = Dossier.create([dossier_values(world, **values)])
    return dossier


def reload(dossier):
    return Pool().get('gov.dossier')(dossier.id)
