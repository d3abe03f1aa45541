"""ID numbers on the 360: masked for agents, shown to supervisors and admins, and revealed to
an agent only with a reason, which is recorded in the audit log."""

import re

import pytest

from backoffice.audit.models import AuditEntry
from tests.debtors.made_up import swedish_personnummer, unique_word

HTMX = {"HTTP_HX_REQUEST": "true"}
NUMBER = swedish_personnummer("19700101", "238")


@pytest.fixture
def guid(sandbox_api):
    return sandbox_api.create_debtor(lastname=unique_word(), idNumber=NUMBER)["debtorGuid"]


def profile(html):
    return re.search(r'<section id="profile".*?</section>', html, re.S).group(0)


def test_agents_see_the_id_number_masked_with_a_reveal_form(gw, guid, agent_client):
    html = agent_client.get(f"/debtors/{guid}/").content.decode()
    assert NUMBER not in html
    part = profile(html)
    assert f"••••••-{NUMBER[-4:]}" in part
    assert f'action="/debtors/{guid}/reveal/"' in part
    assert 'name="csrfmiddlewaretoken"' in part


@pytest.mark.parametrize("client_name", ["supervisor_client", "admin_client_role"])
def test_supervisors_and_admins_see_it_in_full(gw, guid, request, client_name):
    html = request.getfixturevalue(client_name).get(f"/debtors/{guid}/").content.decode()
    assert NUMBER in profile(html)
    assert "/reveal/" not in html


def test_reveal_with_a_reason_shows_the_number_and_is_audited(gw, guid, agent_user,
                                                              agent_client):
    response = agent_client.post(f"/debtors/{guid}/reveal/",
                                 {"reason": "Identity check on call"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="profile"')
    assert NUMBER in html and "Revealed and logged" in html
    [entry] = AuditEntry.objects.filter(action="pii.reveal")
    assert entry.outcome == "ok"
    assert entry.actor == agent_user and entry.role == "agent"
    assert entry.debtor_guid == guid and entry.target_id == "id_number"
    assert entry.reason == "Identity check on call"


def test_reveal_without_javascript_answers_the_whole_page(gw, guid, agent_client):
    response = agent_client.post(f"/debtors/{guid}/reveal/", {"reason": "Customer asked"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<!doctype html>")
    assert NUMBER in profile(html)
    assert AuditEntry.objects.filter(action="pii.reveal", reason="Customer asked").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "ok"])
def test_a_reason_is_required(gw, guid, agent_client, reason, upstream):
    upstream.reset()
    response = agent_client.post(f"/debtors/{guid}/reveal/", {"reason": reason}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#reveal-form"
    assert html.lstrip().startswith('<form id="reveal-form"')
    assert 'aria-invalid="true"' in html and NUMBER not in html
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()
    assert upstream.requests == []  # nothing was read

    response = agent_client.post(f"/debtors/{guid}/reveal/", {"reason": reason})
    assert response.status_code == 422 and NUMBER not in response.content.decode()


def test_reveal_of_an_unknown_debtor_is_a_404_and_not_audited(gw, agent_client):
    url = "/debtors/00000000-0000-4000-8000-000000000000/reveal/"
    assert agent_client.post(url, {"reason": "Identity check"}, **HTMX).status_code == 404
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_reveal_with_upstream_down_shows_the_banner_and_records_nothing(gw, guid,
                                                                        sandbox_api,
                                                                        agent_client):
    sandbox_api.set_faults(status=503, failureRate=1)
    response = agent_client.post(f"/debtors/{guid}/reveal/", {"reason": "Identity check"},
                                 **HTMX)
    assert response["HX-Retarget"] == "#banner"
    assert "data-upstream-banner" in response.content.decode()
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_reveal_needs_the_csrf_token(gw, guid, agent_user, csrf_client_factory):
    client = csrf_client_factory(agent_user)
    response = client.post(f"/debtors/{guid}/reveal/", {"reason": "Identity check"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()
    # With the token from the page it works.
    html = client.get(f"/debtors/{guid}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(f"/debtors/{guid}/reveal/",
                           {"reason": "Identity check", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and NUMBER in response.content.decode()


def test_reveal_is_refused_and_audited_for_a_user_without_the_permission(gw, guid,
                                                                         norole_user, client):
    client.force_login(norole_user)
    response = client.post(f"/debtors/{guid}/reveal/", {"reason": "Curious"})
    assert response.status_code == 403
    [entry] = AuditEntry.objects.filter(action="pii.reveal")
    assert entry.outcome == "denied" and entry.debtor_guid == guid
