"""The "busy, try again" answer when the database stays locked past its busy timeout.

SQLite has one writer at a time; a write waits up to the busy timeout (OPTIONS["timeout"],
backoffice/env.py) for the lock and then fails with `OperationalError: database is locked`.
That error, and only that one, is answered with 503 and a Retry-After instead of a 500:

- an htmx request gets the banner fragment, re-targeted at `#banner` (the page and every
  field stay as they were typed);
- any other request gets a page saying so; for a POST it holds the posted fields (not the
  passwords) in a form that sends them again to the same address, with a way back.

`DatabaseBusyMiddleware` answers for errors raised in views; `errors.server_error` (the
500 handler) for the rest, e.g. a session saved after the view.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from backoffice.upstream import UNAVAILABLE, Banner

log = logging.getLogger("backoffice.busy")

RETRY_AFTER_SECONDS = 2
_LOCKED = ("database is locked", "database table is locked")
_NOT_KEPT = ("csrfmiddlewaretoken",)


def is_database_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked" (the busy timeout ran out); no other error."""
    return isinstance(error, OperationalError) and str(error).lower().startswith(_LOCKED)


def _wants_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    if htmx is not None:
        return bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true" and (
        headers.get("HX-History-Restore-Request") != "true")


def kept_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted fields to send again: all but the CSRF token and passwords."""
    if request.method != "POST":
        return []
    return [(name, value) for name, values in request.POST.lists() for value in values
            if name not in _NOT_KEPT and "password" not in name.lower()]


def busy_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the banner fragment for htmx, else the busy page."""
    banner = Banner(
        message=_("The database is busy with other changes, so this one was not saved."),
        level="warning", retry_after=RETRY_AFTER_SECONDS,
        request_id=getattr(request, "request_id", ""))
    if _wants_fragment(request):
        html = render_to_string("partials/upstream_banner.html", {"banner": banner},
                                request=request)
        response = HttpResponse(html, status=UNAVAILABLE)
        response["HX-Retarget"] = "#banner"
        response["HX-Reswap"] = "innerHTML"
    else:
        fields = kept_fields(request)
        response = render(request, "errors/busy.html", {
            "banner": banner, "kept_fields": fields, "resubmit": request.method == "POST",
            "dropped_password": request.method == "POST" and any(
                "password" in name.lower() for name in request.POST),
            "action": request.get_full_path(),
        }, status=UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["X-Database-Busy"] = "1"
    return response


class DatabaseBusyMiddleware:
    """Answers a view's "database is locked" with the busy page; every other error goes on
    to Django's handling (a 500) as before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        log.warning("database busy: %s %s answered 503", request.method, request.path)
        return busy_response(request)
