"""The calculator: a full page, its htmx result partial, pinning for comparison, proposing.

Every change of the form posts to `calculate`, which validates first (no call when invalid),
then asks Aptic's P6 and answers only the result partial plus out-of-band field errors.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice import roles
from backoffice.gateway import (
    Change,
    GatewayError,
    NotFound,
    PaymentPlan,
    RateLimited,
    Unavailable,
    ValidationFailed,
    get_gateway,
    reads_for_change,
)
from backoffice.ui import upstream_banner, upstream_error_fragment
from plans import policies, selectors, services
from plans.chart import plan_chart_svg
from plans.compare import PlanFigures, plan_figures
from plans.forms import (
    PLAN_TYPE_HELP,
    CalculatorForm,
    ProposeForm,
    apply_upstream_errors,
    payment_formset,
    plan_type_needs,
)
from plans.selectors import CalculatorSetup
from plans.views.common import debtor_page_url, deny, is_htmx, vary_on_htmx

DEFAULT_NUMBER_OF_PAYMENTS = 12


def _pinned(request: HttpRequest) -> PlanFigures | None:
    """The pinned plan's figures, carried in the form's hidden `pinned-*` fields (not in the
    session: concurrent recalculations would save over each other's sessions)."""
    return PlanFigures.from_form(request.POST) if request.method == "POST" else None


def _default_data(setup: CalculatorSetup) -> QueryDict:
    """The form as first shown: an annuity over 12 months, every free case, default fees."""
    data = QueryDict(mutable=True)
    data["payment_plan_type"] = "1"
    data["number_of_payments"] = str(DEFAULT_NUMBER_OF_PAYMENTS)
    data["amount"] = ""
    data.setlist("cases", [c.case_guid or "" for c in setup.cases])
    for name in ("registration", "invoice", "reminder"):
        data[f"{name}_fee"] = formats.localize_input(setup.fee_defaults[name])
    data["payments-TOTAL_FORMS"] = "0"
    data["payments-INITIAL_FORMS"] = "0"
    return data


class Calculation:
    """One pass of the calculator over some form data: forms, and the plan or why not."""

    def __init__(self, setup: CalculatorSetup, data: QueryDict):
        self.setup = setup
        self.form = CalculatorForm(data, case_choices=setup.case_choices())
        self.formset = payment_formset(data)
        self.plan: PaymentPlan | None = None
        self.refusal = ""
        self.upstream: GatewayError | None = None
        self.called = False

    def run(self, debtor_guid: str) -> Calculation:
        form_ok = self.form.is_valid()
        rows_ok = self.formset.is_valid()
        if not (form_ok and rows_ok):
            return self  # explained beside the fields; nothing is sent
        sent = self.formset.filled_forms()
        self.called = True
        try:
            self.plan = get_gateway().plan_calculate(
                debtor_guid, self.form.plan_input(self.formset.payments()))
        except ValidationFailed as exc:
            apply_upstream_errors(exc, self.form, self.formset, sent)
        except (Unavailable, RateLimited) as exc:
            self.upstream = exc
        except GatewayError as exc:  # 409 (a case under an active plan), 404 ...
            self.refusal = services.refusal_text(exc)
        return self

    @property
    def invalid_fields(self) -> list[str]:
        names = [self.form.add_prefix(n) for n in self.form.errors if n != "__all__"]
        for row in self.formset.forms:
            names += [row.add_prefix(n) for n in row.errors if n != "__all__"]
        return names

    @property
    def non_field_errors(self) -> list[str]:
        return [str(e) for e in self.form.non_field_errors()]


def _type_options(form: CalculatorForm) -> list[dict[str, Any]]:
    value = str(form["payment_plan_type"].value() or "")
    return [{"value": str(v), "label": label, "help": PLAN_TYPE_HELP[v],
             "checked": str(v) == value} for v, label in form.fields["payment_plan_type"].choices]


def _context(request: HttpRequest, guid: str, calc: Calculation, **extra: Any
             ) -> dict[str, Any]:
    plan = calc.plan
    form = calc.form
    extra.setdefault("note_form", ProposeForm())
    try:
        chosen = int(form["payment_plan_type"].value())
    except (TypeError, ValueError):
        chosen = None
    return {
        "debtor_guid": guid,
        "setup": calc.setup,
        "debtor": calc.setup.debtor,
        "calc": calc,
        "form": form,
        "formset": calc.formset,
        "type_options": _type_options(form),
        "selected_cases": [str(v) for v in (form["cases"].value() or [])],
        "needs": plan_type_needs(chosen),
        "plan": plan,
        "currency": (plan.currency_code if plan else "") or calc.setup.currency,
        "chart": plan_chart_svg(plan.periods, currency=plan.currency_code or "")
        if plan and plan.periods else "",
        "figures": plan_figures(plan) if plan else None,
        "pinned": _pinned(request),
        "debtor_url": debtor_page_url(guid),
        "can_propose": roles.user_can(request.user, roles.PROPOSE_PLANS),
        "direct_limits": policies.direct_activation_limits(),
        **extra,
    }


def _setup_or_error(request: HttpRequest, guid: str, *, attempt: Change | None = None
                    ) -> CalculatorSetup | GatewayError:
    """The calculator's setup: read afresh for the page (GET), else as the page read it just
    now when that knows the posted cases. With `attempt`, a failing read is recorded as that
    attempted change."""
    try:
        if request.method == "GET":
            return selectors.calculator_setup(guid)
        with reads_for_change(attempt) if attempt else nullcontext():
            return selectors.calculator_setup_recent(
                guid, case_guids=request.POST.getlist("cases"))
    except NotFound as exc:
        raise Http404(_("No such debtor.")) from exc
    except GatewayError as exc:
        return exc


def _page(request: HttpRequest, guid: str, calc: Calculation, *, status: int = 200,
          **extra: Any) -> HttpResponse:
    context = _context(request, guid, calc, **extra)
    if calc.upstream is not None:
        context["banner"] = upstream_banner(calc.upstream)
    return vary_on_htmx(render(request, "plans/calculator.html", context, status=status))


def _unavailable_page(request: HttpRequest, guid: str, error: GatewayError) -> HttpResponse:
    context = {"debtor_guid": guid, "debtor_url": debtor_page_url(guid),
               "banner": upstream_banner(error, retry_url=request.get_full_path())}
    return render(request, "plans/calculator_unavailable.html", context, status=503)


@require_http_methods(["GET", "POST"])
@roles.permission_required(roles.CALCULATE_PLANS)
def calculator(request: HttpRequest, guid) -> HttpResponse:
    """The page: GET shows the defaults already calculated; a plain POST (no JavaScript)
    recalculates and shows the whole page again."""
    guid = str(guid)
    setup = _setup_or_error(request, guid)
    if isinstance(setup, GatewayError):
        return _unavailable_page(request, guid, setup)
    if not setup.cases:
        return render(request, "plans/calculator.html", {
            "debtor_guid": guid, "setup": setup, "debtor": setup.debtor, "no_cases": True,
            "debtor_url": debtor_page_url(guid)})
    data = request.POST if request.method == "POST" else _default_data(setup)
    return _page(request, guid, Calculation(setup, data).run(guid))


def _result(request: HttpRequest, guid: str, *, pin: bool | None = None) -> HttpResponse:
    setup = _setup_or_error(request, guid)
    if isinstance(setup, GatewayError):
        if is_htmx(request):
            return upstream_error_fragment(request, setup)
        return _unavailable_page(request, guid, setup)
    calc = Calculation(setup, request.POST).run(guid)
    extra: dict[str, Any] = {}
    if pin is False:
        extra["pinned"] = None
    elif pin and calc.plan is not None:
        extra["pinned"] = plan_figures(calc.plan)
    if not is_htmx(request):
        return _page(request, guid, calc, **extra)
    if calc.upstream is not None:
        return vary_on_htmx(upstream_error_fragment(request, calc.upstream))
    response = render(request, "plans/partials/calculate_response.html",
                      _context(request, guid, calc, **extra))
    return vary_on_htmx(response)


@require_POST
@roles.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
def calculate(request: HttpRequest, guid) -> HttpResponse:
    """The htmx endpoint: the result partial for the posted terms (nothing is stored)."""
    return _result(request, str(guid))


@require_POST
@roles.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
def pin(request: HttpRequest, guid) -> HttpResponse:
    """Pins the current result's figures (into hidden fields) to compare the next ones with."""
    return _result(request, str(guid), pin=True)


@require_POST
@roles.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
def unpin(request: HttpRequest, guid) -> HttpResponse:
    return _result(request, str(guid), pin=False)


@require_POST
@roles.permission_required(roles.PROPOSE_PLANS, action="plan.create")
def propose(request: HttpRequest, guid) -> HttpResponse:
    """Creates the calculated plan as a proposal (and, under the optional policy and when
    asked, activates it at once); back to the calculator with the input kept on failure."""
    guid = str(guid)
    setup = _setup_or_error(request, guid, attempt=Change("plan.create", guid, "plan"))
    if isinstance(setup, GatewayError):
        return _unavailable_page(request, guid, setup)
    calc = Calculation(setup, request.POST)
    note_form = ProposeForm(request.POST)
    forms_ok = all([calc.form.is_valid(), calc.formset.is_valid(), note_form.is_valid()])
    if not forms_ok:
        calc.run(guid)  # shows the figures when only the note was wrong
        return _page(request, guid, calc, note_form=note_form, status=400)
    sent = calc.formset.filled_forms()
    try:
        proposal = services.plan_propose(
            actor=request.user, debtor_guid=guid, debtor_name=setup.debtor.display_name,
            data=calc.form.plan_input(calc.formset.payments()),
            note=note_form.cleaned_data["note"])
    except ValidationFailed as exc:
        apply_upstream_errors(exc, calc.form, calc.formset, sent)
        return _page(request, guid, calc, note_form=note_form, status=400)
    except (Unavailable, RateLimited) as exc:
        calc.upstream = exc
        return _page(request, guid, calc, note_form=note_form, status=503)
    except GatewayError as exc:
        calc.refusal = services.refusal_text(exc)
        return _page(request, guid, calc, note_form=note_form, status=409)
    if request.POST.get("activate"):
        return _activate_directly(request, proposal)
    messages.success(request, _("The plan was proposed and waits for approval."))
    return redirect("plans:proposal", pk=proposal.pk)


def _activate_directly(request: HttpRequest, proposal) -> HttpResponse:
    target = reverse("plans:proposal", args=[proposal.pk])
    try:
        services.plan_activate_direct(actor=request.user, proposal=proposal)
    except services.PlanActionRefused as exc:
        deny(request, action="plan.activate", reason=str(exc), debtor_guid=proposal.debtor_guid)
        messages.warning(request, _("The plan was proposed but not activated: %(reason)s")
                         % {"reason": exc})
    except services.ProposalChanged:
        messages.error(request, _("The plan changed before it could be activated; it waits "
                                  "for approval."))
    except GatewayError as exc:
        messages.error(request, _("The plan was proposed but Aptic did not activate it: "
                                  "%(reason)s") % {"reason": services.refusal_text(exc)})
    else:
        messages.success(request, _("The plan was activated."))
    return redirect(target)
