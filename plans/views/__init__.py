"""The plan pages; see calculator.py, approvals.py and debtor.py."""

from plans.views.approvals import approvals, approve, my_proposals, proposal_detail, reject
from plans.views.calculator import calculate, calculator, pin, propose, unpin
from plans.views.debtor import agreement, debtor_plans, edit_payments, withdraw

__all__ = [
    "agreement",
    "approvals",
    "approve",
    "calculate",
    "calculator",
    "debtor_plans",
    "edit_payments",
    "my_proposals",
    "pin",
    "proposal_detail",
    "propose",
    "reject",
    "unpin",
    "withdraw",
]
