"""How long the calculator's result takes to render for a 360-period plan (server time).

The plan is calculated by the sandbox's own arithmetic (sandbox/planmath.py, in process) and
passed through the gateway's wire decoding, so it is the same `PaymentPlan` the calculator
gets from P6. Then the htmx answer of the calculator (totals, chart, the full schedule table
and the out-of-band field errors) is rendered many times; p50/p95 are printed.

    .venv/bin/python bench/plan_render.py [--runs 200] [--periods 360] [--language sv]

Needs no database and no server. The target is under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from backoffice.gateway import Case, Debtor, PaymentPlan  # noqa: E402
from backoffice.gateway.wire import dumps, from_wire, loads  # noqa: E402
from plans import schedule  # noqa: E402
from plans.selectors import CalculatorSetup, fee_defaults_get  # noqa: E402
from plans.views.calculator import Calculation, _context  # noqa: E402
from sandbox import planmath  # noqa: E402


def sandbox_plan(periods: int) -> PaymentPlan:
    """A plan of `periods` monthly payments as the sandbox calculates it, decoded as P6's."""
    result = planmath.calculate(planmath.PlanRequest(
        balance=Decimal("250000.00"), annual_rate=Decimal("7.5"), plan_type=1,
        calculation_date=date(2026, 1, 31), number_of_payments=periods,
        registration_fee=Decimal("150.00"), invoice_fee=Decimal("29.00"),
    ))
    wire = {
        "paymentPlanGuid": None, "active": 2, "paymentPlanType": 1,
        "numberOfPayments": result.number_of_payments,
        "remainingNumberOfPayments": result.number_of_payments, "currencyCode": "SEK",
        "registrationFee": Decimal("150.00"), "invoiceFee": Decimal("29.00"),
        "reminderFee": Decimal("60.00"), "feeCurrencyCode": "SEK",
        "totalAmount": result.total_amount, "totalPrincipal": result.total_principal,
        "totalInterest": result.total_interest, "totalFee": result.total_fee,
        "annualPercentage": result.annual_percentage, "payments": [], "cases": [],
        "periods": [
            {"periodNumber": p.number, "dueDate": f"{p.due_date.isoformat()}T00:00:00Z",
             "amount": p.amount, "principal": p.principal, "interest": p.interest,
             "fee": p.fee, "remainingPrincipal": p.remaining_principal}
            for p in result.periods
        ],
    }
    return from_wire(PaymentPlan, loads(dumps(wire)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--periods", type=int, default=360)
    parser.add_argument("--language", default="en")
    parser.add_argument("--cold", action="store_true",
                        help="forget the remembered due-date texts before every render")
    args = parser.parse_args()

    plan = sandbox_plan(args.periods)
    guid = "00000000-0000-4000-8000-000000000001"
    case = Case(case_guid="00000000-0000-4000-8000-000000000002", case_number="C-1",
                currency_code="SEK", remaining_sum=Decimal("250000.00"))
    setup = CalculatorSetup(debtor=Debtor(debtor_guid=guid, full_name="Bench Debtor"),
                            cases=(case,), cases_under_plan=(), currency="SEK",
                            fee_defaults=fee_defaults_get(currency="SEK"))
    data = QueryDict(mutable=True)
    data.update({"payment_plan_type": "1", "number_of_payments": str(args.periods),
                 "registration_fee": "150.00", "invoice_fee": "29.00", "reminder_fee": "60.00",
                 "payments-TOTAL_FORMS": "0", "payments-INITIAL_FORMS": "0"})
    data.setlist("cases", [case.case_guid])
    request = RequestFactory().post(f"/debtors/{guid}/plans/new", HTTP_HX_REQUEST="true")
    request.user = AnonymousUser()
    request.session = {}

    def render_once() -> int:
        calc = Calculation(setup, data)
        calc.form.is_valid()
        calc.formset.is_valid()
        calc.plan = plan
        html = render_to_string("plans/calculator.html#calculate-response",
                                _context(request, guid, calc), request=request)
        return len(html)

    with translation.override(args.language):
        size = render_once()  # warm the template and locale caches
        wall, cpu = [], []
        for _ in range(args.runs):
            if args.cold:
                schedule._due_date.cache_clear()
            start, start_cpu = time.perf_counter(), time.thread_time()
            render_once()
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    print(f"plan result partial, {len(plan.periods)} periods, language {args.language}, "
          f"{args.runs} runs{', cold dates' if args.cold else ''}, {size / 1024:.0f} KiB of HTML")
    for label, timings in (("wall", wall), ("cpu ", cpu)):
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
        print(f"  {label} p50 {statistics.median(timings):.1f} ms   p95 {p95:.1f} ms   "
              f"min {timings[0]:.1f} ms   max {timings[-1]:.1f} ms   (target < 100 ms)")


if __name__ == "__main__":
    main()
