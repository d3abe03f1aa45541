"""Claiming a proposal for a decision, so the call to Aptic runs outside any transaction.

A decision (approve, activate directly, reject) first claims the record with one conditional
UPDATE: the proposal is open and nobody else claimed it within CLAIM_TTL. The call to Aptic
then runs with no transaction open (on SQLite, a transaction would hold the database's write
lock for the whole call), and the outcome is saved before the claim is released. A second
decider meanwhile is told that the proposal is being decided. A claim left behind by a worker
that died during the call lapses after CLAIM_TTL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from plans.models import PlanProposal

# Longer than the gateway's slowest call with its retries, so a live claim does not lapse.
CLAIM_TTL = timedelta(minutes=2)


def _unclaimed(now: datetime) -> Q:
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TTL)


def claim(proposal: PlanProposal, *, actor: Any) -> datetime | None:
    """Claims the open proposal for `actor`; the claim's time (its token), or None when the
    proposal is closed or someone else is deciding it."""
    now = timezone.now()
    taken = (PlanProposal.objects.open().filter(_unclaimed(now), pk=proposal.pk)
             .update(claimed_by=actor, claimed_at=now))
    return now if taken else None


def release(proposal: PlanProposal, token: datetime) -> None:
    """Ends the claim taken at `token` (not a later one someone took after it lapsed)."""
    PlanProposal.objects.filter(pk=proposal.pk, claimed_at=token).update(
        claimed_by=None, claimed_at=None)


def claimed_by_someone(proposal: PlanProposal) -> bool:
    """Someone is deciding the proposal right now (a live claim)."""
    return PlanProposal.objects.filter(pk=proposal.pk).exclude(
        _unclaimed(timezone.now())).exists()
