"""The debtor page's plans panel and the printable agreement."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.test import RequestFactory

from backoffice.gateway import NotFound
from plans.selectors import PlansPanel, plan_panel_get, plans_panel_records
from tests.plans.plan_pages import propose, schedule_rows


def test_the_panel_shows_each_plan_with_status_and_schedule(agent_client, supervisor_client,
                                                           debtor, sandbox_api):
    guid = debtor["debtorGuid"]
    spare = sandbox_api.add_case(guid, remainingPrincipal=1200.00, interestRate=0.0)
    active = propose(agent_client, debtor, number_of_payments="6", cases=[
        debtor["cases"][0]["caseGuid"]])
    supervisor_client.post(f"/approvals/{active.pk}/approve")
    pending = propose(agent_client, debtor, number_of_payments="3", cases=[spare["caseGuid"]])
    response = agent_client.get(f"/debtors/{guid}/plans/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    articles = re.findall(r'data-plan="([^"]+)" data-state="(\d)"', html)
    assert articles == [(active.plan_guid, "1"), (pending.plan_guid, "2")]  # active first
    assert len(schedule_rows(html, f"schedule-{active.plan_guid}")) == 6
    assert len(schedule_rows(html, f"schedule-{pending.plan_guid}")) == 3
    assert "<details" in html
    pending_part = html.split(f'data-plan="{pending.plan_guid}"')[1]
    active_part = html.split(f'data-plan="{active.plan_guid}"')[1].split("data-plan=")[0]
    assert "Edit deviating payments" in pending_part and "data-withdraw" in pending_part
    assert "data-withdraw" not in active_part  # an active plan is not withdrawn here
    assert f"/debtors/{guid}/plans/new" in html


def test_another_agent_sees_no_actions_on_someone_elses_proposal(agent_client, agent2_user,
                                                                client, debtor):
    propose(agent_client, debtor)
    client.force_login(agent2_user)
    html = client.get(f"/debtors/{debtor['debtorGuid']}/plans/").content.decode()
    assert "data-withdraw" not in html
    assert "Edit deviating payments" not in html
    assert "Pending approval" in html


def test_the_panel_partial_renders_an_upstream_error():
    request = RequestFactory().get("/")
    html = render_to_string("plans/partials/debtor_plans.html", {
        "plans_panel": PlansPanel(error=NotFound(request_id="req-123")),
        "debtor_guid": "00000000-0000-4000-8000-000000000000", "debtor": None,
    }, request=request)
    assert "not found" in html and "req-123" in html


def _without_tokens(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)  # each render masks the CSRF token anew


def test_records_read_before_the_plans_arrive_leave_the_panel_nothing_to_ask(
        agent_client, agent_user, debtor, django_assert_num_queries):
    """The 360 reads our proposals and reschedules by debtor while Aptic answers: the panel
    drawn from them is the one its own queries give, and asks the database nothing."""
    proposal = propose(agent_client, debtor)
    guid = debtor["debtorGuid"]
    request = RequestFactory().get("/")
    request.user = agent_user
    context = {"plans_panel": plan_panel_get(debtor_guid=guid), "debtor_guid": guid,
               "debtor": None}
    asked = render_to_string("plans/partials/debtor_plans.html", context, request=request)
    records = plans_panel_records(debtor_guid=guid)
    with django_assert_num_queries(0):
        given = render_to_string("plans/partials/debtor_plans.html",
                                 {**context, "plans_records": records}, request=request)
    assert "Pending approval" in given and proposal.plan_guid in given
    assert "proposed by agent" in given  # our record of the proposal, from `records`
    assert _without_tokens(given) == _without_tokens(asked)


def test_plan_panel_get_reads_every_plan(aptic, debtor, agent_client):
    proposal = propose(agent_client, debtor)
    panel = plan_panel_get(debtor_guid=debtor["debtorGuid"])
    assert panel.error is None
    assert [p.payment_plan_guid for p in panel.items] == [proposal.plan_guid]


def test_the_agreement_names_parties_cases_schedule_and_terms(agent_client, debtor,
                                                             sandbox_api, settings):
    settings.PLAN_AGREEMENT_AGENCY = {"name": "Inkasso Test AB", "org_number": "556000-0000",
                                      "address": "Box 1, Stockholm", "phone": ""}
    proposal = propose(agent_client, debtor, number_of_payments="12", reminder_fee="60.00")
    response = agent_client.get(
        f"/debtors/{debtor['debtorGuid']}/plans/{proposal.plan_guid}/agreement")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inkasso Test AB" in html and "556000-0000" in html
    assert proposal.debtor_name in html
    assert "Uppsala" in html  # the debtor's address
    assert debtor["cases"][0]["caseNumber"] in html
    assert len(schedule_rows(html, "agreement-schedule-table")) == 12
    assert "reminder fee of SEK60.00" in html
    assert "Proposal, not yet in force" in html
    assert html.count('class="signature__line"') == 4


def test_an_unknown_plan_has_no_agreement(agent_client, debtor):
    response = agent_client.get(
        f"/debtors/{debtor['debtorGuid']}/plans/00000000-0000-4000-8000-000000000000/agreement")
    assert response.status_code == 404
