"""The approval queue, one proposal's page, approve and reject, and "My proposals"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backoffice import guards, roles, upstream
from backoffice.gateway import Conflict, GatewayError, NotFound, PlanState
from plans import afford, policies, selectors, services, settlement
from plans.chart import plan_chart_svg
from plans.compare import plan_differences, plan_figures
from plans.forms import QueueFilterForm, RejectForm
from plans.models import PlanProposal
from plans.reschedule_selectors import reschedule_proposer_list
from plans.views.common import debtor_page_url, safe_next

QUEUE_PAGE_SIZE = 50


@require_GET
@guards.permission_required(roles.APPROVE_PLANS)
def approvals(request: HttpRequest) -> HttpResponse:
    """Open proposals, oldest first, filterable."""
    proposers, currencies = selectors.proposal_filter_choices()
    form = QueueFilterForm(request.GET or None, proposers=proposers, currencies=currencies)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"proposer_id": data["proposer"], "currency": data["currency"],
                   "changed_only": data["changed_only"], "debtor": data["debtor"].strip()}
    page = Paginator(selectors.proposal_queue_list(**filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "plans/approvals.html", {
        "filter_form": form, "page_obj": page, "proposals": page.object_list,
        "total_open": selectors.proposal_pending_count(),
    })


@require_GET
@guards.permission_required(roles.PROPOSE_PLANS)
def my_proposals(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.proposal_list(proposed_by=request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "plans/my_proposals.html", {
        "page_obj": page, "proposals": page.object_list,
        "reschedules": reschedule_proposer_list(proposed_by=request.user)})


def _visible_proposal(request: HttpRequest, pk: int) -> PlanProposal:
    proposal = get_object_or_404(
        PlanProposal.objects.select_related("proposed_by", "decided_by"), pk=pk)
    if not policies.may_view_proposal(request.user, proposal):
        raise PermissionDenied
    return proposal


def _render_proposal(request: HttpRequest, proposal: PlanProposal, *, status: int = 200,
                     **extra: Any) -> HttpResponse:
    """The proposal with the plan as Aptic has it now, and what changed since proposed."""
    context: dict[str, Any] = {
        "proposal": proposal, "plan": None, "differences": [], "stale": False,
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        "approval_refusal": (policies.approval_refusal(request.user, proposal)
                             or settlement.approval_refusal(request.user, proposal)),
        "can_approve": roles.user_can(request.user, roles.APPROVE_PLANS),
        "can_manage": policies.may_manage_proposal(request.user, proposal),
        "debtor_url": debtor_page_url(proposal.debtor_guid),
        "statement": afford.statement_for_viewer(user=request.user, proposal=proposal),
    }
    try:
        plan = selectors.plan_get(debtor_guid=proposal.debtor_guid,
                                  plan_guid=proposal.plan_guid)
    except NotFound:
        context["plan_gone"] = True
    except GatewayError as exc:
        context["banner"] = upstream.upstream_banner(exc, retry_url=request.get_full_path())
    else:
        context["plan"] = plan
        context["figures"] = plan_figures(plan)
        context["chart"] = plan_chart_svg(plan.periods, currency=plan.currency_code or "")
        context["is_proposal"] = plan.active == PlanState.PROPOSAL
        if selectors.proposal_is_stale(proposal=proposal, plan=plan):
            context["stale"] = True
            context["differences"] = plan_differences(proposal.snapshot, plan)
    context.update(extra)
    return render(request, "plans/proposal.html", context, status=status)


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_proposal(request, _visible_proposal(request, pk))


@require_POST
@guards.permission_required(roles.APPROVE_PLANS, action="plan.activate")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(PlanProposal.objects.select_related("proposed_by"), pk=pk)
    back = reverse("plans:proposal", args=[proposal.pk])
    try:
        services.plan_approve(actor=request.user, proposal=proposal)
    except services.FourEyesViolation as exc:
        messages.error(request, str(exc))
        return _render_proposal(request, proposal, status=403)
    except services.ProposalChanged as exc:
        proposal.refresh_from_db()
        messages.error(request, _("Not approved: the plan changed after it was proposed. "
                                  "The differences are listed below."))
        return _render_proposal(request, proposal, status=409, refused_differences=(
            exc.differences))
    except services.PlanActionRefused as exc:
        messages.error(request, str(exc))
    except Conflict as exc:
        messages.error(request, _("Not approved: %(reason)s The proposal stays pending.")
                       % {"reason": upstream.refusal_message(exc)})
    except NotFound:
        messages.error(request, _("The plan no longer exists in the collection system."))
    except GatewayError as exc:
        proposal.refresh_from_db()
        return _render_proposal(request, proposal, status=upstream.UNAVAILABLE,
                                banner=upstream.upstream_banner(exc))
    else:
        messages.success(request, _("The plan for %(debtor)s is approved and active.")
                         % {"debtor": proposal.debtor_name})
        return redirect(safe_next(request, reverse("plans:approvals")))
    return redirect(back)


@require_POST
@guards.permission_required(roles.APPROVE_PLANS, action="plan.delete")
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(PlanProposal.objects.select_related("proposed_by"), pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _render_proposal(request, proposal, status=upstream.INVALID, reject_form=form)
    try:
        services.plan_reject(actor=request.user, proposal=proposal,
                             reason=form.cleaned_data["reason"])
    except services.PlanActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("plans:proposal", pk=proposal.pk)
    except GatewayError as exc:
        return upstream.respond(request, exc, render=lambda extra, status: _render_proposal(
            request, proposal, status=status, reject_form=form, **extra))
    messages.success(request, _("The proposal for %(debtor)s was rejected.")
                     % {"debtor": proposal.debtor_name})
    return redirect("plans:approvals")
