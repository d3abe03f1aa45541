"""Request id, the acting user, idle sessions and per-user language."""

import dataclasses
import re
import time
import uuid

from django.conf import settings
from django.utils import translation

from backoffice import request_context

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str:
    """The browser's address: REMOTE_ADDR, or the one our trusted proxies saw.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For is the
    one the outermost trusted proxy received the request from; entries further left were
    written by the client and are not trusted. Also used by django-axes for throttling.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    ]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


class RequestIdMiddleware:
    """Gives every request an id (the caller's X-Request-ID when well-formed) and publishes it.

    The id reaches the gateway's upstream calls and the audit entries through the request
    context, and goes back to the browser in the X-Request-ID header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = (
            incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        token = request_context.set_current(
            request_context.RequestContext(
                request_id=request.request_id,
                user=None,
                client_ip=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ActorMiddleware:
    """Puts the request's user into the request context, as the actor of gateway calls and
    audit entries. Goes after AuthenticationMiddleware (the user stays lazy until asked for).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set_current(
            dataclasses.replace(request_context.current(), user=request.user)
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class UserLanguageMiddleware:
    """Switches to the language in the signed-in user's profile, if they chose one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = ""
        if request.user.is_authenticated:
            profile = getattr(request.user, "profile", None)
            language = getattr(profile, "language", "") if profile else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response


class IdleSessionMiddleware:
    """Keeps a used session alive with at most one write per SESSION_REFRESH_SECONDS.

    A stored session ends SESSION_COOKIE_AGE after its last save. Saving it on every request
    (SESSION_SAVE_EVERY_REQUEST) would cost a database write per page; instead a session whose
    last refresh is older than SESSION_REFRESH_SECONDS is marked changed, and Django's session
    middleware (outside this one) saves it with a new expiry. An unused session therefore ends
    between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the
    last request.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # is_empty() is also true for a session this request never loaded, and for a cookie
        # whose session is gone: only a live session in use is kept alive.
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response
