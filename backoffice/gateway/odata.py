"""A small `$filter` / `$orderby` builder in which user input can only ever be a literal.

    F.contains("full_name", "O'Brien") | F.eq("debtor_reference", text)
    F.all(F.eq("city", city), ~F.eq("juridical_type", JuridicalType.LEGAL_ENTITY))

Field names are the snake_case attributes of the list's row type, checked against that
resource's allow-list and mapped to wire names when rendered; every string literal is quoted
with inner quotes doubled (`'O''Brien'`), so `') or (1 eq 1` stays one string. Sub-expressions
are always parenthesised, so the meaning never depends on operator precedence.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from backoffice.gateway import types as t
from backoffice.gateway.errors import InvalidQuery
from backoffice.gateway.wire import format_date, format_datetime, wire_name


def _scalar_fields(cls: type) -> dict[str, str]:
    """snake_case -> wire name for the fields of `cls` a list can filter and sort by."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        if typing.get_origin(hints[f.name]) in (tuple, frozenset):
            continue
        out[f.name] = wire_name(cls, f.name)
    return out


# Per resource: the fields of its list rows ("A list's $filter and $orderby accept the fields
# of its rows").
FILTER_FIELDS: dict[str, dict[str, str]] = {
    "debtor": _scalar_fields(t.DebtorRow),
    "case": _scalar_fields(t.Case),
    "address": _scalar_fields(t.Address),
    "plan": _scalar_fields(t.PaymentPlan),
    "extra_field": {"name": "name"},
}
ORDER_FIELDS: dict[str, dict[str, str]] = FILTER_FIELDS


def literal(value: object) -> str:
    """One OData literal. Strings are quoted with inner single quotes doubled."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return literal(value.value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidQuery(f"{value} is not a number a filter can hold")
        return format(value, "f")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, UUID):
        value = str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise InvalidQuery(f"a filter cannot hold a {type(value).__name__} (use str, int, Decimal, "
                       "bool, None, date or datetime)")


def _field(fields: Mapping[str, str], name: str) -> str:
    try:
        return fields[name]
    except KeyError:
        raise InvalidQuery(f"cannot filter or sort on {name!r}") from None


class Filter:
    """A `$filter` expression; combine with `&`, `|` and `~`; `render` gives the text."""

    def render(self, fields: Mapping[str, str]) -> str:
        raise NotImplementedError

    def __and__(self, other: Filter) -> Filter:
        return _BoolOp("and", (self, other))

    def __or__(self, other: Filter) -> Filter:
        return _BoolOp("or", (self, other))

    def __invert__(self) -> Filter:
        return _Not(self)


@dataclasses.dataclass(frozen=True)
class _Compare(Filter):
    op: str
    field: str
    value: object

    def render(self, fields: Mapping[str, str]) -> str:
        return f"{_field(fields, self.field)} {self.op} {literal(self.value)}"


@dataclasses.dataclass(frozen=True)
class _Call(Filter):
    function: str
    field: str
    text: str

    def render(self, fields: Mapping[str, str]) -> str:
        return f"{self.function}({_field(fields, self.field)},{literal(self.text)})"


@dataclasses.dataclass(frozen=True)
class _BoolOp(Filter):
    op: str
    parts: tuple[Filter, ...]

    def render(self, fields: Mapping[str, str]) -> str:
        return f" {self.op} ".join(f"({part.render(fields)})" for part in self.parts)


@dataclasses.dataclass(frozen=True)
class _Not(Filter):
    part: Filter

    def render(self, fields: Mapping[str, str]) -> str:
        return f"not ({self.part.render(fields)})"


def _text(function: str, field: str, text: object) -> Filter:
    if not isinstance(text, str):
        raise InvalidQuery(f"{function}() takes a string, not {type(text).__name__}")
    return _Call(function, field, text)


class F:
    """Constructors of filter expressions (field names are snake_case row attributes)."""

    @staticmethod
    def eq(field: str, value: object) -> Filter:
        return _Compare("eq", field, value)

    @staticmethod
    def ne(field: str, value: object) -> Filter:
        return _Compare("ne", field, value)

    @staticmethod
    def gt(field: str, value: object) -> Filter:
        return _Compare("gt", field, value)

    @staticmethod
    def ge(field: str, value: object) -> Filter:
        return _Compare("ge", field, value)

    @staticmethod
    def lt(field: str, value: object) -> Filter:
        return _Compare("lt", field, value)

    @staticmethod
    def le(field: str, value: object) -> Filter:
        return _Compare("le", field, value)

    @staticmethod
    def contains(field: str, text: str) -> Filter:
        return _text("contains", field, text)

    @staticmethod
    def startswith(field: str, text: str) -> Filter:
        return _text("startswith", field, text)

    @staticmethod
    def endswith(field: str, text: str) -> Filter:
        return _text("endswith", field, text)

    @staticmethod
    def all(*exprs: Filter | None) -> Filter | None:
        """Every expression must hold; None items are skipped; nothing left gives None."""
        return _combine("and", exprs)

    @staticmethod
    def any(*exprs: Filter | None) -> Filter | None:
        """At least one expression must hold; None items are skipped; nothing left gives None."""
        return _combine("or", exprs)


def _combine(op: str, exprs: Iterable[Filter | None]) -> Filter | None:
    parts = tuple(e for e in exprs if e is not None)
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return _BoolOp(op, parts)


def render_filter(resource: str, expr: Filter | str | None) -> str | None:
    """The `$filter` text for a list of `resource`, or None for no filter."""
    if expr is None:
        return None
    if not isinstance(expr, Filter):
        raise InvalidQuery("pass a filter built with F, not text")
    return expr.render(FILTER_FIELDS[resource])


def render_orderby(resource: str, orderby: str | Sequence[str] | None) -> str | None:
    """`["-full_name", "debtor_reference"]` -> `fullName desc,debtorReference`."""
    if not orderby:
        return None
    items = [orderby] if isinstance(orderby, str) else list(orderby)
    fields = ORDER_FIELDS[resource]
    out = []
    for item in items:
        name = item.strip()
        descending = name.startswith("-")
        wire = _field(fields, name.lstrip("-"))
        out.append(f"{wire} desc" if descending else wire)
    return ",".join(out)
