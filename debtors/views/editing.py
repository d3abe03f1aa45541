"""What the editor views share: htmx or full page, where a debtor's page is, fault answers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from backoffice.gateway import GatewayError
from backoffice.ui import upstream_banner, upstream_error_fragment

# Statuses app.js lets htmx swap in: a form with errors, a conflict, an upstream fault.
INVALID = 422
CONFLICT = 409
UNAVAILABLE = 503


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def debtor_url(debtor_guid: str, anchor: str = "") -> str:
    """The debtor's 360 page, at one of its panels when `anchor` names it."""
    url = reverse("debtors:detail", args=[debtor_guid])
    return f"{url}#{anchor}" if anchor else url


def render_panel(request: HttpRequest, partial: str, context: dict[str, Any], *,
                 title: str, status: int = 200) -> HttpResponse:
    """The panel alone for htmx; for a browser without JavaScript, a page holding the panel
    (the same markup, so each control works both ways)."""
    if is_htmx(request):
        response = render(request, partial, context, status=status)
    else:
        response = render(request, "debtors/panel_page.html",
                          {**context, "panel_template": partial, "page_title": title,
                           "back_url": debtor_url(context["debtor_guid"])}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def upstream_failure(request: HttpRequest, error: GatewayError, partial: str,
                     context: dict[str, Any], *, title: str) -> HttpResponse:
    """An upstream fault during a panel action: htmx gets the global banner only (the panel
    and the user's input stay as they are); a full page re-renders with the banner."""
    if is_htmx(request):
        response = upstream_error_fragment(request, error)
        patch_vary_headers(response, ["HX-Request"])
        return response
    return render_panel(request, partial, {**context, "banner": upstream_banner(error)},
                        title=title, status=UNAVAILABLE)
