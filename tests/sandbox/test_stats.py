"""GET/DELETE /sandbox/control/stats: tokens issued and API calls counted per operation."""

import json
import os

import httpx
import pytest
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


def _record_in_a_child(calls: int, tokens: int) -> int:
    """Counts in a forked process, as a worker of `sandbox_serve --processes` does; its exit
    status is 0 when it could."""
    from django.test import RequestFactory

    from sandbox import stats

    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for index in range(calls):
                stats.call_count(RequestFactory().get(f"/sandbox/api/v1/ping?n={index}"), "ping")
            for _ in range(tokens):
                stats.token_count()
            code = 0
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_counts_of_every_process_are_summed():
    from django.test import RequestFactory

    from sandbox import stats

    stats.stats_open()  # the file exists before the fork, as sandbox_serve opens it
    stats.stats_reset()
    stats.call_count(RequestFactory().post("/sandbox/api/v1/debtors", data=b"{}",
                                           content_type="application/json"), "debtors")
    assert _record_in_a_child(calls=3, tokens=2) == 0
    assert _record_in_a_child(calls=1, tokens=0) == 0

    snapshot = stats.stats_snapshot()
    assert snapshot["byOperation"] == {"GET ping": 4, "POST debtors": 1}
    assert (snapshot["calls"], snapshot["tokens"]) == (5, 2)
    assert [c["path"] for c in snapshot["recent"]] == [
        "/sandbox/api/v1/debtors", "/sandbox/api/v1/ping?n=0", "/sandbox/api/v1/ping?n=1",
        "/sandbox/api/v1/ping?n=2", "/sandbox/api/v1/ping?n=0"]
    assert _record_in_a_child(calls=0, tokens=0) == 0
    stats.stats_reset()  # a reset in one process is one for all
    assert _record_in_a_child(calls=1, tokens=0) == 0
    assert stats.stats_snapshot()["byOperation"] == {"GET ping": 1}


def test_only_the_last_calls_are_kept(monkeypatch):
    from django.test import RequestFactory

    from sandbox import stats

    monkeypatch.setattr(stats, "RECENT_CALLS", 3)
    monkeypatch.setattr(stats, "_TRIM_EVERY", 2)
    stats.stats_reset()
    for index in range(7):
        stats.call_count(RequestFactory().get(f"/sandbox/api/v1/ping?n={index}"), "ping")
    snapshot = stats.stats_snapshot()
    assert snapshot["calls"] == 7  # every call counted
    assert [c["path"][-1] for c in snapshot["recent"]] == ["4", "5", "6"]
    with stats._transaction("BEGIN") as db:  # trimmed in the file, not only in the answer
        assert db.execute("SELECT count(*) FROM calls").fetchone()[0] <= 3 + 2
