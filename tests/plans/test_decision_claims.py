"""Deciding a proposal claims it; the call to Aptic runs with no transaction open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from backoffice.gateway import ApticClient
from plans import claims, services
from plans.models import PlanProposal
from tests.plans.plan_pages import audit_entries, propose, upstream_plan

Status = PlanProposal.Status


@pytest.fixture
def during_call(monkeypatch):
    """Runs the callbacks appended to the returned list inside the next P7/P5 call, before it
    goes upstream, and records whether a transaction was open at that moment."""
    hooks: list = []
    seen: list[dict] = []

    def wrap(name):
        original = getattr(ApticClient, name)

        def call(self, debtor_guid, plan_guid, **kwargs):
            row = PlanProposal.objects.get(plan_guid=plan_guid)
            seen.append({"call": name, "in_transaction": connection.in_atomic_block,
                         "claimed_by": row.claimed_by})
            for hook in hooks:
                hook(row)
            return original(self, debtor_guid, plan_guid, **kwargs)

        monkeypatch.setattr(ApticClient, name, call)

    wrap("plan_activate")
    wrap("plan_delete")
    return hooks, seen


def test_approval_calls_aptic_outside_a_transaction_with_the_proposal_claimed(
        agent_client, supervisor_client, supervisor_user, debtor, sandbox_api, during_call):
    _hooks, seen = during_call
    proposal = propose(agent_client, debtor)
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    assert seen == [{"call": "plan_activate", "in_transaction": False,
                     "claimed_by": supervisor_user}]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.claimed_by, proposal.claimed_at) == (
        Status.APPROVED, None, None)
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1


def test_a_second_decision_meanwhile_is_refused_and_audited(
        agent_client, agent_user, supervisor_client, supervisor_user, admin_user, debtor,
        sandbox_api, during_call):
    hooks, seen = during_call
    proposal = propose(agent_client, debtor)
    refusals: list[str] = []

    def others_try(row):
        for attempt in (
            lambda: services.plan_reject(actor=admin_user, proposal=row, reason="Too long"),
            lambda: services.plan_approve(actor=admin_user, proposal=row),
            lambda: services.plan_withdraw(actor=agent_user, debtor_guid=row.debtor_guid,
                                           plan_guid=row.plan_guid),
        ):
            with pytest.raises(services.ProposalBusy) as refused:
                attempt()
            refusals.append(str(refused.value))

    hooks.append(others_try)
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    assert [s["call"] for s in seen] == ["plan_activate"]  # nothing else went upstream
    assert "supervisor1 is deciding this proposal right now" in refusals[0]
    assert "being decided right now" in refusals[2]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (Status.APPROVED, supervisor_user)
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 1
    denied = audit_entries("plan.delete", outcome="denied") + audit_entries(
        "plan.activate", outcome="denied")
    assert sorted(e.actor.username for e in denied) == ["admin1", "admin1", "agent1"]
    assert all("in progress" in e.reason for e in denied)


def test_a_claim_left_by_a_dead_worker_lapses(agent_client, supervisor_client, supervisor_user,
                                              admin_user, debtor, sandbox_api):
    proposal = propose(agent_client, debtor)
    stale = timezone.now() - claims.CLAIM_TTL - timedelta(seconds=1)
    PlanProposal.objects.filter(pk=proposal.pk).update(claimed_by=admin_user, claimed_at=stale)
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.claimed_at) == (
        Status.APPROVED, supervisor_user, None)


def test_a_live_claim_blocks_until_it_lapses(agent_client, supervisor_client, admin_user, debtor,
                                             sandbox_api):
    proposal = propose(agent_client, debtor)
    fresh = timezone.now() - claims.CLAIM_TTL + timedelta(seconds=30)
    PlanProposal.objects.filter(pk=proposal.pk).update(claimed_by=admin_user, claimed_at=fresh)
    response = supervisor_client.post(f"/approvals/{proposal.pk}/approve", follow=True)
    assert "admin1 is deciding this proposal right now" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid)["active"] == 2


def test_a_failed_call_releases_the_claim(agent_client, supervisor_client, debtor, sandbox_api,
                                          settings):
    proposal = propose(agent_client, debtor)
    settings.APTIC_RETRY_ATTEMPTS = 1
    sandbox_api.set_faults(status=503)
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 503
    sandbox_api.clear_faults()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.claimed_by, proposal.claimed_at) == (
        Status.PENDING, None, None)
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED


def test_a_refused_call_releases_the_claim(agent_client, supervisor_client, debtor, sandbox_api):
    first, second = propose(agent_client, debtor), propose(agent_client, debtor)
    assert supervisor_client.post(f"/approvals/{first.pk}/approve").status_code == 302
    supervisor_client.post(f"/approvals/{second.pk}/approve")  # the case is under `first`
    second.refresh_from_db()
    assert second.refusal and (second.status, second.claimed_at) == (Status.PENDING, None)
    assert [e.upstream_status for e in audit_entries("plan.activate", outcome="refused")] == [409]


def test_rejection_calls_aptic_outside_a_transaction(agent_client, supervisor_client,
                                                     supervisor_user, debtor, sandbox_api,
                                                     during_call):
    _hooks, seen = during_call
    proposal = propose(agent_client, debtor)
    response = supervisor_client.post(f"/approvals/{proposal.pk}/reject",
                                      {"reason": "Income too low"})
    assert response.status_code == 302
    assert seen == [{"call": "plan_delete", "in_transaction": False,
                     "claimed_by": supervisor_user}]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.claimed_at) == (
        Status.REJECTED, "Income too low", None)
    assert upstream_plan(sandbox_api, debtor["debtorGuid"], proposal.plan_guid) is None
