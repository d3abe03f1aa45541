"""What a signed-in user holds (permission names and role groups), read once and kept.

Every page asks: the guard, the navigation and the templates' `perms`. Unkept, that is three
queries a request (the user's permissions, their groups' permissions, the group names). The
answer lives on the user object for the request and, when GRANTS_CACHE_SECONDS > 0, in the
cache for that long. Settings turn the cache on only where every process shares it (Redis):
with a per-process cache, a role change made in one process could go unseen in another.

A change to who holds what (group membership, a group's or a user's permissions, a group,
permission or user deleted, a user saved other than at sign-in) drops the cached entries of
every user it touches at once, so a removed role stops working on the next request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_save, pre_delete

from backoffice.cache import cache_status

log = logging.getLogger("backoffice.grants")

_ATTRIBUTE = "_collect_desk_grants"


@dataclass(frozen=True)
class Grants:
    permissions: frozenset[str]  # "app_label.codename"
    groups: frozenset[str]


def user_grants(user) -> Grants:
    """The user's grants: from the user object, else the cache, else the database.

    The cache is used only while it is shared: with Redis degraded (backoffice/cache.py) a
    process's own memory could keep a role that another process has just removed, so grants
    are then read from the database. A cache that fails in any other way means the same.
    """
    grants = getattr(user, _ATTRIBUTE, None)
    if grants is not None:
        return grants
    cached = settings.GRANTS_CACHE_SECONDS > 0 and _shared()
    grants = _cache_call(cache.get, _key(user.pk)) if cached else None
    if grants is None:
        grants = _read(user)
        if cached and _shared():
            _cache_call(cache.set, _key(user.pk), grants, settings.GRANTS_CACHE_SECONDS)
    setattr(user, _ATTRIBUTE, grants)
    return grants


def keep_on(user, grants: Grants) -> None:
    """Hands `user` the grants read with its row (backoffice/request_user.py)."""
    setattr(user, _ATTRIBUTE, grants)


def forget(user_ids: Iterable[int]) -> None:
    """Drops the cached grants of these users (they are read again on their next request)."""
    keys = [_key(pk) for pk in user_ids if pk is not None]
    if keys:
        _cache_call(cache.delete_many, keys)


def _key(user_pk: int) -> str:
    return f"grants:{user_pk}"


def _shared() -> bool:
    return cache_status() != "degraded"


def _cache_call(operation: Callable[..., Any], *args: Any) -> Any:
    try:
        return operation(*args)
    except Exception as exc:  # the database answers instead
        log.warning("grants cache failed, reading the database: %s", type(exc).__name__)
        return None


def _read(user) -> Grants:
    from django.contrib.auth.models import Permission

    if user.is_superuser:
        permissions = Permission.objects.all()
    else:
        permissions = Permission.objects.filter(user=user) | Permission.objects.filter(
            group__user=user
        )
    names = permissions.values_list("content_type__app_label", "codename").distinct()
    return Grants(
        permissions=frozenset(f"{app}.{codename}" for app, codename in names),
        groups=frozenset(user.groups.values_list("name", flat=True)),
    )


# --- Dropping what changed -----------------------------------------------------------------------


def _members(group_ids: Iterable[int]) -> list[int]:
    return list(
        get_user_model().objects.filter(groups__in=list(group_ids)).values_list("pk", flat=True)
    )


def _m2m_forget(*, forward: Callable[[Any], Iterable[int]],
                cleared: Callable[[Any], Iterable[int]],
                added: Callable[[Iterable[int]], Iterable[int]]) -> Callable[..., None]:
    """An m2m_changed receiver that drops the grants of the users a change touches:
    `forward(instance)` when the change came from the user's (or group's) side, else
    `cleared(instance)` for a clear and `added(pk_set)` for an add or remove."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs) -> None:
        if action not in ("post_add", "post_remove", "pre_clear"):
            return
        if not reverse:
            forget(forward(instance))
        elif action == "pre_clear":
            forget(cleared(instance))
        else:
            forget(added(pk_set or ()))

    return receiver


def _self(instance: Any) -> list[int]:
    return [instance.pk]


# user.groups or group.user_set changed.
_membership_changed = _m2m_forget(
    forward=_self, cleared=lambda group: _members([group.pk]), added=lambda pks: pks)
# group.permissions or permission.group_set changed.
_group_permissions_changed = _m2m_forget(
    forward=lambda group: _members([group.pk]),
    cleared=lambda perm: _members(perm.group_set.values_list("pk", flat=True)),
    added=_members)
# user.user_permissions or permission.user_set changed.
_user_permissions_changed = _m2m_forget(
    forward=_self, cleared=lambda perm: perm.user_set.values_list("pk", flat=True),
    added=lambda pks: pks)


def _group_deleted(sender, instance, **kwargs) -> None:
    forget(_members([instance.pk]))


def _permission_deleted(sender, instance, **kwargs) -> None:
    forget(get_user_model().objects.values_list("pk", flat=True))


def _user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in
    forget([instance.pk])


def _user_deleted(sender, instance, **kwargs) -> None:
    forget([instance.pk])


def connect() -> None:
    """Called once from the app's ready() (auth's models are not importable before)."""
    from django.contrib.auth.models import Group, Permission

    user = get_user_model()
    m2m_changed.connect(_membership_changed, sender=user.groups.through,
                        dispatch_uid="grants-membership")
    m2m_changed.connect(_group_permissions_changed, sender=Group.permissions.through,
                        dispatch_uid="grants-group-permissions")
    m2m_changed.connect(_user_permissions_changed, sender=user.user_permissions.through,
                        dispatch_uid="grants-user-permissions")
    pre_delete.connect(_group_deleted, sender=Group, dispatch_uid="grants-group-deleted")
    pre_delete.connect(_permission_deleted, sender=Permission,
                       dispatch_uid="grants-permission-deleted")
    post_save.connect(_user_saved, sender=user, dispatch_uid="grants-user-saved")
    pre_delete.connect(_user_deleted, sender=user, dispatch_uid="grants-user-deleted")
