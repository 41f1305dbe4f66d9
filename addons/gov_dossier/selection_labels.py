# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The labels of a list's selection fields, computed once per read."""

LABEL = ':string'


class SelectionLabelsMixin:
    """sao reads the label of every selection field of a list with the
    rows (`state:string`) and trytond computes the field's definition again
    for each row (fields_get): 15 ms of the 47 ms of an officer's list of
    80 dossiers (bench/). For selections given as a list, read() computes
    the labels once, in the reader's language, with the same rules."""
    __slots__ = ()

    @classmethod
    def read(cls, ids, fields_names):
        labelled = [n[:-len(LABEL)] for n in fields_names
            if n.endswith(LABEL) and cls._static_selection(n[:-len(LABEL)])]
        if not labelled:
            return super().read(ids, fields_names)
        labels = {n + LABEL for n in labelled}
        names = [n for n in fields_names if n not in labels]
        extra = [n for n in labelled if n not in names]
        rows = super().read(ids, names + extra)
        definitions = cls.fields_get(labelled)
        for name in labelled:
            field = cls._fields[name]
            selection = dict(definitions[name]['selection'])
            for row in rows:
                row[name + LABEL] = field.get_selection_string(
                    selection, row[name])
        for row in rows:
            for name in extra:
                del row[name]
        return rows

    @classmethod
    def _static_selection(cls, name):
        field = cls._fields.get(name)
        return (getattr(field, '_type', None) == 'selection'
            and isinstance(field.selection, (list, tuple)))
