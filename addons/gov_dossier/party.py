# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The personal identification number as a party identifier (R-SUB-8);
who reads the applicants (party.xml, R-AG-3, R-SEC-2)."""
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, check_access

from .access import RuleCheckedExportMixin
from .identity import compact, personal_id_error

PERSONAL_ID = ('vn_cccd', "Vietnamese Personal Identification Number")


class Configuration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = list(cls.identifier_types.selection)
        if PERSONAL_ID not in selection:
            selection.append(PERSONAL_ID)
        cls.identifier_types.selection = selection


class Party(RuleCheckedExportMixin, metaclass=PoolMeta):
    __name__ = 'party.party'

    # The record rule of officers goes through it (party.xml).
    gov_dossiers = fields.One2Many(
        'gov.dossier', 'applicant', "Dossiers", readonly=True)


class ContactMechanism(RuleCheckedExportMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'


class Address(RuleCheckedExportMixin, metaclass=PoolMeta):
    __name__ = 'party.address'


class Rule(metaclass=PoolMeta):
    """The party rule of officers (party.xml) uses
    Eval('gov_dossier_domain'): the domain of the dossiers the user may
    read, as the dossier rules give it."""
    __name__ = 'ir.rule'

    @classmethod
    def _gov_dossier_domain(cls):
        with check_access():
            return cls.domain_get('gov.dossier', mode='read')

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name == 'party.party':
            context['gov_dossier_domain'] = cls._gov_dossier_domain()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if 'party.party' in model_names:
            key = (*key, cls._get_cache_key({'gov.dossier'}))
        return key


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The party rule looks up the dossiers of each party.
        cls._sql_indexes.add(Index(t, (t.applicant, Index.Equality())))

    @classmethod
    def _check_applicants(cls, parties):
        """An officer links only an applicant they may read: otherwise
        linking any party to their own dossier would open it to them."""
        parties = list({p for p in parties if p})
        transaction = Transaction()
        if parties and transaction.user and transaction.check_access:
            Pool().get('party.party').read(parties, ['id'])

    # Not check_modification: on create it runs once the new dossier is
    # inserted, when it already opens its applicant to the officer.
    @classmethod
    def create(cls, vlist):
        cls._check_applicants(v.get('applicant') for v in vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        cls._check_applicants(
            v.get('applicant') for _, v in zip(actions, actions))
        super().write(*args)


class Identifier(RuleCheckedExportMixin, metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @fields.depends('type', 'code')
    def check_code(self):
        super().check_code()
        if self.type == PERSONAL_ID[0]:
            reason = personal_id_error(self.code)
            if reason:
                raise InvalidIdentifierCode(gettext(
                        'gov_dossier.msg_personal_id_%s' % reason,
                        code=self.code))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('type') == PERSONAL_ID[0] and values.get('code'):
            values['code'] = values['code_compact'] = compact(values['code'])
        return values

    @classmethod
    def validate_fields(cls, identifiers, field_names):
        super().validate_fields(identifiers, field_names)
        if field_names and not (field_names & {'type', 'code'}):
            return
        for identifier in identifiers:
            if identifier.type == PERSONAL_ID[0]:
                identifier.check_code()
