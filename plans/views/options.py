"""The calculator's options grid: one POST calculates 3 to 6 alternatives side by side.

It posts the calculator's form (plus the grid's two inputs), validates all of it first
(nothing is sent when anything is wrong: 422, the messages beside the fields), then asks
P6 once per option in parallel (plans/options.py). htmx gets the grid partial plus the
calculator's field errors out of band; a plain POST the whole calculator page with the grid.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from backoffice import guards, roles, upstream
from backoffice.htmx import is_fragment
from plans import options
from plans.views.calculator import (
    Calculation,
    calculator_context,
    calculator_page,
    setup_or_response,
)


def _render(request: HttpRequest, guid: str, calc: Calculation, options_form: options.OptionsForm,
            grid: options.OptionsGrid | None, *, status: int = 200) -> HttpResponse:
    extra: dict[str, Any] = {"options_form": options_form, "options_grid": grid}
    if not is_fragment(request):
        if calc.form.is_valid() and calc.formset.is_valid():
            calc.run(guid)  # the page without JavaScript shows the current plan as well
        return calculator_page(request, guid, calc, status=status, **extra)
    return render(request, "plans/options.html#response",
                  calculator_context(request, guid, calc, **extra), status=status)


@require_POST
@guards.permission_required(roles.CALCULATE_PLANS, action="plan.calculate")
@vary_on_headers("HX-Request")
def plan_options(request: HttpRequest, guid) -> HttpResponse:
    """The options grid of the posted calculator terms (nothing is stored)."""
    guid = str(guid)
    setup = setup_or_response(request, guid)
    if isinstance(setup, HttpResponse):
        return setup
    if not setup.cases:
        return redirect("plans:calculator", guid=guid)
    calc = Calculation(setup, request.POST)
    options_form = options.OptionsForm(request.POST,
                                       plan_type=request.POST.get("payment_plan_type"))
    valid = [calc.form.is_valid(), calc.formset.is_valid(), options_form.is_valid()]
    if not all(valid):
        return _render(request, guid, calc, options_form, None, status=upstream.INVALID)
    by = options_form.cleaned_data["option_by"]
    base = calc.form.plan_input(calc.formset.payments())
    specs = options.plan_option_specs(base=base, by=by,
                                      months=options_form.cleaned_data["option_months"])
    errors = options.options_input_errors(base=base, by=by, specs=specs)
    for field, message in errors.items():
        calc.form.add_error(field, message)
    if errors:
        return _render(request, guid, calc, options_form, None, status=upstream.INVALID)
    grid = options.plan_options_calculate(debtor_guid=guid, by=by, specs=specs)
    if grid.fault is not None:
        if is_fragment(request):
            return upstream.banner_fragment(request, upstream.upstream_banner(grid.fault),
                                            grid.fault)
        calc.upstream = grid.fault
        return calculator_page(request, guid, calc, status=upstream.UNAVAILABLE,
                     options_form=options_form, options_grid=None)
    return _render(request, guid, calc, options_form, grid)
