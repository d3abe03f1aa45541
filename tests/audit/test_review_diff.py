"""The before/after diff: create, update and delete entries, and nested plan payments."""

from decimal import Decimal

import pytest

from backoffice.audit.diff import (
    ADDED,
    CHANGED,
    PATH_SEPARATOR,
    REMOVED,
    diff_states,
    format_value,
)
from tests.audit.review_helpers import record

DEBTOR = "6f1c1f8e-8a4b-4e0b-9d7e-0d2f3c4b5a69"


def path(*parts: str) -> str:
    return PATH_SEPARATOR.join(parts)


def rows(changes):
    return [(c.kind, c.label, c.before_text, c.after_text) for c in changes]


def test_create_lists_every_field_as_added_in_name_order():
    changes = diff_states(None, {"first_name": "Anna", "last_name": "Berg", "city": None})
    assert rows(changes) == [
        (ADDED, "city", "", "null"),
        (ADDED, "first_name", "", "Anna"),
        (ADDED, "last_name", "", "Berg"),
    ]


def test_delete_lists_every_field_as_removed():
    changes = diff_states({"name": "segment", "value": ["a", "b"]}, None)
    assert rows(changes) == [
        (REMOVED, "name", "segment", ""),
        (REMOVED, "value", "a, b", ""),
    ]


def test_update_shows_changed_added_and_removed_fields_only():
    before = {"first_name": "Anna", "email": "anna@example.com", "phone": "070", "city": "Umeå"}
    after = {"first_name": "Anna", "email": "anna.berg@example.com", "city": "Umeå",
             "language_code": "sv"}
    assert rows(diff_states(before, after)) == [
        (CHANGED, "email", "anna@example.com", "anna.berg@example.com"),
        (ADDED, "language_code", "", "sv"),
        (REMOVED, "phone", "070", ""),
    ]


def test_equal_states_have_no_changes():
    state = {"a": 1, "b": [1, 2], "c": {"d": None}}
    assert diff_states(state, dict(state)) == []
    assert diff_states(None, None) == []


def test_nested_objects_are_walked_field_by_field():
    before = {"address": {"street": "Storgatan 1", "zip_code": "75310"}}
    after = {"address": {"street": "Storgatan 2", "zip_code": "75310"}}
    assert rows(diff_states(before, after)) == [
        (CHANGED, path("address", "street"), "Storgatan 1", "Storgatan 2"),
    ]


def test_plan_payments_are_matched_row_by_row_by_due_date():
    before = {"payments": [
        {"due_date": "2026-01-28", "amount": "500.00"},
        {"due_date": "2026-02-28", "amount": "500.00"},
        {"due_date": "2026-03-28", "amount": "500.00"},
    ]}
    after = {"payments": [
        {"due_date": "2026-01-28", "amount": "500.00"},
        {"due_date": "2026-03-28", "amount": "750.00"},
        {"due_date": "2026-04-28", "amount": "250.00"},
    ]}
    assert rows(diff_states(before, after)) == [
        (REMOVED, path("payments", "due_date 2026-02-28"),
         "due_date: 2026-02-28; amount: 500.00", ""),
        (CHANGED, path("payments", "due_date 2026-03-28", "amount"), "500.00", "750.00"),
        (ADDED, path("payments", "due_date 2026-04-28"),
         "", "due_date: 2026-04-28; amount: 250.00"),
    ]


def test_plan_periods_are_matched_by_period_number_before_due_date():
    before = {"periods": [{"period_number": 1, "due_date": "2026-01-28", "amount": "100.00"},
                          {"period_number": 2, "due_date": "2026-02-28", "amount": "100.00"}]}
    after = {"periods": [{"period_number": 1, "due_date": "2026-01-28", "amount": "100.00"},
                         {"period_number": 2, "due_date": "2026-03-01", "amount": "120.00"}]}
    assert rows(diff_states(before, after)) == [
        (CHANGED, path("periods", "period_number 2", "amount"), "100.00", "120.00"),
        (CHANGED, path("periods", "period_number 2", "due_date"), "2026-02-28", "2026-03-01"),
    ]


def test_list_of_plain_values_shows_one_insertion_not_every_row_changed():
    before = {"value": ["gold", "vip"]}
    after = {"value": ["new", "gold", "vip"]}
    assert rows(diff_states(before, after)) == [(ADDED, path("value", "#1"), "", "new")]


def test_rows_without_a_key_are_aligned_as_a_sequence():
    before = {"links": [{"rel": "self", "href": "/a"}, {"rel": "self", "href": "/b"}]}
    after = {"links": [{"rel": "self", "href": "/a"}, {"rel": "self", "href": "/c"}]}
    assert rows(diff_states(before, after)) == [
        (CHANGED, path("links", "#2", "href"), "/b", "/c"),
    ]


def test_type_changes_count_as_changes():
    assert rows(diff_states({"a": 1}, {"a": "1"})) == [(CHANGED, "a", "1", "1")]
    assert rows(diff_states({"a": 1}, {"a": True})) == [(CHANGED, "a", "1", "true")]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, "null"), (True, "true"), (Decimal("10.50"), "10.50"), ([], "[]"),
     ({"a": [1, 2]}, "a: 1, 2"), ([{"x": 1}, {"x": 2}], "[x: 1] | [x: 2]"),
     # Identifying key first, the rest by name, whatever order the database kept.
     ({"amount": "1.00", "due_date": "2026-01-28"}, "due_date: 2026-01-28; amount: 1.00"),
     ({"b": 1, "a": 2}, "a: 2; b: 1")],
)
def test_values_are_shown_compactly(value, text):
    assert format_value(value) == text


# --- The entry page ------------------------------------------------------------------------------


def test_update_entry_page_shows_the_diff_and_every_field(admin_client_role, agent_user):
    entry = record(
        agent_user, action="debtor.update", debtor_guid=DEBTOR, target_type="debtor",
        target_id=DEBTOR, body={"email": "new@example.com"},
        before={"email": "old@example.com", "city": "Umeå"},
        after={"email": "new@example.com", "city": "Umeå"},
        upstream_status=204, request_id="req-detail-0001",
    )
    html = admin_client_role.get(f"/audit/{entry.pk}/").content.decode()
    assert "<del>old@example.com</del>" in html
    assert "<ins>new@example.com</ins>" in html
    assert "Umeå</del>" not in html  # unchanged fields are not listed as changes
    for text in ("agent1", "Agent", "req-detail-0001", "127.0.0.1", "pytest", "204",
                 entry.entry_hash, DEBTOR, "debtor.update"):
        assert text in html
    assert f'href="/audit/?debtor={DEBTOR}"' in html
    assert 'href="/audit/?request_id=req-detail-0001"' in html


def test_create_and_delete_entry_pages(admin_client_role, agent_user):
    created = record(agent_user, action="address.create", debtor_guid=DEBTOR,
                     after={"address_type": "WORK", "city": "Lund"}, upstream_status=201)
    deleted = record(agent_user, action="address.delete", debtor_guid=DEBTOR,
                     before={"address_type": "WORK", "city": "Lund"}, upstream_status=204)
    created_html = admin_client_role.get(f"/audit/{created.pk}/").content.decode()
    assert "<ins>WORK</ins>" in created_html and "<ins>Lund</ins>" in created_html
    assert "<del>" not in created_html
    deleted_html = admin_client_role.get(f"/audit/{deleted.pk}/").content.decode()
    assert "<del>WORK</del>" in deleted_html and "<del>Lund</del>" in deleted_html
    assert "<ins>" not in deleted_html


def test_plan_update_entry_page_shows_payments_row_by_row(admin_client_role, supervisor_user):
    entry = record(
        supervisor_user, action="plan.update", debtor_guid=DEBTOR,
        before={"payments": [{"due_date": "2026-01-28", "amount": Decimal("500.00")}]},
        after={"payments": [{"due_date": "2026-01-28", "amount": Decimal("650.00")},
                            {"due_date": "2026-02-28", "amount": Decimal("350.00")}]},
    )
    html = admin_client_role.get(f"/audit/{entry.pk}/").content.decode()
    assert path("payments", "due_date 2026-01-28", "amount") in html
    assert "<del>500.00</del>" in html and "<ins>650.00</ins>" in html
    assert "<ins>due_date: 2026-02-28; amount: 350.00</ins>" in html


def test_denied_entry_without_states_says_so(admin_client_role, agent_user):
    entry = record(agent_user, action="plan.activate", outcome="denied",
                   reason="missing permission approve_plans")
    html = admin_client_role.get(f"/audit/{entry.pk}/").content.decode()
    assert "missing permission approve_plans" in html
    assert "This entry records no state before or after." in html


def test_unknown_entry_is_404(admin_client_role, db):
    assert admin_client_role.get("/audit/999999/").status_code == 404
