"""Faults over real HTTP against the sandbox: each ends in the right error and audit entry."""

import threading
import time

import httpx
import pytest
import requests
import stamina

from backoffice import request_context
from backoffice.audit.models import AuditEntry
from backoffice.gateway import (
    AddressInput,
    CircuitOpen,
    ConnectionFailed,
    DebtorInput,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    UpstreamTimeout,
    build_gateway,
    get_gateway,
    reset_for_tests,
)
from backoffice.gateway.testing import Recorder
from tests.network import free_port


@pytest.fixture
def agent(agent_user):
    with request_context.acting_as(agent_user):
        yield agent_user


@pytest.fixture
def on_retry():
    """Runs the given callables at each scheduled retry (stamina's instrumentation hook)."""
    calls = []

    def install(*actions):
        def hook(details):
            calls.append(details)
            for action in actions:
                action()

        stamina.instrumentation.set_on_retry_hooks([hook])
        return calls

    yield install
    stamina.instrumentation.set_on_retry_hooks(None)


@pytest.fixture
def token_requests(monkeypatch, settings):
    """Counts HTTP requests to the token URL, at the requests level (what really went out)."""
    sent = []
    original = requests.Session.send

    def counting_send(session, request, **kwargs):
        if request.url == settings.APTIC_TOKEN_URL:
            sent.append(request)
        return original(session, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", counting_send)
    return sent


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def new_debtor(sandbox_api) -> str:
    return sandbox_api.create_debtor()["debtorGuid"]


# --- Tokens --------------------------------------------------------------------------------------


def test_a_token_expiring_mid_session_is_replaced_without_the_user_noticing(
        upstream, sandbox_api, token_requests):
    gw = get_gateway()
    guid = new_debtor(sandbox_api)
    short = sandbox_api.control.post("/tokens", json={"expiresIn": 1}).json()["access_token"]
    from django.core.cache import cache

    cache.set(gw.pipeline.tokens.cache_key, short, 600)  # we believe it is good
    assert gw.debtor_get(guid).debtor_guid == guid
    time.sleep(1.2)  # ... and now it has expired upstream
    assert gw.debtor_get(guid).debtor_guid == guid
    auth = [r.headers["Authorization"] for r in upstream.requests]
    assert auth[0] == auth[1] == f"Bearer {short}"
    assert auth[2] != auth[1]
    assert len(auth) == 3 and len(token_requests) == 1


def test_a_401_loop_is_not_followed(upstream, sandbox_api, agent, token_requests):
    guid = new_debtor(sandbox_api)

    def forged(request):
        request.headers["Authorization"] = "Bearer forged"
        return upstream.forward(request)

    upstream.answer("*", "", forged)
    with pytest.raises(Unauthorized):
        get_gateway().address_create(guid, AddressInput(street="Ringvägen 1"))
    assert upstream.ops() == [f"POST /debtors/{guid}/addresses"] * 2
    assert len(token_requests) == 2  # the first token and one refetch, no more
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.upstream_status, entry.error_class) == (
        "address.create", "refused", 401, "Unauthorized")


def test_token_endpoint_refusing_our_client(gw, settings, agent):
    settings.APTIC_CLIENT_SECRET = "wrong"
    with pytest.raises(Unauthorized) as caught:
        get_gateway().debtor_create(DebtorInput(last_name="Nobody"))
    assert (caught.value.status, caught.value.operation) == (401, "token")
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.upstream_status) == ("debtor.create", "refused",
                                                                    401)


def test_token_endpoint_down(gw, settings, agent):
    settings.APTIC_TOKEN_URL = f"http://127.0.0.1:{free_port()}/oauth/token"
    with pytest.raises(ConnectionFailed):
        get_gateway().ping()
    with pytest.raises(ConnectionFailed):
        get_gateway().debtor_create(DebtorInput(last_name="Nobody"))
    entry = last_entry()
    assert (entry.outcome, entry.error_class, entry.upstream_status) == (
        "failed", "ConnectionFailed", None)


def test_token_endpoint_failing_or_hanging(gw, settings, sandbox_api, sandbox_url):
    # The sandbox's API answers faults before anything else: use it as a broken token endpoint.
    settings.APTIC_TOKEN_URL = f"{sandbox_url}/api/v1/ping"
    sandbox_api.set_faults(status=503, failureRate=1.0)
    with pytest.raises(ServerError):
        get_gateway().ping()
    settings.APTIC_TOKEN_TIMEOUT = 0.3
    sandbox_api.set_faults(latencyMs=2000)
    with pytest.raises(UpstreamTimeout):
        get_gateway().ping()


def test_plain_http_token_urls_are_refused_off_loopback(gw, settings):
    settings.APTIC_TOKEN_URL = "http://aptic.example.com/oauth/token"
    with pytest.raises(Unauthorized, match="https"):
        get_gateway().ping()


def test_twenty_cold_threads_fetch_one_token(aptic, short_retries, token_requests):
    # Two clients with their own process locks stand for two worker processes sharing the
    # cache: only the cache lock keeps them from fetching a token each.
    reset_for_tests()
    workers = [build_gateway(), build_gateway()]
    start = threading.Barrier(20)
    failures = []

    def call(n: int) -> None:
        try:
            start.wait()
            workers[n % 2].ping()
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.pipeline.transport.close()
    assert failures == []
    assert len(token_requests) == 1


# --- Retries, rate limits, timeouts ----------------------------------------------------------


def test_503_then_success_get_is_retried(upstream, sandbox_api, on_retry):
    guid = new_debtor(sandbox_api)
    sandbox_api.set_faults(status=503, failureRate=1.0)
    retries = on_retry(sandbox_api.clear_faults)
    assert get_gateway().debtor_get(guid).debtor_guid == guid
    assert upstream.ops() == [f"GET /debtors/{guid}"] * 2
    assert len(retries) == 1


def test_503_on_a_post_is_not_retried(upstream, sandbox_api, agent, on_retry):
    before = sandbox_api.http.get("/debtors").json()["total"]
    sandbox_api.set_faults(status=503, failureRate=1.0)
    retries = on_retry(sandbox_api.clear_faults)
    with pytest.raises(ServerError):
        get_gateway().debtor_create(DebtorInput(last_name="Once"))
    assert upstream.ops() == ["POST /debtors"]
    assert retries == []
    sandbox_api.clear_faults()
    assert sandbox_api.http.get("/debtors").json()["total"] == before
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.upstream_status, entry.error_class) == (
        "debtor.create", "failed", 503, "ServerError")


def test_429_with_retry_after_is_honoured(gw, sandbox_api, on_retry):
    guid = new_debtor(sandbox_api)
    sandbox_api.set_faults(status=429, failureRate=1.0, retryAfter=1)
    retries = on_retry(sandbox_api.clear_faults)
    assert gw.debtor_get(guid).debtor_guid == guid
    assert [round(r.wait_for, 3) for r in retries] == [1.0]


def test_429_that_does_not_go_away_ends_in_rate_limited(gw, sandbox_api, agent, settings):
    guid = new_debtor(sandbox_api)
    sandbox_api.set_faults(status=429, failureRate=1.0, retryAfter=30)
    with pytest.raises(RateLimited) as caught:
        gw.debtor_get(guid)
    assert caught.value.retry_after == 30
    with pytest.raises(RateLimited):
        gw.debtor_update(guid, {"last_name": "X"})
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.upstream_status) == ("debtor.update", "failed",
                                                                    429)


def test_timeouts(gw, sandbox_api, agent, settings):
    guid = new_debtor(sandbox_api)
    get_gateway().ping()  # a token first: the sandbox's token endpoint has no faults anyway
    settings.APTIC_READ_TIMEOUT = 0.3
    settings.APTIC_RETRY_ATTEMPTS = 2
    sandbox_api.set_faults(latencyMs=1500)
    with pytest.raises(UpstreamTimeout):
        get_gateway().debtor_get(guid)
    with pytest.raises(UpstreamTimeout):
        get_gateway().extra_field_delete(guid, "anything")
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.error_class) == (
        "extrafield.delete", "failed", "UpstreamTimeout")


def test_connection_refused(gw, settings, agent):
    settings.APTIC_BASE_URL = f"http://127.0.0.1:{free_port()}/api/v1"
    with pytest.raises(ConnectionFailed):
        get_gateway().debtor_get("d-1")
    with pytest.raises(ConnectionFailed):
        get_gateway().plan_activate("d-1", "p-1")
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.error_class) == (
        "plan.activate", "failed", "ConnectionFailed")


def test_malformed_answers(upstream, sandbox_api, agent, settings):
    guid = new_debtor(sandbox_api)

    def garbled(request):
        real = upstream.forward(request)
        real.read()
        return httpx.Response(real.status_code, text="<html>proxy error</html>")

    upstream.answer("*", "", garbled)
    with pytest.raises(MalformedResponse):
        get_gateway().debtor_get(guid)
    # A GET is retried, then given up.
    assert upstream.calls("GET", f"/debtors/{guid}") == settings.APTIC_RETRY_ATTEMPTS
    with pytest.raises(MalformedResponse):
        get_gateway().address_create(guid, AddressInput(street="Ringvägen 1"))
    entry = last_entry()
    assert (entry.action, entry.outcome, entry.upstream_status, entry.error_class) == (
        "address.create", "failed", 201, "MalformedResponse")


# --- The breaker ---------------------------------------------------------------------------------


def test_the_breaker_opens_shares_its_state_and_closes_after_a_probe(
        aptic, short_retries, settings, sandbox_api, agent):
    settings.APTIC_BREAKER_FAIL_MAX = 2
    settings.APTIC_BREAKER_RESET_SECONDS = 1
    settings.APTIC_RETRY_ATTEMPTS = 1
    reset_for_tests()
    guid = new_debtor(sandbox_api)
    one, other = Recorder(), Recorder()
    worker_a, worker_b = build_gateway(transport=one), build_gateway(transport=other)
    worker_a.ping()
    sandbox_api.set_faults(status=503, failureRate=1.0)
    for _ in range(2):
        with pytest.raises(ServerError):
            worker_a.debtor_get(guid)
    calls = len(one.requests)
    with pytest.raises(CircuitOpen):
        worker_a.debtor_get(guid)
    with pytest.raises(CircuitOpen):  # another worker agrees: the state is in the cache
        worker_b.debtor_update(guid, {"last_name": "X"})
    assert len(one.requests) == calls and other.requests == []
    entry = last_entry()
    assert (entry.outcome, entry.error_class) == ("failed", "CircuitOpen")

    sandbox_api.clear_faults()
    time.sleep(1.1)
    assert worker_b.debtor_get(guid).debtor_guid == guid  # the probe
    assert worker_a.pipeline.breaker.state == "closed"
    worker_a.ping()
    with pytest.raises(NotFound):
        worker_a.debtor_get(guid + "0")
    for worker in (worker_a, worker_b):
        worker.pipeline.transport.close()
