# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The citizen's consent to the processing of her personal data, with the
version of the text she agreed to (R-SEC-5, R-SEC-2; Decree 13/2023/NĐ-CP,
Điều 11: consent given expressly, in a form that can be printed).

Two models rather than fields on the account or the dossier: a person
consents several times (at registration, then at each submission) and the
text changes over the years; one row per act keeps every one of them.

- `gov.portal.consent.text`: the wording of each purpose, one record per
  version, managed by the provincial office. A version already agreed to
  is not rewritten: a new wording is a new version.
- `gov.portal.consent`: who (the web user), for what (registration, or the
  submission of a dossier), which version and its exact text copied, when
  and from which address. Written only by the server, never changed."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from gov_dossier.deadline import utcnow

PURPOSES = [
    ('registration', "Account Registration"),
    ('submission', "Dossier Submission"),
    ]


class ConsentRequired(ValidationError):
    "An act needing consent was asked without it."


class ConsentText(ModelSQL, ModelView):
    "The wording a citizen agrees to, per purpose and version."
    __name__ = 'gov.portal.consent.text'
    __string__ = "Personal Data Consent Text"
    _rec_name = 'version'

    purpose = fields.Selection(PURPOSES, "Purpose", required=True)
    version = fields.Char("Version", required=True,
        help="The identifier of this wording, e.g. 2026-01.")
    text = fields.Text("Text", required=True,
        help="The exact Vietnamese text shown to the citizen.")
    start_date = fields.DateTime("In Force From", required=True,
        help="The newest version in force is the one shown.")
    active = fields.Boolean("Active")
    used = fields.Function(fields.Boolean("Agreed To"), 'get_used')

    @classmethod
    def __setup__(cls):
        from trytond.model import Unique
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('purpose_version_uniq', Unique(t, t.purpose, t.version),
                'gov_portal.msg_consent_version_unique'),
            ]
        cls._order = [('purpose', 'ASC'), ('start_date', 'DESC'),
            ('id', 'DESC')]

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_start_date():
        return utcnow()

    @classmethod
    def get_used(cls, texts, name):
        Consent = Pool().get('gov.portal.consent')
        used = set()
        with without_check_access():
            for sub in grouped_slice(texts):
                used.update(c.consent_text.id for c in Consent.search(
                        [('consent_text', 'in', [t.id for t in sub])]))
        return {t.id: t.id in used for t in texts}

    @classmethod
    def current(cls, purpose):
        "The version in force for purpose (None when there is none)."
        with without_check_access():
            texts = cls.search([
                    ('purpose', '=', purpose),
                    ('start_date', '<=', utcnow()),
                    ], order=[('start_date', 'DESC'), ('id', 'DESC')],
                limit=1)
        return texts[0] if texts else None

    @classmethod
    def write(cls, *args):
        # What citizens agreed to stays as it was (their consent keeps a
        # copy too): a new wording is a new version.
        actions = iter(args)
        for texts, values in zip(actions, actions):
            if {'purpose', 'version', 'text'} & set(values):
                for text in texts:
                    if text.used:
                        raise AccessError(gettext(
                                'gov_portal.msg_consent_text_used',
                                version=text.version))
        super().write(*args)

    @classmethod
    def delete(cls, texts):
        for text in texts:
            if text.used:
                raise AccessError(gettext(
                        'gov_portal.msg_consent_text_used',
                        version=text.version))
        super().delete(texts)


class Consent(ModelSQL, ModelView):
    "One consent given by a citizen: the record of who agreed to what."
    __name__ = 'gov.portal.consent'
    __string__ = "Personal Data Consent"

    web_user = fields.Many2One('web.user', "Citizen Account",
        required=True, readonly=True, ondelete='RESTRICT')
    purpose = fields.Selection(PURPOSES, "Purpose", required=True,
        readonly=True)
    dossier = fields.Many2One('gov.dossier', "Dossier", readonly=True,
        ondelete='RESTRICT')
    consent_text = fields.Many2One('gov.portal.consent.text', "Text Version",
        required=True, readonly=True, ondelete='RESTRICT')
    version = fields.Char("Version", required=True, readonly=True)
    text = fields.Text("Text Agreed To", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    ip_address = fields.Char("Address", readonly=True,
        help="The network address the consent came from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.web_user, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def record(cls, web_user, purpose, dossiers=None, consent_text=None):
        """Store that web_user agreed to consent_text (by default the
        version in force for purpose), once per dossier for a submission.
        The address is the request's (trytond's context `_request`).
        ConsentRequired when no text is in force: nothing is then saved,
        the caller's transaction is rolled back."""
        Text = Pool().get('gov.portal.consent.text')
        if consent_text is None or consent_text.purpose != purpose:
            consent_text = Text.current(purpose)
        if consent_text is None:
            raise ConsentRequired(gettext('gov_portal.msg_consent_no_text'))
        # Not a context key of our own: each address would make every
        # cache keyed on the context (triggers, buttons, models…) miss at
        # each request from a new address; `_request` is ignored by them.
        address = (Transaction().context.get('_request') or {}).get(
            'remote_addr') or None
        values = {
            'web_user': int(web_user),
            'purpose': purpose,
            'consent_text': consent_text.id,
            'version': consent_text.version,
            'text': consent_text.text,
            'date': utcnow(),
            'ip_address': address,
            }
        with without_check_access():
            if dossiers:
                return cls.create([dict(values, dossier=d.id)
                        for d in dossiers])
            return cls.create([values])

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('gov_portal.msg_consent_readonly'))

    @classmethod
    def delete(cls, consents):
        raise AccessError(gettext('gov_portal.msg_consent_readonly'))


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def portal_submit(cls, dossiers, web_user, declared=False):
        """As gov_dossier's: refused without her tick (the declaration and
        the consent shown with it, submit.html); a first submission also
        stores her consent to the processing of the dossier's personal
        data, with the text in force (R-SEC-5)."""
        Consent = Pool().get('gov.portal.consent')
        first = [d for d in dossiers if d.state == 'draft']
        super().portal_submit(dossiers, web_user, declared=declared)
        if first:
            Consent.record(web_user, 'submission', dossiers=first)
