"""Template context for the base layout: the user's role and the navigation it may see.

Counts shown on the items belong to the apps that know them: plans/context_processors.py
puts the waiting proposals on Approvals, and is the processor settings register.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from backoffice import roles


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    role = roles.user_role(user)
    items = []
    if roles.user_can(user, roles.VIEW_DEBTORS):
        items.append({"key": "debtors", "label": _("Debtors"), "url": reverse("debtors:search")})
    if roles.user_can(user, roles.APPROVE_PLANS):
        items.append(
            {"key": "approvals", "label": _("Approvals"), "url": reverse("plans:approvals")}
        )
    if roles.user_can(user, roles.VIEW_AUDIT):
        items.append({"key": "audit", "label": _("Audit"), "url": reverse("audit:entries")})
    return {
        "nav_items": items,
        "user_role": role,
        "user_role_label": roles.ROLE_LABELS.get(role, ""),
    }
