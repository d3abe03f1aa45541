"""Role checks on every editor view and htmx endpoint, and CSRF on every write."""

import pytest
from django.urls import reverse

from tests.debtors.pages import HTMX
from tests.debtors.records import audit_rows

GUID = "11111111-1111-4111-8111-111111111111"
ADDRESS = "22222222-2222-4222-8222-222222222222"

# (url name, args, methods, audited action of a refused write)
EDIT_ENDPOINTS = [
    ("debtors:create", [], ("GET", "POST"), "debtor.create"),
    ("debtors:edit", [GUID], ("GET", "POST"), "debtor.update"),
    ("debtors:delete", [GUID], ("GET", "POST"), "debtor.delete"),
    ("debtors:address-add", [GUID], ("GET", "POST"), "address.create"),
    ("debtors:address-edit", [GUID, ADDRESS], ("GET", "POST"), "address.update"),
    ("debtors:address-delete", [GUID, ADDRESS], ("GET", "POST"), "address.delete"),
    ("debtors:address-default", [GUID, ADDRESS], ("POST",), "address.update"),
    ("debtors:address-invalid", [GUID, ADDRESS], ("GET", "POST"), "address.update"),
    ("debtors:extrafield-add", [GUID], ("GET", "POST"), "extrafield.create"),
    ("debtors:extrafield-edit", [GUID, "ref"], ("GET", "POST"), "extrafield.update"),
    ("debtors:extrafield-delete", [GUID, "ref"], ("GET", "POST"), "extrafield.delete"),
    ("debtors:action-run", [GUID], ("POST",), "service.invoke"),
]
VIEW_ENDPOINTS = [("debtors:address-panel", [GUID]), ("debtors:extrafield-panel", [GUID])]
WRITES = [(name, args) for name, args, methods, _a in EDIT_ENDPOINTS if "POST" in methods] + [
    ("debtors:action-json", [GUID])]


def calls(name, args, methods):
    url = reverse(name, args=args)
    return [(method, url, headers) for method in methods for headers in ({}, HTMX)]


@pytest.mark.parametrize(("name", "args", "methods", "action"), EDIT_ENDPOINTS)
def test_a_user_without_a_role_is_refused_and_writes_are_audited(
        client, norole_user, name, args, methods, action):
    client.force_login(norole_user)
    for method, url, headers in calls(name, args, methods):
        answer = client.generic(method, url, headers=headers)
        assert answer.status_code == 403, (method, url)
    denied = audit_rows(action, outcome="denied")
    assert len(denied) == 2  # one per POST (page and htmx)
    assert denied[0].actor_username == "norole1"
    if args:
        assert denied[0].debtor_guid == GUID


@pytest.mark.parametrize(("name", "args"), VIEW_ENDPOINTS)
def test_panels_need_the_view_permission(client, norole_user, name, args):
    client.force_login(norole_user)
    assert client.get(reverse(name, args=args), headers=HTMX).status_code == 403


def test_the_json_form_is_for_admins_only(agent_client, supervisor_client):
    url = reverse("debtors:action-json", args=[GUID])
    for client in (agent_client, supervisor_client):
        assert client.get(url).status_code == 403
        assert client.post(url, {"definition": "echo", "body": "{}"},
                           headers=HTMX).status_code == 403
    assert [e.role for e in audit_rows("service.invoke", outcome="denied")] == [
        "agent", "supervisor"]


@pytest.mark.parametrize(("name", "args"), WRITES)
def test_every_write_needs_the_csrf_token(csrf_client_factory, admin_user, name, args):
    client = csrf_client_factory(admin_user)
    answer = client.post(reverse(name, args=args), {"definition": "echo"}, headers=HTMX)
    assert answer.status_code == 403
    assert b"CSRF" in answer.content or answer.reason_phrase == "Forbidden"
    assert audit_rows("service.invoke") == []
    assert not [e for e in audit_rows("debtor.create")]


@pytest.mark.usefixtures("gw")
def test_with_the_token_a_write_goes_through(csrf_client_factory, admin_user, sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    client = csrf_client_factory(admin_user)
    page = client.get(reverse("debtors:extrafield-add", args=[guid]), headers=HTMX)
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else \
        client.cookies["csrftoken"].value
    answer = client.post(reverse("debtors:extrafield-add", args=[guid]),
                         {"name": "ticket", "values": "T-1"},
                         headers={**HTMX, "X-CSRFToken": token})
    assert answer.status_code == 200
    assert audit_rows("extrafield.create")[0].outcome == "ok"
