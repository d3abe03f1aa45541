"""The audit log in Django admin: readable by admins, changeable by nobody."""

import pytest

from backoffice.audit.services import audit_record


@pytest.fixture
def entry(db):
    return audit_record(action="debtor.update", outcome="ok", debtor_guid="d-1")


def test_admins_read_entries(admin_client_role, entry):
    assert admin_client_role.get("/admin/audit/auditentry/").status_code == 200
    detail = admin_client_role.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert b"debtor.update" in detail.content
    assert b'name="_save"' not in detail.content


def test_admins_cannot_add_change_or_delete(admin_client_role, entry):
    assert admin_client_role.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin_client_role.post(f"/admin/audit/auditentry/{entry.pk}/delete/",
                                  {"post": "yes"}).status_code == 403
    assert admin_client_role.post(f"/admin/audit/auditentry/{entry.pk}/change/",
                                  {"reason": "x"}).status_code == 403


def test_agents_and_supervisors_have_no_access(agent_client, supervisor_client, entry):
    for client in (agent_client, supervisor_client):
        response = client.get("/admin/audit/auditentry/")
        assert response.status_code in (302, 403)
