# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the tests of gov_fee share.

``FeeTestCase`` is gov_dossier's DossierTestCase (the world of
``dossier_fixtures``: agencies, users, procedure P1, committed once per
class) on a database where gov_fee is activated, dropped afterwards so
that the other modules' tests never meet gov_fee."""
from decimal import Decimal

from trytond.pool import Pool

from gov_dossier.tests import dossier_fixtures
from gov_dossier.tests.dossier_fixtures import ModuleDossierTestCase

MODULE = 'gov_fee'
# Monday 3 March 2025, 9:00 in Đắk Nông.
MONDAY = dossier_fixtures.local(2025, 3, 3, 9, 0)


class FeeTestCase(ModuleDossierTestCase):
    """DossierTestCase with gov_fee activated (on a database of its own,
    dropped afterwards); a module depending on gov_fee sets `module`."""
    module = MODULE

    def submitted(self, world, moment=MONDAY, **values):
        "A new dossier of the world, submitted at moment (default MONDAY)."
        Dossier = Pool().get('gov.dossier')
        dossier = dossier_fixtures.make_dossier(world, **values)
        with dossier_fixtures.at(moment):
            Dossier.submit([dossier])
        return dossier_fixtures.reload(dossier)


def add_accountant(world):
    """An accountant of district A (at its one-stop desk) and one of
    district B, in the current transaction."""
    pool = Pool()
    User = pool.get('res.user')
    Officer = pool.get('gov.agency.officer')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('gov_fee', 'group_accountant')
    users = {}
    for login, agency in [('accountant_a', 'desk_a'),
            ('accountant_b', 'desk_b')]:
        user = User(login=login, name=login, groups=[group])
        user.save()
        Officer.create([{'user': user.id, 'agency': world[agency].id}])
        users[login] = user
    return users


def set_fees(procedure, fees, before_reception=None, form_fields=()):
    """Replace the fee schedule of procedure (back to draft, or a new
    version once dossiers were submitted under it (R-CAT-6), then
    published); return the procedure published. fees: dicts of
    gov.procedure.fee values, each with an optional 'exemptions' list of
    dicts; form_fields: eForm fields (dicts) added first, for the
    quantities and the exemptions."""
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    Dossier = pool.get('gov.dossier')
    Fee = pool.get('gov.procedure.fee')
    FormField = pool.get('gov.procedure.form_field')
    procedure = Procedure(procedure.id)
    if procedure.state != 'draft':
        if Dossier.search([('procedure', '=', procedure.id)], limit=1):
            procedure, = Procedure.new_version([procedure])
        else:
            Procedure.draft([procedure])
    if form_fields:
        FormField.create([dict(f, procedure=procedure.id)
                for f in form_fields])
    Fee.delete(list(procedure.fees))
    values = []
    for fee in fees:
        fee = dict(fee)
        exemptions = fee.pop('exemptions', [])
        fee.setdefault('kind', 'fee')
        fee['amount'] = Decimal(fee['amount'])
        fee['procedure'] = procedure.id
        if exemptions:
            fee['exemptions'] = [('create', exemptions)]
        values.append(fee)
    Fee.create(values)
    if before_reception is not None:
        Procedure.write([procedure], {
                'fee_due_before_reception': before_reception})
    Procedure.publish([procedure])
    return Procedure(procedure.id)


# A schedule exercising what the lines depend on (R-FEE-1, R-FEE-4): an
# exemption ticked in the eForm, a quantity from the eForm, a conditional
# line, a reduction, and lines due on collection of the result.
FORM_FIELDS = [
    {'name': 'so_ban_sao', 'string': "Số bản sao", 'type_': 'integer'},
    {'name': 'dung_han', 'string': "Đăng ký đúng hạn", 'type_': 'boolean'},
    {'name': 'ho_ngheo', 'string': "Hộ nghèo", 'type_': 'boolean'},
    ]
SCHEDULE = [
    {'kind': 'fee', 'amount': '50000', 'condition': "Lệ phí đăng ký",
        'payment_time': 'before',
        'exemptions': [{
                'reason': "Đăng ký khai sinh đúng hạn",
                'legal_basis': "Điều 11 Luật Hộ tịch 2014",
                'rate': Decimal(100), 'form_field': 'dung_han'}]},
    {'kind': 'charge', 'amount': '8000', 'condition': "Mỗi bản sao",
        'quantity_field': 'so_ban_sao', 'payment_time': 'before'},
    {'kind': 'postal', 'amount': '30000',
        'condition': "Trả kết quả qua bưu điện", 'conditional': True,
        'payment_time': 'on_collection'},
    {'kind': 'charge', 'amount': '20000', 'condition': "Phí thẩm định",
        'payment_time': 'on_collection',
        'exemptions': [{
                'reason': "Hộ nghèo", 'legal_basis': "Nghị quyết HĐND tỉnh",
                'rate': Decimal(50), 'form_field': 'ho_ngheo'}]},
    ]
# 50.000 before submission, 20.000 on collection.
SIMPLE = [
    {'kind': 'fee', 'amount': '50000', 'condition': "Lệ phí",
        'payment_time': 'before'},
    {'kind': 'charge', 'amount': '20000', 'condition': "Phí",
        'payment_time': 'on_collection'},
    ]


def to_result_ready(dossier):
    """Take a submitted or received dossier of P1 to result_ready, as
    server code (root): receive, process, forward, approve."""
    Dossier = Pool().get('gov.dossier')
    dossier = Dossier(dossier.id)
    if dossier.state in {'draft', 'submitted'}:
        Dossier.receive([dossier])
    for method in ['process', 'forward', 'approve']:
        getattr(Dossier, method)([Dossier(dossier.id)])
    dossier = Dossier(dossier.id)
    assert dossier.state == 'result_ready', dossier.state
    return dossier
