"""A readable before/after diff of two recorded states (JSON values) of an audit entry.

The result is a flat list of changes, each with a path into the record, so a template can show
one row per change: a field added, removed or changed. Nested values are walked:

- dicts field by field;
- lists of objects row by row, matched by an identifying key when every row has one (a plan's
  periods by `periodNumber`, deviating payments by `dueDate`, addresses by their GUID ...), else
  aligned as sequences, so inserting one payment shows one added row, not every row changed;
- lists of plain values (an extra field's strings) aligned as sequences.

A whole object added or removed inside a list is one row whose value is shown compactly.
Fields are listed in name order (PostgreSQL's jsonb keeps no order of its own); inside a
compact object the identifying key comes first.
"""

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
Kind = Literal["added", "removed", "changed"]

# Keys that identify a row of a nested list, in order of preference (camelCase as recorded from
# the wire, snake_case as recorded from typed objects).
ROW_KEYS = (
    "periodNumber", "period_number",
    "addressGuid", "address_guid",
    "caseGuid", "case_guid",
    "paymentplanGuid", "paymentplan_guid", "paymentPlanGuid", "payment_plan_guid",
    "guid", "id",
    "dueDate", "due_date",
    "name",
)

_MISSING = object()
PATH_SEPARATOR = " \u203a "  # " > " as a single right-pointing angle quotation mark


@dataclass(frozen=True)
class Change:
    """One difference between the two states, at `path` (field names and row labels)."""

    kind: Kind
    path: tuple[str, ...]
    before: Any = None
    after: Any = None

    @property
    def label(self) -> str:
        return PATH_SEPARATOR.join(self.path) if self.path else "(value)"

    @property
    def before_text(self) -> str:
        return format_value(self.before) if self.kind != ADDED else ""

    @property
    def after_text(self) -> str:
        return format_value(self.after) if self.kind != REMOVED else ""


def format_value(value: Any) -> str:
    """A compact, readable text for a recorded value (objects as `key: value; ...`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        # Identifying keys first, then by name: PostgreSQL's jsonb does not keep the order
        # keys were written, and the page should read the same on every database.
        keys = [key for key in ROW_KEYS if key in value]
        keys += sorted(key for key in value if key not in ROW_KEYS)
        return "; ".join(f"{key}: {format_value(value[key])}" for key in keys)
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return ", ".join(format_value(item) for item in value) if value else "[]"
        return " | ".join(f"[{format_value(item)}]" for item in value)
    return str(value)


def diff_states(before: Any, after: Any) -> list[Change]:
    """The changes from `before` to `after`; a create (before None) lists every field as added,
    a delete (after None) every field as removed."""
    if before is None and after is None:
        return []
    if before is None:
        before = {} if isinstance(after, dict) else _MISSING
    if after is None:
        after = {} if isinstance(before, dict) else _MISSING
    return list(_diff((), before, after))


def _diff(path: tuple[str, ...], before: Any, after: Any) -> Iterable[Change]:
    if before is _MISSING and after is _MISSING:
        return
    if before is _MISSING:
        yield Change(ADDED, path, after=after)
    elif after is _MISSING:
        yield Change(REMOVED, path, before=before)
    elif isinstance(before, dict) and isinstance(after, dict):
        yield from _diff_dicts(path, before, after)
    elif isinstance(before, list) and isinstance(after, list):
        yield from _diff_lists(path, before, after)
    elif not _same(before, after):
        yield Change(CHANGED, path, before=before, after=after)


def _same(a: Any, b: Any) -> bool:
    return (type(a) is type(b) and a == b) or _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _diff_dicts(path: tuple[str, ...], before: dict, after: dict) -> Iterable[Change]:
    # Sorted: PostgreSQL's jsonb does not keep key order, and the page should read the same
    # on every database.
    for key in sorted(set(before) | set(after)):
        yield from _diff(
            (*path, str(key)), before.get(key, _MISSING), after.get(key, _MISSING)
        )


def _row_key(before: list, after: list) -> str | None:
    """The first identifying key present, scalar and unique in every row of both lists."""
    rows = before + after
    if not rows or not all(isinstance(row, dict) for row in rows):
        return None
    for key in ROW_KEYS:
        values_before = [row.get(key, _MISSING) for row in before]
        values_after = [row.get(key, _MISSING) for row in after]
        values = values_before + values_after
        if any(v is _MISSING or v is None or isinstance(v, dict | list) for v in values):
            continue
        if len(set(map(str, values_before))) == len(before) and len(
            set(map(str, values_after))
        ) == len(after):
            return key
    return None


def _diff_lists(path: tuple[str, ...], before: list, after: list) -> Iterable[Change]:
    key = _row_key(before, after)
    if key is not None:
        yield from _diff_keyed_rows(path, key, before, after)
        return
    matcher = difflib.SequenceMatcher(
        a=[_canonical(item) for item in before],
        b=[_canonical(item) for item in after],
        autojunk=False,
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                yield from _diff((*path, f"#{i1 + offset + 1}"), before[i1 + offset],
                                 after[j1 + offset])
            continue
        for index in range(i1, i2):
            yield Change(REMOVED, (*path, f"#{index + 1}"), before=before[index])
        for index in range(j1, j2):
            yield Change(ADDED, (*path, f"#{index + 1}"), after=after[index])


def _diff_keyed_rows(path: tuple[str, ...], key: str, before: list, after: list):
    old = {str(row[key]): row for row in before}
    new = {str(row[key]): row for row in after}
    order = list(old) + [ident for ident in new if ident not in old]
    for ident in order:
        row_path = (*path, f"{key} {ident}")
        if ident not in new:
            yield Change(REMOVED, row_path, before=old[ident])
        elif ident not in old:
            yield Change(ADDED, row_path, after=new[ident])
        else:
            yield from _diff_dicts(row_path, old[ident], new[ident])
