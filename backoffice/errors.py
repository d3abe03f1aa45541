"""Error pages that keep the layout and speak the user's language."""

import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backoffice.busy import busy_response, is_database_busy


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, except for "database is locked" raised outside a view (e.g. the session saved
    after it): that is the busy page, 503 (backoffice/busy.py)."""
    if is_database_busy(sys.exc_info()[1]):
        return busy_response(request)
    return render(request, "errors/500.html", status=500)
