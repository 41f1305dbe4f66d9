# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The postal service on the portal (R-POST-3, R-POST-4):

``/buu-chinh/su-kien``
    the carrier's tracking events, server to server (no session, no CSRF):
    the signature over the raw body is verified first (forged or missing:
    403, logged, nothing changed), then the tracking number (unknown: 404),
    then the event is applied once — a replay answers 200 ``duplicate`` and
    changes nothing, an event older than the shipment's state is kept in
    its timeline without moving it back.

The pages of the portal show the postal service through the templates of
this module's ``templates`` folder, included where gov_portal's pages
offer a place for them."""
import logging
from pathlib import Path

from trytond.pool import Pool
from trytond.protocols.wrappers import with_transaction

from gov_agency.portal import portal_route
from gov_fee.routes import json_response
from gov_portal.web import ENV, add_template_folder

from .carrier import CarrierError, SignatureError, get_carrier
from .shipment import WEBHOOK_PATH

logger = logging.getLogger(__name__)

add_template_folder(Path(__file__).resolve().parent / 'templates')


def postal_public_status(code):
    """Shipment.public_status of the dossier of code, for the public
    lookup's template (postal_lookup.html); None in a database without
    this module."""
    try:
        Shipment = Pool().get('gov.postal.shipment')
    except KeyError:
        return None
    return Shipment.public_status(code)


ENV.globals['postal_public_status'] = postal_public_status


@portal_route(WEBHOOK_PATH, methods={'POST'})
@with_transaction()
def carrier_event(request, pool):
    """A signed tracking event of the carrier: 403 when not authentic, 400
    when malformed, 404 for an unknown tracking number, else 200 with the
    shipment's state (``applied`` or ``duplicate``)."""
    Shipment = pool.get('gov.postal.shipment')
    # Read once: the transaction may be retried with the same body.
    body = request.get_data()
    try:
        event = get_carrier().verify_event(body, request.headers)
    except SignatureError as error:
        logger.warning('postal event refused from %s: %s',
            request.remote_addr, error)
        return json_response(403, result='forbidden',
            message='invalid signature')
    except CarrierError as error:
        logger.warning('malformed postal event from %s: %s',
            request.remote_addr, error)
        return json_response(400, result='error', message='malformed')
    if not Shipment.find(event['tracking_number']):
        logger.warning('postal event for unknown tracking number %r',
            event['tracking_number'])
        return json_response(404, result='unknown_tracking_number',
            tracking_number=event['tracking_number'])
    applied = Shipment.carrier_event(event)
    shipment = Shipment.find(event['tracking_number'])
    return json_response(200,
        result='applied' if applied else 'duplicate',
        tracking_number=shipment.tracking_number, state=shipment.state)
