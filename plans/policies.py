"""Who may do what with a proposal, beyond the role permissions.

Views use these to decide what to show; services check them before any call and audit a
refusal as `denied`, so no path around a view skips them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from backoffice import roles
from plans.models import PlanProposal


def approval_refusal(user: Any, proposal: PlanProposal) -> str:
    """Why `user` may not approve `proposal` ("" when they may): the four-eyes rule."""
    if proposal.proposed_by_id == getattr(user, "pk", None):
        return _("Four-eyes rule: you proposed this plan, so someone else must approve it.")
    return ""


def may_manage_proposal(user: Any, proposal: PlanProposal | None) -> bool:
    """Editing deviating payments and withdrawing: the proposer, or a supervisor/admin.

    A proposal the back-office has no record of (made elsewhere) is for supervisors only.
    """
    if roles.user_can(user, roles.APPROVE_PLANS):
        return True
    if not roles.user_can(user, roles.PROPOSE_PLANS):
        return False
    return proposal is not None and proposal.proposed_by_id == getattr(user, "pk", None)


def may_view_proposal(user: Any, proposal: PlanProposal) -> bool:
    return roles.user_can(user, roles.APPROVE_PLANS) or proposal.proposed_by_id == getattr(
        user, "pk", None
    )


def direct_activation_limits() -> dict[str, Any] | None:
    """The policy's limits when agents may activate small plans themselves, else None."""
    policy = settings.PLAN_AGENT_ACTIVATION or {}
    if not policy.get("enabled"):
        return None
    return {"max_total": Decimal(str(policy.get("max_total", "0"))),
            "max_payments": int(policy.get("max_payments", 0))}


def direct_activation_refusal(user: Any, *, total_amount: Decimal | None,
                              number_of_payments: int | None) -> str:
    """Why `user` may not activate a plan of these totals directly ("" when they may)."""
    limits = direct_activation_limits()
    if limits is None:
        return _("Plans are activated by a supervisor.")
    if not roles.user_can(user, roles.PROPOSE_PLANS):
        return _("You may not propose plans.")
    if total_amount is None or number_of_payments is None:
        return _("The plan's totals are unknown.")
    if total_amount > limits["max_total"] or number_of_payments > limits["max_payments"]:
        return _("The plan exceeds the limits for direct activation; a supervisor must "
                 "approve it.")
    return ""
