"""The one place that turns a gateway error into what the user sees.

Gateway errors carry data only (status, problem, field errors). Here, at the UI edge:

- a validation refusal puts each message on its form field (others above the form): 422;
- a conflict, a missing record or another refusal becomes one message above the form: 409;
- a fault (timeout, 5xx, refused connection, open breaker, 429, our credentials refused)
  becomes the banner with a retry path, the user's input kept: 503. For an htmx request the
  answer replaces only the global banner (`#banner`), so the page and every field stay as
  they were typed.

    try:
        services.address_update(actor=request.user, ...)
    except GatewayError as error:
        return upstream.respond(request, error, form=form,
                                render=lambda extra, status: render_panel(..., status=status))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from backoffice.gateway import (
    GatewayError,
    RateLimited,
    Refused,
    Unauthorized,
    ValidationFailed,
)
from backoffice.htmx import is_fragment

# One status per kind of answer, app-wide (htmx swaps these in: see base.html).
INVALID = 422
CONFLICT = 409
UNAVAILABLE = 503


@dataclass(frozen=True)
class Banner:
    message: str
    level: str = "error"  # error | warning | info
    retry_url: str = ""
    retry_after: float | None = None
    request_id: str = ""


@dataclass(frozen=True)
class Placed:
    """Where an error went: the status to answer, the banner (faults) or the message to show
    above the form or panel (refusals without a field)."""

    status: int
    banner: Banner | None = None
    message: str = ""


def is_fault(error: GatewayError) -> bool:
    """No verdict on the request itself: the user can only try again later."""
    return not isinstance(error, Refused) or isinstance(error, (RateLimited, Unauthorized))


def upstream_banner(error: GatewayError, *, retry_url: str = "") -> Banner:
    """The banner for an error that stopped a page or an action."""
    return Banner(
        message=str(error.user_message),
        level="warning" if isinstance(error, RateLimited) else "error",
        retry_url=retry_url,
        retry_after=error.retry_after if isinstance(error, RateLimited) else None,
        request_id=error.request_id,
    )


def refusal_message(error: GatewayError) -> str:
    """Aptic's own explanation when it gave one (e.g. which case is under which plan)."""
    detail = error.detail.strip()
    return f"{error.user_message} {detail}".strip() if detail else str(error.user_message)


def place(error: GatewayError, *, form: Any = None, field_map: Mapping[str, str] | None = None,
          retry_url: str = "") -> Placed:
    """Puts `error` where it belongs (see the module docstring) and says what to answer."""
    if is_fault(error):
        return Placed(UNAVAILABLE, banner=upstream_banner(error, retry_url=retry_url))
    if isinstance(error, ValidationFailed):
        if form is None:
            messages = [*error.non_field_errors, *(
                f"{name}: {text}" for name, texts in error.field_errors.items() for text in texts)]
            return Placed(INVALID, message=" ".join(messages) or str(error.user_message))
        put_field_errors(form, error, field_map or {})
        return Placed(INVALID)
    message = refusal_message(error)
    if form is not None:
        form.add_error(None, message)
    return Placed(CONFLICT, message=message)


def put_field_errors(form: Any, error: ValidationFailed, field_map: Mapping[str, str]) -> None:
    for name, messages in error.field_errors.items():
        target = field_map.get(name, name)
        for message in messages:
            if target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, f"{name}: {message}")
    for message in error.non_field_errors:
        form.add_error(None, message)


def upstream_banner_html(request: HttpRequest, context: Mapping[str, Any]) -> str:
    """The page's banner (`context["banner"]`) drawn on its own; empty when there is none."""
    banner = context.get("banner")
    if banner is None:
        return ""
    return render_to_string("partials/upstream_banner.html", {"banner": banner}, request=request)


def banner_fragment(request: HttpRequest, banner: Banner, error: GatewayError) -> HttpResponse:
    """For htmx: the banner alone, re-targeted at #banner (status 200, so htmx swaps it in
    whatever the target was); X-Upstream-Status names the error for scripts and tests."""
    response = HttpResponse(upstream_banner_html(request, {"banner": banner}))
    response["HX-Retarget"] = "#banner"
    response["HX-Reswap"] = "innerHTML"
    response["X-Upstream-Status"] = type(error).__name__
    return response


def respond(request: HttpRequest, error: GatewayError, *,
            render: Callable[[dict[str, Any], int], HttpResponse], form: Any = None,
            field_map: Mapping[str, str] | None = None, retry_url: str = "") -> HttpResponse:
    """The answer to a request an upstream error stopped. `render(extra_context, status)`
    draws the page or panel again; `extra_context` holds `banner` and `upstream_message`.
    A fault on an htmx request answers the banner fragment instead."""
    placed = place(error, form=form, field_map=field_map, retry_url=retry_url)
    if placed.banner is not None and is_fragment(request):
        return banner_fragment(request, placed.banner, error)
    return render({"banner": placed.banner, "upstream_message": placed.message}, placed.status)
