"""Paging and ordering of lists over real HTTP ($skip, $top, $orderby)."""

from tests.sandbox.assertions import field_errors, tag


def _make(api, label: str, name_tag: str, **fields) -> dict:
    body = {"juridicalType": 0, "firstname": label, "lastname": name_tag, **fields}
    answer = api.http.post("/debtors", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _page(api, name_tag: str, **params) -> dict:
    params = {"$filter": f"contains(fullName,'{name_tag}')", **params}
    answer = api.http.get("/debtors", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_paging_edges(sandbox_api):
    name_tag = tag()
    made = [_make(sandbox_api, f"P{i:02d}", name_tag) for i in range(27)]
    default = _page(sandbox_api, name_tag)
    assert (default["count"], default["skip"], default["total"]) == (25, 0, 27)
    # The default order is by debtorReference: creation order.
    assert [row["debtorGuid"] for row in default["value"]] == [
        debtor["debtorGuid"] for debtor in made[:25]]
    assert _page(sandbox_api, name_tag, **{"$top": 100})["count"] == 27
    one = _page(sandbox_api, name_tag, **{"$top": 1, "$skip": 26})
    assert (one["count"], one["skip"], one["total"]) == (1, 26, 27)
    assert one["value"][0]["debtorGuid"] == made[26]["debtorGuid"]
    for skip in (27, 1000, 2147483647):
        past = _page(sandbox_api, name_tag, **{"$skip": skip})
        assert (past["count"], past["skip"], past["total"], past["value"]) == (0, skip, 27, [])


def test_pages_are_stable_and_complete(sandbox_api):
    name_tag = tag()
    made = {_make(sandbox_api, "Same", name_tag, city="Umeå")["debtorGuid"] for _ in range(7)}
    seen = []
    for skip in range(0, 8, 3):
        page = _page(sandbox_api, name_tag, **{"$top": 3, "$skip": skip, "$orderby": "city"})
        seen += [row["debtorGuid"] for row in page["value"]]
    assert len(seen) == 7
    assert set(seen) == made


def test_paging_limits_are_400s(sandbox_api):
    for params, field in (
        ({"$top": 0}, "$top"), ({"$top": 101}, "$top"), ({"$top": -1}, "$top"),
        ({"$top": "ten"}, "$top"), ({"$top": ""}, "$top"), ({"$top": "1.5"}, "$top"),
        ({"$skip": -1}, "$skip"), ({"$skip": "x"}, "$skip"), ({"$skip": 2147483648}, "$skip"),
    ):
        errors = field_errors(sandbox_api.http.get("/debtors", params=params))
        assert field in errors, params
    errors = field_errors(sandbox_api.http.get("/debtors", params={"$top": 101, "$skip": -1}))
    assert set(errors) == {"$top", "$skip"}
    at_limit = sandbox_api.http.get("/debtors", params={"$top": 100})
    assert at_limit.status_code == 200
    assert at_limit.json()["count"] <= 100


def test_ordering_by_several_fields_both_directions(sandbox_api):
    name_tag = tag()
    people = {
        "anna": {"city": "Uppsala", "dateOfBirth": "1990-01-01T00:00:00Z"},
        "Bertil": {"city": "Uppsala", "dateOfBirth": "1980-01-01T00:00:00Z"},
        "Örjan": {"city": "Bergen", "dateOfBirth": "1985-01-01T00:00:00Z"},
        "Åke": {"city": "bergen", "dateOfBirth": "1970-01-01T00:00:00Z"},
        "cecilia": {"city": "Umeå", "dateOfBirth": "1990-06-01T00:00:00Z"},
    }
    for label, fields in people.items():
        _make(sandbox_api, label, name_tag, **fields)

    def order(orderby: str) -> list[str]:
        rows = _page(sandbox_api, name_tag, **{"$orderby": orderby})["value"]
        return [row["fullName"].split()[0] for row in rows]

    # Letter case is ignored for every letter; Å and Ö sort after Z.
    assert order("fullName") == ["anna", "Bertil", "cecilia", "Åke", "Örjan"]
    assert order("fullName desc") == ["Örjan", "Åke", "cecilia", "Bertil", "anna"]
    assert order("city desc, dateOfBirth asc") == ["Bertil", "anna", "cecilia", "Åke", "Örjan"]
    assert order("CITY, dateofbirth DESC") == ["Örjan", "Åke", "cecilia", "anna", "Bertil"]
    assert order("dateOfBirth desc,fullName") == ["cecilia", "anna", "Örjan", "Bertil", "Åke"]


def test_bad_orderby_is_400(sandbox_api):
    for orderby in ("nope", "fullName sideways", "fullName desc now", "fullName,,city",
                    ",".join(["fullName"] * 11), "links", "full name"):
        errors = field_errors(sandbox_api.http.get("/debtors", params={"$orderby": orderby}))
        assert "$orderby" in errors, orderby
