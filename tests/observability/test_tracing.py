"""Tracing: off unless an OTLP endpoint is set (nothing of OpenTelemetry loaded); when on, a
search by name and ID number makes a server span and client spans named by their route
templates, and no span holds the name, the ID number, `$filter` or a query string."""

import json

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from backoffice.observability import tracing
from tests.debtors.made_up import swedish_personnummer, unique_word
from tests.observability.conftest import clean_env, run_python


@pytest.fixture
def spans(settings):
    """Django and httpx instrumented into an in-memory exporter for the test."""
    settings.MIDDLEWARE = list(settings.MIDDLEWARE)  # restored by the fixture afterwards
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.instrument(provider)
    try:
        yield exporter
    finally:
        tracing.uninstrument()
        provider.shutdown()


def test_a_search_by_name_and_id_number_makes_spans_without_personal_data(
        aptic, short_retries, sandbox_api, agent_client, spans):
    surname = unique_word()
    number = swedish_personnummer("19690311", "286")
    debtor = sandbox_api.create_debtor(firstname="Ragnhild", lastname=surname, idNumber=number)

    assert surname in agent_client.get("/debtors/", {"q": f"Ragnhild {surname}"}).content.decode()
    assert surname in agent_client.get("/debtors/", {"q": number}).content.decode()
    detail = agent_client.get(f"/debtors/{debtor['debtorGuid']}/", {"tab": "cases"})
    assert detail.status_code == 200

    finished = spans.get_finished_spans()
    servers = [s for s in finished if s.kind == SpanKind.SERVER]
    # The gateway's calls (the test's own sandbox client makes unnamed ones).
    clients = [s for s in finished if s.kind == SpanKind.CLIENT
               and s.attributes["http.route"] != "/<unnamed>"]
    assert [s.attributes["http.route"] for s in servers] == [
        "debtors/", "debtors/", "debtors/<uuid:guid>/"]
    assert [s.attributes["http.url"] for s in servers] == [
        "http://testserver/debtors/", "http://testserver/debtors/",
        "http://testserver/debtors/<uuid:guid>/"]
    routes = {s.attributes["http.route"] for s in clients}
    assert "/sandbox/api/v1/debtors" in routes
    assert "/sandbox/api/v1/debtors/{debtor_guid}" in routes
    for span in clients:
        url = span.attributes.get("http.url") or span.attributes.get("url.full")
        assert url.endswith(span.attributes["http.route"]), url
        # Each upstream call belongs to the trace of the request that made it.
        assert span.context.trace_id in {s.context.trace_id for s in servers}

    text = "\n".join(span.to_json() for span in finished)
    for secret in (surname, surname.lower(), "Ragnhild", number, number.replace("-", ""),
                   "$filter", "%24filter", "filter=", "?", "q=", "tab=",
                   debtor["debtorGuid"]):
        assert secret not in text, secret


def test_the_span_url_keeps_only_the_api_root_and_the_template():
    from types import SimpleNamespace

    request = SimpleNamespace(
        url="http://aptic.example:8443/tenant/api/v1/debtors/abc-123/addresses?x=Svensson",
        extensions={tracing.ROUTE_EXTENSION: "/debtors/{debtor_guid}/addresses"},
    )
    assert tracing._httpx_template(request) == (
        "http://aptic.example:8443", "/tenant/api/v1/debtors/{debtor_guid}/addresses")
    unnamed = SimpleNamespace(url="http://user:pw@other.example/x?y=1", extensions={})
    assert tracing._httpx_template(unnamed) == ("http://other.example", "/<unnamed>")


# redis-py imports OpenTelemetry's API and metrics SDK for its own optional metrics when they
# are installed, so "nothing loaded" means none of what tracing.py loads: the instrumentations,
# the exporter and the trace SDK.
SHOW = ("import django, sys; django.setup()\n"
        "from django.conf import settings\n"
        "ours = ('opentelemetry.instrumentation', 'opentelemetry.exporter', "
        "'opentelemetry.sdk.trace')\n"
        "print(sorted({m.split('.')[1] for m in sys.modules if m.startswith(ours)}))\n"
        "print(any('opentelemetry' in m for m in settings.MIDDLEWARE))\n")


def test_tracing_is_off_and_nothing_is_loaded_without_an_endpoint(tmp_path):
    out = run_python(SHOW, clean_env(tmp_path)).stdout.splitlines()
    assert out == ["[]", "False"]


def test_an_endpoint_turns_it_on(tmp_path):
    env = clean_env(tmp_path, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9",
                    OTEL_SERVICE_NAME="desk-test")
    loaded, middleware = run_python(SHOW, env).stdout.splitlines()
    assert {"instrumentation", "sdk", "exporter"} <= set(json.loads(loaded.replace("'", '"')))
    assert middleware == "True"
