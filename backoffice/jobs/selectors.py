"""Reads for the jobs page: runs newest first, one run, the queue, the last integrity result.

A run the worker lost (its task finished without the run saying so, e.g. the task could not
be imported) is brought in step with the task result when it is read: failed, with the task's
exception class as the reason.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.jobs import registry
from backoffice.jobs.models import JobRun

_FINISHED = {"SUCCESSFUL", "FAILED"}


def job_sync(job: JobRun) -> JobRun:
    """`job`, marked failed when its task ended but the run still says queued or running."""
    if not job.is_active or not job.task_result_id:
        return job
    task = (DBTaskResult.objects.filter(id=job.task_result_id)
            .values("status", "exception_class_path", "finished_at").first())
    if task is None or task["status"] not in _FINISHED:
        return job
    job.status = JobRun.Status.FAILED
    job.finished_at = task["finished_at"] or timezone.now()
    job.error = job.error or (
        f"The task ended ({task['status'].lower()}) without finishing the run: "
        f"{task['exception_class_path'] or 'no error recorded'}")
    JobRun.objects.filter(pk=job.pk, status__in=[JobRun.Status.QUEUED, JobRun.Status.RUNNING]
                          ).update(status=job.status, finished_at=job.finished_at,
                                   error=job.error)
    return job


def job_list(*, status: str = "", name: str = "") -> QuerySet[JobRun]:
    runs = JobRun.objects.select_related("started_by", "retry_of").order_by("-id")
    if status:
        runs = runs.filter(status=status)
    if name:
        runs = runs.filter(name=name)
    return runs


def job_get(*, job_id: int) -> JobRun:
    return job_sync(JobRun.objects.select_related("started_by", "retry_of").get(pk=job_id))


def job_counts() -> dict[str, int]:
    """Runs per status (the page's summary)."""
    counts = dict.fromkeys(JobRun.Status.values, 0)
    for row in JobRun.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def job_latest(*, name: str, finished: bool = False) -> JobRun | None:
    runs = JobRun.objects.filter(name=name).select_related("started_by").order_by("-id")
    if finished:
        runs = runs.filter(status__in=[JobRun.Status.DONE, JobRun.Status.FAILED])
    job = runs.first()
    return job_sync(job) if job is not None else None


def integrity_last_run() -> JobRun | None:
    return job_latest(name=registry.AUDIT_VERIFY, finished=True)


def integrity_active_run() -> JobRun | None:
    job = job_latest(name=registry.AUDIT_VERIFY)
    return job if job is not None and job.is_active else None
