"""A circuit breaker whose state lives in Django's cache, so every worker process agrees.

Closed: calls pass; consecutive `Unavailable` failures are counted (any answer from Aptic,
even a 4xx, proves it is up and resets the count). At `fail_max` it opens: calls fail at
once with `CircuitOpen`. After `reset_seconds` one call (one across all processes, claimed
with `cache.add`) goes through as a probe; its success closes the breaker, its failure opens
it again.

Why not pybreaker's `CircuitBreaker`: its `call()` holds a process-wide lock for the whole
guarded call, which would serialise every upstream request of a worker. The states and
rules here are the same.

Each change of state counts in `collectdesk_breaker_transitions_total`; the state itself is
read from the cache at scrape time (backoffice/observability/collectors.py).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache

from backoffice.gateway.errors import CircuitOpen
from backoffice.observability import metrics

FAILURE_WINDOW_SECONDS = 600


@dataclass(frozen=True)
class Ticket:
    """One admitted call: whether it is the half-open probe, and the failures seen before."""

    probe: bool
    failures: int


class Breaker:
    def __init__(self, *, name: str, fail_max: int, reset_seconds: float,
                 probe_seconds: float = 30.0, upstream: str = metrics.UPSTREAM):
        self.upstream = upstream  # the metrics label
        ident = hashlib.sha256(name.encode()).hexdigest()[:16]
        self.state_key = f"aptic:breaker:{ident}:opened-at"
        self.failures_key = f"aptic:breaker:{ident}:failures"
        self.probe_key = f"aptic:breaker:{ident}:probe"
        self.fail_max = max(1, fail_max)
        self.reset_seconds = reset_seconds
        self.probe_seconds = probe_seconds

    @property
    def state(self) -> str:
        """"closed", "open" or "half-open" (reset time passed, waiting for a probe)."""
        opened_at = cache.get(self.state_key)
        if opened_at is None:
            return "closed"
        return "open" if time.time() < opened_at + self.reset_seconds else "half-open"

    @property
    def read_keys(self) -> tuple[str, str]:
        """The cache keys `before_call` reads (a caller may read them with its own)."""
        return (self.state_key, self.failures_key)

    def before_call(self, operation: str = "", *, values: dict | None = None) -> Ticket:
        """Admits a call or raises `CircuitOpen`. `values`: the `read_keys` as just read from
        the cache by the caller (one round trip for the breaker and the token), else read here."""
        if values is None:
            values = cache.get_many(list(self.read_keys))
        opened_at = values.get(self.state_key)
        failures = int(values.get(self.failures_key) or 0)
        if opened_at is None:
            return Ticket(probe=False, failures=failures)
        if time.time() >= opened_at + self.reset_seconds and cache.add(
            self.probe_key, 1, timeout=int(self.probe_seconds)
        ):
            metrics.breaker_transition(upstream=self.upstream, state="half-open")
            return Ticket(probe=True, failures=failures)
        raise CircuitOpen("Aptic failed repeatedly; calls are paused for a moment.",
                          operation=operation)

    def success(self, ticket: Ticket) -> None:
        if ticket.probe:
            cache.delete_many([self.state_key, self.probe_key, self.failures_key])
            metrics.breaker_transition(upstream=self.upstream, state="closed")
        elif ticket.failures:
            cache.delete(self.failures_key)

    def failure(self, ticket: Ticket) -> None:
        if ticket.probe:
            self._open()
            return
        cache.add(self.failures_key, 0, timeout=FAILURE_WINDOW_SECONDS)
        try:
            failures = cache.incr(self.failures_key)
        except ValueError:  # expired between add and incr
            cache.set(self.failures_key, 1, timeout=FAILURE_WINDOW_SECONDS)
            failures = 1
        if failures >= self.fail_max:
            self._open()

    def _open(self) -> None:
        cache.set(self.state_key, time.time(), timeout=None)
        cache.delete_many([self.probe_key, self.failures_key])
        metrics.breaker_transition(upstream=self.upstream, state="open")

    def reset(self) -> None:
        cache.delete_many([self.state_key, self.probe_key, self.failures_key])
