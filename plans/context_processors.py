"""The base layout's navigation, with the number of proposals waiting on its Approvals item."""

from backoffice.context_processors import navigation as base_navigation
from plans.selectors import proposal_pending_count


def navigation(request) -> dict:
    """backoffice's navigation plus the badge: one indexed COUNT, for approvers only."""
    context = base_navigation(request)
    for item in context["nav_items"]:
        if item["key"] == "approvals":
            item["badge"] = proposal_pending_count()
    return context
