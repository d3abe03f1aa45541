"""Integrity: tampering behind the model's back is found and named; the PostgreSQL trigger."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain
from tests.audit.review_helpers import TRIGGER, behind_the_models_back, record
from tests.jobs.helpers import run_worker

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def chain(agent_user):
    return [record(agent_user, action="debtor.update", after={"n": n}) for n in range(5)]


def tamper(entry_id: int, reason: str = "nothing to see") -> None:
    """An UPDATE behind the model's back. On PostgreSQL the trigger refuses it, so this
    first proves that and then does what only the table's owner could: switch it off."""
    sql = f"UPDATE {TABLE} SET reason = %s WHERE id = %s"
    if connection.vendor == "postgresql":
        with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(sql, [reason, entry_id])
    behind_the_models_back(sql, [reason, entry_id])


def test_intact_chain_verifies(chain):
    assert verify_chain() is None


def test_direct_sql_update_is_found_and_named(chain, admin_client_role):
    tamper(chain[2].pk)
    assert verify_chain().pk == chain[2].pk
    with pytest.raises(CommandError, match=f"#{chain[2].pk} "):
        call_command("audit_verify")
    admin_client_role.post("/audit/integrity/", {"full": "1"})  # a job: the worker runs it
    run_worker()
    html = admin_client_role.get("/audit/integrity/").content.decode()
    assert "The chain is broken." in html
    assert f"The first entry that does not verify is entry {chain[2].pk} " in html
    assert f'href="/audit/{chain[2].pk}/"' in html


def test_a_removed_entry_breaks_the_chain_at_the_next_one(chain):
    behind_the_models_back(f"DELETE FROM {TABLE} WHERE id = %s", [chain[1].pk])
    assert verify_chain().pk == chain[2].pk


def test_integrity_page_runs_the_check_on_request(chain, admin_client_role):
    """The page starts the check as a background job and shows its result once it ran (more
    in tests/jobs/test_jobs_pages.py)."""
    page = admin_client_role.get("/audit/integrity/").content.decode()
    assert "Check the new entries" in page and "The chain verifies" not in page
    assert admin_client_role.post("/audit/integrity/").status_code == 302
    run_worker()
    result = admin_client_role.get("/audit/integrity/").content.decode()
    # The chain and the job.run entry the start recorded.
    assert f"The chain verifies: {len(chain) + 1} entries checked" in result


def test_integrity_page_is_for_admins_only(chain, supervisor_client, agent_client):
    assert supervisor_client.post("/audit/integrity/").status_code == 403
    assert agent_client.get("/audit/integrity/").status_code == 403


def test_database_refuses_update_and_delete(chain):
    """PostgreSQL: the trigger of migration 0002. SQLite has no such trigger (and the model
    refuses both): the migration adds nothing there."""
    update = f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s"
    delete = f"DELETE FROM {TABLE} WHERE id = %s"
    if connection.vendor == "postgresql":
        for sql in (update, delete):
            with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
                  connection.cursor() as cursor):
                cursor.execute(sql, [chain[0].pk])
        # The archive's transaction-local flag allows DELETE, and still not UPDATE.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL collectdesk.audit_archive = 'on'")
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(update, [chain[0].pk])
            cursor.execute(delete, [chain[0].pk])
            assert cursor.rowcount == 1
            cursor.execute("SET LOCAL collectdesk.audit_archive = 'off'")
        assert not AuditEntry.objects.filter(pk=chain[0].pk).exists()
        with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(delete, [chain[1].pk])
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert TRIGGER not in {row[0] for row in cursor.fetchall()}
    with pytest.raises(Exception, match="cannot be"):
        chain[1].save()
    with pytest.raises(Exception, match="cannot be"):
        AuditEntry.objects.filter(pk=chain[1].pk).delete()
