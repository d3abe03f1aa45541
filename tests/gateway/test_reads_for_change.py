"""`reads_for_change`: a view's read before a change, failing, records the attempted change."""

import pytest

from backoffice.audit.models import AuditEntry
from backoffice.gateway import Change, NotFound, ServerError, reads_for_change
from backoffice.request_context import acting_as


def test_a_failing_read_records_the_attempt_as_failed(gw, sandbox_api, agent_user):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.set_faults(status=503)
    attempt = Change("debtor.update", guid, "debtor", guid)
    with acting_as(agent_user), pytest.raises(ServerError), reads_for_change(attempt):
        gw.debtor_get(guid)
    (entry,) = AuditEntry.objects.all()
    assert (entry.action, entry.outcome, entry.error_class, entry.upstream_status) == (
        "debtor.update", "failed", "ServerError", 503)
    assert (entry.debtor_guid, entry.target_type, entry.target_id) == (guid, "debtor", guid)
    assert entry.actor == agent_user


def test_a_missing_record_is_a_refused_attempt(gw, agent_user):
    guid = "00000000-0000-0000-0000-000000000001"
    attempt = Change("address.update", guid, "address", guid)
    with acting_as(agent_user), pytest.raises(NotFound), reads_for_change(attempt):
        gw.address_get(guid, guid)
    assert list(AuditEntry.objects.values_list("outcome", "upstream_status")) == [
        ("refused", 404)]


def test_reads_that_succeed_record_nothing(gw, sandbox_api, agent_user):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    with acting_as(agent_user), reads_for_change(Change("debtor.update", guid, "debtor", guid)):
        assert gw.debtor_get(guid).debtor_guid == guid
    assert not AuditEntry.objects.exists()
