# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's eForm of the portal (submission.py): what is refused as a
whole, what is kept in the draft, when it is submitted."""
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from ..exceptions import DossierAccessError, DossierFormError
from .dossier_fixtures import (
    CITIZEN_ID, PDF, DossierTestCase, make_web_user, make_world, reload)


def form(world, **values):
    "The texts of a complete form of P1, for the agency A."
    result = {
        'applicant_name': " Nguyễn  Thị Lan ",
        'applicant_id_number': CITIZEN_ID,
        'applicant_phone': "0912 345 678",
        'applicant_email': "",
        'applicant_address': "",
        'agency': str(world.agencies['a'].id),
        'form_data.ho_ten': "Nguyễn Thị Lan",
        }
    result.update(values)
    return result


def files(world):
    "The file of P1's mandatory component."
    return {world.procedure.components[0].id: ('don.pdf', PDF)}


class SubmissionTestCase(DossierTestCase):
    "R-SUB-1, R-SUB-4, R-SUB-7, R-SUB-8, R-SUB-9"

    def Dossier(self):
        return Pool().get('gov.dossier')

    def count(self):
        pool = Pool()
        return (pool.get('gov.dossier').search_count([]),
            pool.get('gov.dossier.document').search_count([]))

    @with_transaction()
    def test_complete_form_is_submitted(self):
        "R-SUB-1, R-SUB-9: a complete form, declared, is submitted"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        result = Dossier.portal_save_form(world.procedure, citizen,
            form(world), files(world), submit=True, declared=True)
        self.assertEqual(result.errors, {})
        self.assertTrue(result.submitted)
        dossier = result.dossier
        self.assertEqual((dossier.state, dossier.web_user, dossier.agency),
            ('submitted', citizen, world.agencies['a']))
        self.assertEqual((dossier.applicant_name, dossier.applicant_phone),
            ("Nguyễn Thị Lan", "0912345678"))
        self.assertEqual(dossier.form_data, {'ho_ten': "Nguyễn Thị Lan"})
        self.assertIsNotNone(dossier.declared_date)
        document, = dossier.documents
        self.assertEqual((document.name, document.web_user),
            ('don.pdf', citizen))

    @with_transaction()
    def test_out_of_bounds_refuses_everything(self):
        """R-SEC-1, R-SUB-1: a value the server never stores refuses the
        whole form, with every error; nothing is written"""
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        before = self.count()
        with self.assertRaises(DossierFormError) as cm:
            Dossier.portal_save_form(world.procedure, citizen,
                form(world, applicant_name="Đỗ " * 200,
                    applicant_phone="12", agency=""),
                files(world), submit=True)
        result = cm.exception.form
        self.assertEqual(list(result.errors), ['applicant_phone',
                'applicant_name', 'agency', 'declaration'])
        self.assertIn('255', result.errors['applicant_name'])
        self.assertIsNone(result.dossier)
        self.assertEqual(result.data, {'ho_ten': "Nguyễn Thị Lan"})
        self.assertEqual(self.count(), before)

    @with_transaction()
    def test_mistakes_keep_what_is_valid(self):
        """R-SUB-1, R-SUB-4, R-SUB-7: a missing or wrong value, a refused
        file: the draft keeps the rest, nothing is submitted"""
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        component = world.procedure.components[0]
        result = Dossier.portal_save_form(world.procedure, citizen,
            form(world, applicant_id_number="123",
                **{'form_data.ho_ten': ""}),
            {component.id: ('don.pdf', b'MZ' + b'\x00' * 64)},
            submit=True, declared=True)
        self.assertFalse(result.submitted)
        self.assertEqual(list(result.errors), ['applicant_id_number',
                'form_data.ho_ten', f'component.{component.id}'])
        draft = result.dossier
        self.assertEqual(draft.state, 'draft')
        self.assertEqual(draft.applicant_name, "Nguyễn Thị Lan")
        self.assertIsNone(draft.applicant_id_number)
        self.assertEqual(draft.documents, ())
        # The same draft, completed: a missing mandatory file is said next
        # to its component.
        result = Dossier.portal_save_form(world.procedure, citizen,
            form(world), {}, draft=str(draft.id), submit=True,
            declared=True)
        self.assertEqual(list(result.errors), [f'component.{component.id}'])
        self.assertIn(component.name,
            result.errors[f'component.{component.id}'])
        self.assertEqual(result.dossier, draft)
        result = Dossier.portal_save_form(world.procedure, citizen,
            form(world), files(world), draft=str(draft.id), submit=True,
            declared=True)
        self.assertTrue(result.submitted)
        self.assertEqual(reload(draft).state, 'submitted')

    @with_transaction()
    def test_draft_reports_wrong_values_only(self):
        "R-SUB-1: saved as a draft, an empty value is no mistake"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        result = Dossier.portal_save_form(world.procedure, citizen,
            form(world, applicant_id_number="", applicant_phone="12",
                **{'form_data.ho_ten': ""}), {})
        self.assertEqual(list(result.errors), ['applicant_phone'])
        self.assertEqual(result.dossier.state, 'draft')
        self.assertIsNone(result.dossier.applicant_phone)

    @with_transaction()
    def test_declaration_required(self):
        "R-SUB-9: not submitted without the declaration; the draft is kept"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        result = Dossier.portal_save_form(world.procedure, citizen,
            form(world), files(world), submit=True)
        self.assertEqual(list(result.errors), ['declaration'])
        self.assertFalse(result.submitted)
        self.assertEqual(result.dossier.state, 'draft')
        self.assertEqual(len(result.dossier.documents), 1)

    @with_transaction()
    def test_model_refusal_is_a_form_error(self):
        """R-SUB-1: when the model refuses what the form let through, the
        caller is told to roll back, with the message"""
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        with patch.object(Dossier, 'add_portal_files',
                side_effect=UserError("Refused")):
            with self.assertRaises(DossierFormError) as cm:
                Dossier.portal_save_form(world.procedure, citizen,
                    form(world), files(world), submit=True, declared=True)
        self.assertEqual(cm.exception.form.errors, {'_': "Refused"})
        self.assertIsNone(cm.exception.form.dossier)

    @with_transaction()
    def test_only_her_own_draft(self):
        "R-AG-3: another citizen's draft is not reached by its id"
        Dossier = self.Dossier()
        world = make_world()
        lan = make_web_user('lan@example.com')
        tuan = make_web_user('tuan@example.com')
        draft = Dossier.portal_save_form(world.procedure, lan, form(world),
            {}).dossier
        self.assertEqual(
            Dossier.portal_draft(world.procedure, lan, str(draft.id)), draft)
        self.assertIsNone(Dossier.portal_draft(world.procedure, lan, 'x'))
        with self.assertRaises(DossierAccessError):
            Dossier.portal_draft(world.procedure, tuan, str(draft.id))
        with self.assertRaises(DossierAccessError):
            Dossier.portal_save_form(world.procedure, tuan, form(world), {},
                draft=str(draft.id))

    @with_transaction()
    def test_messages_in_the_reader_language(self):
        "R-L10N-1: the form's messages in Vietnamese or English"
        from pathlib import Path

        from trytond.transaction import Transaction
        Dossier = self.Dossier()
        Pool().get('ir.translation').translation_import('vi', 'gov_dossier',
            [str(Path(__file__).resolve().parent.parent / 'locale'
                    / 'vi.po')])
        world = make_world()
        citizen = make_web_user('lan@example.com')
        component = world.procedure.components[0]
        for language, agency, missing in [
                ('vi', "Vui lòng chọn nơi nộp hồ sơ.",
                    f'Vui lòng tải lên "{component.name}" (bắt buộc).'),
                ('en', "Please choose where to submit.",
                    f'Please upload "{component.name}" (required).')]:
            with Transaction().set_context(language=language):
                result = Dossier.portal_save_form(world.procedure, citizen,
                    form(world, agency=""), {}, submit=True, declared=True)
            self.assertEqual(result.errors, {
                    'agency': agency,
                    f'component.{component.id}': missing})
