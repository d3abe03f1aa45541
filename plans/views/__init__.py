"""The plan pages; see calculator.py, approvals.py and debtor.py."""

from plans.views.afford import statement
from plans.views.approvals import approvals, approve, my_proposals, proposal_detail, reject
from plans.views.calculator import calculator, propose
from plans.views.debtor import agreement, debtor_plans, edit_payments, withdraw
from plans.views.options import plan_options
from plans.views.reschedule import (
    reschedule_abandon,
    reschedule_approve,
    reschedule_detail,
    reschedule_new,
    reschedule_reject,
    reschedule_resume,
)
from plans.views.settlement import settlement_offer, settlement_propose

__all__ = [
    "agreement",
    "approvals",
    "approve",
    "calculator",
    "debtor_plans",
    "edit_payments",
    "my_proposals",
    "plan_options",
    "proposal_detail",
    "propose",
    "reject",
    "reschedule_abandon",
    "reschedule_approve",
    "reschedule_detail",
    "reschedule_new",
    "reschedule_reject",
    "reschedule_resume",
    "settlement_offer",
    "settlement_propose",
    "statement",
    "withdraw",
]
