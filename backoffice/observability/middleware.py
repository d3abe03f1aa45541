"""One log line and the request metrics for every request, named by its route, not its path.

Goes right after RequestIdMiddleware, so it sees the request id and times everything inside.
"""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest, HttpResponse

from backoffice.observability import metrics
from backoffice.observability.logs import user_id_of

log = logging.getLogger("backoffice.request")

UNMATCHED = "unmatched"


def route_name(request: HttpRequest) -> str:
    """The URL name with its namespaces ("debtors:search"), else the view's dotted path;
    "unmatched" for a path no URL pattern matched. Never the path itself (it may hold values)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = route_name(request)
        metrics.http_request(view=route, method=request.method or "", status=response.status_code,
                             seconds=seconds)
        fields = {
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000),
            "request_id": getattr(request, "request_id", ""),
            "user_id": user_id_of(getattr(request, "user", None)),
        }
        log.info(
            "request method=%(method)s route=%(route)s status=%(status)d "
            "duration_ms=%(duration_ms)d request_id=%(request_id)s user_id=%(user_id)s",
            fields, extra=fields,
        )
        return response
