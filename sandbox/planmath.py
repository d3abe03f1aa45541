"""The sandbox's payment-plan arithmetic, as the shared spec sandbox-plans.md describes it.

Pure Python (no Django), so it can be tested directly and read by someone checking figures.

How a schedule is built, period by period (k = 1, 2, ...):
- interest_k = round(balance x i), i = the annual rate / 12 (none on a debt-relief plan);
- the regular payment before fees is the plan's *level*: the annuity instalment
  (principal + interest), the linear principal part (interest on top), or the debt-relief
  amount; a deviating payment on that due date replaces principal + interest instead;
- the period can never pay more principal than the balance: when the level would, the
  period pays the balance and the plan ends there (the last period is smaller);
- a plan given by its number of payments N makes period N pay whatever balance is left,
  so the last period absorbs all rounding; after a deviating payment it re-amortises the
  balance over the periods left;
- fees go on top: the registration fee in period 1, the invoice fee in every period
  (none on a debt-relief plan); the reminder fee is never scheduled;
- limited plans (types 2 and 4) and debt relief run at most N periods and leave the rest
  on the cases.
Money is Decimal, rounded to cents half-up. Only the APR, a rate, is solved in floats.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

ANNUITY = 1
ANNUITY_LIMITED = 2
LINEAR = 3
LINEAR_LIMITED = 4
DEBT_RELIEF = 5
PLAN_TYPES = {
    ANNUITY: "annuity",
    ANNUITY_LIMITED: "annuity limited",
    LINEAR: "linear",
    LINEAR_LIMITED: "linear limited",
    DEBT_RELIEF: "debt relief",
}
# Types that take exactly one of numberOfPayments and amount; the others need both.
ONE_OF_N_OR_AMOUNT = {ANNUITY, LINEAR}
MAX_PAYMENTS = 360

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
APR_START = 0.10
APR_TOLERANCE = 1e-9


def money(value: Decimal) -> Decimal:
    """Rounds to cents, half-up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class PlanValidationError(Exception):
    """The request cannot make a plan; `errors` maps each wire field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class DeviatingPayment:
    due_date: date
    amount: Decimal  # replaces that period's principal + interest


@dataclass(frozen=True)
class PlanRequest:
    balance: Decimal  # the covered cases' remaining sums
    annual_rate: Decimal  # percent a year, weighted by the cases' remaining sums
    plan_type: int
    calculation_date: date
    number_of_payments: int | None = None
    amount: Decimal | None = None
    registration_fee: Decimal = ZERO
    invoice_fee: Decimal = ZERO
    payments: Sequence[DeviatingPayment] = ()


@dataclass(frozen=True)
class Period:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    remaining_principal: Decimal  # the balance after this period

    @property
    def amount(self) -> Decimal:
        """What the debtor pays that month."""
        return self.principal + self.interest + self.fee


@dataclass(frozen=True)
class PlanResult:
    periods: list[Period]
    total_principal: Decimal
    total_interest: Decimal
    total_fee: Decimal
    total_amount: Decimal
    annual_percentage: Decimal  # percent, 2 decimals
    left_on_cases: Decimal  # balance the plan leaves unpaid (limited plans, debt relief)

    @property
    def number_of_payments(self) -> int:
        return len(self.periods)


# --- Dates -----------------------------------------------------------------------------------


def due_date(calculation_date: date, k: int) -> date:
    """Period k's due date: k months after the calculation date, on its day of month
    clamped to the month's end (31 January -> 28/29 February -> 31 March)."""
    months = calculation_date.month - 1 + k
    year, month = calculation_date.year + months // 12, months % 12 + 1
    return date(year, month, min(calculation_date.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


# --- Validation ------------------------------------------------------------------------------


def _has_cents_only(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def validate(request: PlanRequest) -> None:
    """Raises PlanValidationError for every rule of the request's fields that fails."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    n, amount, kind = request.number_of_payments, request.amount, request.plan_type
    if kind not in PLAN_TYPES:
        fail("paymentPlanType", "Must be one of 1, 2, 3, 4, 5.")
    elif kind in ONE_OF_N_OR_AMOUNT:
        if n is not None and amount is not None:
            message = "Give numberOfPayments or amount for this plan type, not both."
            fail("numberOfPayments", message)
            fail("amount", message)
        elif n is None and amount is None:
            message = "Give numberOfPayments or amount for this plan type."
            fail("numberOfPayments", message)
            fail("amount", message)
    else:
        for name, value in (("numberOfPayments", n), ("amount", amount)):
            if value is None:
                fail(name, "Required for this plan type (numberOfPayments and amount).")
    if n is not None and not 1 <= n <= MAX_PAYMENTS:
        fail("numberOfPayments", f"Must be between 1 and {MAX_PAYMENTS}.")
    if amount is not None:
        if amount <= 0:
            fail("amount", "Must be more than 0.")
        elif not _has_cents_only(amount):
            fail("amount", "At most 2 decimals.")
    for name, fee in (("registrationFee", request.registration_fee),
                      ("invoiceFee", request.invoice_fee)):
        if fee < 0:
            fail(name, "Must not be negative.")
        elif not _has_cents_only(fee):
            fail(name, "At most 2 decimals.")
    if request.balance <= 0:
        fail("cases", "The covered cases have nothing left to pay.")
    seen: set[date] = set()
    for index, payment in enumerate(request.payments):
        if payment.due_date in seen:
            fail(f"payments[{index}].dueDate", "Two deviating payments on the same due date.")
        seen.add(payment.due_date)
        if payment.amount < 0:
            fail(f"payments[{index}].amount", "Must not be negative.")
        elif not _has_cents_only(payment.amount):
            fail(f"payments[{index}].amount", "At most 2 decimals.")
    if errors:
        raise PlanValidationError(errors)

    first_interest = money(request.balance * _monthly_rate(request))
    if kind in (ANNUITY, ANNUITY_LIMITED) and amount is not None and amount <= first_interest:
        raise PlanValidationError({"amount": [
            f"Too low: it must be more than the first period's interest ({first_interest}),"
            " or the plan never pays off."
        ]})


# --- The schedule ----------------------------------------------------------------------------


def _monthly_rate(request: PlanRequest) -> Decimal:
    if request.plan_type == DEBT_RELIEF:
        return Decimal(0)
    return request.annual_rate / Decimal(1200)


def annuity_instalment(balance: Decimal, i: Decimal, n: int) -> Decimal:
    """A = P·i / (1 - (1+i)^-N), or P/N without interest, computed exactly, rounded once."""
    with localcontext() as ctx:
        ctx.prec = 50
        exact = balance / n if i == 0 else balance * i / (1 - (1 + i) ** -n)
    return money(exact)


def _level_for(request: PlanRequest, balance: Decimal, periods_left: int) -> Decimal:
    """The regular payment before fees for a plan given by its number of payments."""
    if request.plan_type == ANNUITY:
        return annuity_instalment(balance, _monthly_rate(request), periods_left)
    return money(balance / periods_left)  # linear: the principal part


def calculate(request: PlanRequest) -> PlanResult:
    """Validates the request and builds the plan: periods, totals, APR, what is left."""
    validate(request)
    request = _in_cents(request)
    kind, i = request.plan_type, _monthly_rate(request)
    by_count = kind in ONE_OF_N_OR_AMOUNT and request.number_of_payments is not None
    n = request.number_of_payments
    if by_count:
        level = _level_for(request, request.balance, n)
        max_periods = n
    elif kind in ONE_OF_N_OR_AMOUNT:  # given by amount: runs until paid
        level, max_periods = request.amount, MAX_PAYMENTS
    else:  # limited types and debt relief: at most N periods
        level, max_periods = request.amount, n
    annuity_like = kind in (ANNUITY, ANNUITY_LIMITED)
    deviating = {p.due_date: p.amount for p in request.payments}
    errors: dict[str, list[str]] = {}

    periods: list[Period] = []
    balance, k = request.balance, 0
    while balance > 0 and k < max_periods:
        k += 1
        when = due_date(request.calculation_date, k)
        interest = money(balance * i)
        deviates = when in deviating
        if deviates:
            principal = deviating.pop(when) - interest
            if by_count and k == n:
                errors.setdefault(_payment_field(request, when), []).append(
                    "The last payment settles what is left and cannot deviate.")
            if principal > balance:
                errors.setdefault(_payment_field(request, when, "amount"), []).append(
                    f"More than is owed on that date ({balance + interest}).")
                principal = balance
        elif by_count and k == n:
            principal = balance  # the last period absorbs all rounding
        elif annuity_like:
            principal = balance if balance + interest <= level else level - interest
        else:  # linear principal part, or the debt-relief amount
            principal = min(level, balance)
        fee = _fee_for(request, k)
        balance -= principal
        periods.append(Period(k, when, principal, interest, fee, balance))
        if by_count and deviates and k < n:
            level = _level_for(request, balance, n - k)  # re-amortise over the periods left

    for when in deviating:  # never reached: not one of the plan's due dates
        errors.setdefault(_payment_field(request, when), []).append(
            "Not one of the plan's due dates.")
    if balance > 0 and kind in ONE_OF_N_OR_AMOUNT and not errors:
        errors["amount"] = [f"Too low: the plan would need more than {MAX_PAYMENTS} payments."]
    if errors:
        raise PlanValidationError(errors)
    left = balance if kind not in ONE_OF_N_OR_AMOUNT else ZERO
    return _result(request.balance, periods, left)


def _in_cents(request: PlanRequest) -> PlanRequest:
    """The same request with every amount written to the cent (300 -> 300.00)."""
    return replace(
        request,
        balance=money(request.balance),
        amount=None if request.amount is None else money(request.amount),
        registration_fee=money(request.registration_fee),
        invoice_fee=money(request.invoice_fee),
        payments=[replace(p, amount=money(p.amount)) for p in request.payments],
    )


def _payment_field(request: PlanRequest, when: date, name: str = "dueDate") -> str:
    index = next(j for j, p in enumerate(request.payments) if p.due_date == when)
    return f"payments[{index}].{name}"


def _fee_for(request: PlanRequest, k: int) -> Decimal:
    if request.plan_type == DEBT_RELIEF:
        return ZERO
    return request.invoice_fee + (request.registration_fee if k == 1 else ZERO)


def _result(balance: Decimal, periods: list[Period], left: Decimal) -> PlanResult:
    amounts = [p.amount for p in periods]
    flows = [*amounts[:-1], amounts[-1] + left]  # what is left counts as paid with the last
    return PlanResult(
        periods=periods,
        total_principal=sum((p.principal for p in periods), ZERO),
        total_interest=sum((p.interest for p in periods), ZERO),
        total_fee=sum((p.fee for p in periods), ZERO),
        total_amount=sum(amounts, ZERO),
        annual_percentage=annual_percentage(balance, flows),
        left_on_cases=left,
    )


# --- APR -------------------------------------------------------------------------------------


def annual_percentage(balance: Decimal, monthly_amounts: Sequence[Decimal]) -> Decimal:
    """The EU consumer-credit APR in percent, 2 decimals half-up: the X solving
    balance = sum over k of amount_k x (1 + X)^(-k/12), k = 1, 2, ..."""
    flows = [(k / 12, float(a)) for k, a in enumerate(monthly_amounts, start=1)]
    principal = float(balance)

    def npv(x: float) -> float:
        return sum(a * (1 + x) ** -t for t, a in flows) - principal

    def slope(x: float) -> float:
        return sum(-t * a * (1 + x) ** (-t - 1) for t, a in flows)

    x = _newton(npv, slope, APR_START)
    if x is None:
        x = _bisect(npv)
    apr = money(Decimal(repr(x * 100)))
    return apr if apr else ZERO  # never "-0.00" from a root a hair below zero


def _newton(f: Callable[[float], float], df: Callable[[float], float],
            x: float) -> float | None:
    for _ in range(100):
        d = df(x)
        if d == 0 or not math.isfinite(d):
            return None
        step = f(x) / d
        x -= step
        if not math.isfinite(x) or x <= -1:
            return None
        if abs(step) < APR_TOLERANCE:
            return x
    return None


def _bisect(f: Callable[[float], float]) -> float:
    """npv falls as X rises (every flow is >= 0), so widen the bracket, then halve it."""
    low, high = -0.99, 1.0
    while f(high) > 0:
        high *= 2
    while high - low >= APR_TOLERANCE:
        mid = (low + high) / 2
        low, high = (mid, high) if f(mid) > 0 else (low, mid)
    return (low + high) / 2
