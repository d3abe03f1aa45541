"""Template context for the base layout: the user's role, the navigation it may see, and
whether the shared cache is degraded (shown to admins, who can act on it).

Counts shown on the items belong to the apps that know them: `NAV_BADGES` in settings names,
per item, the function (taking the user) that counts, so this module imports no feature app.

The navigation is built once per request (a page that renders a partial of its own, such as
the search's django-tables2 table, runs the context processors again) and each count is taken
only when a template shows it: an htmx fragment has no navigation, so it runs no count query.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from backoffice import roles
from backoffice.cache import cache_status

# (key, label, URL name, permission): in the order the navigation shows them.
NAV_ITEMS = (
    ("work", _("My day"), "work:my-day", roles.KEEP_WORKLIST),
    ("debtors", _("Debtors"), "debtors:search", roles.VIEW_DEBTORS),
    ("team", _("Team"), "work:team", roles.MANAGE_TEAM),
    ("approvals", _("Approvals"), "plans:approvals", roles.APPROVE_PLANS),
    ("audit", _("Audit"), "audit:entries", roles.VIEW_AUDIT),
    ("jobs", _("Jobs"), "jobs:list", roles.VIEW_AUDIT),
    ("users", _("Users"), "signin:users", roles.MANAGE_SIGNIN),
)


@cache
def _badge_counter(key: str):
    path = settings.NAV_BADGES.get(key)
    return import_string(path) if path else None


@dataclass
class NavItem:
    key: str
    label: Any
    url: str
    current: bool
    counter: Callable[..., int] | None = None
    user: Any = None

    @cached_property
    def badge(self) -> int | None:
        """The item's count, taken when first shown (None for an item without one)."""
        return None if self.counter is None else self.counter(user=self.user)


_MEMO = "_collect_desk_navigation"


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    memo = getattr(request, _MEMO, None)
    if memo is None or memo[0] is not user:  # a sign-in or sign-out changes request.user
        memo = (user, _navigation(request))
        setattr(request, _MEMO, memo)
    return memo[1]


def _navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    role = roles.user_role(user)
    items = []
    for key, label, url_name, codename in NAV_ITEMS:
        if not roles.user_can(user, codename):
            continue
        url = reverse(url_name)
        items.append(NavItem(key=key, label=label, url=url,
                             current=request.path.startswith(url),
                             counter=_badge_counter(key), user=user))
    return {
        "nav_items": items,
        "user_role": role,
        "user_role_label": roles.ROLE_LABELS.get(role, ""),
    }


def cache_health(request) -> dict:
    """`cache_degraded` for the admin role's banner: Redis is down, each process uses its own
    memory (everyone else's pages work the same; the log says it too)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or roles.user_role(user) != roles.ADMIN:
        return {"cache_degraded": False}
    return {"cache_degraded": cache_status() == "degraded"}
