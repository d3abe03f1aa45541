"""My day (`/work/`), the agents' start page: what is due, the pool, promises and news.

The list is local and never waits on Aptic for long. The view reads the page's rows, starts
the case summaries of their debtors side by side (`balances_start`, the gateway's fan-out),
and waits for them at most WORK_BALANCE_WAIT_SECONDS: with Aptic answering normally the page
comes complete in one response, costing about its slowest summary call (a page that always
fetched balances by a second request would cost that call plus a round trip). Balances that
did not arrive in time show a placeholder, filled by the `balances` partial the page asks for
on load (`hx-trigger="load"`); those that failed say so, with a retry. A call that missed the
deadline still finishes in the pool, its answer dropped: the partial reads it again.

`Server-Timing` names the local part (rows and rendering) and the wait, for bench/my_day.py.
"""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.htmx import is_fragment, template_for
from backoffice.upstream import CONFLICT
from work import selectors, services
from work.day import MyDay, next_row
from work.models import FollowUp

TEMPLATE = "work/my_day.html"


def _page_number(request: HttpRequest) -> str | None:
    return request.POST.get("page") or request.GET.get("page")


def _balances_url(debtor_guids: list[str], page_number: int) -> str:
    query = urlencode([("debtor", g) for g in debtor_guids] + [("page", page_number)])
    return f"{reverse('work:balances')}?{query}"


def render_day(request: HttpRequest, *, status: int = 200, notice: str = "",
               error: str = "") -> HttpResponse:
    """The page (or, for htmx, its `day` partial) with the balances that arrived in time."""
    started = time.perf_counter()
    day = MyDay(user=request.user)
    page = Paginator(day, settings.WORK_PAGE_SIZE).get_page(_page_number(request))
    guids = list(dict.fromkeys(row.debtor_guid for row in page.object_list))
    pending = selectors.balances_start(debtor_guids=guids)
    sections = day.sections(page)
    local = time.perf_counter() - started

    waited_from = time.perf_counter()
    balances = selectors.balances_wait(pending=pending,
                                       timeout=settings.WORK_BALANCE_WAIT_SECONDS)
    waited = time.perf_counter() - waited_from
    for section in sections:
        section.balances = balances

    waiting = [guid for guid, b in balances.items() if not b.ready and not b.failed]
    context: dict[str, Any] = {
        "page": page, "sections": sections, "waiting": waiting,
        "balances_url": _balances_url(waiting, page.number) if waiting else "",
        "notice": notice, "error": error,
    }
    rendered_from = time.perf_counter()
    response = render(request, template_for(request, TEMPLATE, "day"), context, status=status)
    local += time.perf_counter() - rendered_from
    response["Server-Timing"] = (f"local;dur={local * 1000:.1f}, "
                                 f"balances;dur={waited * 1000:.1f}")
    return response


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST)
def my_day(request: HttpRequest) -> HttpResponse:
    return render_day(request)


def _guids(values: list[str]) -> list[str]:
    """The well-formed debtor GUIDs among `values`, once each, at most a page of them."""
    kept: dict[str, None] = {}
    for value in values:
        try:
            kept[str(uuid.UUID(value))] = None
        except ValueError:
            continue
    return list(kept)[: settings.WORK_PAGE_SIZE]


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST)
def balances(request: HttpRequest) -> HttpResponse:
    """The balances My day could not show in time, as out-of-band swaps of its placeholders.
    Without htmx there is nothing to fill in: back to the page, which reads them again."""
    if not is_fragment(request):
        page = request.GET.get("page")
        return redirect(reverse("work:my-day") + (f"?{urlencode({'page': page})}" if page else ""))
    guids = _guids(request.GET.getlist("debtor"))
    read = selectors.balances_read(debtor_guids=guids)
    failed = [g for g, b in read.items() if b.failed]
    return render(request, f"{TEMPLATE}#balances", {
        "balances": read, "page_number": request.GET.get("page") or 1,
        "retry_url": _balances_url(failed, request.GET.get("page") or 1) if failed else "",
    })


@require_GET
@guards.permission_required(roles.KEEP_WORKLIST)
def next_item(request: HttpRequest) -> HttpResponse:
    """To the debtor of the next item on My day after the follow-up `?after=<id>` (the first
    item without one), or back to My day when nothing follows."""
    after = None
    if (request.GET.get("after") or "").isdigit():
        after = FollowUp.objects.filter(pk=int(request.GET["after"])).first()
    row = next_row(user=request.user, after=after)
    if row is None:
        messages.info(request, _("Nothing else is waiting on My day."))
        return redirect("work:my-day")
    return redirect("debtors:detail", row.debtor_guid)


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.KEEP_WORKLIST, action="followup.take")
def take(request: HttpRequest, pk: int) -> HttpResponse:
    """Takes a follow-up from the team pool: it moves to the taker's follow-ups."""
    followup = get_object_or_404(FollowUp, pk=pk)
    try:
        services.followup_take(actor=request.user, followup=followup)
    except ValidationError as error:
        message = " ".join(error.messages)
        if is_fragment(request):
            return render_day(request, status=CONFLICT, error=message)
        messages.error(request, message)
    else:
        notice = _("You took the follow-up on %(debtor)s.") % {
            "debtor": followup.debtor_name or followup.debtor_guid}
        if is_fragment(request):
            return render_day(request, notice=notice)
        messages.success(request, notice)
    page = _page_number(request)
    return redirect(reverse("work:my-day") + (f"?{urlencode({'page': page})}" if page else ""))
