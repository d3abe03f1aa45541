"""An update is one read, one PUT and one re-read: the PUT body is built from the record the
audit mechanism reads as its "before", with the caller's changes applied."""

import pytest

from backoffice.audit.models import AuditEntry
from backoffice.gateway import NotFound, ServerError, get_gateway


def test_an_address_save_costs_get_put_get(upstream, sandbox_api, agent_user):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    gw = get_gateway()
    (address,) = gw.address_list(guid).items
    upstream.reset()

    gw.address_update(guid, address.address_guid, {"city": "Lund"}, actor=agent_user)

    path = f"/debtors/{guid}/addresses/{address.address_guid}"
    assert upstream.ops() == [f"GET {path}", f"PUT {path}", f"GET {path}"]
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.outcome, entry.actor) == ("address.update", "ok", agent_user)
    assert entry.before["city"] == "Uppsala" and entry.after["city"] == "Lund"
    # What was sent is the record as read with the change applied: other fields kept.
    assert entry.request_body["city"] == "Lund"
    assert entry.request_body["street"] == entry.before["street"]


def test_a_debtor_update_keeps_the_fields_it_does_not_name(upstream, sandbox_api, agent_user):
    guid = sandbox_api.create_debtor(email="old@example.com")["debtorGuid"]
    gw = get_gateway()
    before = gw.debtor_get(guid)
    upstream.reset()

    gw.debtor_update(guid, {"email": "new@example.com"}, actor=agent_user)

    assert [op.split(" ")[0] for op in upstream.ops()] == ["GET", "PUT", "GET"]
    after = gw.debtor_get(guid)
    assert after.email == "new@example.com"
    assert (after.first_name, after.last_name) == (before.first_name, before.last_name)


def test_a_failing_read_before_records_the_attempt_as_failed(gw, sandbox_api, agent_user):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.set_faults(status=503)
    with pytest.raises(ServerError):
        gw.debtor_update(guid, {"email": "x@example.com"}, actor=agent_user)
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.outcome, entry.error_class, entry.upstream_status) == (
        "debtor.update", "failed", "ServerError", 503)
    assert (entry.debtor_guid, entry.target_type, entry.target_id) == (guid, "debtor", guid)
    assert entry.actor == agent_user
    assert entry.request_body == {"email": "x@example.com"}  # nothing sent: the changes asked


def test_a_missing_record_is_a_refused_attempt(gw, agent_user):
    guid = "00000000-0000-0000-0000-000000000001"
    with pytest.raises(NotFound):
        gw.address_update(guid, guid, {"city": "Lund"}, actor=agent_user)
    assert list(AuditEntry.objects.values_list("outcome", "upstream_status")) == [
        ("refused", 404)]
