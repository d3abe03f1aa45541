"""One row read by one plain SELECT, for the lookups every API call makes.

Building a queryset's SQL costs several times the read itself on a lookup by key (about
0.3 ms a call here); the faults in force and the debtor a URL names are read on almost every
call, so they skip it. The row comes back as a model instance with the other fields deferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model


def plain_get[M: Model](model: type[M], *, by: str, value: Any,
                        fields: Sequence[str]) -> M | None:
    """The row of `model` whose unique field `by` equals `value`, with its key and `fields`
    loaded (converted as the ORM would), or None."""
    meta = model._meta
    db = router.db_for_read(model)
    connection = connections[db]
    quote = connection.ops.quote_name
    columns = [meta.pk, *(meta.get_field(name) for name in fields if name != meta.pk.name)]
    key = meta.get_field(by)
    sql = (f"SELECT {', '.join(quote(field.column) for field in columns)} "  # noqa: S608
           f"FROM {quote(meta.db_table)} WHERE {quote(key.column)} = %s")  # names from _meta
    with connection.cursor() as cursor:
        cursor.execute(sql, [key.get_db_prep_value(value, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [field.from_db_value(raw, None, connection) if hasattr(field, "from_db_value")
              else field.to_python(raw) for field, raw in zip(columns, row, strict=True)]
    return model.from_db(db, [field.attname for field in columns], values)
