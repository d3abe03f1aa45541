"""The income and expenditure statement beside the calculator.

htmx posts the statement's fields here as they change and gets back the figures (disposable
income, suggested instalment) with the field errors out of band; nothing goes to Aptic. A
plain POST (no JavaScript) comes from the statement's buttons with the whole calculator form
and gets the whole calculator page back: "Use this amount" then recalculates the plan in
amount mode at the suggestion.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles, upstream
from backoffice.htmx import is_fragment
from plans.afford import USE_FIELD, StatementPanel, use_suggestion
from plans.views.calculator import Calculation, calculator_page, setup_or_response


def _currency(request: HttpRequest) -> str:
    """The calculator's currency, carried in a hidden field for display only (what is
    stored with a proposal is the plan's own currency)."""
    value = str(request.POST.get("statement-currency") or "")
    return value.upper() if len(value) == 3 and value.isalpha() else ""


@require_POST
@guards.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
@vary_on_headers("HX-Request")
def statement(request: HttpRequest, guid) -> HttpResponse:
    guid = str(guid)
    panel = StatementPanel(request.POST, currency=_currency(request))
    status = 200 if panel.is_valid() else upstream.INVALID
    if is_fragment(request):
        return render(request, "plans/afford_statement.html#statement-response",
                      {"statement": panel, "debtor_guid": guid}, status=status)
    setup = setup_or_response(request, guid)
    if isinstance(setup, HttpResponse):
        return setup
    panel.currency = setup.currency
    data = request.POST
    if request.POST.get(USE_FIELD) and panel.suggestion is not None:
        data = use_suggestion(data, panel.suggestion)
    calc = Calculation(setup, data).run(guid)
    if status == 200 and not calc.form.is_valid():
        status = upstream.INVALID
    return calculator_page(request, guid, calc, statement=panel, status=status)
