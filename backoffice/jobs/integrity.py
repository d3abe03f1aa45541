"""The audit integrity check as a job: incremental from the last checkpoint, or in full.

A checkpoint (`IntegrityCheckpoint`) is the newest entry a check found intact and its hash.
An incremental check
1. makes sure that entry is still there with that hash, and that its content still hashes to
   it (else it was changed: broken there);
2. if it is gone, accepts that only when an archive took it: an `audit.archive-checkpoint`
   entry names a `last_archived_id` at or past it and nothing between the two is left; the
   walk then starts after the archived prefix, from its `last_archived_hash` (the archive
   read every archived entry back and checked it before deleting). Any other disappearance
   breaks the chain at the first entry after the checkpoint, as the full check would say;
3. walks the entries after it (`backoffice.audit.verify.walk_chain`), and on success stores
   the last one as the new checkpoint.
Entries before the checkpoint are not read again: a full check (`full=True`) walks the whole
chain from its start and finds a change made there; it also makes the checks of 1 and 2, as
only the checkpoint can tell that the newest entries were removed (the next append links to
what is left, so the chain itself still verifies).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from backoffice.audit.chain import compute_hash
from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import CHECKPOINT_ACTION, walk_chain
from backoffice.jobs.models import IntegrityCheckpoint, JobRun


@dataclass(frozen=True)
class IntegrityReport:
    full: bool
    ok: bool
    checked: int
    after_id: int  # the walk started after this entry (0: from the chain's start)
    through_id: int | None  # the last entry found intact
    broken_id: int | None = None
    problem: str = ""
    checkpoint_id: int | None = None  # the new checkpoint's last_entry_id
    seconds: float = 0.0

    def as_result(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Start:
    after_id: int
    accepted_prev: set[str] | None  # None: the chain's own start
    broken_id: int | None = None
    problem: str = ""


def integrity_checkpoint_latest() -> IntegrityCheckpoint | None:
    return IntegrityCheckpoint.objects.order_by("-id").first()


def _first_after(entry_id: int) -> int | None:
    return (AuditEntry.objects.filter(id__gt=entry_id).order_by("id")
            .values_list("id", flat=True).first())


def _archive_covering(entry_id: int) -> tuple[int, str] | None:
    """The archived prefix's end (id, hash) when an archive took `entry_id`."""
    ends = []
    for after in AuditEntry.objects.filter(action=CHECKPOINT_ACTION).values_list(
        "after", flat=True
    ):
        if isinstance(after, dict) and after.get("last_archived_hash"):
            last_id = int(after.get("last_archived_id") or 0)
            if last_id >= entry_id:
                ends.append((last_id, str(after["last_archived_hash"])))
    return max(ends) if ends else None


def _start_from(checkpoint: IntegrityCheckpoint) -> _Start:
    stored = AuditEntry.objects.filter(pk=checkpoint.last_entry_id).first()
    if stored is not None:
        if checkpoint.last_entry_hash != stored.entry_hash or stored.entry_hash != compute_hash(
            stored.prev_hash, stored
        ):
            return _Start(0, None, broken_id=checkpoint.last_entry_id,
                          problem="the entry of the last checkpoint was changed")
        return _Start(checkpoint.last_entry_id, {checkpoint.last_entry_hash})
    archived = _archive_covering(checkpoint.last_entry_id)
    if archived is not None:
        archived_id, archived_hash = archived
        left = AuditEntry.objects.filter(id__gt=checkpoint.last_entry_id,
                                         id__lte=archived_id).exists()
        if not left:
            return _Start(archived_id, {archived_hash})
    return _Start(0, None, broken_id=_first_after(checkpoint.last_entry_id),
                  problem="the entry of the last checkpoint is missing")


def integrity_check(*, full: bool = False, job: JobRun | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> IntegrityReport:
    """Checks the chain (from the checkpoint unless `full` or there is none) and moves the
    checkpoint forward when it verifies. `on_progress(done, total)` as it goes."""
    started = time.monotonic()
    previous = integrity_checkpoint_latest()
    checkpoint = None if full else previous
    full = checkpoint is None
    start = _Start(0, None) if checkpoint is None else _start_from(checkpoint)
    if start.problem:
        return IntegrityReport(full=full, ok=False, checked=0, after_id=start.after_id,
                               through_id=None, broken_id=start.broken_id,
                               problem=start.problem, seconds=time.monotonic() - started)
    total = AuditEntry.objects.filter(id__gt=start.after_id).count()
    if on_progress is not None:
        on_progress(0, total)
    walk = walk_chain(
        after_id=start.after_id,
        accepted_prev=start.accepted_prev,
        on_progress=(lambda done: on_progress(done, total)) if on_progress else None,
    )
    through_id = walk.last_id if walk.last_id is not None else (
        checkpoint.last_entry_id if checkpoint is not None else None)
    if walk.broken is not None:
        return IntegrityReport(
            full=full, ok=False, checked=walk.checked, after_id=start.after_id,
            through_id=walk.last_id, broken_id=walk.broken.pk,
            problem="an entry's hash or its link to the previous entry does not match",
            seconds=time.monotonic() - started)
    if full and previous is not None:
        # The chain alone cannot show that its newest entries were removed (the next append
        # links to what is left); the last checkpoint remembers them.
        remembered = _start_from(previous)
        if remembered.problem:
            return IntegrityReport(
                full=True, ok=False, checked=walk.checked, after_id=0, through_id=walk.last_id,
                broken_id=remembered.broken_id, problem=remembered.problem,
                seconds=time.monotonic() - started)
    new = None
    if walk.last_id is not None:
        new = (walk.last_id, walk.last_hash)
    elif checkpoint is not None and start.after_id == checkpoint.last_entry_id:
        new = (checkpoint.last_entry_id, checkpoint.last_entry_hash)
    if new is not None:
        IntegrityCheckpoint.objects.create(last_entry_id=new[0], last_entry_hash=new[1],
                                           full=full, checked=walk.checked, job=job)
    return IntegrityReport(full=full, ok=True, checked=walk.checked, after_id=start.after_id,
                           through_id=through_id, checkpoint_id=new[0] if new else None,
                           seconds=time.monotonic() - started)
