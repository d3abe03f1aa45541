"""Payment plans in the sandbox: which cases a plan covers, and the plan's life cycle.

The arithmetic is sandbox/planmath.py; this module feeds it the covered cases' balance and
weighted rate, stores what it answers, and keeps the rule that a case is under at most one
active plan (400 for a case that is not the debtor's or closed, 409 for one already under an
active plan; the database's partial unique index backs the 409 against races).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, transaction

from sandbox import planmath
from sandbox.api.errors import Conflict, ValidationFailed
from sandbox.models import (
    Case,
    CaseStatus,
    Debtor,
    PaymentPlan,
    PaymentPlanCase,
    PaymentPlanPayment,
    PaymentPlanPeriod,
    PlanState,
)
from sandbox.router import SANDBOX_DB

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PlanTerms:
    """What a create or calculate request asks for, parsed from the wire."""

    plan_type: int
    number_of_payments: int | None = None
    amount: Decimal | None = None
    currency_code: str | None = None
    registration_fee: Decimal = ZERO
    invoice_fee: Decimal = ZERO
    reminder_fee: Decimal = ZERO
    fee_currency_code: str | None = None
    payments: Sequence[planmath.DeviatingPayment] = ()
    cases: Sequence[UUID] | None = None
    active: int = PlanState.PROPOSAL


@dataclass(frozen=True)
class CalculatedPlan:
    """A plan as calculated, before (or without) being stored."""

    terms: PlanTerms
    cases: list[Case]
    currency_code: str
    balance: Decimal
    annual_rate: Decimal
    calculation_date: dt.date
    result: planmath.PlanResult


def today() -> dt.date:
    """The calculation date: today in UTC, as the API's dates are."""
    return dt.datetime.now(dt.UTC).date()


# --- Covered cases ---------------------------------------------------------------------------


def _active_plan_of(cases: Sequence[Case], *, excluding: PaymentPlan | None = None) -> dict:
    """{case id: guid of the active plan covering it} for those of `cases` under one."""
    links = PaymentPlanCase.objects.filter(case__in=cases, plan_active=True)
    if excluding is not None:
        links = links.exclude(plan=excluding)
    return dict(links.values_list("case_id", "plan__guid"))


def _conflict(cases: Sequence[Case], under: dict) -> Conflict:
    named = [case for case in cases if case.pk in under]
    return Conflict(
        " ".join(f"Case {case.guid} is already under active payment plan {under[case.pk]}."
                 for case in named),
        cases=[str(case.guid) for case in named],
    )


def plan_cases_select(*, debtor: Debtor, guids: Sequence[UUID] | None) -> list[Case]:
    """The cases a plan covers: those named (each the debtor's, active, free of any active
    plan), or else every active case of the debtor not under an active plan."""
    if not guids:
        free = (debtor.cases.filter(status=CaseStatus.ACTIVE)
                .exclude(plan_links__plan_active=True).order_by("registration_date", "id"))
        cases = list(free)
        if not cases:
            raise ValidationFailed({"cases": [
                "The debtor has no active case that is not already under an active plan."]})
        return cases
    wanted = list(dict.fromkeys(guids))
    found = {case.guid: case for case in Case.objects.filter(guid__in=wanted, debtor=debtor)}
    errors = []
    for guid in wanted:
        case = found.get(guid)
        if case is None:
            errors.append(f"Case {guid} is not the debtor's.")
        elif case.status != CaseStatus.ACTIVE:
            errors.append(f"Case {guid} is closed.")
    if errors:
        raise ValidationFailed({"cases": errors})
    cases = [found[guid] for guid in wanted]
    under = _active_plan_of(cases)
    if under:
        raise _conflict(cases, under)
    return cases


def _currency_of(cases: Sequence[Case], terms: PlanTerms) -> str:
    currencies = sorted({case.currency_code for case in cases})
    errors: dict[str, list[str]] = {}
    if len(currencies) > 1:
        errors["cases"] = [f"The cases are in different currencies ({', '.join(currencies)})."]
    elif terms.currency_code and terms.currency_code != currencies[0]:
        errors["currencyCode"] = [f"The cases are in {currencies[0]}."]
    if terms.fee_currency_code and terms.fee_currency_code != currencies[0]:
        errors["feeCurrencyCode"] = [f"Fees are charged in the cases' currency, {currencies[0]}."]
    if errors:
        raise ValidationFailed(errors)
    return currencies[0]


def weighted_rate(cases: Sequence[Case]) -> Decimal:
    """The cases' interest rates (percent a year) weighted by their remaining sums."""
    total = sum((case.remaining_sum for case in cases), ZERO)
    if total <= 0:
        return Decimal(0)
    return sum((case.interest_rate * case.remaining_sum for case in cases), ZERO) / total


# --- Calculating -----------------------------------------------------------------------------


def _run(request: planmath.PlanRequest) -> planmath.PlanResult:
    try:
        return planmath.calculate(request)
    except planmath.PlanValidationError as exc:
        raise ValidationFailed(exc.errors) from exc


def plan_calculate(*, debtor: Debtor, terms: PlanTerms) -> CalculatedPlan:
    """P6: the plan these terms make for the debtor today; nothing is stored."""
    cases = plan_cases_select(debtor=debtor, guids=terms.cases)
    currency = _currency_of(cases, terms)
    balance = sum((case.remaining_sum for case in cases), ZERO)
    rate = weighted_rate(cases)
    when = today()
    result = _run(planmath.PlanRequest(
        balance=balance, annual_rate=rate, plan_type=terms.plan_type, calculation_date=when,
        number_of_payments=terms.number_of_payments, amount=terms.amount,
        registration_fee=terms.registration_fee, invoice_fee=terms.invoice_fee,
        payments=terms.payments,
    ))
    return CalculatedPlan(terms, cases, currency, balance, rate, when, result)


def _store_schedule(plan: PaymentPlan, result: planmath.PlanResult,
                    payments: Sequence[planmath.DeviatingPayment]) -> None:
    plan.number_of_payments = plan.remaining_number_of_payments = result.number_of_payments
    plan.total_amount = result.total_amount
    plan.total_principal = result.total_principal
    plan.total_interest = result.total_interest
    plan.total_fee = result.total_fee
    plan.annual_percentage = result.annual_percentage
    plan.left_on_cases = result.left_on_cases
    plan.save()
    plan.periods.all().delete()
    PaymentPlanPeriod.objects.bulk_create(
        PaymentPlanPeriod(
            plan=plan, period_number=p.number, due_date=p.due_date, amount=p.amount,
            principal=p.principal, interest=p.interest, fee=p.fee,
            remaining_principal=p.remaining_principal,
        )
        for p in result.periods
    )
    plan.deviating_payments.all().delete()
    PaymentPlanPayment.objects.bulk_create(
        PaymentPlanPayment(plan=plan, due_date=p.due_date, amount=p.amount)
        for p in sorted(payments, key=lambda p: p.due_date)
    )


def plan_create(*, debtor: Debtor, terms: PlanTerms) -> PaymentPlan:
    """P2: a proposal (or, with `active: 1`, an active plan) storing the calculated periods."""
    calculated = plan_calculate(debtor=debtor, terms=terms)
    is_active = terms.active == PlanState.ACTIVE
    try:
        with transaction.atomic(using=SANDBOX_DB):
            plan = PaymentPlan(
                debtor=debtor, active=terms.active, payment_plan_type=terms.plan_type,
                requested_number_of_payments=terms.number_of_payments, amount=terms.amount,
                currency_code=calculated.currency_code,
                registration_fee=terms.registration_fee, invoice_fee=terms.invoice_fee,
                reminder_fee=terms.reminder_fee,
                fee_currency_code=terms.fee_currency_code or calculated.currency_code,
                balance=calculated.balance, annual_rate=calculated.annual_rate,
                calculation_date=calculated.calculation_date,
                number_of_payments=0, remaining_number_of_payments=0,
            )
            _store_schedule(plan, calculated.result, terms.payments)
            PaymentPlanCase.objects.bulk_create(
                PaymentPlanCase(plan=plan, case=case, plan_active=is_active)
                for case in calculated.cases
            )
    except IntegrityError as exc:  # a concurrent request activated a plan over a case
        raise _conflict(calculated.cases, _active_plan_of(calculated.cases)) from exc
    return plan


def plan_update_payments(*, plan: PaymentPlan,
                         payments: Sequence[planmath.DeviatingPayment]) -> PaymentPlan:
    """P4: new deviating payments for a proposal, recalculated from the plan's own inputs."""
    if plan.active != PlanState.PROPOSAL:
        raise Conflict(f"Only a proposal can change; this plan is {plan.get_active_display()}.")
    result = _run(planmath.PlanRequest(
        balance=plan.balance, annual_rate=plan.annual_rate, plan_type=plan.payment_plan_type,
        calculation_date=plan.calculation_date,
        number_of_payments=plan.requested_number_of_payments, amount=plan.amount,
        registration_fee=plan.registration_fee, invoice_fee=plan.invoice_fee,
        payments=payments,
    ))
    with transaction.atomic(using=SANDBOX_DB):
        _store_schedule(plan, result, payments)
    return plan


def plan_activate(*, plan: PaymentPlan) -> PaymentPlan:
    """P7: a proposal becomes active; 409 if it is not a proposal or a case is taken."""
    if plan.active != PlanState.PROPOSAL:
        raise Conflict(f"Only a proposal can be activated; this plan is "
                       f"{plan.get_active_display()}.")
    cases = list(plan.cases.all())
    closed = [case for case in cases if case.status != CaseStatus.ACTIVE]
    if closed:
        raise Conflict(" ".join(f"Case {case.guid} is closed." for case in closed),
                       cases=[str(case.guid) for case in closed])
    under = _active_plan_of(cases, excluding=plan)
    if under:
        raise _conflict(cases, under)
    try:
        with transaction.atomic(using=SANDBOX_DB):
            plan.active = PlanState.ACTIVE
            plan.save(update_fields=["active"])
            plan.covered.update(plan_active=True)
    except IntegrityError as exc:
        raise _conflict(cases, _active_plan_of(cases, excluding=plan)) from exc
    return plan


def plan_delete(*, plan: PaymentPlan) -> None:
    """P5: removes the plan, proposal or active, and so frees its cases."""
    plan.delete()
