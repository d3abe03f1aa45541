"""The control API's faults, switched on and off, over real HTTP."""

import time

import httpx
import pytest
from django.conf import settings

from tests.sandbox.assertions import field_errors, problem

CLEAR = {"latencyMs": 0, "failureRate": 0, "status": None, "retryAfter": None, "hang": False,
         "methods": [], "paths": []}


def test_faults_start_clear_and_round_trip(sandbox_api):
    sandbox_api.clear_faults()
    assert sandbox_api.control.get("/faults").json() == CLEAR
    answer = sandbox_api.control.put("/faults", json={"status": 503, "retryAfter": 7})
    assert answer.status_code == 200
    assert answer.json() == {**CLEAR, "status": 503, "retryAfter": 7, "failureRate": 1.0}
    assert sandbox_api.control.get("/faults").json() == answer.json()
    assert sandbox_api.control.delete("/faults").status_code == 204
    assert sandbox_api.control.get("/faults").json() == CLEAR


def test_service_unavailable_with_retry_after(sandbox_api, sandbox_url):
    sandbox_api.set_faults(status=503, retryAfter=7)
    for path in ("/ping", "/debtors", "/debtors/x", "/nothing"):
        answer = sandbox_api.http.get(path)
        problem(answer, 503)
        assert answer.headers["retry-after"] == "7"
    # The token endpoint and the control API never suffer faults.
    token = httpx.post(f"{sandbox_url}/oauth/token", data={"grant_type": "client_credentials"},
                       auth=(settings.SANDBOX_CLIENT_ID, settings.SANDBOX_CLIENT_SECRET))
    assert token.status_code == 200
    assert sandbox_api.control.get("/faults").status_code == 200
    sandbox_api.clear_faults()
    assert sandbox_api.http.get("/ping").status_code == 200


def test_rate_limited_has_a_retry_after(sandbox_api):
    sandbox_api.set_faults(status=429)
    answer = sandbox_api.http.get("/ping")
    problem(answer, 429)
    assert answer.headers["retry-after"] == "1"


def test_failure_rate_alone_means_500(sandbox_api):
    sandbox_api.set_faults(failureRate=1)
    problem(sandbox_api.http.get("/debtors"), 500)
    sandbox_api.set_faults(failureRate=0, status=500)
    assert sandbox_api.http.get("/debtors").status_code == 200


def test_faults_hit_unauthenticated_calls_too(sandbox_api, sandbox_url):
    sandbox_api.set_faults(status=500)
    problem(httpx.get(f"{sandbox_url}/api/v1/ping"), 500)


def test_latency(sandbox_api):
    sandbox_api.set_faults(latencyMs=400)
    started = time.monotonic()
    assert sandbox_api.http.get("/ping").status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    assert sandbox_api.control.get("/faults").status_code == 200
    assert time.monotonic() - started < 0.4


def test_hang_until_the_client_gives_up_then_recover(sandbox_api):
    sandbox_api.set_faults(hang=True)
    with pytest.raises(httpx.ReadTimeout):
        sandbox_api.http.get("/ping", timeout=0.5)
    sandbox_api.clear_faults()
    assert sandbox_api.http.get("/ping", timeout=5).status_code == 200


def test_fault_settings_are_validated(sandbox_api):
    for body, field in (
        ({"status": 404}, "status"), ({"status": "503"}, "status"),
        ({"failureRate": 1.5}, "failureRate"), ({"failureRate": -0.1}, "failureRate"),
        ({"latencyMs": -1}, "latencyMs"), ({"latencyMs": 120001}, "latencyMs"),
        ({"retryAfter": -1}, "retryAfter"), ({"hang": "yes"}, "hang"),
    ):
        assert field in field_errors(sandbox_api.control.put("/faults", json=body)), body
    problem(sandbox_api.control.put("/faults", content=b"[]"), 400)
    problem(sandbox_api.control.post("/faults", json={}), 405)
    assert sandbox_api.control.get("/faults").json() == CLEAR


# --- Scoped faults --------------------------------------------------------------------------


def test_a_fault_scoped_to_one_operation_leaves_the_others_alone(sandbox_api):
    debtor = sandbox_api.create_debtor()
    guid = debtor["debtorGuid"]
    sandbox_api.add_case(guid, remainingPrincipal=1000.00, interestRate=0.0)
    answer = sandbox_api.control.put("/faults", json={
        "status": 503, "methods": ["post"], "paths": ["/debtors/*/paymentplans/*/activate"]})
    assert answer.status_code == 200
    assert answer.json()["methods"] == ["POST"]
    assert answer.json()["paths"] == ["/debtors/*/paymentplans/*/activate"]
    plans = f"/debtors/{guid}/paymentplans"
    created = sandbox_api.http.post(plans, json={"paymentPlanType": 1, "numberOfPayments": 3})
    assert created.status_code == 201  # POST, but another path
    plan_guid = created.json()["paymentPlanGuid"]
    assert sandbox_api.http.get(f"{plans}/{plan_guid}").status_code == 200
    problem(sandbox_api.http.post(f"{plans}/{plan_guid}/activate"), 503)
    assert sandbox_api.http.get(f"{plans}/{plan_guid}").json()["active"] == 2
    sandbox_api.clear_faults()
    assert sandbox_api.http.post(f"{plans}/{plan_guid}/activate").status_code == 204


def test_a_fault_scoped_to_a_method_hits_every_path_of_it(sandbox_api):
    sandbox_api.set_faults(status=500, methods=["DELETE"])
    assert sandbox_api.http.get("/ping").status_code == 200
    problem(sandbox_api.http.delete("/debtors/x"), 500)


def test_a_scope_is_checked(sandbox_api):
    answer = sandbox_api.control.put("/faults", json={"status": 503, "methods": ["FETCH"],
                                                      "paths": "nope"})
    errors = field_errors(answer)
    assert "methods" in errors and "paths" in errors
    assert sandbox_api.control.get("/faults").json() == CLEAR
