"""A1-A5 over real HTTP: one default address per debtor, shown flattened in the debtor list."""

from tests.sandbox.assertions import field_errors, problem, tag

ADDRESS_KEYS = {
    "addressGuid", "addressType", "fullName", "street", "houseNo", "houseNoExtension", "city",
    "zipCode", "stateCode", "countryCode", "fullAddress", "addressNotValidDate",
    "defaultAddress", "validFrom", "validTo", "validatedAt", "validOverride", "lastUpdatedAt",
}


def _debtor(api) -> str:
    return api.create_debtor(street="Storgatan", houseNo="1", zipCode="753 20", city="Uppsala",
                             countryCode="SE")["debtorGuid"]


def _main_address(api, guid: str) -> tuple:
    row = api.http.get("/debtors", params={"$filter": f"debtorGuid eq {guid}"}).json()["value"][0]
    return row["street"], row["city"], row["zipCode"]


def _addresses(api, guid: str) -> list[dict]:
    answer = api.http.get(f"/debtors/{guid}/addresses", params={"$orderby": "lastUpdatedAt"})
    assert answer.status_code == 200
    return answer.json()["value"]


def test_create_get_and_list(sandbox_api):
    guid = _debtor(sandbox_api)
    answer = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "POSTAL", "fullName": "Invoice Reader AB", "street": "Box 123",
        "zipCode": "101 10", "city": "Stockholm", "countryCode": "se",
        "validFrom": "2026-01-01T00:00:00Z", "validTo": "2026-12-31T00:00:00Z",
        "addressNotValidDate": "2026-06-01T00:00:00Z", "fullAddress": "ignored",
    })
    assert answer.status_code == 201
    address = answer.json()
    assert set(address) == ADDRESS_KEYS
    assert address["defaultAddress"] is False
    assert address["countryCode"] == "SE"
    assert address["fullAddress"] == "Box 123, 101 10 Stockholm, SE"
    assert address["validFrom"] == "2026-01-01T00:00:00Z"
    assert address["addressNotValidDate"] == "2026-06-01T00:00:00Z"
    got = sandbox_api.http.get(f"/debtors/{guid}/addresses/{address['addressGuid']}")
    assert got.json() == address
    listed = sandbox_api.http.get(f"/debtors/{guid}/addresses").json()
    assert listed["total"] == 2
    assert listed["value"][0]["defaultAddress"] is True  # the default comes first
    assert _main_address(sandbox_api, guid) == ("Storgatan", "Uppsala", "753 20")


def test_making_an_address_the_default_clears_the_others(sandbox_api):
    guid = _debtor(sandbox_api)
    created = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "TEMPORARY", "street": "Sjögatan 4", "city": "Luleå",
        "defaultAddress": True}).json()
    assert created["defaultAddress"] is True
    defaults = [a for a in _addresses(sandbox_api, guid) if a["defaultAddress"]]
    assert [a["addressGuid"] for a in defaults] == [created["addressGuid"]]
    assert _main_address(sandbox_api, guid) == ("Sjögatan 4", "Luleå", None)
    legal = next(a for a in _addresses(sandbox_api, guid) if a["addressType"] == "LEGAL")
    answer = sandbox_api.http.put(f"/debtors/{guid}/addresses/{legal['addressGuid']}", json={
        "addressType": "LEGAL", "street": "Storgatan", "houseNo": "1", "city": "Uppsala",
        "zipCode": "753 20", "defaultAddress": True})
    assert answer.status_code == 204
    defaults = [a["addressGuid"] for a in _addresses(sandbox_api, guid) if a["defaultAddress"]]
    assert defaults == [legal["addressGuid"]]
    assert _main_address(sandbox_api, guid) == ("Storgatan", "Uppsala", "753 20")


def test_update_replaces_and_refreshes_the_main_address(sandbox_api):
    guid = _debtor(sandbox_api)
    legal = _addresses(sandbox_api, guid)[0]
    url = f"/debtors/{guid}/addresses/{legal['addressGuid']}"
    answer = sandbox_api.http.put(url, json={"addressType": "LEGAL", "city": "Västerås"})
    assert answer.status_code == 204
    after = sandbox_api.http.get(url).json()
    assert after["street"] is None
    assert after["city"] == "Västerås"
    assert after["defaultAddress"] is True  # not sent: the flag stays
    assert after["fullAddress"] == "Västerås"
    assert after["lastUpdatedAt"] >= legal["lastUpdatedAt"]
    assert _main_address(sandbox_api, guid) == (None, "Västerås", None)


def test_the_default_flag_cannot_just_be_cleared(sandbox_api):
    guid = _debtor(sandbox_api)
    legal = _addresses(sandbox_api, guid)[0]
    answer = sandbox_api.http.put(f"/debtors/{guid}/addresses/{legal['addressGuid']}", json={
        "addressType": "LEGAL", "city": "Uppsala", "defaultAddress": False})
    problem(answer, 409)


def test_deleting_the_default_promotes_the_oldest_other(sandbox_api):
    guid = _debtor(sandbox_api)
    other = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "WORK", "street": "Kungsgatan 9", "city": "Umeå"}).json()
    legal = next(a for a in _addresses(sandbox_api, guid) if a["addressType"] == "LEGAL")
    answer = sandbox_api.http.delete(f"/debtors/{guid}/addresses/{legal['addressGuid']}")
    assert answer.status_code == 204
    remaining = _addresses(sandbox_api, guid)
    assert [(a["addressGuid"], a["defaultAddress"]) for a in remaining] == [
        (other["addressGuid"], True)]
    assert _main_address(sandbox_api, guid) == ("Kungsgatan 9", "Umeå", None)
    problem(sandbox_api.http.get(f"/debtors/{guid}/addresses/{legal['addressGuid']}"), 404)
    sandbox_api.http.delete(f"/debtors/{guid}/addresses/{other['addressGuid']}")
    assert _main_address(sandbox_api, guid) == (None, None, None)


def test_first_address_becomes_the_default(sandbox_api):
    guid = sandbox_api.http.post("/debtors", json={"juridicalType": 0,
                                                   "lastname": tag()}).json()["debtorGuid"]
    assert _addresses(sandbox_api, guid) == []
    created = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "LEGAL", "city": "Bergen", "countryCode": "NO"}).json()
    assert created["defaultAddress"] is True


def test_validation(sandbox_api):
    guid = _debtor(sandbox_api)
    url = f"/debtors/{guid}/addresses"
    cases = [
        ({"city": "Uppsala"}, "addressType"),
        ({"addressType": " ", "city": "Uppsala"}, "addressType"),
        ({"addressType": "bad/type", "city": "Uppsala"}, "addressType"),
        ({"addressType": "x" * 51, "city": "Uppsala"}, "addressType"),
        ({"addressType": "POSTAL", "zipCode": "75320"}, "street"),
        ({"addressType": "POSTAL", "street": "x" * 101}, "street"),
        ({"addressType": "POSTAL", "city": "x" * 101}, "city"),
        ({"addressType": "POSTAL", "city": "U", "fullName": "x" * 101}, "fullName"),
        ({"addressType": "POSTAL", "city": "U", "zipCode": "1" * 21}, "zipCode"),
        ({"addressType": "POSTAL", "city": "U", "houseNo": "1" * 21}, "houseNo"),
        ({"addressType": "POSTAL", "city": "U", "countryCode": "Sweden"}, "countryCode"),
        ({"addressType": "POSTAL", "city": "U", "validFrom": "2026-02-01T00:00:00Z",
          "validTo": "2026-01-31T00:00:00Z"}, "validTo"),
        ({"addressType": "POSTAL", "city": "U", "validFrom": "soon"}, "validFrom"),
        ({"addressType": "POSTAL", "city": "U", "defaultAddress": "yes"}, "defaultAddress"),
    ]
    for body, field in cases:
        assert field in field_errors(sandbox_api.http.post(url, json=body)), body
    legal = _addresses(sandbox_api, guid)[0]
    assert "addressType" in field_errors(
        sandbox_api.http.put(f"{url}/{legal['addressGuid']}", json={"city": "Uppsala"}))
    same_day = sandbox_api.http.post(url, json={
        "addressType": "POSTAL", "city": "U", "validFrom": "2026-01-31T00:00:00Z",
        "validTo": "2026-01-31T00:00:00Z"})
    assert same_day.status_code == 201


def test_unknown_addresses_are_404(sandbox_api):
    guid = _debtor(sandbox_api)
    other = _debtor(sandbox_api)
    foreign = _addresses(sandbox_api, other)[0]["addressGuid"]
    for address in (foreign, "00000000-0000-4000-8000-000000000000", "nope"):
        problem(sandbox_api.http.get(f"/debtors/{guid}/addresses/{address}"), 404)
        problem(sandbox_api.http.delete(f"/debtors/{guid}/addresses/{address}"), 404)
    problem(sandbox_api.http.get("/debtors/nope/addresses"), 404)
