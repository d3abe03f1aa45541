"""The jobs as Django tasks (`manage.py db_worker` runs them). Each takes the id of its `JobRun`
and calls the logic that lives with its subject; these functions only report progress and
turn the outcome into the run's result. Progress messages are stored in English and translated
when shown."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils.translation import gettext_noop

from backoffice.audit.archive import audit_archive as archive_entries
from backoffice.jobs.exports import audit_export_write
from backoffice.jobs.integrity import integrity_check
from backoffice.jobs.models import JobRun
from backoffice.jobs.runner import JobFailed, Progress, run_job
from backoffice.signin.services import sessions_sweep as sweep_sessions
from plans.afford import statements_sweep as sweep_statements
from work.promise_check import promises_check as check_promises


@task()
def audit_verify(job_id: int) -> dict:
    def work(job: JobRun, progress: Progress) -> dict:
        report = integrity_check(full=bool(job.options.get("full")), job=job,
                                 on_progress=lambda done, total: progress(done, total))
        progress(report.checked, None, force=True)
        if not report.ok:
            raise JobFailed(
                f"Audit chain broken at entry #{report.broken_id}: {report.problem}.",
                result=report.as_result())
        return report.as_result()

    return run_job(job_id, work)


@task()
def audit_archive(job_id: int) -> dict:
    def work(job: JobRun, progress: Progress) -> dict:
        progress(0, None, gettext_noop("Writing and checking the archive file"), force=True)
        result = archive_entries(before=dt.date.fromisoformat(job.options["before"]))
        progress(result.count, result.count, force=True)
        return {"count": result.count, "file": result.path.name if result.path else "",
                "first_id": result.first_id, "last_id": result.last_id,
                "sha256": result.sha256, "checkpoint_id": result.checkpoint_id}

    return run_job(job_id, work)


@task()
def promises_check(job_id: int) -> dict:
    def work(job: JobRun, progress: Progress) -> dict:
        progress(0, None, gettext_noop("Reading the debtors' balances"), force=True)
        report = check_promises()
        result = {"today": report.today.isoformat(), "kept": report.kept,
                  "partly_kept": report.partly_kept, "broken": report.broken,
                  "baselines": report.baselines, "summary_calls": report.summary_calls,
                  "unreadable": len(report.unreadable), "errors": report.errors,
                  "seconds": round(report.seconds, 1)}
        progress(report.judged, report.judged, force=True)
        if not report.ok:
            raise JobFailed(f"{report.errors} promises could not be checked; see the log.",
                            result=result)
        return result

    return run_job(job_id, work)


@task()
def sessions_sweep(job_id: int) -> dict:
    def work(job: JobRun, progress: Progress) -> dict:
        result = sweep_sessions()
        progress(result["expired"], result["expired"], force=True)
        return result

    return run_job(job_id, work)


@task()
def statements_sweep(job_id: int) -> dict:
    def work(job: JobRun, progress: Progress) -> dict:
        result = sweep_statements()
        progress(result["deleted"], result["deleted"], force=True)
        return result

    return run_job(job_id, work)


@task()
def audit_export(job_id: int) -> dict:
    def work(job: JobRun, progress: Progress) -> dict:
        return audit_export_write(
            job_id=job.pk, fmt=job.options["format"], filters=job.options.get("filters") or {},
            through_id=int(job.options["through_id"]),
            on_progress=lambda done, total: progress(done, total, force=done == total))

    return run_job(job_id, work)
