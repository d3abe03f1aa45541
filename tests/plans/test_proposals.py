"""Proposing, the approval queue, approve/reject, four-eyes, fingerprints, 409, the policy."""

from __future__ import annotations

from decimal import Decimal

from backoffice.gateway import fingerprint, get_gateway
from backoffice.request_context import acting_as
from plans.models import PlanProposal
from plans.selectors import proposal_pending_count
from tests.plans.plan_pages import audit_entries, calc_data, case_guids, propose, upstream_plan

Status = PlanProposal.Status


def _read_plan(debtor_guid: str, plan_guid: str, user):
    with acting_as(user):
        return get_gateway().plan_get(debtor_guid, plan_guid)


# --- Propose --------------------------------------------------------------------------------


def test_propose_creates_a_proposal_upstream_and_records_it(agent_client, agent_user, debtor,
                                                           sandbox_api):
    proposal = propose(agent_client, debtor, note="Pays on the 25th", number_of_payments="10")
    plan = upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)
    assert plan["active"] == 2
    assert plan["numberOfPayments"] == 10
    as_read = _read_plan(debtor["debtorGuid"], proposal.plan_guid, agent_user)
    assert proposal.fingerprint == fingerprint(as_read)
    assert proposal.status == Status.PENDING
    assert proposal.proposed_by == agent_user
    assert proposal.note == "Pays on the 25th"
    assert proposal.total_amount == as_read.total_amount
    assert proposal.number_of_payments == 10
    assert proposal.annual_percentage == as_read.annual_percentage
    assert proposal.currency == "SEK"
    assert proposal.debtor_name.startswith("Test Person")
    created = audit_entries("plan.create", target_id=proposal.plan_guid)
    assert [e.outcome for e in created] == ["ok"]
    assert created[0].actor == agent_user
    page = agent_client.get(f"/approvals/{proposal.pk}/")
    assert page.status_code == 200
    assert "Pays on the 25th" in page.content.decode()


def test_an_invalid_proposal_is_not_sent(agent_client, debtor):
    guid = debtor["debtorGuid"]
    response = agent_client.post(f"/debtors/{guid}/plans/new/propose",
                                 calc_data(case_guids(debtor), amount="500", note="x"))
    assert response.status_code == 422
    assert "not both" in response.content.decode()
    assert not PlanProposal.objects.exists()
    assert audit_entries("plan.create") == []


def test_a_refused_proposal_keeps_the_input(agent_client, debtor):
    guid = debtor["debtorGuid"]
    response = agent_client.post(
        f"/debtors/{guid}/plans/new/propose",
        calc_data(case_guids(debtor), number_of_payments="", amount="50.00", note="Keep me"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "Too low" in html
    assert "Keep me" in html and 'value="50.00"' in html
    assert not PlanProposal.objects.exists()


# --- The queue ------------------------------------------------------------------------------


def test_the_queue_lists_open_proposals_oldest_first_and_filters(
        agent_client, agent2_user, supervisor_client, debtor, sandbox_api, client):
    first = propose(agent_client, debtor, number_of_payments="12")
    client.force_login(agent2_user)
    second = propose(client, debtor, number_of_payments="24")
    html = supervisor_client.get("/approvals/").content.decode()
    assert html.index(f'data-proposal="{first.pk}"') < html.index(f'data-proposal="{second.pk}"')
    assert "agent1" in html and "agent2" in html
    assert debtor["cases"] and first.debtor_name in html
    only2 = supervisor_client.get(f"/approvals/?proposer={agent2_user.pk}").content.decode()
    assert f'data-proposal="{second.pk}"' in only2
    assert f'data-proposal="{first.pk}"' not in only2
    in_sek = supervisor_client.get("/approvals/?currency=SEK").content.decode()
    assert in_sek.count('data-proposal="') == 2
    in_eur = supervisor_client.get("/approvals/?currency=EUR").content.decode()
    assert "Select a valid choice" in in_eur  # no open proposal is in EUR
    changed = supervisor_client.get("/approvals/?changed_only=on").content.decode()
    assert 'data-proposal="' not in changed
    assert proposal_pending_count() == 2
    nav = supervisor_client.get("/accounts/profile/").content.decode()
    assert '<span class="badge" aria-label="2 pending">2</span>' in nav


def test_agents_see_their_own_proposals(agent_client, agent2_user, debtor, client):
    mine = propose(agent_client, debtor)
    client.force_login(agent2_user)
    theirs = propose(client, debtor, number_of_payments="6")
    html = agent_client.get("/proposals/mine/").content.decode()
    assert f'data-proposal="{mine.pk}"' in html
    assert f'data-proposal="{theirs.pk}"' not in html
    assert "Pending approval" in html
    assert agent_client.get(f"/approvals/{theirs.pk}/").status_code == 403


# --- Approve --------------------------------------------------------------------------------


def test_a_supervisor_approves_and_the_plan_becomes_active(
        agent_client, supervisor_client, supervisor_user, debtor, sandbox_api):
    proposal = propose(agent_client, debtor)
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 302
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert proposal.decided_by == supervisor_user
    assert proposal.decided_at is not None
    activated = audit_entries("plan.activate", target_id=proposal.plan_guid)
    assert [(e.outcome, e.actor) for e in activated] == [("ok", supervisor_user)]
    assert proposal_pending_count() == 0
    mine = agent_client.get("/proposals/mine/").content.decode()
    assert "Approved and active" in mine


def test_four_eyes_nobody_approves_their_own_proposal(supervisor_client, supervisor_user, debtor,
                                                      sandbox_api):
    proposal = propose(supervisor_client, debtor)
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 403
    assert "Four-eyes" in response.content.decode()
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    denied = audit_entries("plan.activate", outcome="denied")
    assert len(denied) == 1
    assert denied[0].actor == supervisor_user
    assert denied[0].debtor_guid == debtor["debtorGuid"]
    assert "Four-eyes" in denied[0].reason
    assert audit_entries("plan.activate", outcome="ok") == []


def test_approval_is_refused_when_the_plan_changed_since_proposed(
        agent_client, agent_user, supervisor_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    proposal = propose(agent_client, debtor)
    plan = _read_plan(guid, proposal.plan_guid, agent_user)
    due = plan.periods[1].due_date.isoformat() + "T00:00:00Z"
    changed = sandbox_api.http.put(f"/debtors/{guid}/paymentplans/{proposal.plan_guid}",
                                   json={"payments": [{"dueDate": due, "amount": 3000.00}]})
    assert changed.status_code == 204, changed.text
    detail = supervisor_client.get(f"/approvals/{proposal.pk}/").content.decode()
    assert "data-differences" in detail  # the reviewer sees it before trying
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 409
    html = response.content.decode()
    assert "data-differences" in html
    assert "Period 2, payment" in html and "3,000.00" in html
    assert "Deviating payments" in html
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid)["active"] == 2
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert "changed" in proposal.refusal
    stale = audit_entries("plan.activate", outcome="refused")
    assert len(stale) == 1 and stale[0].reason == "stale"


def test_editing_deviating_payments_renews_the_fingerprint_and_marks_changed(
        agent_client, agent_user, supervisor_client, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    proposal = propose(agent_client, debtor)
    old = proposal.fingerprint
    plan = _read_plan(guid, proposal.plan_guid, agent_user)
    url = f"/debtors/{guid}/plans/{proposal.plan_guid}/payments"
    page = agent_client.get(url)
    assert page.status_code == 200
    due = plan.periods[3].due_date.isoformat()
    response = agent_client.post(url, {
        "fingerprint": fingerprint(plan), "payments-TOTAL_FORMS": "1",
        "payments-INITIAL_FORMS": "0", "payments-0-due_date": due,
        "payments-0-amount": "1500.00"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    now = _read_plan(guid, proposal.plan_guid, agent_user)
    assert now.periods[3].amount == Decimal("1500.00")
    assert proposal.fingerprint == fingerprint(now) != old
    assert proposal.status == Status.CHANGED
    assert proposal.total_amount == now.total_amount
    assert [e.outcome for e in audit_entries("plan.update")] == ["ok"]
    queue = supervisor_client.get("/approvals/?changed_only=on").content.decode()
    assert f'data-proposal="{proposal.pk}"' in queue
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid)["active"] == 1


def test_an_edit_based_on_a_stale_read_is_refused(agent_client, agent_user, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    proposal = propose(agent_client, debtor)
    plan = _read_plan(guid, proposal.plan_guid, agent_user)
    due = plan.periods[1].due_date.isoformat()
    sandbox_api.http.put(f"/debtors/{guid}/paymentplans/{proposal.plan_guid}",
                         json={"payments": [{"dueDate": due + "T00:00:00Z", "amount": 2000}]})
    response = agent_client.post(f"/debtors/{guid}/plans/{proposal.plan_guid}/payments", {
        "fingerprint": fingerprint(plan), "payments-TOTAL_FORMS": "1",
        "payments-INITIAL_FORMS": "0", "payments-0-due_date": due,
        "payments-0-amount": "1000.00"})
    assert response.status_code == 409
    assert "Someone changed this plan" in response.content.decode()
    assert 'value="1000.00"' in response.content.decode()  # the input is kept
    now = _read_plan(guid, proposal.plan_guid, agent_user)
    assert now.periods[1].amount == Decimal("2000.00")


def test_a_409_keeps_the_proposal_pending_with_the_reason(agent_client, supervisor_client,
                                                         debtor, sandbox_api):
    first = propose(agent_client, debtor, number_of_payments="12")
    second = propose(agent_client, debtor, number_of_payments="24")
    assert supervisor_client.post(f"/approvals/{first.pk}/approve").status_code == 302
    response = supervisor_client.post(f"/approvals/{second.pk}/approve", follow=True)
    html = response.content.decode()
    assert "already under active payment plan" in html
    assert "stays pending" in html
    second.refresh_from_db()
    assert second.status == Status.PENDING
    assert first.plan_guid in second.refusal
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], second.plan_guid)["active"] == 2
    refused = audit_entries("plan.activate", outcome="refused", target_id=second.plan_guid)
    assert len(refused) == 1 and refused[0].upstream_status == 409
    queue = supervisor_client.get("/approvals/").content.decode()
    assert "already under active payment plan" in queue


# --- Reject and withdraw --------------------------------------------------------------------


def test_reject_needs_a_reason_and_deletes_the_plan(agent_client, supervisor_client,
                                                    supervisor_user, debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    proposal = propose(agent_client, debtor)
    refused = supervisor_client.post(f"/approvals/{proposal.pk}/reject", {"reason": "  "})
    assert refused.status_code == 422
    assert "Give a reason" in refused.content.decode()
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid) is not None
    response = supervisor_client.post(f"/approvals/{proposal.pk}/reject",
                                      {"reason": "Income does not cover it"})
    assert response.status_code == 302
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid) is None
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert proposal.reason == "Income does not cover it"
    assert proposal.decided_by == supervisor_user
    assert [e.outcome for e in audit_entries("plan.delete")] == ["ok"]
    rejected = audit_entries("plan.reject")
    assert len(rejected) == 1 and rejected[0].reason == "Income does not cover it"
    mine = agent_client.get("/proposals/mine/").content.decode()
    assert "Income does not cover it" in mine


def test_the_proposer_withdraws_and_others_may_not(agent_client, agent2_user, client, debtor,
                                                   sandbox_api):
    guid = debtor["debtorGuid"]
    proposal = propose(agent_client, debtor)
    url = f"/debtors/{guid}/plans/{proposal.plan_guid}/withdraw"
    client.force_login(agent2_user)
    assert client.post(url).status_code == 403
    denied = audit_entries("plan.delete", outcome="denied")
    assert len(denied) == 1 and denied[0].actor == agent2_user
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid) is not None
    response = agent_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "The proposal was withdrawn" in response.content.decode()
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid) is None
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN


def test_a_supervisor_may_withdraw_any_proposal_but_never_an_active_plan(
        agent_client, supervisor_client, debtor, sandbox_api, admin_client_role):
    guid = debtor["debtorGuid"]
    proposal = propose(agent_client, debtor)
    assert admin_client_role.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    response = supervisor_client.post(f"/debtors/{guid}/plans/{proposal.plan_guid}/withdraw",
                                      follow=True)
    assert "Only a proposal can be withdrawn" in response.content.decode()
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid)["active"] == 1
    spare = sandbox_api.add_case(guid, remainingPrincipal=500.00, interestRate=0.0)
    other = propose(agent_client, debtor, number_of_payments="6", cases=[spare["caseGuid"]])
    assert supervisor_client.post(
        f"/debtors/{guid}/plans/{other.plan_guid}/withdraw").status_code == 302
    assert upstream_plan(sandbox_api, guid, other.plan_guid) is None


# --- The optional direct-activation policy --------------------------------------------------


def _policy(settings, enabled=True, max_total="12000", max_payments=12):
    settings.PLAN_AGENT_ACTIVATION = {"enabled": enabled, "max_total": Decimal(max_total),
                                      "max_payments": max_payments}


def test_the_policy_lets_an_agent_activate_a_small_plan(agent_client, agent_user, debtor,
                                                        sandbox_api, settings):
    _policy(settings)
    page = agent_client.get(f"/debtors/{debtor['debtorGuid']}/plans/new").content.decode()
    assert "data-propose-activate" in page
    proposal = propose(agent_client, debtor, number_of_payments="12", activate="1")
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.activated_directly
    assert proposal.decided_by == agent_user
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1
    assert [(e.outcome, e.actor) for e in audit_entries("plan.activate")] == [("ok", agent_user)]


def test_the_policy_refuses_a_plan_over_its_limits(agent_client, debtor, sandbox_api, settings):
    _policy(settings, max_payments=6)
    proposal = propose(agent_client, debtor, number_of_payments="12", activate="1")
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    assert len(audit_entries("plan.activate", outcome="denied")) == 1


def test_without_the_policy_agents_cannot_activate(agent_client, debtor, sandbox_api, settings):
    _policy(settings, enabled=False)
    page = agent_client.get(f"/debtors/{debtor['debtorGuid']}/plans/new").content.decode()
    assert "data-propose-activate" not in page
    proposal = propose(agent_client, debtor, number_of_payments="6", activate="1")
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    assert [e.outcome for e in audit_entries("plan.activate")] == ["denied"]


def test_approval_during_an_outage_shows_the_banner_and_changes_nothing(
        agent_client, supervisor_client, debtor, sandbox_api, settings):
    proposal = propose(agent_client, debtor)
    settings.APTIC_RETRY_ATTEMPTS = 1
    sandbox_api.set_faults(status=503)
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve")
    assert response.status_code == 503
    assert "data-upstream-banner" in response.content.decode()
    sandbox_api.clear_faults()
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2
    failed = audit_entries("plan.activate", outcome="failed")
    assert len(failed) == 1 and failed[0].error_class == "ServerError"
