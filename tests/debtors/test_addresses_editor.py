"""The address editor over htmx and without JavaScript, against the sandbox over HTTP."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.gateway.testing import Recorder, problem, use_transport
from tests.debtors.pages import HTMX, post_data
from tests.debtors.records import audit_rows, upstream

pytestmark = pytest.mark.usefixtures("gw")


@pytest.fixture
def debtor(sandbox_api):
    """A debtor with its LEGAL default address and a POSTAL one."""
    created = sandbox_api.create_debtor(street="Storgatan", houseNo="1", zipCode="753 20")
    guid = created["debtorGuid"]
    answer = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "POSTAL", "street": "Box 12", "city": "Enköping", "countryCode": "SE"})
    assert answer.status_code == 201
    return {"guid": guid, "postal": answer.json()["addressGuid"], "legal": next(
        a["addressGuid"] for a in upstream(sandbox_api, f"/debtors/{guid}/addresses")["value"]
        if a["addressType"] == "LEGAL")}


def addresses(sandbox_api, guid):
    return {a["addressGuid"]: a for a in upstream(sandbox_api,
                                                  f"/debtors/{guid}/addresses")["value"]}


def url(name, debtor, *more):
    return reverse(f"debtors:address-{name}", args=[debtor["guid"], *more])


def test_the_panel_lists_the_default_first_and_marks_not_valid_ones(agent_client, debtor,
                                                                     sandbox_api):
    body = upstream(sandbox_api, f"/debtors/{debtor['guid']}/addresses/{debtor['postal']}")
    body.update(addressNotValidDate="2026-01-15T00:00:00Z", defaultAddress=True)
    assert sandbox_api.http.put(f"/debtors/{debtor['guid']}/addresses/{debtor['postal']}",
                                json=body).status_code == 204

    answer = agent_client.get(url("panel", debtor), headers=HTMX)

    assert answer.status_code == 200
    assert answer["Vary"].count("HX-Request") == 1
    html = answer.content.decode()
    assert html.lstrip().startswith('<section class="panel editor-panel" id="addresses"')
    assert "<html" not in html
    assert html.index("Box 12") < html.index("Storgatan")  # the default (now POSTAL) first
    assert "Not valid since" in html and "2026" in html
    page = agent_client.get(url("panel", debtor))  # without htmx: a page of its own
    assert b"<html" in page.content and b"Box 12" in page.content


def test_add_inline_with_htmx(agent_client, debtor, sandbox_api):
    form_answer = agent_client.get(url("add", debtor), headers=HTMX)
    assert b"data-inline-form" in form_answer.content
    assert b"data-cancel" in form_answer.content

    answer = agent_client.post(url("add", debtor), {
        "address_type": "TEMPORARY", "street": "Sommarvägen", "house_no": "3",
        "city": "Öregrund", "country_code": "SE", "valid_from": "2026-06-01",
        "valid_to": "2026-08-31"}, headers=HTMX)

    assert answer.status_code == 200
    assert "Address added." in answer.content.decode()
    assert "Sommarvägen" in answer.content.decode()
    new = [a for a in addresses(sandbox_api, debtor["guid"]).values()
           if a["addressType"] == "TEMPORARY"]
    assert len(new) == 1 and new[0]["validTo"].startswith("2026-08-31")
    assert new[0]["defaultAddress"] is False
    entry, = audit_rows("address.create")
    assert entry.outcome == "ok" and entry.target_id == new[0]["addressGuid"]


def test_add_without_javascript_redirects_to_the_debtor(agent_client, debtor):
    page = agent_client.get(url("add", debtor))
    assert page.status_code == 200 and b"<html" in page.content
    answer = agent_client.post(url("add", debtor), {"address_type": "POSTAL", "city": "Visby"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/debtors/{debtor['guid']}/#addresses"


def test_add_refused_by_the_form_keeps_the_input(agent_client, debtor):
    answer = agent_client.post(url("add", debtor), {
        "address_type": "POSTAL", "full_name": "c/o Berg", "valid_from": "2026-03-01",
        "valid_to": "2026-02-01"}, headers=HTMX)
    assert answer.status_code == 422
    form = answer.context["panel"].form
    assert set(form.errors) == {"street", "valid_to"}
    assert b'value="c/o Berg"' in answer.content
    assert audit_rows("address.create") == []


def test_an_upstream_field_error_lands_on_the_address_field(agent_client, debtor):
    rules = [("POST", r"/addresses$", problem(400, {"zipCode": ["Unknown postal code."]}))]
    with use_transport(Recorder(rules)):
        answer = agent_client.post(url("add", debtor), {
            "address_type": "POSTAL", "city": "Visby", "zip_code": "99999"}, headers=HTMX)
    assert answer.status_code == 422
    assert answer.context["panel"].form.errors["zip_code"] == ["Unknown postal code."]
    assert b'value="99999"' in answer.content
    assert audit_rows("address.create")[0].outcome == "refused"


def test_edit_inline_keeps_what_is_not_changed(agent_client, debtor, sandbox_api):
    before = addresses(sandbox_api, debtor["guid"])[debtor["postal"]]
    opened = agent_client.get(url("edit", debtor, debtor["postal"]), headers=HTMX)
    assert opened.status_code == 200
    form = opened.context["panel"].form
    assert form.initial["street"] == "Box 12"

    answer = agent_client.post(url("edit", debtor, debtor["postal"]),
                               post_data(form, city="Västerås"), headers=HTMX)

    assert answer.status_code == 200, answer.context["panel"].form.errors
    assert "Address saved." in answer.content.decode()
    after = addresses(sandbox_api, debtor["guid"])[debtor["postal"]]
    assert after["city"] == "Västerås"
    assert (after["street"], after["countryCode"], after["defaultAddress"]) == (
        before["street"], before["countryCode"], False)
    entry, = audit_rows("address.update")
    assert entry.outcome == "ok"
    assert entry.before["city"] == "Enköping" and entry.after["city"] == "Västerås"


def test_an_address_save_costs_get_put_get(agent_client, debtor):
    """One save through the view: the gateway reads the address (the audit's "before" and the
    stale check), PUTs it with the changes applied and reads it again. Before the update took
    the changes only, the view read the address first to build the body: GET + GET + PUT + GET.
    """
    form = agent_client.get(url("edit", debtor, debtor["postal"]),
                            headers=HTMX).context["panel"].form
    with use_transport(Recorder()) as recorder:
        answer = agent_client.post(url("edit", debtor, debtor["postal"]),
                                   post_data(form, city="Västerås"))

    assert answer.status_code == 302
    one = f"/debtors/{debtor['guid']}/addresses/{debtor['postal']}"
    assert recorder.ops() == [f"GET {one}", f"PUT {one}", f"GET {one}"]


def test_edit_of_an_address_changed_meanwhile_is_refused_and_keeps_the_input(
        agent_client, debtor, sandbox_api):
    opened = agent_client.get(url("edit", debtor, debtor["postal"]), headers=HTMX)
    form = opened.context["panel"].form
    path = f"/debtors/{debtor['guid']}/addresses/{debtor['postal']}"
    body = upstream(sandbox_api, path)
    body["street"] = "Box 99"
    assert sandbox_api.http.put(path, json=body).status_code == 204

    answer = agent_client.post(url("edit", debtor, debtor["postal"]),
                               post_data(form, city="Sala"), headers=HTMX)

    assert answer.status_code == 409
    again = answer.context["panel"].form
    assert "Box 99" in again.non_field_errors()[0]
    assert again.data["city"] == "Sala"
    assert again.data["fingerprint"] != form.initial["fingerprint"]
    assert addresses(sandbox_api, debtor["guid"])[debtor["postal"]]["city"] == "Enköping"
    assert audit_rows("address.update")[0].reason == "stale"
    saved = agent_client.post(url("edit", debtor, debtor["postal"]), dict(again.data.items()),
                              headers=HTMX)
    assert saved.status_code == 200
    assert addresses(sandbox_api, debtor["guid"])[debtor["postal"]]["city"] == "Sala"


def test_make_default_moves_the_flag(agent_client, debtor, sandbox_api):
    panel = agent_client.get(url("panel", debtor), headers=HTMX)
    html = panel.content.decode()
    default_url = url("default", debtor, debtor["postal"])
    assert default_url in html
    assert url("default", debtor, debtor["legal"]) not in html  # the default has no button
    fp = panel.context["panel"].items[1]
    from backoffice.gateway import fingerprint

    answer = agent_client.post(default_url, {"fingerprint": fingerprint(fp)}, headers=HTMX)

    assert answer.status_code == 200
    assert "Default address changed." in answer.content.decode()
    now = addresses(sandbox_api, debtor["guid"])
    assert now[debtor["postal"]]["defaultAddress"] is True
    assert now[debtor["legal"]]["defaultAddress"] is False
    rows = sandbox_api.http.get("/debtors", params={
        "$filter": f"debtorGuid eq {debtor['guid']}"}).json()["value"]
    assert rows[0]["city"] == "Enköping"  # the list shows the new default
    entry, = audit_rows("address.update")
    assert entry.outcome == "ok" and entry.after["default_address"] is True


def test_mark_not_valid_with_a_date(agent_client, debtor, sandbox_api):
    opened = agent_client.get(url("invalid", debtor, debtor["legal"]), headers=HTMX)
    form = opened.context["panel"].mark_form
    assert form.initial["since"] == timezone.localdate()
    answer = agent_client.post(url("invalid", debtor, debtor["legal"]),
                               post_data(form, since="2026-01-10"), headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Address marked as not valid since 2026-01-10." in html
    assert "record--not-valid" in html
    legal = addresses(sandbox_api, debtor["guid"])[debtor["legal"]]
    assert legal["addressNotValidDate"].startswith("2026-01-10")
    assert legal["street"] == "Storgatan" and legal["defaultAddress"] is True
    assert audit_rows("address.update")[0].after["address_not_valid_date"] == "2026-01-10"


def test_mark_not_valid_refuses_a_future_date(agent_client, debtor):
    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    answer = agent_client.post(url("invalid", debtor, debtor["legal"]), {"since": later},
                               headers=HTMX)
    assert answer.status_code == 422
    assert "since" in answer.context["panel"].mark_form.errors
    assert later.encode() in answer.content


def test_delete_asks_inline_then_deletes(agent_client, debtor, sandbox_api):
    asked = agent_client.get(url("delete", debtor, debtor["postal"]), headers=HTMX)
    assert b"Delete this address?" in asked.content
    assert debtor["postal"] in addresses(sandbox_api, debtor["guid"])
    fp = asked.context["panel"].items[1]
    from backoffice.gateway import fingerprint

    answer = agent_client.post(url("delete", debtor, debtor["postal"]),
                               {"fingerprint": fingerprint(fp)}, headers=HTMX)

    assert answer.status_code == 200
    assert "Address deleted." in answer.content.decode()
    assert debtor["postal"] not in addresses(sandbox_api, debtor["guid"])
    assert audit_rows("address.delete")[0].outcome == "ok"


def test_acting_on_a_removed_address_says_so(agent_client, debtor, sandbox_api):
    sandbox_api.http.delete(f"/debtors/{debtor['guid']}/addresses/{debtor['postal']}")
    answer = agent_client.get(url("edit", debtor, debtor["postal"]), headers=HTMX)
    assert answer.status_code == 409
    assert b"no longer exists" in answer.content


def test_an_upstream_fault_changes_only_the_banner(agent_client, debtor, sandbox_api):
    rules = [("POST", r"/addresses$", problem(503, detail="down"))]
    with use_transport(Recorder(rules)):
        answer = agent_client.post(url("add", debtor), {"address_type": "POSTAL",
                                                        "city": "Visby"}, headers=HTMX)
    assert answer.status_code == 200
    assert answer["HX-Retarget"] == "#banner"
    assert b"data-upstream-banner" in answer.content
    entry, = audit_rows("address.create")
    assert (entry.outcome, entry.error_class) == ("failed", "ServerError")


def test_an_upstream_fault_without_javascript_keeps_the_form(agent_client, debtor, sandbox_api):
    sandbox_api.set_faults(status=503)
    answer = agent_client.post(url("add", debtor), {"address_type": "POSTAL",
                                                    "city": "Visby"})
    assert answer.status_code == 503
    assert b"data-upstream-banner" in answer.content
    assert b'value="Visby"' in answer.content
    assert audit_rows("address.create")[0].outcome == "failed"


def test_each_control_works_without_javascript(agent_client, debtor, sandbox_api):
    page = agent_client.get(url("edit", debtor, debtor["postal"]))
    assert page.status_code == 200 and b"<html" in page.content
    assert b'action="%s"' % url("edit", debtor, debtor["postal"]).encode() in page.content
    answer = agent_client.post(url("default", debtor, debtor["postal"]), {})
    assert answer.status_code == 302
    assert answer["Location"] == f"/debtors/{debtor['guid']}/#addresses"
    assert addresses(sandbox_api, debtor["guid"])[debtor["postal"]]["defaultAddress"] is True
    confirm = agent_client.get(url("delete", debtor, debtor["legal"]))
    assert b"Delete this address?" in confirm.content and b"<html" in confirm.content
