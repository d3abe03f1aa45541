"""The app's JSON, with money exact: Decimal read from and written as a JSON number.

Python's encoder refuses Decimal and Django's writes it as a string; `dumps` writes it as a
number digit for digit (`Decimal("1234.50")` -> `1234.50`), and `loads` reads every number
with a fraction or exponent as Decimal, never float. NaN and the infinities are refused
both ways. Text is UTF-8 with non-ASCII letters kept.

A value without a Decimal is written by the standard library's C encoder, so `dumps` is as
fast as `json.dumps` and writes exactly what it writes with the same options (the audit
chain hashes that text). A value holding a Decimal is written by the encoder below, which
writes everything else the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

Default = Callable[[Any], Any]


class _HoldsDecimal(Exception):
    """Raised inside `json.dumps` to hand the value over to the exact encoder."""


def dumps(
    value: Any,
    *,
    sort_keys: bool = False,
    indent: int | str | None = None,
    separators: tuple[str, str] | None = None,
    default: Default | None = None,
) -> str:
    """JSON text of `value`, compact unless `indent` or `separators` say otherwise.

    The options mean what they mean to `json.dumps`; `default` turns a value JSON has no
    form for into one it has (else TypeError).
    """
    if separators is None:
        separators = (",", ": ") if indent is not None else (",", ":")

    if default is None:
        hook = _decimal_hook
    else:
        def hook(item: Any) -> Any:
            return _decimal_hook(item) if isinstance(item, Decimal) else default(item)

    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=sort_keys,
                          indent=indent, separators=separators, default=hook)
    except _HoldsDecimal:
        pass
    if isinstance(indent, int):
        indent = " " * indent
    out: list[str] = []
    _Encoder(out, sort_keys, indent, separators, default or _no_default).encode(value, 0)
    return "".join(out)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes) -> Any:
    """The value of JSON `text`, every non-integer number a Decimal. Raises ValueError
    (json.JSONDecodeError, with its line and column, for text that is not JSON)."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


def _decimal_hook(item: Any) -> Any:
    if isinstance(item, Decimal):
        raise _HoldsDecimal
    return _no_default(item)


def _no_default(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_SCALARS = (str, int, float, type(None))  # bool is an int


def _scalar(value: str | int | float | None) -> str:
    """A string, number, boolean or null exactly as `json.dumps` writes it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


class _Encoder:
    """`json.dumps`' output, with Decimal as a number (used only for values holding one)."""

    def __init__(self, out: list[str], sort_keys: bool, indent: str | None,
                 separators: tuple[str, str], default: Default):
        self.out, self.sort_keys, self.indent, self.default = out, sort_keys, indent, default
        self.item_separator, self.key_separator = separators

    def encode(self, value: Any, level: int) -> None:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"{value} cannot be written as JSON")
            self.out.append(format(value, "f"))
        elif isinstance(value, _SCALARS):
            self.out.append(_scalar(value))
        elif isinstance(value, dict):
            items = sorted(value.items()) if self.sort_keys else value.items()
            self._container("{}", [(_key(k), v) for k, v in items], level)
        elif isinstance(value, list | tuple):
            self._container("[]", [(None, v) for v in value], level)
        else:
            self.encode(self.default(value), level)

    def _container(self, brackets: str, items: list[tuple[str | None, Any]], level: int) -> None:
        out = self.out
        if not items:
            out.append(brackets)
            return
        out.append(brackets[0])
        separator = self.item_separator
        if self.indent is not None:
            newline = "\n" + self.indent * (level + 1)
            separator += newline
            out.append(newline)
        for index, (key, item) in enumerate(items):
            if index:
                out.append(separator)
            if key is not None:
                out.append(key + self.key_separator)
            self.encode(item, level + 1)
        if self.indent is not None:
            out.append("\n" + self.indent * level)
        out.append(brackets[1])


def _key(key: Any) -> str:
    """An object key as `json.dumps` writes it: a string, or a number, boolean or null as one."""
    if isinstance(key, str):
        return _scalar(key)
    if isinstance(key, _SCALARS):
        return _scalar(_scalar(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
