"""The JSON Schemas of the OpenAPI document: every body the sandbox takes and answers.

They follow the validators of the views (sandbox/api/*.py, sandbox/control.py), limit for
limit, so a tool that generates requests from the document gets the sandbox's answers: the
same maxLength, enums, ranges and required fields. Where the server ignores the letter case
of a code (countryCode, currencyCode, languageCode), the enum lists the canonical case.
"""

from typing import Any

from sandbox.api.common import MAX_SKIP, MAX_TOP
from sandbox.api.validation import country_codes, currency_codes, language_codes
from sandbox.models.plans import PlanState, PlanType
from sandbox.planmath import MAX_PAYMENTS

Schema = dict[str, Any]

NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = "\\S"
MONEY_MAX = 999999999999.99
# Dates that are only dates must fall between 1800 and 2200 (their time part is ignored).
DATE_ONLY = "^(1[89][0-9]{2}|2[01][0-9]{2}|2200)-"
CULTURE = "^[a-z]{2}-[A-Z]{2}$"


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _types(kind: str, nullable: bool) -> list[str] | str:
    return [kind, "null"] if nullable else kind


def text(max_length: int, *, nullable: bool = True, pattern: str = NO_NUL,
         **extra: Any) -> Schema:
    return {"type": _types("string", nullable), "maxLength": max_length, "pattern": pattern,
            **extra}


def code(values: frozenset[str] | list[str], *, nullable: bool = True) -> Schema:
    listed: list = sorted(values)
    return {"type": _types("string", nullable), "enum": [*listed, None] if nullable else listed}


def choice(values: list[int], *, nullable: bool = True) -> Schema:
    return {"type": _types("integer", nullable),
            "enum": [*values, None] if nullable else list(values)}


def integer(minimum: int | None = None, maximum: int | None = None, *,
            nullable: bool = False) -> Schema:
    schema: Schema = {"type": _types("integer", nullable)}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def money(*, nullable: bool = False, minimum: float | None = None,
          maximum: float = MONEY_MAX) -> Schema:
    """A JSON number with at most 2 decimals (written exactly from a Decimal)."""
    schema: Schema = {"type": _types("number", nullable), "multipleOf": 0.01,
                      "maximum": maximum, "minimum": -MONEY_MAX if minimum is None else minimum}
    return schema


def number_out(*, nullable: bool = False) -> Schema:
    """Money in an answer: a JSON number, at most 2 decimals (not stated as multipleOf, which
    binary floats fail to meet: 888.49 / 0.01 is not a whole float)."""
    return {"type": _types("number", nullable)}


def string_out(*, nullable: bool = True) -> Schema:
    return {"type": _types("string", nullable)}


def datetime(*, nullable: bool = True) -> Schema:
    return {"type": _types("string", nullable), "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}"}


def date_only(*, nullable: bool = True) -> Schema:
    """A date travelling as midnight UTC, e.g. 1980-05-17T00:00:00Z."""
    return {"type": _types("string", nullable), "format": "date-time", "pattern": DATE_ONLY}


def guid(*, nullable: bool = False) -> Schema:
    return {"type": _types("string", nullable), "format": "uuid"}


def boolean(*, nullable: bool = True) -> Schema:
    return {"type": _types("boolean", nullable)}


def obj(properties: dict[str, Schema], *, required: tuple[str, ...] = (),
        **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def page(row: str) -> Schema:
    return obj({
        "count": integer(0, MAX_TOP),
        "skip": integer(0, MAX_SKIP),
        "total": integer(0),
        "value": {"type": "array", "items": ref(row), "maxItems": MAX_TOP},
    }, required=("count", "skip", "total", "value"))


def given(name: str, schema: Schema) -> Schema:
    """`name` is present with a value matching `schema` (not null)."""
    return {"required": [name], "properties": {name: schema}}


EMAIL = {"type": ["string", "null"], "maxLength": 254, "format": "email"}
PHONE = text(30)
LINKS = {"type": "array", "items": obj(
    {"rel": {"type": "string"}, "href": {"type": "string", "format": "uri"},
     "method": {"type": "string", "enum": ["GET", "POST", "PUT", "DELETE"]}},
    required=("rel", "href", "method"))}


# --- Debtors ---------------------------------------------------------------------------------

ADDRESS_PARTS = {
    "street": text(100),
    "houseNo": text(20),
    "houseNoExtension": text(20),
    "city": text(100),
    "zipCode": text(20),
    "stateCode": text(20),
    "countryCode": code(country_codes()),
}

DEBTOR_OWN = {
    "idNumber": text(30),
    "juridicalType": choice([0, 1], nullable=False),
    "placeOfBirth": text(100),
    "dateOfBirth": date_only(),
    "gender": choice([0, 1, 2]),
    "cultureCode": {"type": ["string", "null"], "pattern": CULTURE},
    "fullName": text(100),
    "firstname": text(100),
    "middlename": text(100),
    "lastname": text(100),
    "nameSuffix": text(100),
    "domicile": text(100),
    "municipalCode": text(20),
    "vatNumber": text(30),
    "naceCode": text(20),
    "homePhone": PHONE,
    "workPhone": PHONE,
    "cellularPhone": PHONE,
    "telefax": PHONE,
    "email": EMAIL,
    "languageCode": code(language_codes()),
    "currencyCode": code(currency_codes()),
    "underAged": boolean(),
    "conversationNotificationChannel": choice([0, 1, 2, 3]),
    "conversationNotificationEmail": EMAIL,
    "conversationNotificationCellularPhone": PHONE,
}

# In answers: strings as stored (a composed fullName may be longer than 100), enums as sent.
DEBTOR_OUT = {
    name: (schema if "enum" in schema or schema.get("type") == ["boolean", "null"]
           else datetime() if schema.get("format") == "date-time" else string_out())
    for name, schema in DEBTOR_OWN.items()
}
DEBTOR_OUT["gender"] = choice([0, 1, 2], nullable=False)
DEBTOR_OUT["conversationNotificationChannel"] = choice([0, 1, 2, 3], nullable=False)

# A company needs fullName; a person fullName or lastname (not blank).
_NAMED = [
    {"if": given("juridicalType", {"const": 1}),
     "then": given("fullName", {"type": "string", "pattern": NOT_BLANK})},
    {"if": given("juridicalType", {"const": 0}),
     "then": {"anyOf": [given("fullName", {"type": "string", "pattern": NOT_BLANK}),
                        given("lastname", {"type": "string", "pattern": NOT_BLANK})]}},
]

DEBTOR_WRITE_NOTE = (
    "Unknown fields are ignored. fullName may be left out for a person when lastname is "
    "given: it is composed from first, middle and last name.")

SCHEMAS: dict[str, Schema] = {
    "Problem": obj({
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": integer(400, 599),
        "detail": {"type": "string"},
        "instance": {"type": ["string", "null"]},
        "errors": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
        "cases": {"type": "array", "items": {"type": "string"}},
    }, required=("type", "title", "status", "detail"),
        description="RFC 7807 problem details. `errors` names each failing field (400)."),
    "OAuthError": obj({"error": {"type": "string", "enum": [
        "invalid_request", "invalid_client", "unsupported_grant_type"]},
        "error_description": {"type": "string"}}, required=("error",)),
    "Token": obj({"access_token": {"type": "string"},
                  "token_type": {"type": "string", "enum": ["Bearer"]},
                  "expires_in": integer(0), "scope": {"type": "string"}},
                 required=("access_token", "token_type", "expires_in")),
    "TokenForm": obj({
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "scope": {"type": "string"},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
    }, required=("grant_type",)),
    "Empty": {"type": "object", "maxProperties": 0},
    "DebtorCreate": obj({**DEBTOR_OWN, **ADDRESS_PARTS, "fullAddress": text(400)},
                        required=("juridicalType",), allOf=_NAMED,
                        description=DEBTOR_WRITE_NOTE + " The address fields become the "
                        "debtor's default LEGAL address."),
    "DebtorUpdate": obj(dict(DEBTOR_OWN), required=("juridicalType",), allOf=_NAMED,
                        description=DEBTOR_WRITE_NOTE + " Replaces: fields not sent become "
                        "null. Addresses change through the address operations."),
    "Debtor": obj({
        "debtorGuid": guid(), "debtorReference": {"type": "string"},
        **DEBTOR_OUT,
        "preferredChannel": string_out(),
        "regDate": datetime(nullable=False), "links": LINKS,
    }, required=("debtorGuid", "debtorReference", "juridicalType", "regDate", "links")),
    "DebtorRow": obj({
        "debtorGuid": guid(), "debtorReference": {"type": "string"},
        **{name: DEBTOR_OUT[name] for name in (
            "idNumber", "juridicalType", "placeOfBirth", "dateOfBirth", "fullName")},
        **{name: string_out() for name in ADDRESS_PARTS},
        **{name: DEBTOR_OUT[name] for name in (
            "underAged", "domicile", "municipalCode", "naceCode", "homePhone", "workPhone",
            "cellularPhone", "email", "languageCode", "currencyCode")},
    }, required=("debtorGuid", "debtorReference", "juridicalType")),
    "DebtorPage": page("DebtorRow"),
}

# --- Cases -----------------------------------------------------------------------------------

_CASE_MONEY = [f"{stage}{part}" for stage in ("original", "paid", "remaining")
               for part in ("Fee", "Interest", "Principal", "Sum")]
SCHEMAS["Case"] = obj({
    "caseGuid": guid(),
    "caseNumber": {"type": "string"},
    "clientName": {"type": "string"},
    "clientReferenceNumber": {"type": ["string", "null"]},
    "closureCode": {"type": ["string", "null"]},
    "closureDate": datetime(),
    "currencyCode": {"type": "string"},
    "description": {"type": ["string", "null"]},
    **{name: number_out() for name in _CASE_MONEY},
    "paidToThirdParty": number_out(),
    "paymentReferenceNumber": {"type": ["string", "null"]},
    "service": {"type": ["string", "null"]},
    "status": {"type": "string", "enum": ["ACTIVE", "CLOSED"]},
    "subStatus": {"type": ["string", "null"]},
    "registrationDate": datetime(nullable=False),
    "links": LINKS,
}, required=("caseGuid", "caseNumber", "clientName", "currencyCode", "remainingSum", "status"))
SCHEMAS["CasePage"] = page("Case")
SCHEMAS["CaseSummary"] = obj({
    "fullName": {"type": ["string", "null"]},
    "idNumber": {"type": ["string", "null"]},
    "debtorGuid": guid(),
    "paymentReference": {"type": "string"},
    "bankAccountNo": {"type": "string"},
    "remainingPrincipal": number_out(),
    "remainingInterest": number_out(),
    "remaininFee": number_out(),
    "remainingSum": number_out(),
    "activeCases": integer(0),
    "closedCases": integer(0),
    "cases": {"type": "array", "items": ref("Case")},
}, required=("debtorGuid", "remainingSum", "remaininFee", "activeCases", "closedCases",
             "cases"), description="The fee total is spelled `remaininFee` on the wire.")

# --- Addresses and extra fields --------------------------------------------------------------

ADDRESS_TYPE = "^(?=.*[^ ])[\\w\\-. ]{1,50}$"
SCHEMAS["AddressWrite"] = obj({
    "addressType": {"type": "string", "maxLength": 50, "pattern": ADDRESS_TYPE},
    "fullName": text(100),
    **ADDRESS_PARTS,
    "addressNotValidDate": date_only(),
    "defaultAddress": boolean(),
    "validFrom": date_only(),
    "validTo": date_only(),
}, required=("addressType",), anyOf=[
    given("street", {"type": "string", "pattern": NOT_BLANK}),
    given("city", {"type": "string", "pattern": NOT_BLANK}),
], description="Give street or city. validTo must not be before validFrom. PUT replaces; "
               "defaultAddress false on the default address is a 409.")
SCHEMAS["Address"] = obj({
    "addressGuid": guid(),
    "addressType": {"type": "string"},
    "fullName": {"type": ["string", "null"]},
    **{name: {"type": ["string", "null"]} for name in ADDRESS_PARTS},
    "fullAddress": {"type": ["string", "null"]},
    "addressNotValidDate": datetime(),
    "defaultAddress": {"type": "boolean"},
    "validFrom": datetime(),
    "validTo": datetime(),
    "validatedAt": datetime(),
    "validOverride": boolean(),
    "lastUpdatedAt": datetime(nullable=False),
}, required=("addressGuid", "addressType", "defaultAddress"))
SCHEMAS["AddressPage"] = page("Address")

EXTRA_FIELD_NAME = "^[\\w.\\-]{1,50}$"
_EXTRA_VALUE = {"type": ["array", "null"], "maxItems": 20,
                "items": {"type": "string", "maxLength": 500, "pattern": NO_NUL}}
SCHEMAS["ExtraFieldCreate"] = obj(
    {"name": {"type": "string", "maxLength": 50, "pattern": EXTRA_FIELD_NAME},
     "value": _EXTRA_VALUE}, required=("name",))
SCHEMAS["ExtraFieldUpdate"] = obj(
    {"name": {"type": ["string", "null"], "maxLength": 50, "pattern": EXTRA_FIELD_NAME},
     "value": _EXTRA_VALUE},
    description="Replaces the value; another name renames the field (409 if taken).")
SCHEMAS["ExtraField"] = obj({"name": {"type": "string"},
                             "value": {"type": "array", "items": {"type": "string"}}},
                            required=("name", "value"))
SCHEMAS["ExtraFieldPage"] = page("ExtraField")

# --- Payment plans ---------------------------------------------------------------------------

_PAYMENT_IN = obj({"dueDate": date_only(nullable=False),
                   "amount": money(minimum=0)}, required=("dueDate", "amount"))
_FEE = money(nullable=True, minimum=0, maximum=1000000)
_TYPES = list(PlanType.values)
SCHEMAS["DeviatingPayment"] = obj({"dueDate": datetime(nullable=False), "amount": number_out()},
                                  required=("dueDate", "amount"))
SCHEMAS["PaymentPlanWrite"] = obj({
    "active": choice([PlanState.ACTIVE, PlanState.PROPOSAL]),
    "paymentPlanType": choice(_TYPES, nullable=False),
    "numberOfPayments": integer(1, MAX_PAYMENTS, nullable=True),
    "amount": money(nullable=True, minimum=0.01),
    "currencyCode": code(currency_codes()),
    "registrationFee": _FEE,
    "invoiceFee": _FEE,
    "reminderFee": _FEE,
    "feeCurrencyCode": code(currency_codes()),
    "payments": {"type": ["array", "null"], "maxItems": MAX_PAYMENTS, "items": _PAYMENT_IN},
    "cases": {"type": ["array", "null"], "maxItems": 100, "items": guid()},
}, required=("paymentPlanType",), allOf=[
    {"if": given("paymentPlanType", {"enum": [1, 3]}),
     "then": {"oneOf": [given("numberOfPayments", {"type": "integer"}),
                        given("amount", {"type": "number"})]}},
    {"if": given("paymentPlanType", {"enum": [2, 4, 5]}),
     "then": {"allOf": [given("numberOfPayments", {"type": "integer"}),
                        given("amount", {"type": "number"})]}},
], description=(
    "Types 1 (annuity) and 3 (linear) take exactly one of numberOfPayments and amount; "
    "2, 4 and 5 need both. cases null or empty: every active case of the debtor not under "
    "an active plan. A case that is not the debtor's or closed, an amount not above the "
    "first period's interest, or a deviating payment off the plan's due dates: 400. A case "
    "under another active plan: 409. Currencies must be the cases'."))
SCHEMAS["PaymentPlanPaymentsUpdate"] = obj(
    {"payments": {"type": ["array", "null"], "maxItems": MAX_PAYMENTS, "items": _PAYMENT_IN}},
    description="Replaces the deviating payments of a proposal and recalculates it.")
SCHEMAS["PlanPeriod"] = obj({
    "periodNumber": integer(1, MAX_PAYMENTS),
    "dueDate": datetime(nullable=False),
    "amount": number_out(), "principal": number_out(), "interest": number_out(),
    "fee": number_out(), "remainingPrincipal": number_out(),
}, required=("periodNumber", "dueDate", "amount", "principal", "interest", "fee",
             "remainingPrincipal"))


def _plan(*, stored: bool) -> Schema:
    return obj({
        "paymentPlanGuid": guid() if stored else {"type": "null"},
        "registrationDate": datetime(nullable=False) if stored else {"type": "null"},
        "active": choice(list(PlanState.values), nullable=False),
        "paymentPlanType": choice(_TYPES, nullable=False),
        "numberOfPayments": integer(1, MAX_PAYMENTS),
        "remainingNumberOfPayments": integer(0, MAX_PAYMENTS),
        "currencyCode": {"type": "string"},
        "registrationFee": number_out(), "invoiceFee": number_out(),
        "reminderFee": number_out(),
        "feeCurrencyCode": {"type": "string"},
        "totalAmount": number_out(), "totalPrincipal": number_out(),
        "totalInterest": number_out(), "totalFee": number_out(),
        "annualPercentage": {"type": "number",
                             "description": "The EU consumer-credit APR in percent."},
        "payments": {"type": "array", "items": ref("DeviatingPayment")},
        "cases": {"type": "array", "items": guid()},
        "periods": {"type": "array", "items": ref("PlanPeriod")},
    }, required=("paymentPlanGuid", "registrationDate", "active", "paymentPlanType",
                 "numberOfPayments", "remainingNumberOfPayments", "currencyCode",
                 "totalAmount", "totalPrincipal", "totalInterest", "totalFee",
                 "annualPercentage", "payments", "cases", "periods"))


SCHEMAS["PaymentPlan"] = _plan(stored=True)
SCHEMAS["PaymentPlanCalculation"] = _plan(stored=False)
SCHEMAS["PaymentPlanPage"] = page("PaymentPlan")

# --- The control API -------------------------------------------------------------------------

SCHEMAS["ControlCase"] = obj({
    "debtorGuid": guid(),
    "clientName": text(100, nullable=False, pattern=NOT_BLANK),
    "currencyCode": code(currency_codes()),
    "remainingPrincipal": money(minimum=0),
    "remainingInterest": money(nullable=True, minimum=0),
    "remainingFee": money(nullable=True, minimum=0),
    "interestRate": {"type": ["number", "null"], "minimum": 0, "maximum": 100,
                     "multipleOf": 0.0001, "description": "Percent a year (internal)."},
    "closed": boolean(),
    "description": text(200),
    "clientReferenceNumber": text(50),
    "service": text(50),
    "subStatus": text(50),
    "registrationDate": datetime(),
}, required=("debtorGuid", "clientName", "remainingPrincipal"))
SCHEMAS["ControlPayment"] = obj({
    "debtorGuid": guid(),
    "caseGuid": guid(nullable=True),
    "amount": {"oneOf": [money(minimum=0.01),
                         {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}],
               "description": "A JSON number or a decimal string such as \"123.45\"."},
}, required=("debtorGuid", "amount"))
SCHEMAS["ControlPaymentMade"] = obj({
    "debtorGuid": guid(),
    "amount": money(minimum=0.01),
    "cases": {"type": "array", "items": ref("Case")},
}, required=("debtorGuid", "amount", "cases"))
SCHEMAS["FaultsWrite"] = obj({
    "latencyMs": integer(0, 120_000, nullable=True),
    "failureRate": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                    "multipleOf": 0.0001},
    "status": choice([500, 503, 429]),
    "retryAfter": integer(0, 3600, nullable=True),
    "hang": boolean(),
    "methods": {"type": ["array", "null"], "items": code(["DELETE", "GET", "POST", "PUT"],
                                                         nullable=False),
                "description": "Only calls with one of these methods (empty: any)."},
    "paths": {"type": ["array", "null"], "items": {"type": "string", "maxLength": 300},
              "maxItems": 20,
              "description": "Only calls whose path after /sandbox/api/v1 matches one of "
                             "these shell-style patterns, `*` spanning slashes (empty: any)."},
})
SCHEMAS["Faults"] = obj({
    "latencyMs": integer(0), "failureRate": {"type": "number", "minimum": 0, "maximum": 1},
    "status": choice([500, 503, 429]), "retryAfter": integer(0, nullable=True),
    "hang": {"type": "boolean"},
    "methods": {"type": "array", "items": {"type": "string"}},
    "paths": {"type": "array", "items": {"type": "string"}},
}, required=("latencyMs", "failureRate", "status", "retryAfter", "hang", "methods", "paths"))
SCHEMAS["Stats"] = obj({
    "tokens": integer(0), "calls": integer(0),
    "byOperation": {"type": "object", "additionalProperties": integer(0),
                    "description": "Calls per `METHOD view` since the last reset."},
    "recent": {"type": "array", "description": "The last calls, oldest first.",
               "items": obj({"operation": {"type": "string"}, "method": {"type": "string"},
                             "path": {"type": "string"}, "body": {"type": "string"}},
                            required=("operation", "method", "path", "body"))},
}, required=("tokens", "calls", "byOperation", "recent"))
SCHEMAS["ControlToken"] = obj({"expiresIn": integer(0, 86_400)}, required=("expiresIn",))
