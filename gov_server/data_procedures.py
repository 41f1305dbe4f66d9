"""Load the demo catalogue of procedures (R-CAT-1, R-CAT-4, R-FEE-1).

Reads data/sectors.csv, data/procedures.csv and the lines of each procedure
in data/procedure_components.csv, procedure_fees.csv,
procedure_form_fields.csv and procedure_steps.csv (keyed by the procedure
code); the blank forms of data/procedure_templates.csv (files under
data/templates/) are attached to their components. Sectors, fields and
procedures are matched by their code: a missing one is created, an existing
one is left as it is, so running the loader again changes nothing and never
overwrites what an administrator edited. New procedures that satisfy the
publishing rules are published.

Where each fact comes from, and what is an assumption (GIẢ ĐỊNH), is written
in the `source` and `note` columns of the data files.
"""
from collections import defaultdict
from decimal import Decimal

from gov_server.settings import DATA, read_csv


def _by_procedure(name):
    lines = defaultdict(list)
    for row in read_csv(name):
        lines[row['procedure']].append(row)
    return lines


def _flag(value):
    return value.strip() in {'1', 'true', 'True', 'x'}


def _template(name):
    "The component's blank form (data/templates/<name>), if it has one."
    if not name:
        return {}
    return {'template': (DATA / 'templates' / name).read_bytes(),
        'template_name': name}


def load_sectors(pool):
    "Create the sectors and fields of data/sectors.csv that are missing."
    Sector = pool.get('gov.sector')
    Field = pool.get('gov.field')
    rows = read_csv('sectors.csv')
    sectors = {s.code: s for s in Sector.search(
            [('code', 'in', list({r['sector_code'] for r in rows}))])}
    fields = {f.code: f for f in Field.search(
            [('code', 'in', [r['field_code'] for r in rows])])}
    new_sectors = []
    for row in rows:
        if row['sector_code'] not in sectors:
            sector = Sector(
                code=row['sector_code'], name=row['sector_name'],
                sequence=(len(sectors) + 1) * 10)
            sectors[sector.code] = sector
            new_sectors.append(sector)
    Sector.save(new_sectors)
    new_fields = []
    for row in rows:
        if row['field_code'] not in fields:
            field = Field(
                code=row['field_code'], name=row['field_name'],
                sector=sectors[row['sector_code']],
                sequence=(len(fields) + 1) * 10)
            fields[field.code] = field
            new_fields.append(field)
    Field.save(new_fields)
    return fields, len(new_sectors), len(new_fields)


def load_procedures(pool):
    "Create the missing procedures of data/procedures.csv and publish them."
    from trytond.exceptions import UserError

    Procedure = pool.get('gov.procedure')
    Component = pool.get('gov.procedure.component')
    Fee = pool.get('gov.procedure.fee')
    FormField = pool.get('gov.procedure.form_field')
    Step = pool.get('gov.procedure.step')
    Agency = pool.get('gov.agency')
    Kind = pool.get('gov.agency.kind')
    ServiceLevel = pool.get('gov.service.level')
    ModelData = pool.get('ir.model.data')

    fields, new_sectors, new_fields = load_sectors(pool)
    rows = read_csv('procedures.csv')
    existing = {p.code for p in Procedure.search(
            [('code', 'in', [r['code'] for r in rows])])}
    components = _by_procedure('procedure_components.csv')
    fees = _by_procedure('procedure_fees.csv')
    form_fields = _by_procedure('procedure_form_fields.csv')
    steps = _by_procedure('procedure_steps.csv')
    templates = {(t['procedure'], t['sequence']): t['file']
        for t in read_csv('procedure_templates.csv')}
    kinds = {k.code: k for k in Kind.search([])}
    agencies = {a.code: a for a in Agency.search([])}
    levels = {s.code: s for s in ServiceLevel.search([])}

    def agencies_of(text):
        result = []
        for code in filter(None, (c.strip() for c in text.split(';'))):
            if code.startswith('*'):
                result.extend(a for a in agencies.values()
                    if a.kind.code == code[1:])
            else:
                result.append(agencies[code])
        return result

    def group(xml_id):
        if not xml_id:
            return None
        return ModelData.get_id('gov_agency', xml_id)

    procedures = []
    for row in rows:
        if row['code'] in existing:
            continue
        code = row['code']
        procedure = Procedure(
            code=code, name=row['name'], field=fields[row['field']],
            levels=[kinds[k] for k in row['levels'].split(';') if k],
            agencies=agencies_of(row['agencies']),
            service_level=levels.get(row['service_level']),
            processing_days=Decimal(row['processing_days']),
            processing_time_note=row['processing_time_note'] or None,
            result_type=row['result_type'],
            result_description=row['result_description'] or None,
            postal_receipt=_flag(row['postal_receipt']),
            postal_return=_flag(row['postal_return']),
            legal_basis=row['legal_basis'] or None,
            conditions=row['conditions'] or None,
            guide=row['guide'] or None,
            source='\n'.join(filter(None, [
                        'Nguồn: ' + row['source'] if row['source'] else '',
                        'Ghi chú: ' + row['note'] if row['note'] else ''])),
            )
        procedure.components = [Component(
                sequence=int(c['sequence']), name=c['name'],
                originals=int(c['originals']), copies=int(c['copies']),
                mandatory=_flag(c['mandatory']),
                replaced_by_eform=_flag(c.get('replaced_by_eform') or ''),
                file_types=c['file_types'] or None, note=c['note'] or None,
                **_template(templates.get((code, c['sequence']))))
            for c in components[code]]
        procedure.fees = [Fee(
                sequence=int(f['sequence']), kind=f['kind'],
                amount=Decimal(f['amount']),
                condition=f['condition'] or None,
                conditional=_flag(f['conditional']),
                payment_time=f['payment_time'],
                quantity_field=f.get('quantity_field') or None)
            for f in fees[code]]
        procedure.form_fields = [FormField(
                sequence=int(f['sequence']), name=f['name'],
                string=f['string'], type_=f['type'],
                required=_flag(f['required']),
                long_text=_flag(f['long_text']),
                digits=int(f['digits']) if f['digits'] else None,
                selection=f['selection'] or None,
                help=f['help'] or None,
                prefill=f.get('prefill') or None)
            for f in form_fields[code]]
        procedure.steps = [Step(
                sequence=int(s['sequence']), name=s['name'], kind=s['kind'],
                unit=agencies[s['unit']] if s['unit'] else None,
                group=group(s['group']), duration=Decimal(s['duration']),
                note=s['note'] or None)
            for s in steps[code]]
        procedures.append(procedure)
    Procedure.save(procedures)

    publishable = []
    for procedure in procedures:
        try:
            procedure.check_publishable()
        except UserError as exception:
            print('   not published:', procedure.code, '—', exception)
            continue
        publishable.append(procedure)
    Procedure.publish(publishable)
    return (f'{len(rows)} procedures ({len(procedures)} new, '
        f'{len(publishable)} published), {len(fields)} fields '
        f'({new_fields} new) in {new_sectors} new sectors')
