"""The simplified OData of the contract: `$filter` and `$orderby` checked, then turned into Q.

`odata-query` parses the text; nothing of its AST reaches the database before this module has
checked it against the resource's allow-list (`ListSpec`): known wire fields only, literals of
the field's type only, `eq ne gt ge lt le`, `and or not`, and `contains`, `startswith`,
`endswith` on string fields. Everything else is an `ODataError` naming the problem (the API
answers 400), never a FieldError or a DataError from the database.

String comparisons fold case for every letter: against a shadow column (`Field.folded`) or,
for small lists, against `Casefold(column)`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from uuid import UUID

from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet
from odata_query import ast
from odata_query.exceptions import (
    ArgumentCountException,
    ODataException,
    ParsingException,
    TokenizingException,
    UnknownFunctionException,
)
from odata_query.grammar import ODataLexer, ODataParser

from sandbox.casefold import Casefold

Kind = Literal["string", "int", "decimal", "bool", "datetime", "date", "guid"]

MAX_FILTER_LENGTH = 2000
MAX_ORDERBY_KEYS = 10
MAX_DEPTH = 64
_INT32 = (-(2**31), 2**31 - 1)
_STRING_FUNCTIONS = {"contains", "startswith", "endswith"}
_COMPARATORS = {ast.Eq: "eq", ast.NotEq: "ne", ast.Gt: "gt", ast.GtE: "ge", ast.Lt: "lt",
                ast.LtE: "le"}
_MIRROR = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
_LOOKUP = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


class ODataError(ValueError):
    """A refused `$filter` or `$orderby`; `option` names which."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option
        self.message = message


@dataclass(frozen=True)
class Field:
    """A wire field of a list: its type and the model column it reads.

    `folded` names a case-folded shadow column for a string field; without one, string
    comparisons fold `column` on the fly (fine for per-debtor lists, too slow for 100,000 rows).
    `places` bounds decimal literals to what the column can hold.
    """

    kind: Kind
    column: str
    folded: str | None = None
    places: int = 2


@dataclass(frozen=True)
class ListSpec:
    """A list's wire fields: what `$filter`/`$orderby` accept, its default (stable) order, and
    (`row`) what each item answers."""

    fields: Mapping[str, Field]
    default_order: str  # in $orderby syntax, e.g. "debtorReference" or "name desc, id"
    _by_lower: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_lower", {name.lower(): name for name in self.fields})

    def resolve(self, name: str) -> tuple[str, Field] | None:
        """The wire name and field for a name in any letter case, or None."""
        wire = self._by_lower.get(name.lower())
        return (wire, self.fields[wire]) if wire else None

    def row(self, item: Any) -> dict[str, Any]:
        """The item's wire fields, in their order, each read from its column."""
        return {wire: getattr(item, spec.column) for wire, spec in self.fields.items()}


@dataclass
class _Target:
    """What a comparison reads: a column name, and aliases the queryset needs for it."""

    name: str
    aliases: dict


def _string_target(spec_field: Field) -> _Target:
    if spec_field.folded:
        return _Target(spec_field.folded, {})
    alias = "_cf_" + spec_field.column.replace("__", "_")
    return _Target(alias, {alias: Casefold(spec_field.column)})


# --- $filter ---------------------------------------------------------------------------------


def _parse(text: str) -> ast._Node:
    try:
        return ODataParser().parse(ODataLexer().tokenize(text))
    except TokenizingException as exc:
        raise ODataError(
            "$filter", f"Cannot read $filter at position {exc.token.index + 1}: "
            f"{str(exc.token.value)[:20]!r}."
        ) from exc
    except ParsingException as exc:
        if exc.eof or exc.token is None:
            raise ODataError("$filter", "$filter ends too early.") from exc
        raise ODataError(
            "$filter", f"$filter is malformed at position {exc.token.index + 1}: "
            f"{str(getattr(exc.token, 'value', ''))[:20]!r}."
        ) from exc
    except UnknownFunctionException as exc:
        raise ODataError("$filter", _unsupported_function(exc.function_name)) from exc
    except ArgumentCountException as exc:
        raise ODataError("$filter", str(exc)) from exc
    except ODataException as exc:
        raise ODataError("$filter", f"$filter is malformed: {exc}") from exc


def _unsupported_function(name: str) -> str:
    return (f"Function '{name}' is not supported in $filter: use contains, startswith or "
            "endswith.")


def _prefix_range(column: str, prefix: str) -> Q:
    """`prefix <= column < successor`: lets SQLite serve startswith from the column's index.

    SQLite's LIKE is case-insensitive, so it cannot use an ordinary (binary) index; the range
    can, and the LIKE beside it keeps the result exact. Only for binary collation, where the
    code-point successor of the prefix bounds every string that starts with it.
    """
    if not prefix or ord(prefix[-1]) >= 0x10FFFF:
        return Q()
    successor = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": successor})


class _FilterCompiler:
    def __init__(self, spec: ListSpec, vendor: str = ""):
        self.spec = spec
        self.vendor = vendor
        self.aliases: dict = {}

    def condition(self, node: ast._Node, depth: int = 0) -> Q:
        if depth > MAX_DEPTH:
            raise ODataError("$filter", "$filter is nested too deeply.")
        if isinstance(node, ast.BoolOp):
            kind = type(node.op)
            parts = self._chain(node, kind)
            combined = self.condition(parts[0], depth + 1)
            for part in parts[1:]:
                q = self.condition(part, depth + 1)
                combined = combined & q if kind is ast.And else combined | q
            return combined
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ~self.condition(node.operand, depth + 1)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Identifier):
            wire, spec_field = self.field(node)
            if spec_field.kind == "bool":
                return Q(**{spec_field.column: True})
            raise ODataError(
                "$filter", f"'{wire}' alone is not a condition: compare it, e.g. {wire} eq ...")
        raise ODataError("$filter", f"{self.describe(node)} is not a condition.")

    @staticmethod
    def _chain(node: ast.BoolOp, kind: type) -> list[ast._Node]:
        """The operands of a run of the same operator (a or b or c), without recursion."""
        parts, stack = [], [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.BoolOp) and isinstance(current.op, kind):
                stack.extend([current.right, current.left])
            else:
                parts.append(current)
        return parts

    def describe(self, node: ast._Node) -> str:
        if isinstance(node, ast.BinOp):
            return f"Arithmetic ('{type(node.op).__name__.lower()}')"
        if isinstance(node, ast.Attribute):
            return "A path like a/b"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "Negation ('-') of a field"
        if isinstance(node, ast.UnaryOp):
            return "'not' applied to a field"
        if isinstance(node, ast.CollectionLambda):
            return "'any'/'all'"
        if isinstance(node, ast.List):
            return "A list"
        if isinstance(node, ast.Call):
            return f"A call of '{node.func.full_name()}'"
        if isinstance(node, ast._Literal):
            return f"The literal {self.literal_text(node)}"
        return f"'{type(node).__name__}'"

    @staticmethod
    def literal_text(node: ast._Literal) -> str:
        if isinstance(node, ast.Null):
            return "null"
        if isinstance(node, ast.String):
            return repr(node.val[:30])
        return str(getattr(node, "val", type(node).__name__))[:30]

    def field(self, node: ast._Node) -> tuple[str, Field]:
        if isinstance(node, ast.Attribute):
            raise ODataError("$filter", "Paths like a/b are not supported in $filter.")
        if not isinstance(node, ast.Identifier):
            raise ODataError("$filter", f"{self.describe(node)} is not supported in $filter.")
        name = node.full_name()
        resolved = self.spec.resolve(name)
        if resolved is None:
            raise ODataError("$filter", f"Unknown field '{name}' in $filter.")
        return resolved

    def compare(self, node: ast.Compare) -> Q:
        if isinstance(node.comparator, ast.In):
            raise ODataError("$filter", "The operator 'in' is not supported: use 'or'.")
        op = _COMPARATORS[type(node.comparator)]
        left, right = node.left, node.right
        if isinstance(left, ast._Literal) and not isinstance(right, ast._Literal):
            left, right, op = right, left, _MIRROR[op]
        for side in (left, right):
            if isinstance(side, ast.BinOp | ast.Attribute | ast.CollectionLambda | ast.List):
                raise ODataError("$filter", f"{self.describe(side)} is not supported in $filter.")
            if isinstance(side, ast.UnaryOp | ast.Call):
                raise ODataError(
                    "$filter", f"{self.describe(side)} cannot be compared: compare a field with "
                    "a value.")
        if not isinstance(right, ast._Literal):
            raise ODataError("$filter", "Compare a field with a value, not with another field.")
        wire, spec_field = self.field(left)
        if isinstance(right, ast.Null):
            if op not in ("eq", "ne"):
                raise ODataError("$filter", f"null can only be compared with eq or ne ({wire}).")
            return Q(**{f"{spec_field.column}__isnull": op == "eq"})
        value = self.value(wire, spec_field, right)
        target = spec_field.column
        if spec_field.kind == "string":
            string_target = _string_target(spec_field)
            self.aliases.update(string_target.aliases)
            target = string_target.name
            value = value.casefold()
        if op == "ne":
            return ~Q(**{target: value}) | Q(**{f"{target}__isnull": True})
        return Q(**{f"{target}__{_LOOKUP[op]}": value})

    def call(self, node: ast.Call) -> Q:
        name = node.func.full_name()
        if name.lower() not in _STRING_FUNCTIONS:
            raise ODataError("$filter", _unsupported_function(name))
        if len(node.args) != 2:
            raise ODataError("$filter", f"{name} takes a field and a string: {name}(field,'x').")
        wire, spec_field = self.field(node.args[0])
        if spec_field.kind != "string":
            raise ODataError("$filter", f"{name} works on text fields; '{wire}' is not text.")
        literal = node.args[1]
        if not isinstance(literal, ast.String):
            raise ODataError("$filter", f"The second argument of {name} must be a string in "
                             "single quotes.")
        self.check_string(literal.val)
        target = _string_target(spec_field)
        self.aliases.update(target.aliases)
        value = literal.val.casefold()
        condition = Q(**{f"{target.name}__{name.lower()}": value})
        if name.lower() == "startswith" and self.vendor == "sqlite" and spec_field.folded:
            condition &= _prefix_range(target.name, value)
        return condition

    @staticmethod
    def check_string(text: str) -> None:
        if "\x00" in text:
            raise ODataError("$filter", "Strings in $filter must not contain NUL characters.")

    def value(self, wire: str, spec_field: Field, literal: ast._Literal):
        kind = spec_field.kind
        wrong = ODataError("$filter", f"'{wire}' is {_KIND_TEXT[kind]}; "
                           f"{self.literal_text(literal)} is not.")
        try:
            if kind == "string" and isinstance(literal, ast.String):
                self.check_string(literal.val)
                return literal.val
            if kind == "int" and isinstance(literal, ast.Integer):
                number = int(literal.val)
                if not _INT32[0] <= number <= _INT32[1]:
                    raise ODataError("$filter", f"{literal.val} is out of range for '{wire}'.")
                return number
            if kind == "decimal" and isinstance(literal, ast.Integer | ast.Float):
                return _decimal(wire, spec_field, literal.val)
            if kind == "bool" and isinstance(literal, ast.Boolean):
                return literal.py_val
            if kind == "guid" and isinstance(literal, ast.GUID | ast.String):
                return UUID(literal.val)
            if kind == "datetime" and isinstance(literal, ast.DateTime):
                value = literal.py_val
                return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            if kind == "datetime" and isinstance(literal, ast.Date):
                return dt.datetime.combine(literal.py_val, dt.time(), tzinfo=dt.UTC)
            if kind == "date" and isinstance(literal, ast.Date):
                return literal.py_val
            if kind == "date" and isinstance(literal, ast.DateTime):
                return literal.py_val.date()
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, ODataError):
                raise
            raise ODataError(
                "$filter", f"{self.literal_text(literal)} is not a valid value for '{wire}'."
            ) from exc
        raise wrong


_KIND_TEXT = {
    "string": "text (write 'value' in single quotes)",
    "int": "a whole number",
    "decimal": "a number",
    "bool": "true or false",
    "datetime": "a date-time such as 2026-11-24T00:00:00Z",
    "date": "a date such as 1980-05-17T00:00:00Z",
    "guid": "a GUID",
}


def _decimal(wire: str, spec_field: Field, text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ODataError("$filter", f"{text} is not a number.") from exc
    if not number.is_finite() or abs(number) >= Decimal(10) ** 13:
        raise ODataError("$filter", f"{text} is out of range for '{wire}'.")
    if number != number.quantize(Decimal(1).scaleb(-spec_field.places)):
        raise ODataError("$filter", f"'{wire}' has at most {spec_field.places} decimals.")
    return number


@dataclass
class CompiledFilter:
    q: Q
    aliases: dict


def compile_filter(spec: ListSpec, text: str | None, *, vendor: str = "") -> CompiledFilter:
    """`$filter` as a Q (and the aliases it reads); an empty text filters nothing.

    `vendor` (the database's, e.g. "sqlite") enables index-friendly forms where they are safe.
    """
    if text is None or not text.strip():
        return CompiledFilter(Q(), {})
    if len(text) > MAX_FILTER_LENGTH:
        raise ODataError("$filter", f"$filter is longer than {MAX_FILTER_LENGTH} characters.")
    tree = _parse(text.strip())
    compiler = _FilterCompiler(spec, vendor)
    try:
        q = compiler.condition(tree)
    except RecursionError as exc:
        raise ODataError("$filter", "$filter is nested too deeply.") from exc
    return CompiledFilter(q, compiler.aliases)


# --- $orderby --------------------------------------------------------------------------------


@dataclass
class CompiledOrder:
    expressions: list[OrderBy]
    aliases: dict


def compile_orderby(spec: ListSpec, text: str | None) -> CompiledOrder:
    """`$orderby` (`field [asc|desc], ...`, names in any case), or the list's default order.

    A final key on the primary key keeps pages stable when values tie.
    """
    if text is None or not text.strip():
        text = spec.default_order
    keys: list[tuple[str, bool]] = []
    parts = text.split(",")
    if len(parts) > MAX_ORDERBY_KEYS:
        raise ODataError("$orderby", f"$orderby takes at most {MAX_ORDERBY_KEYS} fields.")
    for part in parts:
        words = part.split()
        if not words or len(words) > 2:
            raise ODataError("$orderby", f"Cannot read $orderby item {part.strip()!r}: "
                             "write 'field' or 'field desc'.")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise ODataError("$orderby", f"Unknown direction {words[1]!r} in $orderby: "
                             "use asc or desc.")
        resolved = spec.resolve(words[0])
        if resolved is None:
            raise ODataError("$orderby", f"Unknown field '{words[0]}' in $orderby.")
        keys.append((resolved[0], direction == "desc"))
    expressions: list[OrderBy] = []
    aliases: dict = {}
    for wire, descending in keys:
        spec_field = spec.fields[wire]
        name = spec_field.column
        if spec_field.kind == "string":
            target = _string_target(spec_field)
            aliases.update(target.aliases)
            name = target.name
        expressions.append(F(name).desc() if descending else F(name).asc())
    expressions.append(F("pk").desc() if keys[-1][1] else F("pk").asc())
    return CompiledOrder(expressions, aliases)


def apply_query(
    queryset: QuerySet, spec: ListSpec, *, filter_text: str | None, orderby_text: str | None
) -> QuerySet:
    """The queryset filtered by `$filter` and ordered by `$orderby`; raises ODataError."""
    vendor = connections[queryset.db].vendor
    compiled_filter = compile_filter(spec, filter_text, vendor=vendor)
    order = compile_orderby(spec, orderby_text)
    aliases = {**compiled_filter.aliases, **order.aliases}
    if aliases:
        queryset = queryset.alias(**aliases)
    return queryset.filter(compiled_filter.q).order_by(*order.expressions)
