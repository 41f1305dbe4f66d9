# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the citizen submits and is told about her dossier (citizen.py,
declaration.py, lookup.py): the component the eForm replaces online, the
declaration of Điều 27, the fees for her quantities, the dates to expect
and the public facts she reads in one form whatever the letter case."""
from decimal import Decimal
from pathlib import Path

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import DossierWorkflowError
from .dossier_fixtures import (
    PDF, DossierTestCase, as_user, at, local, make_dossier, make_web_user,
    make_world, reload)

FRIDAY = local(2025, 3, 7, 10, 30)
FRIDAY_LATE = local(2025, 3, 7, 16, 0)  # after the 15:00 cut-off


def birth_procedure(**kwargs):
    """P9: "Tờ khai" (replaced by the eForm) and "Giấy chứng sinh", both
    mandatory; an eForm with the number of copies; copies at 8.000 đ."""
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    FormField = pool.get('gov.procedure.form_field')
    Fee = pool.get('gov.procedure.fee')
    world = make_world(publish=False, components=[
            ("Tờ khai", True, 'pdf'), ("Giấy chứng sinh", True, 'pdf')],
        **kwargs)
    procedure = world.procedure
    declaration = procedure.components[0]
    declaration.replaced_by_eform = True
    declaration.save()
    FormField.create([{'procedure': procedure.id, 'name': 'so_ban_sao',
                'string': "Số bản sao", 'type_': 'integer'}])
    Fee.create([{'procedure': procedure.id, 'kind': 'fee',
                'amount': Decimal(8000), 'conditional': True,
                'condition': "Bản sao, mỗi bản", 'quantity_field': 'so_ban_sao',
                'payment_time': 'on_collection'}])
    Procedure.publish([procedure])
    return world, Procedure(procedure.id)


def only_birth_certificate(procedure):
    "The documents of a dossier with the birth certificate only."
    return [('create', [{'kind': 'component',
                    'component': procedure.components[1].id,
                    'name': 'chung-sinh.pdf', 'data': PDF}])]


class CitizenTestCase(DossierTestCase):
    "R-SUB-4, R-SUB-9, R-FEE-1, R-NOT-1, R-LOOK-1, R-LOOK-2"

    def Dossier(self):
        return Pool().get('gov.dossier')

    @with_transaction()
    def test_eform_replaces_the_declaration_online(self):
        """R-SUB-4, R-CAT-4: online, the component the eForm replaces is
        not asked for; at the desk its paper still is"""
        Dossier = self.Dossier()
        world, procedure = birth_procedure()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, procedure=procedure,
            web_user=citizen.id,
            documents=only_birth_certificate(procedure))
        self.assertEqual(dossier.missing_components(), [])
        Dossier.portal_submit([dossier], citizen, declared=True)
        self.assertEqual(reload(dossier).state, 'submitted')

        desk = make_dossier(world, procedure=procedure, channel='desk',
            documents=only_birth_certificate(procedure))
        self.assertEqual(desk.missing_components(),
            [procedure.components[0]])
        with as_user(world['receiver_a']):
            with self.assertRaises(DossierWorkflowError) as cm:
                Dossier.submit([Dossier(desk.id)])
        self.assertIn('Tờ khai', cm.exception.message)
        # Online, a mandatory component the eForm does not replace is
        # still required.
        dossier = make_dossier(world, procedure=procedure,
            web_user=citizen.id, documents=[])
        self.assertEqual(dossier.missing_components(),
            [procedure.components[1]])
        with self.assertRaises(DossierWorkflowError):
            Dossier.portal_submit([dossier], citizen, declared=True)

    @with_transaction()
    def test_declaration_required_and_stored(self):
        """R-SUB-9 (Điều 27.3–27.5): no first submission without the
        declaration; once submitted, the dossier keeps which declaration,
        its words, who and when"""
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        with self.assertRaises(DossierWorkflowError) as cm:
            Dossier.portal_submit([dossier], citizen)
        self.assertIn('declaration', cm.exception.message)
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'draft')
        self.assertIsNone(dossier.declared_date)
        # The sentence in the language she reads (the portal's).
        Pool().get('ir.translation').translation_import('vi', 'gov_dossier',
            [str(Path(__file__).resolve().parent.parent / 'locale'
                    / 'vi.po')])
        with at(FRIDAY), Transaction().set_context(language='vi'):
            Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'submitted')
        self.assertEqual(dossier.declaration,
            'gov_dossier.msg_declaration_accurate')
        self.assertTrue(dossier.declaration_text.startswith(
                "Tôi xin cam đoan"))
        self.assertIn("Điều 27", dossier.declaration_text)
        self.assertEqual(dossier.declared_by, citizen)
        self.assertEqual(dossier.declared_date, FRIDAY)
        # Sent again after a supplement: the declaration stays as it was.
        with at(FRIDAY):
            with as_user(world['receiver_a']):
                Dossier.request_supplement([Dossier(dossier.id)],
                    reason="Ảnh mờ", components=[
                        dossier.procedure.components[0].id])
        Dossier.portal_submit([Dossier(dossier.id)], citizen)
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'submitted')
        self.assertEqual(dossier.declared_date, FRIDAY)

    @with_transaction()
    def test_declaration_written_by_the_submission_only(self):
        "R-SUB-9, R-SEC-1: nobody writes or forges a declaration over RPC"
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        Dossier.portal_submit([dossier], citizen, declared=True)
        for values in [{'declaration_text': "Khác"},
                {'declared_date': FRIDAY}, {'declared_by': None}]:
            with as_user(world['receiver_a']):
                with self.assertRaises(AccessError, msg=values):
                    Dossier.write([Dossier(dossier.id)], values)
        copy, = Dossier.copy([Dossier(dossier.id)])
        self.assertIsNone(copy.declared_date)
        self.assertIsNone(copy.declaration_text)

    @with_transaction()
    def test_fee_follows_the_quantities(self):
        "R-FEE-1: two copies at 8.000 đ: the dossier's fee is 16.000 đ"
        world, procedure = birth_procedure()
        dossier = make_dossier(world, procedure=procedure,
            form_data={'ho_ten': "Nguyễn Thị Lan", 'so_ban_sao': 2},
            documents=only_birth_certificate(procedure))
        self.assertEqual(dossier.total_fee(), Decimal(16000))
        self.assertEqual(dossier.total_fee('on_collection'), Decimal(16000))
        self.assertEqual(dossier.total_fee('before'), Decimal(0))
        (fee, quantity, amount), = dossier.fee_lines()
        self.assertEqual((quantity, amount), (2, Decimal(16000)))
        self.assertEqual(dict(dossier.declared_values()), {
                "Họ và tên": "Nguyễn Thị Lan", "Số bản sao": "2"})

    @with_transaction()
    def test_expected_dates_are_those_of_the_reception(self):
        """R-NOT-1, R-PROC-2: the check date and the appointment a
        submitted dossier is promised are those its reception gives"""
        Dossier = self.Dossier()
        world = make_world()
        for submitted, check, due in [
                # Friday 10:30: checked by Monday; 5 working days.
                (FRIDAY, (2025, 3, 10), (2025, 3, 14)),
                # After the cut-off: counted from Monday.
                (FRIDAY_LATE, (2025, 3, 11), (2025, 3, 17))]:
            citizen = make_web_user(f'lan{submitted.hour}@example.com')
            dossier = make_dossier(world, web_user=citizen.id)
            with at(submitted):
                Dossier.portal_submit([dossier], citizen, declared=True)
            dossier = reload(dossier)
            expected = dossier.expected_dates()
            self.assertEqual(expected['check_days'], 1)
            self.assertEqual(expected['check_date'].timetuple()[:3], check)
            self.assertEqual(expected['due_date'].timetuple()[:3], due)
            self.assertTrue(expected['estimated'])
            self.assertIsNone(dossier.due_date)
            # Received on Monday afternoon: the due date is the promised one.
            with at(local(2025, 3, 10, 14, 0)):
                with as_user(world['receiver_a']):
                    Dossier.receive([Dossier(dossier.id)])
            dossier = reload(dossier)
            self.assertEqual(dossier.due_date, expected['due_date'])
            self.assertEqual(dossier.expected_dates(), {
                    'check_days': None, 'check_date': None,
                    'due_date': dossier.due_date, 'estimated': False})

    @with_transaction()
    def test_lookup_any_case_and_spaces(self):
        """R-LOOK-1: the code is found typed in small letters, with spaces
        around or inside it; the normalisation is the model's"""
        Dossier = self.Dossier()
        world = make_world()
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        code = reload(dossier).code
        self.assertRegex(code, r'^000\.30\.21\.H16-\d{6}-0001$')
        for typed in [code, code.lower(), f'  {code.lower()}  ',
                f'\t{code}\n', code.replace('-', ' - ')]:
            self.assertEqual(Dossier.normalize_code(typed), code, typed)
            facts, full = Dossier.lookup_facts(typed)
            self.assertIsNotNone(facts, typed)
            self.assertEqual(facts.code, code)
            self.assertFalse(full)
            found, _ = Dossier.lookup(typed)
            self.assertEqual(found, dossier)
        # R-SEC-1: a control character is in no code: nothing is looked up
        # (a NUL would be a database error on PostgreSQL).
        for typed in [f'{code}\x00', "\x00'", f'{code[:5]}\x07{code[5:]}']:
            self.assertEqual(Dossier.normalize_code(typed), '', repr(typed))
            self.assertEqual(Dossier.lookup_facts(typed), (None, False))
        self.assertEqual(Dossier.lookup_facts('   '), (None, False))
        self.assertEqual(Dossier.lookup_facts(code + 'X')[0], None)

    @with_transaction()
    def test_public_dates_one_source(self):
        """R-LOOK-2, R-LOOK-3: the lookup, the public status and the
        owner's page read the same received date: the submission while the
        dossier waits for its reception, then the reception, which for an
        online dossier is the same moment"""
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        with at(FRIDAY):
            Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        facts, full = Dossier.lookup_facts(dossier.code, web_user=citizen)
        self.assertTrue(full)
        self.assertEqual(facts.received_date, FRIDAY)
        self.assertEqual(dossier.get_public_status()['received_date'],
            FRIDAY)
        with at(local(2025, 3, 10, 14, 0)):
            with as_user(world['receiver_a']):
                Dossier.receive([Dossier(dossier.id)])
        dossier = reload(dossier)
        facts, _ = Dossier.lookup_facts(dossier.code)
        self.assertEqual(facts.received_date, dossier.received_date)
        self.assertEqual(facts.received_date, FRIDAY)
        self.assertEqual(facts.due_date, dossier.due_date)
        self.assertEqual(dossier.get_public_status()['received_date'],
            FRIDAY)

    @with_transaction()
    def test_public_view_what_a_stranger_reads(self):
        """R-LOOK-2, R-SEC-2 (Điều 16): a stranger reads the name masked,
        no QR token and no officer's words; a dossier waiting for a
        supplement shows what to add, not its unit nor appointment"""
        Dossier = self.Dossier()
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        facts, full = Dossier.lookup_facts(dossier.code)
        view = Dossier.public_view(facts, full)
        self.assertEqual((view['masked'], view['masked_name']),
            (True, "Nguyễn T** L**"))
        for name in ['applicant_name', 'organisation', 'qr_token',
                'supplement_reason', 'rejection_reason']:
            self.assertNotIn(name, view)
        self.assertNotIn("Thị Lan", repr(view))
        facts, full = Dossier.lookup_facts(dossier.code, web_user=citizen)
        view = Dossier.public_view(facts, full)
        self.assertEqual((view['masked'], view['applicant_name'],
                view['qr_token']), (False, "Nguyễn Thị Lan",
                dossier.qr_token))
        self.assertNotIn('masked_name', view)
        # The record and the lookup's query give the same view.
        self.assertEqual(dossier.get_public_status(full=True), view)

        component = dossier.procedure.components[0]
        with as_user(world['receiver_a']):
            Dossier.request_supplement([Dossier(dossier.id)],
                reason="Ảnh mờ, gọi 0912345678",
                components=[component.id])
        dossier = reload(dossier)
        for full in [False, True]:
            view = Dossier.public_view(
                Dossier.lookup_facts(dossier.code)[0], full)
            self.assertTrue(view['invalid'])
            self.assertEqual((view['unit'], view['step'], view['due_date']),
                (None, None, None))
            self.assertEqual(view['supplement_components'], [component.name])
            self.assertEqual(view.get('supplement_reason'),
                "Ảnh mờ, gọi 0912345678" if full else None)
        self.assertEqual(dossier.get_public_status(full=True),
            Dossier.public_view(Dossier.lookup_facts(dossier.code)[0], True))

    @with_transaction()
    def test_public_words_in_the_reader_language(self):
        """R-LOOK-3, R-L10N-1: states and events in the words citizens read,
        in Vietnamese or English; no officer's name nor internal reason"""
        pool = Pool()
        Dossier = self.Dossier()
        History = pool.get('gov.dossier.history')
        pool.get('ir.translation').translation_import('vi', 'gov_dossier',
            [str(Path(__file__).resolve().parent.parent / 'locale'
                    / 'vi.po')])
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        Dossier.portal_submit([dossier], citizen, declared=True)
        with as_user(world['receiver_a']):
            Dossier.request_supplement([Dossier(dossier.id)],
                reason="Ảnh mờ", components=[
                    dossier.procedure.components[0].id])
        for language, state, submitted, supplement in [
                ('vi', "Cần bổ sung, sửa đổi hồ sơ", "Nộp hồ sơ trực tuyến",
                    "Yêu cầu bổ sung, sửa đổi hồ sơ"),
                ('en', "Supplement requested", "Submit online",
                    "Supplement requested")]:
            with Transaction().set_context(language=language):
                states = Dossier.public_state_labels()
                # Every state, every event but an officer's own.
                self.assertLessEqual(
                    {s for s, _ in Dossier.state.selection}, set(states))
                self.assertLessEqual(
                    {e for e, _ in History.event.selection} - {'assigned'},
                    set(History.public_event_labels()))
                dossier = reload(dossier)
                self.assertEqual(dossier.get_public_status()['state_label'],
                    state)
                history = dossier.get_public_history()
                self.assertEqual(
                    [(e['event'], e['label'], e['state_label'], e['reason'])
                        for e in history],
                    [('submitted', submitted, states['submitted'], None),
                        ('supplement', supplement, state, "Ảnh mờ")])
                for entry in history:
                    self.assertNotIn('user', entry)
