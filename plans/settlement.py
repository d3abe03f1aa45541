"""Settlement offers: the debtor pays less than the total, in one sum or a few payments, on
a debt relief plan (type 5: what is left is written off when the plan completes).

The rules live here: the terms of an offer (the instalment that pays the settlement amount
over the payments) and the limits per role, read from settings. An offer within the agent's
limits may be activated by its proposer; beyond them a supervisor approves it; beyond the
supervisor's limits it cannot be proposed. The figures of the plan itself are Aptic's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from backoffice import roles
from backoffice.formatting import percent
from plans.models import PlanProposal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class SettlementLimits:
    """Largest discount (percent of the total owed) and most payments, per role."""

    agent_max_discount: Decimal
    agent_max_payments: int
    supervisor_max_discount: Decimal
    supervisor_max_payments: int


def settlement_limits() -> SettlementLimits:
    policy = settings.PLAN_SETTLEMENT
    return SettlementLimits(
        agent_max_discount=Decimal(str(policy["agent_max_discount"])),
        agent_max_payments=int(policy["agent_max_payments"]),
        supervisor_max_discount=Decimal(str(policy["supervisor_max_discount"])),
        supervisor_max_payments=int(policy["supervisor_max_payments"]),
    )


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SettlementTerms:
    """An offer: what is owed, what the debtor pays, and over how many payments.

    `settlement_amount` is what the debtor pays in all; `instalment` is what one payment is
    (the amount a period sent to Aptic). When the amount does not divide into whole cents,
    the instalment is rounded half up and the debtor pays `instalment x payments`: that, as
    Aptic answers it, is the settlement that is stored and checked.
    """

    total_owed: Decimal
    settlement_amount: Decimal
    number_of_payments: int

    @property
    def instalment(self) -> Decimal:
        return money(self.settlement_amount / self.number_of_payments)

    @property
    def paid(self) -> Decimal:
        """What the plan collects: the instalments, never more than is owed."""
        return min(self.instalment * self.number_of_payments, self.total_owed)

    @property
    def written_off(self) -> Decimal:
        return max(self.total_owed - self.paid, Decimal("0.00"))

    @property
    def discount_percent(self) -> Decimal:
        return discount_percent(self.total_owed, self.written_off)


def discount_percent(total_owed: Decimal, written_off: Decimal) -> Decimal:
    """The written-off part in percent of the total, to four decimals (shown with two)."""
    if not total_owed:
        return Decimal("0.0000")
    return (written_off * HUNDRED / total_owed).quantize(Decimal("0.0001"),
                                                         rounding=ROUND_HALF_UP)


def amount_for_discount(total_owed: Decimal, percent: Decimal) -> Decimal:
    """The settlement amount that gives `percent` off the total (rounded to the cent)."""
    return money(total_owed * (HUNDRED - percent) / HUNDRED)


def _within(written_off: Decimal, total_owed: Decimal, payments: int, *,
            max_discount: Decimal, max_payments: int) -> bool:
    """Compared in money, exactly: one cent over the limit is over it."""
    return written_off * HUNDRED <= max_discount * total_owed and payments <= max_payments


def within_agent_limits(*, total_owed: Decimal, written_off: Decimal, payments: int,
                        limits: SettlementLimits | None = None) -> bool:
    limits = limits or settlement_limits()
    return _within(written_off, total_owed, payments, max_discount=limits.agent_max_discount,
                   max_payments=limits.agent_max_payments)


def beyond_supervisor_limits(*, total_owed: Decimal, written_off: Decimal, payments: int,
                             limits: SettlementLimits | None = None) -> dict[str, str]:
    """Field name -> why the offer cannot be proposed at all (empty when it can)."""
    limits = limits or settlement_limits()
    errors: dict[str, str] = {}
    if written_off * HUNDRED > limits.supervisor_max_discount * total_owed:
        errors["settlement_amount"] = _(
            "A discount of %(discount)s is more than a supervisor may approve (at most "
            "%(limit)s of the total).") % {
                "discount": percent(discount_percent(total_owed, written_off), 2),
                "limit": percent(limits.supervisor_max_discount)}
    if payments > limits.supervisor_max_payments:
        errors["number_of_payments"] = _(
            "%(payments)s payments is more than a supervisor may approve (at most "
            "%(limit)s).") % {"payments": payments, "limit": limits.supervisor_max_payments}
    return errors


def written_off_of(total_owed: Decimal, plan: Any) -> Decimal:
    """What a plan leaves of the total, to be written off: owed minus the principal it
    collects (a debt relief plan bears no interest or fees), as Aptic answered it."""
    paid = plan.total_principal if plan.total_principal is not None else Decimal("0.00")
    return max(total_owed - paid, Decimal("0.00"))


def settlement_repin(proposal: PlanProposal, plan: Any) -> None:
    """A settlement record's figures from the plan as read now (its deviating payments may
    have changed what it collects); nothing for other records. The caller saves."""
    if not proposal.is_settlement or proposal.total_owed is None:
        return
    proposal.written_off_amount = written_off_of(proposal.total_owed, plan)
    proposal.discount_percent = discount_percent(proposal.total_owed,
                                                 proposal.written_off_amount)


def _record_figures(proposal: PlanProposal) -> tuple[Decimal, Decimal, int] | None:
    if (proposal.total_owed is None or proposal.written_off_amount is None
            or proposal.number_of_payments is None):
        return None
    return proposal.total_owed, proposal.written_off_amount, proposal.number_of_payments


def direct_activation_refusal(user: Any, proposal: PlanProposal) -> str:
    """Why `user` may not activate this settlement themselves ("" when they may)."""
    if not roles.user_can(user, roles.PROPOSE_PLANS):
        return _("You may not propose plans.")
    figures = _record_figures(proposal)
    if figures is None:
        return _("The settlement's figures are unknown.")
    owed, written_off, payments = figures
    if not within_agent_limits(total_owed=owed, written_off=written_off, payments=payments):
        return _("The settlement exceeds an agent's limits; a supervisor must approve it.")
    return ""


def approval_refusal(user: Any, proposal: PlanProposal) -> str:
    """Why an approver may not approve this settlement ("" when they may, or when it is no
    settlement): checked again at approval, since the limits may have changed since."""
    if proposal.kind != PlanProposal.Kind.SETTLEMENT:
        return ""
    figures = _record_figures(proposal)
    if figures is None:
        return _("The settlement's figures are unknown.")
    owed, written_off, payments = figures
    if beyond_supervisor_limits(total_owed=owed, written_off=written_off, payments=payments):
        return _("This settlement is beyond what a supervisor may approve.")
    return ""


def settlement_level(*, total_owed: Decimal, written_off: Decimal, payments: int) -> str:
    """`agent` (the agent may activate it), `supervisor` (needs approval) or `refused`."""
    if beyond_supervisor_limits(total_owed=total_owed, written_off=written_off,
                                payments=payments):
        return "refused"
    if within_agent_limits(total_owed=total_owed, written_off=written_off, payments=payments):
        return "agent"
    return "supervisor"
