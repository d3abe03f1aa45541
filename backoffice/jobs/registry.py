"""The jobs there are: their names, labels, options and how each run is described.

Options are cleaned here once, for the page's forms, `manage.py jobs_enqueue` and "run
again" alike, and stored on the `JobRun` in their cleaned form (dates as ISO strings), so a
run again repeats exactly what ran.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.export import FORMATS

AUDIT_VERIFY = "audit_verify"
AUDIT_EXPORT = "audit_export"
AUDIT_ARCHIVE = "audit_archive"
PROMISES_CHECK = "promises_check"
SESSIONS_SWEEP = "sessions_sweep"
STATEMENTS_SWEEP = "statements_sweep"


class OptionsError(ValueError):
    """The options given for a job are not valid; the message says which and why."""


@dataclass(frozen=True)
class JobDefinition:
    name: str
    label: object  # lazy translation
    task_path: str
    periodic: bool  # offered by `jobs_enqueue` (cron, Kubernetes CronJob)
    by_hand: bool  # offered by the jobs page's start form


JOBS: dict[str, JobDefinition] = {
    AUDIT_VERIFY: JobDefinition(AUDIT_VERIFY, gettext_lazy("Audit integrity check"),
                                "backoffice.jobs.tasks.audit_verify", True, True),
    AUDIT_ARCHIVE: JobDefinition(AUDIT_ARCHIVE, gettext_lazy("Audit archive"),
                                 "backoffice.jobs.tasks.audit_archive", True, True),
    PROMISES_CHECK: JobDefinition(PROMISES_CHECK, gettext_lazy("Promise check"),
                                  "backoffice.jobs.tasks.promises_check", True, True),
    SESSIONS_SWEEP: JobDefinition(SESSIONS_SWEEP, gettext_lazy("Expired sessions"),
                                  "backoffice.jobs.tasks.sessions_sweep", True, True),
    STATEMENTS_SWEEP: JobDefinition(STATEMENTS_SWEEP, gettext_lazy("Old income statements"),
                                    "backoffice.jobs.tasks.statements_sweep", True, True),
    AUDIT_EXPORT: JobDefinition(AUDIT_EXPORT, gettext_lazy("Audit export"),
                                "backoffice.jobs.tasks.audit_export", False, False),
}
PERIODIC = tuple(name for name, job in JOBS.items() if job.periodic)


def job_label(name: str) -> str:
    job = JOBS.get(name)
    return str(job.label) if job else name


def default_archive_before() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise OptionsError(
            _("%(field)s takes a date as YYYY-MM-DD, not “%(value)s”.")
            % {"field": field, "value": value}) from None


def clean_options(name: str, options: dict | None) -> dict:
    """The options of job `name` checked and completed with their defaults."""
    if name not in JOBS:
        raise OptionsError(_("There is no job “%(name)s”.") % {"name": name})
    options = dict(options or {})
    if name == AUDIT_VERIFY:
        return {"full": bool(options.get("full"))}
    if name == AUDIT_ARCHIVE:
        before = options.get("before")
        day = _date(before, "before") if before else default_archive_before()
        if day > timezone.localdate():
            raise OptionsError(_("The archive date cannot be in the future."))
        return {"before": day.isoformat()}
    if name in (PROMISES_CHECK, SESSIONS_SWEEP, STATEMENTS_SWEEP):
        return {}
    fmt = options.get("format")
    if fmt not in FORMATS:
        raise OptionsError(_("An export is CSV or JSON Lines."))
    try:
        through_id = int(options.get("through_id"))
    except (TypeError, ValueError):
        raise OptionsError(_("An export needs the last entry it covers.")) from None
    return {"format": fmt, "filters": dict(options.get("filters") or {}),
            "through_id": through_id}


def describe_options(name: str, options: dict) -> str:
    """The options as the jobs page lists them."""
    if name == AUDIT_VERIFY:
        return _("full re-check") if options.get("full") else _("new entries since the checkpoint")
    if name == AUDIT_ARCHIVE:
        return _("entries before %(date)s") % {"date": options.get("before", "")}
    if name == AUDIT_EXPORT:
        filters = ", ".join(f"{k}={v}" for k, v in (options.get("filters") or {}).items())
        text = _("%(format)s through entry %(id)s") % {
            "format": str(options.get("format", "")).upper(), "id": options.get("through_id")}
        return f"{text}; {filters}" if filters else text
    return ""


def describe_result(name: str, result: dict | None) -> str:
    """A finished run's result in one line."""
    if not result:
        return ""
    if name == AUDIT_VERIFY:
        if result.get("ok"):
            return _("Chain intact: %(count)s entries checked through entry %(id)s.") % {
                "count": result.get("checked", 0), "id": result.get("through_id")}
        return _("Chain broken at entry %(id)s: %(problem)s.") % {
            "id": result.get("broken_id"), "problem": result.get("problem", "")}
    if name == AUDIT_ARCHIVE:
        if not result.get("count"):
            return _("Nothing to archive.")
        return _("%(count)s entries archived to %(file)s.") % {
            "count": result["count"], "file": result.get("file", "")}
    if name == PROMISES_CHECK:
        return _("%(kept)s kept, %(partly)s partly kept, %(broken)s broken, "
                 "%(unreadable)s debtors unreadable.") % {
            "kept": result.get("kept", 0), "partly": result.get("partly_kept", 0),
            "broken": result.get("broken", 0), "unreadable": result.get("unreadable", 0)}
    if name == SESSIONS_SWEEP:
        return _("%(expired)s expired sessions closed, %(open)s still open.") % {
            "expired": result.get("expired", 0), "open": result.get("open", 0)}
    if name == STATEMENTS_SWEEP:
        return _("%(deleted)s income and expenditure statements older than %(before)s "
                 "deleted.") % {"deleted": result.get("deleted", 0),
                                "before": result.get("before", "")[:10]}
    if name == AUDIT_EXPORT:
        return _("%(rows)s entries in %(file)s.") % {
            "rows": result.get("rows", 0), "file": result.get("file", "")}
    return ""
