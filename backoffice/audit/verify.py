"""Checking the hash chain: the first entry whose link or content no longer matches.

The first remaining entry may follow archived ones: its `prev_hash` must then equal the
`last_archived_hash` that an `audit.archive-checkpoint` entry recorded in its `after` (the
`audit_archive` command writes it); else it must be "" (nothing archived). Any checkpoint's
hash is accepted, and "" even after an archive: the command appends its checkpoint (itself a
chained, verified entry) before it deletes, so a crash or a reader between the two still sees
a chain that verifies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backoffice.audit.chain import compute_hash
from backoffice.audit.models import AuditEntry

CHECKPOINT_ACTION = "audit.archive-checkpoint"


def expected_first_prev_hash() -> str:
    checkpoint = (
        AuditEntry.objects.filter(action=CHECKPOINT_ACTION).order_by("-id")
        .values_list("after", flat=True).first()
    )
    if isinstance(checkpoint, dict):
        return str(checkpoint.get("last_archived_hash") or "")
    return ""


def accepted_first_prev_hashes() -> set[str]:
    """What the first remaining entry's prev_hash may be: "" or a checkpoint's hash."""
    accepted = {""}
    for after in AuditEntry.objects.filter(action=CHECKPOINT_ACTION).values_list(
        "after", flat=True
    ):
        if isinstance(after, dict) and after.get("last_archived_hash"):
            accepted.add(str(after["last_archived_hash"]))
    return accepted


@dataclass(frozen=True)
class ChainWalk:
    """What one walk found: the first broken entry (or None), how many entries verified, and
    the last one that did (the next incremental check starts after it)."""

    broken: AuditEntry | None
    checked: int
    last_id: int | None
    last_hash: str


def walk_chain(*, after_id: int = 0, accepted_prev: set[str] | None = None,
               chunk_size: int = 2000,
               on_progress: Callable[[int], None] | None = None) -> ChainWalk:
    """Checks the entries after `after_id`, oldest first, up to the first broken one.

    The first entry walked must link to one of `accepted_prev` (default: the chain's start,
    see `accepted_first_prev_hashes`); each later one to the entry before it. `on_progress`
    gets the running count after every `chunk_size` entries.
    """
    accepted = accepted_first_prev_hashes() if accepted_prev is None else set(accepted_prev)
    checked, last_id, last_hash = 0, None, ""
    entries = AuditEntry.objects.filter(id__gt=after_id).order_by("id")
    for entry in entries.iterator(chunk_size=chunk_size):
        if entry.prev_hash not in accepted or compute_hash(entry.prev_hash, entry) != (
            entry.entry_hash
        ):
            return ChainWalk(broken=entry, checked=checked, last_id=last_id, last_hash=last_hash)
        accepted = {entry.entry_hash}
        checked, last_id, last_hash = checked + 1, entry.pk, entry.entry_hash
        if on_progress is not None and checked % chunk_size == 0:
            on_progress(checked)
    return ChainWalk(broken=None, checked=checked, last_id=last_id, last_hash=last_hash)


def verify_chain(*, chunk_size: int = 2000) -> AuditEntry | None:
    """The first broken entry, or None when every entry links and hashes correctly."""
    return walk_chain(chunk_size=chunk_size).broken
