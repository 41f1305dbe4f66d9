# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""What the lines of a procedure (components, fees, eForm fields, steps)
share: their procedure, its access, and no change unless it is a draft."""
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import CatalogueValidationError, ProcedureStateError


class ProcedureLineMixin:
    """A line of a procedure: it belongs to the procedure (an indexed
    `procedure` field), takes the procedure's access and is only changed
    while the procedure is a draft (deleted also when cancelled). Its
    fields are read only in the forms of a procedure that is not a draft,
    so that nothing looks editable that saving would refuse."""
    __slots__ = ()

    procedure = fields.Many2One(
        'gov.procedure', "Procedure", required=True, ondelete='CASCADE')
    procedure_state = fields.Function(fields.Selection(
            'get_procedure_states', "Procedure State"),
        'on_change_with_procedure_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.procedure, Index.Equality())))
        cls.__access__.add('procedure')
        locked = Eval('procedure_state').in_(
            ['published', 'suspended', 'cancelled', 'superseded'])
        for name in dir(cls):
            field = getattr(cls, name)
            if (name.startswith('_') or not isinstance(field, fields.Field)
                    or name in {'procedure', 'procedure_state'}
                    or field.readonly):
                continue
            states = dict(field.states or {})
            readonly = states.get('readonly', False)
            if readonly is True:
                continue
            states['readonly'] = (readonly | locked) if readonly else locked
            field.states = states

    @classmethod
    def get_procedure_states(cls):
        Procedure = Pool().get('gov.procedure')
        return Procedure.fields_get(['state'])['state']['selection']

    @fields.depends('procedure', '_parent_procedure.state')
    def on_change_with_procedure_state(self, name=None):
        if self.procedure:
            return self.procedure.state

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        pool = Pool()
        Procedure = pool.get('gov.procedure')
        super().check_modification(
            mode, lines, values=values, external=external)
        allowed = {'draft', 'cancelled'} if mode == 'delete' else {'draft'}
        procedures = {line.procedure for line in lines}
        if mode == 'write' and values and values.get('procedure'):
            procedures.add(Procedure(values['procedure']))
        for procedure in procedures:
            if procedure.state not in allowed:
                raise ProcedureStateError(gettext(
                        'gov_procedure.msg_procedure_line_not_draft',
                        procedure=procedure.rec_name,
                        state=procedure.state_string,
                        model=cls.__names__()['model']))

    @classmethod
    def check_not_negative(cls, records, field_names, names):
        "Raise when one of the fields names of records is negative."
        for name in names:
            if field_names and name not in field_names:
                continue
            for record in records:
                value = getattr(record, name)
                if value is not None and value < 0:
                    raise CatalogueValidationError(gettext(
                            'gov_procedure.msg_negative_value',
                            field=getattr(cls, name).string,
                            record=record.rec_name))
