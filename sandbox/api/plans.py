"""P1-P7: a debtor's payment plans over the wire (the rules: sandbox/store/plans.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox import planmath
from sandbox.api.common import (
    Field,
    ListSpec,
    Validator,
    api_view,
    debtor_get,
    debtor_key,
    get_by_guid,
    json_response,
    list_page,
    no_content,
    read_json_object,
)
from sandbox.models import Debtor
from sandbox.models.plans import PaymentPlan, PlanState, PlanType
from sandbox.store.plans import (
    CalculatedPlan,
    PlanTerms,
    plan_activate,
    plan_calculate,
    plan_create,
    plan_delete,
    plan_update_payments,
)

MAX_DEVIATING_PAYMENTS = planmath.MAX_PAYMENTS
FEE_CEILING = Decimal("1000000.00")

PLAN_LIST = ListSpec(
    fields={
        "paymentPlanGuid": Field("guid", "guid"),
        "registrationDate": Field("datetime", "registration_date"),
        "active": Field("int", "active"),
        "paymentPlanType": Field("int", "payment_plan_type"),
        "numberOfPayments": Field("int", "number_of_payments"),
        "remainingNumberOfPayments": Field("int", "remaining_number_of_payments"),
        "currencyCode": Field("string", "currency_code"),
        "registrationFee": Field("decimal", "registration_fee"),
        "invoiceFee": Field("decimal", "invoice_fee"),
        "reminderFee": Field("decimal", "reminder_fee"),
        "feeCurrencyCode": Field("string", "fee_currency_code"),
        "totalAmount": Field("decimal", "total_amount"),
        "totalPrincipal": Field("decimal", "total_principal"),
        "totalInterest": Field("decimal", "total_interest"),
        "totalFee": Field("decimal", "total_fee"),
        "annualPercentage": Field("decimal", "annual_percentage"),
    },
    default_order="registrationDate, paymentPlanGuid",
)


# --- Reading requests ------------------------------------------------------------------------


def _payments(v: Validator) -> list[planmath.DeviatingPayment]:
    """`payments`: a list (or null) of {"dueDate": date-time, "amount": number}."""
    raw = v.data.get("payments")
    if raw is None:
        return []
    if not isinstance(raw, list):
        v.error("payments", "Must be a list of {dueDate, amount} objects.")
        return []
    if len(raw) > MAX_DEVIATING_PAYMENTS:
        v.error("payments", f"At most {MAX_DEVIATING_PAYMENTS} deviating payments.")
        return []
    payments = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            v.error(f"payments[{index}]", "Must be an object with dueDate and amount.")
            continue
        inner = Validator(item)
        due = inner.date("dueDate", required=True)
        amount = inner.decimal("amount", required=True, min_value=planmath.ZERO)
        for name, messages in inner.errors.items():
            for message in messages:
                v.error(f"payments[{index}].{name}", message)
        if due is not None and amount is not None:
            payments.append(planmath.DeviatingPayment(due, amount))
    return payments


def _terms(body: dict) -> PlanTerms:
    v = Validator(body)
    active = v.choice("active", (PlanState.ACTIVE, PlanState.PROPOSAL),
                      default=PlanState.PROPOSAL)
    kind = v.choice("paymentPlanType", PlanType.values, required=True)
    count = v.integer("numberOfPayments", min_value=1, max_value=planmath.MAX_PAYMENTS)
    amount = v.decimal("amount", min_value=Decimal("0.01"))
    fees = {
        name: v.decimal(name, min_value=planmath.ZERO, max_value=FEE_CEILING,
                        default=planmath.ZERO)
        for name in ("registrationFee", "invoiceFee", "reminderFee")
    }
    currency = v.currency("currencyCode")
    fee_currency = v.currency("feeCurrencyCode")
    payments = _payments(v)
    cases = v.guid_list("cases")
    v.check()
    return PlanTerms(
        plan_type=kind, number_of_payments=count, amount=amount, currency_code=currency,
        registration_fee=fees["registrationFee"], invoice_fee=fees["invoiceFee"],
        reminder_fee=fees["reminderFee"], fee_currency_code=fee_currency, payments=payments,
        cases=cases, active=active,
    )


# --- Writing answers -------------------------------------------------------------------------


def _period(number: int, due: dt.date, amount, principal, interest, fee, remaining) -> dict:
    return {"periodNumber": number, "dueDate": due, "amount": amount, "principal": principal,
            "interest": interest, "fee": fee, "remainingPrincipal": remaining}


def plan_wire(plan: PaymentPlan) -> dict[str, Any]:
    """A stored plan as P3 (and each P1 row) answers it."""
    return {
        **PLAN_LIST.row(plan),
        "payments": [{"dueDate": p.due_date, "amount": p.amount}
                     for p in plan.deviating_payments.all()],
        "cases": [case.guid for case in plan.cases.all()],
        "periods": [
            _period(p.period_number, p.due_date, p.amount, p.principal, p.interest, p.fee,
                    p.remaining_principal)
            for p in plan.periods.all()
        ],
    }


def calculated_wire(calculated: CalculatedPlan) -> dict[str, Any]:
    """P6's answer: the plan as it would be stored, without a GUID or registration date."""
    terms, result = calculated.terms, calculated.result
    return {
        "paymentPlanGuid": None,
        "registrationDate": None,
        "active": terms.active,
        "paymentPlanType": terms.plan_type,
        "numberOfPayments": result.number_of_payments,
        "remainingNumberOfPayments": result.number_of_payments,
        "currencyCode": calculated.currency_code,
        "registrationFee": terms.registration_fee,
        "invoiceFee": terms.invoice_fee,
        "reminderFee": terms.reminder_fee,
        "feeCurrencyCode": terms.fee_currency_code or calculated.currency_code,
        "totalAmount": result.total_amount,
        "totalPrincipal": result.total_principal,
        "totalInterest": result.total_interest,
        "totalFee": result.total_fee,
        "annualPercentage": result.annual_percentage,
        "payments": [{"dueDate": p.due_date, "amount": p.amount}
                     for p in sorted(terms.payments, key=lambda p: p.due_date)],
        "cases": [case.guid for case in calculated.cases],
        "periods": [
            _period(p.number, p.due_date, p.amount, p.principal, p.interest, p.fee,
                    p.remaining_principal)
            for p in result.periods
        ],
    }


# --- Views -----------------------------------------------------------------------------------


def _plans_of(debtor: Debtor):
    return debtor.payment_plans.prefetch_related("periods", "deviating_payments", "cases")


def _plan(debtor_guid: str, plan_guid: str) -> PaymentPlan:
    return get_by_guid(_plans_of(debtor_get(debtor_guid)), plan_guid, what="payment plan")


@api_view(methods=["GET", "POST"])
def plans(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """P1 list the debtor's plans; P2 create one (a proposal unless `active: 1`)."""
    if request.method == "GET":
        return list_page(request, _plans_of(debtor_key(debtor_guid)), PLAN_LIST, plan_wire)
    debtor = debtor_get(debtor_guid)
    plan = plan_create(debtor=debtor, terms=_terms(read_json_object(request)))
    return json_response(plan_wire(_plan(debtor_guid, plan.guid)), status=201)


@api_view(methods=["POST"])
def calculate(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """P6: the plan the terms would make; nothing is stored."""
    debtor = debtor_key(debtor_guid)
    calculated = plan_calculate(debtor=debtor, terms=_terms(read_json_object(request)))
    return json_response(calculated_wire(calculated))


@api_view(methods=["GET", "PUT", "DELETE"])
def plan(request: HttpRequest, debtor_guid: str, plan_guid: str) -> HttpResponse:
    """P3 get, P4 replace the deviating payments of a proposal, P5 delete."""
    found = _plan(debtor_guid, plan_guid)
    if request.method == "GET":
        return json_response(plan_wire(found))
    if request.method == "DELETE":
        plan_delete(plan=found)
        return no_content()
    v = Validator(read_json_object(request))
    payments = _payments(v)
    v.check()
    plan_update_payments(plan=found, payments=payments)
    return no_content()


@api_view(methods=["POST"])
def activate(request: HttpRequest, debtor_guid: str, plan_guid: str) -> HttpResponse:
    """P7: a proposal becomes active."""
    plan_activate(plan=_plan(debtor_guid, plan_guid))
    return no_content()

