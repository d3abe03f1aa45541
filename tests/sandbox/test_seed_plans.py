"""Demo payment plans: some debtors get an active plan, some a proposal; deterministic,
idempotent, and every plan consistent with its cases and the plan arithmetic."""

from collections import Counter
from decimal import Decimal

import pytest

from sandbox import planmath
from sandbox.models import CaseStatus, Debtor
from sandbox.models.plans import PaymentPlan, PaymentPlanCase, PlanState
from sandbox.seed import seed_portfolio

pytestmark = pytest.mark.django_db(databases="__all__")


def _snapshot() -> list[tuple]:
    return sorted(PaymentPlan.objects.values_list(
        "guid", "debtor__guid", "active", "payment_plan_type", "number_of_payments",
        "total_amount", "annual_percentage"))


def test_some_active_plans_and_some_proposals():
    seed_portfolio(debtors=600, seed=4)
    states = Counter(PaymentPlan.objects.values_list("active", flat=True))
    assert states[PlanState.ACTIVE] >= 10
    assert states[PlanState.PROPOSAL] >= 5
    assert set(states) <= {PlanState.ACTIVE, PlanState.PROPOSAL}
    assert len(set(PaymentPlan.objects.values_list("payment_plan_type", flat=True))) >= 3


def test_plans_are_deterministic_and_idempotent():
    seed_portfolio(debtors=300, seed=9)
    first = _snapshot()
    assert first
    seed_portfolio(debtors=300, seed=9)
    assert _snapshot() == first
    Debtor.objects.all().delete()  # plans go with their debtors
    seed_portfolio(debtors=300, seed=9)
    assert _snapshot() == first


def test_each_plan_matches_its_cases_and_the_arithmetic():
    seed_portfolio(debtors=400, seed=6)
    plans = PaymentPlan.objects.prefetch_related("cases", "periods")
    assert plans.exists()
    for plan in plans:
        cases = list(plan.cases.all())
        assert cases and all(c.debtor_id == plan.debtor_id for c in cases)
        assert all(c.status == CaseStatus.ACTIVE for c in cases)
        assert plan.balance == sum(c.remaining_sum for c in cases)
        periods = list(plan.periods.all())
        assert len(periods) == plan.number_of_payments
        assert sum(p.amount for p in periods) == plan.total_amount
        assert plan.total_principal + plan.left_on_cases == plan.balance
        again = planmath.calculate(planmath.PlanRequest(
            balance=plan.balance, annual_rate=plan.annual_rate,
            plan_type=plan.payment_plan_type, calculation_date=plan.calculation_date,
            number_of_payments=plan.requested_number_of_payments, amount=plan.amount,
            invoice_fee=plan.invoice_fee))
        assert again.total_amount == plan.total_amount
        assert again.annual_percentage == plan.annual_percentage
        assert plan.annual_percentage >= Decimal(0)
    active_links = PaymentPlanCase.objects.filter(plan_active=True)
    assert active_links.count() == len(set(active_links.values_list("case_id", flat=True)))
