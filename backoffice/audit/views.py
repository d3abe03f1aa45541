"""The audit review pages (admins only): the filtered list, one entry, exports, integrity.

Long work runs as background jobs (backoffice/jobs): the integrity page starts the check and
shows the last result; an export past `AUDIT_EXPORT_STREAM_MAX` entries is written to a file
by a job instead of being streamed.
"""

from django.conf import settings
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from backoffice import guards, jsonio, roles
from backoffice.audit import actions, selectors
from backoffice.audit.diff import diff_states
from backoffice.audit.export import FORMATS, export_response
from backoffice.audit.forms import AuditFilterForm
from backoffice.audit.models import AuditEntry
from backoffice.audit.services import audit_record
from backoffice.audit.tables import OUTCOME_TAGS, PER_PAGE, AuditEntryTable
from backoffice.htmx import is_fragment
from backoffice.jobs import registry as job_registry
from backoffice.jobs import selectors as job_selectors
from backoffice.jobs import services as job_services
from backoffice.jobs.integrity import integrity_checkpoint_latest
from backoffice.jobs.views import export_start

# Query parameters of the list that are not filters.
_NON_FILTER_PARAMS = ("page", "sort")


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    return AuditFilterForm(request.GET or None)


def _resolved_filters(form: AuditFilterForm) -> tuple[selectors.AuditFilters, str]:
    """The valid form's filters, a debtor reference looked up: (filters, problem or "")."""
    if not form.is_bound:
        return selectors.AuditFilters(), ""
    filters, resolution = selectors.audit_filters_resolve(form.to_filters())
    return filters, (resolution.error if resolution else "")


def _shown_span(table: AuditEntryTable) -> tuple[int, int] | None:
    """First and last position on this page (LazyPaginator knows no total to ask)."""
    rows = len(table.page.object_list) if table.page else 0
    if not rows:
        return None
    first = (table.page.number - 1) * PER_PAGE + 1
    return first, first + rows - 1


def _set_params(request: HttpRequest, *, leave_out: tuple[str, ...] = ()) -> list:
    """The query parameters that say something: empty ones and a request-id match without a
    request id left out."""
    drop = set(leave_out)
    if not request.GET.get("request_id"):
        drop.add("request_match")
    return [
        (key, value)
        for key, values in request.GET.lists()
        if key not in drop
        for value in values
        if value
    ]


def _export_query(request: HttpRequest) -> str:
    """The list's filters (not its page or sort) for the export links."""
    return urlencode(_set_params(request, leave_out=_NON_FILTER_PARAMS))


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_AUDIT)
def entries(request: HttpRequest) -> HttpResponse:
    """The list; an htmx request gets only the `results` partial (the table and its bar)."""
    form = _filter_form(request)
    fragment = is_fragment(request)
    context = {"form": form, "table": None, "debtor_problem": "", "htmx": fragment}
    # Invalid filters: the partial lists the errors and shows no table.
    if not form.is_bound or form.is_valid():
        filters, context["debtor_problem"] = _resolved_filters(form)
        table = AuditEntryTable(selectors.audit_entry_list(filters=filters))
        RequestConfig(
            request, paginate={"per_page": PER_PAGE, "paginator_class": LazyPaginator}
        ).configure(table)
        context["table"] = table
        context["shown"] = _shown_span(table)
        context["export_query"] = _export_query(request)
    if fragment:
        response = render(request, "audit/entries.html#results", context)
        # The address bar gets the filters that are set, not every empty field of the form.
        query = urlencode(_set_params(request))
        push_url(response, f"{request.path}?{query}" if query else request.path)
    else:
        context["usernames"] = selectors.audit_usernames()
        response = render(request, "audit/entries.html", context)
    return response


def _raw_parts(entry: AuditEntry) -> list[dict]:
    parts = []
    for label, value in (
        (_("Request body"), entry.request_body),
        (_("State before"), entry.before),
        (_("State after"), entry.after),
        (_("Problem answered by Aptic"), entry.problem),
    ):
        if value not in (None, {}, []):
            text = jsonio.dumps(value, indent=2, default=DjangoJSONEncoder().default)
            parts.append({"label": label, "text": text, "open": False})
    return parts


@require_GET
@guards.permission_required(roles.VIEW_AUDIT)
def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        record = selectors.audit_entry_get(entry_id=entry_id)
    except AuditEntry.DoesNotExist:
        raise Http404(_("No such audit entry.")) from None
    context = {
        "entry": record,
        "changes": diff_states(record.before, record.after),
        "raw_parts": _raw_parts(record),
        "action_label": actions.action_label(record.action),
        "role_label": roles.ROLE_LABELS.get(record.role, record.role),
        "outcome_tag": OUTCOME_TAGS.get(record.outcome, "tag--info"),
    }
    return render(request, "audit/entry.html", context)


def _over_stream_max(queryset) -> bool:
    limit = settings.AUDIT_EXPORT_STREAM_MAX
    return queryset[: limit + 1].count() > limit


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.VIEW_AUDIT, action=actions.EXPORT)
def export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The current filtered view: streamed when small (recorded as an `audit.export` entry
    first); past AUDIT_EXPORT_STREAM_MAX entries a page offers to write it as a file in the
    background, and its POST starts that job."""
    if fmt not in FORMATS:
        raise Http404
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            _("The filters are not valid; correct them on the audit page first."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters, _problem = _resolved_filters(form)  # an unresolved reference exports nothing
    through_id = selectors.audit_latest_id()
    queryset = selectors.audit_entry_list(filters=filters).filter(id__lte=through_id)
    if request.method == "POST":
        return export_start(request, fmt=fmt, filters=filters.as_params(),
                            through_id=through_id)
    if _over_stream_max(queryset):
        return render(request, "audit/export_large.html", {
            "fmt": fmt, "limit": settings.AUDIT_EXPORT_STREAM_MAX,
            "export_query": _export_query(request),
        })
    audit_record(
        action=actions.EXPORT,
        outcome=AuditEntry.Outcome.OK,
        body={"format": fmt, "filters": filters.as_params(), "through_id": through_id},
    )
    return export_response(queryset, fmt=fmt)


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.VIEW_AUDIT, action=job_services.RUN)
def integrity(request: HttpRequest) -> HttpResponse:
    """GET shows the last check's result and the checkpoint; POST starts a check as a job
    (incremental from the checkpoint, or `full=1` for the whole chain)."""
    if request.method == "POST":
        job = job_services.job_start(
            name=job_registry.AUDIT_VERIFY, options={"full": request.POST.get("full") == "1"},
            actor=request.user)
        messages.success(request, _("The integrity check is queued as job %(id)s.")
                         % {"id": job.pk})
        return redirect("audit:integrity")
    last = job_selectors.integrity_last_run()
    result = (last.result or {}) if last is not None else {}
    broken_id = result.get("broken_id")
    context = {
        "last": last,
        "result": result,
        "broken": AuditEntry.objects.filter(pk=broken_id).first() if broken_id else None,
        "broken_id": broken_id,
        "active": job_selectors.integrity_active_run(),
        "checkpoint": integrity_checkpoint_latest(),
        "archive_checkpoint": selectors.audit_latest_checkpoint(),
        "latest_id": selectors.audit_latest_id(),
    }
    return render(request, "audit/integrity.html", context)
