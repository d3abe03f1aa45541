"""Small helpers the plan views share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from backoffice.audit.services import audit_denied


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


def debtor_page_url(debtor_guid: str) -> str:
    """The debtor's 360 page when it exists, else this app's plans page for the debtor."""
    for name in ("debtors:detail", "debtors:debtor"):
        try:
            return reverse(name, args=[debtor_guid])
        except NoReverseMatch:
            continue
    return reverse("plans:debtor-plans", args=[debtor_guid])


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def deny(request: HttpRequest, *, action: str, reason: str, debtor_guid: str = "") -> None:
    """Audits a refusal by our own rules (four-eyes, proposer-only) as `denied`."""
    audit_denied(request=request, action=action, reason=reason, debtor_guid=debtor_guid)
