"""Large audit exports as a job: the same lines as the streamed download, written to a file.

The export page streams up to `AUDIT_EXPORT_STREAM_MAX` entries; past that it starts this job
with the filters and the snapshot bound (`through_id`) fixed when it was asked for, so the
file holds exactly what the stream would have sent at that moment. The file is written as
`.partial` and renamed when complete, under `JOBS_EXPORT_DIR`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from backoffice.audit import selectors
from backoffice.audit.export import FORMATS, csv_lines, jsonl_lines

_DATE_FIELDS = {"date_from", "date_to"}
_BOOL_FIELDS = {"request_prefix", "pii_only"}


def filters_from_params(params: dict) -> selectors.AuditFilters:
    """The inverse of `AuditFilters.as_params()` (as stored in the job's options)."""
    known = {f.name for f in fields(selectors.AuditFilters)}
    values: dict = {}
    for name, value in (params or {}).items():
        if name not in known:
            continue
        if name in _DATE_FIELDS:
            value = dt.date.fromisoformat(value) if value else None
        elif name in _BOOL_FIELDS:
            value = bool(value)
        else:
            value = str(value)
        values[name] = value
    return selectors.AuditFilters(**values)


def export_dir() -> Path:
    return Path(settings.JOBS_EXPORT_DIR)


def export_queryset(*, filters: dict, through_id: int):
    return selectors.audit_entry_list(filters=filters_from_params(filters)).filter(
        id__lte=through_id)


def export_path(file_name: str) -> Path | None:
    """The finished export file named in a job's result, only if it lies in the export dir."""
    base = export_dir().resolve()
    path = (base / file_name).resolve()
    if path.parent != base or not path.is_file():
        return None
    return path


def audit_export_write(*, job_id: int, fmt: str, filters: dict, through_id: int,
                       on_progress: Callable[[int, int], None] | None = None) -> dict:
    """Writes the export file; returns its name, row count and size."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    queryset = export_queryset(filters=filters, through_id=through_id)
    total = queryset.count()
    if on_progress is not None:
        on_progress(0, total)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    name = f"audit-{stamp}-job{job_id}.{FORMATS[fmt][1]}"
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / (name + ".partial")
    lines = csv_lines(queryset) if fmt == "csv" else jsonl_lines(queryset)
    header = 1 if fmt == "csv" else 0
    rows = -header
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            for line in lines:
                out.write(line)
                rows += 1
                if on_progress is not None and rows > 0 and rows % 1000 == 0:
                    on_progress(rows, total)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, directory / name)
    rows = max(rows, 0)
    if on_progress is not None:
        on_progress(rows, total)
    return {"file": name, "format": fmt, "rows": rows,
            "bytes": (directory / name).stat().st_size, "through_id": through_id}
