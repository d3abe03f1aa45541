"""Settlement offers through Aptic: calculate (P6) and propose (P2) a debt relief plan.

The offer's rules are in plans/settlement.py. Proposing reuses `plan_propose` (the gateway
audits the P2); the settlement's terms on our record are audited as `plan.settlement`, and an
offer beyond the supervisor's limits is refused before any call and audited as `denied`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.gateway import PaymentPlan, PlanInput, PlanState, PlanType
from plans import selectors, services, settlement
from plans.models import PlanProposal
from plans.settlement import SettlementTerms

ZERO = Decimal("0.00")


class SettlementRefused(services.PlanActionRefused):
    """Beyond what a supervisor may approve: field name -> message; nothing was sent."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class SettlementFigures:
    """The offer as Aptic calculated it: what the debtor pays, what is written off."""

    total_owed: Decimal
    paid: Decimal
    written_off: Decimal
    discount_percent: Decimal
    instalment: Decimal | None
    number_of_payments: int
    level: str  # agent | supervisor | refused (see settlement.settlement_level)


def settlement_plan_input(*, terms: SettlementTerms, case_guids: Sequence[str],
                          reminder_fee: Decimal = ZERO) -> PlanInput:
    """A debt relief plan of `instalment` a period for the offer's payments; no fees on the
    schedule (type 5 bears none), the reminder fee as a term of the agreement."""
    return PlanInput(
        payment_plan_type=PlanType.DEBT_RELIEF,
        number_of_payments=terms.number_of_payments,
        amount=terms.instalment,
        active=PlanState.PROPOSAL,
        registration_fee=ZERO,
        invoice_fee=ZERO,
        reminder_fee=reminder_fee,
        cases=tuple(case_guids),
    )


def settlement_figures(*, total_owed: Decimal, plan: PaymentPlan) -> SettlementFigures:
    """The discount from Aptic's answer: owed minus the principal the plan collects."""
    written_off = settlement.written_off_of(total_owed, plan)
    paid = plan.total_principal if plan.total_principal is not None else ZERO
    payments = plan.number_of_payments or len(plan.periods)
    return SettlementFigures(
        total_owed=total_owed, paid=paid, written_off=written_off,
        discount_percent=settlement.discount_percent(total_owed, written_off),
        instalment=plan.periods[0].amount if plan.periods else None,
        number_of_payments=payments,
        level=settlement.settlement_level(total_owed=total_owed, written_off=written_off,
                                          payments=payments),
    )


def settlement_calculate(*, debtor_guid: str, terms: SettlementTerms,
                         case_guids: Sequence[str], reminder_fee: Decimal = ZERO
                         ) -> tuple[PaymentPlan, SettlementFigures]:
    """P6 of the offer (nothing stored) and its settlement figures."""
    plan = selectors.plan_calculate(debtor_guid=debtor_guid, data=settlement_plan_input(
        terms=terms, case_guids=case_guids, reminder_fee=reminder_fee))
    return plan, settlement_figures(total_owed=terms.total_owed, plan=plan)


def _check_proposable(*, actor: Any, debtor_guid: str, terms: SettlementTerms) -> None:
    errors = settlement.beyond_supervisor_limits(
        total_owed=terms.total_owed, written_off=terms.written_off,
        payments=terms.number_of_payments)
    if errors:
        audit_record(action="plan.create", outcome=AuditEntry.Outcome.DENIED, actor=actor,
                     debtor_guid=debtor_guid, target_type="plan",
                     reason="settlement beyond the supervisor's limits: "
                            f"discount {terms.discount_percent}% of {terms.total_owed}, "
                            f"{terms.number_of_payments} payments",
                     body={"total_owed": terms.total_owed,
                           "settlement_amount": terms.settlement_amount,
                           "number_of_payments": terms.number_of_payments})
        raise SettlementRefused(errors)


def settlement_propose(*, actor: Any, debtor_guid: str, debtor_name: str,
                       terms: SettlementTerms, case_guids: Sequence[str],
                       reminder_fee: Decimal = ZERO, note: str = "") -> PlanProposal:
    """Proposes the offer as a debt relief plan and marks our record a settlement.

    Raises SettlementRefused (beyond the supervisor's limits; audited as `denied`, nothing
    sent) or the gateway's errors of the P2.
    """
    _check_proposable(actor=actor, debtor_guid=debtor_guid, terms=terms)

    def record(plan: PaymentPlan) -> dict[str, Any]:
        figures = settlement_figures(total_owed=terms.total_owed, plan=plan)
        return {"kind": PlanProposal.Kind.SETTLEMENT, "total_owed": figures.total_owed,
                "written_off_amount": figures.written_off,
                "discount_percent": figures.discount_percent}

    proposal = services.plan_propose(
        actor=actor, debtor_guid=debtor_guid, debtor_name=debtor_name,
        data=settlement_plan_input(terms=terms, case_guids=case_guids,
                                   reminder_fee=reminder_fee),
        note=note, record=record)
    audit_record(action="plan.settlement", outcome=AuditEntry.Outcome.OK, actor=actor,
                 debtor_guid=debtor_guid, target_type="plan", target_id=proposal.plan_guid,
                 after={"kind": proposal.kind, "total_owed": proposal.total_owed,
                        "written_off_amount": proposal.written_off_amount,
                        "discount_percent": proposal.discount_percent,
                        "number_of_payments": proposal.number_of_payments})
    return proposal
