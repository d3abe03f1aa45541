"""Payment plans for the demo portfolio: some debtors get an active plan, some a proposal.

The portfolio calls `insert_plans` inside each batch's transaction, after the batch's rows
exist (so `debtor["id"]` and each `case["id"]` are set). Each debtor's plan is drawn from its
own `random.Random` seeded with (seed, index), and calculated from a fixed day near the seed's
anchor, so a seed gives the same plans on any day; seeding stays idempotent because only
debtors just created are handed over.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import ROUND_CEILING, Decimal

from sandbox import planmath
from sandbox.models import CaseStatus
from sandbox.models.plans import (
    PaymentPlan,
    PaymentPlanCase,
    PaymentPlanPeriod,
    PlanState,
)
from sandbox.seed.rows import ANCHOR, SeededDebtor, ids_by_guid, insert_rows
from sandbox.store.plans import weighted_rate

ACTIVE_SHARE = 0.06  # of the debtors with an open balance
PROPOSAL_SHARE = 0.04
INVOICE_FEES = {"SEK": Decimal("29.00"), "NOK": Decimal("35.00"), "EUR": Decimal("2.50")}


class _Case:
    """What weighted_rate() reads of a case, from a seeded row."""

    def __init__(self, row: dict):
        self.remaining_sum = row["remaining_sum"]
        self.interest_rate = row["interest_rate"]


def _round_up(value: Decimal, step: int) -> Decimal:
    return ((value / step).to_integral_value(rounding=ROUND_CEILING) * step).quantize(
        planmath.CENT)


def _terms(rng: random.Random, balance: Decimal) -> dict:
    """A plausible request: mostly annuities, some linear, limited and debt-relief plans."""
    kind = rng.choices(
        (planmath.ANNUITY, planmath.LINEAR, planmath.ANNUITY_LIMITED, planmath.DEBT_RELIEF),
        weights=(6, 2, 1, 1),
    )[0]
    if kind == planmath.ANNUITY and rng.random() < 0.3:
        return {"plan_type": kind, "amount": _round_up(balance / rng.choice((10, 20)), 10)}
    if kind in (planmath.ANNUITY, planmath.LINEAR):
        return {"plan_type": kind, "number_of_payments": rng.choice((3, 6, 12, 18, 24, 36))}
    if kind == planmath.ANNUITY_LIMITED:
        return {"plan_type": kind, "number_of_payments": 12,
                "amount": _round_up(balance / 18, 10)}
    return {"plan_type": kind, "number_of_payments": 36, "amount": _round_up(balance / 60, 10)}


def _plan_for(seeded: SeededDebtor, rng: random.Random) -> tuple[dict, list, list] | None:
    """(plan row, period rows, covered case rows) for the debtor, or None."""
    cases = [c for c in seeded.cases
             if c["status"] == CaseStatus.ACTIVE and c["remaining_sum"] > 0]
    roll = rng.random()
    if not cases or roll >= ACTIVE_SHARE + PROPOSAL_SHARE:
        return None
    state = PlanState.ACTIVE if roll < ACTIVE_SHARE else PlanState.PROPOSAL
    balance = sum((c["remaining_sum"] for c in cases), planmath.ZERO)
    rate = weighted_rate([_Case(c) for c in cases])
    currency = cases[0]["currency_code"]
    registered = ANCHOR - dt.timedelta(days=rng.randint(0, 120), seconds=rng.randint(0, 86399))
    terms = _terms(rng, balance)
    fee = INVOICE_FEES.get(currency, planmath.ZERO) if rng.random() < 0.7 else planmath.ZERO
    request = planmath.PlanRequest(balance=balance, annual_rate=rate,
                                   calculation_date=registered.date(), invoice_fee=fee, **terms)
    try:
        result = planmath.calculate(request)
    except planmath.PlanValidationError:
        return None
    plan = {
        "guid": uuid.UUID(int=rng.getrandbits(128), version=4),
        "debtor_id": seeded.debtor["id"], "registration_date": registered, "active": state,
        "payment_plan_type": request.plan_type,
        "requested_number_of_payments": request.number_of_payments, "amount": request.amount,
        "number_of_payments": result.number_of_payments,
        "remaining_number_of_payments": result.number_of_payments,
        "currency_code": currency, "fee_currency_code": currency,
        "registration_fee": planmath.ZERO, "invoice_fee": fee, "reminder_fee": planmath.ZERO,
        "total_amount": result.total_amount, "total_principal": result.total_principal,
        "total_interest": result.total_interest, "total_fee": result.total_fee,
        "annual_percentage": result.annual_percentage, "left_on_cases": result.left_on_cases,
        "balance": balance, "annual_rate": rate.quantize(Decimal("1E-12")),
        "calculation_date": request.calculation_date,
    }
    periods = [{"period_number": p.number, "due_date": p.due_date, "amount": p.amount,
                "principal": p.principal, "interest": p.interest, "fee": p.fee,
                "remaining_principal": p.remaining_principal} for p in result.periods]
    return plan, periods, cases


def insert_plans(batch: list[SeededDebtor], *, seed: int) -> None:
    """Adds the batch's demo plans."""
    made = []
    for seeded in batch:
        made_one = _plan_for(seeded, random.Random(f"collect-desk-plans:{seed}:{seeded.index}"))
        if made_one:
            made.append(made_one)
    plans = [plan for plan, _, _ in made]
    insert_rows(PaymentPlan, plans)
    if not plans:
        return
    ids_by_guid(PaymentPlan, plans)
    periods, links = [], []
    for plan, plan_periods, cases in made:
        periods += [{**row, "plan_id": plan["id"]} for row in plan_periods]
        links += [{"plan_id": plan["id"], "case_id": case["id"],
                   "plan_active": plan["active"] == PlanState.ACTIVE} for case in cases]
    insert_rows(PaymentPlanPeriod, periods)
    insert_rows(PaymentPlanCase, links)
