"""D1-D5 over real HTTP: shapes, statuses, replace semantics, delete rules."""

import re

from tests.sandbox.assertions import field_errors, problem, tag

# The vendor's debtor sample (D2/D3), plus fullName and vatNumber, which the sandbox returns.
DEBTOR_KEYS = {
    "debtorGuid", "debtorReference", "idNumber", "juridicalType", "placeOfBirth", "dateOfBirth",
    "gender", "cultureCode", "firstname", "middlename", "lastname", "nameSuffix", "domicile",
    "municipalCode", "naceCode", "homePhone", "workPhone", "cellularPhone", "telefax", "email",
    "languageCode", "currencyCode", "preferredChannel", "underAged",
    "conversationNotificationChannel", "conversationNotificationEmail",
    "conversationNotificationCellularPhone", "regDate", "links", "fullName", "vatNumber",
}
LIST_ROW_KEYS = {
    "debtorGuid", "debtorReference", "idNumber", "juridicalType", "placeOfBirth", "dateOfBirth",
    "fullName", "street", "houseNo", "houseNoExtension", "city", "zipCode", "stateCode",
    "countryCode", "underAged", "domicile", "municipalCode", "naceCode", "homePhone",
    "workPhone", "cellularPhone", "email", "languageCode", "currencyCode",
}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _person(name: str, **fields) -> dict:
    return {
        "juridicalType": 0, "firstname": "Åsa", "middlename": "Maria", "lastname": name,
        "idNumber": "19800517-1234", "dateOfBirth": "1980-05-17T00:00:00Z", "gender": 2,
        "cultureCode": "sv-SE", "languageCode": "sv", "currencyCode": "SEK",
        "street": "Storgatan", "houseNo": "12", "houseNoExtension": "B", "zipCode": "753 20",
        "city": "Uppsala", "countryCode": "SE", "email": "asa@example.se",
        "cellularPhone": "+46 70 123 45 67", "underAged": False,
        "conversationNotificationChannel": 3, **fields,
    }


def _list_row(api, guid: str) -> dict:
    answer = api.http.get("/debtors", params={"$filter": f"debtorGuid eq {guid}"})
    assert answer.status_code == 200
    assert answer.json()["total"] == 1
    return answer.json()["value"][0]


def test_create_person_composes_full_name_and_answers_the_debtor(sandbox_api):
    name = tag()
    answer = sandbox_api.http.post("/debtors", json=_person(name, unknownField=1))
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == DEBTOR_KEYS
    assert body["fullName"] == f"Åsa Maria {name}"
    assert body["juridicalType"] == 0
    assert body["gender"] == 2
    assert body["dateOfBirth"] == "1980-05-17T00:00:00Z"
    assert ISO_UTC.match(body["regDate"])
    assert body["debtorReference"].isdigit()
    assert body["conversationNotificationChannel"] == 3
    links = {link["rel"]: link for link in body["links"]}
    assert links["self"]["href"].endswith(f"/sandbox/api/v1/debtors/{body['debtorGuid']}")
    assert links["self"]["method"] == "GET"
    assert links["delete"]["method"] == "DELETE"
    got = sandbox_api.http.get(f"/debtors/{body['debtorGuid']}")
    assert got.status_code == 200
    assert got.json() == body


def test_create_makes_the_main_address_the_default_legal_address(sandbox_api):
    debtor = sandbox_api.http.post("/debtors", json=_person(tag())).json()
    addresses = sandbox_api.http.get(f"/debtors/{debtor['debtorGuid']}/addresses").json()
    assert addresses["total"] == 1
    address = addresses["value"][0]
    assert address["addressType"] == "LEGAL"
    assert address["defaultAddress"] is True
    assert address["fullAddress"] == "Storgatan 12B, 753 20 Uppsala, SE"
    row = _list_row(sandbox_api, debtor["debtorGuid"])
    assert set(row) == LIST_ROW_KEYS
    assert (row["street"], row["houseNo"], row["houseNoExtension"], row["zipCode"],
            row["city"], row["countryCode"]) == ("Storgatan", "12", "B", "753 20", "Uppsala", "SE")
    assert row["fullName"] == debtor["fullName"]


def test_create_keeps_a_given_full_name_and_full_address(sandbox_api):
    name = tag()
    body = _person(name, fullName=f"Dr {name}", fullAddress="c/o Berg, Storgatan 12B, Uppsala")
    debtor = sandbox_api.http.post("/debtors", json=body).json()
    assert debtor["fullName"] == f"Dr {name}"
    address = sandbox_api.http.get(f"/debtors/{debtor['debtorGuid']}/addresses").json()
    assert address["value"][0]["fullAddress"] == "c/o Berg, Storgatan 12B, Uppsala"


def test_create_company(sandbox_api):
    name = f"{tag()} Bygg AB"
    answer = sandbox_api.http.post("/debtors", json={
        "juridicalType": 1, "fullName": name, "idNumber": "556036-0793",
        "vatNumber": "SE556036079301", "naceCode": "41.200", "countryCode": "SE",
        "city": "Göteborg", "currencyCode": "SEK",
    })
    assert answer.status_code == 201
    assert answer.json()["fullName"] == name
    assert answer.json()["vatNumber"] == "SE556036079301"
    assert answer.json()["juridicalType"] == 1


def test_a_company_needs_a_full_name_and_a_person_a_last_name(sandbox_api):
    errors = field_errors(sandbox_api.http.post("/debtors", json={
        "juridicalType": 1, "lastname": "Bygg"}))
    assert "fullName" in errors
    errors = field_errors(sandbox_api.http.post("/debtors", json={
        "juridicalType": 0, "firstname": "Åsa", "fullName": "  "}))
    assert set(errors) >= {"fullName", "lastname"}
    person = sandbox_api.http.post("/debtors", json={"juridicalType": 0, "lastname": tag()})
    assert person.status_code == 201


def test_juridical_type_is_required(sandbox_api):
    assert "juridicalType" in field_errors(
        sandbox_api.http.post("/debtors", json={"fullName": "Nobody"}))


def test_malformed_bodies_are_400(sandbox_api):
    for content in (b"{not json", b"[1, 2]", b"", b'{"juridicalType": NaN}'):
        answer = sandbox_api.http.post(
            "/debtors", content=content, headers={"Content-Type": "application/json"}
        )
        problem(answer, 400)


def test_update_replaces_and_leaves_addresses_alone(sandbox_api):
    name = tag()
    debtor = sandbox_api.http.post("/debtors", json=_person(name)).json()
    guid = debtor["debtorGuid"]
    answer = sandbox_api.http.put(f"/debtors/{guid}", json={
        "juridicalType": 0, "firstname": "Karin", "lastname": name, "email": "karin@example.se",
        "street": "Ignored 1", "city": "Ignored",
    })
    assert answer.status_code == 204
    assert answer.content == b""
    after = sandbox_api.http.get(f"/debtors/{guid}").json()
    assert after["fullName"] == f"Karin {name}"
    assert after["email"] == "karin@example.se"
    # Fields not sent became null (or their default for enums).
    assert after["middlename"] is None
    assert after["idNumber"] is None
    assert after["dateOfBirth"] is None
    assert after["cellularPhone"] is None
    assert after["underAged"] is None
    assert after["gender"] == 0
    assert after["conversationNotificationChannel"] == 0
    # Unchanged: identity and registration.
    assert after["debtorReference"] == debtor["debtorReference"]
    assert after["regDate"] == debtor["regDate"]
    row = _list_row(sandbox_api, guid)
    assert (row["street"], row["city"]) == ("Storgatan", "Uppsala")


def test_update_is_validated_like_create(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    errors = field_errors(sandbox_api.http.put(f"/debtors/{guid}", json={
        "juridicalType": 0, "lastname": "x" * 101, "email": "nope"}))
    assert set(errors) == {"lastname", "email"}


def test_unknown_or_malformed_guid_is_404(sandbox_api):
    for guid in ("00000000-0000-4000-8000-000000000000", "not-a-guid", "1234"):
        problem(sandbox_api.http.get(f"/debtors/{guid}"), 404)
        problem(sandbox_api.http.put(f"/debtors/{guid}", json={"juridicalType": 0,
                                                                 "lastname": "x"}), 404)
        problem(sandbox_api.http.delete(f"/debtors/{guid}"), 404)
        problem(sandbox_api.http.get(f"/debtors/{guid}/summary"), 404)


def test_delete_without_cases(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.http.post(f"/debtors/{guid}/extrafields", json={"name": "x", "value": ["1"]})
    answer = sandbox_api.http.delete(f"/debtors/{guid}")
    assert answer.status_code == 204
    problem(sandbox_api.http.get(f"/debtors/{guid}"), 404)
    problem(sandbox_api.http.get(f"/debtors/{guid}/addresses"), 404)


def test_delete_with_an_active_case_is_a_conflict(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.add_case(guid)
    body = problem(sandbox_api.http.delete(f"/debtors/{guid}"), 409)
    assert "active cases" in body["detail"]
    assert sandbox_api.http.get(f"/debtors/{guid}").status_code == 200


def test_delete_with_closed_cases_only(sandbox_api):
    guid = sandbox_api.create_debtor()["debtorGuid"]
    sandbox_api.add_case(guid, closed=True)
    assert sandbox_api.http.delete(f"/debtors/{guid}").status_code == 204


def test_other_methods_are_405(sandbox_api):
    answer = sandbox_api.http.patch("/debtors", json={})
    problem(answer, 405)
    assert answer.headers["allow"] == "GET, POST"
    guid = sandbox_api.create_debtor()["debtorGuid"]
    assert sandbox_api.http.post(f"/debtors/{guid}", json={}).status_code == 405


def test_unknown_api_paths_are_problem_404s(sandbox_api):
    for path in ("/nothing", "/debtors/x/y/z/w", "/"):
        problem(sandbox_api.http.get(path), 404)
    problem(sandbox_api.http.get(sandbox_api.root + "/api/v2/debtors"), 404)
    problem(sandbox_api.control.get("/nothing"), 404)


def test_ping(sandbox_api):
    answer = sandbox_api.http.get("/ping")
    assert answer.status_code == 200
    assert answer.json() == {}
