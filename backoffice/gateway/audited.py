"""The one mechanism around every mutating gateway call: read before, call, record.

    before = read_before()                         # update/delete/activate: a fresh GET
    if expected_fingerprint and fingerprint(before) != expected_fingerprint: StaleRecord
    body = build(before)                           # an update's PUT body: `before` + changes
    result = call(body)                            # the POST/PUT/DELETE
    after = read_after(result)                     # created record, or a re-read
    audit_record(actor, outcome=ok | refused | failed, ...)   # even when anything above raised

The record read as "before" is the one the PUT body is built from, so an update costs
GET + PUT + GET, and the entry shows exactly what was sent.

Outcomes: `ok` for a 2xx; `refused` for a 4xx (upstream status and problem recorded) and for
our own `StaleRecord` check (reason "stale", nothing was sent); `failed` for `Unavailable`
(timeouts, refused connections, 5xx, malformed answers, open breaker), for a 429 (Aptic too
busy to look at the change: a fault, not a verdict on it; status 429 recorded) and for
unexpected errors, with the error's class. A `failed` POST may or may not have reached Aptic:
the entry says so by its class (e.g. `UpstreamTimeout`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from backoffice import request_context
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.gateway.errors import GatewayError, RateLimited, Refused, StaleRecord
from backoffice.gateway.fingerprint import fingerprint, snapshot

log = logging.getLogger("backoffice.gateway")


@dataclass(frozen=True)
class Change:
    """What is attempted, by whom. `body` is what is sent (for an update built from the
    record read before, the requested changes until then). `actor` None: the request's user."""

    action: str
    debtor_guid: str = ""
    target_type: str = ""
    target_id: str = ""
    body: Any = None
    actor: Any = None


def perform[R](
    change: Change,
    call: Callable[[Any], R],
    *,
    read_before: Callable[[], Any] | None = None,
    expected_fingerprint: str | None = None,
    build: Callable[[Any], Any] | None = None,
    read_after: Callable[[R], Any] | None = None,
    identify: Callable[[R], tuple[str, str]] | None = None,
) -> R:
    """Runs `call(body)` as an audited change; `body` is `build(before)` when given, else
    `change.body`. `identify(result)` gives (debtor_guid, target_id) for a create, whose ids
    exist only afterwards."""
    ctx = request_context.current()
    token = request_context.set_current(ctx)  # one request id for the calls and the entry
    try:
        return _perform(change, call, read_before, expected_fingerprint, build, read_after,
                        identify)
    finally:
        request_context.reset(token)


def _perform(change, call, read_before, expected_fingerprint, build, read_after, identify):
    before = None
    try:
        if read_before is not None:
            before = read_before()
            if expected_fingerprint is not None:
                current = fingerprint(before)
                if current != expected_fingerprint:
                    raise StaleRecord(current=before, current_fingerprint=current,
                                      operation=change.action)
        if build is not None:
            change = replace(change, body=build(before))
        result = call(change.body)
    except Exception as exc:
        _record_failure(change, before, exc)
        raise
    after = None
    if read_after is not None:
        try:
            after = read_after(result)
        except GatewayError as exc:  # the change happened; only the after-image is missing
            log.warning("audit after-read failed action=%s error=%s", change.action,
                        type(exc).__name__)
    debtor_guid, target_id = change.debtor_guid, change.target_id
    if identify is not None:
        debtor_guid, target_id = identify(result)
    _record(change, outcome=AuditEntry.Outcome.OK, before=before, after=after,
            debtor_guid=debtor_guid, target_id=target_id)
    return result


@contextmanager
def reads_for_change(change: Change) -> Iterator[None]:
    """Around the reads a service makes before it attempts a change (what a form needs to be
    validated): when one fails, the attempted change is recorded with that failure, as
    `perform` records a failing read-before, and the error goes on. Reads that succeed record
    nothing: the change's own call does."""
    try:
        yield
    except GatewayError as exc:
        _record_failure(change, None, exc)
        raise


def _record_failure(change: Change, before: Any, exc: Exception) -> None:
    if isinstance(exc, StaleRecord):
        kwargs = {"outcome": AuditEntry.Outcome.REFUSED, "reason": "stale",
                  "error_class": type(exc).__name__}
    elif isinstance(exc, Refused) and not isinstance(exc, RateLimited):
        kwargs = {"outcome": AuditEntry.Outcome.REFUSED, "upstream_status": exc.status,
                  "problem": exc.problem, "error_class": type(exc).__name__}
    elif isinstance(exc, GatewayError):
        kwargs = {"outcome": AuditEntry.Outcome.FAILED, "upstream_status": exc.status,
                  "problem": exc.problem, "error_class": type(exc).__name__}
    else:
        kwargs = {"outcome": AuditEntry.Outcome.FAILED, "error_class": type(exc).__name__,
                  "reason": "unexpected error"}
    try:
        _record(change, before=before, **kwargs)
    except Exception:
        log.exception("audit entry could not be written action=%s outcome=%s",
                      change.action, kwargs["outcome"])


def _record(change: Change, *, outcome: str, before: Any = None, after: Any = None,
            debtor_guid: str | None = None, target_id: str | None = None, **extra: Any) -> None:
    if change.actor is not None:
        extra["actor"] = change.actor
    audit_record(
        action=change.action,
        outcome=outcome,
        debtor_guid=change.debtor_guid if debtor_guid is None else debtor_guid,
        target_type=change.target_type,
        target_id=change.target_id if target_id is None else target_id,
        body=None if change.body is None else snapshot(change.body),
        before=None if before is None else snapshot(before),
        after=None if after is None else snapshot(after),
        **extra,
    )
