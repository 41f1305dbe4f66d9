# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The ICT department certifies a procedure's online service level before
it is published at that level (R-CAT-7; Điều 21.5, 24.8)."""
import unittest

from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction, check_access

from ..certification import CertificationError
from ..exceptions import PublishError
from .tools import make_procedure, make_user


def level(code):
    Level = Pool().get('gov.service.level')
    result, = Level.search([('code', '=', code)])
    return result


def require_certification(value=True):
    Configuration = Pool().get('gov.procedure.configuration')
    Configuration.write([Configuration(1)],
        {'certification_required': value})


def online_procedure(code='level_3', number='1.001193'):
    Procedure = Pool().get('gov.procedure')
    procedure = make_procedure(code=number)
    Procedure.write([procedure], {'service_level': level(code).id})
    return procedure


class CertificationTestCase(unittest.TestCase):
    "R-CAT-7: service levels certified by the ICT department"

    @classmethod
    def setUpClass(cls):
        activate_module('gov_procedure')

    @with_transaction()
    def test_publish_requires_certification(self):
        """R-CAT-7: once required, a procedure is not published at an
        online level the ICT department did not certify; certified (who,
        when, evidence), it is"""
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        Certification = pool.get('gov.procedure.certification')
        admin = make_user('quantri', 'group_admin')
        ict = make_user('sotttt', 'group_ict_admin')
        require_certification()
        procedure = online_procedure()
        with Transaction().set_user(admin.id), check_access():
            with self.assertRaises(PublishError) as cm:
                Procedure.publish([Procedure(procedure.id)])
        self.assertIn('ICT department', cm.exception.message)
        self.assertIn('Level 3', cm.exception.message)
        self.assertEqual(procedure.state, 'draft')
        with Transaction().set_user(ict.id), check_access():
            certification, = Certification.create([{
                        'procedure': procedure.id,
                        'service_level': level('level_3').id,
                        'note': "Đã kiểm tra nộp hồ sơ trực tuyến.",
                        'evidence': b'%PDF-1.4 bien ban',
                        'evidence_name': 'bien-ban.pdf',
                        }])
            Certification.certify([certification])
        self.assertEqual(certification.state, 'certified')
        self.assertEqual(certification.certified_by, ict)
        self.assertTrue(certification.certified_date)
        # Another level is not certified by it.
        Procedure.write([procedure], {'service_level': level('level_4').id})
        with self.assertRaises(PublishError):
            Procedure.publish([procedure])
        Procedure.write([procedure], {'service_level': level('level_3').id})
        with Transaction().set_user(admin.id), check_access():
            Procedure.publish([Procedure(procedure.id)])
        procedure = Procedure(procedure.id)
        self.assertEqual(procedure.state, 'published')
        self.assertEqual(procedure.published_level, level('level_3'))
        # Revoked, it no longer allows publishing again.
        Procedure.suspend([procedure])
        with Transaction().set_user(ict.id), check_access():
            Certification.revoke([Certification(certification.id)])
        with self.assertRaises(PublishError):
            Procedure.publish([procedure])

    @with_transaction()
    def test_offline_level_and_switch_off(self):
        """R-CAT-7: level 2 (no online submission) needs no certification,
        nor any level while the requirement is off"""
        Procedure = Pool().get('gov.procedure')
        require_certification()
        offline = online_procedure('level_2')
        Procedure.publish([offline])
        self.assertEqual(offline.state, 'published')
        require_certification(False)
        procedure = online_procedure('level_4', '1.000002')
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')

    @with_transaction()
    def test_levels_published_before_are_kept(self):
        """R-CAT-7: a level published before the requirement was switched
        on may be published again; a raised level needs the certification"""
        Procedure = Pool().get('gov.procedure')
        Configuration = Pool().get('gov.procedure.configuration')
        procedure = online_procedure('level_3')
        Procedure.publish([procedure])
        Procedure.suspend([procedure])
        # The switch comes strictly after the publication.
        Procedure.write([procedure], {
                'published_date': procedure.published_date.replace(
                    year=procedure.published_date.year - 1)})
        require_certification()
        self.assertTrue(Configuration(1).certification_required_since)
        Procedure.publish([procedure])
        self.assertEqual(procedure.state, 'published')
        Procedure.draft([procedure])
        Procedure.write([procedure], {'service_level': level('level_4').id})
        with self.assertRaises(PublishError):
            Procedure.publish([procedure])

    @with_transaction()
    def test_only_ict_department_certifies(self):
        """R-CAT-7, R-AG-3: the provincial office and the other roles read
        certifications but neither record nor certify one; a certification
        needs its evidence or findings"""
        pool = Pool()
        Certification = pool.get('gov.procedure.certification')
        admin = make_user('quantri', 'group_admin')
        auditor = make_user('kiemtra', 'group_auditor')
        procedure = online_procedure()
        draft, = Certification.create([{
                    'procedure': procedure.id,
                    'service_level': level('level_3').id,
                    }])
        for user in [admin, auditor]:
            with Transaction().set_user(user.id), check_access():
                self.assertEqual(Certification.search([]), [draft])
                with self.assertRaises(AccessError):
                    Certification.create([{
                                'procedure': procedure.id,
                                'service_level': level('level_3').id,
                                'note': 'x',
                                }])
                with self.assertRaises(AccessButtonError):
                    Certification.certify([Certification(draft.id)])
        with self.assertRaises(CertificationError):
            Certification.certify([draft])
        Configuration = pool.get('gov.procedure.configuration')
        with Transaction().set_user(auditor.id), check_access():
            with self.assertRaises(AccessError):
                Configuration.write([Configuration(1)],
                    {'certification_required': True})
