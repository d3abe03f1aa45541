"""Which ways in are open: the local password form, single sign-on."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from backoffice.roles import ADMIN, user_role


def local_signin_allowed(user: Any) -> bool:
    """May this account sign in with a local password? Always while LOCAL_SIGNIN is on;
    with it off, only break-glass accounts: active admins with a password of their own."""
    if settings.LOCAL_SIGNIN:
        return True
    return user.is_active and user.has_usable_password() and user_role(user) == ADMIN


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)
