"""The app's Prometheus metrics, and the one-line hooks the middleware, gateway and audit call.

Counters and histograms live in prometheus_client's default registry; with
PROMETHEUS_MULTIPROC_DIR set (several gunicorn workers) prometheus_client keeps each process's
values in a file there and `exposition()` sums them. Values that are the same for every
process (breaker state, job counts) are read at scrape time by collectors.py instead.

Labels are bounded: view names, operation ids, outcomes and status classes, never a path
with values, a user or a query.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE_LATEST", "exposition"]

PREFIX = "collectdesk"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UPSTREAM = "aptic"

http_requests = Counter(
    f"{PREFIX}_http_requests", "Requests answered, per view, method and status class.",
    ["view", "method", "status"],
)
http_duration = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to answer a request, per view and status class.",
    ["view", "status"], buckets=LATENCY_BUCKETS,
)
upstream_calls = Counter(
    f"{PREFIX}_upstream_calls", "HTTP exchanges with Aptic, per operation and outcome "
    "(ok: the expected answer; refused: a 4xx; failed: 5xx, timeout, no connection).",
    ["upstream", "operation", "outcome"],
)
upstream_duration = Histogram(
    f"{PREFIX}_upstream_call_duration_seconds",
    "Duration of one HTTP exchange with Aptic, per operation and outcome.",
    ["upstream", "operation", "outcome"], buckets=LATENCY_BUCKETS,
)
upstream_retries = Counter(
    f"{PREFIX}_upstream_retries", "Attempts repeated after Unavailable or 429, per operation.",
    ["upstream", "operation", "reason"],
)
token_fetches = Counter(
    f"{PREFIX}_upstream_token_fetches", "Access tokens fetched from the token endpoint.",
    ["upstream", "outcome"],
)
breaker_transitions = Counter(
    f"{PREFIX}_breaker_transitions", "Circuit breaker state changes, per new state.",
    ["upstream", "state"],
)
audit_entries = Counter(
    f"{PREFIX}_audit_entries", "Audit entries written, per outcome.", ["outcome"],
)


def status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def upstream_outcome(status: int | str, expected: Iterable[int]) -> str:
    """ok for an expected answer, refused for another 4xx, failed for the rest."""
    if isinstance(status, int):
        if status in expected:
            return "ok"
        if 400 <= status < 500:
            return "refused"
    return "failed"


# -- hooks (one call each where the event happens) -------------------------------------------


def http_request(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    klass = status_class(status)
    http_requests.labels(view, method, klass).inc()
    http_duration.labels(view, klass).observe(seconds)


def upstream_call(*, operation: str, outcome: str, seconds: float) -> None:
    upstream_calls.labels(UPSTREAM, operation, outcome).inc()
    upstream_duration.labels(UPSTREAM, operation, outcome).observe(seconds)


def upstream_retry(*, operation: str, reason: str) -> None:
    upstream_retries.labels(UPSTREAM, operation or "unknown", reason).inc()


def token_fetch(*, outcome: str) -> None:
    token_fetches.labels(UPSTREAM, outcome).inc()


def breaker_transition(*, upstream: str, state: str) -> None:
    breaker_transitions.labels(upstream, state).inc()


def audit_entry(*, outcome: str) -> None:
    audit_entries.labels(outcome).inc()


# -- the scrape ------------------------------------------------------------------------------


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def exposition(extra: Iterable[Collector] = ()) -> bytes:
    """The text exposition: this process's metrics (or every worker's, summed, in
    multiprocess mode), then the `extra` collectors, each read once."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    scrape_time = CollectorRegistry()
    for collector in extra:
        scrape_time.register(collector)
    return body + generate_latest(scrape_time)
