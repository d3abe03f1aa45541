"""The single sign-on backend: mozilla-django-oidc's authorization-code flow (PKCE, state,
nonce), with users matched by (issuer, subject), the ID token checked in full, and the role
taken from the groups claim at every sign-in.

A refusal is raised as `SsoRefused` with a plain reason; the callback view shows it and
records it.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from backoffice.signin import events
from backoffice.signin.models import SsoIdentity
from backoffice.signin.sso import provider
from backoffice.signin.sso.roles import apply_role, claimed_groups, role_for

# Seconds of clock difference tolerated between the provider and us.
LEEWAY = 60
ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256")


def clock() -> float:
    """Now, as the ID token checks see it (tests move it to prove an expired token fails)."""
    return time.time()


class SsoRefused(SuspiciousOperation):
    """The provider signed someone in whom the desk refuses; `reason` says why."""

    def __init__(self, reason: str, details: dict[str, Any] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.details = details or {}


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(provider.oidc_setting)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature against the provider's keys, the algorithm and the
        nonce; here also the issuer, the audience, the expiry and the issue time."""
        if self.OIDC_RP_SIGN_ALGO not in ALGORITHMS:
            raise SsoRefused(f"signing algorithm {self.OIDC_RP_SIGN_ALGO} is not accepted")
        try:
            payload = super().verify_token(token, **kwargs)
        except SuspiciousOperation as exc:
            raise SsoRefused(_library_reason(str(exc))) from exc
        except Exception as exc:  # jwt's own errors: a bad signature, an expired token
            raise SsoRefused(f"ID token refused: {exc}") from exc
        if str(payload.get("iss", "")).rstrip("/") != provider.issuer():
            raise SsoRefused("ID token from another issuer", {"iss": payload.get("iss")})
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SsoRefused("ID token for another client", {"aud": audience})
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SsoRefused("ID token authorised for another client")
        now = clock()
        if float(payload.get("exp", 0)) < now - LEEWAY:
            raise SsoRefused("ID token expired")
        if float(payload.get("iat", now)) > now + LEEWAY:
            raise SsoRefused("ID token issued in the future")
        if not payload.get("sub"):
            raise SsoRefused("ID token without a subject")
        if kwargs.get("nonce") is not None:  # the sign-in's ID token, not a userinfo JWT
            self.request.sso_id_claims = payload
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]):
        # The library turns a refusal here into "no user"; the callback view needs the reason.
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except SsoRefused as exc:
            self.request.sso_refusal = exc
            raise

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict:
        """The ID token's claims, completed by the userinfo endpoint where it has more (Entra ID
        puts groups in the ID token only; others in userinfo only). The subject must agree."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") not in (None, payload.get("sub")):
                raise SsoRefused("userinfo names another subject")
            claims.update({key: value for key, value in info.items() if key not in claims})
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        role = role_for(claims)
        if not role:
            raise SsoRefused("no group maps to a role",
                             {"groups": claimed_groups(claims)[:50], "sub": claims.get("sub")})
        self.request.sso_role = role
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]):
        """By the provider's subject alone: never by e-mail, which people change and reuse."""
        return get_user_model()._default_manager.filter(
            sso_identities__issuer=provider.issuer(), sso_identities__subject=claims["sub"])

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]):
        user = get_user_model()._default_manager.create_user(
            _free_username(claims), email=claims.get("email") or "")
        user.set_unusable_password()
        _fill_names(user, claims)
        user.save()
        SsoIdentity.objects.create(user=user, issuer=provider.issuer(), subject=claims["sub"],
                                   last_signin_at=timezone.now())
        self._set_role(user, claims, created=True)
        return user

    @transaction.atomic
    def update_user(self, user, claims: dict[str, Any]):
        if not user.is_active:
            raise SsoRefused("account deactivated", {"username": user.get_username()})
        _fill_names(user, claims)
        if claims.get("email"):
            user.email = claims["email"]
        user.save()
        SsoIdentity.objects.filter(user=user, issuer=provider.issuer(),
                                   subject=claims["sub"]).update(last_signin_at=timezone.now())
        self._set_role(user, claims, created=False)
        return user

    def _set_role(self, user, claims: dict[str, Any], *, created: bool) -> None:
        role = self.request.sso_role
        before = apply_role(user, role)
        if before != role:
            events.record_event(
                events.ROLE_CHANGED, request=self.request, user=user, method=events.SSO,
                reason="new account" if created else "groups changed at the provider",
                details={"from": before, "to": role, "groups": claimed_groups(claims)[:50]})


def _library_reason(message: str) -> str:
    if "Nonce" in message:
        return "nonce did not match"
    if "algorithm" in message:
        return "ID token signed with another algorithm"
    if "JWKS" in message or "verification failed" in message:
        return "ID token signature not valid"
    return message


def _fill_names(user, claims: dict[str, Any]) -> None:
    user.first_name = str(claims.get("given_name") or user.first_name or "")[:150]
    user.last_name = str(claims.get("family_name") or user.last_name or "")[:150]
    if not (user.first_name or user.last_name) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]


def _free_username(claims: dict[str, Any]) -> str:
    """preferred_username, else the e-mail, else the subject; made unique with a number."""
    base = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])[:140]
    users = get_user_model()._default_manager
    name, n = base, 1
    while users.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name
