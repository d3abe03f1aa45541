"""The daily promise check: judges the open promises whose promised date plus the grace period
has passed, by the debtor's total remaining today.

Rules, per open promise:
- With a baseline (`remaining_at_creation`) and `due_date + grace <= today`: judged with
  `promise_judge` (kept, partly kept, broken; a missed one sets its owner a follow-up).
- Without a baseline (made while Aptic could not be read): the baseline is filled in with
  today's total (`promise_baseline_set`), whether or not the promise is due yet, and the
  promise is judged at the next run, never in the run that filled it in. Judging it against a
  total read the same moment would always say "broken"; so a promise that comes due before
  its baseline could be read is judged by what is paid after the reading (a payment made
  before it is not seen: the total it is measured from already includes it).

Cost: every debtor's case summary is read at most once per run. Debtors are taken in keyset
batches of `DEBTOR_BATCH` (ordered by GUID, never all at once), their summaries read side by
side through the gateway's fan-out (`balances_gather`), then their promises walked with
`.iterator()`. A debtor whose summary cannot be read (a fault, a 404, no total) is skipped and
reported; its promises stay open, so the next run tries again. A failure on one promise is
logged and counted; the run goes on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from work.models import Promise
from work.selectors import balances_gather
from work.services import promise_baseline_set, promise_judge

log = logging.getLogger("work.promise_check")

DEBTOR_BATCH = 200


@dataclass
class CheckReport:
    """What one run did; `unreadable` maps a debtor GUID to why its summary was not read."""

    today: date
    grace_days: int
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0
    baselines: int = 0
    summary_calls: int = 0
    unreadable: dict[str, str] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    @property
    def judged(self) -> int:
        return self.kept + self.partly_kept + self.broken

    @property
    def ok(self) -> bool:
        """False only on a real failure (a promise that could not be saved); a debtor that
        could not be read is retried at the next run and is not one."""
        return self.errors == 0

    def count(self, status: str) -> None:
        if status == Promise.Status.KEPT:
            self.kept += 1
        elif status == Promise.Status.PARTLY_KEPT:
            self.partly_kept += 1
        else:
            self.broken += 1


def promises_pending(*, today: date, grace_days: int):
    """Open promises this run has work for: judging (due with grace) or a baseline to read."""
    cutoff = today - timedelta(days=grace_days)
    return Promise.objects.filter(
        Q(remaining_at_creation__isnull=True) | Q(due_date__lte=cutoff),
        status=Promise.Status.OPEN,
    )


def _debtor_batches(pending, size: int):
    """The distinct debtor GUIDs of `pending`, in keyset batches of `size`."""
    last = ""
    while True:
        batch = list(
            pending.filter(debtor_guid__gt=last).order_by("debtor_guid")
            .values_list("debtor_guid", flat=True).distinct()[:size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


def _unreadable_reason(part) -> str:
    error = part.error
    status = getattr(error, "status", None)
    text = getattr(error, "user_message", None) or str(error) or type(error).__name__
    return f"{status}: {text}" if status else text


def promises_check(*, today: date | None = None, grace_days: int | None = None,
                   debtor_batch: int = DEBTOR_BATCH) -> CheckReport:
    """Runs the check once (the management command `promises_check` calls this)."""
    started = time.monotonic()
    today = today or timezone.localdate()
    grace_days = settings.PROMISE_GRACE_DAYS if grace_days is None else grace_days
    report = CheckReport(today=today, grace_days=grace_days)
    cutoff = today - timedelta(days=grace_days)
    pending = promises_pending(today=today, grace_days=grace_days)
    for guids in _debtor_batches(pending, debtor_batch):
        parts = balances_gather(debtor_guids=guids)
        totals: dict[str, Decimal] = {}
        report.summary_calls += len(guids)
        for guid in guids:
            part = parts[guid]
            if not part.ok:
                report.unreadable[guid] = _unreadable_reason(part)
            elif part.result.remaining_sum is None:
                report.unreadable[guid] = "the summary has no total remaining"
            else:
                totals[guid] = part.result.remaining_sum
        promises = (pending.filter(debtor_guid__in=list(totals))
                    .select_related("owner").order_by("debtor_guid", "id"))
        for promise in promises.iterator(chunk_size=500):
            _promise_step(promise, totals[promise.debtor_guid], cutoff=cutoff, report=report)
    report.seconds = time.monotonic() - started
    return report


def _promise_step(promise: Promise, remaining: Decimal, *, cutoff: date,
                  report: CheckReport) -> None:
    try:
        if promise.remaining_at_creation is None:
            promise_baseline_set(promise=promise, remaining=remaining)
            report.baselines += 1
        elif promise.due_date <= cutoff:
            report.count(promise_judge(promise=promise, remaining_now=remaining).status)
    except Exception:
        log.exception("promise %s could not be checked", promise.pk)
        report.errors += 1
