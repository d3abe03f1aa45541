"""One row read by one plain SELECT, for the lookups every API call makes.

Building a queryset's SQL costs several times the read itself on a lookup by key (about
0.3 ms a call for the key alone, about 1 ms for a debtor's whole row); the faults in force and
the debtor a URL names are read on almost every call, so they skip it. The SQL and the
database's value converters (the ones the ORM applies: SQLite's dates and decimals come back
as text) are worked out once per model, fields and database. The row comes back as a model
instance with the other fields deferred.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model


@dataclass(frozen=True)
class _Read:
    sql: str
    key: Field
    attnames: list[str]
    converters: list[list[tuple[Callable[..., Any], Any]]]  # per column: (converter, column)


def plain_get[M: Model](model: type[M], *, by: str, value: Any,
                        fields: Sequence[str]) -> M | None:
    """The row of `model` whose unique field `by` equals `value`, with its key and `fields`
    loaded (converted as the ORM would), or None."""
    db = router.db_for_read(model)
    connection = connections[db]
    read = _read(model, by, tuple(fields), db)
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [read.key.get_db_prep_value(value, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for raw, converters in zip(row, read.converters, strict=True):
        for converter, column in converters:
            raw = converter(raw, column, connection)
        values.append(raw)
    return model.from_db(db, read.attnames, values)


@cache
def all_fields(model: type[Model]) -> tuple[str, ...]:
    """The names of every column of `model` but its key (for `fields=`)."""
    return tuple(field.name for field in model._meta.concrete_fields if not field.primary_key)


@cache
def _read(model: type[Model], by: str, fields: tuple[str, ...], db: str) -> _Read:
    meta = model._meta
    connection = connections[db]
    quote = connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields if name != meta.pk.name)]
    key = meta.get_field(by)
    sql = (f"SELECT {', '.join(quote(field.column) for field in columns)} "  # noqa: S608
           f"FROM {quote(meta.db_table)} WHERE {quote(key.column)} = %s")  # names from _meta
    converters = []
    for field in columns:
        column = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append([(converter, column) for converter in found])
    return _Read(sql=sql, key=key, attnames=[field.attname for field in columns],
                 converters=converters)
