"""P1-P7 over real HTTP: the worked examples to the cent, every validation rule, the life cycle.

Due dates depend on the day the tests run: they are computed from date.today(), or read from
the plan's own answer, never written down.
"""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from sandbox.api.jsonio import dumps
from tests.sandbox.plan_examples import EXAMPLES, add_months, expected_rows


def as_json(answer) -> dict:
    return json.loads(answer.text, parse_float=Decimal)


def wire_date(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def today() -> date:
    return datetime.now(UTC).date()


class Plans:
    """The plan routes of one debtor, with Decimal bodies written as JSON numbers."""

    def __init__(self, api, debtor_guid: str):
        self.api, self.guid = api, debtor_guid
        self.base = f"/debtors/{debtor_guid}/paymentplans"

    def _send(self, method: str, path: str, body=None):
        content = None if body is None else dumps(_decimals(body))
        return self.api.http.request(method, self.base + path, content=content,
                                     headers={"Content-Type": "application/json"})

    def calculate(self, **body):
        return self._send("POST", "/calculate", body)

    def create(self, **body):
        return self._send("POST", "", body)

    def get(self, plan_guid: str):
        return self._send("GET", f"/{plan_guid}")

    def update(self, plan_guid: str, **body):
        return self._send("PUT", f"/{plan_guid}", body)

    def delete(self, plan_guid: str):
        return self._send("DELETE", f"/{plan_guid}")

    def activate(self, plan_guid: str):
        return self._send("POST", f"/{plan_guid}/activate")

    def list(self, **params):
        return self.api.http.get(self.base, params=params)


def _decimals(value):
    """Strings that look like money become Decimal, so they travel as JSON numbers."""
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    if isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit():
        return Decimal(value)
    return value


def new_debtor(sandbox_api, *case_specs) -> tuple[str, list[str]]:
    """A debtor with cases given as (remaining principal, rate in percent[, extra fields])."""
    debtor = sandbox_api.create_debtor()["debtorGuid"]
    cases = []
    for principal, rate, *extra in case_specs:
        fields = extra[0] if extra else {}
        case = sandbox_api.add_case(debtor, remainingPrincipal=float(principal),
                                    interestRate=float(rate), **fields)
        cases.append(case["caseGuid"])
    return debtor, cases


@pytest.fixture
def one_case(sandbox_api):
    debtor, cases = new_debtor(sandbox_api, ("10000.00", "12"))
    return Plans(sandbox_api, debtor), cases[0]


def period_rows(plan: dict) -> dict:
    return {p["periodNumber"]: (str(p["principal"]), str(p["interest"]), str(p["fee"]),
                                str(p["amount"]))
            for p in plan["periods"]}


# --- The worked examples ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_worked_example_to_the_cent(sandbox_api, name):
    balance, rate, request, totals, rows = EXAMPLES[name]
    debtor, cases = new_debtor(sandbox_api, (balance, rate))
    answer = Plans(sandbox_api, debtor).calculate(
        **{"registrationFee": "0.00", "invoiceFee": "0.00", **request})
    assert answer.status_code == 200, answer.text
    plan = as_json(answer)
    count, principal, interest, fee, amount, apr, left = totals
    assert plan["numberOfPayments"] == plan["remainingNumberOfPayments"] == count
    assert len(plan["periods"]) == count
    assert (str(plan["totalPrincipal"]), str(plan["totalInterest"]), str(plan["totalFee"]),
            str(plan["totalAmount"]), str(plan["annualPercentage"])) == (
        principal, interest, fee, amount, apr)
    assert Decimal(balance) - plan["totalPrincipal"] == Decimal(left)  # left on the cases
    got = period_rows(plan)
    for number, expected in expected_rows(rows).items():
        assert got[number] == expected, f"period {number}"
    assert [p["dueDate"] for p in plan["periods"]] == [
        wire_date(add_months(today(), k)) for k in range(1, count + 1)]
    assert plan["paymentPlanGuid"] is None
    assert plan["cases"] == cases
    assert plan["currencyCode"] == plan["feeCurrencyCode"] == "SEK"


def test_calculate_stores_nothing(one_case):
    plans, _ = one_case
    assert plans.calculate(paymentPlanType=1, numberOfPayments=12).status_code == 200
    assert as_json(plans.list())["total"] == 0


def test_rate_is_weighted_by_the_cases_remaining_sums(sandbox_api):
    # 6000 at 6 % and 4000 at 18.5 % weigh to 11 % on 10000: the same plan as one case of it.
    debtor, _ = new_debtor(sandbox_api, ("6000.00", "6"), ("4000.00", "18.5"))
    mixed = as_json(Plans(sandbox_api, debtor).calculate(paymentPlanType=1, numberOfPayments=24))
    single, _ = new_debtor(sandbox_api, ("10000.00", "11"))
    plain = as_json(Plans(sandbox_api, single).calculate(paymentPlanType=1, numberOfPayments=24))
    assert mixed["periods"] == plain["periods"]
    assert mixed["totalInterest"] == plain["totalInterest"] > 0
    assert len(mixed["cases"]) == 2


def test_balance_counts_interest_and_fees_on_the_cases(sandbox_api):
    debtor, _ = new_debtor(sandbox_api, ("9000.00", "0", {"remainingInterest": 600,
                                                          "remainingFee": 400}))
    plan = as_json(Plans(sandbox_api, debtor).calculate(paymentPlanType=3, numberOfPayments=4))
    assert plan["totalPrincipal"] == Decimal("10000.00")
    assert {p["principal"] for p in plan["periods"]} == {Decimal("2500.00")}


def test_fees_scheduled_and_reminder_fee_only_echoed(one_case):
    plans, _ = one_case
    plan = as_json(plans.calculate(paymentPlanType=1, numberOfPayments=6, registrationFee="150.00",
                                   invoiceFee="29.00", reminderFee="60.00"))
    assert plan["periods"][0]["fee"] == Decimal("179.00")
    assert {p["fee"] for p in plan["periods"][1:]} == {Decimal("29.00")}
    assert plan["totalFee"] == Decimal("324.00")
    assert plan["reminderFee"] == Decimal("60.00")


# --- Validation -------------------------------------------------------------------------------


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = as_json(answer)
    assert body["status"] == status
    return body


@pytest.mark.parametrize("kind", [1, 3])
def test_both_n_and_amount(one_case, kind):
    plans, _ = one_case
    errors = problem(plans.calculate(paymentPlanType=kind, numberOfPayments=12, amount="500.00"),
                     400)["errors"]
    assert {"numberOfPayments", "amount"} <= set(errors)


@pytest.mark.parametrize("kind", [1, 3])
def test_neither_n_nor_amount(one_case, kind):
    plans, _ = one_case
    errors = problem(plans.calculate(paymentPlanType=kind), 400)["errors"]
    assert {"numberOfPayments", "amount"} <= set(errors)


@pytest.mark.parametrize("kind", [2, 4, 5])
def test_limited_types_need_both(one_case, kind):
    plans, _ = one_case
    assert "amount" in problem(plans.calculate(paymentPlanType=kind, numberOfPayments=12),
                               400)["errors"]


def test_amount_too_low_for_the_first_periods_interest(one_case):
    plans, _ = one_case
    errors = problem(plans.calculate(paymentPlanType=1, amount="100.00"), 400)["errors"]
    assert "100.00" in errors["amount"][0]


@pytest.mark.parametrize("n", [0, 361])
def test_n_out_of_range(one_case, n):
    plans, _ = one_case
    assert "numberOfPayments" in problem(
        plans.calculate(paymentPlanType=1, numberOfPayments=n), 400)["errors"]


def test_type_missing_or_unknown_and_bad_shapes(one_case):
    plans, _ = one_case
    assert "paymentPlanType" in problem(plans.calculate(numberOfPayments=3), 400)["errors"]
    assert "paymentPlanType" in problem(
        plans.calculate(paymentPlanType=6, numberOfPayments=3), 400)["errors"]
    errors = problem(plans.calculate(paymentPlanType=1, numberOfPayments="twelve",
                                     invoiceFee="-1.00", currencyCode="XYZ", cases="all",
                                     payments=[{"dueDate": "soon"}]), 400)["errors"]
    assert {"numberOfPayments", "invoiceFee", "currencyCode", "cases", "payments[0].dueDate",
            "payments[0].amount"} <= set(errors)
    answer = plans.api.http.post(f"{plans.base}/calculate", content=b"[1, 2]",
                                 headers={"Content-Type": "application/json"})
    problem(answer, 400)


def test_currency_must_be_the_cases(one_case):
    plans, _ = one_case
    assert "currencyCode" in problem(
        plans.calculate(paymentPlanType=1, numberOfPayments=3, currencyCode="EUR"), 400)["errors"]
    assert plans.calculate(paymentPlanType=1, numberOfPayments=3,
                           currencyCode="SEK").status_code == 200


def test_case_not_the_debtors(sandbox_api, one_case):
    plans, _ = one_case
    _, (other_case,) = new_debtor(sandbox_api, ("500.00", "5"))
    body = problem(plans.calculate(paymentPlanType=1, numberOfPayments=3, cases=[other_case]),
                   400)
    assert other_case in body["errors"]["cases"][0]
    unknown = "0b0e0e0e-0000-4000-8000-000000000000"
    assert unknown in problem(plans.calculate(paymentPlanType=1, numberOfPayments=3,
                                              cases=[unknown]), 400)["errors"]["cases"][0]


def test_closed_case(sandbox_api):
    debtor, (open_case, closed_case) = new_debtor(
        sandbox_api, ("1000.00", "10"), ("2000.00", "10", {"closed": True}))
    plans = Plans(sandbox_api, debtor)
    body = problem(plans.calculate(paymentPlanType=1, numberOfPayments=3,
                                   cases=[open_case, closed_case]), 400)
    assert body["errors"]["cases"] == [f"Case {closed_case} is closed."]
    everything = as_json(plans.calculate(paymentPlanType=1, numberOfPayments=3))
    assert everything["cases"] == [open_case]  # cases null: the active ones only
    assert everything["totalPrincipal"] == Decimal("1000.00")


def test_no_case_to_cover(sandbox_api):
    debtor, _ = new_debtor(sandbox_api)
    assert "cases" in problem(Plans(sandbox_api, debtor).calculate(
        paymentPlanType=1, numberOfPayments=3), 400)["errors"]


def test_case_under_another_active_plan_is_a_409_naming_it(sandbox_api):
    debtor, (first, second) = new_debtor(sandbox_api, ("1000.00", "10"), ("2000.00", "10"))
    plans = Plans(sandbox_api, debtor)
    active = plans.create(paymentPlanType=1, numberOfPayments=3, cases=[first], active=1)
    assert active.status_code == 201, active.text
    body = problem(plans.calculate(paymentPlanType=1, numberOfPayments=3, cases=[first, second]),
                   409)
    assert first in body["detail"] and as_json(active)["paymentPlanGuid"] in body["detail"]
    assert second not in body["detail"]
    assert problem(plans.create(paymentPlanType=1, numberOfPayments=3, cases=[first]), 409)
    # Without cases the plan covers the free one only.
    assert as_json(plans.calculate(paymentPlanType=1, numberOfPayments=3))["cases"] == [second]


def test_deviating_payment_not_on_a_due_date(one_case):
    plans, _ = one_case
    off_day = add_months(today(), 2) + timedelta(days=1)  # the day after a due date
    body = problem(plans.calculate(paymentPlanType=1, numberOfPayments=12,
                                   payments=[{"dueDate": wire_date(off_day), "amount": "50.00"}]),
                   400)
    assert body["errors"] == {"payments[0].dueDate": ["Not one of the plan's due dates."]}


def test_deviating_payment_on_a_plan_given_by_n(one_case):
    plans, _ = one_case
    plain = as_json(plans.calculate(paymentPlanType=1, numberOfPayments=12))
    third = plain["periods"][2]["dueDate"]
    plan = as_json(plans.calculate(paymentPlanType=1, numberOfPayments=12,
                                   payments=[{"dueDate": third, "amount": "2000.00"}]))
    assert plan["numberOfPayments"] == 12
    assert plan["periods"][2]["amount"] == Decimal("2000.00")
    assert plan["periods"][2]["remainingPrincipal"] == Decimal("6499.29")
    assert {p["amount"] for p in plan["periods"][3:11]} == {Decimal("758.73")}  # re-amortised
    assert plan["totalPrincipal"] == Decimal("10000.00")
    assert plan["payments"] == [{"dueDate": third, "amount": Decimal("2000.00")}]


def test_deviating_payment_on_a_plan_given_by_amount(one_case):
    plans, _ = one_case
    second = wire_date(add_months(today(), 2))
    plan = as_json(plans.calculate(paymentPlanType=1, amount="500.00",
                                   payments=[{"dueDate": second, "amount": "3000.00"}]))
    assert plan["periods"][1]["amount"] == Decimal("3000.00")
    assert {p["amount"] for p in plan["periods"][2:-1]} == {Decimal("500.00")}
    assert plan["numberOfPayments"] < 23
    assert plan["totalPrincipal"] == Decimal("10000.00")


# --- The life cycle ---------------------------------------------------------------------------


def test_life_cycle(sandbox_api, one_case):
    plans, case = one_case
    calculated = as_json(plans.calculate(paymentPlanType=3, numberOfPayments=12,
                                         invoiceFee="29.00"))
    created = plans.create(paymentPlanType=3, numberOfPayments=12, invoiceFee="29.00")
    assert created.status_code == 201, created.text
    plan = as_json(created)
    guid = plan["paymentPlanGuid"]
    assert plan["active"] == 2 and plan["cases"] == [case]
    assert plan["periods"] == calculated["periods"]
    assert plan["registrationDate"].endswith("Z")
    assert as_json(plans.get(guid)) == plan

    listed = as_json(plans.list(**{"$filter": "active eq 2 and paymentPlanType eq 3"}))
    assert (listed["total"], listed["value"][0]["paymentPlanGuid"]) == (1, guid)
    assert as_json(plans.list(**{"$filter": "active eq 1"}))["total"] == 0

    # A proposal's deviating payments change, and the plan is recalculated.
    second = plan["periods"][1]["dueDate"]
    assert plans.update(guid, payments=[{"dueDate": second, "amount": "1500.00"}]
                        ).status_code == 204
    updated = as_json(plans.get(guid))
    assert updated["payments"] == [{"dueDate": second, "amount": Decimal("1500.00")}]
    assert updated["periods"][1]["amount"] == Decimal("1529.00")  # the invoice fee on top
    assert updated["periods"][0] == plan["periods"][0]
    assert updated["totalPrincipal"] == Decimal("10000.00")
    assert "payments[0].dueDate" in problem(
        plans.update(guid, payments=[{"dueDate": "2001-01-01T00:00:00Z", "amount": 1}]),
        400)["errors"]
    assert plans.update(guid, payments=None).status_code == 204
    assert as_json(plans.get(guid))["periods"] == plan["periods"]

    assert plans.activate(guid).status_code == 204
    assert as_json(plans.get(guid))["active"] == 1
    assert "proposal" in problem(plans.activate(guid), 409)["detail"]
    problem(plans.update(guid, payments=[]), 409)
    assert "active payment plan" in problem(
        sandbox_api.http.delete(f"/debtors/{plans.guid}"), 409)["detail"]

    assert plans.delete(guid).status_code == 204
    problem(plans.get(guid), 404)
    problem(plans.delete(guid), 404)
    # The case is free again.
    assert as_json(plans.calculate(paymentPlanType=1, numberOfPayments=3))["cases"] == [case]


def test_two_plans_over_one_case(one_case):
    plans, case = one_case
    first = as_json(plans.create(paymentPlanType=1, numberOfPayments=6))["paymentPlanGuid"]
    second = as_json(plans.create(paymentPlanType=3, numberOfPayments=6))["paymentPlanGuid"]
    assert plans.activate(first).status_code == 204
    body = problem(plans.activate(second), 409)
    assert case in body["detail"] and first in body["detail"]
    assert as_json(plans.get(second))["active"] == 2
    assert plans.delete(first).status_code == 204
    assert plans.activate(second).status_code == 204


def test_unknown_debtor_and_plan(sandbox_api, one_case):
    plans, _ = one_case
    nobody = Plans(sandbox_api, "9b2f0e0e-0000-4000-8000-000000000000")
    problem(nobody.list(), 404)
    problem(nobody.calculate(paymentPlanType=1, numberOfPayments=3), 404)
    problem(plans.get("not-a-guid"), 404)
    problem(plans.activate("9b2f0e0e-0000-4000-8000-000000000001"), 404)
    # A plan of another debtor is not found through this one.
    other, _ = new_debtor(sandbox_api, ("100.00", "0"))
    theirs = as_json(Plans(sandbox_api, other).create(paymentPlanType=1, numberOfPayments=2))
    problem(plans.get(theirs["paymentPlanGuid"]), 404)


def test_list_orders_and_pages(one_case):
    plans, _ = one_case
    for n in (3, 9, 6):
        assert plans.create(paymentPlanType=1, numberOfPayments=n).status_code == 201
    desc = as_json(plans.list(**{"$orderby": "numberOfPayments desc", "$top": "2"}))
    assert (desc["count"], desc["total"], desc["skip"]) == (2, 3, 0)
    assert [p["numberOfPayments"] for p in desc["value"]] == [9, 6]
    page = as_json(plans.list(**{"$orderby": "totalInterest", "$skip": "2"}))
    assert [p["numberOfPayments"] for p in page["value"]] == [9]
    assert "$filter" in problem(plans.list(**{"$filter": "periods eq 1"}), 400)["errors"]


def test_plan_routes_need_a_token_and_suffer_faults(sandbox_api, one_case):
    plans, _ = one_case
    bare = httpx.get(f"{sandbox_api.base}{plans.base}", timeout=10)
    assert bare.status_code == 401
    sandbox_api.set_faults(status=503, failureRate=1)
    assert plans.list().status_code == 503
    sandbox_api.clear_faults()
    assert plans.list().status_code == 200
