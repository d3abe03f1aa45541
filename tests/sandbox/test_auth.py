"""OAuth2 client credentials, bearer tokens and their expiry, over real HTTP."""

import time

import httpx
from django.conf import settings

from tests.sandbox.assertions import problem

CLIENT = (settings.SANDBOX_CLIENT_ID, settings.SANDBOX_CLIENT_SECRET)


def _token(sandbox_url: str, **kwargs) -> httpx.Response:
    return httpx.post(f"{sandbox_url}/oauth/token", timeout=10, **kwargs)


def test_token_with_http_basic(sandbox_url):
    answer = _token(sandbox_url, data={"grant_type": "client_credentials"}, auth=CLIENT)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.SANDBOX_TOKEN_TTL
    assert body["access_token"]
    assert answer.headers["cache-control"] == "no-store"
    ping = httpx.get(f"{sandbox_url}/api/v1/ping",
                     headers={"Authorization": f"Bearer {body['access_token']}"})
    assert ping.status_code == 200
    assert ping.json() == {}


def test_token_with_form_credentials_and_scope(sandbox_url):
    answer = _token(sandbox_url, data={
        "grant_type": "client_credentials", "client_id": CLIENT[0], "client_secret": CLIENT[1],
        "scope": "debtors",
    })
    assert answer.status_code == 200
    assert answer.json()["scope"] == "debtors"
    ping = httpx.get(f"{sandbox_url}/api/v1/ping",
                     headers={"Authorization": f"bearer {answer.json()['access_token']}"})
    assert ping.status_code == 200


def test_wrong_client_is_a_401_oauth_error(sandbox_url):
    for kwargs in (
        {"auth": (CLIENT[0], "wrong")},
        {"auth": ("someone-else", CLIENT[1])},
        {"data": {"client_id": CLIENT[0], "client_secret": "wrong"}},
        {},
    ):
        data = {"grant_type": "client_credentials", **kwargs.pop("data", {})}
        answer = _token(sandbox_url, data=data, **kwargs)
        assert answer.status_code == 401, kwargs
        assert answer.json()["error"] == "invalid_client"
        assert answer.headers["www-authenticate"].startswith("Basic")


def test_basic_and_form_naming_different_clients_is_refused(sandbox_url):
    answer = _token(sandbox_url, auth=CLIENT,
                    data={"grant_type": "client_credentials", "client_id": "other"})
    assert answer.status_code == 401


def test_grant_type_is_checked(sandbox_url):
    missing = _token(sandbox_url, auth=CLIENT, data={})
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"
    other = _token(sandbox_url, auth=CLIENT, data={"grant_type": "password"})
    assert other.status_code == 400
    assert other.json()["error"] == "unsupported_grant_type"


def test_token_endpoint_takes_post_only(sandbox_url):
    answer = httpx.get(f"{sandbox_url}/oauth/token")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"


def test_api_refuses_missing_malformed_and_forged_tokens(sandbox_url, sandbox_token):
    url = f"{sandbox_url}/api/v1/debtors"
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": f"Basic {sandbox_token}"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Bearer {sandbox_token[:-1]}{'B' if sandbox_token[-1] == 'A' else 'A'}"},
    ):
        answer = httpx.get(url, headers=headers)
        body = problem(answer, 401)
        assert answer.headers["www-authenticate"].startswith("Bearer"), headers
        assert body["instance"] == "/sandbox/api/v1/debtors"


def test_control_api_needs_the_token_too(sandbox_url):
    problem(httpx.get(f"{sandbox_url}/control/faults"), 401)
    problem(httpx.post(f"{sandbox_url}/control/cases", json={}), 401)


def test_token_expires(sandbox_api, sandbox_url):
    answer = sandbox_api.control.post("/tokens", json={"expiresIn": 2})
    assert answer.status_code == 200
    assert answer.json()["expires_in"] == 2
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    assert httpx.get(f"{sandbox_url}/api/v1/ping", headers=headers).status_code == 200
    time.sleep(2.1)
    expired = httpx.get(f"{sandbox_url}/api/v1/ping", headers=headers)
    assert "expired" in problem(expired, 401)["detail"]


def test_token_of_no_lifetime_is_expired_at_once(sandbox_api, sandbox_url):
    token = sandbox_api.control.post("/tokens", json={"expiresIn": 0}).json()["access_token"]
    answer = httpx.get(f"{sandbox_url}/api/v1/ping", headers={"Authorization": f"Bearer {token}"})
    assert "expired" in problem(answer, 401)["detail"]


def test_short_token_request_is_validated(sandbox_api):
    assert "expiresIn" in problem(sandbox_api.control.post("/tokens", json={}), 400)["errors"]
    answer = sandbox_api.control.post("/tokens", json={"expiresIn": -5})
    assert "expiresIn" in problem(answer, 400)["errors"]
