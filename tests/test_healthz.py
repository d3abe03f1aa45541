"""/healthz for load balancers: open without sign-in, JSON, 503 when the database is gone."""

from django.db import OperationalError, connection


def test_healthz_is_open_and_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"database", "aptic"}
    assert body["database"] == "ok"
    assert body["aptic"] in {"ok", "down", "unknown"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code in (403, 405)


def test_healthz_reports_a_broken_database(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"

