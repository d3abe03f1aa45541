"""The team view for supervisors: per-agent figures for a period, the promises chart, one
owner's open follow-ups, and moving follow-ups to another agent or the pool.

One URL, one template: `work/team.html`, or its `board` partial for htmx (the period
form, the figures, the chart and the chosen owner's follow-ups). Reassigning answers the
board again over htmx, or redirects back to the team page (with a message) without it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles
from backoffice.htmx import is_fragment, template_for
from backoffice.upstream import INVALID
from work import services
from work.chart_team import team_chart
from work.forms_team import PeriodForm, ReassignForm
from work.services import Reassigned
from work.team import (
    DEFAULT_KIND,
    Owner,
    Period,
    owner_get,
    period_preset,
    promise_week_list,
    team_figures,
    team_followup_list,
    team_member_list,
)

TEMPLATE = "work/team.html"


def _period(request: HttpRequest) -> tuple[PeriodForm, Period, bool]:
    """The period form bound to the query string, the period to show (the default one when
    the form is invalid) and whether it was valid."""
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["range"], True
    return form, period_preset(DEFAULT_KIND), False


def _render_board(request: HttpRequest, *, owner: Owner | None,
                  reassign_form: ReassignForm | None = None, notice: str = "",
                  kept: list | None = None, error: str = "",
                  status: int = 200) -> HttpResponse:
    period_form, period, valid = _period(request)
    context: dict[str, Any] = {
        "period_form": period_form, "period": period, "period_valid": valid,
        "figures": team_figures(period=period),
        "chart": team_chart(promise_week_list(period=period)),
        "owner": owner, "notice": notice, "kept": kept or [], "error": error,
        "team_url": reverse("work:team"),
    }
    if owner is not None:
        members = list(team_member_list())
        context["reassign_form"] = reassign_form or ReassignForm(members=members, source=owner)
        context["followups"] = Paginator(team_followup_list(owner=owner),
                                         settings.WORK_PAGE_SIZE).get_page(
            request.GET.get("page"))
    return render(request, template_for(request, TEMPLATE, "board"), context,
                  status=status if valid else INVALID)


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.MANAGE_TEAM)
def team(request: HttpRequest) -> HttpResponse:
    """The figures per agent for the chosen period; with `?agent=<id|pool>`, that owner's
    open follow-ups to move."""
    owner = owner_get(key=request.GET.get("agent", ""))
    return _render_board(request, owner=owner)


def reassign_outcome(result: Reassigned, *, source: Owner, owner: Owner) -> str:
    """"Moved 7 follow-ups to Bo Berg; 2 stayed with Agnes because Bo Berg already follows
    those debtors."""
    moved = ngettext("Moved %(count)d follow-up to %(owner)s.",
                     "Moved %(count)d follow-ups to %(owner)s.", len(result.moved)) % {
        "count": len(result.moved), "owner": owner.name}
    if not result.kept:
        return moved
    kept = ngettext(
        "%(count)d stayed with %(source)s because %(owner)s already follows that debtor.",
        "%(count)d stayed with %(source)s because %(owner)s already follows those debtors.",
        len(result.kept)) % {"count": len(result.kept), "source": source.name,
                             "owner": owner.name}
    return f"{moved} {kept}"


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.MANAGE_TEAM, action="followup.reassign")
def reassign(request: HttpRequest) -> HttpResponse:
    """Moves the ticked follow-ups of one owner, or all of them, to another owner."""
    members = list(team_member_list())
    form = ReassignForm(request.POST, members=members)
    shown = form.source or owner_get(key=request.GET.get("agent", ""))
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.followup_reassign(actor=request.user, followups=data["followups"],
                                                owner=data["owner"].user)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            notice = reassign_outcome(result, source=data["source"], owner=data["owner"])
            if is_fragment(request):
                return _render_board(request, owner=data["source"], notice=notice,
                                     kept=result.kept)
            messages.success(request, notice)
            query = request.GET.copy()
            query["agent"] = data["source"].key
            query.pop("page", None)
            return redirect(f"{reverse('work:team')}?{query.urlencode()}#team-followups")
    error = "" if shown is not None else " ".join(
        str(e) for errors in form.errors.values() for e in errors)
    return _render_board(request, owner=shown, reassign_form=form, error=error, status=INVALID)
