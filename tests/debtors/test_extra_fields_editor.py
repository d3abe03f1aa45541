"""The extra-field editor over htmx and without JavaScript, against the sandbox over HTTP."""

import pytest
from django.urls import reverse

from backoffice.gateway import fingerprint
from backoffice.gateway.testing import Recorder, problem, use_transport
from tests.debtors.pages import HTMX, post_data
from tests.debtors.records import audit_rows, upstream

pytestmark = pytest.mark.usefixtures("gw")


@pytest.fixture
def guid(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    answer = sandbox_api.http.post(f"/debtors/{guid}/extrafields",
                                   json={"name": "contract", "value": ["C-1", "C-2"]})
    assert answer.status_code == 201
    return guid


def fields(sandbox_api, guid):
    return {f["name"]: f["value"] for f in upstream(sandbox_api,
                                                    f"/debtors/{guid}/extrafields")["value"]}


def url(name, guid, *more):
    return reverse(f"debtors:extrafield-{name}", args=[guid, *more])


def test_the_panel_lists_fields_and_values(agent_client, guid):
    answer = agent_client.get(url("panel", guid), headers=HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and 'id="extra-fields"' in html
    assert "contract" in html and "C-1" in html and "C-2" in html
    assert url("edit", guid, "contract") in html


def test_add_with_values_one_per_line(agent_client, guid, sandbox_api):
    opened = agent_client.get(url("add", guid), headers=HTMX)
    assert b"data-inline-form" in opened.content
    answer = agent_client.post(url("add", guid), {"name": "ticket.ref",
                                                  "values": "T-1\n\nT-2 <b>x</b>\n"},
                               headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Extra field ticket.ref added." in html
    assert "T-2 &lt;b&gt;x&lt;/b&gt;" in html  # escaped
    assert fields(sandbox_api, guid)["ticket.ref"] == ["T-1", "T-2 <b>x</b>"]
    entry, = audit_rows("extrafield.create")
    assert (entry.outcome, entry.target_id) == ("ok", "ticket.ref")


def test_a_duplicate_name_is_explained_on_the_name(agent_client, guid, sandbox_api):
    answer = agent_client.post(url("add", guid), {"name": "CONTRACT", "values": "x"},
                               headers=HTMX)
    assert answer.status_code == 409
    form = answer.context["panel"].form
    assert "already has an extra field named CONTRACT" in form.errors["name"][0]
    assert b'value="CONTRACT"' in answer.content
    assert fields(sandbox_api, guid) == {"contract": ["C-1", "C-2"]}
    entry, = audit_rows("extrafield.create")
    assert (entry.outcome, entry.upstream_status) == ("refused", 409)


def test_limits_are_checked_before_anything_is_sent(agent_client, guid):
    answer = agent_client.post(url("add", guid), {"name": "bad name",
                                                  "values": "\n".join(["v"] * 21)}, headers=HTMX)
    assert answer.status_code == 422
    assert set(answer.context["panel"].form.errors) == {"name", "values"}
    assert audit_rows("extrafield.create") == []


def test_an_upstream_value_error_lands_on_the_values(agent_client, guid):
    rules = [("POST", r"/extrafields$", problem(400, {"value": ["Item 0 is not allowed."]}))]
    with use_transport(Recorder(rules)):
        answer = agent_client.post(url("add", guid), {"name": "x", "values": "bad"},
                                   headers=HTMX)
    assert answer.status_code == 422
    assert answer.context["panel"].form.errors["values"] == ["Item 0 is not allowed."]


def test_edit_renames_and_replaces_the_values(agent_client, guid, sandbox_api):
    opened = agent_client.get(url("edit", guid, "contract"), headers=HTMX)
    form = opened.context["panel"].form
    assert form.initial["values"] == "C-1\nC-2"
    answer = agent_client.post(url("edit", guid, "contract"),
                               post_data(form, name="contracts", values="C-3"), headers=HTMX)
    assert answer.status_code == 200
    assert fields(sandbox_api, guid) == {"contracts": ["C-3"]}
    entry, = audit_rows("extrafield.update")
    assert entry.outcome == "ok"
    assert entry.before == {"name": "contract", "value": ["C-1", "C-2"]}
    assert entry.after == {"name": "contracts", "value": ["C-3"]}


def test_edit_of_a_field_changed_meanwhile_keeps_the_input(agent_client, guid, sandbox_api):
    form = agent_client.get(url("edit", guid, "contract"), headers=HTMX).context["panel"].form
    sandbox_api.http.put(f"/debtors/{guid}/extrafields/contract",
                         json={"name": "contract", "value": ["C-9"]})
    answer = agent_client.post(url("edit", guid, "contract"), post_data(form, values="mine"),
                               headers=HTMX)
    assert answer.status_code == 409
    again = answer.context["panel"].form
    assert "C-9" in again.non_field_errors()[0]
    assert again.data["values"] == "mine"
    assert fields(sandbox_api, guid) == {"contract": ["C-9"]}
    assert audit_rows("extrafield.update")[0].reason == "stale"


def test_delete_asks_inline_then_deletes(agent_client, guid, sandbox_api):
    asked = agent_client.get(url("delete", guid, "contract"), headers=HTMX)
    assert b"Delete the extra field contract?" in asked.content
    field = asked.context["panel"].items[0]
    answer = agent_client.post(url("delete", guid, "contract"),
                               {"fingerprint": fingerprint(field)}, headers=HTMX)
    assert answer.status_code == 200
    assert b"No extra fields." in answer.content
    assert fields(sandbox_api, guid) == {}
    assert audit_rows("extrafield.delete")[0].outcome == "ok"


def test_without_javascript_a_change_redirects_to_the_debtor(agent_client, guid):
    page = agent_client.get(url("add", guid))
    assert b"<html" in page.content
    answer = agent_client.post(url("add", guid), {"name": "note", "values": "n"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/debtors/{guid}/#extra-fields"


def test_an_upstream_fault_changes_only_the_banner(agent_client, guid):
    rules = [("DELETE", r"/extrafields/contract$", problem(503))]
    with use_transport(Recorder(rules)):
        answer = agent_client.post(url("delete", guid, "contract"), {}, headers=HTMX)
    assert answer["HX-Retarget"] == "#banner"
    entry, = audit_rows("extrafield.delete")
    assert (entry.outcome, entry.error_class) == ("failed", "ServerError")
