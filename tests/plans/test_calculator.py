"""The calculator against the sandbox: figures equal to the API's to the cent, validation
before any call, upstream errors on the right field, compare, and upstream faults."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from backoffice.formatting import date_only
from backoffice.gateway import ApticClient, PlanInput, PlanPayment
from tests.plans.plan_pages import (
    calc_data,
    case_guids,
    direct_calculate,
    field_errors,
    figure,
    htmx,
    number,
    schedule_rows,
)

# (label, form values, the same request as a PlanInput)
PLAN_TYPES = [
    ("annuity-N12", dict(plan_type=1, number_of_payments="12"),
     dict(payment_plan_type=1, number_of_payments=12)),
    ("annuity-amount500", dict(plan_type=1, number_of_payments="", amount="500.00"),
     dict(payment_plan_type=1, amount=Decimal("500.00"))),
    ("annuity-limited", dict(plan_type=2, number_of_payments="12", amount="500.00",
                             invoice_fee="29.00"),
     dict(payment_plan_type=2, number_of_payments=12, amount=Decimal("500.00"),
          invoice_fee=Decimal("29.00"))),
    ("linear-N12", dict(plan_type=3, number_of_payments="12", registration_fee="150.00"),
     dict(payment_plan_type=3, number_of_payments=12, registration_fee=Decimal("150.00"))),
    ("linear-limited", dict(plan_type=4, number_of_payments="10", amount="400.00"),
     dict(payment_plan_type=4, number_of_payments=10, amount=Decimal("400.00"))),
    ("debt-relief", dict(plan_type=5, number_of_payments="60", amount="300.00"),
     dict(payment_plan_type=5, number_of_payments=60, amount=Decimal("300.00"))),
]


def _plan_input(debtor, **values) -> PlanInput:
    fees = {"registration_fee": Decimal("0.00"), "invoice_fee": Decimal("0.00"),
            "reminder_fee": Decimal("60.00")}
    return PlanInput(**{**fees, **values, "cases": tuple(case_guids(debtor))})


def _assert_page_shows(html: str, plan) -> None:
    rows = schedule_rows(html)
    assert len(rows) == len(plan.periods) == plan.number_of_payments
    for row, period in zip(rows, plan.periods, strict=True):
        assert row[0] == period.period_number
        assert row[1] == date_only(period.due_date)
        assert row[2:] == (period.amount, period.principal, period.interest, period.fee,
                           period.remaining_principal)
    assert number(figure(html, "total_amount")) == plan.total_amount
    assert number(figure(html, "total_principal")) == plan.total_principal
    assert number(figure(html, "total_interest")) == plan.total_interest
    assert number(figure(html, "total_fee")) == plan.total_fee
    assert number(figure(html, "annual_percentage")) == plan.annual_percentage
    assert int(figure(html, "number_of_payments")) == plan.number_of_payments
    assert figure(html, "first_due_date") == date_only(plan.periods[0].due_date)
    assert figure(html, "last_due_date") == date_only(plan.periods[-1].due_date)


@pytest.mark.parametrize(("label", "form", "wire"), PLAN_TYPES, ids=[p[0] for p in PLAN_TYPES])
def test_each_plan_type_shows_the_apis_figures_to_the_cent(agent_client, agent_user, debtor,
                                                           label, form, wire):
    guid = debtor["debtorGuid"]
    response = htmx(agent_client, f"/debtors/{guid}/plans/new",
                    calc_data(case_guids(debtor), **form))
    assert response.status_code == 200
    assert response["Vary"].count("HX-Request") == 1
    html = response.content.decode()
    assert "<html" not in html  # only the result partial
    expected = direct_calculate(guid, _plan_input(debtor, **wire), agent_user)
    _assert_page_shows(html, expected)
    assert 'role="img"' in html and "<title" in html  # the chart came with it


def test_the_page_opens_with_the_default_plan_calculated(agent_client, agent_user, debtor):
    guid = debtor["debtorGuid"]
    response = agent_client.get(f"/debtors/{guid}/plans/new")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-sync="closest form:replace"' in html
    assert 'hx-trigger="input changed delay:400ms, change"' in html
    assert debtor["cases"][0]["caseNumber"] in html
    expected = direct_calculate(guid, PlanInput(
        payment_plan_type=1, number_of_payments=12, registration_fee=Decimal("0.00"),
        invoice_fee=Decimal("29.00"), reminder_fee=Decimal("60.00"),
        cases=tuple(case_guids(debtor))), agent_user)
    _assert_page_shows(html, expected)
    assert number(figure(html, "reminder_fee")) == Decimal("60.00")  # SEK default


def test_a_plain_post_renders_the_whole_page(agent_client, debtor):
    guid = debtor["debtorGuid"]
    response = agent_client.post(f"/debtors/{guid}/plans/new",
                                 calc_data(case_guids(debtor), number_of_payments="6"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert len(schedule_rows(html)) == 6


@pytest.fixture
def calculate_calls(monkeypatch):
    """Counts P6 calls while letting them through."""
    calls = []
    original = ApticClient.plan_calculate

    def counting(self, debtor_guid, data):
        calls.append(data)
        return original(self, debtor_guid, data)

    monkeypatch.setattr(ApticClient, "plan_calculate", counting)
    return calls


INVALID = [
    ("both-for-annuity", dict(plan_type=1, number_of_payments="12", amount="500"),
     {"id_number_of_payments": "not both", "id_amount": "not both"}),
    ("neither-for-linear", dict(plan_type=3, number_of_payments="", amount=""),
     {"id_number_of_payments": "Give the number of payments or the amount"}),
    ("amount-missing-for-limited", dict(plan_type=2, number_of_payments="12", amount=""),
     {"id_amount": "needs the amount per period"}),
    ("count-missing-for-debt-relief", dict(plan_type=5, number_of_payments="", amount="300"),
     {"id_number_of_payments": "needs the number of payments"}),
    ("too-many-payments", dict(plan_type=1, number_of_payments="361"),
     {"id_number_of_payments": "less than or equal to 360"}),
    ("amount-not-a-number", dict(plan_type=1, number_of_payments="", amount="lots"),
     {"id_amount": "Enter a number"}),
    ("three-decimals", dict(plan_type=1, number_of_payments="", amount="500.001"),
     {"id_amount": "2 decimal places"}),
    ("negative-fee", dict(invoice_fee="-1"), {"id_invoice_fee": "greater than or equal to 0"}),
    ("payment-without-date", dict(payments=[("", "100.00")]),
     {"id_payments-0-due_date": "This field is required"}),
]


@pytest.mark.parametrize(("label", "form", "errors"), INVALID, ids=[i[0] for i in INVALID])
def test_invalid_input_is_explained_beside_the_field_without_a_call(
        agent_client, debtor, calculate_calls, label, form, errors):
    guid = debtor["debtorGuid"]
    response = htmx(agent_client, f"/debtors/{guid}/plans/new",
                    calc_data(case_guids(debtor), **form))
    assert response.status_code == 200
    html = response.content.decode()
    assert calculate_calls == []
    for auto_id, text in errors.items():
        assert text in field_errors(html, auto_id)
        assert auto_id.removeprefix("id_") in html.split('data-invalid-fields="')[1].split('"')[0]
    assert "Correct the marked fields" in html
    assert 'id="plan-schedule"' not in html


def test_no_case_ticked_is_refused_before_any_call(agent_client, debtor, calculate_calls):
    guid = debtor["debtorGuid"]
    response = htmx(agent_client, f"/debtors/{guid}/plans/new", calc_data([]))
    assert "Tick at least one case" in field_errors(response.content.decode(), "id_cases")
    assert calculate_calls == []


def test_a_valid_change_calls_once(agent_client, debtor, calculate_calls):
    guid = debtor["debtorGuid"]
    htmx(agent_client, f"/debtors/{guid}/plans/new", calc_data(case_guids(debtor)))
    assert len(calculate_calls) == 1
    assert calculate_calls[0].cases == tuple(case_guids(debtor))


def test_aptics_validation_errors_land_on_the_right_field(agent_client, debtor):
    guid = debtor["debtorGuid"]
    # 50 a month never pays off 10 000 at 1 % a month: Aptic refuses the amount.
    response = htmx(agent_client, f"/debtors/{guid}/plans/new",
                    calc_data(case_guids(debtor), number_of_payments="", amount="50.00"))
    html = response.content.decode()
    assert "Too low" in field_errors(html, "id_amount")
    assert field_errors(html, "id_number_of_payments") == ""
    assert 'id="plan-schedule"' not in html


def test_a_deviating_payment_on_no_due_date_is_marked_on_its_row(agent_client, debtor):
    guid = debtor["debtorGuid"]
    data = calc_data(case_guids(debtor), payments=[("", ""), ("2001-01-01", "100.00")])
    response = htmx(agent_client, f"/debtors/{guid}/plans/new", data)
    html = response.content.decode()
    assert "Not one of the plan" in field_errors(html, "id_payments-1-due_date")
    assert field_errors(html, "id_payments-0-due_date") == ""  # the blank row is ignored


def test_a_deviating_payment_changes_the_schedule_as_the_api_says(agent_client, agent_user,
                                                                 debtor):
    guid = debtor["debtorGuid"]
    first = direct_calculate(guid, _plan_input(debtor, payment_plan_type=1,
                                               number_of_payments=12), agent_user)
    due = first.periods[2].due_date
    response = htmx(agent_client, f"/debtors/{guid}/plans/new",
                    calc_data(case_guids(debtor), payments=[(due.isoformat(), "2000.00")]))
    expected = direct_calculate(guid, _plan_input(
        debtor, payment_plan_type=1, number_of_payments=12,
        payments=(PlanPayment(due, Decimal("2000.00")),)), agent_user)
    assert expected.periods[2].amount == Decimal("2000.00")
    _assert_page_shows(response.content.decode(), expected)


def test_cases_under_an_active_plan_are_not_offered(agent_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    second = sandbox_api.add_case(guid, remainingPrincipal=2000.00, interestRate=5.0)
    taken = sandbox_api.http.post(f"/debtors/{guid}/paymentplans", json={
        "paymentPlanType": 1, "numberOfPayments": 6, "active": 1,
        "cases": [debtor["cases"][0]["caseGuid"]]})
    assert taken.status_code == 201, taken.text
    html = agent_client.get(f"/debtors/{guid}/plans/new").content.decode()
    assert f'value="{second["caseGuid"]}"' in html
    assert f'value="{debtor["cases"][0]["caseGuid"]}"' not in html
    assert "Already under an active plan" in html
    # Posting the taken case anyway is refused by the form, before any call.
    response = htmx(agent_client, f"/debtors/{guid}/plans/new",
                    calc_data(case_guids(debtor)))
    assert "valid choice" in field_errors(response.content.decode(), "id_cases")


def test_an_upstream_fault_shows_the_banner_and_keeps_the_form(agent_client, debtor,
                                                               sandbox_api, settings):
    settings.APTIC_RETRY_ATTEMPTS = 1
    guid = debtor["debtorGuid"]
    sandbox_api.set_faults(status=503)
    response = htmx(agent_client, f"/debtors/{guid}/plans/new",
                    calc_data(case_guids(debtor)))
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#banner"
    assert "data-upstream-banner" in response.content.decode()
    assert 'id="plan-schedule"' not in response.content.decode()


def test_pin_and_compare_two_plans(agent_client, agent_user, debtor):
    guid = debtor["debtorGuid"]
    base = f"/debtors/{guid}/plans/new"
    pinned = htmx(agent_client, base, {**calc_data(case_guids(debtor), number_of_payments="12"),
                                       "pin": "pin"})
    pinned_html = pinned.content.decode()
    assert "data-compare" in pinned_html
    # The pinned figures come back as hidden fields of the form, which every later
    # recalculation posts again.
    hidden = dict(re.findall(r'<input type="hidden" name="(pinned-[a-z_]+)" value="([^"]*)"',
                             pinned_html))
    assert hidden["pinned-number_of_payments"] == "12"
    response = htmx(agent_client, base,
                    {**calc_data(case_guids(debtor), number_of_payments="24"), **hidden})
    html = response.content.decode()
    n12 = direct_calculate(guid, _plan_input(debtor, payment_plan_type=1, number_of_payments=12),
                           agent_user)
    n24 = direct_calculate(guid, _plan_input(debtor, payment_plan_type=1, number_of_payments=24),
                           agent_user)

    def cell(kind: str, name: str) -> str:
        return html.split(f'data-{kind}="{name}">')[1].split("<")[0]

    assert number(cell("pinned", "monthly_payment")) == n12.periods[1].amount
    assert number(cell("current", "monthly_payment")) == n24.periods[1].amount
    assert int(cell("pinned", "number_of_payments")) == 12
    assert int(cell("current", "number_of_payments")) == 24
    assert number(cell("pinned", "total_interest")) == n12.total_interest
    assert number(cell("current", "total_interest")) == n24.total_interest
    assert number(cell("pinned", "annual_percentage")) == n12.annual_percentage
    assert number(cell("current", "total_amount")) == n24.total_amount
    cleared = htmx(agent_client, base, {**calc_data(case_guids(debtor)), **hidden, "pin": "unpin"})
    assert "data-compare" not in cleared.content.decode()
    assert 'name="pinned-' not in cleared.content.decode()


def test_garbled_pinned_fields_are_ignored(agent_client, debtor):
    guid = debtor["debtorGuid"]
    data = {**calc_data(case_guids(debtor)), "pinned-total_amount": "<script>",
            "pinned-number_of_payments": "x"}
    response = htmx(agent_client, f"/debtors/{guid}/plans/new", data)
    assert response.status_code == 200
    assert "data-compare" not in response.content.decode()
