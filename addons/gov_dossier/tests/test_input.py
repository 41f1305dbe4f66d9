# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What a person types into a dossier is bounded and cleaned in the model,
whatever the channel (R-SEC-1, R-SEC-2, R-LOOK-1, R-LOOK-2, R-SUB-1)."""
import datetime as dt
import unittest

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..filename import ascii_filename, clean_filename, content_disposition
from .dossier_fixtures import (
    PDF, DossierTestCase, as_user, make_dossier, make_world, reload)
from .tools import configured


class FileNameTestCase(unittest.TestCase):
    "R-SEC-1: file names without tricks, headers any browser reads"

    def test_clean_filename(self):
        "R-SEC-1: NUL, bidirectional and other invisible characters removed"
        self.assertEqual(clean_filename('anh\u202efdp.exe'), 'anhfdp.exe')
        self.assertEqual(clean_filename('to\x00khai.pdf'), 'tokhai.pdf')
        self.assertEqual(clean_filename('a\u200b\u2066b\u2069.pdf'), 'ab.pdf')
        self.assertEqual(clean_filename('C:\\Users\\lan\\đơn.pdf'), 'đơn.pdf')
        self.assertEqual(clean_filename('../../etc/passwd'), 'passwd')
        self.assertEqual(clean_filename('a\r\nb.pdf'), 'ab.pdf')
        self.assertEqual(clean_filename('\u202e'), 'tep')
        # Decomposed letters (macOS) become the composed ones.
        self.assertEqual(clean_filename('Gia\u0301y.pdf'), 'Giáy.pdf')
        long_name = clean_filename('a' * 500 + '.pdf')
        self.assertEqual(len(long_name), 200)
        self.assertTrue(long_name.endswith('.pdf'))

    def test_content_disposition(self):
        "R-SEC-1: RFC 6266 filename* with an ASCII fallback"
        header = content_disposition('Giấy chứng sinh "mới".pdf')
        header.encode('latin-1')  # what a WSGI server sends
        self.assertEqual(header,
            'attachment; filename="Giay chung sinh _moi_.pdf"; '
            "filename*=UTF-8''Gi%E1%BA%A5y%20ch%E1%BB%A9ng%20sinh"
            '%20%22m%E1%BB%9Bi%22.pdf')
        self.assertEqual(ascii_filename('Đơn đề nghị.docx'),
            'Don de nghi.docx')
        self.assertNotIn('\u202e', content_disposition('a\u202efdp.exe'))


class InputTestCase(DossierTestCase):
    "R-SEC-1: bounds of a dossier's texts, eForm and lookup"

    @classmethod
    def Dossier(cls):
        return Pool().get('gov.dossier')

    @with_transaction()
    def test_document_name_cleaned_in_the_model(self):
        "R-SEC-1: the back office stores the cleaned name too"
        Document = Pool().get('gov.dossier.document')
        world = make_world()
        dossier = make_dossier(world)
        component = world.procedure.components[0]
        with as_user(world['receiver_a']):
            document, = Document.create([{'dossier': dossier.id,
                        'component': component.id,
                        'name': 'don\u202efdp.exe\x00.pdf', 'data': PDF}])
            self.assertEqual(document.name, 'donfdp.exe.pdf')
            Document.write([document], {'name': 'b\u202ea.pdf'})
            self.assertEqual(document.name, 'ba.pdf')

    @with_transaction()
    def test_text_bounds(self):
        "R-SEC-1, R-SUB-1: lengths, line breaks, e-mail, in a draft too"
        Dossier = self.Dossier()
        world = make_world()
        for values, expected in [
                ({'applicant_address': 'x' * 1001}, 'at most 1000'),
                ({'applicant_name': 'A' * 256}, 'at most 255'),
                ({'applicant_email': 'a@example.com\r\nBcc: b@x.com'},
                    'one line'),
                ({'applicant_email': 'not-an-address'}, 'not an e-mail'),
                ({'applicant_name': 'Lan\x00'}, 'control characters'),
                ({'applicant_name': 'Lan\u202e'}, 'control characters'),
                ]:
            with self.assertRaises(UserError, msg=values) as cm:
                make_dossier(world, **values)
            self.assertIn(expected, cm.exception.message)
        dossier = make_dossier(world,
            applicant_address='Tổ 1\nPhường Nghĩa Đức',
            applicant_email='lan@example.vn')
        with self.assertRaises(UserError):
            Dossier.write([dossier], {'applicant_phone': '0' * 21})
        errors = Dossier.applicant_field_errors({
                'applicant_email': 'a@b.vn\nx', 'applicant_name': 'Lan',
                'applicant_address': 'x' * 2000})
        self.assertEqual(set(errors), {'applicant_email', 'applicant_address'})
        self.assertIn('2000', errors['applicant_address'])

    @with_transaction()
    def test_form_data_bounds_in_a_draft(self):
        "R-SEC-1: an eForm value out of bounds is refused even in a draft"
        Dossier = self.Dossier()
        world = make_world()
        with self.assertRaises(UserError) as cm:
            make_dossier(world, form_data={'ho_ten': 'x' * 501})
        self.assertIn('500', cm.exception.message)
        with self.assertRaises(UserError):
            make_dossier(world, form_data={'ho_ten': 'An',
                    'old_key': 'x' * (65 * 1024)})
        dossier = make_dossier(world)
        self.assertEqual(dossier.state, 'draft')
        with self.assertRaises(UserError):
            Dossier.write([dossier], {'form_data': {'ho_ten': 'An\x00'}})

    def supplement(self, world):
        Dossier = self.Dossier()
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        component = world.procedure.components[1]
        with as_user(world['receiver_a']):
            Dossier.request_supplement([Dossier(dossier.id)],
                reason="Gọi số 0912 345 678 gặp chị Hoa",
                components=[component.id])
        return reload(dossier), component

    @with_transaction()
    def test_public_status_without_officer_text(self):
        "R-LOOK-2, R-SEC-2: the code alone shows components, not the reason"
        world = make_world()
        dossier, component = self.supplement(world)
        status = dossier.get_public_status(full=False)
        self.assertEqual(status['supplement_components'], [component.name])
        self.assertNotIn('supplement_reason', status)
        self.assertNotIn('0912', repr(status))
        status = dossier.get_public_status(full=True)
        self.assertIn('0912', status['supplement_reason'])

    @with_transaction()
    def test_pin_locked_after_wrong_pins(self):
        "R-LOOK-1, R-SEC-1: N wrong PINs lock the dossier's PIN check"
        pool = Pool()
        Dossier = self.Dossier()
        Failure = pool.get('gov.dossier.pin.failure')
        world = make_world()
        dossier = make_dossier(world)
        other = make_dossier(world)
        Dossier.submit([dossier, other])
        dossier, other = reload(dossier), reload(other)
        wrong = '000000' if dossier.pin != '000000' else '111111'
        with configured(lookup_pin_attempts=3, lookup_pin_lock_minutes=15):
            for attempt in range(3):
                facts, full = Dossier.lookup_facts(dossier.code, pin=wrong)
                self.assertFalse(full)
                self.assertEqual(facts.pin_locked, attempt == 2)
            # The right PIN is refused while locked; a lookup without PIN,
            # the QR token and another dossier still work.
            facts, full = Dossier.lookup_facts(dossier.code, pin=dossier.pin)
            self.assertEqual((full, facts.pin_locked), (False, True))
            self.assertEqual(Dossier.lookup(dossier.code, pin=dossier.pin),
                (dossier, False))
            facts, full = Dossier.lookup_facts(dossier.code)
            self.assertEqual((full, facts.pin_locked), (False, False))
            self.assertTrue(Dossier.lookup_facts(
                    dossier.code, token=dossier.qr_token)[1])
            self.assertTrue(Dossier.lookup_facts(other.code,
                    pin=other.pin)[1])
            # The lock ends when the wrong PINs are older than the time.
            table = Failure.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id, table.create_date))
            rows = cursor.fetchall()
            self.assertEqual(len(rows), 3)
            for id_, date in rows:
                cursor.execute(*table.update([table.create_date],
                        [date - dt.timedelta(minutes=16)],
                        where=table.id == id_))
            facts, full = Dossier.lookup_facts(dossier.code, pin=dossier.pin)
            self.assertEqual((full, facts.pin_locked), (True, False))
        Failure.purge(dt.datetime.now() + dt.timedelta(days=1))
        cursor.execute(*table.select(table.id))
        self.assertEqual(cursor.fetchall(), [])
