"""The debtor's timeline panel: loaded with the 360 page, then filtered, paged and refreshed
over htmx at its own URL (which also answers a page holding the panel without JavaScript)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.audit.actions import action_label
from backoffice.audit.tables import OUTCOME_TAGS
from debtors.views.panels import render_panel
from work.forms import TimelineFilterForm
from work.timeline import timeline_page

ANCHOR = "timeline"


def _url(guid: str, kinds: tuple[str, ...], number: int) -> str:
    query = [("kind", kind) for kind in kinds] + ([("page", str(number))] if number > 1 else [])
    base = reverse("work:timeline", args=[guid])
    return f"{base}?{urlencode(query)}" if query else base


def timeline_context(request: HttpRequest, guid: str, data: Any = None) -> dict[str, Any]:
    """The panel for `data` (the GET parameters: kind, page); the first page of everything on
    the 360 page."""
    form = TimelineFilterForm(data or None)
    kinds, number = form.values()
    page = timeline_page(debtor_guid=guid, kinds=kinds, number=number)
    rows = [(entry, action_label(entry.record.action) if entry.event == "change" else "",
             OUTCOME_TAGS.get(entry.record.outcome, "tag--info")
             if entry.event == "change" else "") for entry in page.entries]
    return {"timeline": {
        "anchor": ANCHOR, "form": form if data else TimelineFilterForm(), "page": page,
        "rows": rows,
        "url": _url(guid, page.kinds, page.number),
        "base_url": reverse("work:timeline", args=[guid]),
        "older_url": _url(guid, page.kinds, page.number + 1) if page.has_older else "",
        "newer_url": _url(guid, page.kinds, page.number - 1) if page.has_newer else "",
        "can_view_audit": roles.user_can(request.user, roles.VIEW_AUDIT),
    }}


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_DEBTORS)
def timeline(request: HttpRequest, guid) -> HttpResponse:
    """The debtor's timeline, newest first: `kind` (repeatable) filters, `page` pages."""
    guid = str(guid)
    context = {"debtor_guid": guid, **timeline_context(request, guid, request.GET)}
    return render_panel(request, "work/partials/timeline.html", context, title=_("Timeline"))
