"""JSON in and out with money kept exact: Decimal in, Decimal written as a JSON number.

Django's and Python's encoders either refuse Decimal or write it as a string; `dumps` writes
it as a number digit for digit (`Decimal("1234.50")` -> `1234.50`). Dates and date-times are
written as ISO 8601 in UTC with a `Z`; a date travels as midnight UTC, as the contract says.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from uuid import UUID

_encode_string = json.encoder.encode_basestring  # C-accelerated; keeps non-ASCII letters


class JsonError(ValueError):
    """The text is not JSON the sandbox accepts."""


def _reject_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a JSON number")


def loads(raw: bytes | str) -> Any:
    """Parses JSON with every non-integer number as Decimal; NaN and Infinity are refused."""
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise JsonError(str(exc)) from exc


def format_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def format_date(value: dt.date) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_encode_string(value))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as JSON")
        out.append(format(value, "f"))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{value} cannot be written as JSON")
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(_encode_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, dt.datetime):
        out.append(_encode_string(format_datetime(value)))
    elif isinstance(value, dt.date):
        out.append(_encode_string(format_date(value)))
    elif isinstance(value, UUID):
        out.append(_encode_string(str(value)))
    else:
        raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of dicts, lists, str, int, Decimal, dates and UUIDs."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")
