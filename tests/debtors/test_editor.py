"""Create, edit and delete a debtor against the sandbox over HTTP, with the audit trail."""

import re

import pytest
from django.urls import reverse

from backoffice.gateway import fingerprint
from backoffice.gateway.testing import Recorder, problem, use_transport
from tests.debtors.pages import post_data
from tests.debtors.records import audit_rows, put_debtor, upstream

pytestmark = pytest.mark.usefixtures("gw")

NEW_PERSON = {
    "juridical_type": "0", "first_name": "Astrid", "last_name": "Lind", "gender": "2",
    "date_of_birth": "1981-12-28", "id_number": "8112289874", "cellular_phone": "070-123 45 67",
    "email": "astrid.lind@example.se", "culture_code": "sv-SE", "language_code": "sv",
    "currency_code": "SEK", "conversation_notification_channel": "2", "under_aged": "false",
    "street": "Storgatan", "house_no": "12", "zip_code": "753 20", "city": "Uppsala",
    "country_code": "SE",
}


def edit_form(client, guid):
    answer = client.get(reverse("debtors:edit", args=[guid]))
    assert answer.status_code == 200
    return answer.context["form"]


# --- Create --------------------------------------------------------------------------------------


def test_create_a_person_with_the_main_address(agent_client, sandbox_api, agent_user):
    page = agent_client.get(reverse("debtors:create"))
    assert page.status_code == 200
    assert b'type="date"' in page.content and b"data-juridical" in page.content

    answer = agent_client.post(reverse("debtors:create"), NEW_PERSON)

    assert answer.status_code == 302
    entry, = audit_rows("debtor.create")
    assert entry.outcome == "ok" and entry.actor == agent_user
    guid = entry.debtor_guid
    assert answer["Location"].startswith(f"/debtors/{guid}/")
    debtor = upstream(sandbox_api, f"/debtors/{guid}")
    assert debtor["fullName"] == "Astrid Lind"
    assert debtor["idNumber"] == "19811228-9874"  # normalised for Sweden
    assert debtor["cellularPhone"] == "+46 70 123 45 67"
    assert debtor["gender"] == 2 and debtor["conversationNotificationChannel"] == 2
    assert debtor["dateOfBirth"].startswith("1981-12-28")
    addresses = upstream(sandbox_api, f"/debtors/{guid}/addresses")["value"]
    assert [(a["addressType"], a["defaultAddress"], a["city"]) for a in addresses] == [
        ("LEGAL", True, "Uppsala")]


def test_create_a_company(agent_client, sandbox_api):
    data = {"juridical_type": "1", "company_name": "Lind Bygg AB", "id_number": "5560360793",
            "vat_number": "SE556036079301", "gender": "0", "under_aged": "unknown",
            "conversation_notification_channel": "0", "city": "Uppsala", "country_code": "SE",
            "first_name": "", "last_name": ""}
    answer = agent_client.post(reverse("debtors:create"), data)
    assert answer.status_code == 302
    guid = audit_rows("debtor.create", outcome="ok")[0].debtor_guid
    debtor = upstream(sandbox_api, f"/debtors/{guid}")
    assert (debtor["juridicalType"], debtor["fullName"], debtor["idNumber"]) == (
        1, "Lind Bygg AB", "556036-0793")


def test_create_refused_by_the_form_sends_nothing(agent_client):
    answer = agent_client.post(reverse("debtors:create"), {**NEW_PERSON, "last_name": "",
                                                           "id_number": "8112289875"})
    assert answer.status_code == 422
    form = answer.context["form"]
    assert set(form.errors) == {"last_name", "id_number"}
    assert audit_rows("debtor.create") == []
    assert b"Astrid" in answer.content  # the user's input is kept


def test_an_upstream_validation_error_lands_on_its_field(agent_client):
    # The form takes any past date; the sandbox refuses dates before 1800.
    answer = agent_client.post(reverse("debtors:create"), {**NEW_PERSON,
                                                           "date_of_birth": "1750-01-01"})
    assert answer.status_code == 422
    assert "date_of_birth" in answer.context["form"].errors
    entry, = audit_rows("debtor.create")
    assert (entry.outcome, entry.upstream_status) == ("refused", 400)


def test_create_during_an_upstream_fault_keeps_the_input(agent_client, sandbox_api):
    sandbox_api.set_faults(status=503)
    answer = agent_client.post(reverse("debtors:create"), NEW_PERSON)
    assert answer.status_code == 503
    assert b"data-upstream-banner" in answer.content
    assert answer.context["form"].data["last_name"] == "Lind"
    assert b'value="Lind"' in answer.content
    entry, = audit_rows("debtor.create")
    assert (entry.outcome, entry.error_class) == ("failed", "ServerError")


def test_create_while_rate_limited_asks_to_wait(agent_client, sandbox_api):
    sandbox_api.set_faults(status=429, retryAfter=7)
    answer = agent_client.post(reverse("debtors:create"), NEW_PERSON)
    assert answer.status_code == 503
    assert b"banner--warning" in answer.content
    assert b"Wait 7 seconds" in answer.content
    assert b'value="Astrid"' in answer.content
    entry, = audit_rows("debtor.create")
    assert (entry.outcome, entry.upstream_status, entry.error_class) == (
        "failed", 429, "RateLimited")


# --- Edit ----------------------------------------------------------------------------------------


def test_edit_keeps_the_fields_the_form_does_not_show(agent_client, sandbox_api):
    created = sandbox_api.create_debtor(telefax="+46 18 12 34 56", nameSuffix="Jr",
                                        conversationNotificationEmail="notify@example.se",
                                        municipalCode="0380")
    guid = created["debtorGuid"]
    form = edit_form(agent_client, guid)
    assert "telefax" not in form.fields

    answer = agent_client.post(reverse("debtors:edit", args=[guid]),
                               post_data(form, email="new@example.se"))

    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    debtor = upstream(sandbox_api, f"/debtors/{guid}")
    assert debtor["email"] == "new@example.se"
    assert debtor["telefax"] == "+46 18 12 34 56"
    assert debtor["nameSuffix"] == "Jr"
    assert debtor["conversationNotificationEmail"] == "notify@example.se"
    assert debtor["municipalCode"] == "0380"
    assert debtor["firstname"] == "Test" and debtor["lastname"] == created["lastname"]
    entry, = audit_rows("debtor.update")
    assert entry.outcome == "ok"
    assert entry.before["email"] is None and entry.after["email"] == "new@example.se"
    assert entry.request_body["telefax"] == "+46 18 12 34 56"


def test_the_edit_form_carries_the_fingerprint_of_what_it_shows(agent_client, sandbox_api):
    from backoffice.gateway import get_gateway

    guid = sandbox_api.create_debtor()["debtorGuid"]
    form = edit_form(agent_client, guid)
    assert form.initial["fingerprint"] == fingerprint(get_gateway().debtor_get(guid))


def test_a_lost_update_is_refused_and_shows_theirs_beside_yours(agent_client, sandbox_api):
    created = sandbox_api.create_debtor(email="old@example.se", homePhone="+46 8 123 45 67")
    guid = created["debtorGuid"]
    form = edit_form(agent_client, guid)
    put_debtor(sandbox_api, guid, homePhone="+46 8 765 43 21", domicile="Solna")  # someone else

    answer = agent_client.post(reverse("debtors:edit", args=[guid]),
                               post_data(form, email="mine@example.se"))

    assert answer.status_code == 409
    rows = {str(r["label"]): r for r in answer.context["conflict_rows"]}
    assert rows["E-mail"]["theirs"] == "old@example.se"
    assert rows["E-mail"]["yours"] == "mine@example.se"
    assert rows["E-mail"]["changed_by_you"] and not rows["E-mail"]["changed_by_them"]
    assert rows["Home phone"]["theirs"] == "+46 8 765 43 21"
    assert rows["Home phone"]["changed_by_them"] and not rows["Home phone"]["changed_by_you"]
    assert b"Someone else changed this debtor" in answer.content
    assert upstream(sandbox_api, f"/debtors/{guid}")["email"] == "old@example.se"  # nothing sent
    entry, = audit_rows("debtor.update")
    assert (entry.outcome, entry.reason) == ("refused", "stale")

    # The form again: their changes kept, mine applied, the new fingerprint.
    again = answer.context["form"]
    assert again.initial["email"] == "mine@example.se"
    assert again.initial["home_phone"] == "+46 8 765 43 21"
    assert again.initial["domicile"] == "Solna"
    assert again.initial["fingerprint"] != form.initial["fingerprint"]

    saved = agent_client.post(reverse("debtors:edit", args=[guid]), post_data(again))
    assert saved.status_code == 302
    debtor = upstream(sandbox_api, f"/debtors/{guid}")
    assert (debtor["email"], debtor["homePhone"], debtor["domicile"]) == (
        "mine@example.se", "+46 8 765 43 21", "Solna")
    assert [e.outcome for e in audit_rows("debtor.update")] == ["refused", "ok"]


def test_upstream_field_errors_land_on_the_edit_form_fields(agent_client, sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    form = edit_form(agent_client, guid)
    rules = [("PUT", rf"/debtors/{guid}$", problem(400, {
        "lastname": ["Not accepted by the collection system."],
        "homePhone": ["Unknown number series."],
        "somethingElse": ["Not a field of the form."],
    }))]
    with use_transport(Recorder(rules)) as transport:
        answer = agent_client.post(reverse("debtors:edit", args=[guid]),
                                   post_data(form, home_phone="+46 8 123 45 67"))
    assert transport.answered
    assert answer.status_code == 422
    errors = answer.context["form"].errors
    assert errors["last_name"] == ["Not accepted by the collection system."]
    assert errors["home_phone"] == ["Unknown number series."]
    assert "something_else: Not a field of the form." in errors["__all__"]
    assert audit_rows("debtor.update")[0].outcome == "refused"


def test_a_company_name_error_lands_on_the_company_name(agent_client, sandbox_api):
    guid = sandbox_api.create_debtor(juridicalType=1, fullName="Acme AB")["debtorGuid"]
    form = edit_form(agent_client, guid)
    assert form.initial["company_name"] == "Acme AB"
    rules = [("PUT", rf"/debtors/{guid}$", problem(400, {"fullName": ["Too similar."]}))]
    with use_transport(Recorder(rules)):
        answer = agent_client.post(reverse("debtors:edit", args=[guid]), post_data(form))
    assert answer.context["form"].errors["company_name"] == ["Too similar."]


def test_edit_during_an_upstream_fault_keeps_the_input(agent_client, sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    form = edit_form(agent_client, guid)
    rules = [("PUT", rf"/debtors/{guid}$", problem(503, detail="down"))]
    with use_transport(Recorder(rules)):
        answer = agent_client.post(reverse("debtors:edit", args=[guid]),
                                   post_data(form, email="kept@example.se"))
    assert answer.status_code == 503
    assert b"data-upstream-banner" in answer.content
    assert b'value="kept@example.se"' in answer.content
    entry, = audit_rows("debtor.update")
    assert (entry.outcome, entry.error_class) == ("failed", "ServerError")


def test_edit_of_an_unknown_debtor_is_a_404(agent_client):
    answer = agent_client.get(reverse("debtors:edit",
                                      args=["00000000-0000-4000-8000-000000000000"]))
    assert answer.status_code == 404


# --- Delete --------------------------------------------------------------------------------------


def test_delete_asks_then_deletes(agent_client, sandbox_api):
    created = sandbox_api.create_debtor()
    guid = created["debtorGuid"]
    page = agent_client.get(reverse("debtors:delete", args=[guid]))
    assert page.status_code == 200
    assert created["lastname"].encode() in page.content
    assert upstream(sandbox_api, f"/debtors/{guid}")  # asking deletes nothing

    answer = agent_client.post(reverse("debtors:delete", args=[guid]),
                               {"fingerprint": page.context["fingerprint"]})

    assert answer.status_code == 302 and answer["Location"] == reverse("debtors:search")
    assert sandbox_api.http.get(f"/debtors/{guid}").status_code == 404
    entry, = audit_rows("debtor.delete")
    assert (entry.outcome, entry.debtor_guid) == ("ok", guid)
    assert entry.before["last_name"] == created["lastname"]


def test_delete_of_a_debtor_with_an_active_case_is_explained(agent_client, sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.add_case(guid)
    page = agent_client.get(reverse("debtors:delete", args=[guid]))

    answer = agent_client.post(reverse("debtors:delete", args=[guid]),
                               {"fingerprint": page.context["fingerprint"]})

    assert answer.status_code == 409
    text = answer.content.decode()
    assert "This debtor cannot be deleted." in text
    assert "active cases or an active payment plan" in text
    # No status code in the words shown (GUIDs and tokens in attributes may hold the digits).
    shown = re.sub(r"<[^>]*>", " ", text.replace(guid, ""))
    assert "409" not in shown
    assert upstream(sandbox_api, f"/debtors/{guid}")["debtorGuid"] == guid
    entry, = audit_rows("debtor.delete")
    assert (entry.outcome, entry.upstream_status) == ("refused", 409)


def test_delete_of_a_debtor_changed_meanwhile_asks_again(agent_client, sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    page = agent_client.get(reverse("debtors:delete", args=[guid]))
    put_debtor(sandbox_api, guid, email="changed@example.se")

    answer = agent_client.post(reverse("debtors:delete", args=[guid]),
                               {"fingerprint": page.context["fingerprint"]})

    assert answer.status_code == 409
    assert b"Someone else changed this debtor" in answer.content
    assert answer.context["fingerprint"] != page.context["fingerprint"]
    assert upstream(sandbox_api, f"/debtors/{guid}")["email"] == "changed@example.se"
    assert audit_rows("debtor.delete")[0].reason == "stale"


# --- Personal data: the ID number stays masked for agents ----------------------------------------


def test_the_agent_edit_form_never_holds_the_id_number(agent_client, supervisor_client,
                                                       sandbox_api):
    from django.core import signing

    guid = sandbox_api.create_debtor(idNumber="19811228-9874")["debtorGuid"]
    page = agent_client.get(reverse("debtors:edit", args=[guid]))
    html = page.content.decode()
    assert "9874" in html and "19811228" not in html and "811228" not in html
    original = signing.loads(page.context["form"].initial["original"],
                             salt="debtors.form-original")
    assert "id_number" not in original
    full = supervisor_client.get(reverse("debtors:edit", args=[guid]))
    assert "811228" in full.content.decode()

    # Left blank, the number on record is kept; typed, it replaces it.
    form = page.context["form"]
    assert agent_client.post(reverse("debtors:edit", args=[guid]),
                             post_data(form, email="a@example.se")).status_code == 302
    assert upstream(sandbox_api, f"/debtors/{guid}")["idNumber"] == "19811228-9874"
    form = edit_form(agent_client, guid)
    assert agent_client.post(reverse("debtors:edit", args=[guid]),
                             post_data(form, id_number="8112289874")).status_code == 302
    form = edit_form(agent_client, guid)
    bad = agent_client.post(reverse("debtors:edit", args=[guid]),
                            post_data(form, id_number="8112289875"))
    assert "id_number" in bad.context["form"].errors


def test_a_conflict_shown_to_an_agent_masks_their_id_number(agent_client, sandbox_api):
    guid = sandbox_api.create_debtor(idNumber="19811228-9874")["debtorGuid"]
    form = edit_form(agent_client, guid)
    put_debtor(sandbox_api, guid, idNumber="19800517-0306")
    answer = agent_client.post(reverse("debtors:edit", args=[guid]),
                               post_data(form, id_number="8112289874"))
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "0306" in html and "19800517" not in html and "800517" not in html
    row, = [r for r in answer.context["conflict_rows"] if str(r["label"]) == "ID number"]
    assert row["yours"] == "19811228-9874"  # what the agent typed is theirs to see
