"""The debtor 360 against the sandbox over HTTP: every part, the fan-out, a failing part,
an unknown debtor, the case panel, money and dates, and the recent changes (in the timeline)."""

import re

import pytest

from backoffice.audit.services import audit_record
from backoffice.gateway.testing import problem
from tests.debtors.made_up import swedish_personnummer, unique_word

HTMX = {"HTTP_HX_REQUEST": "true"}
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def debtor(sandbox_api):
    """A debtor with two active cases and a closed one, a second address and extra fields."""
    created = sandbox_api.create_debtor(
        firstname="Karin", lastname=unique_word(), idNumber=swedish_personnummer("19661203"),
        cellularPhone="+46 70 555 12 34", email="karin@example.se",
        dateOfBirth="1966-12-03T00:00:00Z",
        street="Storgatan", houseNo="4", zipCode="753 20",
    )
    guid = created["debtorGuid"]
    sandbox_api.add_case(guid, remainingPrincipal=12000.50, remainingInterest=345.17,
                         remainingFee=60, clientName="Telia Sverige AB",
                         clientReferenceNumber="INV-1001")
    sandbox_api.add_case(guid, remainingPrincipal=2500, clientName="Ellevio AB")
    sandbox_api.add_case(guid, remainingPrincipal=999, clientName="Old Creditor AB", closed=True)
    answer = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "WORK", "street": "Kungsgatan", "houseNo": "12", "city": "Stockholm",
        "zipCode": "111 43", "countryCode": "SE"})
    assert answer.status_code == 201, answer.text
    answer = sandbox_api.http.post(f"/debtors/{guid}/extrafields",
                                   json={"name": "segment", "value": ["retail", "priority"]})
    assert answer.status_code == 201, answer.text
    return created


def page(client, guid, **extra):
    return client.get(f"/debtors/{guid}/", **extra)


def test_the_360_shows_every_part(upstream, debtor, agent_client):
    response = page(agent_client, debtor["debtorGuid"])
    html = response.content.decode()
    assert response.status_code == 200
    name = f"Karin {debtor['lastname']}"
    assert f"<h1>{name}</h1>" in html
    # Profile
    assert "+46 70 555 12 34" in html and "karin@example.se" in html
    assert "03/12/1966" in html  # a date as a date (British format for English)
    # Case summary over the two active cases, in the debtor's currency
    summary = re.search(r'<section id="summary".*?</section>', html, re.S).group(0)
    assert "SEK14,500.50" in summary and "SEK345.17" in summary and "SEK60.00" in summary
    assert "SEK14,905.67" in summary
    assert re.search(r"Active cases</dt><dd class=\"num\">2<", summary)
    assert re.search(r"Closed cases</dt><dd class=\"num\">1<", summary)
    assert f"<code>{debtor['debtorReference']}" in summary  # payment reference
    # Cases, active first
    cases = re.search(r'<section id="cases".*?</section>', html, re.S).group(0)
    assert cases.index("Ellevio AB") < cases.index("Old Creditor AB")
    assert cases.index("Telia Sverige AB") < cases.index("Old Creditor AB")
    assert "INV-1001" in cases
    # Addresses (the default first), extra fields, payment plans, the timeline
    assert html.index("Storgatan") < html.index("Kungsgatan")
    assert "segment" in html and "retail" in html
    assert "Payment plans" in html
    assert 'id="timeline"' in html


def test_the_parts_are_read_side_by_side(upstream, debtor, sandbox_api, agent_client):
    sandbox_api.set_faults(latencyMs=250)
    upstream.reset()
    assert page(agent_client, debtor["debtorGuid"]).status_code == 200
    guid = debtor["debtorGuid"]
    assert sorted(upstream.paths()) == sorted([
        f"/debtors/{guid}", f"/debtors/{guid}/summary", f"/debtors/{guid}/cases",
        f"/debtors/{guid}/addresses", f"/debtors/{guid}/paymentplans",
        f"/debtors/{guid}/extrafields",
    ])
    # Each call waited 250 ms upstream; several were in flight at once.
    assert upstream.max_in_flight >= 3


def test_a_failing_part_shows_its_own_message_and_the_rest_works(upstream, debtor,
                                                                 agent_client):
    upstream.answer("GET", r"/addresses$", problem(503))
    response = page(agent_client, debtor["debtorGuid"])
    html = response.content.decode()
    assert response.status_code == 200
    addresses = re.search(r'<section[^>]*id="addresses".*?</section>', html, re.S).group(0)
    assert 'role="alert"' in addresses
    assert "Kungsgatan" not in addresses
    # Everything else is there.
    assert "Telia Sverige AB" in html and "SEK14,905.67" in html and "segment" in html
    assert "data-upstream-banner" not in html  # no page-wide banner for one panel


def test_a_failing_summary_keeps_the_cases(upstream, debtor, agent_client):
    upstream.answer("GET", r"/summary$", problem(500))
    html = page(agent_client, debtor["debtorGuid"]).content.decode()
    summary = re.search(r'<section id="summary".*?</section>', html, re.S).group(0)
    assert 'class="panel__error" role="alert"' in summary
    assert "Telia Sverige AB" in html


def test_a_failing_debtor_read_shows_the_banner_with_a_retry(upstream, debtor, agent_client):
    guid = debtor["debtorGuid"]
    upstream.answer("GET", rf"/debtors/{guid}$", problem(503))
    html = page(agent_client, guid).content.decode()
    assert "data-upstream-banner" in html
    assert f'href="/debtors/{guid}/"' in html
    assert "Telia Sverige AB" in html  # the cases still show


def test_an_unknown_guid_is_a_clear_404(gw, agent_client):
    response = page(agent_client, UNKNOWN)
    html = response.content.decode()
    assert response.status_code == 404
    assert "Debtor not found" in html and UNKNOWN in html
    assert 'href="/debtors/"' in html


def test_a_malformed_guid_is_a_404_without_asking_upstream(upstream, agent_client):
    assert agent_client.get("/debtors/not-a-guid/").status_code == 404
    assert upstream.requests == []


def test_case_detail_is_a_panel_for_htmx_and_a_page_without_javascript(gw, debtor,
                                                                       sandbox_api,
                                                                       agent_client):
    guid = debtor["debtorGuid"]
    case = sandbox_api.http.get(f"/debtors/{guid}/cases", params={"$top": 1,
                                "$filter": "clientName eq 'Telia Sverige AB'"}).json()["value"][0]
    url = f"/debtors/{guid}/cases/{case['caseGuid']}/"
    html = page(agent_client, guid).content.decode()
    assert f'href="{url}" hx-get="{url}" hx-target="#case-detail"' in html

    response = agent_client.get(url, **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert "HX-Request" in response["Vary"]
    assert f"Case {case['caseNumber']}" in fragment
    assert "SEK12,000.50" in fragment and "SEK12,405.67" in fragment

    response = agent_client.get(url)
    full = response.content.decode()
    assert response.status_code == 200 and full.lstrip().startswith("<!doctype html>")
    assert f"Case {case['caseNumber']}" in full
    assert f'href="/debtors/{guid}/#cases"' in full


def test_an_unknown_case_is_a_404(gw, debtor, agent_client):
    url = f"/debtors/{debtor['debtorGuid']}/cases/{UNKNOWN}/"
    assert agent_client.get(url).status_code == 404
    response = agent_client.get(url, **HTMX)
    assert response.status_code == 404
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'class="panel__error" role="alert"' in fragment


def test_money_follows_the_users_language(gw, debtor, agent_user, agent_client):
    from backoffice.models import UserProfile

    UserProfile.objects.update_or_create(user=agent_user, defaults={"language": "sv"})
    html = page(agent_client, debtor["debtorGuid"]).content.decode()
    assert "14\xa0905,67\xa0kr" in html
    assert "1966-12-03" in html  # Swedish short date


def test_the_timeline_lists_this_debtors_audit_entries(gw, debtor, agent_client,
                                                       admin_client_role):
    guid = debtor["debtorGuid"]
    audit_record(action="debtor.update", outcome="ok", debtor_guid=guid, target_type="debtor",
                 target_id=guid)
    audit_record(action="address.delete", outcome="refused", debtor_guid=guid)
    audit_record(action="pii.reveal", outcome="ok", debtor_guid=guid, reason="call")
    audit_record(action="debtor.update", outcome="ok", debtor_guid=UNKNOWN)

    html = page(agent_client, guid).content.decode()
    changes = re.search(r'<section class="panel work-timeline".*?</section>', html,
                        re.S).group(0)
    assert changes.index("Address deleted") < changes.index("Debtor updated")  # newest first
    assert changes.count('data-event="change"') == 2  # this debtor's two changes
    assert "Personal data revealed" not in changes
    assert "data-audit-link" not in changes  # only admins may open the audit trail

    html = page(admin_client_role, guid).content.decode()
    assert f'href="/audit/?debtor={guid}" data-audit-link' in html


def test_the_360_links_to_the_plan_calculator_and_the_editors(gw, debtor,
                                                              agent_client):
    guid = debtor["debtorGuid"]
    html = page(agent_client, guid).content.decode()
    assert re.search(rf'href="/debtors/{guid}/plans/new/?" data-action="new-plan"', html)
    assert re.search(rf'href="/debtors/{guid}/edit/" data-action="edit"', html)
    assert re.search(rf'href="/debtors/{guid}/delete/" data-action="delete"', html)
