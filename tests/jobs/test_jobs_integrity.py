"""The incremental integrity check: the checkpoint moves, a change after it is found, a change
before it only by the full check, and an archive leaves the checkpoint logic working."""

import datetime as dt

import pytest

from backoffice.audit.archive import audit_archive
from backoffice.audit.models import AuditEntry
from backoffice.jobs.integrity import integrity_check, integrity_checkpoint_latest
from backoffice.jobs.models import IntegrityCheckpoint, JobRun
from backoffice.jobs.services import job_start
from tests.audit.review_helpers import aware, behind_the_models_back, record, recorded_at
from tests.jobs.helpers import run_worker

TABLE = AuditEntry._meta.db_table


def tamper(entry_id: int) -> None:
    behind_the_models_back(f"UPDATE {TABLE} SET reason = %s WHERE id = %s",
                           ["nothing to see", entry_id])


def entries(user, count: int, start: int = 0) -> list[AuditEntry]:
    return [record(user, after={"n": n}) for n in range(start, start + count)]


def test_first_check_is_full_and_sets_the_checkpoint(agent_user):
    chain = entries(agent_user, 5)
    report = integrity_check()
    assert report.ok and report.full
    assert report.checked == 5 and report.after_id == 0
    checkpoint = integrity_checkpoint_latest()
    assert checkpoint.last_entry_id == chain[-1].pk
    assert checkpoint.last_entry_hash == chain[-1].entry_hash


def test_the_checkpoint_moves_and_only_new_entries_are_read(agent_user):
    entries(agent_user, 5)
    integrity_check()
    newer = entries(agent_user, 3, start=5)
    report = integrity_check()
    assert report.ok and not report.full
    assert report.checked == 3
    assert report.after_id == newer[0].pk - 1
    assert integrity_checkpoint_latest().last_entry_id == newer[-1].pk
    # Nothing new: the check still answers and the checkpoint stays where it was.
    again = integrity_check()
    assert again.ok and again.checked == 0
    assert integrity_checkpoint_latest().last_entry_id == newer[-1].pk


def test_a_change_after_the_checkpoint_is_found(agent_user):
    entries(agent_user, 4)
    integrity_check()
    newer = entries(agent_user, 4, start=4)
    tamper(newer[2].pk)
    report = integrity_check()
    assert not report.ok
    assert report.broken_id == newer[2].pk
    assert report.checked == 2  # the two new entries before it verified
    # A failed check does not move the checkpoint.
    assert integrity_checkpoint_latest().last_entry_id == newer[0].pk - 1


def test_a_change_before_the_checkpoint_takes_the_full_check(agent_user):
    chain = entries(agent_user, 6)
    integrity_check()
    tamper(chain[1].pk)
    entries(agent_user, 2, start=6)
    assert integrity_check().ok  # incremental: reads only the two new entries
    full = integrity_check(full=True)
    assert not full.ok and full.full
    assert full.broken_id == chain[1].pk


def test_a_change_to_the_checkpointed_entry_itself_is_found(agent_user):
    chain = entries(agent_user, 3)
    integrity_check()
    tamper(chain[-1].pk)
    report = integrity_check()
    assert not report.ok and report.broken_id == chain[-1].pk
    assert "changed" in report.problem


def test_a_removed_checkpointed_entry_is_found_unless_archived(agent_user):
    chain = entries(agent_user, 3)
    integrity_check()
    behind_the_models_back(f"DELETE FROM {TABLE} WHERE id = %s", [chain[-1].pk])
    later = entries(agent_user, 1, start=3)
    report = integrity_check()
    assert not report.ok
    assert report.broken_id == later[0].pk  # where the full check finds it too
    # The chain itself relinked (the next append took the last hash left): only the
    # checkpoint remembers the removed entry, and the full check asks it too.
    assert integrity_check(full=True).broken_id == later[0].pk


@pytest.mark.parametrize("archived_past_checkpoint", [False, True])
def test_an_archive_keeps_the_checkpoint_working(agent_user, archived_past_checkpoint, tmp_path):
    """Archived before or past the checkpoint: the next incremental check verifies, and still
    finds a change made after the archive."""
    with recorded_at(aware(2024, 1, 10)):
        old = entries(agent_user, 4)
    if not archived_past_checkpoint:
        integrity_check()  # checkpoint at the last old entry... which is then archived
        with recorded_at(aware(2024, 3, 1)):
            kept = entries(agent_user, 2, start=4)
        integrity_check()  # checkpoint past the archive
    else:
        integrity_check()
        with recorded_at(aware(2024, 3, 1)):
            kept = entries(agent_user, 2, start=4)
    checkpoint_before = integrity_checkpoint_latest().last_entry_id
    result = audit_archive(before=dt.date(2024, 2, 1), output=tmp_path / "a.jsonl.gz")
    assert result.count == len(old)
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert (checkpoint_before in [e.pk for e in old]) == archived_past_checkpoint

    report = integrity_check()
    assert report.ok, report
    assert report.checked >= 1  # at least the archive's own checkpoint entry
    assert integrity_check(full=True).ok

    newest = entries(agent_user, 3, start=6)
    tamper(newest[1].pk)
    assert integrity_check().broken_id == newest[1].pk
    assert kept  # the entries after the archive were never touched


def test_the_job_records_its_checkpoint_and_failure(agent_user, admin_user):
    chain = entries(agent_user, 3)
    job = job_start(name="audit_verify", actor=admin_user)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobRun.Status.DONE
    started = AuditEntry.objects.get(action="job.run")  # recorded before the job ran
    assert job.result["ok"] and job.result["through_id"] == started.pk
    assert IntegrityCheckpoint.objects.get().job_id == job.pk
    assert job.progress_done == job.progress_total == len(chain) + 1

    tamper(chain[0].pk)
    full = job_start(name="audit_verify", options={"full": True}, actor=admin_user)
    run_worker()
    full.refresh_from_db()
    assert full.status == JobRun.Status.FAILED
    assert full.error.startswith(f"Audit chain broken at entry #{chain[0].pk}")
    assert full.result["broken_id"] == chain[0].pk
