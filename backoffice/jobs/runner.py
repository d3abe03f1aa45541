"""Running one job inside its task: the `JobRun` goes running, then done or failed.

The task's own row (django_tasks_db) is marked by the worker from what the task returns or
raises; `run_job` keeps the `JobRun` beside it in step, with a reason a person can read, and
re-raises so that the task result records the traceback too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from backoffice.jobs.models import JobRun
from backoffice.request_context import acting_as

log = logging.getLogger("backoffice.jobs")

PROGRESS_EVERY_SECONDS = 0.5
ERROR_MAX_CHARS = 2000


class JobFailed(Exception):
    """A job that ran to its end but must count as failed (a broken chain, promises that
    could not be checked); `result` is kept as well as the reason."""

    def __init__(self, reason: str, *, result: dict | None = None):
        super().__init__(reason)
        self.result = result


class Progress:
    """Progress reports from the task; written at most every half second (and at the end)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._written = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "", *,
                 force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < PROGRESS_EVERY_SECONDS and done:
            return
        self._written = now
        fields: dict[str, Any] = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["progress_message"] = message[:200]
        JobRun.objects.filter(pk=self.job_id).update(**fields)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, JobFailed):
        text = f"{type(exc).__name__}: {text}"
    return text[:ERROR_MAX_CHARS]


def run_job(job_id: int, work: Callable[[JobRun, Progress], dict]) -> dict:
    """Runs `work(job, progress)` for the JobRun `job_id`, as the user who started it."""
    job = JobRun.objects.select_related("started_by").get(pk=job_id)
    JobRun.objects.filter(pk=job_id).update(
        status=JobRun.Status.RUNNING, started_at=timezone.now(), error="")
    log.info("job %s %s started", job_id, job.name)
    with acting_as(job.started_by, request_id=job.request_id or None):
        try:
            result = work(job, Progress(job_id))
        except BaseException as exc:
            JobRun.objects.filter(pk=job_id).update(
                status=JobRun.Status.FAILED, finished_at=timezone.now(), error=_reason(exc),
                result=getattr(exc, "result", None))
            log.warning("job %s %s failed: %s", job_id, job.name, _reason(exc))
            raise
    JobRun.objects.filter(pk=job_id).update(
        status=JobRun.Status.DONE, finished_at=timezone.now(), result=result)
    log.info("job %s %s done", job_id, job.name)
    return result
