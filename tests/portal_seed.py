"""Publish the procedures the portal tests use, in the live server's
database (run with the server's TRYTOND_CONFIG):

    python -m tests.portal_seed DATABASE

Idempotent: procedures are matched by their code. The codes start with
"TEST." so that they never collide with the province's real catalogue.
"""
import sys
from decimal import Decimal

BIRTH = 'TEST.KS.01'
PERMIT = 'TEST.XD.01'


def start_pool(database, url=None):
    """The pool of the live server's database in another process (run with
    the server's TRYTOND_CONFIG), loaded once per process; `url`: the live
    server's address, given to partners for their callbacks."""
    from gov_server import configure
    configure()
    from trytond import config
    if url:
        config.set('gov', 'portal_url', url)
    from trytond.pool import Pool
    Pool.start()
    loaded = Pool.database_list()  # before Pool() lists the database
    pool = Pool(database)
    if database not in loaded:
        pool.init()
    return pool


def seed(database):
    from trytond.transaction import Transaction
    pool = start_pool(database)
    with Transaction().start(database, 0, context={'language': 'vi'}):
        Procedure = pool.get('gov.procedure')
        Sector = pool.get('gov.sector')
        Field = pool.get('gov.field')
        Level = pool.get('gov.service.level')
        Kind = pool.get('gov.agency.kind')
        Agency = pool.get('gov.agency')
        sector = (Sector.search([('code', '=', 'TEST.TP')]) or [None])[0]
        if not sector:
            sector = Sector(code='TEST.TP', name='Tư pháp (kiểm thử)')
            sector.save()
        fields = {}
        for code, name in [('TEST.HT', 'Hộ tịch (kiểm thử)'),
                ('TEST.XD', 'Xây dựng (kiểm thử)')]:
            field = (Field.search([('code', '=', code)]) or [None])[0]
            if not field:
                field = Field(code=code, name=name, sector=sector)
                field.save()
            fields[code] = field
        full, = Level.search([('code', '=', 'full_online')])
        partial, = Level.search([('code', '=', 'partial_online')])
        commune, = Kind.search([('code', '=', 'commune_committee')])
        district, = Kind.search([('code', '=', 'district_committee')])
        ward, = Agency.search([('code', '=', '000.01.21.H16')])
        # The demo receiving officer (motcua) works at the city's desk.
        desk, = Agency.search([('code', '=', '000.30.21.H16')])
        city, = Agency.search([('code', '=', '000.00.21.H16')])
        if not Procedure.search([('code', '=', BIRTH)]):
            procedure = Procedure(
                code=BIRTH, name='Đăng ký khai sinh', field=fields['TEST.HT'],
                levels=[commune], agencies=[ward, desk], service_level=full,
                processing_days=Decimal(1), result_type='both',
                result_description='Giấy khai sinh (bản chính)',
                legal_basis='Luật Hộ tịch số 60/2014/QH13.',
                guide='Người đi đăng ký khai sinh nộp tờ khai và giấy chứng '
                'sinh.')
            # As the demo's 1.001193 (data/): the eForm is the declaration,
            # so online the paper form is not asked for; copies of the
            # birth certificate are paid per copy asked for in the eForm.
            procedure.components = [
                dict(name='Tờ khai đăng ký khai sinh', originals=1, copies=0,
                    mandatory=True, replaced_by_eform=True,
                    file_types='pdf,jpg,jpeg,png',
                    template=b'%PDF-1.4\n% to khai mau\n',
                    template_name='to-khai-khai-sinh.pdf'),
                dict(name='Giấy chứng sinh', originals=1, copies=0,
                    mandatory=True, file_types='pdf,jpg,jpeg,png'),
                dict(name='Văn bản ủy quyền', originals=1, copies=0,
                    mandatory=False, file_types='pdf',
                    note='Khi người khác đi đăng ký thay.'),
                ]
            procedure.fees = [
                dict(kind='fee', amount=Decimal(0),
                    condition='Đăng ký đúng hạn'),
                dict(kind='fee', amount=Decimal(8000), conditional=True,
                    condition='Đăng ký quá hạn'),
                dict(kind='fee', amount=Decimal(8000), conditional=True,
                    condition='Cấp bản sao Giấy khai sinh, mỗi bản',
                    payment_time='on_collection', quantity_field='copies'),
                ]
            procedure.form_fields = [
                dict(name='child_name', string='Họ, chữ đệm, tên của trẻ',
                    type_='char', required=True, sequence=1),
                dict(name='child_birth_date', string='Ngày sinh của trẻ',
                    type_='date', required=True, sequence=2),
                dict(name='child_sex', string='Giới tính', type_='selection',
                    selection='male:Nam\nfemale:Nữ', required=True,
                    sequence=3),
                dict(name='birth_place', string='Nơi sinh', type_='char',
                    required=True, sequence=4),
                dict(name='copies', string='Số bản sao yêu cầu',
                    type_='integer', sequence=5),
                ]
            procedure.steps = [
                dict(name='Tiếp nhận hồ sơ', kind='receive',
                    duration=Decimal(0)),
                dict(name='Công chức tư pháp - hộ tịch xử lý', kind='process',
                    duration=Decimal('0.5')),
                dict(name='Lãnh đạo UBND phường ký', kind='approve',
                    duration=Decimal('0.5')),
                ]
            procedure.save()
            Procedure.publish([procedure])
        if not Procedure.search([('code', '=', PERMIT)]):
            procedure = Procedure(
                code=PERMIT, name='Cấp giấy phép xây dựng nhà ở riêng lẻ',
                field=fields['TEST.XD'], levels=[district], agencies=[city],
                service_level=partial, processing_days=Decimal(15),
                result_type='paper', postal_receipt=True, postal_return=True)
            procedure.components = [dict(name='Đơn đề nghị cấp giấy phép',
                    originals=1, copies=0, mandatory=True)]
            procedure.fees = [dict(kind='fee', amount=Decimal(75000),
                    condition='Cấp mới')]
            procedure.steps = [dict(name='Thẩm định hồ sơ', kind='process',
                    duration=Decimal(10))]
            procedure.save()
            Procedure.publish([procedure])
        Transaction().commit()


def throttle(database, email, count=6):
    """Record `count` failed log-ins of a web user, as if someone had been
    guessing its password (for the throttling test)."""
    from gov_server import configure
    configure()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0):
        Attempt = pool.get('web.user.authenticate.attempt')
        for _ in range(count):
            Attempt.add(email)
        Transaction().commit()


def result_ready(database, code):
    """Take a received dossier to "result ready" with a signed electronic
    result, as the back office does at the end of the processing (run as
    root: the officers' checks are gov_dossier's tests' business)."""
    from gov_server import configure
    configure()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    with Transaction().start(database, 0):
        Dossier = pool.get('gov.dossier')
        Document = pool.get('gov.dossier.document')
        dossier, = Dossier.search([('code', '=', code)])
        Dossier.process([dossier])
        # The officers' draft of the result, which the citizen never sees.
        Document.create([{
                    'dossier': dossier.id, 'kind': 'draft',
                    'name': 'du-thao-noi-bo.pdf',
                    'data': b'%PDF-1.4\n% du thao\n%%EOF\n',
                    }])
        Document.create([{
                    'dossier': dossier.id, 'kind': 'result',
                    'name': 'giay-khai-sinh.pdf',
                    'data': b'%PDF-1.4\n% giay khai sinh\n%%EOF\n',
                    }])
        Dossier.result_ready([Dossier(dossier.id)])
        Transaction().commit()


if __name__ == '__main__':
    if len(sys.argv) > 3 and sys.argv[2] == '--throttle':
        throttle(sys.argv[1], sys.argv[3])
    elif len(sys.argv) > 3 and sys.argv[2] == '--result':
        result_ready(sys.argv[1], sys.argv[3])
    else:
        seed(sys.argv[1])
