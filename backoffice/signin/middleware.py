"""Keeps each session's row current and notices a session that expired while away."""

from __future__ import annotations

from django.conf import settings

from backoffice.signin import services, sessions
from backoffice.signin.models import UserSession


class SessionActivityMiddleware:
    """After AuthenticationMiddleware. A signed-in request moves its row's "last seen" on (one
    write a minute at most). An anonymous request carrying the cookie of a session whose row is
    still open means Django's session expired: the row is closed and `auth.session-expired`
    recorded for that user, once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            sessions.session_seen(request)
        else:
            key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
            if key and len(key) <= 40:
                row = (UserSession.objects.open().select_related("user")
                       .filter(session_key=key).first())
                if row is not None and not sessions.session_alive(key):
                    services.session_expire(row, request=request)
        return self.get_response(request)
