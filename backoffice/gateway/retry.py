"""Retries: GET, PUT and DELETE again after `Unavailable` or 429, within a time budget.

Waits are stamina's exponential backoff with jitter; a 429's `Retry-After` replaces the wait
when it fits in what is left of the budget (else the 429 is raised at once). A POST is never
repeated (it could create twice), and an open breaker is not waited out. Each repeated
attempt counts in `collectdesk_upstream_retries_total`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import stamina

from backoffice.gateway.errors import CircuitOpen, RateLimited, Unavailable
from backoffice.observability import metrics


@dataclass(frozen=True)
class RetryPolicy:
    budget: float = 8.0
    attempts: int = 3
    wait_initial: float = 0.2
    wait_max: float = 2.0
    wait_jitter: float = 0.3


def run_with_retries[T](call: Callable[[int], T], *, idempotent: bool,
                        policy: RetryPolicy) -> T:
    """`call(attempt_number)`, repeated per the policy when `idempotent`."""
    if not idempotent or policy.attempts <= 1 or policy.budget <= 0:
        return call(1)
    started = time.monotonic()
    last: list[Exception] = []

    def backoff(exc: Exception) -> bool | float:
        last[:] = [exc]
        remaining = policy.budget - (time.monotonic() - started)
        if isinstance(exc, CircuitOpen) or remaining <= 0:
            return False
        if isinstance(exc, RateLimited):
            if exc.retry_after is None:
                return True
            return exc.retry_after if exc.retry_after <= remaining else False
        return isinstance(exc, Unavailable)

    for attempt in stamina.retry_context(
        on=backoff,
        attempts=policy.attempts,
        timeout=policy.budget,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
        wait_jitter=policy.wait_jitter,
    ):
        with attempt:
            if attempt.num > 1 and last:
                _count_retry(last[0])
            return call(attempt.num)
    raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover


def _count_retry(cause: Exception) -> None:
    metrics.upstream_retry(
        operation=getattr(cause, "operation", "") or "",
        reason="rate-limited" if isinstance(cause, RateLimited) else "unavailable",
    )
