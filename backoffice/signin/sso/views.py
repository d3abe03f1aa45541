"""Starting single sign-on, the provider's callback, and the refusal page."""

from __future__ import annotations

import requests
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from mozilla_django_oidc import views as oidc_views

from backoffice.signin import events
from backoffice.signin.sso import provider
from backoffice.signin.sso.backend import SsoRefused


class _StartView(oidc_views.OIDCAuthenticationRequestView):
    get_settings = staticmethod(provider.oidc_setting)


class _CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(provider.oidc_setting)

    def get(self, request: HttpRequest) -> HttpResponse:
        if "state" in request.GET and request.GET["state"] not in request.session.get(
                "oidc_states", {}):
            return _refused(request, "state did not match (sign-in not started here, or "
                                     "started too long ago)")
        try:
            return super().get(request)
        except SsoRefused as exc:
            return _refused(request, exc.reason, exc.details)
        except SuspiciousOperation as exc:
            return _refused(request, str(exc))

    def login_failure(self) -> HttpResponse:
        request = self.request
        refusal = getattr(request, "sso_refusal", None)
        if refusal is not None:
            return _refused(request, refusal.reason, refusal.details)
        error = request.GET.get("error")
        if error:
            return _refused(request, f"the provider answered {error}",
                            {"description": request.GET.get("error_description", "")[:300]})
        return _refused(request, "the provider's answer could not be used")

    def login_success(self) -> HttpResponse:
        response = super().login_success()  # django.contrib.auth.login
        claims = getattr(self.request, "sso_id_claims", {}) or {}
        events.signin_completed(self.request, self.user, method=events.SSO, details={
            "provider": provider.issuer(),
            "amr": claims.get("amr") or [],
            "acr": claims.get("acr") or "",
            "auth_time": claims.get("auth_time"),
        })
        return response


def _refused(request: HttpRequest, reason: str, details: dict | None = None) -> HttpResponse:
    details = dict(details or {})
    events.signin_failed(request, username=str(details.pop("username", "") or ""),
                         reason=reason, method=events.SSO,
                         details={"provider": provider.issuer(), **details})
    no_role = reason == "no group maps to a role"
    return render(request, "signin/sso/refused.html", {
        "no_role": no_role,
        "provider_name": _provider_name(),
    }, status=403 if no_role else 400)


def _provider_name() -> str:
    from django.conf import settings

    return settings.OIDC_PROVIDER_NAME or _("your organisation")


@never_cache
@login_not_required
def start(request: HttpRequest) -> HttpResponse:
    """Sends the browser to the provider (state, nonce and the PKCE challenge kept in the
    session); a provider that cannot be reached gets a page with a retry, not an error."""
    if not provider.enabled():
        return render(request, "signin/sso/unavailable.html", {"off": True}, status=404)
    try:
        provider.discovery()
    except provider.ProviderUnavailable:
        return render(request, "signin/sso/unavailable.html",
                      {"provider_name": _provider_name(), "retry": request.get_full_path()},
                      status=503)
    return _StartView.as_view()(request)


@never_cache
@login_not_required
def callback(request: HttpRequest) -> HttpResponse:
    if not provider.enabled():
        return render(request, "signin/sso/unavailable.html", {"off": True}, status=404)
    try:
        return _CallbackView.as_view()(request)
    except (provider.ProviderUnavailable, requests.RequestException):
        return render(request, "signin/sso/unavailable.html",
                      {"provider_name": _provider_name(), "retry": "/accounts/sso/start/"},
                      status=503)
