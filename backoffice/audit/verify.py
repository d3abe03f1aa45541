"""Checking the hash chain: the first entry whose link or content no longer matches.

The first remaining entry may follow archived ones: its `prev_hash` must then equal the
`last_archived_hash` that an `audit.archive-checkpoint` entry recorded in its `after` (the
`audit_archive` command writes it); else it must be "" (nothing archived). Any checkpoint's
hash is accepted, and "" even after an archive: the command appends its checkpoint (itself a
chained, verified entry) before it deletes, so a crash or a reader between the two still sees
a chain that verifies.
"""

from __future__ import annotations

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


def verify_chain(*, chunk_size: int = 2000) -> AuditEntry | None:
    """The first broken entry, or None when every entry links and hashes correctly."""
    accepted_prev = accepted_first_prev_hashes()
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if entry.prev_hash not in accepted_prev or compute_hash(entry.prev_hash, entry) != (
            entry.entry_hash
        ):
            return entry
        accepted_prev = {entry.entry_hash}
    return None
