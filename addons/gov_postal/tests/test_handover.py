# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
import io

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from gov_dossier.tests.dossier_fixtures import as_user, at, local, make_world
from gov_fee.tests.tools import to_result_ready

from ..carrier import FakeCarrier
from ..handover import HandoverError
from .tools import PostalTestCase, make_contract, make_enterprise

FRIDAY = local(2025, 3, 7, 16, 0)
ADDRESS = "Thôn 3, xã Đắk R'Moan, Gia Nghĩa"
PHONE = '0912345678'
TITLE = "BIÊN BẢN BÀN GIAO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"


def pdf_text(data):
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    return '\n'.join(page.extract_text() for page in reader.pages)


class HandoverTestCase(PostalTestCase):
    "R-POST-3: the results handed over to the post with a signed list"

    def postal_dossier(self, world, moment=FRIDAY, **values):
        "A dossier of P1 returned by post, its result ready at moment."
        values = dict({
                'return_method': 'postal',
                'applicant_address': ADDRESS,
                'applicant_phone': PHONE,
                }, **values)
        dossier = self.submitted(world, moment=moment - dt.timedelta(
                days=4), **values)
        with at(moment):
            return to_result_ready(dossier)

    def run_wizard(self, user, dossiers, postal_staff="Trần Văn Bưu"):
        "The wizard Hand Over to the Post run by user: (action, data)."
        Wizard = Pool().get('gov.postal.handover.create', type='wizard')
        context = {'active_model': 'gov.dossier',
            'active_ids': [d.id for d in dossiers],
            'active_id': dossiers[0].id}
        with Transaction().set_user(user.id), \
                Transaction().set_context(context):
            session_id, _, _ = Wizard.create()
            wizard = Wizard(session_id)
            wizard.start.postal_staff = postal_staff
            wizard.start.note = None
            action, data = wizard.do_print_(
                {'report_name': 'gov.postal.handover.report'})
        return action, data

    @with_transaction()
    def test_handover_registers_and_prints(self):
        """Two ready postal results handed over (R-POST-3): two shipments
        with the carrier's tracking numbers, linked to a numbered list whose
        PDF names the dossiers, the tracking numbers and the title."""
        pool = Pool()
        Handover = pool.get('gov.postal.handover')
        Report = pool.get('gov.postal.handover.report', type='report')
        world = make_world()
        make_contract(world)
        first = self.postal_dossier(world)
        second = self.postal_dossier(world,
            applicant_name="Lê Văn Hùng", return_phone='0987654321')
        action, data = self.run_wizard(world['receiver_a'], [first, second])
        handover = Handover(data['id'])
        self.assertEqual(handover.state, 'handed')
        # PostgreSQL's sequences do not roll back with the tests: any number.
        self.assertRegex(handover.number, r'^BG-\d{4}-\d{4,}$')
        self.assertEqual(handover.handed_by, world['receiver_a'])
        self.assertEqual(handover.officer, world['receiver_a'])
        self.assertEqual(handover.postal_staff, "Trần Văn Bưu")
        self.assertEqual(len(handover.shipments), 2)
        self.assertEqual({s.dossier for s in handover.shipments},
            {first, second})
        numbers = [s.tracking_number for s in handover.shipments]
        self.assertTrue(all(n in FakeCarrier.shipments for n in numbers))
        self.assertTrue(all(s.direction == 'result'
                for s in handover.shipments))
        self.assertEqual(handover.count, 2)

        ext, content, _, name = Report.execute([handover.id], {})
        self.assertEqual(ext, 'pdf')
        text = ' '.join(pdf_text(content).split())
        self.assertIn(TITLE, text.upper())
        self.assertIn("BƯU CHÍNH CÔNG ÍCH", text.upper())
        # A long code may wrap in its cell.
        for dossier in (first, second):
            self.assertIn(dossier.code, text.replace(' ', ''))
        for number in numbers:
            self.assertIn(number, text)
        self.assertIn(handover.number, text)
        self.assertIn("Trần Văn Bưu", text)

    @with_transaction()
    def test_refused_dossiers_create_nothing(self):
        """A dossier whose result is not ready, or not returned by post, is
        refused with a clear message (R-POST-3): no list, no shipment."""
        pool = Pool()
        Handover = pool.get('gov.postal.handover')
        Shipment = pool.get('gov.postal.shipment')
        world = make_world()
        make_contract(world)
        ready = self.postal_dossier(world)
        desk = self.postal_dossier(world, return_method='desk')
        waiting = self.submitted(world, moment=FRIDAY,
            return_method='postal', applicant_address=ADDRESS,
            applicant_phone=PHONE)
        for other, word in [(desk, 'not returned by post'),
                (waiting, 'not ready')]:
            with self.assertRaises(HandoverError) as cm:
                self.run_wizard(world['receiver_a'], [ready, other])
            self.assertIn(other.rec_name, cm.exception.message)
            self.assertIn(word, cm.exception.message)
        self.assertEqual(Handover.search([]), [])
        self.assertEqual(Shipment.search([('direction', '=', 'result')]), [])

        # Handed over once, never twice.
        self.run_wizard(world['receiver_a'], [ready])
        with self.assertRaises(HandoverError):
            self.run_wizard(world['receiver_a'], [ready])

    @with_transaction()
    def test_access_by_enterprise(self):
        """The postal staff read the lists of their enterprise only; the
        auditor reads all, a specialist none (R-SEC-2)."""
        pool = Pool()
        Handover = pool.get('gov.postal.handover')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        world = make_world()
        make_contract(world)
        dossier = self.postal_dossier(world)
        _, data = self.run_wizard(world['receiver_a'], [dossier])
        other = User(login='postal_other', name="Bưu điện khác",
            groups=[ModelData.get_id('gov_agency', 'group_postal')])
        other.save()
        make_enterprise(code='VIETTEL', name="Viettel Post", staff=[other])

        with as_user(world['postal']):
            self.assertEqual([h.id for h in Handover.search([])],
                [data['id']])
        with as_user(other):
            self.assertEqual(Handover.search([]), [])
            with self.assertRaises(AccessError):
                Handover.read([data['id']], ['number'])
        with as_user(world['auditor']):
            self.assertEqual(len(Handover.search([])), 1)
        # Another agency's desk cannot list a dossier it cannot read.
        second = self.postal_dossier(world)
        with as_user(world['receiver_b']):
            with self.assertRaises(AccessError):
                Handover.prepare([second], "Nhân viên X")
        self.assertEqual(Handover.search_count([]), 1)
        with as_user(world['specialist_a']):
            with self.assertRaises(AccessError):
                Handover.search([])
        with as_user(world['postal']):
            with self.assertRaises(AccessError):
                Handover.write([Handover(data['id'])], {'note': "x"})
        # The desk writes the note, never the state nor a list of its own.
        with as_user(world['receiver_a']):
            Handover.write([Handover(data['id'])], {'note': "Đủ 1 bưu gửi"})
            with self.assertRaises(HandoverError):
                Handover.write([Handover(data['id'])], {'state': 'draft'})
            with self.assertRaises(HandoverError):
                handover = Handover(data['id'])
                Handover.create([{'agency': handover.agency.id,
                            'enterprise': handover.enterprise.id,
                            'contract': handover.contract.id,
                            'postal_staff': "X"}])


del PostalTestCase
