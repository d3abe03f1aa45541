"""The control API under /sandbox/control/: cases with known amounts, payments on them, faults,
short tokens.

It takes the same bearer token as the API and never suffers the faults, so a test can always
switch them off again.
"""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse

from sandbox.api.cases import case_detail
from sandbox.api.common import (
    NotFound,
    Validator,
    api_view,
    debtor_get,
    get_by_guid,
    json_response,
    no_content,
    read_json_object,
)
from sandbox.api.errors import ValidationFailed
from sandbox.models import Case, FaultConfig
from sandbox.stats import stats_reset, stats_snapshot
from sandbox.store.debtors import case_add, payment_make
from sandbox.tokens import token_issue

FAULT_STATUSES = (500, 503, 429)
FAULT_METHODS = ("GET", "POST", "PUT", "DELETE")
MAX_LATENCY_MS = 120_000


@api_view(methods=["POST"], faults=False)
def cases(request: HttpRequest) -> HttpResponse:
    """Adds an active (or, with `"closed": true`, a closed) case to a debtor: 201 and D8."""
    v = Validator(read_json_object(request))
    debtor_guid = v.guid("debtorGuid", required=True)
    client_name = v.string("clientName", max_length=100, required=True, blank_is_null=True)
    currency = v.currency("currencyCode")
    amounts = {
        name: v.decimal(wire, min_value=Decimal("0"), required=wire == "remainingPrincipal",
                        default=Decimal("0.00"))
        for wire, name in (("remainingPrincipal", "remaining_principal"),
                           ("remainingInterest", "remaining_interest"),
                           ("remainingFee", "remaining_fee"))
    }
    rate = v.decimal("interestRate", places=4, min_value=Decimal("0"), max_value=Decimal("100"),
                     default=Decimal("0"))
    closed = v.boolean("closed", default=False)
    extra = {
        "description": v.string("description", max_length=200),
        "client_reference_number": v.string("clientReferenceNumber", max_length=50),
        "service": v.string("service", max_length=50),
        "sub_status": v.string("subStatus", max_length=50),
    }
    registered = v.datetime("registrationDate")
    v.check()
    debtor = debtor_get(debtor_guid)
    case = case_add(
        debtor=debtor, client_name=client_name, currency_code=currency or debtor.currency_code
        or "SEK", interest_rate=rate, closed=bool(closed), registration_date=registered,
        **amounts, **extra,
    )
    return json_response(case_detail(request, case), status=201)


def _amount_as_number(body: dict) -> dict:
    """`amount` may travel as a JSON number or as a decimal string ("123.45")."""
    value = body.get("amount")
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return body
        if number.is_finite():
            return {**body, "amount": number}
    return body


@api_view(methods=["POST"], faults=False)
def payments(request: HttpRequest) -> HttpResponse:
    """A payment lowering a case's remaining amounts (fee, then interest, then principal);
    without `caseGuid`, the debtor's active cases oldest first (see `payment_make`).

    Takes `{"debtorGuid", "caseGuid"?, "amount"}` and answers 201 with `{"debtorGuid",
    "amount", "cases": [D8 of each case the payment went to]}`. A missing or malformed GUID is
    a 400, an unknown debtor or case (or a case of another debtor) a 404, an amount that is
    not a positive number with at most two decimals, or more than is remaining, a 422.
    """
    v = Validator(_amount_as_number(read_json_object(request)))
    debtor_guid = v.guid("debtorGuid", required=True)
    case_guid = v.guid("caseGuid")
    v.check()
    amount = v.decimal("amount", required=True, min_value=Decimal("0.01"))
    if v.errors:
        raise ValidationFailed(v.errors, status=422, title="Payment refused")
    debtor = debtor_get(debtor_guid)
    case = None
    if case_guid is not None:
        case = get_by_guid(Case.objects, case_guid, what="case of this debtor", debtor=debtor)
    touched = payment_make(debtor=debtor, amount=amount, case=case)
    return json_response({
        "debtorGuid": str(debtor.guid),
        "amount": amount,
        "cases": [case_detail(request, each) for each in touched],
    }, status=201)


def _clean_faults(body: dict) -> FaultConfig:
    v = Validator(body)
    latency = v.integer("latencyMs", min_value=0, max_value=MAX_LATENCY_MS, default=0)
    status = v.choice("status", FAULT_STATUSES)
    rate = v.decimal("failureRate", places=4, min_value=Decimal("0"), max_value=Decimal("1"))
    retry_after = v.integer("retryAfter", min_value=0, max_value=3600)
    hang = v.boolean("hang", default=False)
    methods = v.string_list("methods", max_items=len(FAULT_METHODS), max_length=10) or []
    for method in methods:
        if method.upper() not in FAULT_METHODS:
            v.error("methods", f"{method!r} is not one of {', '.join(FAULT_METHODS)}.")
    paths = v.string_list("paths", max_items=20, max_length=300) or []
    v.check()
    if rate is None:
        rate = Decimal("1") if status else Decimal("0")
    return FaultConfig(
        pk=FaultConfig.SINGLETON_PK, latency_ms=latency or 0, failure_rate=float(rate),
        status=status, retry_after=retry_after, hang=bool(hang),
        methods=[m.upper() for m in methods], paths=paths,
    )


@api_view(methods=["GET", "PUT", "DELETE"], faults=False)
def faults(request: HttpRequest) -> HttpResponse:
    """GET shows the faults, PUT replaces them (fields not sent are off), DELETE clears them.

    PUT takes {"latencyMs", "failureRate" 0..1 (1 when only a status is given), "status"
    500|503|429|null (500 when only a rate is given), "retryAfter" seconds, "hang",
    "methods" and "paths" (the scope: only calls with a listed method and a path matching a
    listed pattern, e.g. "/debtors/*/activate"; empty or absent: every call)}.
    """
    if request.method == "PUT":
        config = _clean_faults(read_json_object(request))
        config.save()
        return json_response(config.as_wire())
    if request.method == "DELETE":
        FaultConfig.objects.all().delete()
        return no_content()
    return json_response(FaultConfig.current().as_wire())


@api_view(methods=["POST"], faults=False)
def tokens(request: HttpRequest) -> HttpResponse:
    """A token with a chosen lifetime (`{"expiresIn": seconds}`), to test expiry quickly."""
    v = Validator(read_json_object(request))
    expires_in = v.integer("expiresIn", required=True, min_value=0, max_value=86_400)
    v.check()
    issued = token_issue(client_id=request.sandbox_client_id, ttl=expires_in)
    return json_response(issued.as_oauth())


@api_view(methods=["GET", "DELETE"], faults=False)
def stats(request: HttpRequest) -> HttpResponse:
    """GET: tokens issued, API calls per operation and the last calls since the last DELETE
    (counted by every process of the server, sandbox/stats.py)."""
    if request.method == "DELETE":
        stats_reset()
        return no_content()
    return json_response(stats_snapshot())


@api_view(methods=["GET", "POST", "PUT", "PATCH", "DELETE"], faults=False)
def unknown_path(request: HttpRequest) -> HttpResponse:
    raise NotFound(f"No control operation at {request.path[:200]!r}.")
