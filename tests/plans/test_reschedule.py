"""Rescheduling an active plan: proposed locally, approved as two audited steps (P5, then
P2 + P7), interrupted and resumed, refused, raced; against the sandbox over real HTTP."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from backoffice.gateway import ApticClient
from plans import reschedule as workflow
from plans.reschedule_models import Reschedule
from tests.plans.plan_pages import (
    audit_entries,
    calc_data,
    case_guids,
    number,
    schedule_rows,
    upstream_plan,
)

Status, Step = Reschedule.Status, Reschedule.Step
ACTIVATE = "/debtors/*/paymentplans/*/activate"


@pytest.fixture
def active_plan(debtor, sandbox_api) -> dict:
    """The debtor's case under an active annuity over 12 months (made in the sandbox)."""
    answer = sandbox_api.http.post(
        f"/debtors/{debtor['debtorGuid']}/paymentplans",
        json={"paymentPlanType": 1, "numberOfPayments": 12, "active": 1,
              "cases": case_guids(debtor)})
    assert answer.status_code == 201, answer.text
    assert answer.json()["active"] == 1
    return answer.json()


def _url(debtor: dict, plan: dict) -> str:
    return f"/debtors/{debtor['debtorGuid']}/plans/{plan['paymentPlanGuid']}/reschedule"


def propose_reschedule(client, debtor: dict, plan: dict, *, note="Lost his job",
                       **form) -> Reschedule:
    before = set(Reschedule.objects.values_list("pk", flat=True))
    form.setdefault("number_of_payments", "24")
    response = client.post(_url(debtor, plan), calc_data(case_guids(debtor), note=note, **form))
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Reschedule.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"/reschedules/{record.pk}/"
    return record


def _plans(sandbox_api, debtor: dict) -> list[dict]:
    answer = sandbox_api.http.get(f"/debtors/{debtor['debtorGuid']}/paymentplans")
    assert answer.status_code == 200
    return answer.json()["value"]


def _steps(record: Reschedule) -> list[str]:
    return [e.after["step"] for e in audit_entries("reschedule.update", target_id=str(record.pk))]


# --- Proposing ------------------------------------------------------------------------------


def test_the_form_shows_the_old_plan_as_the_api_has_it(agent_client, debtor, active_plan):
    response = agent_client.get(_url(debtor, active_plan))
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-old-plan" in html and "Propose the reschedule" in html
    rows = schedule_rows(html, "old-schedule")
    assert len(rows) == 12
    assert [r[2] for r in rows] == [Decimal(str(p["amount"])) for p in active_plan["periods"]]
    assert f'name="cases" value="{case_guids(debtor)[0]}"' in html
    assert 'value="12"' in html  # the old plan's count as the starting point


def test_proposing_records_the_terms_and_sends_nothing_upstream(
        agent_client, agent_user, debtor, active_plan, sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan, number_of_payments="24",
                                invoice_fee="29.00")
    assert (record.status, record.step, record.new_plan_guid) == (Status.PENDING, Step.NONE, "")
    assert record.proposed_by == agent_user
    assert record.old_plan_guid == active_plan["paymentPlanGuid"]
    terms = record.terms
    assert terms.number_of_payments == 24 and terms.invoice_fee == Decimal("29.00")
    assert terms.cases == tuple(active_plan["cases"])
    assert record.old_figures["total_amount"] == str(Decimal(str(active_plan["totalAmount"])))
    plans = _plans(sandbox_api, debtor)
    assert [(p["paymentPlanGuid"], p["active"]) for p in plans] == [
        (active_plan["paymentPlanGuid"], 1)]
    created = audit_entries("reschedule.create", target_id=str(record.pk))
    assert [(e.outcome, e.actor) for e in created] == [("ok", agent_user)]
    assert audit_entries("plan.create") == [] and audit_entries("plan.delete") == []
    page = agent_client.get(f"/reschedules/{record.pk}/").content.decode()
    assert "Lost his job" in page and 'data-status="pending"' in page
    panel = agent_client.get(f"/debtors/{debtor['debtorGuid']}/plans/").content.decode()
    assert f'data-reschedule-pending="{record.pk}"' in panel
    assert "data-reschedule-link" not in panel  # one open reschedule per plan


def test_invalid_terms_are_explained_and_nothing_is_recorded(agent_client, debtor, active_plan):
    response = agent_client.post(_url(debtor, active_plan),
                                 calc_data(case_guids(debtor), amount="500", note="x"))
    assert response.status_code == 422
    assert "not both" in response.content.decode()
    assert not Reschedule.objects.exists()
    assert audit_entries("reschedule.create") == []


def test_a_second_reschedule_of_the_same_plan_is_refused(agent_client, debtor, active_plan):
    propose_reschedule(agent_client, debtor, active_plan)
    response = agent_client.post(_url(debtor, active_plan),
                                 calc_data(case_guids(debtor), note="again"))
    assert response.status_code == 409
    assert "already has a reschedule" in response.content.decode()
    assert Reschedule.objects.count() == 1
    assert [e.outcome for e in audit_entries("reschedule.create")] == ["ok", "denied"]


def test_a_proposal_cannot_be_rescheduled(agent_client, debtor, sandbox_api):
    answer = sandbox_api.http.post(f"/debtors/{debtor['debtorGuid']}/paymentplans",
                                   json={"paymentPlanType": 1, "numberOfPayments": 6})
    response = agent_client.get(_url(debtor, answer.json()))
    assert response.status_code == 409
    assert "data-not-active" in response.content.decode()
    response = agent_client.post(_url(debtor, answer.json()),
                                 calc_data(case_guids(debtor), note="x"))
    assert response.status_code == 409
    assert not Reschedule.objects.exists()


# --- Approving: the happy path --------------------------------------------------------------


def test_approval_deletes_the_old_plan_and_activates_the_new_one(
        agent_client, supervisor_client, supervisor_user, debtor, active_plan, sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan, number_of_payments="24")
    response = supervisor_client.post(f"/reschedules/{record.pk}/approve")
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.COMPLETED, Step.NEW_ACTIVATED)
    assert record.decided_by == supervisor_user and record.completed_at is not None
    assert (record.claimed_by, record.claimed_at) == (None, None)
    guid = debtor["debtorGuid"]
    assert upstream_plan(sandbox_api, guid, active_plan["paymentPlanGuid"]) is None
    new = upstream_plan(sandbox_api, guid, record.new_plan_guid)
    assert new["active"] == 1 and new["numberOfPayments"] == 24
    assert new["cases"] == active_plan["cases"]
    assert [p["paymentPlanGuid"] for p in _plans(sandbox_api, debtor)] == [record.new_plan_guid]
    # The page shows the new plan's figures as the API has them, to the cent.
    html = supervisor_client.get(f"/reschedules/{record.pk}/").content.decode()
    rows = schedule_rows(html, "new-schedule")
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (p["periodNumber"], Decimal(str(p["amount"])), Decimal(str(p["principal"])),
         Decimal(str(p["interest"]))) for p in new["periods"]]
    assert record.new_snapshot["total_amount"] == str(Decimal(str(new["totalAmount"])))
    compare = html[html.index("data-compare"):]
    total_row = compare[compare.index("Total amount"):]
    old_text, new_text = total_row.split('<td class="num">')[1:3]
    assert number(old_text.split("<")[0]) == Decimal(str(active_plan["totalAmount"]))
    assert number(new_text.split("<")[0]) == Decimal(str(new["totalAmount"]))
    # Each step audited through the gateway with its outcome, and on the record.
    for action, target in (("plan.delete", active_plan["paymentPlanGuid"]),
                           ("plan.create", record.new_plan_guid),
                           ("plan.activate", record.new_plan_guid)):
        entries = audit_entries(action, target_id=target)
        assert [(e.outcome, e.actor) for e in entries] == [("ok", supervisor_user)], action
    assert _steps(record) == ["old_deleted", "new_created", "new_activated"]
    panel = supervisor_client.get(f"/debtors/{guid}/plans/").content.decode()
    assert f'data-plan="{record.new_plan_guid}" data-state="1"' in panel
    assert "data-reschedule-interrupted" not in panel


# --- Interrupted after step 1, and resumed ----------------------------------------------------


def test_a_fault_at_activation_interrupts_and_resume_completes_without_repeating_steps(
        agent_client, supervisor_client, admin_client_role, supervisor_user, admin_user, debtor,
        active_plan, sandbox_api, short_retries):
    record = propose_reschedule(agent_client, debtor, active_plan)
    sandbox_api.set_faults(status=503, methods=["POST"], paths=[ACTIVATE])
    response = supervisor_client.post(f"/reschedules/{record.pk}/approve")
    assert response.status_code == 503
    assert "the cases have no active plan" in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.INTERRUPTED, Step.NEW_CREATED)
    assert record.last_error and record.new_plan_guid
    guid = debtor["debtorGuid"]
    assert upstream_plan(sandbox_api, guid, active_plan["paymentPlanGuid"]) is None
    assert upstream_plan(sandbox_api, guid, record.new_plan_guid)["active"] == 2
    # Shown clearly on the debtor's plans and in the queue.
    panel = agent_client.get(f"/debtors/{guid}/plans/").content.decode()
    assert f'data-reschedule-interrupted="{record.pk}"' in panel
    assert "the cases have no active plan" in panel
    queue = supervisor_client.get("/approvals/").content.decode()
    assert f'data-reschedule="{record.pk}"' in queue and "data-unplanned" in queue
    # Resume (by another supervisor) continues with P7 only.
    sandbox_api.clear_faults()
    assert admin_client_role.post(f"/reschedules/{record.pk}/resume").status_code == 302
    record.refresh_from_db()
    assert (record.status, record.step, record.last_error) == (
        Status.COMPLETED, Step.NEW_ACTIVATED, "")
    assert upstream_plan(sandbox_api, guid, record.new_plan_guid)["active"] == 1
    assert [e.outcome for e in audit_entries("plan.delete")] == ["ok"]
    assert [e.outcome for e in audit_entries("plan.create")] == ["ok"]
    activations = audit_entries("plan.activate", target_id=record.new_plan_guid)
    assert [(e.outcome, e.actor) for e in activations] == [
        ("failed", supervisor_user), ("ok", admin_user)]
    assert activations[0].upstream_status == 503
    assert _steps(record) == ["old_deleted", "new_created", "new_created", "new_activated"]
    assert "data-reschedule-interrupted" not in agent_client.get(
        f"/debtors/{guid}/plans/").content.decode()


def test_a_conflict_at_activation_interrupts_and_resume_completes(
        agent_client, supervisor_client, supervisor_user, debtor, active_plan, sandbox_api,
        monkeypatch):
    record = propose_reschedule(agent_client, debtor, active_plan)
    guid = debtor["debtorGuid"]
    original = ApticClient.plan_activate
    taken: list[dict] = []

    def someone_else_first(self, debtor_guid, plan_guid, **kwargs):
        if not taken:  # between P2 and P7 another plan is activated over the case
            answer = sandbox_api.http.post(f"/debtors/{guid}/paymentplans", json={
                "paymentPlanType": 3, "numberOfPayments": 6, "active": 1,
                "cases": case_guids(debtor)})
            assert answer.status_code == 201, answer.text
            taken.append(answer.json())
        return original(self, debtor_guid, plan_guid, **kwargs)

    monkeypatch.setattr(ApticClient, "plan_activate", someone_else_first)
    response = supervisor_client.post(f"/reschedules/{record.pk}/approve")
    assert response.status_code == 409
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.INTERRUPTED, Step.NEW_CREATED)
    assert "already under active payment plan" in record.last_error
    assert [e.outcome for e in audit_entries("plan.activate")] == ["refused"]
    assert audit_entries("plan.activate")[0].upstream_status == 409
    # Resuming while the conflict stands fails again and changes nothing else.
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 409
    record.refresh_from_db()
    assert record.status == Status.INTERRUPTED
    # Once the other plan is removed, Resume activates the new plan.
    assert sandbox_api.http.delete(
        f"/debtors/{guid}/paymentplans/{taken[0]['paymentPlanGuid']}").status_code == 204
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 302
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.COMPLETED, Step.NEW_ACTIVATED)
    assert upstream_plan(sandbox_api, guid, record.new_plan_guid)["active"] == 1
    assert [e.outcome for e in audit_entries("plan.activate")] == ["refused", "refused", "ok"]
    assert [e.outcome for e in audit_entries("plan.delete")] == ["ok"]
    assert [e.outcome for e in audit_entries("plan.create")] == ["ok"]


def test_a_fault_at_creation_interrupts_and_resume_creates_then_activates(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api, short_retries):
    record = propose_reschedule(agent_client, debtor, active_plan)
    sandbox_api.set_faults(status=500, methods=["POST"], paths=["/debtors/*/paymentplans"])
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 503
    record.refresh_from_db()
    assert (record.status, record.step, record.new_plan_guid) == (
        Status.INTERRUPTED, Step.OLD_DELETED, "")
    assert _plans(sandbox_api, debtor) == []  # the cases have no plan at all: shown
    assert "data-reschedule-interrupted" in supervisor_client.get(
        f"/debtors/{debtor['debtorGuid']}/plans/").content.decode()
    sandbox_api.clear_faults()
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 302
    record.refresh_from_db()
    assert record.status == Status.COMPLETED
    assert [p["active"] for p in _plans(sandbox_api, debtor)] == [1]
    assert [e.outcome for e in audit_entries("plan.delete")] == ["ok"]
    assert [e.outcome for e in audit_entries("plan.create")] == ["failed", "ok"]


# --- A fault at step 1: nothing changed -------------------------------------------------------


def test_a_fault_at_deletion_changes_nothing_and_it_stays_pending(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api, short_retries):
    record = propose_reschedule(agent_client, debtor, active_plan)
    sandbox_api.set_faults(status=503, methods=["DELETE"])
    response = supervisor_client.post(f"/reschedules/{record.pk}/approve")
    assert response.status_code == 503
    assert "nothing was changed" in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.step, record.decided_by) == (Status.PENDING, Step.NONE, None)
    assert record.last_error
    guid = debtor["debtorGuid"]
    assert upstream_plan(sandbox_api, guid, active_plan["paymentPlanGuid"])["active"] == 1
    assert [e.outcome for e in audit_entries("plan.delete")] == ["failed"]
    assert audit_entries("plan.create") == []
    panel = agent_client.get(f"/debtors/{guid}/plans/").content.decode()
    assert "data-reschedule-interrupted" not in panel
    assert f'data-reschedule-pending="{record.pk}"' in panel
    # Resume is for interrupted reschedules only; approving again runs it.
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 409
    sandbox_api.clear_faults()
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 302
    record.refresh_from_db()
    assert record.status == Status.COMPLETED
    assert [e.outcome for e in audit_entries("plan.delete")] == ["failed", "ok"]


# --- Two supervisors at once ------------------------------------------------------------------


def test_two_concurrent_approvals_run_it_once(
        agent_client, supervisor_client, admin_user, debtor, active_plan, sandbox_api,
        monkeypatch):
    from django.db import connection

    record = propose_reschedule(agent_client, debtor, active_plan)
    original = ApticClient.plan_delete
    seen: list = []

    def meanwhile(self, debtor_guid, plan_guid, **kwargs):
        seen.append(connection.in_atomic_block)
        with pytest.raises(workflow.RescheduleBusy):
            workflow.reschedule_approve(actor=admin_user, reschedule=record)
        with pytest.raises(workflow.RescheduleBusy):
            workflow.reschedule_resume(actor=admin_user, reschedule=record)
        return original(self, debtor_guid, plan_guid, **kwargs)

    monkeypatch.setattr(ApticClient, "plan_delete", meanwhile)
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 302
    assert seen == [False]  # no transaction open during the call to Aptic
    record.refresh_from_db()
    assert record.status == Status.COMPLETED
    assert len(audit_entries("plan.delete")) == 1 and len(audit_entries("plan.activate")) == 1
    denied = audit_entries("reschedule.approve", outcome="denied") + audit_entries(
        "reschedule.resume", outcome="denied")
    assert [e.actor for e in denied] == [admin_user, admin_user]
    # Afterwards it is closed: a late approval is refused without a call.
    with pytest.raises(workflow.RescheduleClosed):
        workflow.reschedule_approve(actor=admin_user, reschedule=record)
    assert len(audit_entries("plan.delete")) == 1


# --- Roles and the four-eyes rule -------------------------------------------------------------


def test_agents_cannot_decide_and_proposers_cannot_approve_their_own(
        agent_client, agent2_user, client, supervisor_client, supervisor_user, debtor,
        active_plan, sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan)
    for action in ("approve", "resume", "reject"):
        assert agent_client.post(f"/reschedules/{record.pk}/{action}").status_code == 403
        assert [e.outcome for e in audit_entries(f"reschedule.{action}")] == ["denied"]
    assert agent_client.get(f"/reschedules/{record.pk}/").status_code == 200  # their own
    client.force_login(agent2_user)
    assert client.get(f"/reschedules/{record.pk}/").status_code == 403
    assert agent_client.get("/approvals/").status_code == 403
    record.refresh_from_db()
    assert record.status == Status.PENDING
    # A supervisor's own reschedule needs someone else.
    record.delete()
    own = propose_reschedule(supervisor_client, debtor, active_plan)
    response = supervisor_client.post(f"/reschedules/{own.pk}/approve")
    assert response.status_code == 403
    assert "Four-eyes" in response.content.decode()
    denied = audit_entries("reschedule.approve", actor=supervisor_user)
    assert [e.outcome for e in denied] == ["denied"]
    assert audit_entries("plan.delete") == []
    assert upstream_plan(sandbox_api, debtor["debtorGuid"],
                         active_plan["paymentPlanGuid"])["active"] == 1


def test_a_supervisor_rejects_with_a_reason_and_the_old_plan_stays(
        agent_client, supervisor_client, supervisor_user, debtor, active_plan, sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan)
    empty = supervisor_client.post(f"/reschedules/{record.pk}/reject", {"reason": " "})
    assert empty.status_code == 422
    response = supervisor_client.post(f"/reschedules/{record.pk}/reject",
                                      {"reason": "Income not shown"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.reason, record.decided_by) == (
        Status.REJECTED, "Income not shown", supervisor_user)
    rejected = audit_entries("reschedule.reject", target_id=str(record.pk))
    assert [(e.outcome, e.reason) for e in rejected] == [("ok", "Income not shown")]
    assert upstream_plan(sandbox_api, debtor["debtorGuid"],
                         active_plan["paymentPlanGuid"])["active"] == 1
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 409
    assert audit_entries("plan.delete") == []


def test_an_old_plan_changed_since_proposed_is_not_deleted(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan)
    # As if the plan upstream had changed after the reschedule was proposed.
    Reschedule.objects.filter(pk=record.pk).update(old_fingerprint="0" * 64)
    response = supervisor_client.post(f"/reschedules/{record.pk}/approve")
    assert response.status_code == 409
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.PENDING, Step.NONE)
    assert "changed in the collection system" in record.last_error
    deletes = audit_entries("plan.delete")
    assert [(e.outcome, e.reason) for e in deletes] == [("refused", "stale")]
    assert upstream_plan(sandbox_api, debtor["debtorGuid"],
                         active_plan["paymentPlanGuid"])["active"] == 1


def test_resume_after_a_lost_create_answer_activates_that_plan_instead_of_a_second(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api, monkeypatch):
    from backoffice.gateway import UpstreamTimeout

    record = propose_reschedule(agent_client, debtor, active_plan)
    original = ApticClient.plan_create

    def stored_but_answer_lost(self, debtor_guid, data, **kwargs):
        original(self, debtor_guid, data, **kwargs)
        raise UpstreamTimeout("the answer never came")

    monkeypatch.setattr(ApticClient, "plan_create", stored_but_answer_lost)
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 503
    record.refresh_from_db()
    assert (record.status, record.step, record.create_unsure) == (
        Status.INTERRUPTED, Step.OLD_DELETED, True)
    stored = _plans(sandbox_api, debtor)
    assert [p["active"] for p in stored] == [2]
    monkeypatch.undo()
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 302
    record.refresh_from_db()
    assert record.status == Status.COMPLETED
    assert record.new_plan_guid == stored[0]["paymentPlanGuid"]
    assert [(p["paymentPlanGuid"], p["active"]) for p in _plans(sandbox_api, debtor)] == [
        (record.new_plan_guid, 1)]
    assert len(audit_entries("plan.create")) == 1  # the one attempt; no second plan


def test_resume_after_a_lost_activation_answer_completes_without_a_second_activation(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api, monkeypatch):
    from backoffice.gateway import UpstreamTimeout

    record = propose_reschedule(agent_client, debtor, active_plan)
    original = ApticClient.plan_activate

    def activated_but_answer_lost(self, debtor_guid, plan_guid, **kwargs):
        original(self, debtor_guid, plan_guid, **kwargs)
        raise UpstreamTimeout("the answer never came")

    monkeypatch.setattr(ApticClient, "plan_activate", activated_but_answer_lost)
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 503
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.INTERRUPTED, Step.NEW_CREATED)
    monkeypatch.undo()
    # Aptic answers the second activation 409 (already active): resume sees the plan active.
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 302
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.COMPLETED, Step.NEW_ACTIVATED)
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], record.new_plan_guid)["active"] == 1
    outcomes = [e.outcome for e in audit_entries("plan.activate",
                                                 target_id=record.new_plan_guid)]
    assert outcomes == ["ok", "refused"]  # the lost one went through; the repeat was refused


def test_the_approvals_badge_counts_reschedules_waiting_for_a_supervisor(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api, short_retries):
    def badge() -> str:
        nav = supervisor_client.get("/work/").content.decode()
        found = re.search(r'href="/approvals/"[^>]*>.*?<span class="badge"[^>]*>(\d+)</span>',
                          nav, re.S)
        return found.group(1) if found else "0"

    assert badge() == "0"
    record = propose_reschedule(agent_client, debtor, active_plan)
    assert badge() == "1"  # pending approval
    sandbox_api.set_faults(status=503, methods=["POST"], paths=[ACTIVATE])
    supervisor_client.post(f"/reschedules/{record.pk}/approve")
    sandbox_api.clear_faults()
    record.refresh_from_db()
    assert record.status == Status.INTERRUPTED
    assert badge() == "1"  # interrupted: still waiting for a supervisor's resume
    assert supervisor_client.post(f"/reschedules/{record.pk}/resume").status_code == 302
    assert badge() == "0"


def test_my_proposals_lists_the_agents_own_reschedules(agent_client, client, agent2_user,
                                                       debtor, active_plan, sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan)
    mine = agent_client.get("/proposals/mine/").content.decode()
    assert f'data-my-reschedule="{record.pk}"' in mine
    assert "Reschedule pending approval" in mine
    assert f'href="/reschedules/{record.pk}/"' in mine
    client.force_login(agent2_user)
    assert "data-my-reschedule" not in client.get("/proposals/mine/").content.decode()
