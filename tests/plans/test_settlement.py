"""Settlement offers: figures as the API answers them, the limits at every boundary, the queue,
the proposal page, the agreement, and who may do what."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backoffice.gateway import PlanInput, PlanState, PlanType, fingerprint, get_gateway
from backoffice.request_context import acting_as
from plans.models import PlanProposal
from tests.plans.plan_pages import (
    audit_entries,
    case_guids,
    direct_calculate,
    field_errors,
    figure,
    htmx,
    number,
    schedule_rows,
    upstream_plan,
)

Status = PlanProposal.Status
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def owed_of(debtor: dict) -> Decimal:
    return Decimal(str(debtor["cases"][0]["remainingSum"])).quantize(CENT)


def share(debtor: dict, fraction: str) -> Decimal:
    """That fraction of what the debtor owes, in cents."""
    return (owed_of(debtor) * Decimal(fraction)).quantize(CENT)


@pytest.fixture(autouse=True)
def _limits(settings):
    """The limits the boundaries below are drawn at (the defaults, stated here)."""
    settings.PLAN_SETTLEMENT = {"agent_max_discount": Decimal("10"), "agent_max_payments": 3,
                                "supervisor_max_discount": Decimal("30"),
                                "supervisor_max_payments": 12}


def url(debtor: dict, tail: str = "") -> str:
    return f"/debtors/{debtor['debtorGuid']}/plans/settle{tail}"


def settle_data(debtor: dict, *, amount: str = "", discount: str = "", payments="1",
                note: str = "Agreed on the phone", cases=None, **extra: str) -> dict:
    return {"cases": case_guids(debtor) if cases is None else cases,
            "settlement_amount": amount, "discount_percent": discount,
            "number_of_payments": str(payments), "note": note, **extra}


def offer(client, debtor: dict, **form) -> PlanProposal:
    """Proposes a settlement through the view; our record of it."""
    before = set(PlanProposal.objects.values_list("pk", flat=True))
    response = client.post(url(debtor, "/propose"), settle_data(debtor, **form))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = PlanProposal.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"/approvals/{created.pk}/"
    return created


def refused(client, debtor: dict, **form):
    response = client.post(url(debtor, "/propose"), settle_data(debtor, **form))
    assert response.status_code == 422, response.content.decode()[:3000]
    return response.content.decode()


def _relief(debtor: dict, *, payments: int, amount: str) -> PlanInput:
    return PlanInput(payment_plan_type=PlanType.DEBT_RELIEF, number_of_payments=payments,
                     amount=Decimal(amount), registration_fee=ZERO, invoice_fee=ZERO,
                     reminder_fee=Decimal("60.00"), cases=tuple(case_guids(debtor)))


# --- The figures ---------------------------------------------------------------------------


def test_the_page_shows_the_total_owed_of_the_free_cases(agent_client, debtor, sandbox_api):
    second = sandbox_api.add_case(debtor["debtorGuid"], remainingPrincipal=2500.55)
    response = agent_client.get(url(debtor))
    html = response.content.decode()
    assert response.status_code == 200
    owed = Decimal(str(debtor["cases"][0]["remainingSum"])) + Decimal(
        str(second["remainingSum"]))
    assert number(figure(html, "total_owed")) == owed
    assert f'value="{second["caseGuid"]}"' in html and "checked" in html
    limits = html[html.index("data-settlement-limits"):]
    assert "at most 10%" in limits and "up to 30% and 12 payments" in limits


def test_the_offer_is_figured_from_the_apis_answer(agent_client, agent_user, debtor):
    response = agent_client.post(url(debtor), settle_data(debtor, amount="7500.00", payments=3))
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    api = direct_calculate(debtor["debtorGuid"], _relief(debtor, payments=3, amount="2500.00"),
                           agent_user)
    owed = owed_of(debtor)
    assert api.payment_plan_type == 5 and api.number_of_payments == 3
    assert number(figure(html, "total_owed")) == owed
    assert number(figure(html, "settlement_amount")) == api.total_principal == api.total_amount
    assert number(figure(html, "written_off")) == owed - api.total_principal
    assert number(figure(html, "discount_amount")) == owed - api.total_principal
    assert number(figure(html, "discount_percent")) == (
        (owed - api.total_principal) * 100 / owed).quantize(Decimal("0.01"))
    assert number(figure(html, "instalment")) == api.periods[0].amount
    assert figure(html, "number_of_payments") == "3"
    rows = schedule_rows(html, "settlement-schedule")
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows] == [
        (p.period_number, p.amount, p.principal, p.interest, p.fee) for p in api.periods]


def test_a_discount_percent_gives_the_amount_and_a_lump_sum(agent_client, agent_user, debtor):
    html = agent_client.post(url(debtor), settle_data(debtor, discount="12.5")).content.decode()
    owed = owed_of(debtor)
    amount = (owed * Decimal("0.875")).quantize(Decimal("0.01"))
    api = direct_calculate(debtor["debtorGuid"], _relief(debtor, payments=1, amount=str(amount)),
                           agent_user)
    assert api.number_of_payments == 1
    assert number(figure(html, "instalment")) == api.periods[0].amount == amount
    assert number(figure(html, "written_off")) == owed - api.total_principal
    assert "Lump sum" in html


def test_the_record_holds_the_apis_figures(agent_client, agent_user, debtor, sandbox_api):
    proposal = offer(agent_client, debtor, amount="8000.00", payments=2)
    plan = upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)
    owed = owed_of(debtor)
    assert plan["paymentPlanType"] == 5 and plan["active"] == PlanState.PROPOSAL
    assert plan["numberOfPayments"] == 2
    assert [Decimal(str(p["amount"])) for p in plan["periods"]] == [Decimal("4000.00")] * 2
    paid = Decimal(str(plan["totalPrincipal"]))
    assert proposal.kind == PlanProposal.Kind.SETTLEMENT
    assert proposal.total_owed == owed
    assert proposal.written_off_amount == owed - paid
    assert proposal.discount_percent == ((owed - paid) * 100 / owed).quantize(Decimal("0.0001"))
    recorded = audit_entries("plan.settlement", target_id=proposal.plan_guid)
    assert [(e.outcome, e.actor) for e in recorded] == [("ok", agent_user)]
    assert Decimal(recorded[0].after["written_off_amount"]) == owed - paid
    assert [e.outcome for e in audit_entries("plan.create")] == ["ok"]


def test_htmx_gets_the_result_with_field_errors_out_of_band(agent_client, debtor):
    response = htmx(agent_client, url(debtor), settle_data(debtor, amount="9000.00"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'data-figure="written_off"' in html
    assert "HX-Request" in response["Vary"]
    bad = htmx(agent_client, url(debtor), settle_data(debtor, amount="9000", discount="5"))
    assert bad.status_code == 422
    body = bad.content.decode()
    assert 'id="id_settlement_amount_error" hx-swap-oob="true"' in body
    assert "not both" in field_errors(body, "id_discount_percent")


def test_invalid_input_is_not_sent(agent_client, debtor, upstream):
    owed = owed_of(debtor)
    for form, field, text in [
        ({"amount": "9000", "discount": "5"}, "id_settlement_amount", "not both"),
        ({}, "id_discount_percent", "settlement amount or the discount"),
        ({"amount": str(owed + Decimal("0.01"))}, "id_settlement_amount", "More than the total"),
        ({"amount": "9000", "payments": "0"}, "id_number_of_payments", "greater than or equal"),
        ({"amount": "9000", "cases": []}, "id_cases", "Tick at least one case"),
    ]:
        upstream.reset()
        html = refused(agent_client, debtor, **form)
        assert text in field_errors(html, field), form
        assert upstream.calls("POST", f"/debtors/{debtor['debtorGuid']}/paymentplans") == 0
    assert not PlanProposal.objects.exists()
    assert audit_entries("plan.create") == []


# --- The discount limits -------------------------------------------------------------------


def test_exactly_the_agents_discount_is_activated_by_the_agent(agent_client, agent_user, debtor,
                                                               sandbox_api):
    owed = owed_of(debtor)
    at_limit = share(debtor, "0.90")
    page = agent_client.post(url(debtor), settle_data(debtor, amount=str(at_limit)))
    assert 'data-level="agent"' in page.content.decode()
    proposal = offer(agent_client, debtor, amount=str(at_limit), activate="1")
    proposal.refresh_from_db()
    assert proposal.written_off_amount == owed - at_limit
    assert proposal.status == Status.APPROVED and proposal.activated_directly
    assert proposal.decided_by == agent_user
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1
    assert [(e.outcome, e.actor) for e in audit_entries("plan.activate")] == [("ok", agent_user)]


def test_one_cent_over_the_agents_discount_needs_approval(agent_client, debtor, sandbox_api):
    over = share(debtor, "0.90") - Decimal("0.01")
    page = agent_client.post(url(debtor), settle_data(debtor, amount=str(over)))
    assert 'data-level="supervisor"' in page.content.decode()
    proposal = offer(agent_client, debtor, amount=str(over), activate="1")
    proposal.refresh_from_db()
    assert proposal.written_off_amount == share(debtor, "0.10") + Decimal("0.01")
    assert proposal.status == Status.PENDING and not proposal.activated_directly
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    denied = audit_entries("plan.activate", outcome="denied")
    assert len(denied) == 1 and "agent's limits" in denied[0].reason


def test_exactly_the_supervisors_discount_is_proposed_and_approved(
        agent_client, supervisor_client, supervisor_user, debtor, sandbox_api):
    proposal = offer(agent_client, debtor, amount=str(share(debtor, "0.70")))
    assert proposal.status == Status.PENDING
    assert proposal.written_off_amount == share(debtor, "0.30")
    page = supervisor_client.get(f"/approvals/{proposal.pk}/").content.decode()
    assert "data-approve" in page
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.decided_by == supervisor_user
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1


def test_one_cent_over_the_supervisors_discount_is_refused_at_the_field(
        agent_client, agent_user, debtor, sandbox_api, upstream):
    over = share(debtor, "0.70") - Decimal("0.01")
    html = refused(agent_client, debtor, amount=str(over), note="Keep me")
    assert "more than a supervisor may approve" in field_errors(html, "id_settlement_amount")
    assert "Keep me" in html and f'value="{over}"' in html
    assert upstream.calls("POST", f"/debtors/{debtor['debtorGuid']}/paymentplans") == 0
    assert sandbox_api.http.get(f"/debtors/{debtor['debtorGuid']}/paymentplans").json()[
        "total"] == 0
    assert not PlanProposal.objects.exists()
    denied = audit_entries("plan.create")
    assert [(e.outcome, e.actor) for e in denied] == [("denied", agent_user)]
    assert "supervisor's limits" in denied[0].reason


def test_a_discount_given_in_percent_is_refused_at_its_field(agent_client, debtor):
    html = refused(agent_client, debtor, discount="30.01")
    assert "more than a supervisor may approve" in field_errors(html, "id_discount_percent")
    assert [e.outcome for e in audit_entries("plan.create")] == ["denied"]


# --- The duration limits -------------------------------------------------------------------


def test_exactly_the_agents_payments_are_activated_by_the_agent(agent_client, debtor,
                                                                sandbox_api):
    proposal = offer(agent_client, debtor, amount="9000.00", payments=3, activate="1")
    proposal.refresh_from_db()
    assert proposal.number_of_payments == 3
    assert proposal.status == Status.APPROVED and proposal.activated_directly
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1


def test_one_payment_over_the_agents_needs_approval(agent_client, debtor, sandbox_api):
    proposal = offer(agent_client, debtor, amount="9000.00", payments=4, activate="1")
    proposal.refresh_from_db()
    assert proposal.number_of_payments == 4
    assert proposal.status == Status.PENDING
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    assert [e.outcome for e in audit_entries("plan.activate")] == ["denied"]


def test_exactly_the_supervisors_payments_are_proposed_and_approved(
        agent_client, supervisor_client, debtor, sandbox_api):
    proposal = offer(agent_client, debtor, amount="9000.00", payments=12)
    assert proposal.number_of_payments == 12 and proposal.status == Status.PENDING
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1


def test_one_payment_over_the_supervisors_is_refused_at_the_field(agent_client, agent_user,
                                                                  debtor, upstream):
    html = refused(agent_client, debtor, amount="9000.00", payments=13)
    assert "more than a supervisor may approve" in field_errors(html, "id_number_of_payments")
    assert upstream.calls("POST", f"/debtors/{debtor['debtorGuid']}/paymentplans") == 0
    assert not PlanProposal.objects.exists()
    assert [(e.outcome, e.actor) for e in audit_entries("plan.create")] == [
        ("denied", agent_user)]


# --- Approval checks the limits again ------------------------------------------------------


def test_a_supervisor_cannot_approve_beyond_their_limit(agent_client, supervisor_client,
                                                       supervisor_user, debtor, sandbox_api,
                                                       settings, upstream):
    proposal = offer(agent_client, debtor, amount="7500.00", payments=6)
    settings.PLAN_SETTLEMENT = {**settings.PLAN_SETTLEMENT,
                                "supervisor_max_discount": Decimal("20")}
    page = supervisor_client.get(f"/approvals/{proposal.pk}/").content.decode()
    assert "beyond what a supervisor may approve" in page and "data-approve" not in page
    upstream.reset()
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert upstream.calls("POST", f"/debtors/{debtor['debtorGuid']}/paymentplans/"
                                  f"{proposal.plan_guid}/activate") == 0
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    denied = audit_entries("plan.activate")
    assert [(e.outcome, e.actor) for e in denied] == [("denied", supervisor_user)]


def test_new_deviating_payments_refigure_the_settlement(agent_client, agent_user,
                                                       supervisor_client, debtor):
    proposal = offer(agent_client, debtor, amount="8000.00", payments=2)
    guid = debtor["debtorGuid"]
    with acting_as(agent_user):
        plan = get_gateway().plan_get(guid, proposal.plan_guid)
    response = agent_client.post(f"/debtors/{guid}/plans/{proposal.plan_guid}/payments", {
        "fingerprint": fingerprint(plan), "payments-TOTAL_FORMS": "1",
        "payments-INITIAL_FORMS": "0",
        "payments-0-due_date": plan.periods[0].due_date.isoformat(),
        "payments-0-amount": "1000.00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with acting_as(agent_user):
        now = get_gateway().plan_get(guid, proposal.plan_guid)
    proposal.refresh_from_db()
    assert now.periods[0].amount == Decimal("1000.00")
    assert proposal.written_off_amount == owed_of(debtor) - now.total_principal
    assert proposal.discount_percent == (
        proposal.written_off_amount * 100 / owed_of(debtor)).quantize(Decimal("0.0001"))
    # The smaller first payment leaves more to write off: now beyond a supervisor's limit.
    assert proposal.written_off_amount > share(debtor, "0.30")
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.CHANGED
    assert [e.outcome for e in audit_entries("plan.activate")] == ["denied"]


# --- Where the discount is shown -----------------------------------------------------------


def test_the_queue_and_the_proposal_show_the_discount(agent_client, supervisor_client, debtor):
    proposal = offer(agent_client, debtor, amount="7500.00", payments=6)
    queue = supervisor_client.get("/approvals/").content.decode()
    assert f'data-settlement-discount="{proposal.pk}"' in queue
    assert "Settlement, 25.00% off" in queue and "SEK2,500.00 written off" in queue
    mine = agent_client.get("/proposals/mine/").content.decode()
    assert f'data-settlement-discount="{proposal.pk}"' in mine
    page = supervisor_client.get(f"/approvals/{proposal.pk}/").content.decode()
    assert figure(page, "discount_percent") == "25.00%"
    assert number(figure(page, "written_off")) == Decimal("2500.00")
    assert number(figure(page, "total_owed")) == Decimal(str(debtor["cases"][0]["remainingSum"]))


def test_an_ordinary_plan_shows_no_settlement(agent_client, supervisor_client, debtor):
    from tests.plans.plan_pages import propose

    proposal = propose(agent_client, debtor)
    assert proposal.kind == PlanProposal.Kind.PLAN
    queue = supervisor_client.get("/approvals/").content.decode()
    assert "data-settlement-discount" not in queue
    agreement = agent_client.get(
        f"/debtors/{debtor['debtorGuid']}/plans/{proposal.plan_guid}/agreement")
    assert "data-settlement" not in agreement.content.decode()


def test_the_agreement_states_the_discount_and_the_written_off_amount(agent_client, debtor,
                                                                     sandbox_api):
    proposal = offer(agent_client, debtor, amount="7500.00", payments=3)
    response = agent_client.get(
        f"/debtors/{debtor['debtorGuid']}/plans/{proposal.plan_guid}/agreement")
    html = response.content.decode()
    assert response.status_code == 200
    section = html[html.index("data-settlement"):]
    plan = upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)
    paid = Decimal(str(plan["totalAmount"]))
    owed = owed_of(debtor)
    assert figure(section, "discount_percent") == "25.00%"
    assert number(figure(section, "written_off")) == owed - paid
    assert (f"accepts SEK{paid:,.2f} in settlement, a discount of 25.00%" in section
            and f"the remaining SEK{owed - paid:,.2f} is written off" in section)


# --- Roles and upstream faults -------------------------------------------------------------


def test_roles(client, norole_user, agent_client, supervisor_client, admin_client_role, debtor):
    assert client.get(url(debtor)).status_code == 302  # to sign-in
    for signed_in in (agent_client, supervisor_client, admin_client_role):
        assert signed_in.get(url(debtor)).status_code == 200
    client.force_login(norole_user)
    assert client.get(url(debtor)).status_code == 403
    response = client.post(url(debtor, "/propose"), settle_data(debtor, amount="9000.00"))
    assert response.status_code == 403
    assert not PlanProposal.objects.exists()
    denied = audit_entries("plan.create")
    assert [(e.outcome, e.actor) for e in denied] == [("denied", norole_user)]
    assert agent_client.get(url(debtor, "/propose")).status_code == 405


def test_a_supervisor_does_not_approve_their_own_settlement(supervisor_client, supervisor_user,
                                                           debtor):
    proposal = offer(supervisor_client, debtor, amount="8000.00")
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert [e.outcome for e in audit_entries("plan.activate")] == ["denied"]


def test_an_outage_while_proposing_keeps_the_input(agent_client, debtor, sandbox_api, settings):
    agent_client.get(url(debtor))  # the page was read before Aptic stopped answering
    settings.APTIC_RETRY_ATTEMPTS = 1
    sandbox_api.set_faults(status=503)
    response = agent_client.post(url(debtor, "/propose"),
                                 settle_data(debtor, amount="8000.00", note="Keep me too"))
    sandbox_api.clear_faults()
    html = response.content.decode()
    assert response.status_code == 503
    assert "data-upstream-banner" in html and "Keep me too" in html
    assert not PlanProposal.objects.exists()
    assert [e.outcome for e in audit_entries("plan.create")] == ["failed"]
