# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Builders shared by the tests of gov_procedure."
from decimal import Decimal
from pathlib import Path

from trytond.pool import Pool


def make_field(code='TP.HT'):
    pool = Pool()
    Sector = pool.get('gov.sector')
    Field = pool.get('gov.field')
    sector = Sector(name="Tư pháp", code='TP-' + code)
    sector.save()
    field = Field(name="Hộ tịch", code=code, sector=sector)
    field.save()
    return field


def make_procedure(code='1.001193', name="Đăng ký khai sinh", days='1',
        steps=('0.25', '0.5', '0.25'), components=1, field=None,
        form_fields=(), fees=()):
    """A draft procedure with the given step durations, number of
    components, eForm fields (dicts) and fee lines (dicts)."""
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    Component = pool.get('gov.procedure.component')
    Step = pool.get('gov.procedure.step')
    FormField = pool.get('gov.procedure.form_field')
    Fee = pool.get('gov.procedure.fee')
    procedure = Procedure(
        code=code, name=name, field=field or make_field('F-' + code),
        processing_days=Decimal(days) if days is not None else None)
    procedure.components = [
        Component(name=f"Giấy tờ {i + 1}") for i in range(components)]
    procedure.steps = [
        Step(name=f"Bước {i + 1}", duration=Decimal(d))
        for i, d in enumerate(steps)]
    procedure.form_fields = [FormField(**f) for f in form_fields]
    procedure.fees = [Fee(**f) for f in fees]
    procedure.save()
    return procedure


def make_user(login, *group_xml_ids):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user = User(login=login, name=login, groups=[
            ModelData.get_id('gov_agency', g) for g in group_xml_ids])
    user.save()
    return user


def load_vietnamese():
    """Load the Vietnamese catalogues when the test database was created
    before the language was made translatable (by gov_agency)."""
    Translation = Pool().get('ir.translation')
    Translation.translation_import('vi', 'gov_procedure', [
            str(Path(__file__).resolve().parent.parent / 'locale' / 'vi.po')])
