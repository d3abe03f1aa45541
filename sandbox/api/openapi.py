"""GET /sandbox/api/v1/openapi.json: an OpenAPI 3.1 document of everything the sandbox serves.

The 28 operations of the contract, the token endpoint, the control API and this document,
with the schemas of sandbox/api/openapi_schemas.py. Paths are relative to the server URL, the
sandbox's root (…/sandbox), so `/api/v1/...`, `/oauth/token` and `/control/...` all fit.
tests/sandbox/test_openapi.py proves the document and the URLconf list the same routes.
"""

import re
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox.api.common import MAX_SKIP, MAX_TOP, api_view, json_response
from sandbox.api.odata import MAX_FILTER_LENGTH
from sandbox.api.openapi_schemas import SCHEMAS, ref
from sandbox.service_definitions import SERVICE_DEFINITIONS

Operation = dict[str, Any]

API = "/api/v1"
DEBTOR = f"{API}/debtors/{{debtorGuid}}"
PLANS = f"{DEBTOR}/paymentplans"

_ERRORS = {
    400: "Invalid request: `errors` names each failing field or query option.",
    401: "Missing, invalid or expired bearer token.",
    404: "Unknown GUID or name.",
    409: "State conflict.",
    422: "Refused: `errors` says why (e.g. an amount above what is remaining).",
    429: "Rate limited (a configured fault); retry after `Retry-After` seconds.",
    "5XX": "Server trouble (or a configured fault).",
}


def _param(name: str, where: str, schema: dict, description: str, *,
           required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path",
            "schema": schema, "description": description}


PARAMETERS = {
    "debtorGuid": _param("debtorGuid", "path", {"type": "string"}, "The debtor's GUID."),
    "caseGuid": _param("caseGuid", "path", {"type": "string"}, "The case's GUID."),
    "addressGuid": _param("addressGuid", "path", {"type": "string"}, "The address's GUID."),
    "paymentplanGuid": _param("paymentplanGuid", "path", {"type": "string"},
                              "The payment plan's GUID."),
    "extraFieldName": _param("name", "path", {"type": "string"},
                             "The extra field's name (any letter case)."),
    "serviceDefinition": _param("serviceDefinition", "path", {"type": "string"},
                                "The service definition's name."),
    "async": _param("async", "query", {"type": "boolean"},
                    "Run asynchronously: 202 and {} once the body is checked."),
    "filter": _param("$filter", "query", {"type": "string", "maxLength": MAX_FILTER_LENGTH},
                     "Simplified OData v4: eq ne gt ge lt le, and or not, parentheses, "
                     "contains/startswith/endswith; strings compare ignoring case."),
    "skip": _param("$skip", "query", {"type": "integer", "minimum": 0, "maximum": MAX_SKIP},
                   "Offset (default 0)."),
    "top": _param("$top", "query", {"type": "integer", "minimum": 1, "maximum": MAX_TOP},
                  f"Page size (default 25, at most {MAX_TOP}; more is a 400)."),
    "orderby": _param("$orderby", "query", {"type": "string"},
                      "`field [asc|desc]`, comma-separated, names in any letter case."),
}
LIST_PARAMS = ("filter", "skip", "top", "orderby")


def _problem(code: int | str) -> dict:
    answer: dict[str, Any] = {
        "description": _ERRORS[code],
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }
    if code == 401:
        answer["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if code == 429:
        answer["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return answer


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def op(operation_id: str, summary: str, tag: str, *, params: tuple[str, ...] = (),
       body: str | dict | None = None, body_required: bool = True,
       ok: dict[int, dict | None], errors: tuple[int, ...] = (), faults: bool = True,
       description: str | None = None) -> Operation:
    """One operation: bearer-authenticated, faults (429, 5xx) unless `faults=False`."""
    responses: dict[str, Any] = {}
    for status, answer in ok.items():
        responses[str(status)] = answer if answer else {"description": "Done; no content."}
    for code in (*errors, 401, *((429,) if faults else ()), "5XX"):
        responses[str(code)] = _problem(code)
    operation: Operation = {"operationId": operation_id, "summary": summary, "tags": [tag],
                            "responses": responses}
    if description:
        operation["description"] = description
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body is not None:
        schema = ref(body) if isinstance(body, str) else body
        operation["requestBody"] = {"required": body_required,
                                    "content": {"application/json": {"schema": schema}}}
    return operation


def _list(operation_id: str, summary: str, tag: str, page: str, *,
          params: tuple[str, ...]) -> Operation:
    return op(operation_id, summary, tag, params=(*params, *LIST_PARAMS),
              ok={200: _json(ref(page), "A page of rows.")}, errors=(400, 404)
              if params else (400,))


def _get(operation_id: str, summary: str, tag: str, schema: str, what: str, *,
         params: tuple[str, ...]) -> Operation:
    return op(operation_id, summary, tag, params=params, ok={200: _json(ref(schema), what)},
              errors=(404,))


def _update(operation_id: str, summary: str, tag: str, body: str, *, params: tuple[str, ...],
            errors: tuple[int, ...] = (400, 404, 409), description: str | None = None) -> Operation:
    return op(operation_id, summary, tag, params=params, body=body, ok={204: None},
              errors=errors, description=description)


def _delete(operation_id: str, summary: str, tag: str, *, params: tuple[str, ...],
            errors: tuple[int, ...] = (404,), description: str | None = None) -> Operation:
    return op(operation_id, summary, tag, params=params, ok={204: None}, errors=errors,
              description=description)


def _service_ops(debtor: bool) -> dict[str, dict]:
    """S1/S2: the templated route, and one path per known definition with its own body."""
    prefix = f"{DEBTOR}/services" if debtor else f"{API}/debtors/services"
    who = "for a debtor" if debtor else "on its own"
    base_params = ("debtorGuid",) if debtor else ()
    paths = {f"{prefix}/{{serviceDefinition}}": {"post": op(
        "invokeDebtorService" if debtor else "invokeService",
        f"{'S1' if debtor else 'S2'} invoke a service definition {who}", "Services",
        params=(*base_params, "serviceDefinition", "async"), body={"type": "object"},
        body_required=False,
        ok={200: _json({"type": "object"}, "The action's answer."),
            202: _json(ref("Empty"), "Accepted (async=true).")},
        errors=(400, 404),
        description="Known definitions: " + ", ".join(SERVICE_DEFINITIONS) + ". Unknown: 404.")}}
    needs = {"sendReminderSms": "phoneNumber", "requestAddressLookup": "idNumber"}
    for name, service in SERVICE_DEFINITIONS.items():
        body = dict(service.body_schema)
        if not debtor and name in needs:  # no debtor to take it from: the body must give it
            field = needs[name]
            body["properties"] = {**body["properties"], field: {
                **body["properties"][field], "type": "string"}}
            body["required"] = [field]
        paths[f"{prefix}/{name}"] = {"post": op(
            f"{'invokeDebtorService' if debtor else 'invokeService'}_{name}",
            f"{'S1' if debtor else 'S2'} {name}: {service.summary}", "Services",
            params=(*base_params, "async"), body=body, body_required="required" in body,
            ok={200: _json(service.answer_schema, "The action's answer."),
                202: _json(ref("Empty"), "Accepted (async=true).")},
            errors=(400, 404) if debtor else (400,))}
    return paths


# OpenAPI links: what an answer makes reachable (tools use them for stateful tests).
_LINKS = {
    "createDebtor": ({"debtorGuid": "$response.body#/debtorGuid"}, (
        "getDebtor", "updateDebtor", "deleteDebtor", "getCaseSummary", "listCases",
        "listAddresses", "createAddress", "listExtraFields", "createExtraField",
        "listPaymentPlans", "createPaymentPlan", "calculatePaymentPlan",
        "invokeDebtorService_echo")),
    "createAddress": ({"debtorGuid": "$request.path.debtorGuid",
                       "addressGuid": "$response.body#/addressGuid"},
                      ("getAddress", "updateAddress", "deleteAddress")),
    "createExtraField": ({"debtorGuid": "$request.path.debtorGuid",
                          "name": "$response.body#/name"},
                         ("getExtraField", "updateExtraField", "deleteExtraField")),
    "createPaymentPlan": ({"debtorGuid": "$request.path.debtorGuid",
                           "paymentplanGuid": "$response.body#/paymentPlanGuid"},
                          ("getPaymentPlan", "updatePaymentPlan", "deletePaymentPlan",
                           "activatePaymentPlan")),
    "controlAddCase": ({"debtorGuid": "$request.body#/debtorGuid",
                        "caseGuid": "$response.body#/caseGuid"}, ("getCase",)),
}


def _with_links(paths: dict[str, dict]) -> dict[str, dict]:
    operations = {op["operationId"]: (path, op) for path, item in paths.items()
                  for op in item.values()}
    for source, (values, targets) in _LINKS.items():
        _, operation = operations[source]
        created = next(code for code in ("201", "200") if code in operation["responses"])
        links = {}
        for target in targets:
            path, _ = operations[target]
            names = re.findall(r"\{(\w+)\}", path)
            links[target] = {"operationId": target,
                             "parameters": {name: values[name] for name in names}}
        operation["responses"][created]["links"] = links
    return paths


@cache
def _paths() -> dict[str, dict]:
    return _with_links(_operations())


def _operations() -> dict[str, dict]:
    d, p = ("debtorGuid",), ("debtorGuid", "paymentplanGuid")
    address, field = (*d, "addressGuid"), (*d, "extraFieldName")
    plan_answer = _json(ref("PaymentPlan"), "The payment plan.")
    return {
        f"{API}/ping": {"get": op("ping", "X1 ping", "Misc", ok={200: _json(
            ref("Empty"), "Up.")})},
        f"{API}/openapi.json": {"get": op(
            "openapi", "This document", "Misc", faults=False,
            ok={200: _json({"type": "object"}, "The OpenAPI 3.1 document.")})},
        f"{API}/debtors": {
            "get": _list("listDebtors", "D1 list debtors", "Debtors", "DebtorPage", params=()),
            "post": op("createDebtor", "D2 create debtor", "Debtors", body="DebtorCreate",
                       ok={201: _json(ref("Debtor"), "The new debtor.")}, errors=(400,)),
        },
        DEBTOR: {
            "get": _get("getDebtor", "D3 get debtor", "Debtors", "Debtor", "The debtor.",
                        params=d),
            "put": _update("updateDebtor", "D4 update debtor (replaces)", "Debtors",
                           "DebtorUpdate", params=d, errors=(400, 404)),
            "delete": _delete("deleteDebtor", "D5 delete debtor", "Debtors", params=d,
                              errors=(404, 409),
                              description="409 when the debtor has active cases or an active "
                                          "payment plan."),
        },
        f"{DEBTOR}/summary": {"get": op(
            "getCaseSummary", "D6 case summary", "Cases", params=d,
            ok={200: _json(ref("CaseSummary"), "Totals over the active cases.")},
            errors=(404,))},
        f"{DEBTOR}/cases": {"get": _list("listCases", "D7 list cases", "Cases", "CasePage",
                                         params=d)},
        f"{DEBTOR}/cases/{{caseGuid}}": {"get": _get(
            "getCase", "D8 case details", "Cases", "Case", "The case.", params=(*d, "caseGuid"))},
        f"{DEBTOR}/addresses": {
            "get": _list("listAddresses", "A1 list addresses", "Addresses", "AddressPage",
                         params=d),
            "post": op("createAddress", "A2 create address", "Addresses", params=d,
                       body="AddressWrite", ok={201: _json(ref("Address"), "The address.")},
                       errors=(400, 404)),
        },
        f"{DEBTOR}/addresses/{{addressGuid}}": {
            "get": _get("getAddress", "A3 get address", "Addresses", "Address", "The address.",
                        params=address),
            "put": _update("updateAddress", "A4 update address (replaces)", "Addresses",
                           "AddressWrite", params=address),
            "delete": _delete("deleteAddress", "A5 delete address", "Addresses", params=address),
        },
        f"{DEBTOR}/extrafields": {
            "get": _list("listExtraFields", "E1 list extra fields", "Extra fields",
                         "ExtraFieldPage", params=d),
            "post": op("createExtraField", "E2 create extra field", "Extra fields", params=d,
                       body="ExtraFieldCreate",
                       ok={201: _json(ref("ExtraField"), "The extra field.")},
                       errors=(400, 404, 409)),
        },
        f"{DEBTOR}/extrafields/{{name}}": {
            "get": _get("getExtraField", "E3 get extra field", "Extra fields", "ExtraField",
                        "The extra field.", params=field),
            "put": _update("updateExtraField", "E4 update extra field", "Extra fields",
                           "ExtraFieldUpdate", params=field),
            "delete": _delete("deleteExtraField", "E5 delete extra field", "Extra fields",
                              params=field),
        },
        PLANS: {
            "get": _list("listPaymentPlans", "P1 list payment plans", "Payment plans",
                         "PaymentPlanPage", params=d),
            "post": op("createPaymentPlan", "P2 create payment plan", "Payment plans",
                       params=d, body="PaymentPlanWrite", ok={201: plan_answer},
                       errors=(400, 404, 409),
                       description="A proposal (active 2) unless active 1 is sent."),
        },
        f"{PLANS}/calculate": {"post": op(
            "calculatePaymentPlan", "P6 calculate payment plan (nothing stored)",
            "Payment plans", params=d, body="PaymentPlanWrite",
            ok={200: _json(ref("PaymentPlanCalculation"), "The plan, without a GUID.")},
            errors=(400, 404, 409))},
        f"{PLANS}/{{paymentplanGuid}}": {
            "get": op("getPaymentPlan", "P3 get payment plan", "Payment plans", params=p,
                      ok={200: plan_answer}, errors=(404,)),
            "put": _update("updatePaymentPlan", "P4 update payment plan (deviating payments)",
                           "Payment plans", "PaymentPlanPaymentsUpdate", params=p,
                           description="Only a proposal changes; an active plan is a 409."),
            "delete": _delete("deletePaymentPlan", "P5 delete payment plan", "Payment plans",
                              params=p),
        },
        f"{PLANS}/{{paymentplanGuid}}/activate": {"post": op(
            "activatePaymentPlan", "P7 activate payment plan", "Payment plans", params=p,
            ok={204: None}, errors=(404, 409),
            description="409 if the plan is not a proposal or a case is under another "
                        "active plan.")},
        **_service_ops(debtor=True),
        **_service_ops(debtor=False),
        "/oauth/token": {"post": _token_operation()},
        "/control/cases": {"post": op(
            "controlAddCase", "Add a case with known amounts (control API)", "Control",
            body="ControlCase", faults=False,
            ok={201: _json(ref("Case"), "The case as D8 shows it.")}, errors=(400, 404))},
        "/control/payments": {"post": op(
            "controlMakePayment", "Make a payment on a case or a debtor's cases (control API)",
            "Control", body="ControlPayment", faults=False,
            ok={201: _json(ref("ControlPaymentMade"), "The cases the payment went to, as D8.")},
            errors=(400, 404, 409, 422),
            description="Fee first, then interest, then principal; without caseGuid the "
                        "debtor's active cases oldest first.")},
        "/control/faults": {
            "get": op("controlGetFaults", "The faults in force", "Control", faults=False,
                      ok={200: _json(ref("Faults"), "The faults.")}),
            "put": op("controlSetFaults", "Set the faults of every API call", "Control",
                      body="FaultsWrite", faults=False,
                      ok={200: _json(ref("Faults"), "The faults now in force.")},
                      errors=(400,)),
            "delete": op("controlClearFaults", "Clear the faults", "Control", faults=False,
                         ok={204: None}),
        },
        "/control/stats": {
            "get": op("controlGetStats", "Tokens issued and API calls counted", "Control",
                      faults=False, ok={200: _json(ref("Stats"), "The counters.")}),
            "delete": op("controlResetStats", "Reset the counters", "Control", faults=False,
                         ok={204: None}),
        },
        "/control/tokens": {"post": op(
            "controlIssueToken", "A token with a chosen lifetime", "Control",
            body="ControlToken", faults=False, ok={200: _json(ref("Token"), "The token.")},
            errors=(400,))},
    }


def _token_operation() -> Operation:
    oauth_error = {"content": {"application/json": {"schema": ref("OAuthError")}}}
    return {
        "operationId": "issueToken",
        "summary": "OAuth2 client credentials token",
        "tags": ["OAuth"],
        "description": "The client authenticates with HTTP Basic or with client_id and "
                       "client_secret in the form (RFC 6749 section 2.3.1).",
        "security": [{"clientBasic": []}, {}],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": ref("TokenForm")}}},
        "responses": {
            "200": _json(ref("Token"), "The access token."),
            "400": {"description": "invalid_request or unsupported_grant_type.",
                    **oauth_error},
            "401": {"description": "invalid_client.", **oauth_error,
                    "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
        },
    }


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aptic Debtors API (Collect Desk sandbox)",
            "version": "1.0",
            "description": "The project's emulator of the Aptic Debtors API, with its OAuth2 "
                           "token endpoint and a control API for tests and training.",
        },
        "servers": [{"url": server_url, "description": "This sandbox"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in (
            "Debtors", "Cases", "Addresses", "Extra fields", "Payment plans", "Services",
            "Misc", "OAuth", "Control")],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "A token from POST /oauth/token."},
                "clientBasic": {"type": "http", "scheme": "basic",
                                "description": "The OAuth2 client id and secret."},
            },
        },
    }


@api_view(methods=["GET"], faults=False)
def document(request: HttpRequest) -> HttpResponse:
    """The document, its server URL the sandbox root this request came through."""
    path = request.path
    root = path[: path.find(API)] if API in path else "/sandbox"
    return json_response(openapi_document(request.build_absolute_uri(root)))
