"""Starting jobs: a `JobRun`, its task enqueued, and the audit entry (`job.run`/`job.retry`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from backoffice import request_context
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.jobs import registry
from backoffice.jobs.models import JobRun

RUN = "job.run"
RETRY = "job.retry"


class JobNotRetryable(Exception):
    """Only a finished run (done or failed) can be run again."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def job_start(*, name: str, options: dict | None = None, actor: Any = None,
              retry_of: JobRun | None = None) -> JobRun:
    """Records and enqueues a run of job `name`; `actor` None means the schedule.

    Raises `registry.OptionsError` for options that do not clean.
    """
    cleaned = registry.clean_options(name, options)
    user = _user(actor)
    task = import_string(registry.JOBS[name].task_path)
    request_id = request_context.current().request_id[:64]  # one, also outside a request
    with transaction.atomic():
        job = JobRun.objects.create(
            name=name, options=cleaned, started_by=user, retry_of=retry_of,
            request_id=request_id,
        )
        result = task.enqueue(job.pk)
        job.task_result_id = str(result.id)
        job.save(update_fields=["task_result_id"])
    audit_record(
        action=RETRY if retry_of is not None else RUN,
        outcome=AuditEntry.Outcome.OK,
        actor=user,
        target_type="job",
        target_id=str(job.pk),
        body={"job": name, "options": cleaned,
              **({"retry_of": retry_of.pk} if retry_of is not None else {})},
        reason="" if user is not None else "scheduled (manage.py jobs_enqueue)",
        request_id=request_id,
    )
    return job


def job_retry(*, job: JobRun, actor: Any) -> JobRun:
    """Starts `job` again with the same options, as a new run pointing at it."""
    if job.is_active:
        raise JobNotRetryable(_("This job has not finished yet."))
    return job_start(name=job.name, options=job.options, actor=actor, retry_of=job)
