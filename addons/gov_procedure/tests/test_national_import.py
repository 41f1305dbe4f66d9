# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Import of the national catalogue with a diff before applying (R-CAT-6,
R-CAT-8; Điều 17.3): the crafted file tests/national_catalogue_sample.json
holds one new, one changed, one abolished and one unchanged procedure."""
import io
import json
import unittest
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from ..national_import import NationalImportError
from .tools import load_vietnamese, make_user

SAMPLE = Path(__file__).resolve().parent / 'national_catalogue_sample.json'


@contextmanager
def as_user(user):
    "Act as a real user through the access checks, as RPC does."
    with Transaction().set_user(user.id), check_access():
        yield


def make_catalogue():
    """The province's catalogue before the import: 1.001193 (published, to
    be changed), 1.000656 (published, equal to the national data),
    1.000593 (published online by a commune, abolished nationally)."""
    pool = Pool()
    Sector = pool.get('gov.sector')
    Field = pool.get('gov.field')
    Kind = pool.get('gov.agency.kind')
    Agency = pool.get('gov.agency')
    Level = pool.get('gov.service.level')
    Procedure = pool.get('gov.procedure')
    sector = Sector(name="Tư pháp", code='TP')
    sector.save()
    field = Field(name="Hộ tịch", code='TP.HT', sector=sector)
    field.save()
    commune, = Kind.search([('code', '=', 'commune_committee')])
    agency = Agency(name="UBND phường Nghĩa Đức", code='000.01.01.H',
        kind=commune)
    agency.save()
    online, = Level.search([('code', '=', 'full_online')])
    common = {'field': field.id, 'levels': [('add', [commune.id])],
        'steps': [('create', [{'name': "Tiếp nhận", 'duration': 1}])]}
    procedures = Procedure.create([dict(common,
                code='1.001193', name="Đăng ký khai sinh",
                processing_days=Decimal(1),
                result_description="Giấy khai sinh",
                legal_basis="Luật Hộ tịch số 60/2014/QH13\n"
                "Nghị định số 123/2015/NĐ-CP",
                components=[('create', [
                            {'name': "Tờ khai đăng ký khai sinh",
                                'originals': 1, 'copies': 0,
                                'file_types': 'pdf'},
                            {'name': "Giấy chứng sinh",
                                'originals': 1, 'copies': 0},
                            ])],
                fees=[('create', [
                            {'kind': 'charge', 'amount': Decimal(8000),
                                'condition':
                                "Đăng ký khai sinh không đúng hạn",
                                'payment_time': 'on_collection'},
                            {'kind': 'postal', 'amount': Decimal(22000),
                                'condition': "Cước trả kết quả"},
                            ])]),
            dict(common, code='1.000656', name="Đăng ký khai tử",
                processing_days=Decimal(1),
                result_description="Trích lục khai tử",
                components=[('create', [
                            {'name': "Tờ khai đăng ký khai tử",
                                'originals': 1, 'copies': 0}])]),
            dict(common, code='1.000593', name="Đăng ký kết hôn lưu động",
                processing_days=Decimal(5), service_level=online.id,
                agencies=[('add', [agency.id])],
                components=[('create', [{'name': "Tờ khai"}])]),
            ])
    Procedure.publish(procedures)
    return {p.code: p for p in procedures}


def new_import(data=None, name='national.json'):
    Import = Pool().get('gov.procedure.national_import')
    if data is None:
        data = SAMPLE.read_bytes()
    elif not isinstance(data, bytes):
        data = json.dumps(data, ensure_ascii=False).encode('utf-8')
    import_, = Import.create([{'file': data, 'file_name': name}])
    return import_


def lines_of(import_):
    return [(l.kind, l.code, l.diff.splitlines()) for l in import_.lines]


# The differences of the sample with make_catalogue(), in English.
EXPECTED = [
    ('new', '2.002189', [
            "Name: — → Đăng ký khai sinh cho trẻ em bị bỏ rơi",
            "Field: — → Hộ tịch",
            "Administrative Levels: — → Commune People's Committee",
            "Processing Time (Working Days): — → 0.5",
            "Result: — → Giấy khai sinh",
            "Requirements and Conditions: — → Trẻ em bị bỏ rơi chưa được "
            "đăng ký khai sinh.",
            "Legal Basis: — → Luật Hộ tịch số 60/2014/QH13",
            'Dossier Components: + "Biên bản xác nhận việc trẻ bị bỏ rơi" '
            '(Originals 1, Copies 0, Mandatory yes)',
            ]),
    ('changed', '1.001193', [
            "Processing Time (Working Days): 1 → 2",
            'Dossier Components, "Giấy chứng sinh", Copies: 0 → 1',
            'Dossier Components: + "Văn bản ủy quyền" '
            '(Originals 1, Copies 0, Mandatory no)',
            'Fees and Charges, "Đăng ký khai sinh không đúng hạn", '
            'Amount (đồng): 8,000 → 10,000',
            ]),
    ('abolished', '1.000593', [
            "State: Published → Cancelled",
            "Decision 1234/QĐ-BTP of 20/11/2026",
            ]),
    ]


class NationalImportTestCase(unittest.TestCase):
    "R-CAT-6: the national catalogue, compared then applied"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_compare_sample(self):
        """R-CAT-6: the diff of the crafted national file lists the new,
        the changed (field by field, old → new) and the abolished
        procedures; the unchanged one is only counted"""
        make_catalogue()
        admin = make_user('quantri', 'group_admin')
        with as_user(admin):
            import_ = new_import()
            import_.compare([import_])
        import_ = import_.__class__(import_.id)
        self.assertEqual(import_.state, 'compared')
        self.assertEqual(lines_of(import_), EXPECTED)
        self.assertEqual(
            (import_.new_count, import_.changed_count,
                import_.abolished_count, import_.unchanged_count),
            (1, 1, 1, 1))
        self.assertEqual(import_.compared_by, admin)
        self.assertTrue(import_.compared_date)
        self.assertTrue(all(l.accepted for l in import_.lines))
        changed = import_.lines[1]
        self.assertEqual(changed.procedure.code, '1.001193')
        self.assertEqual(changed.effective_date.isoformat(), '2026-12-01')
        self.assertEqual(changed.decision, "Decision 1234/QĐ-BTP of 20/11/2026")

    @with_transaction()
    def test_compare_in_vietnamese(self):
        "R-CAT-6, R-L10N-1: the diff reads in the administrator's language"
        load_vietnamese()
        make_catalogue()
        import_ = new_import()
        with Transaction().set_context(language='vi'):
            import_.compare([import_])
        changed = [l for l in import_.lines if l.kind == 'changed'][0]
        self.assertEqual(changed.diff.splitlines()[0],
            "Thời hạn giải quyết (ngày làm việc): 1 → 2")
        self.assertIn('Phí, lệ phí, "Đăng ký khai sinh không đúng hạn", '
            'Số tiền (đồng): 8.000 → 10.000', changed.diff)

    @with_transaction()
    def test_apply(self):
        """R-CAT-6, R-CAT-8: the accepted lines are applied, national data
        winning: a changed procedure gets version 2 with the national
        values (version 1 kept, superseded), an abolished one is cancelled
        with a draft cancellation request for its online service; an
        unticked line is not applied; who applied is recorded"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Request = pool.get('gov.procedure.integration_request')
        Line = pool.get('gov.procedure.national_import.line')
        old = make_catalogue()
        admin = make_user('quantri', 'group_admin')
        with as_user(admin):
            import_ = new_import()
            import_.compare([import_])
            new_line, changed_line, abolished_line = import_.lines
            Line.write([new_line], {'accepted': False})
            import_.apply([import_])
        import_ = import_.__class__(import_.id)
        self.assertEqual(import_.state, 'applied')
        self.assertEqual(import_.applied_by, admin)
        self.assertTrue(import_.applied_date)
        new_line, changed_line, abolished_line = import_.lines

        # The refused new procedure is not created.
        with Transaction().set_context(active_test=False):
            self.assertEqual(
                Procedure.search([('code', '=', '2.002189')]), [])
        self.assertEqual(new_line.result,
            "Not applied: refused by the administrator.")

        # The changed one: version 2, published and current; version 1 kept.
        current, = Procedure.search([('code', '=', '1.001193')])
        self.assertEqual(current.version, 2)
        self.assertEqual(current.state, 'published')
        self.assertEqual(changed_line.result_procedure, current)
        self.assertEqual(changed_line.result,
            "New version created with the national data and published.")
        self.assertEqual(current.processing_days, Decimal(2))
        self.assertEqual(
            [(c.name, c.originals, c.copies, c.mandatory, c.file_types)
                for c in current.components],
            [("Tờ khai đăng ký khai sinh", 1, 0, True, 'pdf'),
                ("Giấy chứng sinh", 1, 1, True, 'pdf,jpg,jpeg,png'),
                ("Văn bản ủy quyền", 1, 0, False, 'pdf,jpg,jpeg,png')])
        self.assertEqual(
            [(f.kind, f.amount, f.condition, f.payment_time)
                for f in current.fees],
            [('charge', Decimal(10000), "Đăng ký khai sinh không đúng hạn",
                    'on_collection'),
                ('postal', Decimal(22000), "Cước trả kết quả", 'before')])
        self.assertEqual(current.effective_date.isoformat(), '2026-12-01')
        self.assertIn("1234/QĐ-BTP", current.change_basis)
        first = Procedure(old['1.001193'].id)
        self.assertEqual(first.version, 1)
        self.assertEqual(first.state, 'superseded')
        self.assertEqual(first.processing_days, Decimal(1))
        self.assertEqual([f.amount for f in first.fees],
            [Decimal(8000), Decimal(22000)])

        # The abolished one: cancelled, its online service to be removed.
        abolished = Procedure(old['1.000593'].id)
        self.assertEqual(abolished.state, 'cancelled')
        request, = Request.search([('procedure', '=', abolished.id)])
        self.assertEqual(abolished_line.cancellation_request, request)
        self.assertEqual((request.kind, request.state, request.agency.code),
            ('cancel', 'draft', '000.01.01.H'))
        self.assertEqual(request.abolished_date.isoformat(), '2026-12-01')
        self.assertTrue(request.due_date)
        self.assertIn(request.rec_name, abolished_line.result)

        # The unchanged one is left alone.
        self.assertEqual(Procedure(old['1.000656'].id).version, 1)
        self.assertEqual(Procedure(old['1.000656'].id).state, 'published')

        # Nothing else changes on the applied import.
        with as_user(admin), self.assertRaises(UserError):
            Line.write([new_line], {'accepted': True})

    @with_transaction()
    def test_apply_new_as_draft(self):
        """R-CAT-6: a new national procedure is created as a draft with the
        national data, for the administrator to complete and publish"""
        Procedure = Pool().get('gov.procedure')
        make_catalogue()
        import_ = new_import()
        import_.compare([import_])
        import_.apply([import_])
        new, = Procedure.search([('code', '=', '2.002189')])
        self.assertEqual(new.state, 'draft')
        self.assertEqual(new.processing_days, Decimal('0.5'))
        self.assertEqual([k.code for k in new.levels], ['commune_committee'])
        self.assertEqual([c.name for c in new.components],
            ["Biên bản xác nhận việc trẻ bị bỏ rơi"])
        self.assertIn('national.json', new.source)
        self.assertIn('1234/QĐ-BTP', new.source)
        self.assertEqual(import_.lines[0].result_procedure, new)
        self.assertIn("Created as a draft", import_.lines[0].result)

    @with_transaction()
    def test_malformed_files(self):
        """R-CAT-6: a malformed file is refused with the record and the field
        at fault; nothing is compared nor written"""
        make_catalogue()
        cases = [
            (b'{"thu_tuc": [{"ma_thu_tuc": "1.001193",}]}',
                'not valid JSON (line 1, column'),
            ({'thu_tuc': [{'ten_thu_tuc': "Không mã"}]},
                'Record 1 of the file has no procedure code'),
            ({'thu_tuc': [
                        {'ma_thu_tuc': '1.000656'},
                        {'ma_thu_tuc': '1.001193',
                            'thoi_han_giai_quyet': -3}]},
                'Record 2 (code 1.001193), field "thoi_han_giai_quyet": '
                'the value "-3" is not valid; expected a number of working '
                'days, zero or more'),
            ({'thu_tuc': [{'ma_thu_tuc': '1.001193', 'phi_le_phi': [
                                {'muc_phi': 'tám nghìn'}]}]},
                'field "phi_le_phi[1].muc_phi"'),
            ([{'ma_thu_tuc': '9.9', 'ten_thu_tuc': "X",
                        'linh_vuc': {'ma': 'KHONG.CO'}}],
                'the field of procedures "KHONG.CO" is not in the catalogue'),
            ({'thu_tuc': [{'ma_thu_tuc': '1.0'}, {'ma_thu_tuc': '1.0'}]},
                'The procedure code 1.0 appears twice'),
            ({'thu_tuc': {'ma_thu_tuc': '1.0'}},
                'does not hold a list of procedures'),
            ]
        for data, message in cases:
            with self.subTest(message=message):
                import_ = new_import(data)
                with self.assertRaises(NationalImportError) as cm:
                    import_.compare([import_])
                self.assertIn(message, cm.exception.message)
                self.assertEqual(import_.state, 'draft')
                self.assertEqual(list(import_.lines), [])

    @with_transaction()
    def test_stale_comparison_applies_nothing(self):
        """R-CAT-6: when the catalogue changed after the comparison, Apply
        refuses before changing anything"""
        Procedure = Pool().get('gov.procedure')
        old = make_catalogue()
        import_ = new_import()
        import_.compare([import_])
        Procedure.copy([old['1.000656']], {'code': '2.002189'})
        with self.assertRaises(NationalImportError) as cm:
            import_.apply([import_])
        self.assertIn('2.002189', cm.exception.message)
        self.assertEqual(import_.state, 'compared')
        self.assertEqual(Procedure(old['1.001193'].id).state, 'published')
        self.assertEqual(Procedure(old['1.000593'].id).state, 'published')

    @with_transaction()
    def test_xlsx(self):
        "R-CAT-6: the same catalogue as a workbook gives the same diff"
        import openpyxl
        make_catalogue()
        document = json.loads(SAMPLE.read_text(encoding='utf-8'))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = 'thu_tuc'
        keys = ['ma_thu_tuc', 'ten_thu_tuc', 'ma_linh_vuc', 'ten_linh_vuc',
            'cap_thuc_hien', 'thoi_han_giai_quyet', 'can_cu_phap_ly',
            'ket_qua', 'yeu_cau_dieu_kien', 'trang_thai', 'so_quyet_dinh',
            'ngay_quyet_dinh', 'ngay_hieu_luc']
        sheet.append(keys)
        fees = workbook.create_sheet('phi_le_phi')
        fees.append(['ma_thu_tuc', 'loai_phi', 'muc_phi', 'mo_ta'])
        components = workbook.create_sheet('thanh_phan_ho_so')
        components.append(['ma_thu_tuc', 'ten_giay_to', 'so_ban_chinh',
                'so_ban_sao', 'bat_buoc'])
        for record in document['thu_tuc']:
            row = dict(record)
            field = row.pop('linh_vuc', {})
            row['ma_linh_vuc'], row['ten_linh_vuc'] = (
                field.get('ma'), field.get('ten'))
            decision = row.pop('quyet_dinh_cong_bo', {})
            row['so_quyet_dinh'] = decision.get('so')
            row['ngay_quyet_dinh'] = decision.get('ngay')
            for key in ['cap_thuc_hien', 'can_cu_phap_ly']:
                if isinstance(row.get(key), list):
                    row[key] = (';' if key == 'cap_thuc_hien' else '\n'
                        ).join(row[key])
            sheet.append([row.get(k) for k in keys])
            for fee in record.get('phi_le_phi', []):
                fees.append([record['ma_thu_tuc'], fee['loai_phi'],
                        fee['muc_phi'], fee['mo_ta']])
            for c in record.get('thanh_phan_ho_so', []):
                components.append([record['ma_thu_tuc'], c['ten_giay_to'],
                        c['so_ban_chinh'], c['so_ban_sao'],
                        c.get('bat_buoc', True)])
        data = io.BytesIO()
        workbook.save(data)
        import_ = new_import(data.getvalue(), name='national.xlsx')
        import_.compare([import_])
        self.assertEqual(lines_of(import_), EXPECTED)

    @with_transaction()
    def test_access(self):
        """R-CAT-6, R-AG-3: only the provincial office administrator reads,
        creates, compares and applies imports; the other roles do not even
        see them"""
        Import = Pool().get('gov.procedure.national_import')
        make_catalogue()
        admin = make_user('quantri', 'group_admin')
        import_ = new_import()
        for login, group in [('motcua', 'group_receiver'),
                ('sotttt', 'group_ict_admin'),
                ('kiemtra', 'group_auditor'),
                ('lanhdao', 'group_leader')]:
            user = make_user(login, group)
            with self.subTest(group=group), as_user(user):
                with self.assertRaises(AccessError):
                    Import.create([{'file': b'[]', 'file_name': 'x.json'}])
                with self.assertRaises(AccessError):
                    Import.read([import_.id], ['state'])
                with self.assertRaises((AccessError, AccessButtonError)):
                    Import.compare([Import(import_.id)])
                with self.assertRaises((AccessError, AccessButtonError)):
                    Import.apply([Import(import_.id)])
        self.assertEqual(Import(import_.id).state, 'draft')
        with as_user(admin):
            Import.compare([Import(import_.id)])
            Import.apply([Import(import_.id)])
        self.assertEqual(Import(import_.id).state, 'applied')
