"""The audit list: who may see it, every filter alone and combined, paging, sorting, htmx."""

import uuid

import pytest
from django.urls import reverse

from backoffice.audit.models import AuditEntry
from tests.audit.review_helpers import aware, linked_ids, listed_ids, record, recorded_at

URL = "/audit/"
DEBTOR_A = str(uuid.uuid4())
DEBTOR_B = str(uuid.uuid4())


@pytest.fixture
def entries(agent_user, supervisor_user, admin_user):
    """A small, varied log: users, roles, actions, outcomes, debtors, days, request ids."""
    made = []
    plan = [
        (agent_user, "debtor.update", "ok", DEBTOR_A, aware(2026, 1, 5), "req-alpha-0001"),
        (agent_user, "address.create", "refused", DEBTOR_A, aware(2026, 1, 20), "req-alpha-0002"),
        (supervisor_user, "plan.activate", "ok", DEBTOR_B, aware(2026, 2, 3), "req-beta-0001"),
        (supervisor_user, "plan.update", "failed", DEBTOR_B, aware(2026, 2, 14), "req-beta-0002"),
        (admin_user, "service.invoke", "ok", "", aware(2026, 3, 1), "other-0001"),
        (agent_user, "plan.create", "denied", DEBTOR_B, aware(2026, 3, 9), "other-0002"),
        (agent_user, "pii.reveal", "ok", DEBTOR_A, aware(2026, 3, 15), "req-alpha-0003"),
        (None, "debtor.delete", "failed", DEBTOR_A, aware(2026, 3, 31, 23), "zzz-0001"),
    ]
    for user, action, outcome, debtor, when, request_id in plan:
        with recorded_at(when):
            made.append(
                record(user, action=action, outcome=outcome, debtor_guid=debtor,
                       request_id=request_id,
                       reason="customer asked for it" if action == "pii.reveal" else "")
            )
    return made


def expected(entries, predicate) -> list[int]:
    """Ids of the entries matching `predicate`, newest first (as the list shows them)."""
    chosen = [e for e in entries if predicate(e)]
    return [e.pk for e in sorted(chosen, key=lambda e: (e.created_at, e.pk), reverse=True)]


# --- Access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/integrity/"])
def test_agents_and_supervisors_are_refused(agent_client, supervisor_client, path):
    assert agent_client.get(path).status_code == 403
    assert supervisor_client.get(path).status_code == 403


def test_entry_detail_is_refused_to_agents(agent_client, entries):
    assert agent_client.get(f"/audit/{entries[0].pk}/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_role_is_refused(norole_user, client):
    client.force_login(norole_user)
    assert client.get(URL).status_code == 403


def test_admin_sees_every_entry_newest_first(admin_client_role, entries):
    response = admin_client_role.get(URL)
    assert response.status_code == 200
    assert listed_ids(response) == expected(entries, lambda e: True)
    assert linked_ids(response.content.decode()) == expected(entries, lambda e: True)


# --- Each filter alone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({"user": "agent1"}, lambda e: e.actor_username == "agent1"),
        ({"role": "supervisor"}, lambda e: e.role == "supervisor"),
        ({"action": "plan.activate"}, lambda e: e.action == "plan.activate"),
        ({"action": "plan.*"}, lambda e: e.action.startswith("plan.")),
        ({"outcome": "failed"}, lambda e: e.outcome == "failed"),
        ({"outcome": "denied"}, lambda e: e.outcome == "denied"),
        ({"debtor": DEBTOR_B}, lambda e: e.debtor_guid == DEBTOR_B),
        ({"debtor": DEBTOR_A.upper()}, lambda e: e.debtor_guid == DEBTOR_A),
        ({"date_from": "2026-02-01"}, lambda e: e.created_at >= aware(2026, 2, 1, 0)),
        ({"date_to": "2026-01-31"}, lambda e: e.created_at < aware(2026, 2, 1, 0)),
        (
            {"date_from": "2026-02-03", "date_to": "2026-03-31"},
            lambda e: aware(2026, 2, 3, 0) <= e.created_at < aware(2026, 4, 1, 0),
        ),
        ({"request_id": "req-beta-0002"}, lambda e: e.request_id == "req-beta-0002"),
        ({"request_id": "req-alpha", "request_match": "prefix"},
         lambda e: e.request_id.startswith("req-alpha")),
        ({"request_id": "req-alpha"}, lambda e: e.request_id == "req-alpha"),
        ({"pii": "on"}, lambda e: e.action == "pii.reveal"),
        ({"user": "nobody-by-that-name"}, lambda e: False),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, dict) else "",
)
def test_each_filter_alone(admin_client_role, entries, params, predicate):
    response = admin_client_role.get(URL, params)
    assert response.status_code == 200
    want = expected(entries, predicate)
    assert listed_ids(response) == want
    if not want:
        assert "No audit entry matches these filters." in response.content.decode()


def test_end_date_is_inclusive_to_the_last_second_of_the_day(admin_client_role, entries):
    response = admin_client_role.get(URL, {"date_from": "2026-03-31", "date_to": "2026-03-31"})
    assert listed_ids(response) == [entries[-1].pk]  # recorded 23:00 local time


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({"user": "agent1", "outcome": "ok"},
         lambda e: e.actor_username == "agent1" and e.outcome == "ok"),
        ({"debtor": DEBTOR_B, "action": "plan.*", "date_to": "2026-02-28"},
         lambda e: e.debtor_guid == DEBTOR_B and e.action.startswith("plan.")
         and e.created_at < aware(2026, 3, 1, 0)),
        ({"role": "agent", "request_id": "req-", "request_match": "prefix"},
         lambda e: e.role == "agent" and e.request_id.startswith("req-")),
        ({"pii": "on", "debtor": DEBTOR_B}, lambda e: False),
        ({"outcome": "failed", "date_from": "2026-03-01", "user": ""},
         lambda e: e.outcome == "failed" and e.created_at >= aware(2026, 3, 1, 0)),
    ],
)
def test_filters_combined(admin_client_role, entries, params, predicate):
    response = admin_client_role.get(URL, params)
    assert listed_ids(response) == expected(entries, predicate)


def test_outcomes_are_labelled_and_coloured(admin_client_role, entries):
    html = admin_client_role.get(URL).content.decode()
    assert '<span class="tag tag--warn">Refused by Aptic</span>' in html
    assert '<span class="tag tag--error">Denied by Collect Desk</span>' in html
    assert '<span class="tag tag--ok">OK</span>' in html


def test_personal_data_reveals_show_their_reason(admin_client_role, entries):
    html = admin_client_role.get(URL, {"pii": "on"}).content.decode()
    assert "customer asked for it" in html
    assert "pii.reveal" in html


def test_invalid_filters_are_reported_and_show_no_table(admin_client_role, entries):
    response = admin_client_role.get(URL, {"date_from": "2026-03-01", "date_to": "2026-02-01",
                                           "request_id": "bad id!"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["table"] is None
    assert "The end date is before the start date." in html
    assert "A request ID holds only letters" in html


def test_the_form_keeps_the_filters_it_was_given(admin_client_role, entries):
    html = admin_client_role.get(
        URL, {"user": "agent1", "outcome": "ok", "date_from": "2026-01-01"}
    ).content.decode()
    assert 'value="agent1"' in html
    assert '<option value="ok" selected>' in html
    assert 'value="2026-01-01"' in html
    assert 'hx-push-url="true"' in html


def test_debtor_link_prefilters_the_list(admin_client_role, entries):
    """The debtor page links to /audit/?debtor=<guid>."""
    response = admin_client_role.get(f"{URL}?debtor={DEBTOR_A}")
    assert listed_ids(response) == expected(entries, lambda e: e.debtor_guid == DEBTOR_A)


# --- Paging and sorting --------------------------------------------------------------------------


@pytest.fixture
def many_entries(agent_user, admin_user):
    made = [record(agent_user, action="debtor.update") for _ in range(55)]
    made += [record(admin_user, action="plan.create") for _ in range(3)]
    return made


def test_pages_of_fifty_keep_the_filters(admin_client_role, many_entries):
    first = admin_client_role.get(URL, {"user": "agent1"})
    agent_ids = [e.pk for e in reversed(many_entries) if e.actor_username == "agent1"]
    assert listed_ids(first) == agent_ids[:50]
    html = first.content.decode()
    assert 'href="?user=agent1&amp;page=2"' in html
    assert 'aria-current="page"' in html
    second = admin_client_role.get(URL, {"user": "agent1", "page": "2"})
    assert listed_ids(second) == agent_ids[50:]
    assert 'rel="prev"' in second.content.decode()
    assert 'rel="next"' not in second.content.decode()


def test_sorting_by_time_both_ways_with_aria_sort(admin_client_role, many_entries):
    newest = admin_client_role.get(URL)
    assert 'aria-sort="descending"' in newest.content.decode()
    oldest = admin_client_role.get(URL, {"sort": "created_at", "action": "plan.create"})
    assert listed_ids(oldest) == [e.pk for e in many_entries if e.action == "plan.create"]
    html = oldest.content.decode()
    assert 'aria-sort="ascending"' in html
    # The sort link keeps the filter and drops the page number.
    assert 'href="?sort=-created_at&amp;action=plan.create"' in html or (
        'href="?action=plan.create&amp;sort=-created_at"' in html
    )


# --- htmx ----------------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_results_fragment(admin_client_role, entries):
    full = admin_client_role.get(URL, {"outcome": "ok"})
    fragment = admin_client_role.get(URL, {"outcome": "ok"}, headers={"HX-Request": "true"})
    for response in (full, fragment):
        assert "HX-Request" in response["Vary"]
    full_html, fragment_html = full.content.decode(), fragment.content.decode()
    assert "<html" in full_html and 'id="audit-filters"' in full_html
    assert "<html" not in fragment_html and 'id="audit-filters"' not in fragment_html
    assert 'id="audit-table"' in fragment_html
    assert 'hx-swap-oob="true"' in fragment_html  # the status line for screen readers
    assert linked_ids(fragment_html) == expected(entries, lambda e: e.outcome == "ok")


def test_filter_form_drives_htmx_and_works_without_it(admin_client_role, entries):
    html = admin_client_role.get(URL).content.decode()
    assert 'method="get" action="/audit/"' in html
    assert 'hx-get="/audit/"' in html and 'hx-target="#audit-results"' in html
    assert "input changed delay:400ms" in html


def test_export_links_carry_the_current_filters(admin_client_role, entries):
    html = admin_client_role.get(URL, {"outcome": "ok", "page": "1", "user": ""}).content.decode()
    assert 'href="/audit/export.csv?outcome=ok"' in html
    assert 'href="/audit/export.jsonl?outcome=ok"' in html


def test_entries_recorded_as_system_show_so(admin_client_role, entries):
    assert AuditEntry.objects.filter(actor__isnull=True).exists()
    assert "(system)" in admin_client_role.get(URL).content.decode()
