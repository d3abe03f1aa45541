"""The calculator's options grid against the sandbox: every option's figures equal the API's
P6 answer to the cent, cheapest and shortest marked, validation before any call, one option
refused or failing while the others show, a fault on all as the banner, "use" and "propose"
carrying the option's input, the role check, and the P6 calls running side by side."""

from __future__ import annotations

import json
import re
import threading
import time
from decimal import Decimal
from html import escape as html_escape

import pytest

from backoffice.audit.models import AuditEntry
from backoffice.formatting import date_only
from backoffice.gateway import ApticClient, PlanInput, ValidationFailed
from backoffice.gateway.testing import Recorder, problem, use_transport
from plans.models import PlanProposal
from tests.plans.plan_pages import (
    calc_data,
    case_guids,
    direct_calculate,
    field_errors,
    figure,
    htmx,
    number,
    upstream_plan,
)

MONTHS = (6, 12, 18, 24, 36, 48)


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


def url(debtor: dict) -> str:
    return f"/debtors/{debtor['debtorGuid']}/plans/new/options"


def grid_data(debtor: dict, *, by: str = "months", months: str = "6, 12, 18, 24, 36, 48",
              **form) -> dict:
    data = calc_data(case_guids(debtor), **form)
    data.update(option_by=by, option_months=months)
    return data


def cell(html: str, key: str, name: str) -> str:
    m = re.search(rf'data-option="{re.escape(key)}" data-figure="{name}">([^<]*)<', html)
    assert m, f"no {name} for option {key}"
    return m.group(1)


def head(html: str, key: str) -> str:
    m = re.search(rf'data-option-head="{re.escape(key)}">(.*?)</th>', html, re.S)
    assert m, f"no column for option {key}"
    return m.group(1)


def option_keys(html: str) -> list[str]:
    return re.findall(r'data-option-head="([^"]+)"', html)


def hidden_fields(html: str, key: str) -> list[tuple[str, str]]:
    """The hidden inputs of option `key`'s form (which "Use" and "Propose" both submit)."""
    start = html.index(f'data-option-actions="{key}"')
    end = html.index("</td>", start)
    part = html[start:end]
    form = part[part.index("data-option-use"):part.index("</form>")]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)


def propose_button(html: str, key: str) -> str:
    start = html.index(f'data-option-actions="{key}"')
    part = html[start:html.index("</td>", start)]
    m = re.search(r'<form [^>]*id="([^"]+)"', part)
    button = re.search(r'<button type="submit" form="([^"]+)" formaction="([^"]+)"', part)
    assert m and button and button.group(1) == m.group(1), "Propose submits the option's form"
    return button.group(2)


def as_post(fields: list[tuple[str, str]]) -> dict:
    data: dict = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def plan_input(debtor, **values) -> PlanInput:
    fees = {"registration_fee": Decimal("0.00"), "invoice_fee": Decimal("0.00"),
            "reminder_fee": Decimal("60.00")}
    return PlanInput(**{**fees, **values, "cases": tuple(case_guids(debtor))})


def assert_option_is(html: str, key: str, plan) -> None:
    """The option's column shows exactly the API's figures for its input."""
    periods = plan.periods
    regular = periods[1] if len(periods) > 1 else periods[0]
    assert number(cell(html, key, "monthly_payment")) == regular.amount
    assert int(cell(html, key, "number_of_payments")) == plan.number_of_payments
    assert number(cell(html, key, "total_amount")) == plan.total_amount
    assert number(cell(html, key, "total_interest")) == plan.total_interest
    assert number(cell(html, key, "total_fee")) == plan.total_fee
    assert number(cell(html, key, "annual_percentage")) == plan.annual_percentage
    assert cell(html, key, "last_due_date") == date_only(periods[-1].due_date)


# (label, form values, the option key -> the same request as PlanInput values)
GRIDS = [
    ("annuity-by-months-with-fees",
     dict(by="months", plan_type=1, number_of_payments="12", registration_fee="150.00",
          invoice_fee="29.00"),
     {f"months-{n}": dict(payment_plan_type=1, number_of_payments=n,
                          registration_fee=Decimal("150.00"), invoice_fee=Decimal("29.00"))
      for n in MONTHS}),
    ("debt-relief-by-months",
     dict(by="months", months="12, 24, 60", plan_type=5, number_of_payments="60",
          amount="300.00"),
     {f"months-{n}": dict(payment_plan_type=5, number_of_payments=n, amount=Decimal("300.00"))
      for n in (12, 24, 60)}),
    ("annuity-by-amount",
     dict(by="amount", plan_type=1, number_of_payments="", amount="500.00"),
     {f"amount-{a}": dict(payment_plan_type=1, amount=Decimal(a))
      for a in ("400.00", "450.00", "500.00", "550.00", "600.00")}),
    ("linear-limited-by-amount",
     dict(by="amount", plan_type=4, number_of_payments="10", amount="400.00"),
     {f"amount-{a}": dict(payment_plan_type=4, number_of_payments=10, amount=Decimal(a))
      for a in ("320.00", "360.00", "400.00", "440.00", "480.00")}),
]


@pytest.mark.parametrize(("label", "form", "expected"), GRIDS, ids=[g[0] for g in GRIDS])
def test_each_option_shows_the_apis_figures_to_the_cent(agent_client, agent_user, debtor,
                                                        label, form, expected):
    response = htmx(agent_client, url(debtor), grid_data(debtor, **form))
    assert response.status_code == 200
    html = response.content.decode()
    assert option_keys(html) == list(expected)
    for key, values in expected.items():
        plan = direct_calculate(debtor["debtorGuid"], plan_input(debtor, **values), agent_user)
        assert_option_is(html, key, plan)


def test_cheapest_and_shortest_are_marked_in_words(agent_client, agent_user, debtor):
    response = htmx(agent_client, url(debtor), grid_data(debtor, invoice_fee="29.00"))
    html = response.content.decode()
    answers = {f"months-{n}": direct_calculate(
        debtor["debtorGuid"], plan_input(debtor, payment_plan_type=1, number_of_payments=n,
                                         invoice_fee=Decimal("29.00")), agent_user)
        for n in MONTHS}
    cheapest = min(answers, key=lambda k: answers[k].total_amount)
    shortest = min(answers, key=lambda k: answers[k].number_of_payments)
    assert cheapest == shortest == "months-6"  # interest and fees grow with the duration
    for key in answers:
        text = head(html, key)
        assert ("Cheapest" in text) is (key == cheapest)
        assert ("Shortest" in text) is (key == shortest)


def test_cheapest_is_not_always_the_shortest(agent_client, agent_user, debtor):
    # Debt relief over a balance of 10 000 at 300 a month: longer plans pay more in total
    # until the balance is paid (34 payments), so the shortest is the cheapest's opposite.
    response = htmx(agent_client, url(debtor), grid_data(
        debtor, months="6, 12, 48", plan_type=5, number_of_payments="12", amount="300.00"))
    html = response.content.decode()
    answers = {f"months-{n}": direct_calculate(
        debtor["debtorGuid"], plan_input(debtor, payment_plan_type=5, number_of_payments=n,
                                         amount=Decimal("300.00")), agent_user)
        for n in (6, 12, 48)}
    cheapest = min(answers, key=lambda k: answers[k].total_amount)
    shortest = min(answers, key=lambda k: answers[k].number_of_payments)
    assert 'data-mark="cheapest"' in head(html, cheapest)
    assert 'data-mark="shortest"' in head(html, shortest)
    assert sum('data-mark="cheapest"' in head(html, k) for k in answers) == 1
    assert sum('data-mark="shortest"' in head(html, k) for k in answers) == 1


@pytest.mark.parametrize(("months", "message"), [
    ("6, 12, 400", "take 1 to 360 payments: 400 is not possible"),
    ("0, 12, 24", "take 1 to 360 payments: 0 is not possible"),
    ("6, 12, twelve", "whole numbers"),
    ("6, 12", "3 to 6 different"),
    ("6, 12, 12", "3 to 6 different"),
    ("3, 6, 9, 12, 18, 24, 36", "3 to 6 different"),
])
def test_a_forbidden_duration_is_refused_at_the_field_without_a_call(
        agent_client, debtor, calculate_calls, months, message):
    response = htmx(agent_client, url(debtor), grid_data(debtor, months=months))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in field_errors(html, "id_option_months")
    assert calculate_calls == []
    assert "data-options-grid" not in html


def test_the_message_names_the_plan_type(agent_client, debtor, calculate_calls):
    response = htmx(agent_client, url(debtor), grid_data(
        debtor, months="12, 24, 361", plan_type=5, number_of_payments="12", amount="300.00"))
    assert "Debt relief plans take 1 to 360" in field_errors(response.content.decode(),
                                                              "id_option_months")
    assert calculate_calls == []


def test_invalid_calculator_input_is_shown_at_its_field_without_a_call(
        agent_client, debtor, calculate_calls):
    response = htmx(agent_client, url(debtor), grid_data(debtor, plan_type=2, amount=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "needs the amount" in field_errors(html, "id_amount")
    assert calculate_calls == []


def test_varying_the_amount_needs_an_amount(agent_client, debtor, calculate_calls):
    response = htmx(agent_client, url(debtor), grid_data(debtor, by="amount"))
    assert response.status_code == 422
    assert "amount per period that the alternatives vary around" in field_errors(
        response.content.decode(), "id_amount")
    assert calculate_calls == []


def test_one_refused_option_says_why_while_the_others_show(agent_client, agent_user, debtor):
    # 10 000 at 1 % a month: 96.00 (-20 % of 120.00) never pays the first month's interest.
    response = htmx(agent_client, url(debtor), grid_data(
        debtor, by="amount", plan_type=1, number_of_payments="", amount="120.00"))
    assert response.status_code == 200
    html = response.content.decode()
    refused = re.search(r'data-option="amount-96.00" data-option-error>(.*?)</td>', html, re.S)
    assert refused and "Refused" in refused.group(1)
    with pytest.raises(ValidationFailed) as direct:  # what the API itself says of 96.00
        direct_calculate(debtor["debtorGuid"], plan_input(
            debtor, payment_plan_type=1, amount=Decimal("96.00")), agent_user)
    aptic_says = direct.value.field_errors["amount"][0]
    assert html_escape(aptic_says) in refused.group(1)
    for amount in ("108.00", "120.00", "132.00", "144.00"):
        plan = direct_calculate(debtor["debtorGuid"], plan_input(
            debtor, payment_plan_type=1, amount=Decimal(amount)), agent_user)
        assert_option_is(html, f"amount-{amount}", plan)
    assert 'data-option-actions="amount-96.00"></td>' in html  # nothing to use or propose


def test_one_failing_option_shows_its_error_in_its_column(aptic, short_retries,
                                                          agent_client, debtor):
    def fail_six(request):
        return problem(503) if json.loads(request.content)["numberOfPayments"] == 6 else None

    with use_transport(Recorder([("POST", r"/paymentplans/calculate$", fail_six)])):
        response = htmx(agent_client, url(debtor), grid_data(debtor))
    assert response.status_code == 200
    html = response.content.decode()
    failed = re.search(r'data-option="months-6" data-option-error>(.*?)</td>', html, re.S)
    assert failed and "Not calculated" in failed.group(1)
    assert int(cell(html, "months-12", "number_of_payments")) == 12
    assert "HX-Retarget" not in response


def test_a_fault_on_every_option_shows_the_banner(agent_client, debtor, sandbox_api,
                                                  settings):
    settings.APTIC_RETRY_ATTEMPTS = 1
    agent_client.get(f"/debtors/{debtor['debtorGuid']}/plans/new")  # the page read its setup
    sandbox_api.set_faults(status=503)
    response = htmx(agent_client, url(debtor), grid_data(debtor))
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#banner"
    assert "data-upstream-banner" in response.content.decode()
    assert "data-options-grid" not in response.content.decode()

    plain = agent_client.post(url(debtor), grid_data(debtor, months="6, 12, 24"))
    assert plain.status_code == 503
    html = plain.content.decode()
    assert "data-upstream-banner" in html
    assert 'value="6, 12, 24"' in html  # the input is kept


def test_a_plain_post_renders_the_page_with_the_grid(agent_client, agent_user, debtor):
    response = agent_client.post(url(debtor), grid_data(debtor, months="6, 12, 24"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "data-options-grid" in html
    assert option_keys(html) == ["months-6", "months-12", "months-24"]
    plan = direct_calculate(debtor["debtorGuid"], plan_input(
        debtor, payment_plan_type=1, number_of_payments=12), agent_user)
    assert number(figure(html, "total_amount")) == plan.total_amount  # the calculator's own
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_a_plain_post_with_a_forbidden_duration_keeps_the_page(agent_client, debtor,
                                                               calculate_calls):
    response = agent_client.post(url(debtor), grid_data(debtor, months="6, 12, 999"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and "data-options-grid" not in html
    assert "999 is not possible" in field_errors(html, "id_option_months")
    assert 'value="6, 12, 999"' in html
    assert len(calculate_calls) == 1  # the calculator's own plan only, no option
    assert calculate_calls[0].number_of_payments == 12


def test_the_page_offers_the_grid_with_the_setting(agent_client, debtor, settings):
    settings.PLAN_OPTION_MONTHS = ["3", "9", "15"]
    html = agent_client.get(f"/debtors/{debtor['debtorGuid']}/plans/new").content.decode()
    assert "data-options-panel" in html
    assert 'value="3, 9, 15"' in html
    assert f'formaction="{url(debtor)}"' in html


def test_use_carries_the_options_input_into_the_calculator(agent_client, agent_user, debtor):
    html = htmx(agent_client, url(debtor), grid_data(
        debtor, invoice_fee="29.00", registration_fee="150.00")).content.decode()
    fields = hidden_fields(html, "months-18")
    assert ("number_of_payments", "18") in fields and ("invoice_fee", "29.00") in fields
    page = agent_client.post(f"/debtors/{debtor['debtorGuid']}/plans/new", as_post(fields))
    assert page.status_code == 200
    shown = page.content.decode()
    plan = direct_calculate(debtor["debtorGuid"], plan_input(
        debtor, payment_plan_type=1, number_of_payments=18, invoice_fee=Decimal("29.00"),
        registration_fee=Decimal("150.00")), agent_user)
    assert int(figure(shown, "number_of_payments")) == 18
    assert number(figure(shown, "total_amount")) == plan.total_amount
    assert 'name="number_of_payments" value="18"' in shown


def test_propose_carries_the_options_input_to_a_proposal(agent_client, debtor, sandbox_api):
    html = htmx(agent_client, url(debtor), grid_data(
        debtor, by="amount", number_of_payments="", amount="500.00")).content.decode()
    fields = hidden_fields(html, "amount-550.00")
    target = propose_button(html, "amount-550.00")
    assert target == f"/debtors/{debtor['debtorGuid']}/plans/new/propose"
    data = as_post(fields)
    data["note"] = ["Chose the +10 % option"]
    response = agent_client.post(target, data)
    assert response.status_code == 302
    proposal = PlanProposal.objects.get()
    assert proposal.note == "Chose the +10 % option"
    plan = upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)
    assert Decimal(str(plan["periods"][0]["amount"])) == Decimal("550.00")
    assert plan["numberOfPayments"] == int(cell(html, "amount-550.00", "number_of_payments"))
    assert Decimal(str(plan["totalAmount"])) == number(cell(html, "amount-550.00",
                                                           "total_amount"))


def test_supervisors_may_propose_from_the_grid_too(supervisor_client, debtor):
    html = htmx(supervisor_client, url(debtor), grid_data(debtor)).content.decode()
    assert html.count("data-option-propose>") == len(MONTHS)
    assert html.count("data-option-propose-button>") == len(MONTHS)


def test_a_user_without_the_calculators_permission_is_refused(
        client, norole_user, debtor, calculate_calls):
    client.force_login(norole_user)
    response = htmx(client, url(debtor), grid_data(debtor))
    assert response.status_code == 403
    assert calculate_calls == []
    denied = AuditEntry.objects.filter(action="plan.calculate",
                                       outcome=AuditEntry.Outcome.DENIED)
    assert denied.count() == 1


def test_anonymous_is_sent_to_sign_in_and_get_is_not_allowed(client, agent_client, debtor):
    response = client.post(url(debtor), grid_data(debtor))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert agent_client.get(url(debtor)).status_code == 405


def test_the_grid_needs_the_csrf_token(csrf_client_factory, agent_user, debtor):
    client = csrf_client_factory(agent_user)
    response = client.post(url(debtor), grid_data(debtor), HTTP_HX_REQUEST="true")
    assert response.status_code == 403


def test_the_options_are_calculated_side_by_side(agent_client, debtor, sandbox_api,
                                                 monkeypatch):
    """Six P6 calls with 300 ms of sandbox latency each overlap in time (each call's start
    and end recorded around the gateway's method)."""
    agent_client.get(f"/debtors/{debtor['debtorGuid']}/plans/new")  # the setup, read once
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()
    original = ApticClient.plan_calculate

    def timed(self, debtor_guid, data):
        start = time.monotonic()
        try:
            return original(self, debtor_guid, data)
        finally:
            with lock:
                spans.append((start, time.monotonic()))

    monkeypatch.setattr(ApticClient, "plan_calculate", timed)
    sandbox_api.set_faults(latencyMs=300)
    response = htmx(agent_client, url(debtor), grid_data(debtor))
    assert response.status_code == 200
    assert len(option_keys(response.content.decode())) == 6
    assert len(spans) == 6
    # Every call started before any call ended: all six were in flight at once.
    assert max(start for start, _end in spans) < min(end for _start, end in spans)
