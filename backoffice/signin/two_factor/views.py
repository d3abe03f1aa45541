"""The second step of a password sign-in, enrolment, recovery codes and the admin reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice import roles
from backoffice.guards import permission_required
from backoffice.signin.two_factor import devices, policy, services
from backoffice.signin.two_factor.forms import CodeForm, RecoveryCodeForm

NEXT_KEY = "signin_next"


def remember_next(request: HttpRequest, url: str) -> None:
    """Keeps where the sign-in was going across the second step (only a local address)."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        request.session[NEXT_KEY] = url


def _next(request: HttpRequest) -> str:
    return request.session.pop(NEXT_KEY, "") or "/"


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if policy.step_owed(request) != policy.VERIFY:
        return redirect(_next(request))
    recovery = request.GET.get("recovery") == "1" or request.POST.get("recovery") == "1"
    form = (RecoveryCodeForm if recovery else CodeForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.code_check(request, code=form.cleaned_data["code"], recovery=recovery)
        if check.ok:
            if recovery:
                messages.warning(request, _(
                    "You signed in with a recovery code; %(left)s are left. Make new ones on "
                    "your profile page if you are running out.")
                    % {"left": devices.recovery_codes_left(request.user)})
            return redirect(_next(request))
        form.add_error("code", check.error)
    return render(request, "signin/two_factor/verify.html", {"form": form, "recovery": recovery})


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    owed = policy.step_owed(request)
    if owed == policy.VERIFY:
        return redirect("signin:two-factor-verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_enrol(request, code=form.cleaned_data["code"],
                                          completes_signin=bool(owed))
        if codes is not None:
            return render(request, "signin/two_factor/recovery_codes.html",
                          {"codes": codes, "next": _next(request), "enrolled": True})
        form.add_error("code", _("That code is not right. Scan the code again, or check that "
                                 "your phone's clock is set automatically."))
    device = devices.pending_device(request.user)
    return render(request, "signin/two_factor/setup.html", {
        "form": form,
        "qr": devices.qr_svg(device, label=_("QR code for your authenticator app")),
        "secret": devices.secret_groups(device),
        "mandatory": policy.second_factor_required(request.user),
        "signing_in": bool(owed),
    })


@never_cache
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not (policy.is_verified(request.user) and policy.has_second_factor(request.user)):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("profile")
    return render(request, "signin/two_factor/recovery_codes.html",
                  {"codes": services.recovery_codes_renew(request), "next": "/accounts/profile/"})


@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    if policy.second_factor_required(request.user):
        messages.error(request, _("Your role needs a second factor: it cannot be removed. An "
                                  "admin can reset it if you lost your phone."))
    elif services.two_factor_remove(request):
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("profile")


@require_POST
@permission_required(roles.MANAGE_SIGNIN, action="auth.mfa-reset")
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=pk)
    if services.two_factor_reset(request, actor=request.user, user=person):
        messages.success(request, _("The second factor of %(user)s was reset.")
                         % {"user": person.get_username()})
    else:
        messages.info(request, _("%(user)s had no second factor.")
                      % {"user": person.get_username()})
    return redirect("signin:users")
