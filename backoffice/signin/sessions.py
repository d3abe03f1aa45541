"""The user's active sessions: one row per signed-in browser, for the profile and the admin."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def session_started(
    request: HttpRequest, user: Any, *, method: str, details: dict[str, Any] | None = None
) -> None:
    """Remembers the new session (to be filled in: the UserSession row)."""
