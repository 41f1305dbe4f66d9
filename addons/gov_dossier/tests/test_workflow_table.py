# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The workflow table (workflow.WORKFLOW) is the one source of the dossier
workflow: Tryton's _transitions, the buttons' states, the groups of the
ir.model.button records, the strict state check, Dossier.allowed() that
the portal asks, Tryton's transition log and the extension point."""
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from ..exceptions import DossierStateError
from ..workflow import STATES, WORKFLOW
from .dossier_fixtures import (
    DossierTestCase, as_user, make_dossier, make_web_user, make_world,
    reload)


def hidden(button, **record):
    "Evaluate a button's invisible state on record values, as sao does."
    value = PYSONEncoder().encode(button['invisible'])
    return PYSONDecoder(record).decode(value)


class WorkflowTableTestCase(DossierTestCase):
    "R-PROC-1, R-AG-3: the dossier workflow declared once"

    @with_transaction()
    def test_transitions_are_the_table(self):
        "R-PROC-1: Tryton's _transitions are exactly the table's moves"
        Dossier = Pool().get('gov.dossier')
        expected = {(s, t) for spec in WORKFLOW.values()
            for s in spec.sources for t in spec.targets}
        self.assertEqual(Dossier._transitions, expected)
        states = {s for s, _ in STATES}
        for name, spec in WORKFLOW.items():
            self.assertLessEqual(set(spec.sources) | set(spec.targets),
                states, name)

    @with_transaction()
    def test_buttons_hidden_outside_their_states(self):
        "R-PROC-1: each button shows only in the states it starts from"
        Dossier = Pool().get('gov.dossier')
        for name, spec in WORKFLOW.items():
            button = Dossier._buttons[name]
            self.assertIn('state', button['depends'], name)
            for state, _ in STATES:
                record = {
                    'state': state, 'channel': 'desk',
                    'current_step_kind': None, 'has_next_step': True,
                    'can_act': True,
                    }
                if state not in spec.sources:
                    self.assertTrue(hidden(button, **record), (name, state))
        # The extra conditions of the table are kept (an online draft is
        # the citizen's, not the desk's).
        self.assertTrue(hidden(Dossier._buttons['receive'],
                state='draft', channel='online'))
        self.assertFalse(hidden(Dossier._buttons['receive'],
                state='draft', channel='desk'))

    @with_transaction()
    def test_button_groups_are_the_table(self):
        "R-AG-3: the groups holding each button are the table's"
        pool = Pool()
        Button = pool.get('ir.model.button')
        ModelData = pool.get('ir.model.data')
        for name, spec in WORKFLOW.items():
            expected = set()
            for group in spec.groups:
                module, xml_id = (group.split('.') if '.' in group
                    else ('gov_agency', group))
                expected.add(ModelData.get_id(module, xml_id))
            self.assertEqual(
                Button.get_groups('gov.dossier', name), expected, name)

    @with_transaction()
    def test_wrong_state_refused_not_skipped(self):
        "R-PROC-1: a list with one dossier in a wrong state changes none"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        draft = make_dossier(world)
        submitted = make_dossier(world)
        Dossier.submit([submitted])
        with self.assertRaises(DossierStateError):
            Dossier.request_supplement(
                [reload(submitted), reload(draft)], reason="Thiếu bản sao")
        self.assertEqual(reload(submitted).state, 'submitted')
        self.assertEqual(reload(draft).state, 'draft')

    @with_transaction()
    def test_allowed_follows_state_owner_and_groups(self):
        "R-PROC-1, R-AG-3: what Dossier.allowed() answers the portal"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        owner = make_web_user('chu.ho.so@example.vn')
        other = make_web_user('nguoi.khac@example.vn')
        dossier = make_dossier(world)
        Dossier.write([dossier], {'web_user': owner.id})
        dossier = reload(dossier)
        # A draft cannot be withdrawn; submitted, its owner may.
        self.assertFalse(dossier.allowed('withdraw', web_user=owner.id))
        self.assertTrue(dossier.allowed('submit', web_user=owner.id))
        Dossier.submit([dossier])
        dossier = reload(dossier)
        self.assertTrue(dossier.allowed('withdraw', web_user=owner.id))
        self.assertFalse(dossier.allowed('withdraw', web_user=other.id))
        # The applicant never receives her own dossier.
        self.assertFalse(dossier.allowed('receive', web_user=owner.id))
        with as_user(world['receiver_a']):
            self.assertTrue(Dossier(dossier.id).allowed('receive'))
        with as_user(world['specialist_a']):
            self.assertFalse(Dossier(dossier.id).allowed('receive'))
        self.assertFalse(dossier.allowed('unknown'))
        Dossier.withdraw([dossier], reason="Không cần nữa")
        self.assertFalse(
            reload(dossier).allowed('withdraw', web_user=owner.id))

    @with_transaction()
    def test_transition_logged_by_tryton(self):
        "R-PROC-1: Tryton's own transition log is kept with the history"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Log = pool.get('ir.model.log')
        world = make_world()
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        Transaction()._store_log_records()
        logs = Log.search([
                ('resource', '=', str(dossier)),
                ('event', '=', 'transition'),
                ])
        self.assertEqual([l.target for l in logs], ['state:submitted'])

    @with_transaction()
    def test_extension_point_vetoes_before_writing(self):
        "R-PROC-1: _check_event refuses a transition; nothing is written"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        seen = []

        def check_event(cls, dossiers, event):
            seen.append((event, [d.state for d in dossiers]))
            if event == 'received':
                raise UserError("Chưa nộp phí")
        with patch.object(Dossier, '_check_event',
                classmethod(check_event)):
            with self.assertRaises(UserError):
                Dossier.receive([reload(dossier)])
        dossier = reload(dossier)
        self.assertEqual(dossier.state, 'submitted')
        self.assertEqual(seen, [('received', ['submitted'])])
        self.assertEqual([h.event for h in dossier.history], ['submitted'])

    @with_transaction()
    def test_button_without_input_opens_its_wizard(self):
        "R-PROC-1: a button called without its input opens its wizard"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        world = make_world()
        dossier = make_dossier(world)
        Dossier.submit([dossier])
        for name, spec in WORKFLOW.items():
            if not spec.wizard:
                continue
            expected = Action.get_action_id(
                ModelData.get_id('gov_dossier', spec.wizard))
            self.assertEqual(
                getattr(Dossier, name)([reload(dossier)]), expected, name)
        self.assertEqual(reload(dossier).state, 'submitted')
