# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Dossiers and the versions of their procedure (R-CAT-6): a dossier keeps
the version it was submitted under."""
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from gov_procedure.exceptions import ProcedureStateError

from ..exceptions import DossierAccessError, DossierWorkflowError
from .dossier_fixtures import (
    CITIZEN_ID, PDF, DossierTestCase, at, local, make_dossier,
    make_procedure, make_web_user, make_world, reload)


def at_day():
    "Today in the province: a version in effect at once."
    from gov_procedure.version import local_today
    return local_today()


class ProcedureVersionTestCase(DossierTestCase):
    "R-CAT-6: a dossier keeps the procedure's version it was submitted under"

    def version_1(self, world):
        "Procedure PV, published with a fee of 8.000 đ and 2 components."
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Fee = pool.get('gov.procedure.fee')
        v1 = make_procedure(world.agencies, code='PV', publish=False)
        Fee.create([{'procedure': v1.id, 'kind': 'fee',
                    'amount': Decimal(8000)}])
        Procedure.publish([v1])
        return Procedure(v1.id)

    def version_2(self, v1):
        """Version 2 of v1, published at once: 10.000 đ, a third mandatory
        component, one more required eForm field, 3 working days."""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Fee = pool.get('gov.procedure.fee')
        Component = pool.get('gov.procedure.component')
        FormField = pool.get('gov.procedure.form_field')
        Step = pool.get('gov.procedure.step')
        v2, = Procedure.new_version([v1], {
                'change_basis': "Quyết định 99/QĐ-UBND",
                'processing_days': Decimal(3),
                })
        Fee.write(list(v2.fees), {'amount': Decimal(10000)})
        Component.create([{'procedure': v2.id, 'name': "Tờ khai mới",
                    'mandatory': True}])
        FormField.create([{'procedure': v2.id, 'name': 'dia_chi',
                    'string': "Địa chỉ", 'type_': 'char',
                    'required': True}])
        check, = [s for s in v2.steps if s.kind == 'check']
        Step.write([check], {'duration': Decimal(1)})
        Procedure.publish([v2])
        return Procedure(v2.id)

    @with_transaction()
    def test_dossier_keeps_its_version(self):
        """R-CAT-6, R-FEE-1: a dossier submitted under version 1 keeps its
        fee and components after version 2 is published (and its eForm,
        processing time and resubmission after a supplement)"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Procedure = pool.get('gov.procedure')
        Document = pool.get('gov.dossier.document')
        world = make_world()
        v1 = self.version_1(world)
        components = [c.name for c in v1.components]
        dossier = make_dossier(world, procedure=v1)
        with at(local(2025, 3, 3, 9, 0)):
            Dossier.submit([dossier])
        other = make_dossier(world, procedure=v1)
        with at(local(2025, 3, 3, 9, 5)):
            Dossier.submit([other])

        v2 = self.version_2(v1)
        self.assertEqual(Procedure(v1.id).state, 'superseded')
        self.assertEqual(
            Procedure.search([('code', '=', 'PV')]), [v2])

        dossier = reload(dossier)
        self.assertEqual(dossier.procedure, Procedure(v1.id))
        procedure = dossier.procedure
        self.assertEqual(procedure.total_fee(), Decimal(8000))
        self.assertEqual(
            [amount for _, _, amount in procedure.fee_lines()],
            [Decimal(8000)])
        self.assertEqual([c.name for c in procedure.components], components)
        self.assertEqual(procedure.form_errors(dossier.form_data), {})
        self.assertEqual(procedure.dossier_days(), Decimal(5))
        # Version 2 asks for more, and would refuse the same data.
        self.assertEqual(v2.total_fee(), Decimal(10000))
        self.assertEqual(len(v2.components), len(components) + 1)
        self.assertIn('dia_chi', v2.form_errors(dossier.form_data))
        # Received now, it is due by version 1's time (5 working days).
        with at(local(2025, 3, 3, 10, 0)):
            Dossier.receive([dossier])
        dossier = reload(dossier)
        self.assertEqual(dossier.processing_days, Decimal(5))

        # Sent back for a supplement, it is submitted again under
        # version 1, with version 1's components.
        component = Procedure(v1.id).components[1]
        with at(local(2025, 3, 3, 9, 30)):
            Dossier.request_supplement([reload(other)],
                reason="Bản sao chưa chứng thực",
                components=[component.id])
        other = reload(other)
        self.assertEqual(other.state, 'supplement')
        Document.create([{'dossier': other.id, 'component': component.id,
                    'name': 'ban_sao.pdf', 'data': PDF}])
        with at(local(2025, 3, 4, 9, 0)):
            Dossier.submit([other])
        other = reload(other)
        self.assertEqual(other.state, 'submitted')
        self.assertEqual(other.procedure, Procedure(v1.id))

    @with_transaction()
    def test_draft_dossier_under_old_version(self):
        """R-CAT-6: a draft dossier of a superseded version is not
        submitted; the citizen starts again under the current one"""
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        v1 = self.version_1(world)
        draft = make_dossier(world, procedure=v1)
        self.version_2(v1)
        with self.assertRaises(DossierWorkflowError) as cm:
            Dossier.submit([reload(draft)])
        self.assertIn('newer version', cm.exception.message)

    @with_transaction()
    def test_portal_draft_moves_to_current_version(self):
        """R-CAT-6, R-SUB-1: the citizen's portal draft of a superseded
        version opens under the current version, with the notice of the
        amendment, what she typed and the files of the components of the
        same name; saving it moves it there (the other files are dropped),
        and no one else reaches it"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Procedure = pool.get('gov.procedure')
        Component = pool.get('gov.procedure.component')
        FormField = pool.get('gov.procedure.form_field')
        world = make_world()
        v1 = self.version_1(world)
        citizen = make_web_user('lan@example.com')
        application, copy = v1.components
        draft = make_dossier(world, procedure=v1, web_user=citizen.id,
            documents=[('create', [
                        {'kind': 'component', 'component': c.id,
                            'name': 'f.pdf', 'data': PDF}
                        for c in [application, copy]])])
        v2, = Procedure.new_version([v1], {
                'change_basis': "Quyết định 99/QĐ-UBND",
                'effective_date': at_day(),
                })
        # Version 2 no longer asks for the copy, and asks an address.
        Component.delete([c for c in v2.components if c.name == copy.name])
        FormField.create([{'procedure': v2.id, 'name': 'dia_chi',
                    'string': "Địa chỉ", 'type_': 'char'}])
        Procedure.publish([v2])
        v2 = Procedure(v2.id)
        self.assertTrue(v2.active)
        # Opened (the portal's GET): still under version 1, shown in v2.
        found = Dossier.portal_draft(v2, citizen, str(draft.id))
        self.assertEqual((found, found.procedure), (draft, v1))
        with self.assertRaises(DossierAccessError):
            Dossier.portal_draft(
                v2, make_web_user('other@example.com'), str(draft.id))
        notice = found.draft_version_notice(v2)
        self.assertIn("Quyết định 99/QĐ-UBND", notice)
        self.assertIn(at_day().strftime('%d/%m/%Y'), notice)
        data, kept, dropped = found.version_carry_over(v2)
        self.assertEqual(data, {'ho_ten': "Nguyễn Thị Lan"})
        new_application, = [c for c in v2.components
            if c.name == application.name]
        self.assertEqual(list(kept), [new_application.id])
        self.assertEqual([d.component for d in dropped], [copy])
        # Saved: moved to version 2 with what she typed then.
        result = Dossier.portal_save_form(v2, citizen, {
                'applicant_name': "Nguyễn Thị Lan",
                'applicant_id_number': CITIZEN_ID,
                'agency': str(world.agencies['a'].id),
                'form_data.ho_ten': "Nguyễn Thị Lan",
                'form_data.dia_chi': "Gia Nghĩa",
                'return_method': 'desk',
                }, {}, draft=str(draft.id))
        draft = reload(draft)
        self.assertEqual(result.dossier, draft)
        self.assertEqual(draft.procedure, v2)
        self.assertEqual(dict(draft.form_data),
            {'ho_ten': "Nguyễn Thị Lan", 'dia_chi': "Gia Nghĩa"})
        self.assertEqual([d.component for d in draft.documents],
            [new_application])

    @with_transaction()
    def test_no_draft_once_dossiers_refer(self):
        """R-CAT-6: a procedure with dossiers does not go back to draft (a
        new version is made instead); without dossiers it does"""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Procedure = pool.get('gov.procedure')
        world = make_world()
        v1 = self.version_1(world)
        self.assertFalse(Procedure(v1.id).has_dossiers)
        Procedure.draft([v1])
        self.assertEqual(Procedure(v1.id).state, 'draft')
        Procedure.publish([v1])
        dossier = make_dossier(world, procedure=v1)
        Dossier.submit([dossier])
        # The button is not offered, and refused if called anyway.
        self.assertTrue(Procedure(v1.id).has_dossiers)
        self.assertIn('has_dossiers', Procedure._buttons['draft']['depends'])
        with self.assertRaises(ProcedureStateError) as cm:
            Procedure.draft([Procedure(v1.id)])
        self.assertIn('New Version', cm.exception.message)
        self.assertEqual(Procedure(v1.id).state, 'published')
