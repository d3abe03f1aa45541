"""GET/DELETE /sandbox/control/stats: tokens issued and API calls counted per operation."""

import json

import httpx
from django.conf import settings


def _stats(sandbox_api) -> dict:
    answer = sandbox_api.control.get("/stats")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_counts_tokens_and_api_calls_since_the_reset(sandbox_api, sandbox_url):
    assert sandbox_api.control.delete("/stats").status_code == 204
    assert _stats(sandbox_api) == {"tokens": 0, "calls": 0, "byOperation": {}, "recent": []}

    token = httpx.post(f"{sandbox_url}/oauth/token", data={"grant_type": "client_credentials"},
                       auth=(settings.SANDBOX_CLIENT_ID, settings.SANDBOX_CLIENT_SECRET),
                       timeout=10)
    assert token.status_code == 200
    refused = httpx.post(f"{sandbox_url}/oauth/token", data={"grant_type": "client_credentials"},
                         auth=(settings.SANDBOX_CLIENT_ID, "wrong"), timeout=10)
    assert refused.status_code == 401
    assert sandbox_api.http.get("/debtors", params={"$top": 1}).status_code == 200
    assert sandbox_api.http.get("/debtors", params={"$top": 2}).status_code == 200
    assert sandbox_api.http.get("/ping").status_code == 200
    sandbox_api.set_faults(latencyMs=0)  # the control API is not counted

    stats = _stats(sandbox_api)
    assert stats["tokens"] == 1  # only tokens actually issued
    assert stats["byOperation"] == {"GET debtors": 2, "GET ping": 1}
    assert stats["calls"] == 3
    assert [(c["method"], c["path"].rsplit("/api/v1", 1)[1]) for c in stats["recent"]] == [
        ("GET", "/debtors?%24top=1"), ("GET", "/debtors?%24top=2"), ("GET", "/ping")]


def test_remembers_the_body_of_the_last_calls(sandbox_api):
    sandbox_api.control.delete("/stats")
    debtor = sandbox_api.create_debtor(lastname="Recorded")
    (call,) = _stats(sandbox_api)["recent"]
    assert (call["operation"], call["method"]) == ("POST debtors", "POST")
    assert json.loads(call["body"])["lastname"] == "Recorded"
    assert debtor["lastname"] == "Recorded"


def test_calls_refused_by_a_fault_or_without_a_token_still_count(sandbox_api, sandbox_url):
    sandbox_api.control.delete("/stats")
    sandbox_api.set_faults(status=503)
    assert sandbox_api.http.get("/ping").status_code == 503
    sandbox_api.clear_faults()
    assert httpx.get(f"{sandbox_url}/api/v1/ping", timeout=10).status_code == 401
    assert _stats(sandbox_api)["byOperation"] == {"GET ping": 2}


def test_stats_need_a_token(sandbox_url):
    assert httpx.get(f"{sandbox_url}/control/stats", timeout=10).status_code == 401
