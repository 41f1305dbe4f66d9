# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Applicants: the 12-digit personal identification number and the tax
code (R-SUB-8)."""
import datetime as dt
import unittest

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from ..identity import (
    is_personal_id, is_tax_code, personal_id_birth, personal_id_error)
from .dossier_fixtures import (
    CITIZEN_ID, TAX_CODE, DossierTestCase, make_dossier, make_world)


class IdentityTestCase(unittest.TestCase):
    "R-SUB-8: shape of the identifiers"

    def test_personal_id_shape(self):
        "R-SUB-8: 12 digits, province code, century/gender, birth year"
        today = dt.date(2025, 3, 3)
        self.assertTrue(is_personal_id('067195001234', today))
        self.assertTrue(is_personal_id('001 090 001 234', today))
        self.assertEqual(personal_id_birth('067195001234'), (1995, 'female'))
        self.assertEqual(personal_id_birth('079203001234'), (2003, 'male'))
        for code, reason in [
                ('06719500123', 'length'),
                ('0671950012345', 'length'),
                ('06719500123A', 'length'),
                ('', 'length'),
                ('003195001234', 'province'),  # no province 003
                ('100195001234', 'province'),
                ('067226001234', 'year'),  # born 2026
                ('067495001234', 'year'),  # 22nd century
                ]:
            self.assertEqual(personal_id_error(code, today), reason, code)

    def test_tax_code(self):
        "R-SUB-8: organisations by their tax code"
        self.assertTrue(is_tax_code(TAX_CODE))
        self.assertTrue(is_tax_code(TAX_CODE + '-001'))
        self.assertFalse(is_tax_code('0100109107'))
        self.assertFalse(is_tax_code('123'))


class ApplicantTestCase(DossierTestCase):
    "R-SUB-8: applicants of dossiers"

    @with_transaction()
    def test_dossier_validates_identifiers(self):
        "R-SUB-8: a wrong number is refused with a message naming it"
        Dossier = Pool().get('gov.dossier')
        world = make_world()
        with self.assertRaises(UserError) as cm:
            make_dossier(world, applicant_id_number='003195001234')
        self.assertIn('003195001234', cm.exception.message)
        with self.assertRaises(UserError):
            make_dossier(world, applicant_kind='organisation',
                applicant_tax_code='0100109107')
        dossier = make_dossier(world, applicant_id_number='067 195 001 234')
        self.assertEqual(dossier.applicant_id_number, CITIZEN_ID)
        Dossier.submit([dossier])

    @with_transaction()
    def test_applicant_party(self):
        "R-SUB-8: the applicant party is found by its identifier or created"
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Identifier = pool.get('party.identifier')
        Party = pool.get('party.party')
        world = make_world()
        first = make_dossier(world)
        second = make_dossier(world)
        organisation = make_dossier(world, applicant_kind='organisation',
            applicant_name="Công ty TNHH Đắk Nông",
            applicant_tax_code=TAX_CODE,
            submitter_name="Lê Văn Minh")
        Dossier.submit([first, second, organisation])
        self.assertEqual(first.applicant, second.applicant)
        self.assertEqual(first.applicant.identifiers[0].code, CITIZEN_ID)
        # A known party is enough: its name and number fill the dossier.
        known = make_dossier(world, applicant=first.applicant.id,
            applicant_name=None, applicant_id_number=None)
        Dossier.submit([known])
        self.assertEqual((known.applicant_name, known.applicant_id_number),
            ("Nguyễn Thị Lan", CITIZEN_ID))
        self.assertEqual(organisation.applicant.identifiers[0].type, 'vn_vat')
        status = organisation.get_public_status(full=True)
        self.assertEqual(status['organisation'], "Công ty TNHH Đắk Nông")
        self.assertEqual(status['applicant_name'], "Lê Văn Minh")
        # The identifier type is validated on parties too.
        party = Party(name="X")
        party.save()
        with self.assertRaises(UserError):
            Identifier.create([{'party': party.id, 'type': 'vn_cccd',
                        'code': '123'}])
        identifier, = Identifier.create([{'party': party.id,
                    'type': 'vn_cccd', 'code': '067.090.004.321'}])
        self.assertEqual(identifier.code, '067090004321')
