"""The wire format: camelCase JSON <-> the snake_case dataclasses of `types`.

- Names: camelCase <-> snake_case by rule, with the vendor's exceptions in one table
  (`firstname` is `first_name`; the case summary's fee is spelled `remaininFee`).
- Money: JSON numbers parsed as `Decimal` (never float) and written back as JSON numbers.
- Date-only fields travel as midnight UTC (`1980-05-17T00:00:00Z`) and are `date` here; they
  are never shifted into a time zone. Timestamps are aware UTC `datetime`s.
- Fields an answer leaves out become None (or ()) and unknown fields are ignored, so a vendor
  answer with fewer fields than the contract still reads.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import typing
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from backoffice import jsonio

# snake_case attribute -> wire name, where the rule (capitalise each later word) is wrong.
_NAME_EXCEPTIONS = {
    "first_name": "firstname",
    "middle_name": "middlename",
    "last_name": "lastname",
}
# Per type: the vendor's one-off spellings.
_TYPE_NAME_EXCEPTIONS: dict[str, dict[str, str]] = {
    "CaseSummary": {"remaining_fee": "remaininFee"},
}
_WIRE_TO_SNAKE = {wire: snake for snake, wire in _NAME_EXCEPTIONS.items()} | {
    "remaininFee": "remaining_fee",
}
# Attributes computed by the gateway, never read from or written to the wire.
_LOCAL_FIELDS = frozenset({"absent_fields"})


class WireError(ValueError):
    """An answer that does not have the shape the contract promises."""


def to_snake(wire_name: str) -> str:
    if wire_name in _WIRE_TO_SNAKE:
        return _WIRE_TO_SNAKE[wire_name]
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", wire_name).lower()


def to_camel(snake_name: str) -> str:
    if snake_name in _NAME_EXCEPTIONS:
        return _NAME_EXCEPTIONS[snake_name]
    head, *rest = snake_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def error_field_name(wire_name: str) -> str:
    """The snake_case field a problem's `errors` key names ("" for the request as a whole).

    `lastname` -> `last_name`, `$top` -> `top`, `payments[0].dueDate` -> `payments.0.due_date`.
    """
    name = wire_name.strip().lstrip("$")
    if not name or name in {"body", "request", "_", "*"}:
        return ""
    parts = re.split(r"[.\[\]]+", name)
    return ".".join(to_snake(part) for part in parts if part)


def wire_name(cls: type, attribute: str) -> str:
    return _TYPE_NAME_EXCEPTIONS.get(cls.__name__, {}).get(attribute) or to_camel(attribute)


# --- Values --------------------------------------------------------------------------------------


def format_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def format_date(value: date) -> str:
    """A date-only value as the contract sends it: midnight UTC."""
    return f"{value.isoformat()}T00:00:00Z"


def parse_datetime(text: Any) -> datetime:
    if not isinstance(text, str):
        raise WireError(f"expected a date-time string, got {type(text).__name__}")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise WireError(f"not an ISO 8601 date-time: {text!r}") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(text: Any) -> date:
    """A date-only field: the UTC calendar date of the wire's date-time (or a bare date)."""
    if isinstance(text, str) and len(text.strip()) == 10:
        try:
            return date.fromisoformat(text.strip())
        except ValueError as exc:
            raise WireError(f"not an ISO 8601 date: {text!r}") from exc
    return parse_datetime(text).date()


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise WireError("expected a number, got a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as exc:
            raise WireError(f"not a number: {value!r}") from exc
        if not result.is_finite():
            raise WireError(f"not a finite number: {value!r}")
        return result
    raise WireError(f"expected a number, got {type(value).__name__}")


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise WireError("expected a whole number, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise WireError(f"expected a whole number, got {value!r}")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise WireError(f"expected true or false, got {value!r}")


def parse_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    raise WireError(f"expected a string, got {type(value).__name__}")


# --- Dataclasses <-> wire dicts ------------------------------------------------------------------


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without `| None`, whether None is allowed)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, type(int | None)) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]), True  # noqa: UP007
    return annotation, False


def _decoder(annotation: Any):
    base, _nullable = _base_type(annotation)
    origin = typing.get_origin(base)
    if origin is tuple:
        item = _decoder(typing.get_args(base)[0])

        def decode_tuple(value: Any) -> tuple:
            if not isinstance(value, list):
                raise WireError(f"expected a list, got {type(value).__name__}")
            return tuple(item(v) for v in value)

        return decode_tuple
    if dataclasses.is_dataclass(base):
        return lambda value: from_wire(base, value)
    if base is Decimal:
        return parse_decimal
    if base is datetime:
        return parse_datetime
    if base is date:
        return parse_date
    if base is bool:
        return parse_bool
    if base is int:
        return parse_int
    if base is str:
        return parse_str
    raise TypeError(f"no wire decoder for {annotation!r}")


@cache
def _plan(cls: type) -> tuple[tuple[str, tuple[str, ...], Any, bool], ...]:
    """Per field: (attribute, wire names to try, decoder, is a required field)."""
    hints = typing.get_type_hints(cls)
    plan = []
    for f in dataclasses.fields(cls):
        if f.name in _LOCAL_FIELDS:
            continue
        names = (wire_name(cls, f.name),)
        if cls.__name__ == "CaseSummary" and f.name == "remaining_fee":
            names = ("remaininFee", "remainingFee")
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        plan.append((f.name, names, _decoder(hints[f.name]), required))
    return tuple(plan)


@cache
def _tracks_absent(cls: type) -> bool:
    return "absent_fields" in {f.name for f in dataclasses.fields(cls)}


def _present_name(names: tuple[str, ...], data: dict) -> str | None:
    if len(names) == 1:  # every field but one: no generator per field and answer
        return names[0] if names[0] in data else None
    return next((n for n in names if n in data), None)


def from_wire[T](cls: type[T], data: Any, **known: Any) -> T:
    """An instance of `cls` from a wire object; `known` fills fields the answer leaves out."""
    if not isinstance(data, dict):
        raise WireError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    values: dict[str, Any] = {}
    absent = []
    for attribute, names, decode, required in _plan(cls):
        name = _present_name(names, data)
        raw = data.get(name) if name else None
        if name is None:
            absent.append(attribute)
        if raw is None:
            if attribute in known:
                values[attribute] = known[attribute]
            elif required:
                raise WireError(f"{cls.__name__}: {names[0]} is missing")
            continue
        try:
            values[attribute] = decode(raw)
        except WireError as exc:
            raise WireError(f"{cls.__name__}.{names[0]}: {exc}") from exc
    if _tracks_absent(cls):
        values["absent_fields"] = frozenset(absent)
    return cls(**values)


def _encode_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_wire(value)
    if isinstance(value, list | tuple):
        return [_encode_value(v) for v in value]
    return value


def to_wire(obj: Any, *, exclude: typing.Iterable[str] = ()) -> dict[str, Any]:
    """The camelCase body for a dataclass: every field, None included (PUT replaces)."""
    skip = set(exclude) | _LOCAL_FIELDS
    return {
        wire_name(type(obj), f.name): _encode_value(getattr(obj, f.name))
        for f in dataclasses.fields(obj)
        if f.name not in skip
    }


# --- JSON ----------------------------------------------------------------------------------------


def loads(raw: bytes | str) -> Any:
    """JSON with every non-integer number as `Decimal`."""
    try:
        return jsonio.loads(raw)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise WireError(f"not valid JSON: {exc}") from exc


def _encode_json(value: Any) -> Any:
    converted = _encode_value(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return converted


def dumps(value: Any) -> bytes:
    """UTF-8 JSON with `Decimal` written as a JSON number (`1234.50`), never a string."""
    return jsonio.dumps(value, default=_encode_json).encode()
