"""The health endpoints, open without sign-in, JSON, never cached, GET and HEAD only:
/livez (the process answers), /readyz (database and cache: 200 or 503 naming what failed;
Aptic reported only) and /healthz (the database decides; it never raises)."""

import pytest
from django.db import OperationalError, connection

from backoffice import views
from tests.network import free_port

HEALTH = ("/livez", "/readyz", "/healthz")


@pytest.fixture
def broken_database(db):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("the database went away")

    with pytest.MonkeyPatch.context() as patch:  # undone before the test database is
        patch.setattr(connection, "cursor", broken_cursor)
        yield


@pytest.fixture
def raising_cache(settings):
    """Django's own Redis backend at a closed port: every operation raises (no degrading)."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}


@pytest.mark.parametrize("path", HEALTH)
def test_open_json_and_never_cached(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert client.head(path).status_code == 200


@pytest.mark.parametrize("path", HEALTH)
def test_get_and_head_only(client, db, path):
    assert client.post(path).status_code in (403, 405)
    assert client.put(path).status_code == 405


def test_healthz_is_open_and_reports_the_database(client, db):
    body = client.get("/healthz").json()
    assert set(body) == {"database", "aptic"}
    assert body["database"] == "ok"
    assert body["aptic"] in {"ok", "down", "unknown"}


def test_healthz_reports_a_broken_database(client, db, broken_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_answers_when_the_cache_raises(client, db, raising_cache):
    response = client.get("/healthz")  # Aptic's status is kept in the cache
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "aptic": "unknown"}


def test_healthz_never_raises(client, db, monkeypatch):
    def explode():
        raise RuntimeError("unexpected")

    monkeypatch.setattr(views, "_database_status", explode)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unknown", "aptic": "unknown"}


def test_livez_checks_nothing(client, db, broken_database, raising_cache,
                              django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_everything_answers(client, db):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok" and body["failed"] == []
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["aptic"] in {"ok", "down", "unknown"}


def test_readyz_names_a_broken_database(client, db, broken_database):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"] and body["database"] == "down"
    assert body["cache"] == "ok"


def test_readyz_names_a_broken_cache(client, db, raising_cache):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["failed"] == ["cache"]
    assert body["cache"] == "down" and body["database"] == "ok"
    assert body["aptic"] == "unknown"


def test_readyz_stays_ready_on_a_degraded_cache(client, db, settings):
    from tests.resilience.conftest import cache_entry

    settings.CACHES = {"default": cache_entry(f"redis://127.0.0.1:{free_port()}/0")}
    response = client.get("/readyz")
    assert response.status_code == 200  # memory answers: pulling every server would be an outage
    body = response.json()
    assert body["cache"] == "degraded" and body["failed"] == []


def test_readyz_ignores_aptic_down(client, db):
    # The suite's default Aptic is a closed port.
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["aptic"] == "down"
