"""Logs: one JSON line per request and per upstream call, joined by the request id to the audit
trail and to the X-Request-ID sent to Aptic, and free of personal data and queries."""

import json
import logging
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from backoffice import request_context
from backoffice.audit.models import AuditEntry
from backoffice.observability.logs import JsonFormatter, RequestContextFilter, logging_config
from tests.debtors.made_up import swedish_personnummer, unique_word
from tests.observability.conftest import PRODUCTION, clean_env, run_python

HTMX = {"HTTP_HX_REQUEST": "true"}
REQUEST_FIELDS = {"method", "route", "status", "duration_ms", "request_id", "user_id"}
GATEWAY_FIELDS = {"method", "op", "route", "status", "outcome", "duration_ms", "attempt",
                  "request_id", "user_id"}


def test_a_search_by_name_and_id_number_logs_fields_and_no_personal_data(
        upstream, sandbox_api, agent_client, agent_user, json_lines):
    surname, firstname = unique_word(), "Ingrid"
    number = swedish_personnummer("19761204", "457")
    debtor = sandbox_api.create_debtor(firstname=firstname, lastname=surname, idNumber=number)

    by_name = agent_client.get("/debtors/", {"q": f"{firstname} {surname}"})
    by_number = agent_client.get("/debtors/", {"q": number.replace("-", "")})
    reveal = agent_client.post(f"/debtors/{debtor['debtorGuid']}/reveal/",
                               {"reason": "Identity check"}, **HTMX)
    assert (by_name.status_code, by_number.status_code, reveal.status_code) == (200, 200, 200)
    assert surname in by_name.content.decode() and surname in by_number.content.decode()

    requests = json_lines.requests()
    assert [(r["route"], r["method"], r["status"]) for r in requests] == [
        ("debtors:search", "GET", 200), ("debtors:search", "GET", 200),
        ("debtors:reveal", "POST", 200)]
    for line, response in zip(requests, (by_name, by_number, reveal), strict=True):
        assert line.keys() >= REQUEST_FIELDS
        assert {"time", "level", "logger", "message"} <= line.keys()
        assert line["request_id"] == response["X-Request-ID"]
        assert line["user_id"] == agent_user.pk
        assert isinstance(line["duration_ms"], int)

    calls = json_lines.lines("backoffice.gateway")
    searches = [c for c in calls if c["op"] == "D1"]
    assert [c["request_id"] for c in searches] == [by_name["X-Request-ID"],
                                                   by_number["X-Request-ID"]]
    for call in calls:
        if call["op"] == "token":
            continue
        assert call.keys() >= GATEWAY_FIELDS
        assert call["user_id"] == agent_user.pk
        assert call["outcome"] == "ok" and call["attempt"] == 1
    # The id in the log is the one Aptic received and the one the audit entry holds.
    sent = {r.headers["X-Request-ID"] for r in upstream.requests}
    assert {c["request_id"] for c in calls if c["op"] != "token"} <= sent
    assert {by_name["X-Request-ID"], by_number["X-Request-ID"]} <= sent
    [entry] = AuditEntry.objects.filter(action="pii.reveal")
    assert entry.request_id == reveal["X-Request-ID"] == requests[2]["request_id"]
    assert any(c["request_id"] == entry.request_id for c in calls)

    text = json_lines.text
    for secret in (surname, surname.lower(), firstname, number, number.replace("-", ""),
                   number[2:], "$filter", "filter=", "?", "q=", "Identity check"):
        assert secret not in text, secret


def test_a_line_inside_a_request_context_carries_its_ids(agent_user):
    record = logging.LogRecord("backoffice.jobs", logging.WARNING, __file__, 1,
                               "something %s", ("happened",), None)
    with request_context.acting_as(agent_user, request_id="job-run-0001"):
        RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "something happened"
    assert (line["level"], line["logger"]) == ("WARNING", "backoffice.jobs")
    assert (line["request_id"], line["user_id"]) == ("job-run-0001", agent_user.pk)
    assert line["time"].endswith("+00:00")


def test_a_line_outside_any_request_invents_no_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "plain", (), None)
    RequestContextFilter().filter(record)
    assert "request_id" not in json.loads(JsonFormatter().format(record))


def test_an_exception_is_one_line_with_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["exception"]


def test_log_format_chooses_the_formatter_and_refuses_others():
    assert logging_config(log_format="json", level="INFO")["handlers"]["console"][
        "formatter"] == "json"
    assert logging_config(log_format="text", level="INFO")["handlers"]["console"][
        "formatter"] == "text"
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")


SHOW_FORMAT = ("import django; django.setup(); from django.conf import settings as s; "
               "print(s.LOG_FORMAT, s.LOGGING['handlers']['console']['formatter'])")


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, "text text"),                                   # development
    (PRODUCTION, "json json"),                           # DEBUG off
    ({**PRODUCTION, "LOG_FORMAT": "text"}, "text text"),
    ({"LOG_FORMAT": "JSON"}, "json json"),
])
def test_log_format_defaults_to_text_in_development_and_json_in_production(
        tmp_path, extra, expected):
    assert run_python(SHOW_FORMAT, clean_env(tmp_path, **extra)).stdout.strip() == expected


def test_production_settings_write_json_request_lines(tmp_path):
    code = (
        "import django, json, sys; django.setup()\n"
        "from django.test import Client\n"
        "answer = Client().get('/metrics?name=Svensson', HTTP_HOST='desk.example')\n"
        "assert answer.status_code == 200, answer.status_code  # plain http: no redirect\n"
    )
    done = run_python(code, clean_env(tmp_path, **PRODUCTION))
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    [line] = [line for line in lines if line["logger"] == "backoffice.request"]
    assert (line["route"], line["status"], line["method"]) == ("metrics", 200, "GET")
    assert "Svensson" not in done.stderr and "name=" not in done.stderr
