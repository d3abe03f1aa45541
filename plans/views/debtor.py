"""A debtor's plans: the panel (also on the debtor page), editing a proposal's deviating
payments, withdrawing it, and the printable agreement."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles, upstream
from backoffice.gateway import GatewayError, NotFound, PlanState, StaleRecord, ValidationFailed
from backoffice.htmx import is_fragment
from plans import policies, selectors, services
from plans.compare import plan_figures
from plans.forms import PlanFingerprintForm, payment_formset, put_upstream_errors
from plans.models import PlanProposal
from plans.selectors import PlanRead
from plans.views.common import debtor_page_url, safe_next


def _panel_context(guid: str) -> dict[str, Any]:
    return {"plans_panel": selectors.plan_panel_get(debtor_guid=guid), "debtor_guid": guid,
            "debtor": None}


@require_GET
@guards.permission_required(roles.VIEW_DEBTORS)
@vary_on_headers("HX-Request")
def debtor_plans(request: HttpRequest, guid) -> HttpResponse:
    """The panel on its own: the partial for htmx, a small page otherwise."""
    guid = str(guid)
    context = _panel_context(guid)
    context["debtor_url"] = debtor_page_url(guid)
    template = ("plans/partials/debtor_plans.html" if is_fragment(request)
                else "plans/debtor_plans.html")
    return render(request, template, context)


def _require_manager(request: HttpRequest, guid: str, plan_guid: str, action: str
                     ) -> PlanProposal | None:
    """The proposal's record if the user may change it, else 403 (a POST's refusal audited
    as `denied` by the service)."""
    if request.method == "POST":
        try:
            return services.proposal_manage_check(actor=request.user, debtor_guid=guid,
                                                  plan_guid=plan_guid, action=action)
        except services.PlanActionRefused as exc:
            raise PermissionDenied(str(exc)) from exc
    proposal = selectors.proposal_get(plan_guid=plan_guid)
    if not policies.may_manage_proposal(request.user, proposal):
        raise PermissionDenied
    return proposal


def _read_plan(guid: str, plan_guid: str) -> PlanRead:
    try:
        return selectors.plan_read_get(debtor_guid=guid, plan_guid=plan_guid)
    except NotFound as exc:
        raise Http404(_("No such payment plan.")) from exc


def _done_url(proposal: PlanProposal | None, guid: str) -> str:
    if proposal is not None:
        return reverse("plans:proposal", args=[proposal.pk])
    return debtor_page_url(guid)


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.PROPOSE_PLANS, action="plan.update")
def edit_payments(request: HttpRequest, guid, plan_guid) -> HttpResponse:
    """The proposal's deviating payments (P4); the proposal goes back to the queue as changed."""
    guid, plan_guid = str(guid), str(plan_guid)
    proposal = _require_manager(request, guid, plan_guid, "plan.update")
    context: dict[str, Any] = {"debtor_guid": guid, "proposal": proposal,
                               "debtor_url": debtor_page_url(guid)}
    try:
        plan, plan_fingerprint = _read_plan(guid, plan_guid)
    except GatewayError as exc:
        context["banner"] = upstream.upstream_banner(exc, retry_url=request.get_full_path())
        return render(request, "plans/edit_payments.html", context, status=upstream.UNAVAILABLE)
    if plan.active != PlanState.PROPOSAL:
        messages.error(request, _("Only a proposal's deviating payments can change."))
        return redirect(_done_url(proposal, guid))
    status = 200
    if request.method == "POST":
        formset = payment_formset(request.POST)
        pinned = PlanFingerprintForm(request.POST)
        expected = pinned.cleaned_data["fingerprint"] if pinned.is_valid() else plan_fingerprint
        if formset.is_valid():
            sent = formset.filled_forms()
            try:
                services.plan_update_payments(
                    actor=request.user, debtor_guid=guid, plan_guid=plan_guid,
                    payments=formset.payments(), expected_fingerprint=expected)
            except services.PlanActionRefused as exc:
                raise PermissionDenied(str(exc)) from exc
            except StaleRecord as exc:
                context["stale"] = True
                if exc.current is not None:
                    plan, plan_fingerprint = exc.current, exc.current_fingerprint
                status = upstream.CONFLICT
            except ValidationFailed as exc:
                put_upstream_errors(exc, pinned, formset, sent)
                status = upstream.INVALID
            except GatewayError as exc:
                placed = upstream.place(exc)
                context.update(banner=placed.banner, refusal=placed.message)
                status = placed.status
            else:
                messages.success(request, _("The deviating payments were saved; the proposal "
                                            "waits for approval again."))
                return redirect(_done_url(selectors.proposal_get(plan_guid=plan_guid), guid))
        else:
            status = upstream.INVALID
    else:
        formset = payment_formset(initial=plan.payments)
        pinned = PlanFingerprintForm()
    context.update({"plan": plan, "formset": formset, "errors_form": pinned,
                    "fingerprint": plan_fingerprint, "currency": plan.currency_code or ""})
    return render(request, "plans/edit_payments.html", context, status=status)


@require_POST
@guards.permission_required(roles.PROPOSE_PLANS, action="plan.delete")
@vary_on_headers("HX-Request")
def withdraw(request: HttpRequest, guid, plan_guid) -> HttpResponse:
    """Deletes a proposal (P5); the panel is shown again for htmx, else back to `next`."""
    guid, plan_guid = str(guid), str(plan_guid)
    _require_manager(request, guid, plan_guid, "plan.delete")
    back = safe_next(request, debtor_page_url(guid))
    try:
        services.plan_withdraw(actor=request.user, debtor_guid=guid, plan_guid=plan_guid)
    except services.PlanActionRefused as exc:
        messages.error(request, str(exc))
    except NotFound:
        messages.error(request, _("The plan no longer exists."))
    except StaleRecord:
        messages.error(request, _("The plan changed while you were withdrawing it. "
                                  "Look at it again."))
    except GatewayError as exc:
        placed = upstream.place(exc)
        if placed.banner is not None and is_fragment(request):
            return upstream.banner_fragment(request, placed.banner, exc)
        messages.error(request, placed.banner.message if placed.banner else placed.message)
    else:
        messages.success(request, _("The proposal was withdrawn."))
    if is_fragment(request):
        context = _panel_context(guid)
        context["panel_messages"] = True
        return render(request, "plans/partials/debtor_plans.html", context)
    return redirect(back)


@require_GET
@guards.permission_required(roles.VIEW_DEBTORS)
def agreement(request: HttpRequest, guid, plan_guid) -> HttpResponse:
    """A printable agreement of an active or proposed plan."""
    guid, plan_guid = str(guid), str(plan_guid)
    try:
        data = selectors.plan_agreement_get(debtor_guid=guid, plan_guid=plan_guid)
    except NotFound as exc:
        raise Http404(_("No such payment plan.")) from exc
    except GatewayError as exc:
        return render(request, "plans/agreement.html", {
            "debtor_guid": guid,
            "banner": upstream.upstream_banner(exc, retry_url=request.get_full_path())},
            status=upstream.UNAVAILABLE)
    return render(request, "plans/agreement.html", {
        "debtor_guid": guid, "agreement": data, "plan": data.plan, "debtor": data.debtor,
        "address": data.address, "cases": data.cases, "currency": data.plan.currency_code or "",
        "agency": settings.PLAN_AGREEMENT_AGENCY,
        "proposal": selectors.proposal_get(plan_guid=plan_guid),
        "debtor_url": debtor_page_url(guid),
        "figures": plan_figures(data.plan),
    })
