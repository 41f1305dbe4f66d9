# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The one-stop desk's inbox (inbox.py): new dossiers and returned
supplements are found by an indexed search, marked in the list, and the
officers who could receive them are told; lists name agencies shortly."""
import json
from pathlib import Path
from xml.etree import ElementTree

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .dossier_fixtures import (
    DossierTestCase, as_user, at, local, make_dossier, make_web_user,
    make_world, reload)

MON = local(2025, 3, 3, 9, 0)
TUE = local(2025, 3, 4, 9, 0)


def told(dossier=None):
    """{login: [(label, description, icon)]} of the back-office
    notifications the transaction will save, for one dossier or all."""
    result = {}
    for notification in Transaction().user_notifications:
        if dossier and json.loads(notification.records) != [dossier.id]:
            continue
        result.setdefault(notification.user.login, []).append(
            (notification.label, notification.description, notification.icon))
    return result


class InboxTestCase(DossierTestCase):
    "R-SUB-1, R-SUB-3, R-SUB-4, R-NOT-2: the desk's inbox"

    @with_transaction()
    def test_new_then_supplement_received(self):
        """R-SUB-1, R-SUB-4: a submitted dossier is new for the desk until
        handled; submitted again after a supplement request, it is a
        supplement received"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id)
        draft = make_dossier(world)
        self.assertIsNone(reload(dossier).arrival)

        with at(MON):
            Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        self.assertEqual(dossier.arrival, 'new')
        self.assertEqual(dossier.arrival_icon, 'tryton-notification')
        self.assertEqual(dossier.submission_date, MON)
        new = Dossier.search([('arrival', '!=', None)])
        self.assertIn(dossier, new)
        self.assertNotIn(draft, new)
        self.assertEqual(Dossier.search([('arrival', '=', 'supplement')]),
            [])

        with as_user(world['receiver_a']), at(MON):
            Dossier.request_supplement([Dossier(dossier.id)],
                reason="Bản chụp mờ", components=[])
        dossier = reload(dossier)
        self.assertIsNone(dossier.arrival)
        self.assertNotIn(dossier, Dossier.search([('arrival', '!=', None)]))

        with at(TUE):
            Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        self.assertEqual(dossier.arrival, 'supplement')
        self.assertEqual(dossier.arrival_icon, 'tryton-attach')
        self.assertEqual(dossier.submission_date, TUE)
        self.assertEqual(Dossier.search([('arrival', '=', 'supplement')]),
            [dossier])
        self.assertNotIn(dossier, Dossier.search([('arrival', '=', 'new')]))

        with as_user(world['receiver_a']), at(TUE):
            Dossier.receive([Dossier(dossier.id)])
        dossier = reload(dossier)
        self.assertIsNone(dossier.arrival)
        self.assertIn(dossier, Dossier.search([('arrival', '=', None)]))

    @with_transaction()
    def test_desk_dossier_submission_date(self):
        """R-SUB-3: a dossier brought to the desk is submitted when it is
        received; the lists sort and search by that date"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        desk = make_dossier(world, channel='desk')
        online = make_dossier(world)
        with as_user(world['receiver_a']), at(TUE):
            Dossier.receive([Dossier(desk.id)])
        with at(MON):
            Dossier.submit([online])
        desk, online = reload(desk), reload(online)
        self.assertIsNone(desk.submitted_date)
        self.assertEqual(desk.submission_date, TUE)
        self.assertIsNone(desk.arrival)
        ids = [desk.id, online.id]
        self.assertEqual(Dossier.search([('id', 'in', ids)],
                order=[('submission_date', 'ASC')]), [online, desk])
        self.assertEqual(Dossier.search([('id', 'in', ids),
                    ('submission_date', '>', MON)]), [desk])

    @with_transaction()
    def test_new_tab_is_an_indexed_state_search(self):
        """R-SUB-1: the "New dossiers" tab counts with the state index (the
        inbox stays fast on the province's dossiers, bench/)"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        ModelData = pool.get('ir.model.data')
        Domain = pool.get('ir.action.act_window.domain')
        tab = Domain(ModelData.get_id('gov_dossier',
                'act_dossier_form_domain_new'))
        self.assertTrue(tab.count)
        domain = PYSONDecoder().decode(tab.domain)
        self.assertEqual(domain, [['arrival', '!=', None]])
        self.assertEqual(Dossier.search_arrival('arrival', domain[0]),
            [('state', '=', 'submitted')])
        table = Dossier.__table__()
        self.assertTrue(any(index.expressions[0][0] == table.state
                for index in Dossier._sql_indexes))

    @with_transaction()
    def test_rows_marked(self):
        """R-SUB-1: the list marks new arrivals; overdue and due-soon rows
        keep their colours"""
        Dossier = Pool().get('gov.dossier')
        result = Dossier.fields_view_get(view_type='tree')
        arch = ElementTree.fromstring(result['arch'])
        self.assertIn('arrival', result['fields'])
        code, = [f for f in arch.iter('field') if f.get('name') == 'code']
        self.assertEqual(code.get('icon'), 'arrival_icon')

        def visual(**values):
            return PYSONDecoder(values).decode(arch.get('visual'))
        self.assertEqual(visual(arrival='new', deadline_status=None),
            'success')
        self.assertEqual(visual(arrival='supplement', deadline_status=None),
            'success')
        self.assertEqual(visual(arrival=None, deadline_status='overdue'),
            'danger')
        self.assertEqual(visual(arrival=None, deadline_status='due_soon'),
            'warning')
        self.assertEqual(visual(arrival=None, deadline_status='on_track'),
            '')

    @with_transaction()
    def test_officers_told(self):
        """R-NOT-2, R-L10N-1: the officers who could receive a dossier are
        told of its arrival and of a supplement received, in their
        language; the others are not"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('res.notification')
        Lang = pool.get('ir.lang')
        User = pool.get('res.user')
        world = make_world()
        vi, = Lang.search([('code', '=', 'vi')])
        User.write([world['receiver_a']], {'language': vi.id})
        Translation = pool.get('ir.translation')
        Translation.translation_import('vi', 'gov_dossier', [
                str(Path(__file__).resolve().parent.parent
                    / 'locale' / 'vi.po')])
        citizen = make_web_user('lan@example.com')
        dossier = make_dossier(world, web_user=citizen.id, agency='a')
        Transaction().user_notifications.clear()

        with at(MON):
            Dossier.portal_submit([dossier], citizen, declared=True)
        dossier = reload(dossier)
        notes = told(dossier)
        # The desk serving district A: its receiving officers.
        self.assertEqual(sorted(notes), ['backfiller', 'receiver_a'])
        (label, description, icon), = notes['receiver_a']
        self.assertEqual(label, "Hồ sơ mới %s" % dossier.code)
        self.assertIn("Thủ tục P1", description)
        self.assertIn("Nguyễn Thị Lan", description)
        self.assertIn("UBND huyện A", description)
        self.assertEqual(icon, 'tryton-notification')
        (label, _, _), = notes['backfiller']
        self.assertEqual(label, "New dossier %s" % dossier.code)
        # They are saved with the transaction, for the officer alone.
        pending = list(Transaction().user_notifications)
        Notification.save(pending)
        Transaction().user_notifications.clear()
        with as_user(world['receiver_a']):
            mine = Notification.get()
            self.assertEqual(len(mine), 1)
            self.assertEqual(mine[0]['model'], 'gov.dossier')
            self.assertEqual(mine[0]['records'], [dossier.id])
            self.assertEqual(Notification.get_count(), 1)

        with as_user(world['receiver_a']), at(MON):
            Dossier.request_supplement([Dossier(dossier.id)],
                reason="Thiếu trang 2", components=[])
        self.assertEqual(told(dossier), {})
        with at(TUE):
            Dossier.portal_submit([reload(dossier)], citizen, declared=True)
        notes = told(dossier)
        (label, _, icon), = notes['receiver_a']
        self.assertEqual(label, "Hồ sơ đã bổ sung %s" % dossier.code)
        self.assertEqual(icon, 'tryton-attach')

    @with_transaction()
    def test_nobody_tells_themselves(self):
        """R-NOT-2: a receiving officer who submits a dossier is not told
        of it; a dossier of another district tells its own desk"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = make_dossier(world, channel='desk')
        other = make_dossier(world, agency='b')
        Transaction().user_notifications.clear()
        with as_user(world['receiver_a']), at(MON):
            Dossier.submit([Dossier(dossier.id)])
        self.assertEqual(sorted(told(dossier)), ['backfiller'])
        with at(MON):
            Dossier.submit([other])
        self.assertEqual(sorted(told(other)), ['receiver_b'])

    @with_transaction()
    def test_lists_name_agencies_shortly(self):
        """R-L10N-1: the dossier lists' action names agencies by their
        short name, not by their path from the province"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Agency = pool.get('gov.agency')
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action.act_window')
        world = make_world()
        dossier = make_dossier(world, agency='a')
        action = Action(ModelData.get_id('gov_dossier', 'act_dossier_form'))
        context = PYSONDecoder().decode(action.context)
        self.assertTrue(context.get('agency_short_name'))
        row, = Dossier.read([dossier.id], ['agency.rec_name'])
        self.assertEqual(row['agency.']['rec_name'],
            "UBND tỉnh / UBND huyện A")
        Agency.write([world['a']], {'short_name': "Huyện A"})
        with Transaction().set_context(context):
            row, = Dossier.read([dossier.id], ['agency.rec_name'])
        self.assertEqual(row['agency.']['rec_name'], "Huyện A")
