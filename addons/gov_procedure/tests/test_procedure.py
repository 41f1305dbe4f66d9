# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The procedure catalogue: publishing rules, lifecycle, access, search."""
import shutil
import tempfile
import unittest
from decimal import Decimal

from trytond.config import config

from trytond.model.exceptions import (
    AccessButtonError, AccessError, SQLConstraintError)
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from ..exceptions import (
    CatalogueValidationError, ProcedureStateError, PublishError)
from .tools import load_vietnamese, make_field, make_procedure, make_user


class PublishingTestCase(unittest.TestCase):
    "R-CAT-1: a published procedure is complete and coherent"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_publish(self):
        "R-CAT-1 R-CAT-2: publishing stamps who published it and when"
        Procedure = Pool().get('gov.procedure')
        user = make_user('quantri', 'group_admin')
        procedure = make_procedure()
        with Transaction().set_user(user.id):
            Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')
        self.assertEqual(procedure.published_by, user)
        self.assertTrue(procedure.published_date)

    @with_transaction()
    def test_no_component(self):
        "R-CAT-1: a procedure without component cannot be published"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(components=0)
        with self.assertRaises(PublishError) as cm:
            Procedure.publish([procedure])
        self.assertIn('component', cm.exception.message)
        self.assertIn('Đăng ký khai sinh', cm.exception.message)
        self.assertEqual(procedure.state, 'draft')

    @with_transaction()
    def test_no_step(self):
        "R-CAT-1: a procedure without processing step cannot be published"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(steps=())
        with self.assertRaises(PublishError) as cm:
            Procedure.publish([procedure])
        self.assertIn('processing step', cm.exception.message)
        self.assertEqual(procedure.state, 'draft')

    @with_transaction()
    def test_steps_too_long(self):
        "R-CAT-1: the steps may not last longer than the processing time"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(days='2', steps=('1', '1.5'))
        with self.assertRaises(PublishError) as cm:
            Procedure.publish([procedure])
        self.assertIn('2.5 working days', cm.exception.message)
        self.assertIn('processing time of 2 working days',
            cm.exception.message)
        self.assertEqual(procedure.state, 'draft')

    @with_transaction()
    def test_steps_fill_processing_time(self):
        "R-CAT-1: fractional steps adding up to the processing time are fine"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(days='1.5', steps=('0.25', '0.75', '0.5'))
        self.assertEqual(procedure.steps_duration, Decimal('1.5'))
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')

    @with_transaction()
    def test_committed_time(self):
        "R-PROC-8: a committed time shorter than the legal one, never longer; the steps fit in it"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(days='5', steps=('1', '2'))
        self.assertEqual(procedure.dossier_days(), Decimal(5))
        for wrong in ['6', '-1']:
            with self.subTest(committed=wrong):
                procedure.committed_days = Decimal(wrong)
                with self.assertRaises(CatalogueValidationError):
                    procedure.save()
        procedure = Procedure(procedure.id)
        procedure.committed_days = Decimal('2.5')
        procedure.save()
        self.assertEqual(procedure.dossier_days(), Decimal('2.5'))
        # Steps of 3 days do not fit in the 2.5 days promised.
        with self.assertRaises(PublishError) as cm:
            Procedure.publish([procedure])
        self.assertIn('processing time of 2.5 working days',
            cm.exception.message)
        procedure.committed_days = Decimal(3)
        procedure.save()
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')

    @with_transaction()
    def test_no_processing_time(self):
        "R-CAT-1: a published procedure has a processing time"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(days=None)
        with self.assertRaises(PublishError) as cm:
            procedure.check_publishable()
        self.assertIn('Processing Time', cm.exception.message)

    @with_transaction()
    def test_message_in_vietnamese(self):
        "R-L10N-1: the publishing error is told in Vietnamese"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(days='2', steps=('1', '1.5'))
        load_vietnamese()
        with Transaction().set_context(language='vi'):
            procedure = Procedure(procedure.id)
            with self.assertRaises(PublishError) as cm:
                procedure.check_publishable()
        message = cm.exception.message
        self.assertIn('không thể công bố', message)
        self.assertIn('2,5 ngày làm việc', message)

    @with_transaction()
    def test_code_unique(self):
        "R-CAT-1: the national code identifies one procedure"
        make_procedure(code='1.000894', name="Đăng ký kết hôn")
        with self.assertRaises(SQLConstraintError):
            make_procedure(code='1.000894', name="Đăng ký kết hôn lại")

    @with_transaction()
    def test_negative_duration(self):
        "R-CAT-1: a step cannot last a negative time"
        with self.assertRaises(CatalogueValidationError):
            make_procedure(steps=('-1',))

    @with_transaction()
    def test_copy(self):
        "R-CAT-1: a copy is a draft with a free code and the same lines"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure()
        Procedure.publish([procedure])
        copy, = Procedure.copy([procedure])
        self.assertEqual(copy.state, 'draft')
        self.assertEqual(copy.code, '1.001193-1')
        self.assertIsNone(copy.published_by)
        self.assertEqual(len(copy.components), 1)
        self.assertEqual(len(copy.steps), 3)


class LifecycleTestCase(unittest.TestCase):
    "R-CAT-1 R-CAT-5: draft → published → suspended / cancelled"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_transitions(self):
        "R-CAT-5: the allowed transitions, and a forbidden one changes nothing"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure()
        Procedure.suspend([procedure])  # not from draft
        self.assertEqual(procedure.state, 'draft')
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')
        Procedure.suspend([procedure])
        self.assertEqual(procedure.state, 'suspended')
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')
        Procedure.cancel([procedure])
        self.assertEqual(procedure.state, 'cancelled')
        Procedure.publish([procedure])  # not from cancelled
        self.assertEqual(procedure.state, 'cancelled')
        Procedure.draft([procedure])
        self.assertEqual(procedure.state, 'draft')

    @with_transaction()
    def test_only_draft_is_edited(self):
        "R-CAT-1: a published procedure and its lines are edited as a draft"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Component = pool.get('gov.procedure.component')
        Fee = pool.get('gov.procedure.fee')
        procedure = make_procedure()
        Procedure.publish([procedure])

        # Ông Quang's journey: back to draft, change, publish again.
        Procedure.draft([procedure])
        Fee.create([{'procedure': procedure.id, 'amount': 8000,
                    'kind': 'charge', 'condition': "cấp lại"}])
        Procedure.write([procedure], {'name': "Đăng ký khai sinh"})
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')
        self.assertEqual(len(procedure.fees), 1)

        # Published: nothing changes (the transaction of the request that
        # tried is rolled back by the error).
        with self.assertRaises(ProcedureStateError):
            Procedure.write([procedure], {'name': "Đăng ký khai sinh mới"})
        with self.assertRaises(ProcedureStateError):
            Component.delete(procedure.components)
        with self.assertRaises(ProcedureStateError):
            Fee.write(list(procedure.fees), {'amount': 0})
        with self.assertRaises(ProcedureStateError):
            Procedure.delete([procedure])
        with self.assertRaises(ProcedureStateError):
            Component.create([{'procedure': procedure.id, 'name': "Mới"}])

    @with_transaction()
    def test_delete_cancelled(self):
        "R-CAT-5: a cancelled procedure can be deleted with its lines"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure()
        Procedure.publish([procedure])
        Procedure.cancel([procedure])
        Procedure.delete([procedure])
        self.assertFalse(Procedure.search([]))


class AccessTestCase(unittest.TestCase):
    "R-AG-3: the administrator configures, every officer reads"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_specialist_cannot_publish(self):
        "R-AG-3 R-CAT-1: a specialist cannot publish, suspend nor cancel"
        Procedure = Pool().get('gov.procedure')
        specialist = make_user('chuyenvien', 'group_specialist')
        procedure = make_procedure()
        with Transaction().set_user(specialist.id), check_access():
            for button in ['publish', 'cancel']:
                with self.assertRaises(AccessButtonError):
                    getattr(Procedure, button)([Procedure(procedure.id)])
            with self.assertRaises(AccessError):
                Procedure.write([Procedure(procedure.id)],
                    {'state': 'published'})
        self.assertEqual(Procedure(procedure.id).state, 'draft')

        Procedure.publish([procedure])
        with Transaction().set_user(specialist.id), check_access():
            with self.assertRaises(AccessButtonError):
                Procedure.suspend([Procedure(procedure.id)])
            with self.assertRaises(AccessButtonError):
                Procedure.draft([Procedure(procedure.id)])
        self.assertEqual(Procedure(procedure.id).state, 'published')

    @with_transaction()
    def test_officer_reads_only(self):
        "R-AG-3: an officer reads the catalogue but cannot change it"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Component = pool.get('gov.procedure.component')
        Sector = pool.get('gov.sector')
        receiver = make_user('motcua', 'group_receiver')
        procedure = make_procedure()
        with Transaction().set_user(receiver.id), check_access():
            found, = Procedure.search([('code', '=', '1.001193')])
            self.assertEqual(found.components[0].name, "Giấy tờ 1")
            self.assertTrue(Sector.search([]))
            with self.assertRaises(AccessError):
                Procedure.write([found], {'name': "Khác"})
            with self.assertRaises(AccessError):
                Component.create(
                    [{'procedure': procedure.id, 'name': "Thêm"}])
            with self.assertRaises(AccessError):
                Sector.create([{'name': "Ngành", 'code': 'X'}])

    @with_transaction()
    def test_admin_configures(self):
        "R-AG-3 R-CAT-1: the office administrator edits and publishes"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Component = pool.get('gov.procedure.component')
        admin = make_user('quantri', 'group_admin')
        field = make_field()
        with Transaction().set_user(admin.id), check_access():
            procedure, = Procedure.create([{
                        'code': '1.000656', 'name': "Đăng ký khai tử",
                        'field': field.id, 'processing_days': 1,
                        'steps': [('create', [{'name': "Tiếp nhận",
                                        'duration': 1}])],
                        }])
            Component.create([{'procedure': procedure.id,
                        'name': "Giấy báo tử"}])
            Procedure.publish([procedure])
            self.assertEqual(procedure.state, 'published')


class SearchTestCase(unittest.TestCase):
    "R-CAT-2: the catalogue is searched without minding diacritics"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    def _catalogue(self):
        Procedure = Pool().get('gov.procedure')
        field = make_field()
        procedures = [make_procedure(code=c, name=n, field=field)
            for c, n in [
                ('H16.TAM.004', "Liên thông thủ tục hành chính về đăng ký "
                    "khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế"),
                ('1.003583', "Đăng ký khai sinh lưu động"),
                ('1.001193', "Đăng ký khai sinh"),
                ('1.000656', "Đăng ký khai tử"),
                ]]
        Procedure.publish(procedures[:-1])
        return {p.code: p for p in procedures}

    @with_transaction()
    def test_without_diacritics(self):
        'R-CAT-2: "khai sinh" finds "Đăng ký khai sinh" first' 
        Procedure = Pool().get('gov.procedure')
        self._catalogue()
        for text in ["khai sinh", "KHAI SINH", "khai  sinh", "Khai Sinh",
                "đăng ký khai sinh", "dang ky khai sinh"]:
            found = Procedure.search_catalogue(text)
            self.assertEqual([p.code for p in found],
                ['1.001193', '1.003583', 'H16.TAM.004'], msg=text)

    @with_transaction()
    def test_by_code_and_draft(self):
        "R-CAT-2: the code is found; drafts are not in the public catalogue"
        Procedure = Pool().get('gov.procedure')
        self._catalogue()
        self.assertEqual(
            [p.code for p in Procedure.search_catalogue('1.001193')],
            ['1.001193'])
        self.assertNotIn('1.000656',
            [p.code for p in Procedure.search_catalogue('khai tu')])
        self.assertEqual(
            Procedure.search_catalogue('khai tu', published=False)[0].code,
            '1.000656')
        # Words match from their start: "inh" is not a word of any name.
        self.assertFalse(Procedure.search_catalogue('inh'))
        self.assertEqual(
            [p.code for p in Procedure.search_catalogue('lưu đ')],
            ['1.003583'])
        self.assertEqual(
            len(Procedure.search_catalogue('dang ky', limit=2)), 2)

    @with_transaction()
    def test_rec_name(self):
        "R-CAT-2: the back office search box ignores diacritics too"
        Procedure = Pool().get('gov.procedure')
        self._catalogue()
        found = Procedure.search([('rec_name', 'ilike', '%luu dong%')])
        self.assertEqual([p.code for p in found], ['1.003583'])
        found = Procedure.search([('rec_name', 'ilike', '%Khai Tử%')])
        self.assertEqual([p.code for p in found], ['1.000656'])

    @with_transaction()
    def test_search_text_follows_name(self):
        "R-CAT-2: renaming a draft updates what the search finds"
        Procedure = Pool().get('gov.procedure')
        procedure = make_procedure(name="Đăng ký khai tử")
        procedure.name = "Đăng ký lại khai tử"
        procedure.save()
        self.assertEqual(procedure.search_text, '1.001193 | dang ky lai khai tu')

    @with_transaction()
    def test_filters(self):
        "R-CAT-2: filter by sector, level, agency and service level"
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Kind = pool.get('gov.agency.kind')
        Agency = pool.get('gov.agency')
        Level = pool.get('gov.service.level')
        commune, = Kind.search([('code', '=', 'commune_committee')])
        agency = Agency(name="UBND phường Nghĩa Đức", code='000.01.21.H16',
            kind=commune)
        agency.save()
        full, = Level.search([('code', '=', 'full_online')])
        procedure = make_procedure()
        Procedure.write([procedure], {
                'levels': [('add', [commune.id])],
                'agencies': [('add', [agency.id])],
                'service_level': full.id,
                })
        sector = procedure.field.sector
        for domain in [
                [('sector', '=', sector.id)],
                [('sector.code', '=', sector.code)],
                [('levels.code', '=', 'commune_committee')],
                [('agencies', '=', agency.id)],
                [('service_level.code', '=', 'full_online')],
                ]:
            self.assertEqual(Procedure.search(domain), [procedure],
                msg=domain)
        self.assertEqual(procedure.sector, sector)


class FeeTestCase(unittest.TestCase):
    "R-FEE-1: the fee schedule of a procedure"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_total_fee(self):
        "R-FEE-1: the standard total leaves out the conditional lines"
        procedure = make_procedure(fees=[
                {'kind': 'charge', 'amount': Decimal(50000),
                    'condition': "Cấp mới"},
                {'kind': 'fee', 'amount': Decimal(100000),
                    'condition': "Công bố", 'payment_time': 'on_collection'},
                {'kind': 'charge', 'amount': Decimal(8000),
                    'condition': "Đăng ký không đúng hạn",
                    'conditional': True},
                ])
        self.assertEqual(procedure.total_fee(), Decimal(150000))
        self.assertEqual(procedure.total_fee('before'), Decimal(50000))
        self.assertEqual(
            procedure.total_fee('on_collection'), Decimal(100000))
        self.assertEqual(procedure.fee_total, Decimal(150000))

    @with_transaction()
    def test_negative_amount(self):
        "R-FEE-1: an amount cannot be negative"
        with self.assertRaises(CatalogueValidationError):
            make_procedure(fees=[{'amount': Decimal(-1)}])


class ComponentTestCase(unittest.TestCase):
    "R-CAT-1 R-SUB-7: the documents of a dossier"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_file_types(self):
        "R-SUB-7: accepted file types are checked and normalised"
        Component = Pool().get('gov.procedure.component')
        procedure = make_procedure()
        component, = procedure.components
        self.assertEqual(component.file_types, 'pdf,jpg,jpeg,png')
        self.assertTrue(component.accepts_file('giay-chung-sinh.PDF'))
        self.assertFalse(component.accepts_file('virus.exe'))
        self.assertFalse(component.accepts_file('khong-duoi'))
        with self.assertRaises(CatalogueValidationError):
            Component.write([component], {'file_types': 'pdf; *.doc'})
        component.file_types = ' .PDF, Docx'
        component.on_change_file_types()
        self.assertEqual(component.file_types, 'pdf,docx')

    @with_transaction()
    def test_template(self):
        "R-CAT-1: a downloadable template form is kept with its file name"
        Component = Pool().get('gov.procedure.component')
        path = config.get('database', 'path')
        directory = tempfile.mkdtemp()
        config.set('database', 'path', directory)
        self.addCleanup(config.set, 'database', 'path', path)
        self.addCleanup(shutil.rmtree, directory)
        procedure = make_procedure()
        component, = procedure.components
        Component.write([component], {
                'template': b'%PDF-1.4 to khai', 'template_name': 'to-khai.pdf'})
        component = Component(component.id)
        self.assertEqual(bytes(component.template), b'%PDF-1.4 to khai')
        self.assertEqual(component.template_name, 'to-khai.pdf')
