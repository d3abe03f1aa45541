"""Claiming a record for a decision, so the calls to Aptic run outside any transaction.

A decision on a proposal (approve, activate directly, reject) or a run of a reschedule first
claims its row with one conditional UPDATE: the row is in a state the decision starts from
and nobody else claimed it within CLAIM_TTL. The calls to Aptic then run with no transaction
open (on SQLite a transaction would hold the database's write lock for the whole call), and
the outcome is saved before the claim is released. Anyone else meanwhile is told that the
record is being decided. A claim left behind by a worker that died during a call lapses after
CLAIM_TTL. The rows have `claimed_by` (a user) and `claimed_at`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

# Longer than the gateway's slowest call with its retries, so a live claim does not lapse.
CLAIM_TTL = timedelta(minutes=2)


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TTL)


def claim(rows: QuerySet, *, actor: Any) -> datetime | None:
    """Claims the row `rows` selects (narrowed to the states the decision starts from) for
    `actor`: the claim's time (its token), or None when no such row is free."""
    now = timezone.now()
    taken = rows.filter(_unclaimed(now)).update(claimed_by=actor, claimed_at=now)
    return now if taken else None


def release(rows: QuerySet, token: datetime) -> None:
    """Ends the claim taken at `token` (not a later one someone took after it lapsed)."""
    rows.filter(claimed_at=token).update(claimed_by=None, claimed_at=None)


def is_live(claimed_at: datetime | None) -> bool:
    """A claim taken at `claimed_at` still holds."""
    return claimed_at is not None and claimed_at >= timezone.now() - CLAIM_TTL

