"""Holds a signed-in user who still owes the second factor at its page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from backoffice.signin.two_factor import policy

# The pages a user may reach before the second factor; and what is never held.
_OPEN_NAMES = ("signin:two-factor-verify", "signin:two-factor-setup", "logout")
_OPEN_PREFIXES = ("/healthz", "/livez", "/readyz", "/metrics", "/sandbox/")


class SecondFactorMiddleware:
    """After django-otp's OTPMiddleware and the login requirement. A session that owes
    "verify" or "setup" (see `policy.step_owed`) reaches only those pages and sign-out; any
    other request is sent there (htmx requests through HX-Redirect)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def _open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = tuple(reverse(name) for name in _OPEN_NAMES)
        return self._open

    def __call__(self, request):
        path = request.path_info
        if (request.user.is_authenticated and not path.startswith(settings.STATIC_URL)
                and not path.startswith(_OPEN_PREFIXES) and path not in self._open_paths()):
            owed = policy.step_owed(request)
            if owed:
                target = reverse(f"signin:two-factor-{owed}")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)
