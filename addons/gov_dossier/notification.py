# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Notifications to the applicant (R-NOT-1, R-NOT-2, Điều 12.2 of QĐ 04).

At the moments Điều 12.2.a names, one `gov.notification` per channel is
created in the same transaction as the transition (so a transition that
rolls back notifies nobody):

============================  =========================================
dossier event                 notification (content)
============================  =========================================
submitted (online, postal)    received: the agency got it, when it will be
                              checked, the processing time
received                      checked, valid: the appointment (result) date
supplement                    checked, invalid: what to add or fix, and why
result_ready                  resolved: the result, when, where and how to
                              collect it (and fees due on collection)
rejected                      resolved: refused, and the reason
apology (report.py)           late: apology and the new appointment date
============================  =========================================

Channels: ``portal`` (the record itself is the citizen's inbox on the
portal: `portal_inbox()`), ``email`` and ``sms`` through the gateways of
gateway.py. Portal notifications are delivered at once; e-mail and SMS are
sent by a queued task (`ir.queue`, run by ``trytond-worker`` when ``[queue]
worker = True``, otherwise right after the transition's commit) so that a
slow or failing gateway never blocks nor rolls back a transition. A failed
sending keeps the notification "failed" with the error and the number of
attempts; the cron "Retry Failed Notifications" tries again (every 15
minutes by default) until ``[gov] notification_max_attempts`` (5).

Configuration ``[gov]``: ``notification_channels`` (``portal,email,sms``),
``notification_check_days`` (working days announced for the completeness
check of an online dossier, 1), ``notification_max_attempts`` (5), plus the
gateway options of gateway.py and ``portal_url`` (report.py).
"""
import datetime as dt
import logging

from sql import Null

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_agency.l10n import (
    format_amount, format_date, format_days, format_time, normalize_phone,
    to_local)

from .exceptions import DossierAccessError
from .gateway import get_gateway
from .report import applicant_text, lookup_url, portal_url

logger = logging.getLogger(__name__)

CHANNELS = [
    ('portal', "Portal Inbox"),
    ('email', "E-mail"),
    ('sms', "SMS"),
    ]
KINDS = [
    ('received', "Received"),
    ('valid', "Checked: Valid"),
    ('invalid', "Checked: to Supplement"),
    ('result', "Result Ready"),
    ('refused', "Refused"),
    ('apology', "Late: New Appointment"),
    ]
STATES = [
    ('queued', "Queued"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ]
# Channels where an officer entered the applicant's contacts.
OFFICER_CHANNELS = {'desk', 'postal'}
# Dossier events (Dossier._on_event) → kind of notification.
EVENT_KINDS = {
    'submitted': 'received',
    'received': 'valid',
    'supplement': 'invalid',
    'result_ready': 'result',
    'rejected': 'refused',
    'apology': 'apology',
    }


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def channels():
    value = config.get(
        'gov', 'notification_channels', default='portal,email,sms')
    return [c.strip() for c in (value or '').split(',') if c.strip()]


def max_attempts():
    return config.getint('gov', 'notification_max_attempts', default=5)


class Notification(ModelSQL, ModelView):
    "A message to the applicant of a dossier on one channel (R-NOT-1/2)."
    __name__ = 'gov.notification'
    __string__ = "Notification"
    _rec_name = 'subject'

    dossier = fields.Many2One(
        'gov.dossier', "Dossier", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection(
        KINDS, "Kind", required=True, readonly=True, sort=False)
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, readonly=True, sort=False)
    recipient = fields.Char(
        "Recipient", readonly=True,
        help="E-mail address, phone number, or the portal account's e-mail.")
    web_user = fields.Many2One(
        'web.user', "Citizen Account", readonly=True, ondelete='CASCADE',
        help="The portal account whose inbox shows the notification.")
    subject = fields.Char("Subject", required=True, readonly=True)
    body = fields.Text("Message", required=True, readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    attempts = fields.Integer(
        "Attempts", readonly=True,
        help="Number of sending attempts so far.")
    error = fields.Text("Last Error", readonly=True)
    gateway = fields.Char("Gateway", readonly=True)
    reference = fields.Char(
        "Gateway Reference", readonly=True,
        help="The identifier the gateway gave to the message.")
    last_attempt_date = fields.DateTime("Last Attempt", readonly=True)
    sent_date = fields.DateTime("Sent", readonly=True)
    read_date = fields.DateTime(
        "Read", readonly=True,
        help="When the citizen opened it in the portal inbox.")
    retries_left = fields.Function(
        fields.Boolean("Will Be Retried"), 'get_retries_left',
        searcher='search_retries_left')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('dossier')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.dossier, Index.Equality())),
                Index(t, (t.web_user, Index.Equality()),
                    (t.channel, Index.Equality(cardinality='low')),
                    where=t.web_user != Null),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state != 'sent'),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'retry': {
                    'invisible': Eval('state') != 'failed',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_attempts(cls):
        return 0

    def get_retries_left(self, name):
        return self.state == 'failed' and (
            (self.attempts or 0) < max_attempts())

    @classmethod
    def search_retries_left(cls, name, clause):
        _, operator, value, *_ = clause
        positive = [('state', '=', 'failed'),
            ('attempts', '<', max_attempts())]
        if (operator == '=') == bool(value):
            return positive
        return ['OR', ('state', '!=', 'failed'),
            ('attempts', '>=', max_attempts())]

    @classmethod
    def check_modification(
            cls, mode, notifications, values=None, external=False):
        """Only the server writes notifications: __access__ grants the
        dossier's permissions (create, write, delete for some roles) to its
        notifications, but no one may forge, edit or delete what the
        applicant was told (R-PROC-1 audit trail)."""
        super().check_modification(
            mode, notifications, values=values, external=external)
        if external:
            raise AccessError(gettext(
                    'gov_dossier.msg_notification_server_only'))

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        """trytond 8.0's export_data evaluates the record rules in Python
        and lets through the rules inherited from the dossier (__access__):
        read the records first, which applies them in SQL."""
        if Transaction().check_access:
            cls.read([r.id for r in records], ['id'])
        return super().export_data(records, fields_names, header=header)

    # ------------------------------------------------------- creation
    @classmethod
    def notify(cls, dossiers, kind):
        """Create the notifications of kind for the dossiers on every
        configured channel, deliver the portal ones and queue the others."""
        enabled = channels()
        to_save = []
        for dossier in dossiers:
            if dossier.backfilled:
                continue
            content = cls.content(dossier, kind)
            if content is None:
                continue
            subject, body, sms = content
            for channel, recipient, web_user in cls.recipients(dossier):
                if channel not in enabled:
                    continue
                to_save.append(cls(
                        dossier=dossier,
                        kind=kind,
                        channel=channel,
                        recipient=recipient,
                        web_user=web_user,
                        subject=subject,
                        body=sms if channel == 'sms' else body,
                        state='queued',
                        attempts=0))
        if not to_save:
            return []
        now = utcnow()
        for notification in to_save:
            if notification.channel == 'portal':
                notification.state = 'sent'
                notification.sent_date = now
                notification.gateway = 'portal'
        with without_check_access():
            cls.save(to_save)
        queued = [n for n in to_save if n.state == 'queued']
        if queued:
            # One task per message for trytond-worker (queue_batch): a
            # worker killed while sending leaves only the message in flight
            # to the cron — with the same key, so an idempotent gateway
            # delivers it once — never the ones before or after it.
            with Transaction().set_context(
                    queue_name='gov_notification', queue_batch=1):
                cls.__queue__.send(queued)
        return to_save

    @classmethod
    def recipients(cls, dossier):
        """(channel, recipient, web user) of the dossier's applicant.

        Mail carries the QR token (the link shows the applicant's name): it
        goes only to an address someone vouched for — the portal account's
        verified e-mail, or the address an officer took down at the desk or
        from the postal form. An address typed on the portal's form is
        anybody's (R-SEC-2): nothing is sent to it."""
        result = []
        web_user = dossier.web_user
        if web_user:
            result.append(('portal', web_user.email, web_user))
        email = None
        if dossier.channel in OFFICER_CHANNELS and dossier.applicant_email:
            email = dossier.applicant_email
        elif web_user and web_user.email_valid:
            email = web_user.email
        if email and email.strip():
            result.append(('email', email.strip(), None))
        phone = normalize_phone(dossier.applicant_phone)
        if phone:
            result.append(('sms', phone, None))
        return result

    # -------------------------------------------------------- content
    @classmethod
    def _local(cls, value, agency):
        return to_local(value, agency)

    @classmethod
    def content(cls, dossier, kind):
        """(subject, body, sms text) of a notification, in the applicant's
        language (Vietnamese): the ir.message records msg_notification_*
        of message.xml, translated in locale/vi.po. None when there is
        nothing to say. Extend it to change what is said."""
        method = getattr(cls, f'_content_{kind}', None)
        if method is None:
            return None
        name = dossier.submitter_name or dossier.applicant_name or ''
        values = {
            'name': name,
            'code': dossier.code or '',
            'agency': dossier.agency.name,
            'procedure': dossier.procedure.name,
            'url': lookup_url(dossier.code, dossier.qr_token),
            'portal': portal_url(),
            }
        subject, lines, sms = method(dossier, values)
        if name:
            greeting = applicant_text('msg_notification_greeting', name=name)
        else:
            greeting = applicant_text('msg_notification_greeting_anonymous')
        footer = [
            '',
            applicant_text('msg_notification_lookup', url=values['url']),
            applicant_text('msg_notification_regards'),
            values['agency'],
            applicant_text('msg_notification_automatic'),
            ]
        body = '\n'.join([greeting, ''] + lines + footer)
        return subject, body, sms

    @classmethod
    def _content_received(cls, dossier, v):
        # The same dates as the portal's confirmation (citizen.py).
        check_days = dossier.check_days()
        submitted = dossier.submitted_date or utcnow()
        check_date = dossier.expected_check_date(submitted)
        subject = applicant_text('msg_notification_received_subject', **v)
        lines = [
            applicant_text('msg_notification_received', **v,
                time=format_time(cls._local(submitted, dossier.agency))),
            applicant_text('msg_notification_received_check',
                check_days=check_days, check_date=format_date(check_date)),
            applicant_text('msg_notification_received_processing',
                days=format_days(dossier.procedure.dossier_days())),
            ]
        return subject, lines, cls._sms(dossier, 'received', check_date)

    @classmethod
    def _content_valid(cls, dossier, v):
        due = format_date(dossier.due_date)
        subject = applicant_text(
            'msg_notification_valid_subject', **v, due_date=due)
        lines = [
            applicant_text('msg_notification_valid', **v,
                time=format_time(
                    cls._local(dossier.received_date, dossier.agency))),
            applicant_text('msg_notification_valid_due',
                days=format_days(dossier.processing_days), due_date=due),
            ]
        return subject, lines, cls._sms(dossier, 'valid', due)

    @classmethod
    def _content_invalid(cls, dossier, v):
        components = [c.name for c in sorted(dossier.supplement_components,
                key=lambda c: (c.sequence or 0, c.id))]
        reason = (dossier.supplement_reason or '').strip()
        subject = applicant_text('msg_notification_invalid_subject', **v)
        lines = [applicant_text('msg_notification_invalid', **v)]
        if components:
            lines.append(applicant_text('msg_notification_invalid_components'))
            lines.extend(f"- {name}" for name in components)
        lines.append(applicant_text('msg_notification_reason', reason=reason))
        lines.append(applicant_text('msg_notification_invalid_resubmit', **v))
        return subject, lines, cls._sms(dossier, 'invalid',
            (components, reason))

    @classmethod
    def _return_method(cls, method):
        "How the result is returned, in the sentence of a notification."
        if method not in {'desk', 'postal', 'online'}:
            return ''
        return applicant_text(f'msg_notification_return_{method}')

    @classmethod
    def _content_result(cls, dossier, v):
        agency = dossier.agency
        method = dossier.return_method or dossier._default_return_method()
        how = cls._return_method(method)
        if method == 'online':
            # Only what the system does: results are not signed
            # electronically yet (signature issue).
            where = applicant_text('msg_notification_result_online', **v)
        elif method == 'postal':
            # No delivery time: postal issue. Where she asked it sent
            # (delivery.py, R-SUB-10), and the phone the postman calls.
            address = (dossier.delivery_address() or '').replace('\n', ', ')
            phone = dossier.delivery_phone()
            if phone:
                where = applicant_text(
                    'msg_notification_result_postal_phone',
                    address=address, phone=phone)
            else:
                where = applicant_text('msg_notification_result_postal',
                    address=address)
        else:
            place = agency.name
            if agency.address:
                place += f", {agency.address}"
            where = applicant_text(
                'msg_notification_result_desk', place=place)
        ready = format_date(
            cls._local(dossier.completed_date or utcnow(), agency))
        result = (dossier.result_note or '').strip()
        subject = applicant_text('msg_notification_result_subject', **v)
        if result:
            done = applicant_text('msg_notification_result_note', **v,
                date=ready, result=result)
        else:
            done = applicant_text(
                'msg_notification_result', **v, date=ready)
        lines = [
            done,
            applicant_text(
                'msg_notification_result_how', how=how, where=where),
            applicant_text('msg_notification_result_from', date=ready),
            ]
        fee = dossier.total_fee('on_collection')
        if fee:
            lines.append(applicant_text(
                    'msg_notification_result_fee',
                    amount=format_amount(fee)))
        return subject, lines, cls._sms(dossier, 'result',
            (how, ready))

    @classmethod
    def _content_refused(cls, dossier, v):
        reason = (dossier.rejection_reason or '').strip()
        subject = applicant_text('msg_notification_refused_subject', **v)
        lines = [
            applicant_text('msg_notification_refused', **v),
            applicant_text('msg_notification_reason', reason=reason),
            applicant_text('msg_notification_refused_contact'),
            ]
        return subject, lines, cls._sms(dossier, 'refused', reason)

    @classmethod
    def _content_apology(cls, dossier, v):
        reason = (dossier.apology_reason or '').strip()
        new_date = format_date(dossier.apology_due_date)
        subject = applicant_text(
            'msg_notification_apology_subject', **v, date=new_date)
        lines = [
            applicant_text('msg_notification_apology', **v,
                due_date=format_date(dossier.due_date), reason=reason),
            applicant_text(
                'msg_notification_apology_new_date', **v, date=new_date),
            ]
        return subject, lines, cls._sms(dossier, 'apology',
            (reason, new_date))

    @classmethod
    def _sms(cls, dossier, kind, data):
        """The short text of an SMS (≤ 3 segments), in Vietnamese with
        diacritics (the HTTP gateway can strip them, see gateway.py)."""
        values = {
            'code': dossier.code or '',
            # A phone typed on the portal's form is nobody's word: its
            # link asks for the PIN instead of carrying the QR token.
            'url': lookup_url(dossier.code, dossier.qr_token
                if dossier.channel in OFFICER_CHANNELS else None),
            }
        if kind == 'received':
            text = applicant_text('msg_notification_received_sms', **values,
                agency=dossier.agency.name, check_date=format_date(data))
        elif kind == 'valid':
            text = applicant_text(
                'msg_notification_valid_sms', **values, due_date=data)
        elif kind == 'invalid':
            components, reason = data
            if components:
                text = applicant_text(
                    'msg_notification_invalid_sms_components', **values,
                    components="; ".join(components), reason=reason)
            else:
                text = applicant_text(
                    'msg_notification_invalid_sms', **values, reason=reason)
        elif kind == 'result':
            how, ready = data
            text = applicant_text('msg_notification_result_sms', **values,
                how=how, date=ready)
        elif kind == 'refused':
            text = applicant_text(
                'msg_notification_refused_sms', **values, reason=data)
        elif kind == 'apology':
            reason, new_date = data
            text = applicant_text('msg_notification_apology_sms', **values,
                reason=reason, date=new_date)
        if len(text) > 459:
            text = text[:456] + '...'
        return text

    # -------------------------------------------------------- sending
    @property
    def message_key(self):
        """The notification's own message id at an idempotent gateway (the
        SMS operator's client message id, the e-mail's Message-ID): its id
        and creation second, so that a database made anew never reuses the
        key of an older message."""
        return f'dvc-{self.id}-{self.create_date:%Y%m%d%H%M%S}'

    @classmethod
    def send(cls, notifications):
        """Send through the gateways (the queued task). Never raises for a
        gateway error: the notification is marked failed with the error
        and its attempts counted, and the cron retries it."""
        to_save = []
        for notification in notifications:
            if notification.state == 'sent':
                continue
            notification.attempts = (notification.attempts or 0) + 1
            notification.last_attempt_date = utcnow()
            try:
                gateway = get_gateway(notification.channel)
                if gateway is None:
                    reference = None
                    notification.gateway = 'portal'
                else:
                    notification.gateway = gateway.name
                    # The same key at every attempt: the operator
                    # delivers a retried message once (R-NOT-1).
                    keyed = ({'key': notification.message_key}
                        if gateway.idempotent else {})
                    reference = gateway.send(
                        notification.recipient, notification.subject,
                        notification.body, **keyed)
            except Exception as error:
                logger.warning(
                    "notification %s (%s to %s) failed, attempt %s: %s",
                    notification.id, notification.channel,
                    notification.recipient, notification.attempts, error)
                notification.state = 'failed'
                notification.error = (
                    f'{error.__class__.__name__}: {error}')[:2000]
            else:
                notification.state = 'sent'
                notification.sent_date = utcnow()
                notification.error = None
                notification.reference = (
                    str(reference)[:200] if reference else None)
            to_save.append(notification)
        if to_save:
            with without_check_access():
                cls.save(to_save)

    @classmethod
    def retry_failed(cls):
        """Cron: send again the failed notifications that have attempts
        left, and those still queued after 15 minutes (a lost task)."""
        stale = utcnow() - dt.timedelta(minutes=15)
        notifications = cls.search(['OR',
                [('state', '=', 'failed'),
                    ('attempts', '<', max_attempts())],
                [('state', '=', 'queued'),
                    ('create_date', '<', stale)],
                ], order=[('id', 'ASC')])
        if notifications:
            cls.send(notifications)
        return notifications

    @classmethod
    @ModelView.button
    def retry(cls, notifications):
        "Send the failed notifications again now (one more attempt)."
        failed = [n for n in notifications if n.state == 'failed']
        if failed:
            cls.write(failed, {'state': 'queued'})
            with Transaction().set_context(
                    queue_name='gov_notification', queue_batch=1):
                cls.__queue__.send(failed)

    # ---------------------------------------------------- the portal inbox
    @classmethod
    def portal_inbox(cls, web_user, unread=False, limit=None):
        """The portal notifications of a citizen account, newest first.
        Portal routes use it instead of a free search: a citizen only
        reaches their own notifications (R-NOT-2, R-AG-3)."""
        if not web_user:
            return []
        domain = [
            ('web_user', '=', int(web_user)),
            ('channel', '=', 'portal'),
            ]
        if unread:
            domain.append(('read_date', '=', None))
        return cls.search(domain, limit=limit)

    @classmethod
    def portal_unread_count(cls, web_user):
        """How many of the citizen's portal notifications are unread: one
        count query (the portal shows it on every page)."""
        if not web_user:
            return 0
        return cls.search_count([
                ('web_user', '=', int(web_user)),
                ('channel', '=', 'portal'),
                ('read_date', '=', None),
                ])

    @classmethod
    def portal_mark_read(cls, notifications, web_user):
        "Mark the citizen's own notifications as read."
        for notification in notifications:
            if (not web_user or not notification.web_user
                    or notification.web_user.id != int(web_user)
                    or notification.channel != 'portal'):
                raise DossierAccessError(gettext(
                        'gov_dossier.msg_notification_not_owner'))
        unread = [n for n in notifications if not n.read_date]
        if unread:
            with without_check_access():
                cls.write(unread, {'read_date': utcnow()})


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    notifications = fields.One2Many(
        'gov.notification', 'dossier', "Notifications", readonly=True)

    @classmethod
    def _on_event(cls, dossiers, event):
        super()._on_event(dossiers, event)
        kind = EVENT_KINDS.get(event)
        if kind:
            Pool().get('gov.notification').notify(dossiers, kind)

    @classmethod
    def copy(cls, dossiers, default=None):
        default = default.copy() if default else {}
        default.setdefault('notifications')
        return super().copy(dossiers, default=default)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gov.notification|retry_failed', "Retry Failed Notifications"))
