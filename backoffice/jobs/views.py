"""The jobs page (admins: VIEW_AUDIT): runs by state, progress, results, start and run again.

Running rows poll themselves with htmx (`jobs:row`, the list's `row` partial); without
JavaScript the row's link opens the run's page, whose "Refresh" link reloads it.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.audit import actions
from backoffice.audit.export import FORMATS
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.htmx import is_fragment
from backoffice.jobs import registry, selectors, services
from backoffice.jobs.exports import export_path
from backoffice.jobs.forms import JobStartForm
from backoffice.jobs.models import JobRun

PER_PAGE = 25
POLL_SECONDS = 2


def _job_or_404(job_id: int) -> JobRun:
    try:
        return selectors.job_get(job_id=job_id)
    except JobRun.DoesNotExist:
        raise Http404(_("No such job.")) from None


def _list_context(request: HttpRequest, form: JobStartForm | None = None) -> dict:
    status = request.GET.get("status", "")
    if status not in JobRun.Status.values:
        status = ""
    page = Paginator(selectors.job_list(status=status), PER_PAGE).get_page(
        request.GET.get("page"))
    return {
        "page_obj": page,
        "jobs": [selectors.job_sync(job) for job in page.object_list],
        "status": status,
        "statuses": JobRun.Status.choices,
        "counts": selectors.job_counts(),
        "form": form or JobStartForm(),
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
@guards.permission_required(roles.VIEW_AUDIT)
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/list.html", _list_context(request))


@require_POST
@guards.permission_required(roles.VIEW_AUDIT, action=services.RUN)
def job_start(request: HttpRequest) -> HttpResponse:
    form = JobStartForm(request.POST)
    if form.is_valid():
        try:
            job = services.job_start(name=form.cleaned_data["name"], options=form.options(),
                                     actor=request.user)
        except registry.OptionsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(job)s queued as job %(id)s.")
                             % {"job": job.label, "id": job.pk})
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/list.html", _list_context(request, form), status=422)


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_AUDIT)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The run's page; an htmx request (its own polling) gets the `status` partial."""
    job = _job_or_404(job_id)
    template = "jobs/detail.html#status" if is_fragment(request) else "jobs/detail.html"
    return render(request, template, {"job": job, "poll_seconds": POLL_SECONDS})


@require_GET
@guards.permission_required(roles.VIEW_AUDIT)
def job_row(request: HttpRequest, job_id: int) -> HttpResponse:
    """One row of the list, for htmx polling; a plain request goes to the run's page."""
    job = _job_or_404(job_id)
    if not is_fragment(request):
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/list.html#row", {"job": job, "poll_seconds": POLL_SECONDS})


@require_POST
@guards.permission_required(roles.VIEW_AUDIT, action=services.RETRY)
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(job_id)
    try:
        again = services.job_retry(job=job, actor=request.user)
    except services.JobNotRetryable as exc:
        messages.error(request, str(exc))
        return redirect("jobs:detail", job_id=job.pk)
    messages.success(request, _("%(job)s queued again as job %(id)s.")
                     % {"job": again.label, "id": again.pk})
    return redirect("jobs:detail", job_id=again.pk)


@require_GET
@guards.permission_required(roles.VIEW_AUDIT)
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """A finished export's file, for any user who may review the audit trail (the same people
    who could stream it); each download is recorded as `audit.export`."""
    job = _job_or_404(job_id)
    name = (job.result or {}).get("file", "")
    path = export_path(name) if (job.name == registry.AUDIT_EXPORT and name
                                 and job.status == JobRun.Status.DONE) else None
    if path is None:
        raise Http404(_("This job has no file to download."))
    audit_record(
        action=actions.EXPORT,
        outcome=AuditEntry.Outcome.OK,
        target_type="job",
        target_id=str(job.pk),
        body={"format": job.options.get("format"), "filters": job.options.get("filters"),
              "through_id": job.options.get("through_id"), "job": job.pk, "file": name},
    )
    content_type = FORMATS[job.options.get("format", "csv")][0]
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name,
                            content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


def export_start(request: HttpRequest, *, fmt: str, filters: dict,
                 through_id: int) -> HttpResponse:
    """Starts a large export as a job (called by the audit export view) and shows its run."""
    job = services.job_start(
        name=registry.AUDIT_EXPORT,
        options={"format": fmt, "filters": filters, "through_id": through_id},
        actor=request.user,
    )
    messages.success(request, _("The export is being written as job %(id)s; download it here "
                                "when it is done.") % {"id": job.pk})
    return redirect("jobs:detail", job_id=job.pk)

