"""The plan arithmetic against every worked example of sandbox-plans.md, to the cent, and
against each of its validation rules."""

from datetime import date
from decimal import Decimal as D

import pytest

from sandbox import planmath
from sandbox.planmath import (
    ANNUITY,
    ANNUITY_LIMITED,
    DEBT_RELIEF,
    LINEAR,
    LINEAR_LIMITED,
    DeviatingPayment,
    PlanRequest,
    PlanValidationError,
    annual_percentage,
    calculate,
    due_date,
)
from tests.sandbox.plan_examples import EXAMPLES, PP01, expected_rows

CALC_DATE = date(2026, 3, 15)


def plan(balance="10000.00", rate="12", kind=ANNUITY, n=None, amount=None, registration="0.00",
         invoice="0.00", payments=(), when=CALC_DATE):
    return PlanRequest(
        balance=D(balance), annual_rate=D(rate), plan_type=kind, calculation_date=when,
        number_of_payments=n, amount=None if amount is None else D(amount),
        registration_fee=D(registration), invoice_fee=D(invoice),
        payments=[DeviatingPayment(d, D(a)) for d, a in payments],
    )


def rows(result):
    return [(p.number, str(p.principal), str(p.interest), str(p.fee), str(p.amount))
            for p in result.periods]


def totals(result):
    return (result.number_of_payments, str(result.total_principal), str(result.total_interest),
            str(result.total_fee), str(result.total_amount), str(result.annual_percentage),
            str(result.left_on_cases))


# --- The worked examples ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_worked_example_to_the_cent(name):
    balance, rate, request, expected_totals, expected = EXAMPLES[name]
    result = calculate(plan(
        balance=balance, rate=rate, kind=request["paymentPlanType"],
        n=request.get("numberOfPayments"), amount=request.get("amount"),
        invoice=request.get("invoiceFee", "0.00"),
    ))
    assert totals(result) == expected_totals
    assert len(result.periods) == expected_totals[0]
    got = expected_rows(rows(result))
    assert {number: got[number] for number in expected_rows(expected)} == expected_rows(expected)


# --- Rules that the examples do not show ------------------------------------------------------


def test_totals_are_the_sums_of_the_periods_and_remaining_principal_falls_to_zero():
    result = calculate(plan(kind=LINEAR, n=7, registration="150.00", invoice="29.00"))
    assert result.total_principal == sum(p.principal for p in result.periods) == D("10000.00")
    assert result.total_fee == D("150.00") + 7 * D("29.00")
    assert result.total_amount == (result.total_principal + result.total_interest
                                   + result.total_fee)
    assert result.periods[0].fee == D("179.00")
    assert all(p.fee == D("29.00") for p in result.periods[1:])
    assert [p.remaining_principal for p in result.periods][-1] == D("0.00")


def test_fees_raise_the_apr_and_debt_relief_charges_none():
    plain = calculate(plan(kind=ANNUITY, n=12))
    with_fees = calculate(plan(kind=ANNUITY, n=12, invoice="29.00"))
    assert with_fees.annual_percentage > plain.annual_percentage
    relief = calculate(plan(kind=DEBT_RELIEF, n=10, amount="100.00", registration="50.00",
                            invoice="29.00"))
    assert relief.total_fee == D("0.00")
    assert relief.total_interest == D("0.00")


def test_linear_by_amount_runs_ceil_p_over_amount_periods():
    result = calculate(plan(kind=LINEAR, amount="3000.00"))
    assert [p.principal for p in result.periods] == [D("3000.00")] * 3 + [D("1000.00")]
    assert result.periods[1].interest == D("70.00")  # 1 % of 7000


def test_linear_limited_leaves_the_rest_on_the_cases():
    result = calculate(plan(kind=LINEAR_LIMITED, n=4, amount="1000.00"))
    assert result.number_of_payments == 4
    assert result.total_principal == D("4000.00")
    assert result.left_on_cases == D("6000.00")
    assert result.periods[3].interest == D("70.00")


def test_limited_plan_stops_early_when_the_balance_is_paid():
    result = calculate(plan(balance="1000.00", kind=LINEAR_LIMITED, n=12, amount="400.00"))
    assert [p.principal for p in result.periods] == [D("400.00"), D("400.00"), D("200.00")]
    assert result.left_on_cases == D("0.00")


def test_due_dates_are_monthly_on_the_calculation_day_clamped_to_the_month_end():
    start = date(2027, 1, 31)
    assert [due_date(start, k) for k in (1, 2, 3, 12, 13)] == [
        date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2028, 1, 31),
        date(2028, 2, 29),
    ]
    result = calculate(plan(kind=ANNUITY, n=3, when=date(2026, 11, 30)))
    assert [p.due_date for p in result.periods] == [
        date(2026, 12, 30), date(2027, 1, 30), date(2027, 2, 28)]


def test_apr_of_a_huge_rate():
    # 100 borrowed, 200 repaid a month later: (1 + X)^(1/12) = 2, X = 2^12 - 1.
    assert annual_percentage(D("100.00"), [D("200.00")]) == D("409500.00")


def test_apr_bisection_fallback_gives_the_same_figures(monkeypatch):
    monkeypatch.setattr(planmath, "_newton", lambda *args: None)
    assert calculate(plan(kind=ANNUITY, n=12)).annual_percentage == D("12.68")
    limited = calculate(plan(kind=ANNUITY_LIMITED, n=12, amount="500.00", invoice="29.00"))
    assert limited.annual_percentage == D("17.77")
    assert annual_percentage(D("100.00"), [D("200.00")]) == D("409500.00")


# --- Deviating payments -----------------------------------------------------------------------


def test_deviating_payment_on_a_plan_given_by_n_re_amortises_the_rest():
    third = due_date(CALC_DATE, 3)
    result = calculate(plan(kind=ANNUITY, n=12, payments=[(third, "2000.00")]))
    assert result.number_of_payments == 12
    assert rows(result)[:2] == PP01[:2]
    p3 = result.periods[2]
    assert (p3.interest, p3.principal, p3.amount) == (D("84.15"), D("1915.85"), D("2000.00"))
    assert p3.remaining_principal == D("6499.29")
    # Periods 4-11 pay the instalment of 6499.29 over 9 months at 1 %; 12 absorbs the rounding.
    level = (D("6499.29") * D("0.01") / (1 - D("1.01") ** -9)).quantize(D("0.01"))
    assert level == D("758.73")
    assert {p.amount for p in result.periods[3:11]} == {level}
    assert result.periods[-1].remaining_principal == D("0.00")
    assert result.total_principal == D("10000.00")


def test_deviating_payment_on_a_linear_plan_given_by_n_spreads_the_rest_evenly():
    first = due_date(CALC_DATE, 1)
    result = calculate(plan(kind=LINEAR, n=4, payments=[(first, "100.00")]))
    # Period 1 pays only its interest: nothing off the balance; 10000 over 3 periods.
    assert result.periods[0].principal == D("0.00")
    assert [p.principal for p in result.periods[1:]] == [D("3333.33"), D("3333.33"),
                                                          D("3333.34")]


def test_deviating_payment_on_a_plan_given_by_amount_keeps_the_level_and_shortens_it():
    second = due_date(CALC_DATE, 2)
    result = calculate(plan(kind=ANNUITY, amount="500.00", payments=[(second, "3000.00")]))
    assert result.periods[1].amount == D("3000.00")
    assert result.periods[1].principal == D("2904.00")
    assert {p.amount for p in result.periods[2:-1]} == {D("500.00")}
    assert result.number_of_payments < 23
    assert result.total_principal == D("10000.00")


def test_payment_holiday_on_a_plan_given_by_amount_lengthens_it():
    first = due_date(CALC_DATE, 1)
    result = calculate(plan(kind=ANNUITY, amount="500.00", payments=[(first, "0.00")]))
    assert result.periods[0].principal == D("-100.00")  # the interest is added to the balance
    assert result.periods[0].remaining_principal == D("10100.00")
    assert result.number_of_payments == 24


def test_deviating_payment_keeps_fees_on_top():
    first = due_date(CALC_DATE, 1)
    result = calculate(plan(kind=ANNUITY, n=6, invoice="29.00", registration="100.00",
                            payments=[(first, "1000.00")]))
    assert result.periods[0].amount == D("1129.00")


# --- Validation -------------------------------------------------------------------------------


def errors_of(request) -> dict:
    with pytest.raises(PlanValidationError) as caught:
        calculate(request)
    return caught.value.errors


@pytest.mark.parametrize("kind", [ANNUITY, LINEAR])
def test_both_n_and_amount_for_types_1_and_3(kind):
    errors = errors_of(plan(kind=kind, n=12, amount="500.00"))
    assert set(errors) == {"numberOfPayments", "amount"}
    assert "not both" in errors["amount"][0]


@pytest.mark.parametrize("kind", [ANNUITY, LINEAR])
def test_neither_n_nor_amount_for_types_1_and_3(kind):
    assert set(errors_of(plan(kind=kind))) == {"numberOfPayments", "amount"}


@pytest.mark.parametrize("kind", [ANNUITY_LIMITED, LINEAR_LIMITED, DEBT_RELIEF])
def test_limited_types_and_debt_relief_need_both(kind):
    assert set(errors_of(plan(kind=kind, n=12))) == {"amount"}
    assert set(errors_of(plan(kind=kind, amount="100.00"))) == {"numberOfPayments"}


@pytest.mark.parametrize("n", [0, -1, 361])
def test_n_out_of_1_to_360(n):
    assert "between 1 and 360" in errors_of(plan(kind=ANNUITY, n=n))["numberOfPayments"][0]


def test_n_at_the_limits_is_fine():
    assert calculate(plan(kind=ANNUITY, n=1)).periods[0].amount == D("10100.00")
    assert calculate(plan(kind=LINEAR, n=360)).number_of_payments == 360


@pytest.mark.parametrize("amount", ["100.00", "99.99", "50.00"])
def test_amount_not_above_the_first_periods_interest(amount):
    errors = errors_of(plan(kind=ANNUITY, amount=amount))
    assert "first period's interest (100.00)" in errors["amount"][0]
    assert "amount" in errors_of(plan(kind=ANNUITY_LIMITED, n=12, amount=amount))


def test_amount_just_above_the_interest_that_needs_more_than_360_payments():
    assert "more than 360" in errors_of(plan(kind=ANNUITY, amount="100.01"))["amount"][0]
    assert "more than 360" in errors_of(plan(kind=LINEAR, amount="20.00"))["amount"][0]


def test_unknown_type_negative_fees_and_amounts_in_fractions_of_a_cent():
    assert "paymentPlanType" in errors_of(plan(kind=6, n=3))
    errors = errors_of(plan(kind=ANNUITY, amount="500.005", registration="-1.00",
                            invoice="1.234"))
    assert set(errors) == {"amount", "registrationFee", "invoiceFee"}
    assert "more than 0" in errors_of(plan(kind=LINEAR, amount="0.00"))["amount"][0]


def test_nothing_to_pay():
    assert "cases" in errors_of(plan(balance="0.00", kind=ANNUITY, n=3))


def test_deviating_payment_on_a_date_that_is_not_a_due_date():
    not_due = date(2026, 4, 16)  # the plan's dates fall on the 15th
    errors = errors_of(plan(kind=ANNUITY, n=12, payments=[(not_due, "100.00")]))
    assert errors == {"payments[0].dueDate": ["Not one of the plan's due dates."]}


def test_deviating_payment_after_the_plans_last_due_date():
    errors = errors_of(plan(kind=ANNUITY, amount="500.00",
                            payments=[(due_date(CALC_DATE, 1), "500.00"),
                                      (due_date(CALC_DATE, 30), "500.00")]))
    assert list(errors) == ["payments[1].dueDate"]


def test_deviating_payment_on_the_last_period_of_a_plan_given_by_n():
    errors = errors_of(plan(kind=LINEAR, n=3, payments=[(due_date(CALC_DATE, 3), "10.00")]))
    assert "last payment" in errors["payments[0].dueDate"][0]


def test_deviating_payment_larger_than_what_is_owed():
    errors = errors_of(plan(kind=ANNUITY, n=3, payments=[(due_date(CALC_DATE, 1), "10200.00")]))
    assert "More than is owed" in errors["payments[0].amount"][0]


def test_two_deviating_payments_on_one_date_and_a_negative_one():
    first = due_date(CALC_DATE, 1)
    errors = errors_of(plan(kind=ANNUITY, n=12,
                            payments=[(first, "10.00"), (first, "20.00"),
                                      (due_date(CALC_DATE, 2), "-5.00")]))
    assert set(errors) == {"payments[1].dueDate", "payments[2].amount"}
