"""The debtor search page: one URL for the page and for its `results` partial (htmx)."""

from __future__ import annotations

from typing import NamedTuple

from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from backoffice import guards, roles
from backoffice.gateway import GatewayError
from backoffice.htmx import is_fragment
from backoffice.slots import Slots
from backoffice.upstream import upstream_banner, upstream_banner_html
from debtors import selectors
from debtors.forms import SavedSearchForm, SearchForm
from debtors.saved_searches import saved_search_list
from debtors.search import SearchTerms, debtor_filter
from debtors.tables import DEBTOR_ORDER_FIELDS, DebtorTable, GatewayPageData


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def search_url(params: dict[str, str], page: int = 1) -> str:
    """The canonical search URL for these parameters (empty ones left out)."""
    query = QueryDict(mutable=True)
    query.update(params)
    if page > 1:
        query["page"] = str(page)
    encoded = query.urlencode()
    return reverse("debtors:search") + (f"?{encoded}" if encoded else "")


def _table(request: HttpRequest, form: SearchForm
           ) -> tuple[DebtorTable | None, SearchTerms | None]:
    """The results table, its one upstream call already sent, and how the text was read;
    (None, None) for an invalid form."""
    if not form.is_valid():
        return None, None
    terms, flt = debtor_filter(**form.filter_values())
    data = GatewayPageData(
        lambda **kw: selectors.debtor_search(filter=flt, **kw),
        page=_page_number(request.GET.get("page")),
        per_page=form.cleaned_data["per_page"],
        order_fields=DEBTOR_ORDER_FIELDS,
        tiebreak="debtor_guid",
        verbose_name="debtor",
        verbose_name_plural="debtors",
    )
    # The call goes first, in the order the table will ask for (the same allow-list), so the
    # table is built while it is on its way.
    order_by = form.cleaned_data["sort"].split(",") if form.cleaned_data["sort"] else list(
        DebtorTable._meta.order_by)
    data.order_by(order_by)
    data.prefetch()
    table = DebtorTable(data, mask_ids=roles.is_agent_only(request.user), order_by=order_by)
    table.request = request
    return table, terms


def _results(request: HttpRequest, form: SearchForm, table: DebtorTable | None,
             terms: SearchTerms | None) -> dict:
    """The results' context: the table with its one page (waiting for it), or why there is
    none."""
    if table is None:
        return {"table": None}
    page = table.data.page_number
    context = {"table": table, "terms": terms, "page_number": page, "past_end": None,
               "results_page": None}
    try:
        table.paginate(per_page=table.data.per_page, page=page)
        context["results_page"] = table.page
    except EmptyPage:
        last = table.paginator.num_pages
        context["past_end"] = {"last": last, "url": search_url(_table_params(form, table), last)}
    except GatewayError as error:
        context["table"] = None
        context["banner"] = upstream_banner(error, retry_url=request.get_full_path())
        context["upstream_error"] = error
    return context


def _table_params(form: SearchForm, table: DebtorTable) -> dict[str, str]:
    """The form's parameters with the sort the table actually applied."""
    params = form.params()
    params.pop("sort", None)
    applied = ",".join(table.order_by or ())
    if applied and applied != ",".join(DebtorTable._meta.order_by):
        params["sort"] = applied
    return params


class _Ahead(NamedTuple):
    """The results drawn while Aptic answers, and the marks left for what the answer tells."""

    slots: Slots
    html: str


def _draw_ahead(request: HttpRequest, context: dict) -> _Ahead | None:
    """The results as if the answer held rows (the save form, the table's head, the page's
    parts that do not depend on it), drawn while it is on its way; None for an invalid form."""
    if context.get("table") is None:
        return None
    slots = Slots("count", "rows", "pages", "status")
    return _Ahead(slots, render_to_string("debtors/search.html#results",
                                          {**context, "ahead": slots.marks}, request))


def _results_html(request: HttpRequest, context: dict, ahead: _Ahead | None) -> str:
    """The results partial once the answer is in: the drawn-ahead one with its marks filled
    when the answer holds rows, else drawn whole (an error, past the end, nothing found)."""
    table = context.get("table")
    if ahead is None or table is None or context.get("results_page") is None or (
            context.get("past_end") or not table.paginator.count):
        return render_to_string("debtors/search.html#results", context, request)
    return ahead.slots.fill(
        ahead.html,
        count=render_to_string("debtors/search.html#results-count", context),
        rows=table.tbody_html(),
        # Without the context processors: the page links need only `request.GET`.
        pages=render_to_string("debtors/partials/debtor_table.html#pages",
                               {"table": table, "request": request}),
        status=render_to_string("debtors/search.html#results-status", context)
        if context["fragment"] else "",
    )


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_DEBTORS)
def search(request: HttpRequest) -> HttpResponse:
    """The search page; an htmx request gets only the `results` partial.

    The page, and the parts of the results that do not depend on the answer, are drawn while
    Aptic answers (the answer's parts go into slots afterwards)."""
    form = SearchForm(request.GET)
    table, terms = _table(request, form)  # the upstream call is on its way from here
    params = _table_params(form, table) if table is not None else (
        form.params() if form.is_valid() else {}
    )
    fragment = is_fragment(request)
    context = {"form": form, "params": params, "sort": params.get("sort", ""),
               "save_form": SavedSearchForm(), "fragment": fragment, "table": table}
    if fragment:
        ahead = _draw_ahead(request, context)
        context.update(_results(request, form, table, terms))
        response = HttpResponse(_results_html(request, context, ahead))
        if context.get("upstream_error") is not None:
            response["X-Upstream-Status"] = type(context["upstream_error"]).__name__
        elif table is not None:
            # The address bar gets the canonical URL of what is shown (no empty parameters).
            push_url(response, search_url(params, context["page_number"]))
        return response
    context["saved_searches"] = [
        (saved, search_url(saved.params)) for saved in saved_search_list(user=request.user)
    ]
    slots = Slots("results", "banner")
    page = render_to_string("debtors/search.html", {**context, "slots": slots.marks}, request)
    ahead = _draw_ahead(request, context)
    context.update(_results(request, form, table, terms))
    return HttpResponse(slots.fill(
        page,
        results=_results_html(request, context, ahead),
        banner=upstream_banner_html(request, context),
    ))
