"""Groups of the provider's claim to the desk's roles (OIDC_ROLE_GROUPS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from backoffice.roles import ROLES, user_role


def role_groups() -> dict[str, str]:
    """{provider group: role} from "agent:collectors,supervisor:team-leads,admin:desk-admins".
    A role may be named several times; a group must map to one role only."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in settings.OIDC_ROLE_GROUPS.split(","))):
        role, sep, group = (part.strip() for part in pair.partition(":"))
        if not sep or role not in ROLES or not group:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_GROUPS: {pair!r} is not role:group with a role of {ROLES}.")
        if mapping.get(group, role) != role:
            raise ImproperlyConfigured(f"OIDC_ROLE_GROUPS maps {group!r} to two roles.")
        mapping[group] = role
    return mapping


def claimed_groups(claims: dict[str, Any]) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value] if isinstance(value, Iterable) else []


def role_for(claims: dict[str, Any]) -> str:
    """The highest role any of the claimed groups maps to, or "" when none does."""
    mapping = role_groups()
    roles = {mapping[group] for group in claimed_groups(claims) if group in mapping}
    return max(roles, key=ROLES.index) if roles else ""


def apply_role(user: Any, role: str) -> str:
    """Makes `role` the user's one role group; returns the role they had before."""
    before = user_role(user) or ""
    if before != role or user.groups.exclude(name=role).filter(name__in=ROLES).exists():
        other_roles = list(user.groups.filter(name__in=ROLES).exclude(name=role))
        user.groups.remove(*other_roles)
        user.groups.add(Group.objects.get(name=role))
    return before
