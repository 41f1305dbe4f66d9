# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""SQL text written once per process for the statements of the busiest
public page (the lookup runs the same two statements hundreds of times a
second): python-sql takes longer to write the lookup's query (0.2 ms)
than PostgreSQL takes to run it (bench/).

    sql, params = sql_text('lookup', build)  # build() uses Value('code')
    cursor.execute(sql, bind(params, code=code))
"""
from trytond import backend

_TEXTS = {}


class Value:
    "A named parameter of a statement, given its value by bind()."
    __slots__ = ('name',)

    def __init__(self, name):
        self.name = name


def sql_text(key, build):
    """(sql, params) of the python-sql statement build() returns, built
    the first time only (per backend: the parameter style differs)."""
    key = (backend.name, key)
    text = _TEXTS.get(key)
    if text is None:
        text = _TEXTS[key] = tuple(build())
    return text


def bind(params, **values):
    "The statement's parameters with each Value replaced by its value."
    return [values[p.name] if isinstance(p, Value) else p for p in params]
