# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The comparison of the national records (national_format.py) with the
province's catalogue (R-CAT-6; QĐ 04/2019, Điều 17.3): the lines of an
import (new, changed, abolished) and the readable difference of each, old →
new. Also the matching of the lines of a procedure (components, fees) with
the national ones, which applying an import uses too."""
import json
from decimal import Decimal

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .catalogue import normalize
from .eform import format_number
from .national_format import stripped

# The order in which the diff lists the fields.
COMPARED = ['name', 'field', 'levels', 'processing_days',
    'result_description', 'conditions', 'legal_basis', 'components', 'fees']


def diff_records(records):
    """([line values], number of unchanged) of the parsed records.

    The catalogue's values are read in the database's language, which
    the national data is written in; the labels are the user's."""
    pool = Pool()
    Procedure = pool.get('gov.procedure')
    Config = pool.get('ir.configuration')
    lines, unchanged = [], 0
    for record in records:
        with Transaction().set_context(language=Config.get_language()):
            procedures = Procedure.search(
                [('code', '=', record.code)], limit=1)
        procedure = procedures[0] if procedures else None
        values = {
            'code': record.code,
            'name': record.values.get('name')
            or (procedure.name if procedure else record.code),
            'national_data': json.dumps(
                record.data, ensure_ascii=False, sort_keys=True),
            'effective_date': record.effective_date,
            'decision': record.decision,
            'accepted': True,
            }
        if record.abolished:
            if not procedure or procedure.state == 'cancelled':
                unchanged += 1
                continue
            values.update(kind='abolished', procedure=procedure.id,
                diff=abolished_diff(record, procedure))
        elif not procedure:
            check_new(record)
            values.update(kind='new', diff=new_diff(record))
        else:
            changes = record_changes(record, procedure)
            if not changes:
                unchanged += 1
                continue
            values.update(kind='changed', procedure=procedure.id,
                diff='\n'.join(changes))
        lines.append(values)
    order = {'new': 0, 'changed': 1, 'abolished': 2}
    lines.sort(key=lambda l: (order[l['kind']], l['code']))
    for sequence, line in enumerate(lines, 1):
        line['sequence'] = sequence
    return lines, unchanged


def check_new(record):
    "A new procedure needs its name and its field."
    for key, name in [('ten_thu_tuc', 'name'), ('linh_vuc', 'field')]:
        if not record.values.get(name):
            raise record.file.error('msg_national_import_new_missing',
                index=str(record.index), code=record.code, key=key)


def record_changes(record, procedure):
    "The readable differences of the procedure with the national data."
    changes = []
    for name in COMPARED:
        if name not in record.values:
            continue
        new = record.values[name]
        if name == 'components':
            changes += _line_changes(procedure, 'components',
                list(procedure.components), new, component_key,
                ['originals', 'copies', 'mandatory'])
        elif name == 'fees':
            changes += _line_changes(procedure, 'fees',
                [f for f in procedure.fees if f.kind != 'postal'], new,
                fee_key, ['kind', 'amount'])
        else:
            old = _procedure_value(procedure, name)
            if old != new:
                changes.append(_change(procedure.__class__, name,
                        _format(name, old), _format(name, new)))
    if procedure.state == 'cancelled':
        changes.append(_state_change(procedure, 'published'))
    return changes


def new_diff(record):
    Procedure = Pool().get('gov.procedure')
    changes = []
    for name in COMPARED:
        if name not in record.values or name in {'components', 'fees'}:
            continue
        changes.append(_change(Procedure, name, '—',
                _format(name, record.values[name])))
    for name, key, attributes in [
            ('components', component_key,
                ['originals', 'copies', 'mandatory']),
            ('fees', fee_key, ['kind', 'amount'])]:
        for line in record.values.get(name, []):
            changes.append(_added(Procedure, name, line, attributes))
    return '\n'.join(changes)


def abolished_diff(record, procedure):
    changes = [_state_change(procedure, 'cancelled')]
    if record.decision:
        changes.append(record.decision)
    return '\n'.join(changes)


# Values and their texts -----------------------------------------------------

def _procedure_value(procedure, name):
    "The value of the procedure comparable with the national one."
    value = getattr(procedure, name)
    if name == 'field':
        return value.id if value else None
    if name == 'levels':
        return sorted(k.id for k in value)
    if isinstance(value, str):
        return stripped(value) or None
    return value


def _format(name, value):
    pool = Pool()
    if value is None or value == []:
        return '—'
    if name == 'field':
        return pool.get('gov.field')(value).rec_name
    if name == 'levels':
        Kind = pool.get('gov.agency.kind')
        return ', '.join(k.name for k in Kind.browse(value))
    if name == 'processing_days':
        return format_number(value)
    return str(value)


def _label(Model, name):
    return Model.fields_get([name])[name]['string']


def _change(Model, name, old, new):
    return gettext('gov_procedure.msg_national_import_diff_value',
        field=_label(Model, name), old=old, new=new)


def _state_change(procedure, state):
    selection = dict(procedure.fields_get(['state'])['state']['selection'])
    return _change(procedure.__class__, 'state',
        selection.get(procedure.state), selection.get(state))


def component_key(line):
    return normalize(line['name'] if isinstance(line, dict) else line.name)


def fee_key(line):
    condition = (line['condition'] if isinstance(line, dict)
        else line.condition)
    return normalize(condition or '')


def _line_model(name):
    return Pool().get({'components': 'gov.procedure.component',
            'fees': 'gov.procedure.fee'}[name])


def _line_label(name, line):
    "How a line is named in the diff."
    if name == 'components':
        return line['name']
    if line.get('condition'):
        return line['condition']
    Fee = _line_model('fees')
    return dict(Fee.fields_get(['kind'])['kind']['selection']).get(
        line.get('kind') or 'charge')


def _attribute(Line, name, value):
    "The text of an attribute of a line."
    if value is None:
        return '—'
    if isinstance(value, bool):
        return gettext('gov_procedure.msg_national_import_yes' if value
            else 'gov_procedure.msg_national_import_no')
    if name == 'kind':
        return dict(Line.fields_get(['kind'])['kind']['selection'])[value]
    if name == 'amount':
        return Pool().get('ir.lang').get().format_number(
            Decimal(value), 0)
    return str(value)


def _added(Procedure, name, line, attributes):
    Line = _line_model(name)
    details = ', '.join(
        f'{_label(Line, a)} {_attribute(Line, a, line.get(a))}'
        for a in attributes if line.get(a) is not None)
    return gettext('gov_procedure.msg_national_import_diff_line_added',
        field=_label(Procedure, name), line=_line_label(name, line),
        details=details)


def match_lines(old_lines, new_lines, key):
    """[(old line or None, new line or None)]: the national lines in their
    order, each with the first unmatched local line of the same key, then
    the local lines left (to remove)."""
    pairs, left = [], list(old_lines)
    for new in new_lines:
        for old in left:
            if key(old) == key(new):
                left.remove(old)
                pairs.append((old, new))
                break
        else:
            pairs.append((None, new))
    pairs += [(old, None) for old in left]
    return pairs


def _line_changes(procedure, name, old_lines, new_lines, key, attributes):
    Procedure = procedure.__class__
    Line = _line_model(name)
    changes = []
    for old, new in match_lines(old_lines, new_lines, key):
        if old is None:
            changes.append(_added(Procedure, name, new, attributes))
        elif new is None:
            changes.append(gettext(
                    'gov_procedure.msg_national_import_diff_line_removed',
                    field=_label(Procedure, name),
                    line=_line_label(name, {
                            a: getattr(old, a)
                            for a in ['name', 'condition', 'kind']
                            if hasattr(old, a)})))
        else:
            for attribute in attributes:
                value = new.get(attribute)
                if value is None:
                    continue        # not given nationally: kept
                current = getattr(old, attribute)
                if attribute == 'amount':
                    current = int(current or 0)
                if current != value:
                    changes.append(gettext(
                            'gov_procedure'
                            '.msg_national_import_diff_line_changed',
                            field=_label(Procedure, name),
                            line=_line_label(name, new),
                            attribute=_label(Line, attribute),
                            old=_attribute(Line, attribute, current),
                            new=_attribute(Line, attribute, value)))
    return changes
