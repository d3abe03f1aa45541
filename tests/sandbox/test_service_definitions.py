"""S1 and S2 over real HTTP: the registry's actions, async calls, unknown names, bad bodies."""

import httpx
import pytest


def services_of(debtor_guid: str | None) -> str:
    return f"/debtors/{debtor_guid}/services" if debtor_guid else "/debtors/services"


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return answer.json()


def test_reminder_sms_for_a_debtor_goes_to_the_cellular_phone(sandbox_api):
    debtor = sandbox_api.create_debtor(cellularPhone="+46 70 123 45 67")["debtorGuid"]
    answer = sandbox_api.http.post(f"{services_of(debtor)}/sendReminderSms",
                                   json={"message": "Please pay invoice 123."})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "queued"
    assert (body["to"], body["message"], body["segments"]) == (
        "+46 70 123 45 67", "Please pay invoice 123.", 1)
    assert body["debtorGuid"] == debtor
    assert body["messageId"]


def test_reminder_sms_without_a_number_to_send_to(sandbox_api):
    debtor = sandbox_api.create_debtor()["debtorGuid"]
    errors = problem(sandbox_api.http.post(f"{services_of(debtor)}/sendReminderSms", json={}),
                     400)["errors"]
    assert list(errors) == ["phoneNumber"]
    errors = problem(sandbox_api.http.post(f"{services_of(None)}/sendReminderSms",
                                           json={"message": "x" * 481, "phoneNumber": "abc"}),
                     400)["errors"]
    assert set(errors) == {"message", "phoneNumber"}


def test_address_lookup_on_its_own_needs_an_id_number(sandbox_api):
    base = f"{services_of(None)}/requestAddressLookup"
    assert "idNumber" in problem(sandbox_api.http.post(base, json={}), 400)["errors"]
    assert "source" in problem(sandbox_api.http.post(
        base, json={"idNumber": "19800517-1234", "source": "oracle"}), 400)["errors"]
    answer = sandbox_api.http.post(base, json={"idNumber": "19800517-1234",
                                               "source": "creditBureau"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["source"] == "creditBureau"
    assert answer.json()["debtorGuid"] is None


def test_address_lookup_for_a_debtor_uses_its_id_number(sandbox_api):
    debtor = sandbox_api.create_debtor(idNumber="198005171234")["debtorGuid"]
    answer = sandbox_api.http.post(f"{services_of(debtor)}/requestAddressLookup")
    assert answer.status_code == 200, answer.text
    assert answer.json()["idNumber"] == "198005171234"
    assert answer.json()["status"] == "requested"


def test_echo_answers_the_body(sandbox_api):
    body = {"name1": "string", "name2": False, "name3": {"nested": [1, 2.5]}}
    answer = sandbox_api.http.post(f"{services_of(None)}/echo", json=body)
    assert answer.status_code == 200
    assert answer.json() == {"echo": body, "debtorGuid": None}


@pytest.mark.parametrize("debtor", [False, True])
def test_async_answers_202_and_an_empty_object(sandbox_api, debtor):
    guid = sandbox_api.create_debtor()["debtorGuid"] if debtor else None
    answer = sandbox_api.http.post(f"{services_of(guid)}/echo", params={"async": "true"},
                                   json={"a": 1})
    assert answer.status_code == 202
    assert answer.json() == {}
    sync = sandbox_api.http.post(f"{services_of(guid)}/echo", params={"async": "false"},
                                 json={"a": 1})
    assert (sync.status_code, sync.json()["echo"]) == (200, {"a": 1})


def test_async_still_checks_the_body(sandbox_api):
    answer = sandbox_api.http.post(f"{services_of(None)}/sendReminderSms",
                                   params={"async": "true"}, json={})
    assert "phoneNumber" in problem(answer, 400)["errors"]
    answer = sandbox_api.http.post(f"{services_of(None)}/echo", params={"async": "maybe"},
                                   json={})
    assert "async" in problem(answer, 400)["errors"]


def test_unknown_definition_and_unknown_debtor_are_404(sandbox_api):
    problem(sandbox_api.http.post(f"{services_of(None)}/launchRocket", json={}), 404)
    debtor = sandbox_api.create_debtor()["debtorGuid"]
    problem(sandbox_api.http.post(f"{services_of(debtor)}/launchRocket", json={}), 404)
    nobody = "4c3a0e0e-0000-4000-8000-000000000000"
    problem(sandbox_api.http.post(f"{services_of(nobody)}/echo", json={}), 404)


def test_body_must_be_a_json_object(sandbox_api):
    answer = sandbox_api.http.post(f"{services_of(None)}/echo", content=b"[1]",
                                   headers={"Content-Type": "application/json"})
    problem(answer, 400)
    answer = sandbox_api.http.post(f"{services_of(None)}/echo", content=b"{nope",
                                   headers={"Content-Type": "application/json"})
    problem(answer, 400)


def test_services_need_a_token_and_post(sandbox_api):
    assert httpx.post(f"{sandbox_api.base}/debtors/services/echo", json={},
                      timeout=10).status_code == 401
    answer = sandbox_api.http.get(f"{services_of(None)}/echo")
    assert problem(answer, 405)["status"] == 405
