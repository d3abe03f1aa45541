"""The audit log: one function writes, entries are append-only and chained by SHA-256."""

import os
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from backoffice import request_context
from backoffice.audit.models import AppendOnlyError, AuditEntry
from backoffice.audit.services import audit_denied, audit_pii_reveal, audit_record
from backoffice.audit.verify import verify_chain


def record(action="debtor.update", **kwargs):
    return audit_record(action=action, outcome=kwargs.pop("outcome", "ok"), **kwargs)


def table() -> str:
    return connection.ops.quote_name(AuditEntry._meta.db_table)


def tamper(sql: str, params: list) -> None:
    """Raw SQL behind the model's back (as a DBA would: past the PostgreSQL trigger too)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks
            cursor.execute(f"ALTER TABLE {table()} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table()} ENABLE TRIGGER USER")


@pytest.mark.django_db
def test_entries_chain_to_each_other_and_verify():
    first, second, third = record(), record(action="address.delete"), record(outcome="failed")
    assert first.prev_hash == ""
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3
    assert verify_chain() is None


@pytest.mark.django_db
def test_who_and_which_request_come_from_the_request_context(agent_user):
    with request_context.acting_as(agent_user, request_id="req-1234567890",
                                   client_ip="192.0.2.7", user_agent="Firefox"):
        entry = record(debtor_guid="d-1", target_type="debtor", target_id="d-1")
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_username, entry.role) == (agent_user, "agent1", "agent")
    assert (entry.request_id, entry.client_ip, entry.user_agent) == (
        "req-1234567890", "192.0.2.7", "Firefox")


@pytest.mark.django_db
def test_money_dates_and_secrets_are_recorded_safely():
    entry = record(
        body={"amount": Decimal("1234.50"), "due": date(2026, 1, 31), "password": "hunter2",
              "nested": {"clientSecret": "s", "Authorization": "Bearer x", "rate": 0.5}},
        before={"remaining_sum": Decimal("10661.86")},
        problem={"status": 409, "detail": "x\x00y"},
    )
    entry.refresh_from_db()
    assert entry.request_body == {
        "amount": "1234.50", "due": "2026-01-31", "password": "[redacted]",
        "nested": {"clientSecret": "[redacted]", "Authorization": "[redacted]", "rate": "0.5"},
    }
    assert Decimal(entry.before["remaining_sum"]) == Decimal("10661.86")
    assert entry.problem == {"status": 409, "detail": "xy"}
    assert verify_chain() is None


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_removed_through_the_orm():
    entry = record()
    entry.reason = "edited"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="edited")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([AuditEntry(action="x", outcome="ok")])
    with pytest.raises(AppendOnlyError):
        AuditEntry(action="x", outcome="ok").save()  # not through audit_record: no hash
    assert AuditEntry.objects.get().reason == ""


@pytest.mark.django_db
def test_bad_outcomes_and_missing_actions_are_refused():
    with pytest.raises(ValueError):
        audit_record(action="debtor.update", outcome="maybe")
    with pytest.raises(ValueError):
        audit_record(action="", outcome="ok")


@pytest.mark.django_db
def test_a_user_with_entries_cannot_be_deleted(agent_user):
    with request_context.acting_as(agent_user):
        record()
    with pytest.raises((ProtectedError, IntegrityError)):
        agent_user.delete()


@pytest.mark.django_db
def test_verify_names_the_entry_altered_behind_the_models_back(capsys):
    entries = [record(target_id=str(i)) for i in range(5)]
    call_command("audit_verify")
    assert "OK: 5 audit entries" in capsys.readouterr().out
    tamper(f"UPDATE {table()} SET reason = %s WHERE id = %s",
           ["nothing to see", entries[2].pk])
    broken = verify_chain()
    assert broken is not None and broken.pk == entries[2].pk
    with pytest.raises(CommandError, match=f"entry #{entries[2].pk} "):
        call_command("audit_verify")


@pytest.mark.django_db
def test_verify_names_the_entry_after_a_removed_one():
    entries = [record(target_id=str(i)) for i in range(4)]
    tamper(f"DELETE FROM {table()} WHERE id = %s", [entries[1].pk])
    assert verify_chain().pk == entries[2].pk


def test_audit_verify_exits_non_zero_when_broken(transactional_db):
    record()
    entry = record()
    tamper(f"UPDATE {table()} SET action = 'debtor.create' WHERE id = %s",
           [entry.pk])
    env = {**os.environ, "DATABASE_URL": _database_url()}
    done = subprocess.run([sys.executable, "manage.py", "audit_verify"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"entry #{entry.pk} " in done.stderr


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings["HOST"] or "localhost"
    return (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{host}"
            f":{settings['PORT'] or 5432}/{settings['NAME']}")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_a_chain_that_verifies():
    errors = []
    start = threading.Barrier(6)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(8):
                record(target_id=f"{n}-{i}")
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 48
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == 48  # no two entries claim the same predecessor
    assert verify_chain() is None


def _eventually(check, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rollback_of_the_callers_transaction_does_not_erase_the_entry():
    with pytest.raises(Boom), transaction.atomic():
        record(action="plan.activate", outcome="refused", upstream_status=409)
        raise Boom
    assert _eventually(lambda: AuditEntry.objects.filter(action="plan.activate").exists())
    entry = AuditEntry.objects.get(action="plan.activate")
    assert (entry.outcome, entry.upstream_status) == ("refused", 409)
    assert verify_chain() is None


@pytest.mark.django_db(transaction=True)
def test_an_entry_written_in_a_committed_transaction_is_there_once():
    with transaction.atomic():
        record(action="plan.create")
    record(action="plan.activate")
    time.sleep(0.3)  # give a rollback guard the chance to (wrongly) append a copy
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "plan.create", "plan.activate"]
    assert verify_chain() is None


@pytest.mark.django_db
def test_request_id_prefix_search():
    for request_id in ["abc123def456", "abc123zzz000", "xabc123", "ABC123up"]:
        record(request_id=request_id)
    found = AuditEntry.objects.request_id_prefix("abc123")
    assert sorted(found.values_list("request_id", flat=True)) == ["abc123def456", "abc123zzz000"]
    assert AuditEntry.objects.request_id_prefix("abc123def456").count() == 1


@pytest.mark.django_db
def test_denied_and_pii_reveal_shorthands(agent_user):
    request = RequestFactory().post("/debtors/d-1/delete", HTTP_USER_AGENT="Chrome")
    request.user = agent_user
    request.request_id = "req-denied-0001"
    denied = audit_denied(request=request, action="debtor.delete", reason="missing permission",
                          debtor_guid="d-1")
    assert (denied.outcome, denied.actor, denied.role, denied.request_id) == (
        "denied", agent_user, "agent", "req-denied-0001")
    with request_context.acting_as(agent_user):
        reveal = audit_pii_reveal(debtor_guid="d-1", field="id_number", reason="caller verified")
    assert (reveal.action, reveal.outcome, reveal.target_id, reveal.reason) == (
        "pii.reveal", "ok", "id_number", "caller verified")
    assert verify_chain() is None
