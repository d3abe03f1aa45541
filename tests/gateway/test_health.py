"""/healthz reports Aptic through ping, quickly and cached for a few seconds."""

from django.core.cache import cache

from backoffice.gateway import STATUS_CACHE_KEY, aptic_status
from tests.network import free_port


def test_healthz_reports_aptic_ok(client, aptic):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "aptic": "ok"}


def test_healthz_reports_aptic_down_and_still_answers(client, aptic, settings):
    settings.APTIC_BASE_URL = f"http://127.0.0.1:{free_port()}/api/v1"
    response = client.get("/healthz")
    assert response.status_code == 200  # the database decides readiness, Aptic is reported
    assert response.json()["aptic"] == "down"


def test_the_status_is_remembered_briefly(aptic, sandbox_api):
    assert aptic_status() == "ok"
    sandbox_api.set_faults(status=503, failureRate=1.0)
    assert aptic_status() == "ok"  # from the cache, no call
    cache.delete(STATUS_CACHE_KEY)
    assert aptic_status() == "down"
