"""The calculator: one URL for the page, its htmx result partial and pinning; proposing.

Every change of the form posts to the calculator, which validates first (no call when
invalid), then asks Aptic's P6 and answers only the result partial plus out-of-band field
errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles, upstream
from backoffice.gateway import GatewayError, NotFound, PaymentPlan, ValidationFailed
from backoffice.htmx import is_fragment
from plans import afford, policies, selectors, services
from plans.chart import plan_chart_svg
from plans.compare import PlanFigures, plan_figures
from plans.forms import (
    PLAN_TYPE_HELP,
    CalculatorForm,
    ProposeForm,
    payment_formset,
    plan_type_needs,
    put_upstream_errors,
)
from plans.selectors import CalculatorSetup
from plans.views.common import debtor_page_url

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
        self.upstream: GatewayError | None = None  # a fault: shown as the banner
        self.called = False

    def run(self, debtor_guid: str) -> Calculation:
        form_ok = self.form.is_valid()
        rows_ok = self.formset.is_valid()
        if not (form_ok and rows_ok):
            return self  # explained beside the fields; nothing is sent
        sent = self.formset.filled_forms()
        self.called = True
        try:
            self.plan = selectors.plan_calculate(
                debtor_guid=debtor_guid, data=self.form.plan_input(self.formset.payments()))
        except GatewayError as exc:
            self.failed(exc, sent)
        return self

    def failed(self, error: GatewayError, sent: list) -> None:
        """Where an upstream error goes: its fields, the banner (a fault) or the refusal
        (409: a case under an active plan, 404 ...)."""
        if isinstance(error, ValidationFailed):
            put_upstream_errors(error, self.form, self.formset, sent)
        elif upstream.is_fault(error):
            self.upstream = error
        else:
            self.refusal = upstream.refusal_message(error)


    @property
    def invalid_fields(self) -> list[str]:
        names = [self.form.add_prefix(n) for n in self.form.errors if n != "__all__"]
        for row in self.formset.forms:
            names += [row.add_prefix(n) for n in row.errors if n != "__all__"]
        return names

    @property
    def non_field_errors(self) -> list[str]:
        return [str(e) for e in self.form.non_field_errors()]


def plan_type_options(form: CalculatorForm) -> list[dict[str, Any]]:
    value = str(form["payment_plan_type"].value() or "")
    return [{"value": str(v), "label": label, "help": PLAN_TYPE_HELP[v],
             "checked": str(v) == value} for v, label in form.fields["payment_plan_type"].choices]


def calculator_context(request: HttpRequest, guid: str, calc: Calculation, **extra: Any
             ) -> dict[str, Any]:
    plan = calc.plan
    form = calc.form
    if "note_form" not in extra:  # not setdefault: its default would be built every time
        extra["note_form"] = ProposeForm()
    if "statement" not in extra:
        extra["statement"] = afford.StatementPanel(
            request.POST if request.method == "POST" else None, currency=calc.setup.currency)
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
        "type_options": plan_type_options(form),
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


def _setup_or_error(request: HttpRequest, guid: str, *, proposing: bool = False
                    ) -> CalculatorSetup | GatewayError:
    """The calculator's setup: read afresh for the page (GET), else as the page read it just
    now when that knows the posted cases (for a proposal, a failing read is audited as the
    attempted `plan.create`)."""
    cases = request.POST.getlist("cases")
    try:
        if request.method == "GET":
            return selectors.calculator_setup_get(debtor_guid=guid)
        if proposing:
            return services.plan_propose_setup(actor=request.user, debtor_guid=guid,
                                               case_guids=cases)
        return selectors.calculator_setup_recent_get(debtor_guid=guid, case_guids=cases)
    except NotFound as exc:
        raise Http404(_("No such debtor.")) from exc
    except GatewayError as exc:
        return exc


def calculator_page(request: HttpRequest, guid: str, calc: Calculation, *, status: int = 200,
          **extra: Any) -> HttpResponse:
    context = calculator_context(request, guid, calc, **extra)
    if calc.upstream is not None:
        context["banner"] = upstream.upstream_banner(calc.upstream)
    return render(request, "plans/calculator.html", context, status=status)


def _unavailable_page(request: HttpRequest, guid: str, error: GatewayError) -> HttpResponse:
    context = {"debtor_guid": guid, "debtor_url": debtor_page_url(guid),
               "banner": upstream.upstream_banner(error, retry_url=request.get_full_path())}
    return render(request, "plans/calculator_unavailable.html", context,
                  status=upstream.UNAVAILABLE)


def setup_or_response(request: HttpRequest, guid: str, *, proposing: bool = False
                      ) -> CalculatorSetup | HttpResponse:
    """The calculator's setup (see `_setup_or_error`), or the answer to give when Aptic cannot
    be read: the banner for htmx, else the page that says so with a retry."""
    setup = _setup_or_error(request, guid, proposing=proposing)
    if not isinstance(setup, GatewayError):
        return setup
    if is_fragment(request):
        return upstream.banner_fragment(request, upstream.upstream_banner(setup), setup)
    return _unavailable_page(request, guid, setup)


PIN_ACTIONS = ("pin", "unpin")


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
@vary_on_headers("HX-Request")
def calculator(request: HttpRequest, guid) -> HttpResponse:
    """The one calculator URL. GET shows the defaults already calculated; a POST recalculates
    the posted terms (nothing is stored): htmx gets the result partial plus out-of-band field
    errors, a plain POST (no JavaScript) the whole page. The buttons `pin=pin`/`pin=unpin` pin
    the current result's figures (into hidden fields) to compare the next ones with, or clear
    them."""
    guid = str(guid)
    setup = setup_or_response(request, guid)
    if isinstance(setup, HttpResponse):
        return setup
    if not setup.cases:
        return render(request, "plans/calculator.html", {
            "debtor_guid": guid, "setup": setup, "debtor": setup.debtor, "no_cases": True,
            "debtor_url": debtor_page_url(guid)})
    data = request.POST if request.method == "POST" else _default_data(setup)
    calc = Calculation(setup, data).run(guid)
    extra: dict[str, Any] = {}
    pin = request.POST.get("pin")
    if pin == "unpin":
        extra["pinned"] = None
    elif pin == "pin" and calc.plan is not None:
        extra["pinned"] = plan_figures(calc.plan)
    if not is_fragment(request):
        return calculator_page(request, guid, calc, **extra)
    if calc.upstream is not None:
        return upstream.banner_fragment(request, upstream.upstream_banner(calc.upstream),
                                        calc.upstream)
    # The result partial shows neither the statement nor the note: not built for it.
    return render(request, "plans/calculator.html#calculate-response",
                  calculator_context(request, guid, calc, statement=None, note_form=None,
                                     **extra))


@require_POST
@guards.permission_required(roles.PROPOSE_PLANS, action="plan.create")
def propose(request: HttpRequest, guid) -> HttpResponse:
    """Creates the calculated plan as a proposal (and, under the optional policy and when
    asked, activates it at once); back to the calculator with the input kept on failure."""
    guid = str(guid)
    setup = setup_or_response(request, guid, proposing=True)
    if isinstance(setup, HttpResponse):
        return setup
    calc = Calculation(setup, request.POST)
    note_form = ProposeForm(request.POST)
    statement = afford.StatementPanel(request.POST, currency=setup.currency)
    forms_ok = all([calc.form.is_valid(), calc.formset.is_valid(), note_form.is_valid(),
                    statement.is_valid()])
    if not forms_ok:
        calc.run(guid)  # shows the figures when only the note or the statement was wrong
        return calculator_page(request, guid, calc, note_form=note_form, statement=statement,
                     status=upstream.INVALID)
    sent = calc.formset.filled_forms()
    try:
        proposal = services.plan_propose(
            actor=request.user, debtor_guid=guid, debtor_name=setup.debtor.display_name,
            data=calc.form.plan_input(calc.formset.payments()),
            note=note_form.cleaned_data["note"])
    except GatewayError as exc:
        calc.failed(exc, sent)
        status = upstream.place(exc).status
        return calculator_page(request, guid, calc, note_form=note_form, statement=statement,
                     status=status)
    afford.statement_create(actor=request.user, proposal=proposal, panel=statement)
    if request.POST.get("activate"):
        return activate_directly(request, proposal)
    messages.success(request, _("The plan was proposed and waits for approval."))
    return redirect("plans:proposal", pk=proposal.pk)


def activate_directly(request: HttpRequest, proposal) -> HttpResponse:
    target = reverse("plans:proposal", args=[proposal.pk])
    try:
        services.plan_activate_direct(actor=request.user, proposal=proposal)
    except services.PlanActionRefused as exc:
        messages.warning(request, _("The plan was proposed but not activated: %(reason)s")
                         % {"reason": exc})
    except services.ProposalChanged:
        messages.error(request, _("The plan changed before it could be activated; it waits "
                                  "for approval."))
    except GatewayError as exc:
        messages.error(request, _("The plan was proposed but Aptic did not activate it: "
                                  "%(reason)s") % {"reason": upstream.refusal_message(exc)})
    else:
        messages.success(request, _("The plan was activated."))
    return redirect(target)
