"""Each job enqueued and run by the worker: results, progress, a failure with its reason and
a run again; the export job's file equals the streamed export."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.audit.models import AuditEntry
from backoffice.jobs import selectors
from backoffice.jobs.models import JobRun
from backoffice.jobs.services import JobNotRetryable, job_retry, job_start
from tests.audit.review_helpers import aware, behind_the_models_back, record, recorded_at
from tests.jobs.helpers import run_worker

TABLE = AuditEntry._meta.db_table


def finished(job: JobRun) -> JobRun:
    run_worker()
    job.refresh_from_db()
    return job


def test_a_job_is_queued_with_its_task_and_audited(admin_user):
    job = job_start(name="audit_verify", options={"full": "yes"}, actor=admin_user)
    assert job.status == JobRun.Status.QUEUED and job.options == {"full": True}
    task = DBTaskResult.objects.get(id=job.task_result_id)
    assert task.task_path == "backoffice.jobs.tasks.audit_verify"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    entry = AuditEntry.objects.get(action="job.run")
    assert entry.actor == admin_user and entry.role == "admin"
    assert entry.target_type == "job" and entry.target_id == str(job.pk)
    assert entry.request_body == {"job": "audit_verify", "options": {"full": True}}
    assert job.request_id == entry.request_id


def test_the_run_records_start_end_progress_and_the_task_state(admin_user, agent_user):
    for n in range(3):
        record(agent_user, after={"n": n})
    job = finished(job_start(name="audit_verify", actor=admin_user))
    assert job.status == JobRun.Status.DONE
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.percent == 100
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "SUCCESSFUL"
    assert "Chain intact: 4 entries checked" in job.result_text


def test_the_archive_job_archives_and_records_the_file(admin_user, agent_user, settings,
                                                       tmp_path):
    settings.VAR_DIR = tmp_path
    with recorded_at(aware(2024, 1, 5)):
        old = [record(agent_user, after={"n": n}) for n in range(3)]
    job = finished(job_start(name="audit_archive", options={"before": "2024-02-01"},
                             actor=admin_user))
    assert job.status == JobRun.Status.DONE, job.error
    assert job.result["count"] == 3
    assert job.result["first_id"] == old[0].pk and job.result["last_id"] == old[-1].pk
    assert (tmp_path / "audit-archive" / job.result["file"]).is_file()
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    checkpoint = AuditEntry.objects.get(action="audit.archive-checkpoint")
    assert checkpoint.request_id == job.request_id  # the job acts in its starter's request


def test_the_archive_defaults_to_the_retention_period(admin_user, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    job = job_start(name="audit_archive", actor=admin_user)
    expected = timezone.localdate() - dt.timedelta(days=30)
    assert job.options["before"] == expected.isoformat()


def test_the_promise_check_job_reports_what_it_judged(admin_user):
    job = finished(job_start(name="promises_check", actor=admin_user))
    assert job.status == JobRun.Status.DONE, job.error
    assert job.result["kept"] == job.result["broken"] == job.result["errors"] == 0
    assert job.result["today"] == timezone.localdate().isoformat()
    assert "0 kept" in job.result_text


def test_a_failed_job_says_why_and_runs_again(admin_user, agent_user, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with recorded_at(aware(2024, 1, 5)):
        chain = [record(agent_user, reason="as it was", after={"n": n}) for n in range(3)]
    behind_the_models_back(f"UPDATE {TABLE} SET reason = %s WHERE id = %s",
                           ["rewritten", chain[1].pk])
    job = finished(job_start(name="audit_archive", options={"before": "2024-02-01"},
                             actor=admin_user))
    assert job.status == JobRun.Status.FAILED
    assert job.error.startswith("ArchiveError: line 2:")
    assert f"entry #{chain[1].pk} does not match its hash" in job.error
    task = DBTaskResult.objects.get(id=job.task_result_id)
    assert task.status == "FAILED"
    assert task.exception_class_path == "backoffice.audit.archive.ArchiveError"
    assert AuditEntry.objects.filter(pk=chain[1].pk).exists()  # nothing was deleted

    behind_the_models_back(f"UPDATE {TABLE} SET reason = %s WHERE id = %s",
                           ["as it was", chain[1].pk])
    again = finished(job_retry(job=job, actor=admin_user))
    assert again.retry_of == job and again.options == job.options
    assert again.status == JobRun.Status.DONE, again.error
    assert again.result["count"] == 3
    retry_entry = AuditEntry.objects.get(action="job.retry")
    assert retry_entry.request_body["retry_of"] == job.pk


def test_an_unfinished_job_cannot_run_again(admin_user):
    job = job_start(name="promises_check", actor=admin_user)
    with pytest.raises(JobNotRetryable):
        job_retry(job=job, actor=admin_user)


def test_a_run_the_task_ended_without_is_shown_failed(admin_user):
    job = job_start(name="promises_check", actor=admin_user)
    DBTaskResult.objects.filter(id=job.task_result_id).update(
        status="FAILED", exception_class_path="builtins.MemoryError")
    shown = selectors.job_get(job_id=job.pk)
    assert shown.status == JobRun.Status.FAILED
    assert "builtins.MemoryError" in shown.error
    job.refresh_from_db()
    assert job.status == JobRun.Status.FAILED


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_export_job_writes_what_the_stream_sends(admin_client_role, agent_user, settings,
                                                     tmp_path, fmt):
    settings.JOBS_EXPORT_DIR = tmp_path / "exports"
    for n in range(5):
        record(agent_user, action="debtor.update", after={"n": n, "city": "Umeå"},
               reason="=1+1" if n == 2 else "")
    record(agent_user, action="note.create")
    query = {"action": "debtor.update"}

    settings.AUDIT_EXPORT_STREAM_MAX = 100
    streamed = b"".join(admin_client_role.get(f"/audit/export.{fmt}", query).streaming_content)

    settings.AUDIT_EXPORT_STREAM_MAX = 4
    page = admin_client_role.get(f"/audit/export.{fmt}", query)
    assert page.status_code == 200 and not page.streaming
    html = page.content.decode()
    assert "more than 4 entries" in html
    assert f'action="/audit/export.{fmt}?action=debtor.update"' in html
    exports_before = AuditEntry.objects.filter(action="audit.export").count()

    started = admin_client_role.post(f"/audit/export.{fmt}?action=debtor.update")
    job = JobRun.objects.get(name="audit_export")
    assert started.status_code == 302 and started["Location"] == f"/jobs/{job.pk}/"
    assert job.options["format"] == fmt
    assert job.options["filters"] == {"action": "debtor.update"}
    job = finished(job)
    assert job.status == JobRun.Status.DONE, job.error
    assert job.result["rows"] == 5 and job.progress_done == job.progress_total == 5

    detail = admin_client_role.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/download"' in detail
    download = admin_client_role.get(f"/jobs/{job.pk}/download")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == streamed
    entry = AuditEntry.objects.filter(action="audit.export").latest("pk")
    assert AuditEntry.objects.filter(action="audit.export").count() == exports_before + 1
    assert entry.target_id == str(job.pk) and entry.request_body["file"] == job.result["file"]


def test_only_a_finished_export_has_a_download(admin_client_role, admin_user):
    verify = finished(job_start(name="audit_verify", actor=admin_user))
    assert admin_client_role.get(f"/jobs/{verify.pk}/download").status_code == 404
    queued = job_start(name="audit_export", actor=admin_user,
                       options={"format": "csv", "filters": {}, "through_id": 1})
    assert admin_client_role.get(f"/jobs/{queued.pk}/download").status_code == 404
    JobRun.objects.filter(pk=queued.pk).update(status="done",
                                               result={"file": "../../etc/passwd"})
    assert admin_client_role.get(f"/jobs/{queued.pk}/download").status_code == 404


def test_jobs_enqueue_prints_the_job_and_records_the_schedule(db, capsys):
    call_command("jobs_enqueue", "audit_verify", "--full")
    job = JobRun.objects.get()
    assert f"Enqueued audit_verify as job {job.pk} (task {job.task_result_id})" in (
        capsys.readouterr().out)
    assert job.options == {"full": True} and job.started_by is None
    entry = AuditEntry.objects.get(action="job.run")
    assert entry.actor is None and "jobs_enqueue" in entry.reason

    call_command("jobs_enqueue", "audit_archive", "--before", "2024-01-01")
    assert JobRun.objects.get(name="audit_archive").options == {"before": "2024-01-01"}
    call_command("jobs_enqueue", "promises_check")
    assert JobRun.objects.filter(name="promises_check").count() == 1
    finished(JobRun.objects.get(name="promises_check"))
    assert JobRun.objects.get(name="promises_check").status == JobRun.Status.DONE


@pytest.mark.parametrize("argv, message", [
    (["promises_check", "--full"], "--full is for audit_verify"),
    (["audit_verify", "--before", "2024-01-01"], "--before is for audit_archive"),
    (["audit_archive", "--before", "1st of May"], "takes a date as YYYY-MM-DD"),
    (["audit_archive", "--before", "2999-01-01"], "cannot be in the future"),
])
def test_jobs_enqueue_refuses_wrong_options(db, argv, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("jobs_enqueue", *argv)
    assert not JobRun.objects.exists()


def test_jobs_enqueue_wait_gives_up_without_a_worker(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"still queued .* db_worker running"):
        call_command("jobs_enqueue", "promises_check", "--wait", "--timeout", "0.3",
                     "--poll", "0.1")
