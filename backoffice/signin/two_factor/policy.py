"""Who must have a second factor, and whether this session still owes one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.roles import user_role
from backoffice.signin import events

VERIFY = "verify"
SETUP = "setup"


def second_factor_required(user: Any) -> bool:
    """True for the roles in MFA_REQUIRED_ROLES (supervisor and admin by default)."""
    return (user_role(user) or "") in settings.MFA_REQUIRED_ROLES


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: Any) -> bool:
    """Whether this session passed a second factor (django-otp's OTPMiddleware sets
    `otp_device`; a user object fresh from `login()` has none yet)."""
    return getattr(user, "otp_device", None) is not None


def step_owed(request: HttpRequest) -> str:
    """"verify", "setup" or "" for the signed-in user of this request.

    A single sign-on session owes nothing: the provider does two-factor. A session completed
    with a password alone (no device then, no requirement) is looked at again only for the
    requirement, so an agent without a device costs no query a request.
    """
    user = request.user
    if not user.is_authenticated or request.session.get(events.METHOD_KEY) == events.SSO:
        return ""
    if is_verified(user):
        return ""
    if request.session.get(events.METHOD_KEY) != events.PASSWORD and has_second_factor(user):
        return VERIFY
    if second_factor_required(user):
        return SETUP if not has_second_factor(user) else VERIFY
    return ""
