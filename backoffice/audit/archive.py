"""Retention: moving the oldest audit entries to a compressed JSON Lines file.

`audit_archive(before=...)` archives the prefix of the chain older than a date:

1. writes every entry (all fields, with `prev_hash` and `entry_hash`) to a gzip JSON Lines
   file, oldest first, through a `.partial` file renamed when complete;
2. reads the file back and checks it: the expected ids in order, every hash recomputed from
   the line's own fields, every link to the previous line, the first link accepted by the
   chain (see verify.py) and the last hash equal to the database's, so a file that could not
   prove the entries it holds is never the reason they are deleted (a tampered entry stops
   the archive: it cannot be laundered into a file);
3. appends the checkpoint entry (`audit.archive-checkpoint`, recording the file, its SHA-256
   and `last_archived_hash`), through `audit_record` like every other entry;
4. deletes the archived entries in one transaction that sets the transaction-local flag
   `collectdesk.audit_archive`, which alone lets the PostgreSQL trigger allow a DELETE.

The checkpoint comes before the deletion: if the deletion never happens the chain still
verifies (its first entry still links to ""), and running the command again archives anew.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from backoffice.audit.chain import compute_hash
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.audit.verify import CHECKPOINT_ACTION, accepted_first_prev_hashes

ARCHIVE_FLAG = "collectdesk.audit_archive"
CHUNK_SIZE = 2000
FIELDS = ("id", "actor_id", *(f for f in AuditEntry.HASHED_FIELDS if f != "actor_id"),
          "prev_hash", "entry_hash")


class ArchiveError(Exception):
    """The archive could not be written or did not check out; nothing was deleted."""


@dataclass(frozen=True)
class ArchiveResult:
    path: Path | None
    count: int
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = ""
    sha256: str = ""
    checkpoint_id: int | None = None


def default_path(before: dt.date) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    return Path(settings.VAR_DIR) / "audit-archive" / f"audit-before-{before}-{stamp}.jsonl.gz"


def _cutoff(before: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(before, dt.time.min))


def archivable(before: dt.date):
    """The entries to archive: the oldest ones, up to the first entry at or after `before`.

    Always a prefix of the chain (by id), so what remains still links end to end.
    """
    boundary = (
        AuditEntry.objects.filter(created_at__gte=_cutoff(before))
        .order_by("id").values_list("id", flat=True).first()
    )
    qs = AuditEntry.objects.order_by("id")
    return qs.filter(id__lt=boundary) if boundary is not None else qs


def _line(row: dict[str, Any]) -> str:
    row = dict(row)
    row["created_at"] = row["created_at"].astimezone(dt.UTC).isoformat()
    return json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n"


def _write(queryset, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        for row in queryset.values(*FIELDS).iterator(chunk_size=CHUNK_SIZE):
            out.write(_line(row))


def entry_from_line(data: dict[str, Any]) -> AuditEntry:
    """An unsaved entry holding one archived line's fields (for recomputing its hash)."""
    values = {name: data[name] for name in FIELDS}
    values["created_at"] = parse_datetime(values["created_at"])
    return AuditEntry(**values)


def check_archive(path: Path, *, first_id: int, last_id: int, count: int,
                  accepted_first_prev: set[str], last_hash: str) -> None:
    """Reads an archive file back; raises ArchiveError on the first thing that is off."""
    seen = 0
    prev_hash: str | None = None
    previous_id = 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            entry = entry_from_line(json.loads(line))
            if entry.id <= previous_id or not first_id <= entry.id <= last_id:
                raise ArchiveError(f"line {number}: entry #{entry.id} out of order or range")
            if prev_hash is None and entry.prev_hash not in accepted_first_prev:
                raise ArchiveError(f"line {number}: entry #{entry.id} does not start the chain")
            if prev_hash is not None and entry.prev_hash != prev_hash:
                raise ArchiveError(f"line {number}: entry #{entry.id} does not link to the last")
            if compute_hash(entry.prev_hash, entry) != entry.entry_hash:
                raise ArchiveError(f"line {number}: entry #{entry.id} does not match its hash")
            prev_hash, previous_id, seen = entry.entry_hash, entry.id, seen + 1
    if seen != count or previous_id != last_id or prev_hash != last_hash:
        raise ArchiveError(f"the file holds {seen} entries ending at #{previous_id}, "
                           f"expected {count} ending at #{last_id}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _delete(first_id: int, last_id: int, count: int) -> None:
    """Deletes the archived entries, all or none (rolled back unless exactly `count`)."""
    alias = router.db_for_write(AuditEntry)
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute(f"SET LOCAL {ARCHIVE_FLAG} = 'on'")
        deleted = (
            AuditEntry.objects.using(alias)
            .filter(id__gte=first_id, id__lte=last_id).archive_delete()
        )
        if deleted != count:
            raise ArchiveError(f"{deleted} entries to delete, expected {count}; none deleted")


def audit_archive(*, before: dt.date, output: Path | None = None) -> ArchiveResult:
    """Archives the entries older than `before` (see the module docstring)."""
    queryset = archivable(before)
    bounds = queryset.values_list("id", "entry_hash")
    first = bounds.first()
    if first is None:
        return ArchiveResult(path=None, count=0)
    last_id, last_hash = bounds.order_by("-id").first()
    count = queryset.filter(id__lte=last_id).count()
    path = Path(output) if output else default_path(before)
    if path.exists():
        raise ArchiveError(f"{path} exists already; choose another --output")
    partial = path.with_name(path.name + ".partial")
    try:
        _write(queryset.filter(id__lte=last_id), partial)
        check_archive(partial, first_id=first[0], last_id=last_id, count=count,
                      accepted_first_prev=accepted_first_prev_hashes(), last_hash=last_hash)
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    sha256 = _sha256(path)
    checkpoint = audit_record(
        action=CHECKPOINT_ACTION,
        outcome=AuditEntry.Outcome.OK,
        actor=None,
        role="",
        target_type="archive",
        target_id=path.name,
        reason=f"entries before {before.isoformat()} archived",
        after={
            "before": before.isoformat(),
            "file": path.name,
            "file_sha256": sha256,
            "archived_count": count,
            "first_archived_id": first[0],
            "last_archived_id": last_id,
            "last_archived_hash": last_hash,
        },
    )
    _delete(first[0], last_id, count)
    return ArchiveResult(path=path, count=count, first_id=first[0], last_id=last_id,
                         last_hash=last_hash, sha256=sha256, checkpoint_id=checkpoint.pk)
