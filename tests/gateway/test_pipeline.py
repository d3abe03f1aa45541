"""Error mapping, retries, the 401 refetch and the breaker, over httpx.MockTransport."""

import httpx
import pytest
import stamina

from backoffice import upstream
from backoffice.gateway import (
    CircuitOpen,
    Conflict,
    ConnectionFailed,
    MalformedResponse,
    NotFound,
    RateLimited,
    Refused,
    ServerError,
    Unauthorized,
    UpstreamTimeout,
    ValidationFailed,
)
from backoffice.gateway.testing import problem
from tests.gateway.offline import StubTokens, make_client, replay

DEBTOR = {"debtorGuid": "d-1", "juridicalType": 0, "lastname": "Berg", "fullName": "Berg"}


@pytest.mark.parametrize(("response", "error"), [
    (problem(404), NotFound),
    (problem(400, errors={"lastname": ["Required."]}), ValidationFailed),
    (problem(409), Conflict),
    (problem(403), Unauthorized),
    (problem(418), Refused),
    (problem(500), ServerError),
    (httpx.Response(200, text="<html>oops</html>"), MalformedResponse),
    (httpx.Response(200, json=["not", "an", "object"]), MalformedResponse),
    (httpx.Response(302, headers={"Location": "/login"}), MalformedResponse),
])
def test_answers_map_to_the_error_tree(response, error):
    client = make_client(replay(response), attempts=1)
    with pytest.raises(error) as caught:
        client.debtor_get("d-1")
    assert caught.value.operation == "D3"
    assert caught.value.request_id  # the X-Request-ID that was sent


def test_transport_failures_map_to_unavailable():
    timeout = make_client(replay(httpx.ReadTimeout("slow")), attempts=1)
    with pytest.raises(UpstreamTimeout):
        timeout.ping()
    refused = make_client(replay(httpx.ConnectError("refused")), attempts=1)
    with pytest.raises(ConnectionFailed):
        refused.ping()


def test_validation_messages_land_on_form_fields():
    from django import forms

    class DebtorForm(forms.Form):
        last_name = forms.CharField(required=False)
        email = forms.CharField(required=False)

    body = problem(400, errors={"lastname": ["Give fullName, or lastname."],
                                "email": ["Not an e-mail address."], "$top": ["Too big."]})
    client = make_client(replay(body), attempts=1)
    with pytest.raises(ValidationFailed) as caught:
        client.debtor_get("d-1")
    error = caught.value
    assert error.field_errors == {"last_name": ["Give fullName, or lastname."],
                                  "email": ["Not an e-mail address."], "top": ["Too big."]}
    form = DebtorForm(data={"last_name": "", "email": "x"})
    assert form.is_valid()
    assert upstream.place(error, form=form).status == upstream.INVALID
    assert form.errors["last_name"] == ["Give fullName, or lastname."]
    assert form.errors["email"] == ["Not an e-mail address."]
    assert form.non_field_errors() == ["top: Too big."]


def test_a_get_is_retried_after_503_and_succeeds():
    upstream = replay(problem(503), problem(503), httpx.Response(200, json=DEBTOR))
    client = make_client(upstream)
    assert client.debtor_get("d-1").last_name == "Berg"
    assert len(upstream.requests) == 3
    assert len({r.headers["X-Request-ID"] for r in upstream.requests}) == 1


def test_retries_stop_at_the_attempt_limit():
    upstream = replay(problem(503))
    client = make_client(upstream, attempts=3)
    with pytest.raises(ServerError):
        client.debtor_get("d-1")
    assert len(upstream.requests) == 3


@pytest.mark.django_db
def test_a_post_is_never_retried():
    upstream = replay(problem(503), httpx.Response(201, json=DEBTOR))
    client = make_client(upstream)
    from backoffice.gateway import DebtorInput

    with pytest.raises(ServerError):
        client.debtor_create(DebtorInput(last_name="Berg"))
    assert [r.method for r in upstream.requests] == ["POST"]


def test_429_waits_as_long_as_retry_after_says():
    waits = []
    stamina.instrumentation.set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    try:
        limited = problem(429)
        limited.headers["Retry-After"] = "0.3"
        upstream = replay(limited, httpx.Response(200, json=DEBTOR))
        client = make_client(upstream)
        assert client.debtor_get("d-1").debtor_guid == "d-1"
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert len(upstream.requests) == 2
    assert waits == [pytest.approx(0.3)]


def test_429_beyond_the_budget_is_raised_at_once():
    response = problem(429)
    response.headers["Retry-After"] = "120"
    upstream = replay(response)
    client = make_client(upstream, budget=2.0)
    with pytest.raises(RateLimited) as caught:
        client.debtor_get("d-1")
    assert caught.value.retry_after == 120
    assert len(upstream.requests) == 1


def test_an_expired_token_is_refetched_once_and_the_call_repeated():
    tokens = StubTokens()
    upstream = replay(problem(401), httpx.Response(200, json=DEBTOR))
    client = make_client(upstream, tokens=tokens)
    assert client.debtor_get("d-1").debtor_guid == "d-1"
    assert [r.headers["Authorization"] for r in upstream.requests] == ["Bearer t1", "Bearer t2"]
    assert tokens.invalidated == ["t1"]


def test_a_401_loop_ends_in_unauthorized_after_one_refetch():
    tokens = StubTokens()
    upstream = replay(problem(401))
    client = make_client(upstream, tokens=tokens)
    with pytest.raises(Unauthorized):
        client.debtor_get("d-1")
    assert len(upstream.requests) == 2
    assert tokens.invalidated == ["t1"]


def test_the_breaker_opens_answers_at_once_then_closes_after_a_probe():
    import time

    upstream = replay(problem(503))
    client = make_client(upstream, attempts=1, fail_max=3, reset=0.2)
    for _ in range(3):
        with pytest.raises(ServerError):
            client.ping()
    assert client.pipeline.breaker.state == "open"
    with pytest.raises(CircuitOpen):
        client.ping()
    assert len(upstream.requests) == 3  # the open breaker did not call
    time.sleep(0.25)
    upstream.answer("*", "", httpx.Response(200, json={}))
    client.ping()  # the probe
    assert client.pipeline.breaker.state == "closed"
    assert len(upstream.requests) == 4


def test_a_failed_probe_opens_the_breaker_again():
    import time

    upstream = replay(problem(503))
    client = make_client(upstream, attempts=1, fail_max=1, reset=0.1)
    with pytest.raises(ServerError):
        client.ping()
    time.sleep(0.15)
    with pytest.raises(ServerError):
        client.ping()  # probe fails
    with pytest.raises(CircuitOpen):
        client.ping()
    assert len(upstream.requests) == 2


def test_client_errors_do_not_trip_the_breaker():
    upstream = replay(problem(404))
    client = make_client(upstream, attempts=1, fail_max=2)
    for _ in range(4):
        with pytest.raises(NotFound):
            client.debtor_get("d-1")
    assert client.pipeline.breaker.state == "closed"


def test_requests_carry_user_agent_request_id_and_no_personal_data_in_logs(caplog):
    from backoffice import request_context
    from backoffice.gateway import F

    page = {"count": 0, "skip": 0, "total": 0, "value": []}
    upstream = replay(httpx.Response(200, json=page))
    client = make_client(upstream)
    caplog.set_level("INFO", logger="backoffice.gateway")
    with request_context.acting_as(None, request_id="req-abc-12345"):
        client.debtor_list(filter=F.contains("full_name", "Sven Svensson"))
    request = upstream.requests[0]
    assert request.headers["X-Request-ID"] == "req-abc-12345"
    assert request.headers["User-Agent"].startswith("CollectDesk/")
    assert request.url.params["$filter"] == "contains(fullName,'Sven Svensson')"
    lines = [r.getMessage() for r in caplog.records if r.name == "backoffice.gateway"]
    assert len(lines) == 1
    assert "op=D1" in lines[0] and "status=200" in lines[0] and "req-abc-12345" in lines[0]
    assert "Svensson" not in lines[0] and "?" not in lines[0]
    record = next(r for r in caplog.records if r.name == "backoffice.gateway")
    assert (record.op, record.status, record.attempt) == ("D1", 200, 1)
