"""The password sign-in: Django's LoginView, then the second step where one is owed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from backoffice.signin import events, policy
from backoffice.signin.two_factor import policy as two_factor
from backoffice.signin.two_factor.views import remember_next


class DeskAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "local_off": _("Sign in with your organisation's account: passwords here are for "
                       "break-glass administrator accounts only."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not policy.local_signin_allowed(user):
            events.signin_failed(self.request, username=user.get_username(), user=user,
                                 reason="local sign-in is switched off",
                                 method=events.PASSWORD)
            raise ValidationError(self.error_messages["local_off"], code="local_off")


class PasswordSignInView(auth_views.LoginView):
    form_class = DeskAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso_enabled=policy.sso_enabled(),
            sso_provider_name=settings.OIDC_PROVIDER_NAME,
            local_signin=settings.LOCAL_SIGNIN,
            **kwargs,
        )

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)  # django.contrib.auth.login: the session is new
        owed = two_factor.step_owed(self.request)
        if owed:
            remember_next(self.request, self.get_success_url())
            return redirect(f"signin:two-factor-{owed}")
        events.signin_completed(self.request, form.get_user(), method=events.PASSWORD)
        return response
