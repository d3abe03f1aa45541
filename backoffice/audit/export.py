"""Streamed exports of the filtered audit list as CSV or JSON Lines.

Rows are read with `.values(...).iterator(chunk_size=...)` and written as they come, so a
million entries never sit in memory; the export is bounded to the entries that existed when
it started (its own audit entry and later ones are left out), so it is a consistent snapshot.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from backoffice import jsonio

CHUNK_SIZE = 2000

FIELDS = (
    "id", "created_at", "actor_username", "role", "action", "outcome", "debtor_guid",
    "target_type", "target_id", "request_id", "client_ip", "user_agent", "upstream_status",
    "error_class", "reason", "request_body", "before", "after", "problem", "prev_hash",
    "entry_hash",
)
JSON_FIELDS = frozenset({"request_body", "before", "after", "problem"})

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/jsonl; charset=utf-8", "jsonl"),
}

_SPACED = (", ", ": ")
_django_default = DjangoJSONEncoder().default  # created_at as ECMA-262 (milliseconds, "Z")

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _rows(queryset: QuerySet) -> Iterator[dict[str, Any]]:
    return queryset.values(*FIELDS).iterator(chunk_size=CHUNK_SIZE)


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in JSON_FIELDS:
        return jsonio.dumps(value, sort_keys=True, separators=_SPACED)
    if name == "created_at":
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_lines(queryset: QuerySet) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(FIELDS)
    for row in _rows(queryset):
        yield writer.writerow([_csv_cell(name, row[name]) for name in FIELDS])


def jsonl_lines(queryset: QuerySet) -> Iterable[str]:
    for row in _rows(queryset):
        yield jsonio.dumps(row, separators=_SPACED, default=_django_default) + "\n"


def export_response(queryset: QuerySet, *, fmt: str) -> StreamingHttpResponse:
    """A streamed download of `queryset` in `fmt` ("csv" or "jsonl")."""
    content_type, extension = FORMATS[fmt]
    lines = csv_lines(queryset) if fmt == "csv" else jsonl_lines(queryset)
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
