"""Abandoning a reschedule that cannot complete: after a refused P2 or a failed P7, by a
supervisor with a reason, claimed and audited; refused for agents, for an empty reason and for
a record not interrupted; what the debtor page, the queue and the badge say after. Against
the sandbox over real HTTP."""

from __future__ import annotations

import re

import pytest

from plans.reschedule_models import Reschedule
from tests.plans.plan_pages import audit_entries, field_errors, propose, upstream_plan
from tests.plans.test_reschedule import ACTIVATE, active_plan, propose_reschedule  # noqa: F401

Status, Step = Reschedule.Status, Reschedule.Step
CREATE = "/debtors/*/paymentplans"
ABANDONED = "Reschedule abandoned: the cases have no active plan."


@pytest.fixture
def refused_create(agent_client, supervisor_client, debtor, active_plan, sandbox_api,  # noqa: F811
                   short_retries) -> Reschedule:
    """A reschedule interrupted after P5: Aptic answers the create (P2) 429, again on resume."""
    record = propose_reschedule(agent_client, debtor, active_plan)
    sandbox_api.set_faults(status=429, methods=["POST"], paths=[CREATE])
    supervisor_client.post(f"/reschedules/{record.pk}/approve")
    supervisor_client.post(f"/reschedules/{record.pk}/resume")
    record.refresh_from_db()
    assert (record.status, record.step, record.new_plan_guid) == (
        Status.INTERRUPTED, Step.OLD_DELETED, "")
    assert [e.upstream_status for e in audit_entries("plan.create")] == [429, 429]
    return record


def _badge(client) -> str:
    nav = client.get("/work/").content.decode()
    found = re.search(r'href="/approvals/"[^>]*>.*?<span class="badge"[^>]*>(\d+)</span>',
                      nav, re.S)
    return found.group(1) if found else "0"


def _calculator(debtor: dict) -> str:
    return f'href="/debtors/{debtor["debtorGuid"]}/plans/new" data-calculator-link'


def test_abandon_after_a_refused_create_ends_it_and_says_the_cases_have_no_plan(
        refused_create, agent_client, supervisor_client, supervisor_user, admin_client_role,
        debtor, sandbox_api):
    record = refused_create
    guid = debtor["debtorGuid"]
    assert _badge(supervisor_client) == "1"
    page = supervisor_client.get(f"/reschedules/{record.pk}/").content.decode()
    assert "data-abandon" in page and "data-resume" in page
    response = supervisor_client.post(f"/reschedules/{record.pk}/abandon",
                                      {"reason": "Aptic keeps refusing the new plan"})
    assert response.status_code == 302
    assert response["Location"] == f"/reschedules/{record.pk}/"
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.ABANDONED, Step.OLD_DELETED)
    assert (record.abandoned_by, record.reason) == (
        supervisor_user, "Aptic keeps refusing the new plan")
    assert record.abandoned_at is not None
    assert (record.claimed_by, record.claimed_at) == (None, None)
    [entry] = audit_entries("reschedule.abandon", target_id=str(record.pk))
    assert (entry.outcome, entry.actor, entry.reason) == (
        "ok", supervisor_user, "Aptic keeps refusing the new plan")
    assert (entry.before["status"], entry.after["status"]) == ("interrupted", "abandoned")
    # Nothing more was sent upstream, and the cases have no plan at all.
    sandbox_api.clear_faults()
    assert len(audit_entries("plan.create")) == 2 and len(audit_entries("plan.delete")) == 1
    assert sandbox_api.http.get(f"/debtors/{guid}/paymentplans").json()["value"] == []
    # The badge no longer counts it; the interrupted banner is gone everywhere.
    assert _badge(supervisor_client) == "0"
    detail = agent_client.get(f"/debtors/{guid}/").content.decode()
    assert "data-reschedule-interrupted" not in detail
    assert ABANDONED in detail and f'data-reschedule-abandoned="{record.pk}"' in detail
    assert _calculator(debtor) in detail and "data-unactivated-plan" not in detail
    queue = supervisor_client.get("/approvals/").content.decode()
    assert "data-unplanned" not in queue and "data-reschedule-interrupted" not in queue
    row = queue[queue.index(f'data-reschedule="{record.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "data-abandoned" in row and ABANDONED in row and _calculator(debtor) in row
    page = supervisor_client.get(f"/reschedules/{record.pk}/").content.decode()
    assert 'data-status="abandoned"' in page and "data-resume" not in page
    assert "data-abandon" not in page and ABANDONED in page
    # Resume and a second abandon are refused now, audited, without a call.
    assert admin_client_role.post(f"/reschedules/{record.pk}/resume").status_code == 409
    again = admin_client_role.post(f"/reschedules/{record.pk}/abandon", {"reason": "again"})
    assert again.status_code == 409
    assert [e.outcome for e in audit_entries("reschedule.abandon")] == ["ok", "denied"]
    assert len(audit_entries("plan.create")) == 2
    # A new plan proposed from the calculator takes its place in the queue; once it is
    # active, the debtor page no longer says the cases have none.
    calculator = agent_client.get(f"/debtors/{guid}/plans/new")  # the link, as followed
    assert calculator.status_code == 200
    proposal = propose(agent_client, debtor)
    queue = supervisor_client.get("/approvals/").content.decode()
    assert "data-abandoned" not in queue and f'data-proposal="{proposal.pk}"' in queue
    assert ABANDONED in agent_client.get(f"/debtors/{guid}/").content.decode()
    assert supervisor_client.post(f"/approvals/{proposal.pk}/approve").status_code == 302
    assert ABANDONED not in agent_client.get(f"/debtors/{guid}/").content.decode()


def test_abandon_after_a_failed_activation_names_the_plan_never_activated(
        agent_client, supervisor_client, debtor, active_plan, sandbox_api,  # noqa: F811
        short_retries):
    record = propose_reschedule(agent_client, debtor, active_plan)
    sandbox_api.set_faults(status=503, methods=["POST"], paths=[ACTIVATE])
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 503
    sandbox_api.clear_faults()
    record.refresh_from_db()
    assert (record.status, record.step) == (Status.INTERRUPTED, Step.NEW_CREATED)
    response = supervisor_client.post(f"/reschedules/{record.pk}/abandon",
                                      {"reason": "The debtor withdrew"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.ABANDONED and record.new_plan_guid
    guid = debtor["debtorGuid"]
    assert upstream_plan(sandbox_api, guid, record.new_plan_guid)["active"] == 2  # left there
    assert len(audit_entries("plan.delete")) == 1  # the old plan's, nothing more
    marker = f'data-unactivated-plan="{record.new_plan_guid}"'
    for url in (f"/debtors/{guid}/", f"/reschedules/{record.pk}/", "/approvals/"):
        html = supervisor_client.get(url).content.decode()
        assert marker in html and ABANDONED in html, url
        assert f"<code>{record.new_plan_guid}</code> was created" in html, url


def test_agents_cannot_abandon_and_it_is_audited_as_denied(
        refused_create, agent_client, agent_user, debtor):
    record = refused_create
    response = agent_client.post(f"/reschedules/{record.pk}/abandon", {"reason": "Mine"})
    assert response.status_code == 403
    [entry] = audit_entries("reschedule.abandon")
    assert (entry.outcome, entry.actor) == ("denied", agent_user)
    record.refresh_from_db()
    assert record.status == Status.INTERRUPTED and record.reason == ""
    page = agent_client.get(f"/reschedules/{record.pk}/").content.decode()
    assert "data-abandon" not in page  # their own reschedule: they see it, not the button


def test_an_empty_reason_is_explained_at_the_field_and_changes_nothing(
        refused_create, supervisor_client):
    record = refused_create
    response = supervisor_client.post(f"/reschedules/{record.pk}/abandon", {"reason": "  "})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give a reason for abandoning the reschedule." in field_errors(html, "id_reason")
    record.refresh_from_db()
    assert (record.status, record.step, record.reason, record.abandoned_at) == (
        Status.INTERRUPTED, Step.OLD_DELETED, "", None)
    assert audit_entries("reschedule.abandon") == []
    assert "data-reschedule-interrupted" in html  # still interrupted, still said


def test_a_pending_or_completed_reschedule_cannot_be_abandoned(
        agent_client, supervisor_client, supervisor_user, debtor, active_plan,  # noqa: F811
        sandbox_api):
    record = propose_reschedule(agent_client, debtor, active_plan)
    page = supervisor_client.get(f"/reschedules/{record.pk}/").content.decode()
    assert "data-abandon" not in page and "data-reject" in page
    response = supervisor_client.post(f"/reschedules/{record.pk}/abandon", {"reason": "No"})
    assert response.status_code == 409
    assert "reject it instead" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Status.PENDING
    assert supervisor_client.post(f"/reschedules/{record.pk}/approve").status_code == 302
    assert supervisor_client.post(f"/reschedules/{record.pk}/abandon",
                                  {"reason": "Too late"}).status_code == 409
    record.refresh_from_db()
    assert record.status == Status.COMPLETED
    denied = audit_entries("reschedule.abandon")
    assert [(e.outcome, e.actor, e.target_id) for e in denied] == [
        ("denied", supervisor_user, str(record.pk))] * 2
