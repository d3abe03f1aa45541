"""Ending sessions, each audited: by the user elsewhere, by an admin, by expiry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from backoffice.signin import events, sessions
from backoffice.signin.models import UserSession


def sessions_end_others(*, request: HttpRequest) -> int:
    """"Sign out everywhere else": every session of the user but this browser's."""
    user = request.user
    ended = sessions.end_sessions(user, reason=UserSession.EndReason.ENDED_BY_USER,
                                  keep_key=request.session.session_key or "")
    events.record_event(events.SESSIONS_ENDED, request=request, user=user,
                        reason="signed out everywhere else",
                        details={"count": len(ended), "by": "user"})
    return len(ended)


def sessions_end_all(*, actor: Any, user: Any, request: HttpRequest | None,
                     reason: str = "ended by an admin") -> int:
    """An admin ends every session of `user` (someone leaving, a lost laptop)."""
    ended = sessions.end_sessions(user, reason=UserSession.EndReason.ENDED_BY_ADMIN)
    entry_user = actor if getattr(actor, "is_authenticated", False) else None
    events.record_event(events.SESSIONS_ENDED, request=request, user=entry_user,
                        username=user.get_username(), reason=reason,
                        details={"count": len(ended), "by": "admin"})
    return len(ended)


def session_expire(row: UserSession, *, request: HttpRequest | None = None) -> bool:
    """Closes a row whose Django session expired and records it (once, whoever sees it)."""
    if not sessions.close_row(row, UserSession.EndReason.EXPIRED):
        return False
    events.record_event(events.SESSION_EXPIRED, request=request, user=row.user,
                        method=row.method,
                        details={"started": row.created_at, "last_seen": row.last_seen_at})
    return True


def sessions_sweep() -> dict[str, int]:
    """Ends (and audits) the rows of expired sessions, then clears Django's expired sessions."""
    from django.core.management import call_command

    expired = sum(session_expire(row) for row in sessions.expired_rows())
    call_command("clearsessions")
    return {"expired": expired, "open": UserSession.objects.open().count()}
