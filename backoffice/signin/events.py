"""Sign-in events in the audit trail: every way in, every refusal, every way out.

All of them go through `audit_record`, so they sit in the same hash chain as the changes.
The entry names the attempted username in `target_id` (`target_type` "user"), the method in
the body, and never a password or a code. Outcomes: `ok`, or `denied` when our own checks said
no (a wrong password, a wrong code, a lock-out, a provider group that maps to no role).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.middleware import client_ip
from backoffice.signin import sessions

SIGNIN = "auth.signin"
SIGNIN_FAILED = "auth.signin-failed"
LOCKOUT = "auth.lockout"
SIGNOUT = "auth.signout"
SESSION_EXPIRED = "auth.session-expired"
SESSIONS_ENDED = "auth.sessions-ended"
MFA_ENROLLED = "auth.mfa-enrolled"
MFA_RESET = "auth.mfa-reset"
RECOVERY_CODES = "auth.recovery-codes"
ROLE_CHANGED = "auth.role-changed"

# How a session was opened: kept in the session under METHOD_KEY and recorded with each event.
# (Names of methods, not secrets: hence the noqa.)
PASSWORD = "password"  # noqa: S105
PASSWORD_TOTP = "password+totp"  # noqa: S105
PASSWORD_RECOVERY = "password+recovery-code"  # noqa: S105
SSO = "sso"
METHOD_KEY = "signin_method"


def record_event(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    outcome: str = AuditEntry.Outcome.OK,
    method: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends one sign-in event. `user` is the account concerned (None if unknown)."""
    body: dict[str, Any] = {"method": method} if method else {}
    body.update(details or {})
    if user is not None and not username:
        username = user.get_username()
    return audit_record(
        action=action,
        outcome=outcome,
        actor=user,
        target_type="user",
        target_id=username,
        body=body or None,
        reason=reason,
        client_ip=client_ip(request) if request is not None else "",
        user_agent=request.headers.get("User-Agent", "") if request is not None else "",
    )


def signin_completed(
    request: HttpRequest, user: Any, *, method: str, details: dict[str, Any] | None = None
) -> AuditEntry:
    """A user is fully signed in (after the second factor, if any): records `auth.signin`.

    Called by each way in once `django.contrib.auth.login` has run and nothing is pending.
    """
    request.session[METHOD_KEY] = method
    entry = record_event(SIGNIN, request=request, user=user, method=method, details=details)
    sessions.session_started(request, user, method=method, details=details)
    return entry


def signin_failed(
    request: HttpRequest | None,
    *,
    username: str,
    reason: str,
    method: str,
    user: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """A refused sign-in attempt: `reason` says why in plain words (never the secret)."""
    return record_event(
        SIGNIN_FAILED,
        request=request,
        user=user,
        username=username,
        outcome=AuditEntry.Outcome.DENIED,
        method=method,
        reason=reason,
        details=details,
    )
