"""/metrics: the counters move with requests, upstream calls, retries, token fetches, the
breaker, audit entries and jobs; only the allowed addresses or the token may read them."""

import pytest
from django.core.management import call_command
from django.test import Client

from backoffice.gateway import get_gateway
from backoffice.gateway.breaker import Breaker
from backoffice.gateway.testing import problem
from backoffice.observability.views import address_allowed
from tests.debtors.made_up import unique_word
from tests.observability import tasks
from tests.observability.metrics_text import scrape

HTMX = {"HTTP_HX_REQUEST": "true"}
STRANGER = "203.0.113.7"  # a documentation address: only ever a REMOTE_ADDR value here


def test_requests_upstream_calls_tokens_and_audit_entries_move_the_counters(
        upstream, sandbox_api, agent_client):
    debtor = sandbox_api.create_debtor(lastname=unique_word())
    scraper = Client()
    before = scrape(scraper)

    assert agent_client.get("/debtors/", {"q": "Nobody"}).status_code == 200
    assert agent_client.get("/debtors/", {"q": "Someone"}).status_code == 200
    assert agent_client.post(f"/debtors/{debtor['debtorGuid']}/reveal/",
                             {"reason": "Identity check"}, **HTMX).status_code == 200
    assert agent_client.get("/no/such/page/").status_code == 404

    after = scrape(scraper)

    def delta(name, **labels):
        return after.value(name, **labels) - before.value(name, **labels)

    search = {"view": "debtors:search", "method": "GET", "status": "2xx"}
    assert delta("collectdesk_http_requests_total", **search) == 2
    assert delta("collectdesk_http_requests_total", view="debtors:reveal", status="2xx") == 1
    assert delta("collectdesk_http_requests_total", view="unmatched", status="4xx") == 1
    assert delta("collectdesk_http_request_duration_seconds_count",
                 view="debtors:search", status="2xx") == 2
    assert delta("collectdesk_upstream_calls_total", operation="D1", outcome="ok") == 2
    assert delta("collectdesk_upstream_call_duration_seconds_count", operation="D1") == 2
    assert delta("collectdesk_upstream_calls_total", operation="D3", outcome="ok") >= 1
    assert delta("collectdesk_upstream_token_fetches_total", outcome="ok") == 1
    assert delta("collectdesk_audit_entries_total", outcome="ok") == 1
    # The scrape reads the breaker from the shared cache.
    assert after.value("collectdesk_breaker_state", upstream="aptic") == 0
    # No label holds a path with values or a query.
    assert debtor["debtorGuid"] not in after.text and "Nobody" not in after.text


def test_a_retried_call_counts_the_retry_and_the_failed_attempt(upstream, agent_client):
    before = scrape(Client())
    upstream.script.append(problem(503))  # the first API request fails once
    assert agent_client.get("/debtors/", {"q": "Anyone"}).status_code == 200
    after = scrape(Client())
    retries = ("collectdesk_upstream_retries_total",
               {"operation": "D1", "reason": "unavailable"})
    assert after.value(retries[0], **retries[1]) - before.value(retries[0], **retries[1]) == 1
    failed = {"operation": "D1", "outcome": "failed"}
    assert (after.value("collectdesk_upstream_calls_total", **failed)
            - before.value("collectdesk_upstream_calls_total", **failed)) == 1


def test_a_refused_call_is_counted_as_refused(upstream, agent_client):
    before = scrape(Client())
    missing = "00000000-0000-4000-8000-000000000000"
    assert agent_client.get(f"/debtors/{missing}/").status_code == 404
    after = scrape(Client())
    refused = {"operation": "D3", "outcome": "refused"}
    assert (after.value("collectdesk_upstream_calls_total", **refused)
            - before.value("collectdesk_upstream_calls_total", **refused)) == 1


def test_breaker_state_and_transitions(db):
    before = scrape(Client())
    # The app's breaker in the shared cache, with no wait before the probe.
    tripping = Breaker(name=breaker_name(), fail_max=1, reset_seconds=0)
    tripping.failure(tripping.before_call("D1"))  # opens
    # The scrape reads the app's breaker (30 s to wait): open.
    assert scrape(Client()).value("collectdesk_breaker_state", upstream="aptic") == 2
    probe = tripping.before_call("D1")  # claims the probe: half-open
    tripping.success(probe)  # closes
    after = scrape(Client())

    def moved(state):
        key = ("collectdesk_breaker_transitions_total", {"upstream": "aptic", "state": state})
        return after.value(key[0], **key[1]) - before.value(key[0], **key[1])

    assert (moved("open"), moved("half-open"), moved("closed")) == (1, 1, 1)
    assert after.value("collectdesk_breaker_state", upstream="aptic") == 0


def breaker_name() -> str:
    from django.conf import settings

    return settings.APTIC_BASE_URL


def test_a_half_open_breaker_reads_one(db, settings):
    settings.APTIC_BREAKER_RESET_SECONDS = 0
    breaker = get_gateway().pipeline.breaker
    try:
        for _ in range(breaker.fail_max):
            breaker.failure(breaker.before_call("D1"))
        assert scrape(Client()).value("collectdesk_breaker_state", upstream="aptic") == 1
    finally:
        breaker.reset()


@pytest.mark.django_db(transaction=True)
def test_job_queue_depth_and_outcomes_are_read_from_the_queue_table():
    for _ in range(3):
        tasks.succeeds.enqueue()
    tasks.fails.enqueue()
    queued = scrape(Client())
    assert queued.value("collectdesk_job_queue_depth", queue="default") == 4
    assert queued.value("collectdesk_jobs", status="ready",
                        task="tests.observability.tasks.succeeds") == 3

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    done = scrape(Client())
    assert done.value("collectdesk_job_queue_depth", queue="default") == 0
    assert done.value("collectdesk_jobs", status="successful") == 3
    assert done.value("collectdesk_jobs", status="failed",
                      task="tests.observability.tasks.fails") == 1


# --- Access ---------------------------------------------------------------------------------


def test_loopback_needs_no_sign_in(db):
    assert Client().get("/metrics").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_another_address_gets_a_plain_404(db):
    answer = Client().get("/metrics", REMOTE_ADDR=STRANGER)
    assert answer.status_code == 404
    assert b"collectdesk_" not in answer.content


def test_the_token_opens_it_from_anywhere_and_a_wrong_one_never(db, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789abcdef"
    client = Client(REMOTE_ADDR=STRANGER)
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789abcdef")
    assert right.status_code == 200 and b"collectdesk_http_requests_total" in right.content
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic c2NyYXBlOng=").status_code == 404
    # A wrong token is refused even from an allowed address.
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_no_token_configured_means_no_bearer_access(db, settings):
    settings.METRICS_TOKEN = ""
    answer = Client(REMOTE_ADDR=STRANGER).get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert answer.status_code == 404


def test_allowed_networks_and_the_proxy_address(db, settings):
    settings.METRICS_ALLOWED_IPS = ["203.0.113.0/24"]
    assert Client(REMOTE_ADDR=STRANGER).get("/metrics").status_code == 200
    assert Client().get("/metrics").status_code == 404  # loopback is no longer listed
    # Behind one trusted proxy the client is the forwarded address, not the proxy's.
    settings.TRUSTED_PROXY_COUNT = 1
    via_proxy = Client(REMOTE_ADDR="127.0.0.1")
    assert via_proxy.get("/metrics", HTTP_X_FORWARDED_FOR=STRANGER).status_code == 200
    assert via_proxy.get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 404


def test_a_refused_post_looks_like_a_missing_page(db):
    client = Client(enforce_csrf_checks=False, REMOTE_ADDR=STRANGER)
    assert client.post("/metrics").status_code == 404
    assert Client().post("/metrics").status_code == 405


@pytest.mark.parametrize(("address", "allowed"), [
    ("127.0.0.1", True), ("::1", True), ("::ffff:127.0.0.1", True), ("127.0.0.2", False),
    ("", False), ("not-an-ip", False), ("[::1]", True),
])
def test_address_matching(address, allowed):
    assert address_allowed(address, ("127.0.0.1", "::1")) is allowed


def test_a_bad_allowed_entry_fails_the_system_check(settings):
    from backoffice.observability.apps import check_metrics_allowed_ips

    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "localhost"]
    [error] = check_metrics_allowed_ips(None)
    assert error.id == "observability.E001" and "localhost" in error.msg
