from dataclasses import dataclass

from django import template
from django.utils.translation import gettext_lazy as _

from backoffice.signin import events
from backoffice.signin.two_factor import devices, policy

register = template.Library()


@dataclass(frozen=True)
class Status:
    enrolled: bool
    mandatory: bool
    codes_left: int
    sso: bool = False


@register.simple_tag(takes_context=True)
def two_factor_status(context, user) -> Status:
    """A user's second factor as the profile and the users page show it."""
    request = context.get("request")
    own_sso = (request is not None and request.user == user
               and request.session.get(events.METHOD_KEY) == events.SSO)
    enrolled = policy.has_second_factor(user)
    return Status(enrolled=enrolled, mandatory=policy.second_factor_required(user),
                  codes_left=devices.recovery_codes_left(user) if enrolled else 0, sso=own_sso)


METHOD_LABELS = {
    events.PASSWORD: _("password"),
    events.PASSWORD_TOTP: _("password and authenticator"),
    events.PASSWORD_RECOVERY: _("password and recovery code"),
    events.SSO: _("single sign-on"),
}


@register.filter
def signin_method(method: str) -> str:
    """A sign-in method as people read it."""
    return str(METHOD_LABELS.get(method, method))
