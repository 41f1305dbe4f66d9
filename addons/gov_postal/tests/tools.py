# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of gov_postal share.

``PostalTestCase`` is gov_fee's FeeTestCase (gov_dossier's world:
agencies, users — ``postal`` is the postal staff —, procedure P1) on a
database where gov_postal is activated, with the in-memory carrier
(``[gov_postal] carrier = fake``). ``make_contract`` gives the world an
active contract of district A with the post."""
import datetime as dt
from decimal import Decimal

from trytond import config
from trytond.pool import Pool

from gov_fee.tests.tools import FeeTestCase

from ..carrier import FakeCarrier

SECTION = 'gov_postal'


class PostalTestCase(FeeTestCase):
    "FeeTestCase with gov_postal activated and the fake carrier."
    module = 'gov_postal'

    @classmethod
    def setUpClass(cls):
        if not config.has_section(SECTION):
            config.add_section(SECTION)
        previous = config.get(SECTION, 'carrier', default=None)
        config.set(SECTION, 'carrier', 'fake')

        def restore():
            # http is the default carrier.
            config.set(SECTION, 'carrier', previous or 'http')
        cls.addClassCleanup(restore)
        super().setUpClass()

    def setUp(self):
        super().setUp()
        FakeCarrier.shipments.clear()


def make_enterprise(code='VNPOST', name="Bưu điện tỉnh", staff=()):
    Enterprise = Pool().get('gov.postal.enterprise')
    User = Pool().get('res.user')
    enterprise = Enterprise(code=code, name=name, phone='02613544444',
        address="Gia Nghĩa")
    enterprise.save()
    if staff:
        User.write(list(staff), {'postal_enterprise': enterprise.id})
    return enterprise


def make_contract(world, enterprise=None, agency='a', activate=True,
        services=(('pickup_home', 48, 15000), ('return_result', 24, 20000)),
        **values):
    """A contract of world's agency (default district A) with enterprise
    (default a new one, with the world's postal staff) covering P1."""
    Contract = Pool().get('gov.postal.contract')
    world[agency].address = "Số 1 đường Trần Hưng Đạo, Gia Nghĩa"
    world[agency].phone = '02613500000'
    world[agency].save()
    if enterprise is None:
        enterprise = make_enterprise(staff=[world['postal']])
    values = dict({
            'number': 'HD-01/2025',
            'agency': world[agency],
            'enterprise': enterprise,
            'signed_date': dt.date(2025, 1, 2),
            'start_date': dt.date(2025, 1, 2),
            'procedures': [world.procedure],
            'services': [{'kind': k, 'journey_hours': h,
                    'charge': Decimal(c)} for k, h, c in services],
            'collect_cod': True,
            'training_clause': "Bên A tập huấn nhân viên bưu chính.",
            }, **values)
    contract = Contract(**values)
    contract.save()
    if activate:
        Contract.activate([contract])
    return contract
