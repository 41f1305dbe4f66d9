# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the portal does with feedback for a citizen (R-FB-1, R-AG-3,
R-SEC-2). Portal routes run as root: they call these methods, which check
ownership themselves, never a free search or write.

- ``portal_send``: a feedback sent on the portal, signed in (her account)
  or not (name and phone or e-mail); a dossier is accepted only when it is
  hers;
- ``portal_rate_limit``: the sendings of the last hour from the address
  (a keyed hash of it, ``sender_address_key``) and from the account, at
  most ``[gov] feedback_per_hour`` (5) each;
- ``portal_lookup``: by tracking code with the PIN, or as owner; wrong PINs
  lock the PIN check like a dossier's (gov.dossier.pin.failure, keyed by
  the negative id of the feedback);
- ``portal_reopen``: "Chưa hài lòng", once, after an answer: escalates;
- ``public_history``: her history without officers' names."""
import datetime as dt
import hmac

from trytond import config
from trytond.i18n import gettext
from trytond.pool import Pool

from gov_portal.web import sign

from .exceptions import FeedbackAccessError, FeedbackWorkflowError
from .history import PUBLIC_EVENTS


class CitizenMixin:
    "The portal's methods of gov.feedback."
    __slots__ = ()

    @staticmethod
    def normalize_code(value):
        return ''.join(str(value or '').split()).upper()[:32]

    @staticmethod
    def address_key(address):
        "The keyed hash of a sender's address (the address is not kept)."
        return sign(Pool(), 'feedback-address', address or '')

    @classmethod
    def portal_rate_limit(cls, address, web_user=None):
        """False when the address, or the account, already sent `[gov]
        feedback_per_hour` (5) feedback on the portal within the hour:
        the sendings themselves are counted, as long as the window."""
        limit = config.getint('gov', 'feedback_per_hour', default=5)
        since = dt.datetime.now() - dt.timedelta(hours=1)
        recent = [('channel', '=', 'portal'), ('create_date', '>=', since)]
        if cls.search_count(recent + [
                    ('sender_address_key', '=', cls.address_key(address)),
                    ]) >= limit:
            return False
        if web_user and cls.search_count(recent + [
                    ('web_user', '=', int(web_user)),
                    ]) >= limit:
            return False
        return True

    @classmethod
    def portal_send(cls, values, files=(), web_user=None, address=None):
        """Create a feedback from the portal's form: values of kind, title,
        content, procedure, subject_agency, dossier_code,
        publication_consent, sender_name/phone/email; files [(name,
        data)]. Returns the feedback (its code and PIN to show once)."""
        pool = Pool()
        Dossier = pool.get('gov.dossier')
        Attachment = pool.get('gov.feedback.attachment')
        record = {
            'channel': 'portal',
            'sender_address_key': cls.address_key(address),
            'kind': values.get('kind') or 'feedback',
            'title': values.get('title'),
            'content': values.get('content'),
            'publication_consent': bool(values.get('publication_consent')),
            'procedure': values.get('procedure'),
            'subject_agency': values.get('subject_agency'),
            'sender_phone': values.get('sender_phone') or None,
            'sender_email': values.get('sender_email') or None,
            'sender_name': values.get('sender_name'),
            }
        if web_user:
            record['web_user'] = int(web_user)
            party = web_user.party
            record['sender_name'] = record['sender_name'] or (
                party.name if party else web_user.email)
            record['sender_email'] = record['sender_email'] or web_user.email
        code = Dossier.normalize_code(values.get('dossier_code'))
        if code:
            dossiers = Dossier.search_owned(web_user, [('code', '=', code)],
                limit=1) if web_user else []
            if not dossiers:
                raise FeedbackAccessError(gettext(
                        'gov_feedback.msg_dossier_not_own'))
            record['dossier'] = dossiers[0].id
        files = list(files or [])
        if len(files) > 3:
            raise FeedbackWorkflowError(gettext(
                    'gov_feedback.msg_too_many_files', count=3))
        checked = [Attachment.check_upload(name, data)
            for name, data in files]
        record['attachments'] = [('create', [
                    {'name': name, 'data': data}
                    for (name, _), (_, data) in zip(checked, files)])]
        feedback, = cls.create([record])
        return feedback

    @classmethod
    def search_owned(cls, web_user, domain=None, **kwargs):
        "The feedback sent from a portal account."
        if not web_user:
            return []
        return cls.search(
            [('web_user', '=', int(web_user))] + list(domain or []),
            **kwargs)

    def is_owner(self, web_user):
        return bool(web_user and self.web_user
            and self.web_user.id == int(web_user))

    @classmethod
    def pin_attempts(cls):
        return config.getint('gov', 'lookup_pin_attempts', default=5)

    @classmethod
    def portal_lookup(cls, code, pin=None, web_user=None):
        """(feedback, allowed, locked): the feedback of the code, whether
        the visitor may read it (owner or right PIN) and whether its PIN
        is locked by wrong guesses. An unknown code and a wrong PIN look
        alike to the visitor."""
        Failure = Pool().get('gov.dossier.pin.failure')
        code = cls.normalize_code(code)
        if not code:
            return None, False, False
        feedbacks = cls.search([('code', '=', code)], limit=1)
        if not feedbacks:
            return None, False, False
        feedback, = feedbacks
        if feedback.is_owner(web_user):
            return feedback, True, False
        if not pin:
            return feedback, False, False
        since = (dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            - Failure.lock_time())
        failures = Failure.search_count([
                ('dossier', '=', -feedback.id),
                ('create_date', '>=', since),
                ])
        if failures >= cls.pin_attempts():
            return feedback, False, True
        if hmac.compare_digest(str(pin).strip().encode(),
                (feedback.pin or '').encode()):
            return feedback, True, False
        Failure.add(-feedback.id)
        return feedback, False, failures + 1 >= cls.pin_attempts()

    @property
    def can_reopen(self):
        return (self.state in {'answered', 'closed'} and not self.reopened
            and not self.out_of_scope)

    @classmethod
    def portal_reopen(cls, feedback, web_user=None, pin=None, reason=None):
        """"Chưa hài lòng": the sender (owner, or with the PIN) reopens an
        answered feedback once; it escalates to the superior agency."""
        pool = Pool()
        History = pool.get('gov.feedback.history')
        allowed = feedback.is_owner(web_user)
        if not allowed and pin:
            allowed = hmac.compare_digest(str(pin).strip().encode(),
                (feedback.pin or '').encode())
        if not allowed:
            raise FeedbackAccessError(gettext('gov_feedback.msg_not_owner'))
        if not feedback.can_reopen:
            raise FeedbackWorkflowError(gettext(
                    'gov_feedback.msg_reopen_once',
                    feedback=feedback.code))
        reason = ' '.join((reason or '').split())[:2000] or None
        History.add([feedback], 'reopened', feedback.state, feedback.state,
            reason=reason, web_user=web_user)
        cls._write([feedback], {'reopened': True, 'reopen_reason': reason})
        cls.escalate([feedback], gettext('gov_feedback.msg_escalated_reopen'),
            web_user=web_user)

    def public_history(self):
        "[(date, event label, agency name, reason)] for the sender."
        labels = dict(Pool().get('gov.feedback.history').fields_get(
                ['event'])['event']['selection'])
        result = []
        for entry in self.history:
            if entry.event not in PUBLIC_EVENTS:
                continue
            agency = entry.to_agency
            reason = entry.reason if entry.event in {
                'transferred', 'out_of_scope', 'reopened', 'escalated'} \
                else None
            result.append((entry.date, labels.get(entry.event, entry.event),
                    agency.name if agency else '', reason))
        return result

    def public_state_label(self):
        return dict(self.fields_get(['state'])['state']['selection']).get(
            self.state, self.state)
