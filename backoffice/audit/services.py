"""The one way entries are written: `audit_record`, and two shorthands built on it.

The gateway calls `audit_record` around every mutating call (see backoffice/gateway/
audited.py); the role guard calls `audit_denied`; the debtor page calls `audit_pii_reveal`.
Who, request id, client IP and user agent default to the current request context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from backoffice import request_context
from backoffice.audit import chain
from backoffice.audit.canonical import jsonable
from backoffice.audit.models import AuditEntry
from backoffice.observability import metrics
from backoffice.roles import user_role

_FROM_CONTEXT: Any = object()

# A key containing any of these (case-insensitive) has its value replaced in recorded bodies.
SECRET_KEY_PARTS = ("password", "secret", "token", "authorization", "apikey", "api_key",
                    "credential", "cookie")
REDACTED = "[redacted]"
OUTCOMES = frozenset(AuditEntry.Outcome.values)


def scrub(value: Any) -> Any:
    """JSON values with secrets redacted and NUL characters removed (PostgreSQL refuses them)."""
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if any(p in str(k).lower() for p in SECRET_KEY_PARTS) else scrub(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def _json(value: Any) -> Any:
    return None if value is None else scrub(jsonable(value))


def _user(actor: Any) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor if getattr(actor, "pk", None) is not None else None


def audit_record(
    *,
    action: str,
    outcome: str,
    actor: Any = _FROM_CONTEXT,
    role: str | None = _FROM_CONTEXT,
    debtor_guid: str = "",
    target_type: str = "",
    target_id: str = "",
    body: Any = None,
    before: Any = None,
    after: Any = None,
    upstream_status: int | None = None,
    problem: Any = None,
    error_class: str = "",
    reason: str = "",
    request_id: str = _FROM_CONTEXT,
    client_ip: str = _FROM_CONTEXT,
    user_agent: str = _FROM_CONTEXT,
) -> AuditEntry:
    """Appends one entry to the audit chain and returns it.

    `body`, `before`, `after` and `problem` may be typed values (dataclasses, Decimal, dates);
    they are stored as plain JSON (Decimal as an exact string) with secrets redacted.
    """
    if not action:
        raise ValueError("An audit entry needs an action.")
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")
    ctx = request_context.current()
    user = _user(ctx.user if actor is _FROM_CONTEXT else actor)
    if role is _FROM_CONTEXT:
        role = user_role(user) if user is not None else ""
    entry = AuditEntry(
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        role=role or "",
        action=action,
        outcome=outcome,
        debtor_guid=str(debtor_guid or ""),
        target_type=target_type,
        target_id=str(target_id or "")[:200],
        request_body=_json(body),
        before=_json(before),
        after=_json(after),
        upstream_status=upstream_status,
        problem=_json(problem) or None,
        error_class=error_class,
        reason=scrub(reason or ""),
        request_id=(ctx.request_id if request_id is _FROM_CONTEXT else request_id or "")[:64],
        client_ip=(ctx.client_ip if client_ip is _FROM_CONTEXT else client_ip or "")[:45],
        user_agent=scrub(ctx.user_agent if user_agent is _FROM_CONTEXT else user_agent or "")[
            :300
        ],
    )
    entry = chain.append(entry)
    metrics.audit_entry(outcome=outcome)
    return entry


def audit_denied(*, request: HttpRequest, action: str, reason: str,
                 debtor_guid: str = "") -> AuditEntry:
    """A change our own checks refused (missing permission, four-eyes rule ...)."""
    ctx = request_context.current()
    return audit_record(
        action=action,
        outcome=AuditEntry.Outcome.DENIED,
        actor=getattr(request, "user", None),
        debtor_guid=debtor_guid,
        reason=reason,
        request_id=getattr(request, "request_id", "") or ctx.request_id,
        client_ip=ctx.client_ip or request.META.get("REMOTE_ADDR", ""),
        user_agent=ctx.user_agent or request.headers.get("User-Agent", ""),
    )


def audit_pii_reveal(*, debtor_guid: str, field: str, reason: str) -> AuditEntry:
    """A user unmasked personal data (e.g. an ID number) of a debtor, giving a reason."""
    return audit_record(
        action="pii.reveal",
        outcome=AuditEntry.Outcome.OK,
        debtor_guid=debtor_guid,
        target_type="debtor",
        target_id=field,
        reason=reason,
    )
