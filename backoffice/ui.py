"""How every page shows an upstream fault: one banner, a retry path, the user's input kept.

Views catch `Unavailable`/`RateLimited` (and other `GatewayError`s they cannot place on a form)
and either put `upstream_banner(error)` into the page context (full pages re-render with the
form as the user filled it), or, for htmx requests, answer `upstream_error_fragment(...)`,
which replaces only the global banner (`#banner`) and leaves the rest of the page, and so every
form field, untouched.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from backoffice.gateway import GatewayError, RateLimited, Unavailable


@dataclass(frozen=True)
class Banner:
    message: str
    level: str = "error"  # error | warning | info
    retry_url: str = ""
    retry_after: float | None = None
    request_id: str = ""


def upstream_banner(error: GatewayError, *, retry_url: str = "") -> Banner:
    """The banner for an error that stopped a page or an action."""
    if isinstance(error, RateLimited):
        return Banner(
            message=str(error.user_message),
            level="warning",
            retry_url=retry_url,
            retry_after=error.retry_after,
            request_id=error.request_id,
        )
    if isinstance(error, Unavailable):
        return Banner(
            message=str(error.user_message),
            retry_url=retry_url,
            request_id=error.request_id,
        )
    return Banner(message=str(error.user_message), retry_url=retry_url, request_id=error.request_id)


def upstream_error_fragment(
    request: HttpRequest, error: GatewayError, *, retry_url: str = ""
) -> HttpResponse:
    """For htmx requests: re-target the answer at #banner so the page and its form stay as typed.

    Status 200 with HX-Retarget/HX-Reswap, so htmx swaps the banner in; the X-Upstream-Status
    header lets tests and scripts see what happened.
    """
    banner = upstream_banner(error, retry_url=retry_url)
    html = render_to_string("partials/upstream_banner.html", {"banner": banner}, request=request)
    response = HttpResponse(html)
    response["HX-Retarget"] = "#banner"
    response["HX-Reswap"] = "innerHTML"
    response["X-Upstream-Status"] = type(error).__name__
    return response


def offline_message() -> str:
    return _("The collection system is not answering right now. Try again shortly.")
