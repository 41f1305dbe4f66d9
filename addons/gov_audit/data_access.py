# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the staff take out of the platform (R-OPS-3, R-SEC-1): every
export of dossiers, citizens' accounts, parties (and of the audit log
itself), and every read of ONE record with personal data — sao opening a
form, not a list.

Only a person's calls are logged: a transaction with access checks (RPC)
of a user other than root. The server's own reads (routes, crons,
workflow, reports) run without access checks and are not."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


def _by_person():
    "The current call is a person's through RPC (not root, not the server)."
    return Transaction().check_access


class ExportAuditMixin:
    "Log every export of the model by a person (sao's Export)."
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        result = super().export_data(records, fields_names, header=header)
        if _by_person():
            Pool().get('gov.audit.event').log('export',
                user=Transaction().user, model=cls.__name__,
                records=records,
                details='Fields: ' + ', '.join(fields_names))
        return result


class PersonalReadAuditMixin(ExportAuditMixin):
    """Log a person's read of one record with personal fields. A list
    reads a page of records at once and is not logged."""
    __slots__ = ()
    # Fields holding personal data (Nghị định 13/2023/NĐ-CP).
    _audit_personal_fields = set()

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        if len(ids) == 1 and _by_person():
            read = {f.split('.', 1)[0] for f in fields_names}
            personal = sorted(read & cls._audit_personal_fields)
            if personal:
                Pool().get('gov.audit.event').log('personal_data_read',
                    user=Transaction().user, model=cls.__name__,
                    records=ids, details='Fields: ' + ', '.join(personal))
        return result


class Dossier(PersonalReadAuditMixin, metaclass=PoolMeta):
    __name__ = 'gov.dossier'
    _audit_personal_fields = {
        'applicant', 'applicant_name', 'applicant_id_number',
        'applicant_tax_code', 'submitter_name', 'applicant_phone',
        'applicant_email', 'applicant_address', 'form_data',
        }


class Party(PersonalReadAuditMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _audit_personal_fields = {
        'name', 'identifiers', 'addresses', 'contact_mechanisms',
        'gov_dossiers',
        }


class WebUser(PersonalReadAuditMixin, metaclass=PoolMeta):
    __name__ = 'web.user'
    _audit_personal_fields = {
        'email', 'party', 'full_name', 'identification_number', 'phone',
        'address',
        }
