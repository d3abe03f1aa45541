"""D6-D8: a debtor's case summary, cases list and case details.

The Debtors API cannot create cases; /sandbox/control/cases does (see sandbox/control.py).
"""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import (
    Field,
    ListSpec,
    api_view,
    debtor_get,
    debtor_key,
    get_by_guid,
    json_response,
    link,
    list_page,
)
from sandbox.models import Case, Debtor
from sandbox.store.debtors import luhn_check_digit

CENT = Decimal("0.01")
ZERO = Decimal("0")

# Where debtors pay, per currency (the summary's bankAccountNo).
BANK_ACCOUNTS = {
    "SEK": "5050-1055",  # bankgiro
    "NOK": "1503.12.34567",
    "EUR": "FI21 1234 5600 0007 85",
}

CASE_LIST = ListSpec(
    fields={
        "caseGuid": Field("guid", "guid"),
        "caseNumber": Field("string", "case_number"),
        "clientName": Field("string", "client_name"),
        "clientReferenceNumber": Field("string", "client_reference_number"),
        "closureCode": Field("string", "closure_code"),
        "closureDate": Field("datetime", "closure_date"),
        "currencyCode": Field("string", "currency_code"),
        "description": Field("string", "description"),
        "originalFee": Field("decimal", "original_fee"),
        "originalInterest": Field("decimal", "original_interest"),
        "originalPrincipal": Field("decimal", "original_principal"),
        "originalSum": Field("decimal", "original_sum"),
        "paidFee": Field("decimal", "paid_fee"),
        "paidInterest": Field("decimal", "paid_interest"),
        "paidPrincipal": Field("decimal", "paid_principal"),
        "paidSum": Field("decimal", "paid_sum"),
        "paidToThirdParty": Field("decimal", "paid_to_third_party"),
        "paymentReferenceNumber": Field("string", "payment_reference_number"),
        "remainingFee": Field("decimal", "remaining_fee"),
        "remainingInterest": Field("decimal", "remaining_interest"),
        "remainingPrincipal": Field("decimal", "remaining_principal"),
        "remainingSum": Field("decimal", "remaining_sum"),
        "service": Field("string", "service"),
        "status": Field("string", "status"),
        "subStatus": Field("string", "sub_status"),
        "registrationDate": Field("datetime", "registration_date"),
    },
    default_order="registrationDate, caseNumber",
)


def case_detail(request: HttpRequest, case: Case) -> dict:
    """D8 (and each D7 row): the vendor's case-detail fields, plus `caseGuid` first."""
    debtor = f"/debtors/{case.debtor.guid}"
    return {
        **CASE_LIST.row(case),
        "links": [
            link(request, "self", f"{debtor}/cases/{case.guid}"),
            link(request, "debtor", debtor),
        ],
    }


def debtor_summary(request: HttpRequest, debtor: Debtor) -> dict:
    """D6: totals over the debtor's active cases; the fee total is spelled `remaininFee`.

    A debtor has a handful of cases: they are read once and summed here, exactly (SQLite would
    sum decimals as floats)."""
    cases = list(debtor.cases.order_by("registration_date", "case_number"))
    active = [case for case in cases if case.is_active]
    principal, interest, fee = (
        sum((getattr(case, name) or ZERO for case in active), ZERO).quantize(CENT)
        for name in ("remaining_principal", "remaining_interest", "remaining_fee")
    )
    return {
        "fullName": debtor.full_name,
        "idNumber": debtor.id_number,
        "debtorGuid": debtor.guid,
        "paymentReference": debtor.reference + luhn_check_digit(debtor.reference),
        "bankAccountNo": BANK_ACCOUNTS.get(debtor.currency_code or "", BANK_ACCOUNTS["SEK"]),
        "remainingPrincipal": principal,
        "remainingInterest": interest,
        "remaininFee": fee,
        "remainingSum": principal + interest + fee,
        "activeCases": len(active),
        "closedCases": len(cases) - len(active),
        "cases": [case_detail(request, case) for case in cases],
    }


@api_view(methods=["GET"])
def summary(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """D6 case summary."""
    return json_response(debtor_summary(request, debtor_get(debtor_guid)))


@api_view(methods=["GET"])
def cases(request: HttpRequest, debtor_guid: str) -> HttpResponse:
    """D7 list of the debtor's cases."""
    return list_page(
        request, debtor_key(debtor_guid).cases.all(), CASE_LIST,
        lambda case: case_detail(request, case),
    )


@api_view(methods=["GET"])
def case(request: HttpRequest, debtor_guid: str, case_guid: str) -> HttpResponse:
    """D8 case details."""
    found = get_by_guid(debtor_get(debtor_guid).cases.all(), case_guid, what="case")
    return json_response(case_detail(request, found))
