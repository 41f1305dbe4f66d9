# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The outbound status synchronisation to the national portal (R-OPS-2,
Điều 15.2: status data updated online, never copied by hand).

Each transition of a dossier adds, in the same transaction (gov.dossier's
``_on_event`` extension point), one ``gov.api.outbox`` event: a unique
event id, the event and the dossier's status as the API gives it
(resources.dossier_body — no personal data). A refused or failed
transition leaves no event; a committed one always has its event.

A job (ir.cron, every minute) POSTs the pending events, oldest first, to
``[gov_api] sync_url``: compact JSON signed with HMAC-SHA256 of the body
(``X-Signature``, ``[gov_api] secret``), ``Idempotency-Key`` = the event
id, so the receiver drops what it already has. A refused or unreachable
send is tried again later, after ``[gov_api] sync_backoff`` seconds (60)
doubled each time, at most a day; after ``[gov_api] sync_attempts`` (10)
the event is *failed* and the ICT department may send it again. Without
``sync_url`` no event is written."""
import datetime as dt
import json
import logging
import uuid

from trytond import config
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from gov_agency import signed_http

from .resources import dossier_body, utc_text

logger = logging.getLogger(__name__)

# The daily late warning is not a change of the dossier.
SKIPPED_EVENTS = {'late_warning'}
BATCH = 200
MAX_DELAY = dt.timedelta(days=1)


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class SyncError(Exception):
    pass


class Outbox(ModelSQL, ModelView):
    "A status change waiting for, or sent to, the national portal"
    __name__ = 'gov.api.outbox'
    __string__ = "Status Synchronisation Event"
    _rec_name = 'event_id'

    event_id = fields.Char("Event ID", readonly=True, required=True)
    dossier = fields.Many2One('gov.dossier', "Dossier", readonly=True,
        required=True, ondelete='CASCADE')
    event = fields.Char("Event", readonly=True)
    payload = fields.Text("Payload", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True, sort=False)
    attempts = fields.Integer("Attempts", readonly=True)
    next_attempt = fields.DateTime("Next Attempt", readonly=True)
    sent_date = fields.DateTime("Sent At", readonly=True)
    last_error = fields.Char("Last Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('event_id_uniq', Unique(t, t.event_id),
                'gov_api.msg_outbox_event_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality()),
                (t.next_attempt, Index.Range())))
        cls._order.insert(0, ('id', 'DESC'))
        cls._buttons.update({
                'retry': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @staticmethod
    def default_attempts():
        return 0

    @staticmethod
    def url():
        return config.get('gov_api', 'sync_url', default=None) or None

    @classmethod
    def add(cls, dossiers, event):
        "The events of a transition (the transition's transaction)."
        if event in SKIPPED_EVENTS or not cls.url():
            return []
        now = utcnow()
        vlist = []
        # Read afresh: the new state, not what the instances cached.
        Dossier = Pool().get('gov.dossier')
        for dossier in Dossier.browse([d.id for d in dossiers]):
            event_id = str(uuid.uuid4())
            vlist.append({
                    'event_id': event_id,
                    'dossier': dossier.id,
                    'event': event,
                    'payload': json.dumps({
                            'event_id': event_id,
                            'event': event,
                            'occurred_at': utc_text(now),
                            'dossier': dossier_body(dossier),
                            }, ensure_ascii=False, separators=(',', ':')),
                    'next_attempt': now,
                    })
        with Transaction().set_user(0):
            return cls.create(vlist)

    @classmethod
    @ModelView.button
    def retry(cls, events):
        # Fields of the server: the button's groups may send again.
        with without_check_access():
            cls.write([e for e in events if e.state == 'failed'], {
                    'state': 'pending',
                    'attempts': 0,
                    'next_attempt': utcnow(),
                    })

    @classmethod
    def send_pending(cls):
        "Send the events due, oldest first (the job of every minute)."
        if not cls.url():
            return
        events = cls.search([
                ('state', '=', 'pending'),
                ('next_attempt', '<=', utcnow()),
                ], order=[('id', 'ASC')], limit=BATCH)
        for event in events:
            event.send()
        cls.save(events)

    def send(self):
        "POST this event once; its state follows the answer."
        secret = config.get('gov_api', 'secret', default='')
        request = signed_http.signed_request(self.url(), secret,
            json.loads(self.payload), key=self.event_id)
        timeout = config.getfloat('gov_api', 'sync_timeout', default=10)
        try:
            signed_http.send(request, timeout=timeout, attempts=1,
                error=SyncError, party='national portal',
                subject='event ' + self.event_id)
        except SyncError as error:
            self.attempts = (self.attempts or 0) + 1
            self.last_error = str(error)[:200]
            limit = config.getint('gov_api', 'sync_attempts', default=10)
            if self.attempts >= limit:
                self.state = 'failed'
                logger.warning('event %s failed: %s', self.event_id, error)
            else:
                backoff = config.getfloat('gov_api', 'sync_backoff',
                    default=60)
                delay = dt.timedelta(
                    seconds=backoff * 2 ** (self.attempts - 1))
                self.next_attempt = utcnow() + min(delay, MAX_DELAY)
            return False
        self.state = 'sent'
        self.sent_date = utcnow()
        self.attempts = (self.attempts or 0) + 1
        self.last_error = None
        return True


class Dossier(metaclass=PoolMeta):
    __name__ = 'gov.dossier'

    @classmethod
    def _on_event(cls, dossiers, event):
        super()._on_event(dossiers, event)
        Pool().get('gov.api.outbox').add(dossiers, event)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gov.api.outbox|send_pending',
                "Send the Status Changes to the National Portal"))
