"""`manage.py jobs_enqueue <job> [--full] [--before YYYY-MM-DD] [--wait]`: the periodic entry
point that cron or a Kubernetes CronJob calls. It only enqueues (the worker, `manage.py
db_worker`, runs the job) and prints the job's id; `--wait` waits for the result, prints it
and exits non-zero when the job failed, for cron's log and mail.
"""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice.jobs import registry, services
from backoffice.jobs.models import JobRun
from backoffice.jobs.selectors import job_get


class Command(BaseCommand):
    help = ("Enqueues a background job (audit_verify, promises_check, audit_archive) for the "
            "worker and prints its id.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", choices=registry.PERIODIC)
        parser.add_argument("--full", action="store_true",
                            help="audit_verify: re-check every entry, not only the new ones")
        parser.add_argument("--before", metavar="YYYY-MM-DD",
                            help="audit_archive: archive the entries created before this date "
                                 "(default: older than AUDIT_RETENTION_DAYS)")
        parser.add_argument("--wait", action="store_true",
                            help="wait until the worker has run the job; exit 1 if it failed")
        parser.add_argument("--timeout", type=float, default=3600.0, metavar="SECONDS",
                            help="with --wait: give up after this long (default 3600)")
        parser.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, job: str, full: bool, before: str | None, wait: bool,
               timeout: float, poll: float, **options) -> None:
        if full and job != registry.AUDIT_VERIFY:
            raise CommandError("--full is for audit_verify.")
        if before and job != registry.AUDIT_ARCHIVE:
            raise CommandError("--before is for audit_archive.")
        given = {"full": full} if job == registry.AUDIT_VERIFY else (
            {"before": before} if before else {})
        try:
            run = services.job_start(name=job, options=given, actor=None)
        except registry.OptionsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Enqueued {job} as job {run.pk} (task {run.task_result_id}).")
        if wait:
            self._wait(run.pk, timeout=timeout, poll=poll)

    def _wait(self, job_id: int, *, timeout: float, poll: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            run = job_get(job_id=job_id)
            if run.is_finished:
                break
            if time.monotonic() > deadline:
                raise CommandError(f"Job {job_id} is still {run.status} after {timeout:.0f} s "
                                   "(is manage.py db_worker running?).")
            time.sleep(poll)
        if run.status == JobRun.Status.FAILED:
            raise CommandError(f"Job {job_id} failed: {run.error}")
        self.stdout.write(self.style.SUCCESS(f"Job {job_id} done: {run.result_text}"))

