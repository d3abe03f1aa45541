"""The user's sessions: one `UserSession` row per signed-in browser.

A row is opened by `session_started` (from `events.signin_completed`) and closed on sign-out,
when the user or an admin ends it, or when Django's session has expired: noticed by the
middleware when that browser comes back, and by the sweep (`sessions_sweep`, a daily job).
Each ending is audited.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest
from django.utils import timezone

from backoffice.middleware import client_ip
from backoffice.signin.models import UserSession

# `last_seen_at` is written at most this often per session.
SEEN_EVERY = timedelta(minutes=1)
_SEEN_KEY = "_seen_at"


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_started(
    request: HttpRequest, user: Any, *, method: str, details: dict[str, Any] | None = None
) -> UserSession:
    """Opens the row of the session `login()` has just given this browser."""
    session = request.session
    if not session.session_key:
        session.save()
    details = details or {}
    amr = details.get("amr") or ""
    now = timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "method": method,
            "amr": " ".join(amr) if isinstance(amr, list | tuple) else str(amr),
            "acr": str(details.get("acr") or "")[:200],
            "client_ip": client_ip(request)[:45],
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "last_seen_at": now,
            "ended_at": None,
            "end_reason": "",
        },
    )
    session[_SEEN_KEY] = int(now.timestamp())
    return row


def session_seen(request: HttpRequest) -> None:
    """Moves the row's `last_seen_at` on, at most once per SEEN_EVERY."""
    session = request.session
    now = timezone.now()
    if now.timestamp() - session.get(_SEEN_KEY, 0) < SEEN_EVERY.total_seconds():
        return
    session[_SEEN_KEY] = int(now.timestamp())
    if session.session_key:
        UserSession.objects.filter(session_key=session.session_key, ended_at__isnull=True
                                   ).update(last_seen_at=now)


def session_alive(session_key: str) -> bool:
    """Whether Django still holds a signed-in, unexpired session under this key."""
    return "_auth_user_id" in _store(session_key).load()


def close_row(row: UserSession, reason: str) -> bool:
    """Marks one row ended; False if another request or process ended it first."""
    return bool(UserSession.objects.filter(pk=row.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), end_reason=reason))


def end_sessions(user: Any, *, reason: str, keep_key: str = "") -> list[UserSession]:
    """Ends every open session of `user` but `keep_key`'s: Django's sessions are deleted (the
    browsers are signed out at their next request) and the rows closed. Returns those ended."""
    rows = list(UserSession.objects.open().filter(user=user).exclude(session_key=keep_key))
    ended = []
    for row in rows:
        _store().delete(row.session_key)
        if close_row(row, reason):
            ended.append(row)
    # Sessions opened before rows were kept (or by a test's force_login) are ended too.
    for key in _unrecorded_session_keys(user, exclude=keep_key):
        _store().delete(key)
    return ended


def _unrecorded_session_keys(user: Any, *, exclude: str) -> list[str]:
    """Database-backed session keys of `user` that have no row (only the database engine can
    be searched by user; other engines rely on the rows)."""
    if not isinstance(_store(), DatabaseSessionStore):
        return []
    from django.contrib.sessions.models import Session

    known = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key in known or session.session_key == exclude:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


def open_sessions(user: Any) -> list[UserSession]:
    return list(UserSession.objects.open().filter(user=user).order_by("-last_seen_at"))


def expired_rows(limit: int = 10_000) -> list[UserSession]:
    """Open rows whose Django session is gone or expired."""
    return [row for row in UserSession.objects.open().select_related("user")[:limit]
            if not session_alive(row.session_key)]
