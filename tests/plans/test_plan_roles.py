"""Role checks on every plan view and htmx endpoint, and CSRF on every write."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.plans.plan_pages import audit_entries, calc_data, case_guids, propose, upstream_plan

LOGIN = "login"
ROLES = ("anonymous", "norole", "proposer", "other_agent", "supervisor", "admin")
FIXTURES = {"norole": "norole_user", "proposer": "agent_user", "other_agent": "agent2_user",
            "supervisor": "supervisor_user", "admin": "admin_user"}


@pytest.fixture
def world(request, debtor, agent_client):
    """A debtor with a proposal by agent1, and a client per role."""
    proposal = propose(agent_client, debtor)
    clients = {"anonymous": Client()}
    for role, fixture in FIXTURES.items():
        client = Client()
        client.force_login(request.getfixturevalue(fixture))
        clients[role] = client
    return {"debtor": debtor, "guid": debtor["debtorGuid"], "proposal": proposal,
            "clients": clients}


def _calc(world):
    return calc_data(case_guids(world["debtor"]))


def _bad_calc(world):
    return calc_data(case_guids(world["debtor"]), amount="1", number_of_payments="1")


# (name, method, url(world), data(world) | None, htmx, expected per role in ROLES order)
ENDPOINTS = [
    ("calculator", "get", lambda w: f"/debtors/{w['guid']}/plans/new", None, False,
     (LOGIN, 403, 200, 200, 200, 200)),
    ("calculate", "post", lambda w: f"/debtors/{w['guid']}/plans/new", _calc, True,
     (LOGIN, 403, 200, 200, 200, 200)),
    ("pin", "post", lambda w: f"/debtors/{w['guid']}/plans/new",
     lambda w: {**_calc(w), "pin": "pin"}, True, (LOGIN, 403, 200, 200, 200, 200)),
    ("unpin", "post", lambda w: f"/debtors/{w['guid']}/plans/new",
     lambda w: {**_calc(w), "pin": "unpin"}, True, (LOGIN, 403, 200, 200, 200, 200)),
    ("propose", "post", lambda w: f"/debtors/{w['guid']}/plans/new/propose", _bad_calc, False,
     (LOGIN, 403, 422, 422, 422, 422)),
    ("approvals", "get", lambda w: "/approvals/", None, False,
     (LOGIN, 403, 403, 403, 200, 200)),
    ("proposal", "get", lambda w: f"/approvals/{w['proposal'].pk}/", None, False,
     (LOGIN, 403, 200, 403, 200, 200)),
    ("approve", "post", lambda w: f"/approvals/{w['proposal'].pk}/approve", lambda w: {}, False,
     (LOGIN, 403, 403, 403, None, None)),
    ("reject", "post", lambda w: f"/approvals/{w['proposal'].pk}/reject", lambda w: {}, False,
     (LOGIN, 403, 403, 403, 422, 422)),
    ("my-proposals", "get", lambda w: "/proposals/mine/", None, False,
     (LOGIN, 403, 200, 200, 200, 200)),
    ("panel", "get", lambda w: f"/debtors/{w['guid']}/plans/", None, False,
     (LOGIN, 403, 200, 200, 200, 200)),
    ("panel-htmx", "get", lambda w: f"/debtors/{w['guid']}/plans/", None, True,
     (LOGIN, 403, 200, 200, 200, 200)),
    ("edit-payments", "get",
     lambda w: f"/debtors/{w['guid']}/plans/{w['proposal'].plan_guid}/payments", None, False,
     (LOGIN, 403, 200, 403, 200, 200)),
    ("edit-payments-save", "post",
     lambda w: f"/debtors/{w['guid']}/plans/{w['proposal'].plan_guid}/payments",
     lambda w: {"payments-TOTAL_FORMS": "1", "payments-INITIAL_FORMS": "0",
                "payments-0-due_date": "not a date", "payments-0-amount": "1"}, False,
     (LOGIN, 403, 422, 403, 422, 422)),
    ("withdraw", "post",
     lambda w: f"/debtors/{w['guid']}/plans/{w['proposal'].plan_guid}/withdraw",
     lambda w: {}, True, (LOGIN, 403, None, 403, None, None)),
    ("agreement", "get",
     lambda w: f"/debtors/{w['guid']}/plans/{w['proposal'].plan_guid}/agreement", None, False,
     (LOGIN, 403, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(("name", "method", "url", "data", "is_htmx", "expected"), ENDPOINTS,
                         ids=[e[0] for e in ENDPOINTS])
def test_role_checks(world, sandbox_api, name, method, url, data, is_htmx, expected):
    path = url(world)
    headers = {"HTTP_HX_REQUEST": "true"} if is_htmx else {}
    for role, want in zip(ROLES, expected, strict=True):
        if want is None:
            continue  # allowed and changing state: covered by test_proposals.py
        client = world["clients"][role]
        if method == "get":
            response = client.get(path, **headers)
        else:
            response = client.post(path, data(world), **headers)
        if want == LOGIN:
            assert response.status_code == 302, (role, response.status_code)
            assert response["Location"].startswith("/accounts/login/?next="), role
        else:
            assert response.status_code == want, (name, role, response.status_code)
    plan = upstream_plan(sandbox_api, world["guid"], world["proposal"].plan_guid)
    assert plan is not None and plan["active"] == 2  # no refused call changed anything


def test_refused_writes_are_audited_as_denied(world):
    guid, proposal = world["guid"], world["proposal"]
    world["clients"]["norole"].post(f"/debtors/{guid}/plans/new/propose", _calc(world))
    world["clients"]["proposer"].post(f"/approvals/{proposal.pk}/approve")
    world["clients"]["other_agent"].post(
        f"/debtors/{guid}/plans/{proposal.plan_guid}/withdraw")
    actions = {(e.action, e.actor_username) for e in audit_entries_all(outcome="denied")}
    assert ("plan.create", "norole1") in actions
    assert ("plan.activate", "agent1") in actions
    assert ("plan.delete", "agent2") in actions


def audit_entries_all(**filters):
    from backoffice.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(**filters))


def test_csrf_is_required_on_every_write(world, csrf_client_factory, agent_user,
                                         supervisor_user, sandbox_api):
    guid, proposal = world["guid"], world["proposal"]
    agent = csrf_client_factory(agent_user)
    for path, data in (
        (f"/debtors/{guid}/plans/new", _calc(world)),
        (f"/debtors/{guid}/plans/new/propose", _calc(world)),
        (f"/debtors/{guid}/plans/{proposal.plan_guid}/withdraw", {}),
        (f"/debtors/{guid}/plans/{proposal.plan_guid}/payments", {}),
    ):
        assert agent.post(path, data, HTTP_HX_REQUEST="true").status_code == 403, path
    supervisor = csrf_client_factory(supervisor_user)
    assert supervisor.post(f"/approvals/{proposal.pk}/approve").status_code == 403
    assert supervisor.post(f"/approvals/{proposal.pk}/reject", {"reason": "x"}).status_code == 403
    assert upstream_plan(sandbox_api, guid, proposal.plan_guid)["active"] == 2
    # With the token the page hands out (as htmx sends it from <body hx-headers>), it works.
    page = agent.get(f"/debtors/{guid}/plans/new")
    token = page.cookies["csrftoken"].value
    ok = agent.post(f"/debtors/{guid}/plans/new", _calc(world),
                    HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 200
    assert 'id="plan-schedule"' in ok.content.decode()
    assert len(audit_entries("plan.create", outcome="ok")) == 1  # only the fixture's proposal
