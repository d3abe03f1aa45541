"""The debtor 360 page, its case-detail panel and the audited reveal of the ID number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from backoffice import guards, roles
from backoffice.gateway import Debtor, GatewayError, NotFound
from backoffice.htmx import is_fragment
from backoffice.slots import Slots
from backoffice.upstream import INVALID, banner_fragment, upstream_banner, upstream_banner_html
from debtors import selectors
from debtors.forms import RevealForm
from debtors.views import addresses, extra_fields
from plans.selectors import PlansPanelRecords, plans_panel_records
from work.views.debtor import (
    PanelReads,
    case_panels_context,
    work_panels_context,
    work_panels_reads,
)
from work.views.timeline import timeline_context


def _not_found(request: HttpRequest, guid: str) -> HttpResponse:
    return render(request, "debtors/not_found.html", {"debtor_guid": guid}, status=404)


def _profile_context(request: HttpRequest, debtor_guid: str, debtor: Debtor | None, *,
                     revealed: bool = False, reveal_form: RevealForm | None = None) -> dict:
    mask = roles.is_agent_only(request.user) and not revealed
    return {
        "debtor_guid": debtor_guid,
        "debtor": debtor,
        "mask_ids": mask,
        "revealed": revealed,
        "can_reveal": mask and roles.user_can(request.user, roles.REVEAL_PERSONAL_DATA),
        "reveal_form": reveal_form or RevealForm(),
    }


def _common_context(request: HttpRequest, debtor_guid: str) -> dict:
    """What every section of the page gets: the debtor's GUID and what the user may do."""
    user = request.user
    return {
        "debtor_guid": debtor_guid,
        "can_edit": roles.user_can(user, roles.EDIT_DEBTORS),
        "can_plan": roles.user_can(user, roles.CALCULATE_PLANS),
        "can_view_audit": roles.user_can(user, roles.VIEW_AUDIT),
        "calculator_url": reverse("plans:calculator", args=[debtor_guid]),
        "edit_url": reverse("debtors:edit", args=[debtor_guid]),
        "delete_url": reverse("debtors:delete", args=[debtor_guid]),
    }


@dataclass(frozen=True)
class _Local:
    """What the page read locally for its sections (None: the section's own code reads it),
    and the profile's reveal state."""

    work: PanelReads | None = None
    plans: PlansPanelRecords | None = None
    profile: dict = field(default_factory=dict)


type SectionContext = Callable[[HttpRequest, selectors.Debtor360, _Local], dict]


def _head_context(request: HttpRequest, view: selectors.Debtor360, local: _Local) -> dict:
    """The header, the profile and the case summary (and the title and the banner)."""
    guid = view.debtor_guid
    context = {
        **_profile_context(request, guid, view.debtor, **local.profile),
        "view": view,
        "debtor_error": view.debtor_error,
        "summary": view.summary,
        "summary_error": view.summary_error,
        "currency": view.currency,
    }
    if view.debtor_error is not None:
        context["banner"] = upstream_banner(view.debtor_error,
                                            retry_url=request.get_full_path())
    return context


def _work_context(request: HttpRequest, view: selectors.Debtor360, local: _Local) -> dict:
    """The agent's work panels, their forms with the debtor's name, currency and cases."""
    return work_panels_context(request, debtor_guid=view.debtor_guid, summary=view.summary,
                               summary_error=view.summary_error, currency=view.currency,
                               debtor_name=view.display_name, local=local.work)


def _cases_context(request: HttpRequest, view: selectors.Debtor360, local: _Local) -> dict:
    return {"cases_panel": view.cases}


def _addresses_context(request: HttpRequest, view: selectors.Debtor360, local: _Local) -> dict:
    return {"addresses_state": addresses.EDITOR.state(request, view.debtor_guid,
                                                      view.addresses)}


def _extra_fields_context(request: HttpRequest, view: selectors.Debtor360,
                          local: _Local) -> dict:
    return {"extra_fields_state": extra_fields.EDITOR.state(request, view.debtor_guid,
                                                            view.extra_fields)}


def _plans_context(request: HttpRequest, view: selectors.Debtor360, local: _Local) -> dict:
    return {"plans_panel": view.plans,
            "plans_records": local.plans}  # None: the panel's tags query for themselves


# The page's Aptic sections, each a partial of debtors/detail.html and, on the page drawn
# while Aptic answers, a slot: the parts it needs in (`Debtor360.has`) and its context beyond
# the common one.
SECTIONS: dict[str, tuple[tuple[str, ...], SectionContext]] = {
    "head": (("debtor", "summary", "currency"), _head_context),
    "cases": (("cases",), _cases_context),
    "addresses": (("addresses",), _addresses_context),
    "extra_fields": (("extra_fields",), _extra_fields_context),
    "plans": (("plans",), _plans_context),
}


# The work panels are drawn while Aptic answers but for these parts, which need the debtor
# and its case summary: the marks of two panels' partials (slot: partial, panel) and the text
# slots of their hidden fields.
WORK_NEEDS = ("debtor", "summary", "currency")
WORK_PARTS = {
    "contact_cases": ("work/partials/contacts.html#cases", "contacts_panel"),
    "contact_currency": ("work/partials/contacts.html#currency", "contacts_panel"),
    "promise_cases": ("work/partials/promises.html#cases", "promises_panel"),
    "promise_currency": ("work/partials/promises.html#currency", "promises_panel"),
}
WORK_TEXTS = ("debtor_name", "currency")


def _work_waiting(request: HttpRequest, debtor_guid: str, local: _Local, slots: Slots
                  ) -> dict:
    """The work panels' context for the page drawn while Aptic answers: the text slots in
    place of the debtor's name and currency, the marks in place of the parts that need the
    cases (`work_slots`)."""
    context = work_panels_context(
        request, debtor_guid=debtor_guid, summary=None, summary_error=None,
        currency=slots.texts["currency"], debtor_name=slots.texts["debtor_name"],
        local=local.work)
    return {**context, "work_slots": slots.marks} if context else {}


def _work_parts(request: HttpRequest, view: selectors.Debtor360, local: _Local) -> dict:
    """The work panels' parts that waited for the debtor and its cases, drawn."""
    panels = case_panels_context(request, debtor_guid=view.debtor_guid, summary=view.summary,
                                 summary_error=view.summary_error, currency=view.currency,
                                 debtor_name=view.display_name, local=local.work)
    parts = {slot: render_to_string(template, {"p": panels[panel], "form": panels[panel]["form"]},
                                    request)
             for slot, (template, panel) in WORK_PARTS.items() if panel in panels}
    return {**parts, "debtor_name": view.display_name, "currency": view.currency}


def _page_context(request: HttpRequest, view: selectors.Debtor360, **profile) -> dict:
    """The whole page's context, every part in (the page drawn at once, as after a reveal)."""
    guid = view.debtor_guid
    local = _Local(profile=profile)
    context = _common_context(request, guid)
    for _, section_context in SECTIONS.values():
        context.update(section_context(request, view, local))
    context.update(_work_context(request, view, local))
    return {**context, **timeline_context(request, guid)}


@require_GET
@guards.permission_required(roles.VIEW_DEBTORS)
def detail(request: HttpRequest, guid: UUID) -> HttpResponse:
    """The 360: every part read side by side; a failing part shows its own message.

    While Aptic answers, the page reads its local rows and draws what is local (the header,
    the navigation, the actions, the timeline); each Aptic section goes into its slot as soon
    as its reads are in, so after the slowest answer only its own section is left to draw."""
    debtor_guid = str(guid)
    pending = selectors.debtor_360_start(debtor_guid=debtor_guid)
    timeline = timeline_context(request, debtor_guid)
    local = _Local(work=work_panels_reads(request, debtor_guid=debtor_guid),
                   plans=plans_panel_records(debtor_guid=debtor_guid))
    common = _common_context(request, debtor_guid)
    slots = Slots("title", "banner", *SECTIONS, *WORK_PARTS, texts=WORK_TEXTS)
    page = render_to_string("debtors/detail.html", {
        **common, **timeline, **_work_waiting(request, debtor_guid, local, slots),
        "slots": slots.marks}, request)
    drawn: dict[str, str] = {}
    work_drawn = False
    for view in pending.as_they_arrive():
        if isinstance(view.debtor_error, NotFound):
            return _not_found(request, debtor_guid)
        if not work_drawn and view.has(*WORK_NEEDS):
            drawn.update(_work_parts(request, view, local))
            work_drawn = True
        for section, (needs, section_context) in SECTIONS.items():
            if section in drawn or not view.has(*needs):
                continue
            context = {**common, **section_context(request, view, local)}
            drawn[section] = render_to_string(f"debtors/detail.html#{section}", context,
                                              request)
            if section == "head":
                drawn["title"] = render_to_string("debtors/detail.html#title", context,
                                                  request)
                drawn["banner"] = upstream_banner_html(request, context)
    return HttpResponse(slots.fill(page, **drawn))


@require_GET
@vary_on_headers("HX-Request")
@guards.permission_required(roles.VIEW_DEBTORS)
def case(request: HttpRequest, guid: UUID, case_guid: UUID) -> HttpResponse:
    """One case's details: the panel for htmx, a page of its own without JavaScript."""
    fragment = is_fragment(request)
    context = {"debtor_guid": str(guid), "case": None, "case_error": None,
               "mask_ids": roles.is_agent_only(request.user)}
    status = 200
    try:
        context["case"] = selectors.debtor_case(debtor_guid=str(guid), case_guid=str(case_guid))
    except NotFound as error:
        if not fragment:
            return _not_found(request, str(guid))
        context["case_error"], status = error, 404
    except GatewayError as error:
        context["case_error"] = error
        context["banner"] = upstream_banner(error, retry_url=request.get_full_path())
    template = "debtors/partials/case_detail.html" if fragment else "debtors/case.html"
    return render(request, template, context, status=status)


@require_POST
@vary_on_headers("HX-Request")
@guards.permission_required(roles.REVEAL_PERSONAL_DATA, action="pii.reveal")
def reveal(request: HttpRequest, guid: UUID) -> HttpResponse:
    """Shows the full ID number once a reason is given; the read lands in the audit log.

    htmx swaps in the profile panel (or, for a missing reason, only the reveal form); without
    JavaScript the whole page comes back, revealed.
    """
    debtor_guid = str(guid)
    form = RevealForm(request.POST)
    if is_fragment(request):
        return _reveal_fragment(request, debtor_guid, form)
    return _reveal_page(request, debtor_guid, form)


def _reveal_fragment(request: HttpRequest, debtor_guid: str, form: RevealForm) -> HttpResponse:
    if not form.is_valid():
        context = _profile_context(request, debtor_guid, None, reveal_form=form)
        response = render(request, "debtors/partials/profile.html#reveal-form", context,
                          status=INVALID)
        return reswap(retarget(response, "#reveal-form"), "outerHTML")
    try:
        debtor = selectors.debtor_id_reveal(debtor_guid=debtor_guid,
                                            reason=form.cleaned_data["reason"])
    except NotFound:
        return _not_found(request, debtor_guid)
    except GatewayError as error:
        return banner_fragment(request, upstream_banner(error), error)
    context = _profile_context(request, debtor_guid, debtor, revealed=True)
    return render(request, "debtors/partials/profile.html", context)


def _reveal_page(request: HttpRequest, debtor_guid: str, form: RevealForm) -> HttpResponse:
    view = selectors.debtor_360(debtor_guid=debtor_guid)
    if isinstance(view.debtor_error, NotFound):
        return _not_found(request, debtor_guid)
    if not form.is_valid():
        return render(request, "debtors/detail.html",
                      _page_context(request, view, reveal_form=form), status=INVALID)
    revealed = False
    if view.debtor is not None:
        selectors.debtor_id_reveal(debtor_guid=debtor_guid, reason=form.cleaned_data["reason"],
                                   debtor=view.debtor)
        revealed = True
    context = _page_context(request, view, revealed=revealed,
                            reveal_form=None if revealed else form)
    return render(request, "debtors/detail.html", context)
