# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Versions of a procedure (R-CAT-6): a decision changes a published
procedure through a new version that takes effect on its date."""
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.tests.test_tryton import activate_module, with_transaction

from .. import version as version_module
from ..exceptions import ProcedureStateError, PublishError
from .tools import make_procedure

CODE = '1.001193'


def make_published(**kwargs):
    "A published procedure with a fee, an eForm field, a level, an agency."
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    Kind = pool.get('gov.agency.kind')
    Agency = pool.get('gov.agency')
    kinds = Kind.search([('code', '=', 'commune_committee')])
    agency = Agency(name="UBND phường Nghĩa Đức", code='000.01.21.H16',
        kind=kinds[0])
    agency.save()
    agencies = [agency]
    procedure = make_procedure(
        form_fields=[{'name': 'so_ban', 'string': "Số bản",
                'type_': 'integer'}],
        fees=[{'kind': 'fee', 'amount': Decimal(8000),
                'quantity_field': 'so_ban'}],
        **kwargs)
    Procedure.write([procedure], {
            'levels': [('add', [k.id for k in kinds])],
            'agencies': [('add', [a.id for a in agencies])],
            })
    Procedure.publish([procedure])
    return procedure


class VersionTestCase(unittest.TestCase):
    "R-CAT-6: versions of a procedure"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_new_version_copies_the_procedure(self):
        """R-CAT-6: a new version is a draft copy with the same code, the
        next number, its basis and effective date; the published version
        stays current"""
        Procedure = Pool().get('gov.procedure')
        v1 = make_published()
        effective = dt.date(2030, 1, 1)
        v2, = Procedure.new_version([v1], {
                'effective_date': effective,
                'change_basis': "Quyết định 123/QĐ-UBND ngày 01/12/2029",
                })
        self.assertEqual(v2.code, CODE)
        self.assertEqual(v2.version, 2)
        self.assertEqual(v2.previous_version, v1)
        self.assertEqual(v2.state, 'draft')
        self.assertFalse(v2.active)
        self.assertEqual(v2.effective_date, effective)
        self.assertIn("123/QĐ-UBND", v2.change_basis)
        self.assertIsNone(v2.published_date)
        for name in ['components', 'fees', 'form_fields', 'steps',
                'levels', 'agencies']:
            old, new = getattr(v1, name), getattr(v2, name)
            self.assertTrue(old, name)
            self.assertEqual(len(new), len(old), name)
            if name in {'levels', 'agencies'}:
                self.assertEqual(new, old, name)
            else:
                self.assertFalse({l.id for l in new} & {l.id for l in old})
        self.assertEqual(v2.total_fee(data={'so_ban': 2}), Decimal(16000))
        # The published version is untouched and still the current one.
        v1 = Procedure(v1.id)
        self.assertEqual((v1.state, v1.active, v1.version),
            ('published', True, 1))
        self.assertEqual(Procedure.search([('code', '=', CODE)]), [v1])
        self.assertEqual(list(v1.versions), [v2, v1])
        self.assertEqual(list(v2.versions), [v2, v1])

    @with_transaction()
    def test_publish_supersedes(self):
        """R-CAT-6: publishing a version in effect makes it the current
        one; the previous one is superseded, read only and kept"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Fee = pool.get('gov.procedure.fee')
        v1 = make_published()
        v2, = Procedure.new_version([v1])
        Fee.write(list(v2.fees), {'amount': Decimal(10000)})
        Procedure.publish([v2])
        v1, v2 = Procedure(v1.id), Procedure(v2.id)
        self.assertEqual((v2.state, v2.active), ('published', True))
        self.assertEqual((v1.state, v1.active), ('superseded', False))
        # Look-ups by code and the catalogue see the current version only.
        self.assertEqual(Procedure.search([('code', '=', CODE)]), [v2])
        self.assertEqual(Procedure.search_catalogue("khai sinh"), [v2])
        self.assertEqual(Procedure.search_catalogue(CODE), [v2])
        # The superseded version keeps its fees, and cannot change.
        self.assertEqual(v1.total_fee(data={'so_ban': 1}), Decimal(8000))
        self.assertEqual(v2.total_fee(data={'so_ban': 1}), Decimal(10000))
        with self.assertRaises(ProcedureStateError) as cm:
            Procedure.write([v1], {'name': "Khác"})
        self.assertIn('superseded', cm.exception.message)
        with self.assertRaises(ProcedureStateError):
            Fee.write(list(v1.fees), {'amount': Decimal(0)})
        with self.assertRaises(ProcedureStateError):
            Procedure.delete([v1])
        # No way back: neither to draft nor published again.
        Procedure.draft([v1])
        Procedure.publish([v1])
        Procedure.cancel([v1])
        self.assertEqual(Procedure(v1.id).state, 'superseded')

    @with_transaction()
    def test_code_unique_among_current_versions(self):
        """R-CAT-6, R-CAT-1: the national code is unique among the current
        procedures; the versions of a code share it"""
        Procedure = Pool().get('gov.procedure')
        v1 = make_published()
        v2, = Procedure.new_version([v1])
        Procedure.publish([v2])
        with self.assertRaises(SQLConstraintError):
            make_procedure(code=CODE, name="Đăng ký khai sinh (trùng)")

    @with_transaction()
    def test_new_version_refused(self):
        """R-CAT-6: no version is made of a draft, nor a second one while
        a newer version is being prepared"""
        Procedure = Pool().get('gov.procedure')
        draft = make_procedure(code='1.000894', name="Đăng ký kết hôn")
        with self.assertRaises(ProcedureStateError):
            Procedure.new_version([draft])
        v1 = make_published()
        v2, = Procedure.new_version([v1])
        with self.assertRaises(ProcedureStateError) as cm:
            Procedure.new_version([v1])
        self.assertIn('Version 2', cm.exception.message)
        # Once the draft is cancelled, another one can be made: version 3.
        Procedure.cancel([v2])
        v3, = Procedure.new_version([v1])
        self.assertEqual(v3.version, 3)

    @with_transaction()
    def test_future_version_takes_effect_on_its_day(self):
        """R-CAT-6: a version published with a future effective date waits;
        the daily job makes it current on that date"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        today = version_module.local_today()
        tomorrow = today + dt.timedelta(days=1)
        v1 = make_published()
        v2, = Procedure.new_version([v1], {'effective_date': tomorrow})
        Procedure.publish([v2])
        v1, v2 = Procedure(v1.id), Procedure(v2.id)
        self.assertEqual((v2.state, v2.active), ('published', False))
        self.assertEqual((v1.state, v1.active), ('published', True))
        self.assertEqual(Procedure.search_catalogue("khai sinh"), [v1])
        # The portal's look-up of /thu-tuc/<code> (routes_catalogue.py).
        self.assertEqual(Procedure.search([
                    ('code', '=', CODE), ('state', '=', 'published')]), [v1])

        cron = Cron(ModelData.get_id('gov_procedure', 'cron_take_effect_due'))
        self.assertEqual(cron.interval_type, 'days')
        Cron.run_once([cron])  # today: nothing yet
        self.assertFalse(Procedure(v2.id).active)
        with patch.object(version_module, 'local_today',
                return_value=tomorrow):
            Cron.run_once([cron])
        v1, v2 = Procedure(v1.id), Procedure(v2.id)
        self.assertEqual((v2.state, v2.active), ('published', True))
        self.assertEqual((v1.state, v1.active), ('superseded', False))
        self.assertEqual(Procedure.search_catalogue("khai sinh"), [v2])

    @with_transaction()
    def test_newest_version_in_effect_wins(self):
        """R-CAT-6: a version made later but in effect earlier than the
        one before it is not replaced by that older one on its date"""
        Procedure = Pool().get('gov.procedure')
        today = version_module.local_today()
        day = dt.timedelta(days=1)
        v1 = make_published()
        v2, = Procedure.new_version([v1], {'effective_date': today + 2 * day})
        Procedure.publish([v2])
        v3, = Procedure.new_version([v2], {'effective_date': today + day})
        Procedure.publish([v3])
        Procedure.take_effect_due(date=today + day)
        self.assertEqual(Procedure.search([('code', '=', CODE)]), [v3])
        Procedure.take_effect_due(date=today + 2 * day)
        self.assertEqual(Procedure.search([('code', '=', CODE)]), [v3])
        self.assertEqual(
            [(v.version, v.state) for v in Procedure(v3.id).versions],
            [(3, 'published'), (2, 'superseded'), (1, 'superseded')])

    @with_transaction()
    def test_current_draft_blocks_the_new_version(self):
        """R-CAT-6: a new version does not take effect over a current
        version that was sent back to draft (it is being edited)"""
        Procedure = Pool().get('gov.procedure')
        v1 = make_published()
        v2, = Procedure.new_version([v1])
        Procedure.draft([v1])
        with self.assertRaises(PublishError):
            Procedure.publish([v2])

    @with_transaction()
    def test_button_opens_the_new_version(self):
        """R-CAT-6: the New Version button opens the new draft in the
        client, by the administrator only"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Button = pool.get('ir.model.button')
        v1 = make_published()
        action = Procedure.open_new_version([v1])
        v2, = Procedure.browse(action['res_id'])
        self.assertEqual((v2.version, v2.state), (2, 'draft'))
        self.assertEqual(action['res_model'], 'gov.procedure')
        self.assertEqual(action['views'][0][1], 'form')
        button, = Button.search([
                ('model', '=', 'gov.procedure'),
                ('name', '=', 'open_new_version')])
        self.assertEqual(
            [g.name for g in button.groups],
            ["Provincial Office Administrator"])

    @with_transaction()
    def test_copy_is_a_new_procedure(self):
        "R-CAT-6: a plain copy of a version is a version 1 of its own"
        Procedure = Pool().get('gov.procedure')
        v1 = make_published()
        v2, = Procedure.new_version([v1])
        copy, = Procedure.copy([v2])
        self.assertEqual((copy.version, copy.previous_version, copy.active),
            (1, None, True))
        self.assertNotEqual(copy.code, CODE)

    @with_transaction()
    def test_new_version_keeps_the_level_certification(self):
        """R-CAT-6, R-CAT-7: a new version at its previous version's
        certified level is published without a new certification; at a
        raised level it needs one"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Certification = pool.get('gov.procedure.certification')
        Configuration = pool.get('gov.procedure.configuration')
        Level = pool.get('gov.service.level')
        level_3, = Level.search([('code', '=', 'level_3')])
        level_4, = Level.search([('code', '=', 'level_4')])
        Configuration.write([Configuration(1)],
            {'certification_required': True})
        v1 = make_procedure()
        Procedure.write([v1], {'service_level': level_3.id})
        certification, = Certification.create([{
                    'procedure': v1.id, 'service_level': level_3.id,
                    'note': "Đã kiểm tra."}])
        Certification.certify([certification])
        Procedure.publish([v1])
        v2, = Procedure.new_version([v1])
        Procedure.write([v2], {'service_level': level_4.id})
        with self.assertRaises(PublishError):
            Procedure.publish([v2])
        Procedure.write([v2], {'service_level': level_3.id})
        Procedure.publish([v2])
        self.assertEqual(Procedure(v2.id).state, 'published')
        self.assertTrue(Procedure(v2.id).active)

    @with_transaction()
    def test_lines_read_only_when_superseded(self):
        """R-CAT-6: the lines of a superseded version look read only in
        its form, as saving them is refused"""
        pool = Pool()
        for name in ['gov.procedure.component', 'gov.procedure.fee',
                'gov.procedure.form_field', 'gov.procedure.step']:
            Line = pool.get(name)
            for state, readonly in [('draft', False), ('superseded', True)]:
                decoder = PYSONDecoder({'procedure_state': state})
                for field_name in ['name', 'amount']:
                    field = Line._fields.get(field_name)
                    if not field or 'readonly' not in field.states:
                        continue
                    self.assertEqual(decoder.decode(PYSONEncoder().encode(
                                field.states['readonly'])), readonly,
                        (name, field_name, state))
