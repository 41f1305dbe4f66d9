"""Demo data of the public-utility postal service (gov_postal): the
province's post office as a postal enterprise, the demo postal clerk
(buudien) as its staff, and an active contract with the People's Committee
of Gia Nghĩa city covering the procedures its one-stop desk receives.

Everything here is GIẢ ĐỊNH (assumed for the demo): the contract number,
dates, charges and journey times, and the addresses — the public sources
give neither the post office's nor the city's address (data/agencies.csv).

Idempotent: the enterprise and the contract are matched by their codes.
The demo dossiers returned by post (data_dossiers.py) get their shipments
from `ship()`, which replays the carrier's events as the webhook would."""
import datetime as dt
from decimal import Decimal

ENTERPRISE = {
    'code': 'VNPOST-DNO',
    'name': "Bưu điện tỉnh Đắk Nông",
    'phone': '02613544000',
    'address': "Phường Nghĩa Trung, thành phố Gia Nghĩa, tỉnh Đắk Nông",
    }
CITY = '000.00.21.H16'        # UBND thành phố Gia Nghĩa
DESK = '000.30.21.H16'        # its one-stop desk
CITY_ADDRESS = "Phường Nghĩa Trung, thành phố Gia Nghĩa, tỉnh Đắk Nông"
CITY_PHONE = '02613500000'
CONTRACT = {
    'number': 'HĐ-BCCI-01/2026',
    'agency_signatory': "Hoàng Văn Bình, Phó Chủ tịch UBND thành phố",
    'enterprise_signatory': "Giám đốc Bưu điện tỉnh Đắk Nông",
    'collect_cod': True,
    'collect_transfer': True,
    'responsibilities': (
        "Bên A công khai danh mục thủ tục, giao kết quả cho Bên B trong "
        "24 giờ kể từ khi có kết quả. Bên B tiếp nhận hồ sơ, chuyển phát "
        "kết quả, thu hộ phí, lệ phí và bồi thường khi làm mất hồ sơ, kết "
        "quả (Điều 29)."),
    'training_clause': (
        "Bên A tập huấn nhân viên bưu chính về thành phần hồ sơ và cách "
        "nộp hồ sơ trực tuyến trên Cổng dịch vụ công, hai buổi mỗi năm."),
    }
# service, full-journey hours, charge (đồng)
SERVICES = [
    ('pickup_home', 48, 25000),
    ('pickup_office', 48, 15000),
    ('return_result', 24, 22000),
    ]
TRACKING_PREFIX = 'EB26'


def load_postal(pool):
    Agency = pool.get('gov.agency')
    Enterprise = pool.get('gov.postal.enterprise')
    Contract = pool.get('gov.postal.contract')
    Procedure = pool.get('gov.procedure')
    User = pool.get('res.user')
    Date = pool.get('ir.date')
    enterprises = Enterprise.search([('code', '=', ENTERPRISE['code'])])
    if enterprises:
        enterprise, = enterprises
    else:
        enterprise, = Enterprise.create([ENTERPRISE])
    User.write(User.search([
                ('login', '=', 'buudien'),
                ('postal_enterprise', '=', None),
                ]), {'postal_enterprise': enterprise.id})
    city, = Agency.search([('code', '=', CITY)])
    if not city.address:
        Agency.write([city], {'address': CITY_ADDRESS, 'phone': CITY_PHONE})
    if Contract.search([('number', '=', CONTRACT['number'])]):
        return 'postal contract exists: nothing done'
    desk, = Agency.search([('code', '=', DESK)])
    procedures = Procedure.search([
            ('state', '=', 'published'),
            ('agencies', 'in', [city.id, desk.id]),
            ])
    start = Date.today().replace(month=1, day=2)
    contract, = Contract.create([dict(CONTRACT,
                agency=city.id, enterprise=enterprise.id,
                signed_date=start - dt.timedelta(days=10),
                start_date=start,
                end_date=start.replace(year=start.year + 2),
                procedures=[('add', [p.id for p in procedures])],
                services=[('create', [{
                                'kind': kind, 'journey_hours': hours,
                                'charge': Decimal(charge),
                                } for kind, hours, charge in SERVICES])],
                )])
    Contract.activate([contract])
    return (f'postal contract {contract.number} with {enterprise.name} '
        f'({len(procedures)} procedures)')


# The carrier's events that bring a shipment to each state.
PATHS = {
    'requested': [],
    'picked_up': ['picked_up'],
    'in_transit': ['picked_up', 'in_transit'],
    'failed': ['picked_up', 'in_transit', 'failed'],
    'delivered': ['picked_up', 'in_transit', 'delivered'],
    'returned': ['picked_up', 'in_transit', 'failed', 'returned'],
    'lost': ['picked_up', 'in_transit', 'lost'],
    }
NOTES = {
    'failed': "Người nhận vắng nhà, đã gọi điện không liên lạc được.",
    'returned': "Phát không thành công sau 3 lần, chuyển hoàn về cơ quan.",
    'lost': "Bưu gửi thất lạc trong quá trình vận chuyển.",
    }


def ship(pool, dossier, direction, state, start, end):
    """A shipment of the dossier brought to state by the carrier's events,
    spread between start and end (naive UTC): registered as the demo's
    carrier would (a tracking number of its own), then the events applied
    through the same method as the webhook's."""
    Shipment = pool.get('gov.postal.shipment')
    Contract = pool.get('gov.postal.contract')
    kinds = ({'pickup_office'} if direction == 'pickup'
        else {'return_result'})
    service = Contract.offer(dossier.agency, dossier.procedure, kinds)
    if service is None:
        return None
    values = dossier.shipment_values(direction)
    shipment, = Shipment.create([dict(values,
                dossier=dossier.id, agency=dossier.agency.id,
                direction=direction, contract=service.contract.id,
                enterprise=service.contract.enterprise.id,
                reference=f'demo-{dossier.id}-{direction}',
                tracking_number=f'{TRACKING_PREFIX}{dossier.id:07d}VN',
                charge=service.charge, cod_amount=Decimal(0),
                requested_at=start, state='requested')])
    if direction == 'result':
        # Handed to the post: the 24-hour rule is met.
        pool.get('gov.dossier').write([dossier], {'postal_handover_due': None})
    pool.get('gov.postal.shipment.event').create([{
                'shipment': shipment.id, 'status': 'requested', 'at': start,
                'source': 'officer',
                }])
    statuses = PATHS[state]
    step = (end - start) / (len(statuses) + 1)
    for index, status in enumerate(statuses, 1):
        Shipment.carrier_event({
                'tracking_number': shipment.tracking_number,
                'event_id': f'{shipment.tracking_number}-{index}',
                'status': status,
                'at': start + step * index,
                'location': "Bưu cục Gia Nghĩa",
                'note': NOTES.get(status, ''),
                'cod_collected': 0,
                })
    return shipment
