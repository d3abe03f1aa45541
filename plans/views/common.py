"""Small helpers the plan views share."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme


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
