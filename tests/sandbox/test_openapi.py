"""The OpenAPI document: valid OpenAPI 3.1, and the same routes and methods as the sandbox.

Every operation in the document is called over HTTP with real GUIDs: none may be a routing
404 or a 405, and every answer must be one the document lists, with a body its schema
accepts. Every route of sandbox/urls.py is in the document with the methods it allows (its
405 names them in `Allow`).
"""

import json
import re

import httpx
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

ROUTE_PARAMS = {"debtor_guid": "debtorGuid", "case_guid": "caseGuid",
                "address_guid": "addressGuid", "plan_guid": "paymentplanGuid", "name": "name",
                "definition": "serviceDefinition"}
ROUTING_404 = re.compile(r"^No (API|control) operation at")


@pytest.fixture
def document(sandbox_api) -> dict:
    answer = sandbox_api.http.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    return answer.json()


def served_routes() -> dict[str, str]:
    """{document-style path: view name} of every route of the sandbox's URLconf."""
    routes: dict[str, str] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if not isinstance(pattern.pattern, RoutePattern):
                    assert pattern.callback.__name__ == "unknown_path", pattern  # catch-alls
                    continue
                route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + ROUTE_PARAMS[m[1]] + "}",
                               prefix + str(pattern.pattern))
                routes["/" + route] = pattern.callback.__name__

    walk(get_resolver("sandbox.urls").url_patterns, "")
    return routes


def test_document_needs_a_token(sandbox_api):
    assert httpx.get(f"{sandbox_api.base}/openapi.json", timeout=10).status_code == 401


def test_document_is_valid_openapi_3_1(document):
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"] == document["servers"][0]["url"].rstrip("/")
    assert document["servers"][0]["url"].endswith("/sandbox")


def test_contract_operations_are_all_there(document):
    summaries = [operation["summary"] for item in document["paths"].values()
                 for operation in item.values()]
    ids = sorted({s.split()[0] for s in summaries if re.match(r"^[DAPESX]\d ", s)})
    expected = sorted([f"D{i}" for i in range(1, 9)] + [f"A{i}" for i in range(1, 6)]
                      + [f"P{i}" for i in range(1, 8)] + [f"E{i}" for i in range(1, 6)]
                      + ["S1", "S2", "X1"])
    assert ids == expected and len(expected) == 28
    plan = document["components"]["schemas"]["PaymentPlanWrite"]
    assert plan["properties"]["numberOfPayments"]["maximum"] == 360
    assert "remaininFee" in document["components"]["schemas"]["CaseSummary"]["required"]
    top = document["components"]["parameters"]["top"]["schema"]
    assert (top["minimum"], top["maximum"]) == (1, 100)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_served_route_is_in_the_document_with_its_methods(sandbox_api, document):
    routes = served_routes()
    documented = set(document["paths"])
    assert set(routes) <= documented, set(routes) - documented
    # The document adds one path per known service definition, refining S1 and S2.
    extra = documented - set(routes)
    for path in extra:
        assert re.fullmatch(r".*/services/\w+", path), path
    root = sandbox_api.root
    for path in routes:
        url = root + re.sub(r"\{\w+\}", "x", path)
        answer = httpx.request("PATCH", url, headers=sandbox_api.http.headers, timeout=10)
        assert answer.status_code == 405, (path, answer.status_code)
        allowed = {m.strip().lower() for m in answer.headers["Allow"].split(",")}
        assert allowed == set(document["paths"][path]), path


# --- Every documented operation answers, as documented ----------------------------------------


def _schema_validator(document: dict, schema: dict) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": document["components"]},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def world(sandbox_api) -> dict:
    """Real GUIDs for every path parameter."""
    debtor = sandbox_api.create_debtor(cellularPhone="+46701234567", idNumber="198001011234")
    guid = debtor["debtorGuid"]
    case = sandbox_api.add_case(guid)
    address = sandbox_api.http.post(f"/debtors/{guid}/addresses",
                                    json={"addressType": "HOME", "city": "Lund"}).json()
    field = sandbox_api.http.post(f"/debtors/{guid}/extrafields",
                                  json={"name": "segment", "value": ["a"]})
    assert field.status_code == 201
    plan = sandbox_api.http.post(f"/debtors/{guid}/paymentplans",
                                 json={"paymentPlanType": 1, "numberOfPayments": 3})
    assert plan.status_code == 201, plan.text
    return {"debtorGuid": guid, "caseGuid": case["caseGuid"],
            "addressGuid": address["addressGuid"], "name": "segment",
            "paymentplanGuid": plan.json()["paymentPlanGuid"], "serviceDefinition": "echo"}


REQUEST_BODIES = {
    "createDebtor": {"juridicalType": 0, "lastname": "Openapi"},
    "updateDebtor": {"juridicalType": 0, "lastname": "Openapi"},
    "createAddress": {"addressType": "WORK", "street": "Storgatan 1"},
    "updateAddress": {"addressType": "HOME", "city": "Malmö"},
    "createExtraField": {"name": "other", "value": []},
    "updateExtraField": {"value": ["b"]},
    "createPaymentPlan": {"paymentPlanType": 3, "numberOfPayments": 2},
    "calculatePaymentPlan": {"paymentPlanType": 3, "numberOfPayments": 2},
    "updatePaymentPlan": {"payments": []},
    "controlSetFaults": {},
    "controlIssueToken": {"expiresIn": 60},
    "invokeService_sendReminderSms": {"phoneNumber": "+46701234567"},
    "invokeService_requestAddressLookup": {"idNumber": "198001011234"},
}
# Deletions last, the debtor itself at the very end.
ORDER = {"delete": 1, "deleteDebtor": 2}


def test_every_documented_operation_answers_as_documented(sandbox_api, document, world):
    calls = [(path, method, operation) for path, item in document["paths"].items()
             for method, operation in item.items()]
    calls.sort(key=lambda c: ORDER.get(c[2]["operationId"], ORDER.get(c[1], 0)))
    for path, method, operation in calls:
        url = sandbox_api.root + re.sub(r"\{(\w+)\}", lambda m: world[m[1]], path)
        body = operation.get("requestBody")
        kwargs = {}
        if body and "application/x-www-form-urlencoded" in body["content"]:
            kwargs["data"] = {"grant_type": "client_credentials"}
            kwargs["auth"] = (settings.SANDBOX_CLIENT_ID, settings.SANDBOX_CLIENT_SECRET)
        elif body:
            if operation["operationId"] == "controlAddCase":
                kwargs["json"] = {"debtorGuid": world["debtorGuid"], "clientName": "X AB",
                                  "remainingPrincipal": 10}
            else:
                kwargs["json"] = REQUEST_BODIES.get(operation["operationId"], {})
        headers = dict(sandbox_api.http.headers) if "security" not in operation else {}
        answer = httpx.request(method.upper(), url, headers=headers, timeout=15, **kwargs)
        where = f"{method.upper()} {path} -> {answer.status_code} {answer.text[:300]}"
        assert answer.status_code != 405, where
        if answer.status_code == 404:
            assert not ROUTING_404.match(answer.json().get("detail", "")), where
        documented = operation["responses"]
        key = str(answer.status_code)
        if key not in documented:
            key = f"{key[0]}XX"
        assert key in documented, where
        content = documented[key].get("content")
        if content is None:
            assert answer.content == b"", where
            continue
        media = answer.headers["content-type"].split(";")[0]
        assert media in content, where
        errors = sorted(_schema_validator(document, content[media]["schema"]).iter_errors(
            json.loads(answer.text)), key=str)
        assert not errors, f"{where}: {errors[0].message}"
