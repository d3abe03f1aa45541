"""The settlement page: an offer to settle for less than the total, calculated (P6) and
proposed (P2) as a debt relief plan. One URL for the page and its htmx result; proposing
posts to its own URL, like the calculator's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles, upstream
from backoffice.gateway import GatewayError, PaymentPlan, ValidationFailed
from backoffice.htmx import is_fragment
from plans import settlement, settlement_services
from plans.selectors import CalculatorSetup
from plans.settlement_forms import SettlementForm
from plans.settlement_services import SettlementFigures, SettlementRefused
from plans.views.calculator import activate_directly, setup_or_response
from plans.views.common import debtor_page_url

TEMPLATE = "plans/settlement.html"
ZERO = Decimal("0.00")
# Aptic's field names (as the gateway gives them) -> this form's.
FIELD_MAP = {"amount": "settlement_amount", "number_of_payments": "number_of_payments",
             "cases": "cases"}


class Offer:
    """One pass over the posted offer: the form, and the plan and figures or why not."""

    def __init__(self, setup: CalculatorSetup, data: QueryDict | None):
        self.setup = setup
        self.form = SettlementForm(
            data, case_choices=setup.case_choices(),
            remaining={c.case_guid or "": c.remaining_sum or ZERO for c in setup.cases},
            initial={"cases": [c.case_guid for c in setup.cases], "number_of_payments": 1})
        self.plan: PaymentPlan | None = None
        self.figures: SettlementFigures | None = None
        self.upstream: GatewayError | None = None
        self.refusal = ""

    def valid(self) -> bool:
        """The form is valid and the offer within what a supervisor may approve (else the
        field says why: no call is made)."""
        if not self.form.is_bound or not self.form.is_valid():
            return False
        terms = self.form.terms()
        beyond = settlement.beyond_supervisor_limits(
            total_owed=terms.total_owed, written_off=terms.written_off,
            payments=terms.number_of_payments)
        self.put_errors(beyond)
        return not beyond

    def put_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            target = name if name in self.form.fields else None
            if name == "settlement_amount" and self.form.cleaned_data.get(
                    "settlement_amount") is None:
                target = "discount_percent"  # the discount was given: say it there
            self.form.add_error(target, message)

    def calculate(self, debtor_guid: str) -> Offer:
        if not self.valid():
            return self
        try:
            self.plan, self.figures = settlement_services.settlement_calculate(
                debtor_guid=debtor_guid, terms=self.form.terms(),
                case_guids=self.form.cleaned_data["cases"],
                reminder_fee=self.setup.fee_defaults.get("reminder", ZERO))
        except GatewayError as exc:
            self.failed(exc)
        return self

    def failed(self, error: GatewayError) -> None:
        if isinstance(error, ValidationFailed):
            upstream.put_field_errors(self.form, error, FIELD_MAP)
        elif upstream.is_fault(error):
            self.upstream = error
        else:
            self.refusal = upstream.refusal_message(error)

    @property
    def total_owed(self) -> Decimal:
        if self.form.is_bound:
            if hasattr(self.form, "cleaned_data") and self.form.cleaned_data.get("cases"):
                return self.form.total_owed() or ZERO
            chosen = set(self.form.data.getlist("cases"))
            return sum((c.remaining_sum or ZERO for c in self.setup.cases
                        if c.case_guid in chosen), ZERO)
        return sum((c.remaining_sum or ZERO for c in self.setup.cases), ZERO)

    @property
    def invalid_fields(self) -> list[str]:
        return [self.form.add_prefix(n) for n in self.form.errors if n != "__all__"]


def _context(request: HttpRequest, guid: str, offer: Offer, **extra: Any) -> dict[str, Any]:
    form = offer.form
    return {
        "debtor_guid": guid, "setup": offer.setup, "debtor": offer.setup.debtor,
        "offer": offer, "form": form, "plan": offer.plan, "figures": offer.figures,
        "currency": (offer.plan.currency_code if offer.plan else "") or offer.setup.currency,
        "selected_cases": [str(v) for v in (form["cases"].value() or [])],
        "limits": settlement.settlement_limits(),
        "can_propose": roles.user_can(request.user, roles.PROPOSE_PLANS),
        "debtor_url": debtor_page_url(guid), **extra,
    }


def _page(request: HttpRequest, guid: str, offer: Offer, *, status: int = 200,
          **extra: Any) -> HttpResponse:
    context = _context(request, guid, offer, **extra)
    if offer.upstream is not None:
        context["banner"] = upstream.upstream_banner(offer.upstream)
    return render(request, TEMPLATE, context, status=status)


def _status(offer: Offer) -> int:
    if offer.upstream is not None:
        return upstream.UNAVAILABLE
    if offer.form.is_bound and offer.form.errors:
        return upstream.INVALID
    return upstream.CONFLICT if offer.refusal else 200


@require_http_methods(["GET", "POST"])
@guards.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
@vary_on_headers("HX-Request")
def settlement_offer(request: HttpRequest, guid) -> HttpResponse:
    """GET: the offer form for every free case, with their total. POST: the offer calculated
    (nothing stored): htmx gets the result with out-of-band field errors, a plain POST the
    page."""
    guid = str(guid)
    setup = setup_or_response(request, guid)
    if isinstance(setup, HttpResponse):
        return setup
    if not setup.cases:
        return render(request, TEMPLATE, {"debtor_guid": guid, "setup": setup,
                                          "debtor": setup.debtor, "no_cases": True,
                                          "debtor_url": debtor_page_url(guid)})
    offer = Offer(setup, request.POST if request.method == "POST" else None).calculate(guid)
    if not is_fragment(request):
        return _page(request, guid, offer, status=_status(offer))
    if offer.upstream is not None:
        return upstream.banner_fragment(request, upstream.upstream_banner(offer.upstream),
                                        offer.upstream)
    return render(request, f"{TEMPLATE}#calculate-response",
                  _context(request, guid, offer), status=_status(offer))


@require_POST
@guards.permission_required(roles.PROPOSE_PLANS, action="plan.create")
def settlement_propose(request: HttpRequest, guid) -> HttpResponse:
    """Proposes the offer (and, when asked and within the agent's limits, activates it);
    back to the page with the input kept when it is refused or fails."""
    guid = str(guid)
    setup = setup_or_response(request, guid, proposing=True)
    if isinstance(setup, HttpResponse):
        return setup
    offer = Offer(setup, request.POST)
    if not offer.form.is_valid():
        return _page(request, guid, offer, status=upstream.INVALID)
    form = offer.form
    try:
        proposal = settlement_services.settlement_propose(
            actor=request.user, debtor_guid=guid, debtor_name=setup.debtor.display_name,
            terms=form.terms(), case_guids=form.cleaned_data["cases"],
            reminder_fee=setup.fee_defaults.get("reminder", ZERO),
            note=form.cleaned_data["note"])
    except SettlementRefused as exc:
        offer.put_errors(exc.errors)
        return _page(request, guid, offer, status=upstream.INVALID)
    except GatewayError as exc:
        offer.failed(exc)
        return _page(request, guid, offer, status=upstream.place(exc).status)
    if request.POST.get("activate"):
        return activate_directly(request, proposal)
    messages.success(request, _("The settlement was proposed and waits for approval."))
    return redirect("plans:proposal", pk=proposal.pk)
