# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the platform holds about a citizen, for "Dữ liệu của tôi"
(R-SEC-5; Decree 13/2023/NĐ-CP, Điều 9 and 14: the right to obtain one's
data).

The extension point is `web.user.personal_data()`: a list of sections
(key, model name, rows), each row a dict of field name → value read from
the model. gov_portal gives the profile, the consents, the dossiers (with
their eForm data and their files' names and SHA-256, not the files), the
notifications and the closure requests; every other module that holds
personal data (payments, ratings, feedback …) extends it with PoolMeta,
calls super() and appends its own sections — gov_portal names none of
them. The JSON is these sections; the PDF shows them under the models' and
fields' names in the reader's language (`labels()`)."""
import datetime as dt
import hashlib
from decimal import Decimal

from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

PROFILE_FIELDS = ['email', 'email_valid', 'full_name',
    'identification_number', 'birth_date', 'phone', 'address', 'active', 'create_date']
CONSENT_FIELDS = ['purpose', 'dossier', 'version', 'text', 'date',
    'ip_address']
DOSSIER_FIELDS = ['code', 'procedure', 'agency', 'channel', 'state',
    'applicant_kind', 'applicant_name', 'applicant_id_number',
    'applicant_tax_code', 'applicant_phone', 'applicant_email',
    'applicant_address', 'submitted_date', 'received_date', 'due_date',
    'completed_date', 'returned_date', 'return_method', 'return_address',
    'return_phone', 'declaration_text', 'declared_date', 'form_data']
NOTIFICATION_FIELDS = ['dossier', 'kind', 'channel', 'recipient', 'subject',
    'body', 'state', 'sent_date', 'read_date', 'create_date']
CLOSURE_FIELDS = ['reason', 'state', 'request_date', 'refusal_reason',
    'done_date']


def plain(value):
    "A value as JSON holds it: records by name, times in ISO 8601 (UTC)."
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, 'rec_name'):
        return value.rec_name
    return value


def rows(records, field_names):
    "The records as dicts of the fields that exist in this database."
    if not records:
        return []
    fields_ = records[0]._fields
    names = [n for n in field_names if n in fields_]
    # Booleans as booleans (SQLite gives 0/1 back).
    booleans = {n for n in names if fields_[n]._type == 'boolean'}
    return [{n: bool(getattr(r, n, None)) if n in booleans
            else plain(getattr(r, n, None)) for n in names}
        for r in records]


def sha256(document):
    data = document.data
    return hashlib.sha256(data).hexdigest() if data else None


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    # The model of the rows nested under a key (their labels on the page
    # and in the PDF); modules add theirs.
    personal_data_nested = {'documents': 'gov.dossier.document'}

    def personal_data(self):
        """[(key, model name, [row])]: what the platform holds about this
        account. Modules holding more personal data extend it (R-SEC-5)."""
        pool = Pool()
        Consent = pool.get('gov.portal.consent')
        Dossier = pool.get('gov.dossier')
        Notification = pool.get('gov.notification')
        Closure = pool.get('gov.portal.closure')
        with without_check_access():
            dossiers = Dossier.search([('web_user', '=', self.id)],
                order=[('create_date', 'ASC'), ('id', 'ASC')])
            dossier_rows = rows(dossiers, DOSSIER_FIELDS)
            for row, dossier in zip(dossier_rows, dossiers):
                # The eForm data as she read it: under the form's labels.
                row['form'] = [[label, text]
                    for label, text in dossier.declared_values()]
                row['documents'] = [{
                        'name': d.name,
                        'kind': d.kind,
                        'size': d.size,
                        'sha256': sha256(d),
                        'create_date': plain(d.create_date),
                        } for d in dossier.documents]
            sections = [
                ('profile', 'web.user', rows([self], PROFILE_FIELDS)),
                ('consents', 'gov.portal.consent', rows(
                        Consent.search([('web_user', '=', self.id)],
                            order=[('date', 'ASC'), ('id', 'ASC')]),
                        CONSENT_FIELDS)),
                ('dossiers', 'gov.dossier', dossier_rows),
                ('notifications', 'gov.notification', rows(
                        Notification.search([('web_user', '=', self.id)],
                            order=[('create_date', 'ASC'), ('id', 'ASC')]),
                        NOTIFICATION_FIELDS)),
                ('closure_requests', 'gov.portal.closure', rows(
                        Closure.search([('web_user', '=', self.id)]),
                        CLOSURE_FIELDS)),
                ]
        return sections

    def personal_data_json(self):
        "{key: rows} of personal_data(), with when it was made."
        from gov_dossier.deadline import utcnow
        data = {'generated_at': utcnow().isoformat(),
            'format': 'dvc-daknong-personal-data/1'}
        data.update((key, section)
            for key, _model, section in self.personal_data())
        return data

    @classmethod
    def personal_data_labels(cls, model_name):
        """(title, {field: label}, {field: {value: label}}) of a model in
        the language of the transaction, for the PDF and the page."""
        pool = Pool()
        Model = pool.get(model_name)
        IrModel = pool.get('ir.model')
        with without_check_access():
            title = IrModel.get_name(model_name)
            definitions = Model.fields_get()
        labels = {name: d.get('string', name)
            for name, d in definitions.items()}
        selections = {name: dict(d['selection'])
            for name, d in definitions.items()
            if isinstance(d.get('selection'), (list, tuple))}
        return title, labels, selections

