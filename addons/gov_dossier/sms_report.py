# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The SMS operator's delivery reports on the notifications (R-NOT-1).

A notification the operator accepted is *Sent*; whether the handset got
it is what the operator reports later, server to server, to
``/sms/delivery`` (routes_sms.py), signed (gateway.py,
`OperatorSMSGateway.verify_report`). A report names the notification by
its client message id (`Notification.message_key`) and carries its own event
id: each event id is applied once — a replay changes nothing — and a
message once reported delivered stays delivered. A report of a message
whose sending was never recorded (the operator's answer was lost) also
marks it sent: the cron then leaves it alone."""
import datetime as dt
import re

from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.transaction import without_check_access

DELIVERY = [
    (None, ''),
    ('delivered', "Delivered"),
    ('failed', "Not Delivered"),
    ]
KEY = re.compile(r'dvc-(\d{1,18})-(\d{14})')
# The event ids kept per notification (an SMS gets a few reports at most).
KEPT_EVENTS = 20


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def parse_time(value):
    "A report's ISO 8601 UTC time as a naive datetime, or None."
    try:
        value = dt.datetime.fromisoformat(str(value).replace('Z', '+00:00'))
    except ValueError:
        return None
    if value.tzinfo:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


class Notification(metaclass=PoolMeta):
    __name__ = 'gov.notification'

    delivery = fields.Selection(
        DELIVERY, "Delivery Report", readonly=True, sort=False,
        help="What the SMS operator reported: delivered to the handset, "
        "or not deliverable.")
    delivery_date = fields.DateTime("Delivery Reported", readonly=True)
    delivery_events = fields.Text(
        "Delivery Events", readonly=True,
        help="The operator's event ids already applied, one per line.")

    @classmethod
    def find_by_message_key(cls, key):
        "The notification whose client message id is key, or None."
        match = KEY.fullmatch(key or '')
        if not match:
            return None
        with without_check_access():
            found = cls.search([
                    ('id', '=', int(match.group(1))),
                    ('channel', '=', 'sms'),
                    ], limit=1)
        if found and found[0].message_key == key:
            return found[0]
        return None

    @classmethod
    def delivery_report(cls, report):
        """Apply a verified delivery report (dict of
        gateway.verify_report): 'applied', 'duplicate' (its event id was
        applied before) or None (no notification has its client message
        id)."""
        notification = cls.find_by_message_key(report['client_message_id'])
        if notification is None:
            return None
        # Two deliveries of one report at once: the second waits here and
        # then sees the first's event id.
        cls.lock([notification])
        notification = cls(notification.id)
        events = (notification.delivery_events or '').split()
        if report['event_id'] in events:
            return 'duplicate'
        values = {
            'delivery_events': '\n'.join(
                (events + [report['event_id']])[-KEPT_EVENTS:]),
            }
        # Delivered is final: a late "failed" of an earlier attempt at
        # the handset does not undo it.
        if notification.delivery != 'delivered':
            values['delivery'] = report['status']
            values['delivery_date'] = parse_time(report['at']) or utcnow()
            if report['status'] == 'failed':
                values['error'] = (
                    f"SMS operator: not delivered: {report['error']}")[:2000]
        if notification.state != 'sent':
            values.update(state='sent', sent_date=utcnow())
            if report['status'] == 'delivered':
                values['error'] = None
        if report['message_id'] and not notification.reference:
            values['reference'] = report['message_id']
        with without_check_access():
            cls.write([notification], values)
        return 'applied'
