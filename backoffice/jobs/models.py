"""What the jobs page shows: one `JobRun` per start of a job, and the integrity checkpoints.

The task framework's own row (django_tasks_db's `DBTaskResult`, linked by `task_result_id`)
holds the queue state, the return value and the traceback; a `JobRun` adds who started the job
and with what options, the progress the task reports as it goes, and a short result or error
for people. A run again is a new `JobRun` pointing at the one it repeats.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("job"), max_length=32)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="job_runs",
    )  # None: the schedule (manage.py jobs_enqueue)
    retry_of = models.ForeignKey("self", verbose_name=_("run again from"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="retries")
    task_result_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress_done = models.BigIntegerField(_("done"), default=0)
    progress_total = models.BigIntegerField(_("total"), null=True, blank=True)
    progress_message = models.CharField(_("progress"), max_length=200, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ("-id",)
        indexes = [models.Index(fields=["name", "status", "-id"], name="jobrun_name_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    # What the jobs page shows, worded by the registry of jobs.
    @property
    def label(self) -> str:
        from backoffice.jobs.registry import job_label

        return job_label(self.name)

    @property
    def options_text(self) -> str:
        from backoffice.jobs.registry import describe_options

        return describe_options(self.name, self.options or {})

    @property
    def result_text(self) -> str:
        from backoffice.jobs.registry import describe_result

        return describe_result(self.name, self.result)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))


class IntegrityCheckpoint(models.Model):
    """The newest audit entry a check found intact, with its hash: the next incremental check
    starts after it (and first makes sure that entry still carries this hash)."""

    last_entry_id = models.BigIntegerField(_("last verified entry"))
    last_entry_hash = models.CharField(_("its hash"), max_length=64)
    verified_at = models.DateTimeField(_("verified"), auto_now_add=True)
    full = models.BooleanField(_("full check"), default=False)
    checked = models.BigIntegerField(_("entries checked"), default=0)
    job = models.ForeignKey(JobRun, verbose_name=_("job"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("integrity checkpoint")
        verbose_name_plural = _("integrity checkpoints")
        ordering = ("-id",)
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"#{self.last_entry_id} at {self.verified_at:%Y-%m-%d %H:%M}"
