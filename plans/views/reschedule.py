"""Rescheduling an active plan: the form (the calculator's terms over the plan's own cases,
the old plan beside them), the reschedule's page, approve, resume, reject and abandon.

The form cannot recalculate as the calculator does: Aptic's P6 refuses cases that an active
plan covers (409), so the new plan's figures exist only once approval has deleted the old
plan. The form checks the terms (422 beside the fields, nothing sent) and records them; the
reschedule's page shows the old plan and the new one side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice import guards, roles, upstream
from backoffice.gateway import GatewayError, NotFound, PaymentPlan, PlanState
from plans import reschedule as workflow
from plans import selectors
from plans.compare import plan_figures
from plans.forms import (
    AbandonForm,
    CalculatorForm,
    ProposeForm,
    RejectForm,
    payment_formset,
    plan_type_needs,
)
from plans.reschedule_models import Reschedule
from plans.reschedule_selectors import reschedule_comparison
from plans.views.calculator import plan_type_options
from plans.views.common import debtor_page_url


def _old_plan_and_setup(guid: str, plan_guid: str) -> tuple[PaymentPlan, Any]:
    """The plan to replace and the calculator's setup (debtor, cases); 404 when either is
    unknown, the GatewayError raised otherwise."""
    try:
        old = selectors.plan_get(debtor_guid=guid, plan_guid=plan_guid)
        setup = selectors.calculator_setup_get(debtor_guid=guid)
    except NotFound as exc:
        raise Http404(_("No such payment plan.")) from exc
    return old, setup


def _initial_data(old: PaymentPlan) -> QueryDict:
    """The form as first shown: the old plan's type, count and fees over its cases."""
    data = QueryDict(mutable=True)
    data["payment_plan_type"] = str(old.payment_plan_type or 1)
    data["number_of_payments"] = str(old.number_of_payments or "")
    data["amount"] = ""
    for name in ("registration_fee", "invoice_fee", "reminder_fee"):
        value = getattr(old, name)
        data[name] = formats.localize_input(Decimal("0.00") if value is None else value)
    data.setlist("cases", list(old.cases))
    data["payments-TOTAL_FORMS"] = "0"
    data["payments-INITIAL_FORMS"] = "0"
    return data


def _form_page(request: HttpRequest, guid: str, old: PaymentPlan, setup: Any,
               form: CalculatorForm, formset: Any, note_form: ProposeForm, *,
               status: int = 200, **extra: Any) -> HttpResponse:
    try:
        chosen = int(form["payment_plan_type"].value())
    except (TypeError, ValueError):
        chosen = None
    covered = set(old.cases)
    return render(request, "plans/reschedule_new.html", {
        "debtor_guid": guid, "debtor": setup.debtor, "old": old, "plan": old,
        "figures": plan_figures(old), "currency": old.currency_code or setup.currency,
        "cases": [c for c in setup.cases_under_plan if c.case_guid in covered],
        "form": form, "formset": formset, "note_form": note_form,
        "type_options": plan_type_options(form), "needs": plan_type_needs(chosen),
        "debtor_url": debtor_page_url(guid), **extra,
    }, status=status)


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.PROPOSE_PLANS, action="reschedule.create")
def reschedule_new(request: HttpRequest, guid, plan_guid) -> HttpResponse:
    """New terms for an active plan over the same cases, recorded for a supervisor."""
    guid, plan_guid = str(guid), str(plan_guid)
    try:
        old, setup = _old_plan_and_setup(guid, plan_guid)
    except GatewayError as exc:
        return render(request, "plans/calculator_unavailable.html", {
            "debtor_guid": guid, "debtor_url": debtor_page_url(guid),
            "banner": upstream.upstream_banner(exc, retry_url=request.get_full_path())},
            status=upstream.UNAVAILABLE)
    if old.active != PlanState.ACTIVE:
        return render(request, "plans/reschedule_new.html", {
            "not_active": True, "debtor": setup.debtor, "debtor_url": debtor_page_url(guid)},
            status=upstream.CONFLICT)
    choices = [(g, g) for g in old.cases]
    if request.method == "GET":
        data = _initial_data(old)
        return _form_page(request, guid, old, setup, CalculatorForm(data, case_choices=choices),
                          payment_formset(data), ProposeForm())
    data = request.POST.copy()
    data.setlist("cases", list(old.cases))  # the same cases, whatever was posted
    form = CalculatorForm(data, case_choices=choices)
    formset = payment_formset(data)
    note_form = ProposeForm(data)
    if not all([form.is_valid(), formset.is_valid(), note_form.is_valid()]):
        return _form_page(request, guid, old, setup, form, formset, note_form,
                          status=upstream.INVALID)
    try:
        record = workflow.reschedule_propose(
            actor=request.user, debtor_guid=guid, debtor_name=setup.debtor.display_name,
            old_plan=old, data=form.plan_input(formset.payments()),
            note=note_form.cleaned_data["note"])
    except workflow.RescheduleRefused as exc:
        return _form_page(request, guid, old, setup, form, formset, note_form,
                          status=upstream.CONFLICT, refusal=str(exc))
    messages.success(request, _("The reschedule was proposed and waits for approval. The old "
                                "plan stays active until then."))
    return redirect("plans:reschedule", pk=record.pk)


def _visible(request: HttpRequest, pk: int) -> Reschedule:
    record = get_object_or_404(
        Reschedule.objects.select_related("proposed_by", "decided_by", "abandoned_by"), pk=pk)
    if not (roles.user_can(request.user, roles.APPROVE_PLANS)
            or record.proposed_by_id == request.user.pk):
        raise PermissionDenied
    return record


def _render(request: HttpRequest, record: Reschedule, *, status: int = 200,
            **extra: Any) -> HttpResponse:
    """The reschedule with the old plan and the new one side by side, as Aptic has them."""
    context: dict[str, Any] = {
        "record": record, "old": None, "new": None, "banner": None,
        "can_approve": roles.user_can(request.user, roles.APPROVE_PLANS),
        "own": record.proposed_by_id == request.user.pk,
        "reject_form": extra.pop("reject_form", None) or RejectForm(),
        "abandon_form": extra.pop("abandon_form", None) or AbandonForm(),
        "debtor_url": debtor_page_url(record.debtor_guid),
    }
    reads = {"old": record.old_plan_guid if record.step == Reschedule.Step.NONE else "",
             "new": record.new_plan_guid}
    for key, plan_guid in reads.items():
        if not plan_guid:
            continue
        try:
            context[key] = selectors.plan_get(debtor_guid=record.debtor_guid,
                                              plan_guid=plan_guid)
        except NotFound:
            context[f"{key}_gone"] = True
        except GatewayError as exc:
            context["banner"] = upstream.upstream_banner(exc, retry_url=request.get_full_path())
    old = context["old"]
    if old is None and record.old_snapshot:  # deleted by the workflow: as it was proposed
        context["old_as_proposed"] = True
    context["rows"] = reschedule_comparison(record=record, old_plan=old,
                                                     new_plan=context["new"])
    context.update(extra)
    return render(request, "plans/reschedule.html", context, status=status)


@require_GET
@guards.permission_required(roles.PROPOSE_PLANS)
def reschedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible(request, pk))


def _carry_out(request: HttpRequest, pk: int, run: Any) -> HttpResponse:
    record = get_object_or_404(Reschedule.objects.select_related("proposed_by"), pk=pk)
    try:
        run(actor=request.user, reschedule=record)
    except workflow.RescheduleRefused as exc:
        messages.error(request, str(exc))
        return _render(request, record, status=403 if not isinstance(
            exc, workflow.RescheduleBusy | workflow.RescheduleClosed) else 409)
    except workflow.RescheduleFailed as exc:
        record.refresh_from_db()
        if exc.interrupted:
            messages.error(request, _("Rescheduling interrupted: the old plan was deleted but "
                                      "the new plan is not active, so the cases have no active "
                                      "plan. Resume when the problem is solved. %(reason)s")
                           % {"reason": exc})
        else:
            messages.error(request, _("Not rescheduled; nothing was changed. %(reason)s")
                           % {"reason": exc})
        status = (upstream.UNAVAILABLE if upstream.is_fault(exc.error) else upstream.CONFLICT)
        return _render(request, record, status=status)
    messages.success(request, _("The plan for %(debtor)s is rescheduled: the new plan is "
                                "active.") % {"debtor": record.debtor_name})
    return redirect("plans:reschedule", pk=record.pk)


@require_POST
@guards.permission_required(roles.APPROVE_PLANS, action="reschedule.approve")
def reschedule_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _carry_out(request, pk, workflow.reschedule_approve)


@require_POST
@guards.permission_required(roles.APPROVE_PLANS, action="reschedule.resume")
def reschedule_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _carry_out(request, pk, workflow.reschedule_resume)


def _with_reason(request: HttpRequest, pk: int, form_class: type[Form], form_key: str,
                 decide: Callable[..., Any]) -> Reschedule | HttpResponse:
    """A decision that takes a reason: the form's message at the field (422), the workflow's
    refusal on the page (409), else the decided record."""
    record = get_object_or_404(Reschedule.objects.select_related("proposed_by"), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render(request, record, status=upstream.INVALID, **{form_key: form})
    try:
        decide(actor=request.user, reschedule=record, reason=form.cleaned_data["reason"])
    except workflow.RescheduleRefused as exc:
        messages.error(request, str(exc))
        record.refresh_from_db()
        return _render(request, record, status=409, **{form_key: form})
    return record


@require_POST
@guards.permission_required(roles.APPROVE_PLANS, action="reschedule.reject")
def reschedule_reject(request: HttpRequest, pk: int) -> HttpResponse:
    record = _with_reason(request, pk, RejectForm, "reject_form", workflow.reschedule_reject)
    if isinstance(record, HttpResponse):
        return record
    messages.success(request, _("The reschedule for %(debtor)s was rejected; the old plan "
                                "stays active.") % {"debtor": record.debtor_name})
    return redirect("plans:approvals")


@require_POST
@guards.permission_required(roles.APPROVE_PLANS, action="reschedule.abandon")
def reschedule_abandon(request: HttpRequest, pk: int) -> HttpResponse:
    """Ends an interrupted reschedule with a reason; nothing is sent to Aptic."""
    record = _with_reason(request, pk, AbandonForm, "abandon_form",
                          workflow.reschedule_abandon)
    if isinstance(record, HttpResponse):
        return record
    messages.success(request, _("The reschedule for %(debtor)s was abandoned.")
                     % {"debtor": record.debtor_name})
    return redirect("plans:reschedule", pk=record.pk)
