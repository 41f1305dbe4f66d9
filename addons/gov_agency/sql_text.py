# This file is part of the Đắk Nông one-stop public service platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""SQL text written once per process for the statements of the busiest
public page (the lookup runs the same two statements hundreds of times a
second): python-sql takes longer to write the lookup's query (0.2 ms)
than PostgreSQL takes to run it (bench/).

    sql, params = sql_text('lookup', build)  # build() uses Value('code')
    cursor.execute(sql, bind(params, code=code))

WrittenMoment: a moment the code computes written in a statement's text
(the start of a day the procedure page counts from), so that PostgreSQL
plans the statement once a day rather than at each run.
"""
import datetime as dt

from sql import Expression

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


class WrittenMoment(Expression):
    """A moment written in the query's text, not passed as a parameter.
    Compared with a parameter, the moment counted from makes PostgreSQL's
    generic plan of a prepared statement look costlier than it is, so it
    plans the statement again at each run (0.16-0.26 ms a view at 2
    million dossiers); written, one plan serves until the moment changes
    (once a day). Only for a moment the code computes, never a visitor's
    input: its text is digits, '-', ':', '.' and a space, compared as a
    parameter is on both backends (ISO text on SQLite)."""
    __slots__ = ('value',)

    def __init__(self, value):
        if not isinstance(value, dt.datetime):
            raise TypeError(value)
        self.value = value

    def __str__(self):
        return "'%s'" % self.value.isoformat(' ')

    @property
    def params(self):
        return ()
