"""Plain JSON values and one canonical text for them: what the audit log stores and hashes.

`jsonable` turns typed values into JSON-safe ones the same way every time: `Decimal` (and any
float) becomes a string of its digits ("10661.86", so money never passes through float and
a JSON store cannot rewrite it), integers stay numbers, dates and
date-times ISO 8601 strings (date-times in UTC), enums their value, dataclasses dicts.
`canonical_json` is sorted, compact UTF-8 JSON of that (`backoffice.jsonio`, which writes
what `json.dumps` writes): equal values, equal text.
"""

import dataclasses
import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils.functional import Promise

from backoffice import jsonio

# The exact types a stored JSON value is made of: handled first, by type identity, because
# verify_chain runs this over every field of every entry (same results as the checks below).
_JSON_SCALARS = frozenset({str, bool, int, type(None)})


def jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list:
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)  # as a string, like Decimal: JSON stores can rewrite float digits
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Promise):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise TypeError(f"{type(value).__name__} has no JSON form for the audit log")


def canonical_json(value: Any) -> str:
    """The text the audit chain and the fingerprints hash: keep it byte for byte."""
    return jsonio.dumps(jsonable(value), sort_keys=True)
