"""Sign-in pages around django.contrib.auth: sign-out with a notice, the throttling answer."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from backoffice.middleware import client_ip
from backoffice.signin import events
from backoffice.signin.sso import provider


class SignOutView(auth_views.LogoutView):
    """Django's POST-only sign-out, leaving a notice for the sign-in page. A session opened by
    single sign-on also ends at the provider (RP-initiated logout), which sends the browser
    back to the sign-in page."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        at_provider = _provider_logout_url(request) if was_signed_in else ""
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # Signed out, the browser's language applies again, as on the sign-in page next.
            translation.activate(translation.get_language_from_request(request))
            messages.info(request, _("You have signed out."))
        if at_provider:
            return HttpResponseRedirect(at_provider)
        return response


def _provider_logout_url(request: HttpRequest) -> str:
    """The provider's end-session address for this session, or "" (not single sign-on, or a
    provider without RP-initiated logout)."""
    if request.session.get(events.METHOD_KEY) != events.SSO:
        return ""
    endpoint = provider.end_session_endpoint()
    if not endpoint:
        return ""
    params = {
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        "client_id": settings.OIDC_RP_CLIENT_ID,
    }
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes' answer once a username has failed too often from one address (429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, int(cooloff.total_seconds() // 60)) if cooloff else 0
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": minutes,
            "locked_username": username,
            "client_ip": client_ip(request),
        },
        status=429,
    )
