"""The income and expenditure statement beside the calculator: its figures to the cent, the
suggestion taken into the calculator (the API's own P6 answer), validation at the fields with
nothing sent, storing it with the proposal, the queue's flag, who sees it, retention, audit."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from decimal import ROUND_DOWN, Decimal

import pytest
from django.test import Client

from backoffice.audit.models import AuditEntry
from backoffice.formatting import date_only
from backoffice.gateway import PlanInput
from backoffice.jobs import registry
from backoffice.jobs.models import JobRun
from backoffice.jobs.services import job_start
from plans.afford import months_before, statement_for_viewer, statements_sweep
from plans.models import PlanProposal, Statement
from tests.jobs.helpers import run_worker
from tests.plans.plan_pages import (
    audit_entries,
    calc_data,
    case_guids,
    direct_calculate,
    field_errors,
    figure,
    htmx,
    number,
    propose,
    schedule_rows,
    upstream_plan,
)

CENT = Decimal("0.01")


def statement(**amounts: str) -> dict[str, str]:
    """The statement's fields as the calculator page posts them (`statement-<name>`)."""
    return {f"statement-{name}": value for name, value in amounts.items()}


def shown(html: str, name: str) -> Decimal:
    m = re.search(rf'data-statement-figure="{name}">([^<]*)<', html)
    assert m, f"statement figure {name} not on the page"
    return number(m.group(1))


def statement_url(debtor_guid: str) -> str:
    return f"/debtors/{debtor_guid}/plans/new/statement"


def _plans_upstream(sandbox_api, guid: str) -> int:
    answer = sandbox_api.http.get(f"/debtors/{guid}/paymentplans")
    assert answer.status_code == 200
    return answer.json()["total"]


# --- Figures and the suggestion -----------------------------------------------------------


def test_disposable_income_and_the_suggestion_to_the_cent(agent_client, settings):
    settings.PLAN_AFFORDABILITY_SHARE = Decimal("70")
    guid = str(uuid.uuid4())  # no sandbox: the statement's answer asks Aptic nothing
    response = htmx(agent_client, statement_url(guid), statement(
        net_income="23450.55", housing="9800.25", utilities="1200.10",
        food_household="4000.00", transport="1150.19", childcare="0", other_debts="2600.00",
        other="", currency="SEK") | {"statement-currency": "SEK"})
    assert response.status_code == 200
    assert response["Vary"].count("HX-Request") == 1
    html = response.content.decode()
    assert "<html" not in html
    assert shown(html, "net_income") == Decimal("23450.55")
    assert shown(html, "total_expenditure") == Decimal("18750.54")
    assert shown(html, "disposable_income") == Decimal("4700.01")
    # 70 % of 4700.01 is 3290.007: rounded down, never half-up (3290.01).
    assert shown(html, "suggestion") == Decimal("3290.00")
    assert 'data-use-amount="3290.00"' in html
    assert "SEK" in re.search(r'data-statement-figure="suggestion">([^<]*)<', html).group(1)


def test_the_share_comes_from_the_setting_and_no_room_means_no_suggestion(agent_client,
                                                                           settings):
    settings.PLAN_AFFORDABILITY_SHARE = Decimal("50")
    guid = str(uuid.uuid4())
    html = htmx(agent_client, statement_url(guid), statement(
        net_income="1000.03", housing="0.00")).content.decode()
    expected = (Decimal("1000.03") * Decimal("0.5")).quantize(CENT, rounding=ROUND_DOWN)
    assert shown(html, "suggestion") == expected == Decimal("500.01")
    html = htmx(agent_client, statement_url(guid), statement(
        net_income="1000.00", housing="1000.00")).content.decode()
    assert shown(html, "disposable_income") == Decimal("0.00")
    assert "data-no-room" in html and "data-use-amount" not in html


def test_taking_the_suggestion_gives_the_apis_plan_for_that_amount(agent_client, agent_user,
                                                                  debtor):
    """The plain POST of "Use this amount" (what the script does in the browser): amount set,
    number of payments cleared, the plan recalculated; equal to Aptic's P6 for that amount."""
    guid = debtor["debtorGuid"]
    data = calc_data(case_guids(debtor), number_of_payments="12", invoice_fee="0.00") | \
        statement(net_income="30000.00", housing="12000.00", food_household="17000.00",
                  use="1")
    response = agent_client.post(statement_url(guid), data)
    assert response.status_code == 200
    html = response.content.decode()
    suggestion = shown(html, "suggestion")
    assert suggestion == Decimal("700.00")  # 70 % of 1000.00
    assert re.search(r'name="amount" value="700.00"', html)
    assert re.search(r'name="number_of_payments"(?![^>]*value="\d)', html)
    expected = direct_calculate(guid, PlanInput(
        payment_plan_type=1, amount=suggestion, registration_fee=Decimal("0.00"),
        invoice_fee=Decimal("0.00"), reminder_fee=Decimal("60.00"),
        cases=tuple(case_guids(debtor))), agent_user)
    rows = schedule_rows(html)
    assert len(rows) == expected.number_of_payments == len(expected.periods)
    for row, period in zip(rows, expected.periods, strict=True):
        assert row[1] == date_only(period.due_date)
        assert row[2:] == (period.amount, period.principal, period.interest, period.fee,
                           period.remaining_principal)
    assert number(figure(html, "total_amount")) == expected.total_amount
    assert number(figure(html, "monthly_payment")) == suggestion
    # The statement's own fields survived the round trip.
    assert 'name="statement-net_income" value="30000.00"' in html


def test_a_limited_plan_keeps_its_number_of_payments_when_taking_the_suggestion(agent_client,
                                                                                debtor):
    guid = debtor["debtorGuid"]
    data = calc_data(case_guids(debtor), plan_type=2, number_of_payments="10",
                     amount="300.00") | statement(net_income="2000.00", use="1")
    html = agent_client.post(statement_url(guid), data).content.decode()
    assert 'name="amount" value="1400.00"' in html
    assert 'name="number_of_payments" value="10"' in html
    assert len(schedule_rows(html)) == 8  # 10000 at 12 %, 1400 a month: paid off in 8


def test_without_javascript_calculate_also_works_out_the_statement(agent_client, debtor):
    """The statement's inputs belong to the calculator's form: its plain POST (the Calculate
    button) shows the figures on the whole page, and a wrong amount is a 422 there."""
    guid = debtor["debtorGuid"]
    data = calc_data(case_guids(debtor)) | statement(net_income="5000.00", housing="4000.00")
    html = agent_client.post(f"/debtors/{guid}/plans/new", data).content.decode()
    assert "<html" in html and len(schedule_rows(html)) == 12
    assert shown(html, "disposable_income") == Decimal("1000.00")
    response = agent_client.post(statement_url(guid), calc_data(case_guids(debtor)) |
                                 statement(net_income="5000.00", housing="-4000.00"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and len(schedule_rows(html)) == 12  # the plan still shown
    assert "cannot be negative" in field_errors(html, "id_statement-housing")
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="statement-housing"[^>]*>',
                                              html).group(0)


# --- Validation -----------------------------------------------------------------------------


def test_validation_messages_at_the_fields_and_nothing_is_asked(agent_client, settings):
    settings.PLAN_STATEMENT_MAX_AMOUNT = Decimal("10000000")
    guid = str(uuid.uuid4())  # no sandbox fixture: any call to Aptic would fail the request
    response = htmx(agent_client, statement_url(guid), statement(
        net_income="-1.00", housing="10000000.01", utilities="12.345", transport="lots",
        childcare="10000000.00"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "cannot be negative" in field_errors(html, "id_statement-net_income")
    assert "At most 10,000,000 a month" in field_errors(html, "id_statement-housing")
    assert "two decimals" in field_errors(html, "id_statement-utilities")
    assert "Enter an amount" in field_errors(html, "id_statement-transport")
    assert field_errors(html, "id_statement-childcare") == ""  # at the limit is fine
    assert 'hx-swap-oob="true"' in html
    invalid = re.search(r'data-invalid-fields="([^"]*)"', html).group(1).split()
    assert set(invalid) == {"statement-net_income", "statement-housing",
                            "statement-utilities", "statement-transport"}
    assert "data-statement-figure" not in html

    response = htmx(agent_client, statement_url(guid), statement(housing="500.00"))
    assert response.status_code == 422
    assert "Give the monthly net income" in field_errors(response.content.decode(),
                                                          "id_statement-net_income")


def test_a_proposal_with_a_wrong_statement_is_not_sent_and_keeps_the_input(
        agent_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    response = agent_client.post(f"/debtors/{guid}/plans/new/propose", calc_data(
        case_guids(debtor), note="Keep me") | statement(net_income="-5.00", housing="800.00"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "cannot be negative" in field_errors(html, "id_statement-net_income")
    assert 'value="-5.00"' in html and 'value="800.00"' in html and "Keep me" in html
    assert not PlanProposal.objects.exists() and not Statement.objects.exists()
    assert audit_entries("plan.create") == []
    assert audit_entries("statement.create") == []
    assert _plans_upstream(sandbox_api, guid) == 0


@pytest.mark.parametrize(("terms", "why"), [
    (dict(number_of_payments="12", amount="500.00"), "not both"),  # our own check
    (dict(number_of_payments="", amount="50.00"), "Too low"),  # Aptic's 400 on the field
])
def test_the_statement_survives_a_proposal_refused_for_its_terms(agent_client, debtor, terms,
                                                                why):
    guid = debtor["debtorGuid"]
    response = agent_client.post(f"/debtors/{guid}/plans/new/propose", calc_data(
        case_guids(debtor), note="x", **terms) | statement(net_income="4000.00",
                                                           other="1500.25"))
    assert response.status_code == 422
    html = response.content.decode()
    assert why in html
    assert 'name="statement-net_income" value="4000.00"' in html
    assert 'name="statement-other" value="1500.25"' in html
    assert shown(html, "disposable_income") == Decimal("2499.75")
    assert not Statement.objects.exists()


# --- Stored with the proposal ---------------------------------------------------------------


def test_the_statement_is_stored_with_the_proposal_and_audited(agent_client, agent_user,
                                                              debtor):
    proposal = propose(agent_client, debtor, **statement(
        net_income="25000.00", housing="9000.00", utilities="1500.50",
        food_household="4000.00", transport="", childcare="2000.00", other_debts="1000.00",
        other="499.50"))
    stored = Statement.objects.get()
    assert stored.proposal == proposal and proposal.statement == stored
    assert stored.debtor_guid == debtor["debtorGuid"]
    assert stored.created_by == agent_user
    assert stored.currency == "SEK" == proposal.currency
    assert stored.net_income == Decimal("25000.00")
    assert stored.expenditure == {
        "housing": "9000.00", "utilities": "1500.50", "food_household": "4000.00",
        "transport": "0.00", "childcare": "2000.00", "other_debts": "1000.00",
        "other": "499.50"}
    assert stored.disposable_income == Decimal("7000.00")
    [entry] = audit_entries("statement.create")
    assert entry.outcome == "ok" and entry.actor == agent_user and entry.role == "agent"
    assert entry.target_type == "statement" and entry.target_id == str(stored.pk)
    assert entry.debtor_guid == debtor["debtorGuid"]
    assert entry.request_body == {"proposal": proposal.pk, "plan_guid": proposal.plan_guid}
    recorded = json.dumps([entry.request_body, entry.before, entry.after])
    assert "25000" not in recorded and "9000" not in recorded  # the amounts stay out of it


def test_a_proposal_without_a_statement_stores_none(agent_client, debtor):
    proposal = propose(agent_client, debtor, **statement(net_income="", housing=""))
    assert not Statement.objects.exists()
    assert audit_entries("statement.create") == []
    html = agent_client.get(f"/approvals/{proposal.pk}/").content.decode()
    assert "Income and expenditure" not in html


# --- The flag -------------------------------------------------------------------------------


def _proposal_at(client, debtor, amount: str) -> PlanProposal:
    """An annuity of `amount` a month (no fees) against a statement leaving exactly 900.00."""
    return propose(client, debtor, number_of_payments="", amount=amount,
                   **statement(net_income="3000.00", housing="2100.00"))


def _row(html: str, pk: int) -> str:
    start = html.index(f'data-proposal="{pk}"')
    return html[start:html.index("</tr>", start)]


def test_the_queue_and_the_proposal_page_flag_an_instalment_above_disposable_income(
        agent_client, supervisor_client, debtor, sandbox_api):
    at = _proposal_at(agent_client, debtor, "900.00")
    above = _proposal_at(agent_client, debtor, "900.01")
    for proposal, monthly in ((at, "900.00"), (above, "900.01")):
        plan = upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)
        assert Decimal(str(plan["periods"][1]["amount"])) == Decimal(monthly)  # Aptic's figure
        assert proposal.statement.disposable_income == Decimal("900.00")
    html = supervisor_client.get("/approvals/").content.decode()
    assert "data-above-disposable" not in _row(html, at.pk)
    assert "Instalment above disposable income" in _row(html, above.pk)
    page = supervisor_client.get(f"/approvals/{above.pk}/").content.decode()
    assert "Instalment above disposable income" in page
    page = supervisor_client.get(f"/approvals/{at.pk}/").content.decode()
    assert "data-above-disposable" not in page
    assert shown(page, "disposable_income") == Decimal("900.00")


# --- Who sees it ----------------------------------------------------------------------------


def test_only_those_who_may_see_the_proposal_see_its_statement(
        agent_client, agent_user, agent2_user, supervisor_client, supervisor_user, debtor):
    proposal = propose(agent_client, debtor, **statement(net_income="31337.00",
                                                         housing="1000.00"))
    for client in (agent_client, supervisor_client):
        page = client.get(f"/approvals/{proposal.pk}/")
        assert page.status_code == 200
        assert shown(page.content.decode(), "net_income") == Decimal("31337.00")
    other = Client()
    other.force_login(agent2_user)
    page = other.get(f"/approvals/{proposal.pk}/")
    assert page.status_code == 403
    assert "31,337" not in page.content.decode()
    assert statement_for_viewer(user=agent2_user, proposal=proposal) is None
    assert statement_for_viewer(user=agent_user, proposal=proposal) == proposal.statement
    assert statement_for_viewer(user=supervisor_user, proposal=proposal) == proposal.statement


def test_the_statement_endpoint_needs_sign_in_and_post(client, agent_client):
    guid = str(uuid.uuid4())
    answer = client.post(statement_url(guid), statement(net_income="1.00"))
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert agent_client.get(statement_url(guid)).status_code == 405


# --- Retention ------------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 3, 6, 0, tzinfo=dt.UTC)


def _statement_made(user, when: dt.datetime) -> Statement:
    made = Statement.objects.create(debtor_guid=str(uuid.uuid4()), net_income=Decimal("1.00"),
                                    expenditure={}, currency="SEK", created_by=user)
    Statement.objects.filter(pk=made.pk).update(created_at=when)
    return made


def test_retention_deletes_statements_older_than_the_setting_and_audits_the_run(
        agent_user, settings):
    settings.PLAN_STATEMENT_RETENTION_MONTHS = 24
    cutoff = dt.datetime(2024, 12, 3, 6, 0, tzinfo=dt.UTC)
    old = _statement_made(agent_user, cutoff - dt.timedelta(microseconds=1))
    boundary = _statement_made(agent_user, cutoff)
    recent = _statement_made(agent_user, NOW - dt.timedelta(days=1))
    assert statements_sweep(now=NOW) == {"deleted": 1, "before": cutoff.isoformat()}
    assert set(Statement.objects.values_list("pk", flat=True)) == {boundary.pk, recent.pk}
    [entry] = audit_entries("statement.delete")
    assert entry.outcome == "ok" and entry.actor is None
    assert entry.target_type == "statement"
    assert entry.request_body == {"count": 1, "before": cutoff.isoformat(), "ids": [old.pk]}
    assert "24 months" in entry.reason
    assert statements_sweep(now=NOW)["deleted"] == 0  # once; the run is still recorded
    assert [e.request_body["count"] for e in audit_entries("statement.delete")] == [1, 0]


def test_retention_months_follow_the_calendar():
    assert months_before(dt.datetime(2026, 8, 31, 12, tzinfo=dt.UTC), 6) == dt.datetime(
        2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 24) == dt.datetime(
        2024, 1, 15, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 3, 31, tzinfo=dt.UTC), 1) == dt.datetime(
        2026, 2, 28, tzinfo=dt.UTC)


def test_the_sweep_is_a_periodic_job_run_by_the_worker(admin_user, agent_user, settings):
    settings.PLAN_STATEMENT_RETENTION_MONTHS = 1
    _statement_made(agent_user, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert registry.STATEMENTS_SWEEP in registry.PERIODIC
    assert registry.JOBS["statements_sweep"].by_hand
    assert registry.clean_options("statements_sweep", {"x": 1}) == {}
    job = job_start(name="statements_sweep", options={}, actor=admin_user)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobRun.Status.DONE, job.error
    assert job.result["deleted"] == 1
    assert not Statement.objects.exists()
    assert "1 income and expenditure statements older than" in registry.describe_result(
        "statements_sweep", job.result)
    assert AuditEntry.objects.filter(action="statement.delete",
                                     request_body__count=1).exists()


@pytest.mark.parametrize("months", [24, 6])
def test_the_default_and_a_configured_retention(agent_user, settings, months):
    settings.PLAN_STATEMENT_RETENTION_MONTHS = months
    kept = _statement_made(agent_user, months_before(NOW, months))
    gone = _statement_made(agent_user, months_before(NOW, months) - dt.timedelta(seconds=1))
    assert statements_sweep(now=NOW)["deleted"] == 1
    assert Statement.objects.filter(pk=kept.pk).exists()
    assert not Statement.objects.filter(pk=gone.pk).exists()


def test_my_proposals_flags_an_instalment_above_disposable_income_in_constant_queries(
        agent_client, debtor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    at = _proposal_at(agent_client, debtor, "900.00")
    above = _proposal_at(agent_client, debtor, "900.01")

    def mine() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = agent_client.get("/proposals/mine/")
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    html, two = mine()
    assert "data-above-disposable" not in _row(html, at.pk)
    assert "Instalment above disposable income" in _row(html, above.pk)
    more = [_proposal_at(agent_client, debtor, "950.00") for _ in range(2)]
    html, four = mine()
    assert all("data-above-disposable" in _row(html, p.pk) for p in more)
    assert four == two  # the statements come with the proposals, not one query per row
