"""Custom actions: configured buttons per role, the admins' JSON-body form, sync and async."""

import html
import json

import pytest
from django.urls import reverse

from debtors.views.actions import pretty_json
from tests.debtors.pages import HTMX
from tests.debtors.records import audit_rows

pytestmark = pytest.mark.usefixtures("gw")


@pytest.fixture
def guid(sandbox_api):
    return sandbox_api.create_debtor(cellularPhone="+46 70 123 45 67")["debtorGuid"]


def run(client, guid, definition):
    return client.post(reverse("debtors:action-run", args=[guid]), {"definition": definition},
                       headers=HTMX)


def test_each_role_sees_the_actions_configured_for_it(agent_user, admin_user, guid):
    from django.template.loader import render_to_string

    html = render_to_string("debtors/partials/actions.html", {"debtor_guid": guid,
                                                              "user": agent_user})
    assert "Send reminder SMS" in html and "Request address lookup" in html
    assert 'value="echo"' not in html and "JSON body" not in html
    html = render_to_string("debtors/partials/actions.html", {"debtor_guid": guid,
                                                              "user": admin_user})
    assert 'value="echo"' in html and "JSON body" in html


def test_a_sync_action_shows_its_answer(agent_client, guid):
    answer = run(agent_client, guid, "sendReminderSms")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Send reminder SMS: done." in html
    assert "&quot;status&quot;: &quot;queued&quot;" in html  # formatted JSON, escaped
    assert "+46 70 123 45 67" in html
    entry, = audit_rows("service.invoke")
    assert (entry.outcome, entry.debtor_guid, entry.target_id) == ("ok", guid,
                                                                   "sendReminderSms")
    assert entry.after["data"]["to"] == "+46 70 123 45 67"


def test_a_refused_action_says_why(agent_client, guid):
    answer = run(agent_client, guid, "requestAddressLookup")  # the debtor has no ID number
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Request address lookup was refused" in html
    assert "idNumber: Required: the debtor has no ID number." in html
    entry, = audit_rows("service.invoke")
    assert (entry.outcome, entry.upstream_status) == ("refused", 400)


def test_an_action_not_configured_for_the_role_is_denied(agent_client, guid):
    assert run(agent_client, guid, "echo").status_code == 403
    assert run(agent_client, guid, "deleteEverything").status_code == 403
    denied = audit_rows("service.invoke", outcome="denied")
    assert len(denied) == 2 and "echo" in denied[0].reason
    assert not audit_rows("service.invoke", outcome="ok")


def test_admins_may_run_admin_actions(admin_client_role, guid):
    answer = run(admin_client_role, guid, "echo")
    assert answer.status_code == 200
    assert b"Echo (diagnostics): done." in answer.content


def test_a_configured_async_action_is_acknowledged(agent_client, guid, settings):
    settings.CUSTOM_ACTIONS = [{"definition": "sendReminderSms", "label": "Remind later",
                                "roles": ["agent"], "async": True,
                                "body": {"message": "Please call us"}}]
    answer = run(agent_client, guid, "sendReminderSms")
    assert answer.status_code == 200
    assert b"Remind later: queued." in answer.content
    entry, = audit_rows("service.invoke")
    assert entry.request_body == {"definition": "sendReminderSms", "async": True,
                                  "body": {"message": "Please call us"}}
    assert entry.after["status"] == 202


def test_the_json_form_runs_any_definition(admin_client_role, guid):
    url = reverse("debtors:action-json", args=[guid])
    assert admin_client_role.get(url, headers=HTMX).status_code == 200
    answer = admin_client_role.post(url, {"definition": "echo",
                                          "body": '{"amount": 10.10, "note": "<i>"}'},
                                    headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "&quot;amount&quot;: 10.10" in html  # Decimal digit for digit, not a float
    assert "&lt;i&gt;" in html and "<i>" not in html
    assert audit_rows("service.invoke")[0].outcome == "ok"


def test_the_json_form_checks_the_json_beside_the_field(admin_client_role, guid):
    url = reverse("debtors:action-json", args=[guid])
    answer = admin_client_role.post(url, {"definition": "echo", "body": '{"a": 1,'},
                                    headers=HTMX)
    assert answer.status_code == 422
    assert "Not valid JSON" in answer.context["json_form"].errors["body"][0]
    assert '{"a": 1,' in html.unescape(answer.content.decode())  # the input is kept
    answer = admin_client_role.post(url, {"definition": "echo", "body": "[]"}, headers=HTMX)
    assert "must be a JSON object" in answer.context["json_form"].errors["body"][0]
    assert audit_rows("service.invoke") == []


def test_the_json_form_shows_upstream_refusals_beside_the_fields(admin_client_role, guid):
    url = reverse("debtors:action-json", args=[guid])
    answer = admin_client_role.post(url, {"definition": "sendReminderSms",
                                          "body": '{"phoneNumber": "abc"}'}, headers=HTMX)
    assert answer.status_code == 422
    assert answer.context["json_form"].errors["body"] == ["phoneNumber: Not a valid value."]
    unknown = admin_client_role.post(url, {"definition": "noSuchThing", "body": "{}"},
                                     headers=HTMX)
    assert "no service definition" in unknown.context["json_form"].errors["definition"][0]
    assert [e.outcome for e in audit_rows("service.invoke")] == ["refused", "refused"]


def test_the_json_form_runs_async(admin_client_role, guid):
    url = reverse("debtors:action-json", args=[guid])
    answer = admin_client_role.post(url, {"definition": "echo", "body": "{}",
                                          "run_async": "on"}, headers=HTMX)
    assert answer.status_code == 200
    assert b"echo: queued." in answer.content


def test_an_upstream_fault_changes_only_the_banner(agent_client, guid, sandbox_api):
    sandbox_api.set_faults(status=503)
    answer = run(agent_client, guid, "sendReminderSms")
    assert answer["HX-Retarget"] == "#banner"
    entry, = audit_rows("service.invoke")
    assert (entry.outcome, entry.error_class) == ("failed", "ServerError")


def test_pretty_json_keeps_decimals_and_nesting():
    from decimal import Decimal

    text = pretty_json({"a": [Decimal("1.50"), {"b": None}], "c": "ö", "d": {}, "e": []})
    assert "1.50" in text and '"ö"' in text
    assert json.loads(text) == {"a": [1.5, {"b": None}], "c": "ö", "d": {}, "e": []}
